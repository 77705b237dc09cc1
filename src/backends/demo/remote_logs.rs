//! The running demo's logs, for other gatescope processes: the demo serves its
//! [`LogSource`] on the control port (`/_gatescope/logs/...`, JSON in and out) and
//! [`RemoteLogs`] is the client every `gatescope demo SUBCOMMAND` uses while a demo runs,
//! so `demo logs` shows what the TUI (or curl) sent to that demo.
//!
//! Live tail is not carried over: [`RemoteLogs::live_tail`] says so and the tail polls
//! `filter_events` instead, as it does on AWS without StartLiveTail.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};

use super::state::HELLO_PATH;
use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, QueryRequest, QueryResults,
};
use crate::backends::{BackendError, ErrorKind, LogSource};

/// A [`BackendError`] on the wire.
#[derive(Debug, Serialize, Deserialize)]
struct WireError {
    kind: String,
    message: String,
    fix: Option<String>,
}

fn kind_name(k: ErrorKind) -> &'static str {
    match k {
        ErrorKind::Auth => "auth",
        ErrorKind::Config => "config",
        ErrorKind::NotFound => "not-found",
        ErrorKind::Throttled => "throttled",
        ErrorKind::Network => "network",
        ErrorKind::Unsupported => "unsupported",
        ErrorKind::Other => "other",
    }
}

fn kind_of(name: &str) -> ErrorKind {
    match name {
        "auth" => ErrorKind::Auth,
        "config" => ErrorKind::Config,
        "not-found" => ErrorKind::NotFound,
        "throttled" => ErrorKind::Throttled,
        "network" => ErrorKind::Network,
        "unsupported" => ErrorKind::Unsupported,
        _ => ErrorKind::Other,
    }
}

pub(super) struct Failed(pub(super) BackendError);

impl IntoResponse for Failed {
    fn into_response(self) -> Response {
        let status = match self.0.kind {
            ErrorKind::NotFound => http::StatusCode::NOT_FOUND,
            _ => http::StatusCode::BAD_REQUEST,
        };
        let e = WireError {
            kind: kind_name(self.0.kind).into(),
            message: self.0.message,
            fix: self.0.fix,
        };
        (status, axum::Json(e)).into_response()
    }
}

pub(super) type Answer<T> = Result<axum::Json<T>, Failed>;

/// What the control port serves: who this demo is, and its logs.
pub struct Control {
    pub instance: String,
    pub logs: Arc<dyn LogSource>,
}

/// The control routes, merged into the issuer's listener.
pub fn routes(control: Arc<Control>) -> Router {
    Router::new()
        .route(HELLO_PATH, get(hello))
        .route("/_gatescope/logs/filter", post(filter))
        .route("/_gatescope/logs/query", post(start_query))
        .route("/_gatescope/logs/query/{id}", get(query_results))
        .route("/_gatescope/logs/query/{id}/stop", post(stop_query))
        .route("/_gatescope/logs/record", get(record))
        .route("/_gatescope/logs/lambda-group", get(lambda_group))
        .with_state(control)
}

async fn hello(State(c): State<Arc<Control>>) -> axum::Json<serde_json::Value> {
    axum::Json(serde_json::json!({ "instance": c.instance }))
}

async fn filter(
    State(c): State<Arc<Control>>,
    axum::Json(req): axum::Json<FilterRequest>,
) -> Answer<FilterPage> {
    c.logs
        .filter_events(req)
        .await
        .map(axum::Json)
        .map_err(Failed)
}

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryId {
    query_id: String,
}

async fn start_query(
    State(c): State<Arc<Control>>,
    axum::Json(req): axum::Json<QueryRequest>,
) -> Answer<QueryId> {
    let query_id = c.logs.start_query(req).await.map_err(Failed)?;
    Ok(axum::Json(QueryId { query_id }))
}

async fn query_results(
    State(c): State<Arc<Control>>,
    Path(id): Path<String>,
) -> Answer<QueryResults> {
    c.logs
        .query_results(&id)
        .await
        .map(axum::Json)
        .map_err(Failed)
}

async fn stop_query(State(c): State<Arc<Control>>, Path(id): Path<String>) -> Answer<bool> {
    c.logs.stop_query(&id).await.map_err(Failed)?;
    Ok(axum::Json(true))
}

#[derive(Serialize, Deserialize)]
struct Arg {
    of: String,
}

async fn record(
    State(c): State<Arc<Control>>,
    Query(a): Query<Arg>,
) -> Answer<BTreeMap<String, String>> {
    c.logs
        .get_log_record(&a.of)
        .await
        .map(axum::Json)
        .map_err(Failed)
}

async fn lambda_group(State(c): State<Arc<Control>>, Query(a): Query<Arg>) -> Answer<String> {
    c.logs
        .lambda_log_group(&a.of)
        .await
        .map(axum::Json)
        .map_err(Failed)
}

/// The [`LogSource`] of a demo running in another process.
pub(crate) struct RemoteLogs {
    base: String,
    client: reqwest::Client,
}

impl RemoteLogs {
    pub fn new(control_url: &str) -> Result<Self, BackendError> {
        Ok(RemoteLogs {
            base: format!("{}/_gatescope/logs", control_url.trim_end_matches('/')),
            client: control_client(Duration::from_secs(30))?,
        })
    }

    async fn call<T: serde::de::DeserializeOwned>(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<T, BackendError> {
        call_control(req).await
    }
}

/// A client for the running demo's control port (loopback: never a proxy).
pub(super) fn control_client(timeout: Duration) -> Result<reqwest::Client, BackendError> {
    reqwest::Client::builder()
        .timeout(timeout)
        .no_proxy()
        .build()
        .map_err(|e| BackendError::new(ErrorKind::Other, e.to_string()))
}

/// One call to the running demo's control port: its JSON answer, or its error as
/// the [`BackendError`] the demo process had.
pub(super) async fn call_control<T: serde::de::DeserializeOwned>(
    req: reqwest::RequestBuilder,
) -> Result<T, BackendError> {
    let resp = req.send().await.map_err(|e| {
        BackendError::new(
            ErrorKind::Network,
            format!("the running demo did not answer ({e})"),
        )
        .with_fix("is `gatescope demo --serve` still running? Start it again")
    })?;
    let ok = resp.status().is_success();
    let bytes = resp.bytes().await.map_err(|e| {
        BackendError::new(
            ErrorKind::Network,
            format!("the running demo hung up ({e})"),
        )
    })?;
    if ok {
        return serde_json::from_slice(&bytes).map_err(|e| {
            BackendError::new(
                ErrorKind::Other,
                format!("the running demo answered something unexpected ({e})"),
            )
            .with_fix("is it another gatescope version? Restart `gatescope demo --serve`")
        });
    }
    let e: WireError = serde_json::from_slice(&bytes).map_err(|_| {
        BackendError::new(
            ErrorKind::Other,
            "the running demo refused a call without saying why",
        )
    })?;
    let mut err = BackendError::new(kind_of(&e.kind), e.message);
    err.fix = e.fix;
    Err(err)
}

#[async_trait]
impl LogSource for RemoteLogs {
    async fn filter_events(&self, req: FilterRequest) -> Result<FilterPage, BackendError> {
        let url = format!("{}/filter", self.base);
        self.call(json_post(&self.client, url, &req)).await
    }

    async fn start_query(&self, req: QueryRequest) -> Result<String, BackendError> {
        let url = format!("{}/query", self.base);
        let id: QueryId = self.call(json_post(&self.client, url, &req)).await?;
        Ok(id.query_id)
    }

    async fn query_results(&self, query_id: &str) -> Result<QueryResults, BackendError> {
        let url = format!("{}/query/{}", self.base, encode(query_id));
        self.call(self.client.get(url)).await
    }

    async fn stop_query(&self, query_id: &str) -> Result<(), BackendError> {
        let url = format!("{}/query/{}/stop", self.base, encode(query_id));
        self.call::<bool>(self.client.post(url)).await.map(|_| ())
    }

    async fn get_log_record(&self, ptr: &str) -> Result<BTreeMap<String, String>, BackendError> {
        let url = format!("{}/record?of={}", self.base, encode(ptr));
        self.call(self.client.get(url)).await
    }

    async fn live_tail(
        &self,
        _log_groups: &[String],
        _filter_pattern: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        Err(BackendError::new(
            ErrorKind::Unsupported,
            "the running demo is read from another process",
        ))
    }

    async fn lambda_log_group(&self, function_arn: &str) -> Result<String, BackendError> {
        let url = format!("{}/lambda-group?of={}", self.base, encode(function_arn));
        self.call(self.client.get(url)).await
    }
}

pub(super) fn json_post<T: Serialize>(
    client: &reqwest::Client,
    url: String,
    body: &T,
) -> reqwest::RequestBuilder {
    client
        .post(url)
        .header("content-type", "application/json")
        .body(serde_json::to_vec(body).unwrap_or_default())
}

fn encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::demo::log_store::LogStore;
    use crate::backends::demo::logs::DemoLogs;

    /// The remote client gives what the in-process source gives, errors included.
    #[tokio::test]
    async fn remote_logs_mirror_the_demo_store() {
        let store = Arc::new(LogStore::default());
        store.ensure_group("/g");
        store.put("/g", "s", "START RequestId: r1");
        store.put("/g", "s", "ERROR boom");
        let control = Arc::new(Control {
            instance: "i-1".into(),
            logs: Arc::new(DemoLogs::new(store)),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, routes(control)).await });
        let remote = RemoteLogs::new(&url).unwrap();
        let page = remote
            .filter_events(FilterRequest {
                log_group: "/g".into(),
                start_ms: 0,
                filter_pattern: Some("ERROR".into()),
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(page.events.len(), 1);
        assert_eq!(page.events[0].message, "ERROR boom");
        let missing = remote
            .filter_events(FilterRequest {
                log_group: "/nope".into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert_eq!(missing.kind, ErrorKind::NotFound);
        assert!(missing.fix.unwrap().contains("/g"));
        let id = remote
            .start_query(QueryRequest {
                log_groups: vec!["/g".into()],
                query: "fields @message | limit 5".into(),
                start_s: 0,
                end_s: i64::MAX / 2000,
                limit: None,
            })
            .await
            .unwrap();
        let results = remote.query_results(&id).await.unwrap();
        assert_eq!(results.rows.len(), 2);
        let ptr = results.rows[0]
            .iter()
            .find(|(k, _)| k == "@ptr")
            .map(|(_, v)| v.clone())
            .unwrap();
        let record = remote.get_log_record(&ptr).await.unwrap();
        assert!(record.contains_key("@message"), "{record:?}");
        let tail = remote.live_tail(&["/g".into()], None).await;
        assert_eq!(tail.err().unwrap().kind, ErrorKind::Unsupported);
        assert_eq!(
            remote
                .lambda_log_group("arn:aws:lambda:us-east-1:1:function:f")
                .await
                .unwrap(),
            "/aws/lambda/f"
        );
    }
}
