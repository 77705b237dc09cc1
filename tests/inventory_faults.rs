//! Control-plane fault modes on the list calls: a 200 cut short and a 200
//! that is an HTML page are retried like throttling, so a flaky first
//! answer loses nothing (before, GetApis failing this way left `apis` with
//! "no APIs" and exit 0).

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use gatescope::app::inventory::Loader;
use serde_json::json;
use support::fake_http::{json_ok, serve};

#[derive(Clone, Copy)]
enum Fault {
    /// `200 application/json` whose body stops mid-document.
    Truncated,
    /// `200 text/html`: a proxy's error page.
    Html,
}

type Attempts = Arc<Mutex<HashMap<String, u32>>>;

async fn handle(fault: Fault, attempts: Attempts, method: Method, uri: Uri) -> Response {
    let key = format!("{method} {uri}");
    let n = {
        let mut a = attempts.lock().unwrap();
        let n = a.entry(key).or_default();
        *n += 1;
        *n
    };
    let path = uri.path();
    let is_list = path == "/v2/apis" || path == "/restapis";
    // The first two tries of each list call are garbled.
    if is_list && n <= 2 {
        let mut r = match fault {
            Fault::Truncated => (StatusCode::OK, "{\"items\": [{\"apiId\": \"a").into_response(),
            Fault::Html => {
                (StatusCode::OK, "<html><body>Bad gateway</body></html>").into_response()
            }
        };
        let ct = match fault {
            Fault::Truncated => "application/json",
            Fault::Html => "text/html",
        };
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(ct));
        return r;
    }
    match path {
        "/v2/apis" => json_ok(json!({"items": [
            {"apiId": "h1", "name": "one", "protocolType": "HTTP"},
            {"apiId": "h2", "name": "two", "protocolType": "HTTP"},
        ]})),
        "/restapis" => json_ok(json!({"item": [{"id": "r1", "name": "rest"}]})),
        _ => json_ok(json!({"items": [], "item": []})),
    }
}

async fn load(fault: Fault) -> (Vec<String>, Vec<String>, Attempts) {
    let attempts: Attempts = Arc::default();
    let a = attempts.clone();
    let app = axum::Router::new().fallback(move |m: Method, u: Uri| handle(fault, a.clone(), m, u));
    let url = format!("http://{}", serve(app).await);
    let cp = support::aws::shared_control_plane(&url, Some(support::aws::fast_retry(6))).await;
    let (inv, problems) = Loader::new(cp).load().await.expect("the load succeeds");
    let mut ids: Vec<String> = inv.apis.iter().map(|a| a.id.clone()).collect();
    ids.sort();
    (
        ids,
        problems.iter().map(|p| format!("{p:?}")).collect(),
        attempts,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbled_200s_on_list_calls_are_retried_until_read() {
    for fault in [Fault::Truncated, Fault::Html] {
        let (ids, problems, attempts) = load(fault).await;
        assert_eq!(ids, ["h1", "h2", "r1"]);
        assert!(problems.is_empty(), "{problems:?}");
        let a = attempts.lock().unwrap();
        assert_eq!(a.get("GET /v2/apis"), Some(&3), "{a:?}");
    }
}
