//! The Insights runner against the in-memory source: statuses, statistics,
//! rate limits, cancel, paging and `@ptr`.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use super::*;
use crate::app::logs::TimeRange;
use crate::app::logs::memory::MemoryLogSource;

fn fast() -> InsightsConfig {
    InsightsConfig {
        poll_interval: Duration::from_millis(5),
        max_wait: Duration::from_secs(5),
        max_backoff: Duration::from_millis(40),
        start_attempts: 5,
    }
}

fn req() -> QueryRequest {
    QueryRequest {
        log_groups: vec!["/g".into()],
        query: resolve_query("recent", 100),
        start_s: 0,
        end_s: 10_000,
        limit: Some(100),
    }
}

fn source(script: Vec<QueryStatus>) -> Arc<MemoryLogSource> {
    let src = MemoryLogSource::new();
    for i in 0..6 {
        src.push("/g", "s", i * 1000, &format!("line {i}"));
    }
    *src.query_script.lock().unwrap() = script;
    Arc::new(src)
}

async fn drain(mut rx: mpsc::Receiver<InsightsEvent>) -> Vec<InsightsEvent> {
    let mut v = Vec::new();
    while let Some(e) = rx.recv().await {
        v.push(e);
    }
    v
}

#[tokio::test]
async fn scheduled_running_complete_with_statistics() {
    use QueryStatus::*;
    let src = source(vec![Scheduled, Running, Running, Complete]);
    let runner = InsightsRunner::new(src.clone(), fast());
    let (_h, rx) = runner.spawn(req());
    let evs = drain(rx).await;
    assert!(matches!(evs[0], InsightsEvent::Started { .. }));
    let statuses: Vec<QueryStatus> = evs
        .iter()
        .filter_map(|e| match e {
            InsightsEvent::Progress { status, .. } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(statuses, vec![Scheduled, Running, Running, Complete]);
    // Partial rows while running, all at the end.
    assert!(evs.iter().any(|e| matches!(
        e,
        InsightsEvent::Progress {
            status: Running,
            rows: 3,
            ..
        }
    )));
    let InsightsEvent::Finished(o) = evs.last().unwrap() else {
        panic!("{evs:?}")
    };
    assert_eq!(o.status, Complete);
    assert_eq!(o.rows.len(), 6);
    assert_eq!(o.stats.records_matched, 6.0);
    assert_eq!(o.stats.records_scanned, 12.0);
    assert!(o.message.is_none());
    assert_eq!(o.pages(4), 2);
    assert_eq!(o.page(1, 4).len(), 2);
    assert_eq!(o.page(9, 4).len(), 0);
    // The full record behind a row.
    let rec = runner.fetch_record(&o.rows[0]).await.unwrap();
    assert_eq!(rec["@message"], "line 0");
}

#[tokio::test]
async fn failed_and_timeout_say_why() {
    for (st, word) in [
        (QueryStatus::Failed, "failed"),
        (QueryStatus::Timeout, "timed out"),
    ] {
        let src = source(vec![QueryStatus::Running, st]);
        let runner = InsightsRunner::new(src, fast());
        let (_tx, cancel) = watch::channel(false);
        let o = runner.run(req(), None, cancel).await.unwrap();
        assert_eq!(o.status, st);
        assert!(o.message.unwrap().contains(word));
        assert!(o.rows.is_empty());
    }
}

#[tokio::test]
async fn rate_limited_start_is_retried() {
    let src = source(vec![QueryStatus::Complete]);
    src.throttle_start.store(2, Ordering::SeqCst);
    let runner = InsightsRunner::new(src.clone(), fast());
    let (_h, rx) = runner.spawn(req());
    let evs = drain(rx).await;
    assert_eq!(
        evs.iter()
            .filter(|e| matches!(e, InsightsEvent::Throttled { .. }))
            .count(),
        2
    );
    assert!(matches!(evs.last(), Some(InsightsEvent::Finished(o)) if o.rows.len() == 6));
    assert_eq!(src.calls("StartQuery"), 3);
    // Out of attempts: a clear error.
    src.throttle_start.store(10, Ordering::SeqCst);
    let (_h, rx) = runner.spawn(req());
    let evs = drain(rx).await;
    assert!(matches!(evs.last(), Some(InsightsEvent::Failed(m)) if m.contains("throttled")));
}

#[tokio::test]
async fn cancel_stops_the_query() {
    let src = source(vec![QueryStatus::Running]);
    let runner = InsightsRunner::new(src.clone(), fast());
    let (h, mut rx) = runner.spawn(req());
    // Wait for the first progress, then cancel.
    loop {
        if let Some(InsightsEvent::Progress { .. }) = rx.recv().await {
            break;
        }
    }
    h.cancel();
    let evs = drain(rx).await;
    let Some(InsightsEvent::Finished(o)) = evs.last() else {
        panic!("{evs:?}")
    };
    assert_eq!(o.status, QueryStatus::Cancelled);
    assert_eq!(src.calls("StopQuery"), 1);
}

#[test]
fn time_ranges_and_named_queries() {
    // Parsing in depth: tests/range.rs.
    for (p, secs) in PRESETS {
        assert_eq!(
            TimeRange::parse(p).unwrap(),
            TimeRange::Last(Duration::from_secs(*secs))
        );
    }
    assert!(resolve_query("errors", 50).contains("limit 50"));
    assert_eq!(resolve_query("fields @message", 50), "fields @message");
    assert_eq!(default_queries(10).len(), 3);
}
