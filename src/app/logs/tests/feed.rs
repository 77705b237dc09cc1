//! The live feed on its own, over an in-memory log source with a live tail
//! that pushes one event per update (the worst case for redraws).

use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};

use crate::app::logs::feed::{self, FeedCmd, FeedReport, FeedSpec};
use crate::app::logs::{MemoryLogSource, TailMode};
use crate::backends::LogSource;
use crate::domain::{AccessLogSettings, Api, Integration, Protocol, Route, Stage};
use crate::engines::access_log::RECOMMENDED_HTTP;

const ACCESS: &str = "/apigw/orders";
const LAMBDA: &str = "/aws/lambda/orders";

fn api() -> Api {
    Api {
        id: "a1".into(),
        name: "orders".into(),
        protocol: Some(Protocol::Http),
        routes: vec![Route {
            route_key: "GET /orders".into(),
            integration: Some(Integration {
                integration_type: Some("AWS_PROXY".into()),
                uri: Some("arn:aws:lambda:eu-west-1:123456789012:function:orders".into()),
                payload_format_version: Some("2.0".into()),
                ..Default::default()
            }),
            ..Default::default()
        }],
        stages: vec![Stage {
            stage_name: "prod".into(),
            access_log_settings: Some(AccessLogSettings {
                destination_arn: Some(format!(
                    "arn:aws:logs:eu-west-1:123456789012:log-group:{ACCESS}"
                )),
                format: Some(RECOMMENDED_HTTP.into()),
            }),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

fn source() -> Arc<MemoryLogSource> {
    let mut src = MemoryLogSource::new();
    src.live = true;
    src.page_size = 1000;
    src.create_group(ACCESS);
    src.create_group(LAMBDA);
    Arc::new(src)
}

fn now() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn access_line(i: usize, lambda_id: &str) -> String {
    format!(
        r#"{{"requestId":"R{i:05}=","routeKey":"GET /orders","status":"200","integrationRequestId":"{lambda_id}"}}"#
    )
}

fn lambda_id(i: usize) -> String {
    format!("{i:08}-1111-1111-1111-111111111111")
}

async fn next(reports: &mut (impl Stream<Item = FeedReport> + Unpin)) -> FeedReport {
    tokio::time::timeout(Duration::from_secs(10), reports.next())
        .await
        .expect("a report within 10 s")
        .expect("the feed runs")
}

/// Reports until the tail says it is live.
async fn until_live(reports: &mut (impl Stream<Item = FeedReport> + Unpin)) {
    loop {
        let r = next(reports).await;
        if r.status.is_some_and(|s| s.mode == TailMode::Live) {
            return;
        }
    }
}

fn start(src: &Arc<MemoryLogSource>) -> (feed::FeedControl, impl Stream<Item = FeedReport>) {
    let logs: Arc<dyn LogSource> = src.clone();
    feed::start(FeedSpec::new(api(), "prod".into(), logs))
}

#[tokio::test]
async fn a_burst_of_10k_lines_is_a_handful_of_reports_and_nothing_is_lost() {
    let src = source();
    let (_control, reports) = start(&src);
    let mut reports = Box::pin(reports);
    until_live(&mut reports).await;
    for i in 0..10_000 {
        src.push(ACCESS, "s", now(), &access_line(i, &lambda_id(i)));
    }
    let mut seen = std::collections::HashSet::new();
    let mut with_records = 0;
    while seen.len() < 10_000 {
        let r = next(&mut reports).await;
        if !r.records.is_empty() {
            with_records += 1;
        }
        for rec in r.records {
            // The feed's rows are kept as their lines (made off the UI thread).
            assert!(rec.is_parsed());
            assert!(
                seen.insert(rec.request_id().unwrap().to_string()),
                "sent twice"
            );
        }
    }
    assert!(
        with_records < 200,
        "{with_records} reports for 10k lines: not coalesced"
    );
}

#[tokio::test]
async fn late_lambda_lines_update_the_record_already_sent() {
    let src = source();
    let (_control, reports) = start(&src);
    let mut reports = Box::pin(reports);
    until_live(&mut reports).await;
    let id = lambda_id(7);
    src.push(ACCESS, "s", now(), &access_line(7, &id));
    let first = loop {
        let r = next(&mut reports).await;
        if let Some(rec) = r.records.into_iter().next() {
            break rec;
        }
    };
    assert!(first.unmatched());
    src.push(
        LAMBDA,
        "s",
        now(),
        &format!("START RequestId: {id} Version: $LATEST"),
    );
    src.push(
        LAMBDA,
        "s",
        now(),
        &format!("REPORT RequestId: {id}\tDuration: 12.5 ms\tBilled Duration: 13 ms"),
    );
    let updated = loop {
        let r = next(&mut reports).await;
        let mut opened = r.records.iter().map(|r| r.to_record());
        if let Some(rec) = opened.find(|r| r.report.is_some()) {
            break rec;
        }
    };
    assert_eq!(updated.access.request_id.as_deref(), Some("R00007="));
    assert!(!updated.unmatched);
    assert_eq!(updated.report.unwrap().duration_ms, Some(12.5));
}

#[tokio::test]
async fn paused_feed_holds_records_and_dropping_the_control_stops_the_tail() {
    let src = source();
    let (control, reports) = start(&src);
    let mut reports = Box::pin(reports);
    until_live(&mut reports).await;
    control.send(FeedCmd::Pause);
    // Wait for the tailer to acknowledge.
    loop {
        let r = next(&mut reports).await;
        assert!(r.records.is_empty());
        if r.status.is_some_and(|s| s.mode == TailMode::Paused) {
            break;
        }
    }
    src.push(ACCESS, "s", now(), &access_line(1, &lambda_id(1)));
    let quiet = tokio::time::timeout(Duration::from_millis(400), reports.next()).await;
    assert!(
        quiet.is_err() || quiet.unwrap().is_some_and(|r| r.records.is_empty()),
        "no records while paused"
    );
    control.send(FeedCmd::Resume { replay: false });
    let rec = loop {
        let r = next(&mut reports).await;
        if let Some(rec) = r.records.into_iter().next() {
            break rec;
        }
    };
    assert_eq!(rec.request_id(), Some("R00001="));

    let alive = control.liveness();
    drop(control);
    // The stream ends once the feed and its tail have stopped.
    let end = tokio::time::timeout(Duration::from_secs(5), async {
        while reports.next().await.is_some() {}
    })
    .await;
    assert!(end.is_ok(), "the feed did not stop");
    assert!(alive.upgrade().is_none());
    let calls = src.calls("FilterLogEvents");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        src.calls("FilterLogEvents"),
        calls,
        "no reads after the stop"
    );
}
