//! The AWS log source against a local fake CloudWatch Logs (axum, loopback)
//! for what moto lacks: Insights going Scheduled → Running → Complete with
//! statistics, Failed and Timeout; StopQuery; GetLogRecord; throttled
//! FilterLogEvents answers with paging; and a StartLiveTail event stream
//! with several updates, framed with aws-smithy-eventstream.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use gatescope::app::logs::full_record::{complete_rows, needs_full_record};
use gatescope::app::logs::{
    InsightsConfig, InsightsEvent, InsightsRunner, TailConfig, TailEvent, TailMode, spawn_tail,
};
use gatescope::backends::log_source::{QueryRequest, QueryStatus};
use gatescope::backends::{ErrorKind, LogSource};
use serde_json::{Value, json};

#[derive(Default)]
struct Fake {
    polls: Mutex<std::collections::HashMap<String, usize>>,
    filter_calls: AtomicU32,
    stop_calls: AtomicU32,
    record_calls: AtomicU32,
}

fn json_response(v: Value) -> Response {
    (
        [("content-type", "application/x-amz-json-1.1")],
        v.to_string(),
    )
        .into_response()
}

fn aws_error(status: StatusCode, code: &str, msg: &str) -> Response {
    (
        status,
        [
            ("content-type", "application/x-amz-json-1.1"),
            ("x-amzn-errortype", code),
        ],
        json!({"__type": code, "message": msg}).to_string(),
    )
        .into_response()
}

fn frame(event_type: &str, payload: Value) -> Bytes {
    let msg = Message::new(payload.to_string().into_bytes())
        .add_header(Header::new(
            ":message-type",
            HeaderValue::String("event".into()),
        ))
        .add_header(Header::new(
            ":event-type",
            HeaderValue::String(event_type.to_string().into()),
        ))
        .add_header(Header::new(
            ":content-type",
            HeaderValue::String("application/json".into()),
        ));
    let mut buf: Vec<u8> = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(&msg, &mut buf).expect("frame");
    Bytes::from(buf)
}

const GROUP_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/g";

fn live_tail_body() -> Body {
    let mut frames = vec![frame(
        "sessionStart",
        json!({"requestId": "r", "sessionId": "s", "logGroupIdentifiers": [GROUP_ARN]}),
    )];
    for u in 0..3 {
        let results: Vec<Value> = (0..2)
            .map(|i| {
                json!({"logStreamName": "s1", "logGroupIdentifier": GROUP_ARN,
                    "message": format!("live {u}.{i}"), "timestamp": 1000 + u * 10 + i, "ingestionTime": 2000})
            })
            .collect();
        frames.push(frame(
            "sessionUpdate",
            json!({"sessionMetadata": {"sampled": false}, "sessionResults": results}),
        ));
    }
    // An empty heartbeat update, as CloudWatch sends every second.
    frames.push(frame(
        "sessionUpdate",
        json!({"sessionMetadata": {"sampled": false}, "sessionResults": []}),
    ));
    let stream = futures::stream::iter(frames).then(|f| async move {
        tokio::time::sleep(Duration::from_millis(30)).await;
        Ok::<_, std::convert::Infallible>(f)
    });
    Body::from_stream(stream)
}

use futures::StreamExt;

async fn handle(
    axum::extract::State(fake): axum::extract::State<Arc<Fake>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let target = headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_string();
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match target.as_str() {
        "StartQuery" => {
            let q = req["queryString"].as_str().unwrap_or("");
            let id = if q.contains("FAIL") {
                "q-fail"
            } else if q.contains("NOMSG") {
                "q-nomsg"
            } else if q.contains("SLOW") {
                "q-timeout"
            } else if q.contains("BUSY") {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "LimitExceededException",
                    "too many concurrent queries",
                );
            } else {
                "q-ok"
            };
            json_response(json!({"queryId": id}))
        }
        "GetQueryResults" => {
            let id = req["queryId"].as_str().unwrap_or("").to_string();
            let n = {
                let mut p = fake.polls.lock().unwrap();
                let e = p.entry(id.clone()).or_default();
                *e += 1;
                *e
            };
            let row = |i: u32| {
                json!([{"field": "@timestamp", "value": "2026-11-25 09:00:00.000"},
                {"field": "@message", "value": format!("m{i}")}, {"field": "@ptr", "value": format!("ptr{i}")}])
            };
            let (status, rows): (&str, Vec<Value>) = match (id.as_str(), n) {
                ("q-ok", 1) => ("Scheduled", vec![]),
                ("q-ok", 2) => ("Running", vec![row(0)]),
                ("q-ok", _) => ("Complete", vec![row(0), row(1), row(2)]),
                // `fields @timestamp`: no @message, only the pointer.
                ("q-nomsg", _) => (
                    "Complete",
                    (0..3)
                        .map(|i| {
                            json!([{"field": "@timestamp", "value": "2026-11-25 09:00:00.000"},
                            {"field": "@ptr", "value": format!("nomsg{i}")}])
                        })
                        .collect(),
                ),
                ("q-fail", 1) => ("Running", vec![]),
                ("q-fail", _) => ("Failed", vec![]),
                ("q-timeout", _) => ("Timeout", vec![]),
                _ => ("Running", vec![]),
            };
            let k = rows.len() as f64;
            json_response(json!({"status": status, "results": rows,
                "statistics": {"recordsMatched": k, "recordsScanned": k * 10.0, "bytesScanned": k * 1000.0}}))
        }
        "StopQuery" => {
            fake.stop_calls.fetch_add(1, Ordering::SeqCst);
            json_response(json!({"success": true}))
        }
        "GetLogRecord" => {
            let ptr = req["logRecordPointer"].as_str().unwrap_or("").to_string();
            // The very first call for the `nomsg` rows is throttled.
            if fake.record_calls.fetch_add(1, Ordering::SeqCst) == 0 && ptr.starts_with("nomsg") {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "ThrottlingException",
                    "Rate exceeded",
                );
            }
            json_response(
                json!({"logRecord": {"@message": format!("full record {ptr}"), "@ptr": ptr}}),
            )
        }
        "FilterLogEvents" => {
            let n = fake.filter_calls.fetch_add(1, Ordering::SeqCst);
            // Every third call is throttled; pages of two events.
            if n % 3 == 1 {
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "ThrottlingException",
                    "Rate exceeded",
                );
            }
            let offset: usize = req["nextToken"]
                .as_str()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0);
            let start = req["startTime"].as_i64().unwrap_or(0);
            let all: Vec<Value> = (0..7)
                .map(|i| {
                    json!({"logStreamName": "s1", "timestamp": 100 + i, "message": format!("e{i}"),
                    "ingestionTime": 200, "eventId": format!("id{i}")})
                })
                .filter(|e| e["timestamp"].as_i64().unwrap() >= start)
                .collect();
            let page: Vec<Value> = all.iter().skip(offset).take(2).cloned().collect();
            let next = offset + page.len();
            let mut v = json!({"events": page});
            if next < all.len() {
                v["nextToken"] = json!(next.to_string());
            }
            json_response(v)
        }
        "DescribeLogGroups" => json_response(json!({"logGroups": [
            {"logGroupName": "/g", "arn": format!("{GROUP_ARN}:*"), "logGroupArn": GROUP_ARN}]})),
        "StartLiveTail" => Response::builder()
            .header("content-type", "application/vnd.amazon.eventstream")
            .body(live_tail_body())
            .unwrap(),
        other => aws_error(StatusCode::BAD_REQUEST, "UnknownOperationException", other),
    }
}

async fn start() -> (Arc<Fake>, Arc<dyn LogSource>) {
    let fake = Arc::new(Fake::default());
    let app = axum::Router::new()
        .fallback(axum::routing::post(handle))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(format!("http://{addr}"))
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("k", "s", None, None, "test"))
        // gatescope's own backoff is under test, not the SDK's retries.
        .retry_config(RetryConfig::disabled())
        .load()
        .await;
    (fake, gatescope::backends::aws::logs::logs_source(&conf))
}

fn fast() -> InsightsConfig {
    InsightsConfig {
        poll_interval: Duration::from_millis(10),
        max_wait: Duration::from_secs(10),
        max_backoff: Duration::from_millis(50),
        start_attempts: 3,
    }
}

fn query(q: &str) -> QueryRequest {
    QueryRequest {
        log_groups: vec!["/g".into()],
        query: q.into(),
        start_s: 0,
        end_s: 100,
        limit: Some(10),
    }
}

#[tokio::test]
async fn insights_scheduled_running_complete_with_statistics_and_ptr() {
    let (_fake, src) = start().await;
    let runner = InsightsRunner::new(src.clone(), fast());
    let (_h, mut rx) = runner.spawn(query("fields @message"));
    let mut statuses = Vec::new();
    let outcome = loop {
        match rx.recv().await.expect("events") {
            InsightsEvent::Progress {
                status,
                stats,
                rows,
            } => statuses.push((status, stats.records_scanned, rows)),
            InsightsEvent::Finished(o) => break o,
            InsightsEvent::Failed(m) => panic!("{m}"),
            _ => {}
        }
    };
    assert_eq!(
        statuses,
        vec![
            (QueryStatus::Scheduled, 0.0, 0),
            (QueryStatus::Running, 10.0, 1),
            (QueryStatus::Complete, 30.0, 3)
        ]
    );
    assert_eq!(outcome.stats.bytes_scanned, 3000.0);
    let rec = runner.fetch_record(&outcome.rows[1]).await.unwrap();
    assert_eq!(rec["@message"], "full record ptr1");
    assert_eq!(rec["@ptr"], "ptr1");
}

/// A query that selects no `@message`: each row's line comes back through
/// GetLogRecord, throttled answers retried, and the rows keep their order.
#[tokio::test]
async fn rows_without_message_are_completed_by_ptr() {
    let (fake, src) = start().await;
    let runner = InsightsRunner::new(src.clone(), fast());
    let (_t, c) = tokio::sync::watch::channel(false);
    let o = runner
        .run(query("fields @timestamp # NOMSG"), None, c)
        .await
        .unwrap();
    let mut rows = o.rows;
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(needs_full_record));
    let problems = complete_rows(src.as_ref(), &mut rows, 10).await;
    assert!(problems.is_empty(), "{problems:?}");
    let messages: Vec<&str> = rows
        .iter()
        .map(|r| gatescope::app::logs::insights::field(r, "@message").unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "full record nomsg0",
            "full record nomsg1",
            "full record nomsg2"
        ]
    );
    assert_eq!(fake.record_calls.load(Ordering::SeqCst), 4, "one retry");
    // The rows now parse into events like any `@message` row.
    let evs = gatescope::app::logs::fetch::rows_to_events(&rows, "/g");
    assert_eq!(evs.len(), 3);
}

#[tokio::test]
async fn insights_failed_timeout_and_rate_limit() {
    let (fake, src) = start().await;
    let runner = InsightsRunner::new(src.clone(), fast());
    for (q, st) in [
        ("FAIL", QueryStatus::Failed),
        ("SLOW", QueryStatus::Timeout),
    ] {
        let (_t, c) = tokio::sync::watch::channel(false);
        let o = runner.run(query(q), None, c).await.unwrap();
        assert_eq!(o.status, st);
        assert!(o.message.is_some());
    }
    let (_t, c) = tokio::sync::watch::channel(false);
    let e = runner.run(query("BUSY"), None, c).await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Throttled, "{e}");
    // Cancel: StopQuery reaches the service.
    let (h, mut rx) = runner.spawn(query("never ends"));
    while !matches!(rx.recv().await, Some(InsightsEvent::Progress { .. })) {}
    // "never ends" maps to q-ok which completes at poll 3: cancel before.
    h.cancel();
    let mut last = None;
    while let Some(e) = rx.recv().await {
        last = Some(e);
    }
    match last {
        Some(InsightsEvent::Finished(o)) => {
            assert!(matches!(
                o.status,
                QueryStatus::Cancelled | QueryStatus::Complete
            ));
            if o.status == QueryStatus::Cancelled {
                assert_eq!(fake.stop_calls.load(Ordering::SeqCst), 1);
            }
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn polling_through_throttles_and_pages_loses_nothing() {
    let (fake, src) = start().await;
    let cfg = TailConfig {
        live: false,
        poll_interval: Duration::from_millis(20),
        max_backoff: Duration::from_millis(100),
        overlap: Duration::from_millis(1000),
        ..TailConfig::new(vec!["/g".into()], 0)
    };
    let (h, mut rx) = spawn_tail(src, cfg);
    let mut got = Vec::new();
    let mut throttled = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while tokio::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_millis(300), rx.recv()).await {
            Ok(Some(TailEvent::Events(e))) => got.extend(e),
            Ok(Some(TailEvent::Status(s))) => throttled = throttled.max(s.throttled),
            Ok(Some(TailEvent::Error(e))) => panic!("{e}"),
            Ok(None) => break,
            Err(_) if got.len() >= 7 && fake.filter_calls.load(Ordering::SeqCst) > 12 => break,
            Err(_) => {}
        }
    }
    let ids: Vec<_> = got.iter().map(|e| e.event_id.clone().unwrap()).collect();
    assert_eq!(
        ids,
        (0..7).map(|i| format!("id{i}")).collect::<Vec<_>>(),
        "each once, in order"
    );
    assert!(throttled >= 2, "throttled answers were seen: {throttled}");
    let cp = h.stop().await;
    assert_eq!(cp.cursors["/g"], 106);
}

#[tokio::test]
async fn live_tail_stream_with_several_updates() {
    let (_fake, src) = start().await;
    let cfg = TailConfig {
        live: true,
        poll_interval: Duration::from_millis(50),
        ..TailConfig::new(vec!["/g".into()], 0)
    };
    let (_h, mut rx) = spawn_tail(src, cfg);
    let mut live = Vec::new();
    let mut modes = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while live.len() < 6 && tokio::time::Instant::now() < deadline {
        match tokio::time::timeout(Duration::from_secs(2), rx.recv()).await {
            Ok(Some(TailEvent::Events(e))) => {
                live.extend(e.into_iter().filter(|e| e.message.starts_with("live")))
            }
            Ok(Some(TailEvent::Status(s))) => modes.push(s.mode),
            Ok(Some(TailEvent::Error(_))) | Err(_) => {}
            Ok(None) => break,
        }
    }
    let msgs: Vec<_> = live.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(
        msgs,
        vec![
            "live 0.0", "live 0.1", "live 1.0", "live 1.1", "live 2.0", "live 2.1"
        ]
    );
    assert!(
        live.iter().all(|e| e.log_group == "/g"),
        "ARN mapped back to the name"
    );
    assert!(modes.contains(&TailMode::Live), "{modes:?}");
}
