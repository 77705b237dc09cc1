//! Local fake HTTP servers, for what moto does not do (paging, throttling,
//! API Gateway's error answers on the data plane): an axum app served on a
//! free loopback port, plus the canned answers the fakes give.

use std::net::SocketAddr;

use axum::Router;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::any;

/// Serve `app` on 127.0.0.1 (a free port) from the current tokio runtime.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}

/// Serve `app` from a runtime of its own on a background thread, for plain
/// `#[test]`s (e.g. ones that run the gatescope binary against it). The server
/// lives until the test process ends.
pub fn serve_in_thread(app: Router) -> SocketAddr {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            tx.send(serve(app).await).unwrap();
            std::future::pending::<()>().await;
        });
    });
    rx.recv().unwrap()
}

/// One fixed answer: status, headers (names as written) and body.
pub fn reply(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    let mut h = HeaderMap::new();
    for (k, v) in headers {
        h.append(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
    }
    (StatusCode::from_u16(status).unwrap(), h, body.to_string()).into_response()
}

/// A canned answer for one path, for [`canned`].
pub struct Canned {
    pub path: &'static str,
    pub status: u16,
    pub headers: &'static [(&'static str, &'static str)],
    pub body: &'static str,
}

/// A router answering each path with its fixed reply (any method); 404
/// elsewhere.
pub fn canned(answers: &[Canned]) -> Router {
    answers.iter().fold(Router::new(), |app, c| {
        let (status, headers, body) = (c.status, c.headers, c.body);
        app.route(
            c.path,
            any(move || async move { reply(status, headers, body) }),
        )
    })
}

/// An AWS JSON-protocol error: `x-amzn-errortype` plus `{"message": ...}`.
pub fn aws_error(status: u16, error_type: &str, message: &str) -> Response {
    reply(
        status,
        &[
            ("x-amzn-errortype", error_type),
            ("content-type", "application/json"),
        ],
        &serde_json::json!({ "message": message }).to_string(),
    )
}

/// A 200 JSON answer.
pub fn json_ok(body: serde_json::Value) -> Response {
    reply(
        200,
        &[("content-type", "application/json")],
        &body.to_string(),
    )
}
