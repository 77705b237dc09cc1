//! The tailer against the in-memory source: paging, several groups,
//! throttling, pause/resume, live tail with back-fill, and restarts — every
//! event exactly once.

use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use super::*;
use crate::app::logs::memory::MemoryLogSource;

fn cfg(groups: &[&str]) -> TailConfig {
    TailConfig {
        poll_interval: Duration::from_millis(15),
        max_backoff: Duration::from_millis(80),
        overlap: Duration::from_millis(1_000_000),
        live: false,
        ..TailConfig::new(groups.iter().map(|g| g.to_string()).collect(), 0)
    }
}

/// Receive until `n` events arrived (panics after 5 s), then keep listening
/// a little longer so repeats would show.
async fn collect(
    rx: &mut mpsc::Receiver<TailEvent>,
    n: usize,
    statuses: &mut Vec<TailStatus>,
) -> Vec<RawLogEvent> {
    let mut got = Vec::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    let mut settle = None;
    loop {
        let until = settle.unwrap_or(deadline);
        match tokio::time::timeout_at(until, rx.recv()).await {
            Ok(Some(TailEvent::Events(evs))) => got.extend(evs),
            Ok(Some(TailEvent::Status(s))) => statuses.push(s),
            Ok(Some(TailEvent::Error(_))) => {}
            Ok(None) => break,
            Err(_) if settle.is_some() => break,
            Err(_) => panic!("only {} of {n} events arrived", got.len()),
        }
        if got.len() >= n && settle.is_none() {
            settle = Some(tokio::time::Instant::now() + Duration::from_millis(150));
        }
    }
    got
}

fn messages(evs: &[RawLogEvent]) -> Vec<String> {
    evs.iter().map(|e| e.message.clone()).collect()
}

fn assert_unique(evs: &[RawLogEvent]) {
    let mut seen = HashSet::new();
    for e in evs {
        assert!(
            seen.insert(e.event_id.clone().unwrap_or_else(|| e.message.clone())),
            "repeated: {e:?}"
        );
    }
}

#[tokio::test]
async fn a_long_back_fill_arrives_in_parts() {
    let src = Arc::new(MemoryLogSource::new());
    for i in 0..10 {
        src.push("/access", "s", 100 + i, &format!("m{i}"));
    }
    let config = TailConfig {
        max_batch: Some(4),
        ..cfg(&["/access"])
    };
    let (_h, mut rx) = spawn_tail(src.clone(), config);
    let mut sizes = Vec::new();
    let mut got = Vec::new();
    while got.len() < 10 {
        match tokio::time::timeout(Duration::from_secs(5), rx.recv()).await {
            Ok(Some(TailEvent::Events(evs))) => {
                sizes.push(evs.len());
                got.extend(evs);
            }
            Ok(Some(_)) => {}
            other => panic!("tail ended early: {other:?}"),
        }
    }
    // Pages of 3: parts of 6 and 4 (a part closes at the first page past 4).
    assert_eq!(sizes, [6, 4]);
    assert_unique(&got);
    assert_eq!(messages(&got)[9], "m9");
}

#[tokio::test]
async fn polls_pages_of_several_groups_without_repeats() {
    let src = Arc::new(MemoryLogSource::new());
    for i in 0..10 {
        let g = if i % 2 == 0 {
            "/access"
        } else {
            "/aws/lambda/f"
        };
        src.push(g, "s", 100 + i, &format!("m{i}"));
    }
    let (h, mut rx) = spawn_tail(src.clone(), cfg(&["/access", "/aws/lambda/f"]));
    let mut st = Vec::new();
    let first = collect(&mut rx, 10, &mut st).await;
    assert_eq!(first.len(), 10);
    assert_unique(&first);
    // Interleaved by time across both groups.
    assert_eq!(
        messages(&first),
        (0..10).map(|i| format!("m{i}")).collect::<Vec<_>>()
    );
    for i in 10..15 {
        src.push("/access", "s", 100 + i, &format!("m{i}"));
    }
    // Two identical lines in the same millisecond are two events.
    src.push("/access", "s", 200, "same");
    src.push("/access", "s", 200, "same");
    let more = collect(&mut rx, 7, &mut st).await;
    assert_eq!(more.len(), 7, "{:?}", messages(&more));
    assert!(st.iter().any(|s| s.mode == TailMode::Polling));
    assert!(src.calls("FilterLogEvents") > 4, "paged");
    drop(h);
}

#[tokio::test]
async fn throttling_backs_off_and_loses_nothing() {
    let src = Arc::new(MemoryLogSource::new());
    for i in 0..8 {
        src.push("/g", "s", i, &format!("m{i}"));
    }
    src.throttle_filter.store(4, Ordering::SeqCst);
    let (_h, mut rx) = spawn_tail(src.clone(), cfg(&["/g"]));
    let mut st = Vec::new();
    let got = collect(&mut rx, 8, &mut st).await;
    assert_eq!(got.len(), 8);
    assert_unique(&got);
    assert!(st.iter().any(|s| s.throttled >= 4), "throttles counted");
    assert!(st.iter().any(|s| s.backoff_ms > 0), "backed off");
}

#[tokio::test]
async fn pause_holds_events_until_resume() {
    let src = Arc::new(MemoryLogSource::new());
    src.create_group("/g");
    let (h, mut rx) = spawn_tail(src.clone(), cfg(&["/g"]));
    let mut st = Vec::new();
    src.push("/g", "s", 1, "before");
    assert_eq!(collect(&mut rx, 1, &mut st).await.len(), 1);
    h.pause();
    tokio::time::sleep(Duration::from_millis(60)).await;
    src.push("/g", "s", 2, "while paused");
    let mut during = Vec::new();
    while let Ok(Some(ev)) = tokio::time::timeout(Duration::from_millis(120), rx.recv()).await {
        match ev {
            TailEvent::Events(e) => during.extend(e),
            TailEvent::Status(s) => st.push(s),
            TailEvent::Error(_) => {}
        }
    }
    assert!(during.is_empty(), "nothing while paused: {during:?}");
    assert!(h.is_paused());
    h.resume();
    let after = collect(&mut rx, 1, &mut st).await;
    assert_eq!(messages(&after), vec!["while paused"]);
    assert!(st.iter().any(|s| s.mode == TailMode::Paused));
}

#[tokio::test]
async fn restart_from_a_checkpoint_repeats_nothing_and_misses_nothing() {
    let src = Arc::new(MemoryLogSource::new());
    for i in 0..5 {
        src.push("/g", "s", 1000 + i, &format!("a{i}"));
    }
    let mut c = cfg(&["/g"]);
    c.overlap = Duration::from_millis(500);
    let (h, mut rx) = spawn_tail(src.clone(), c.clone());
    let mut st = Vec::new();
    let first = collect(&mut rx, 5, &mut st).await;
    assert_eq!(first.len(), 5);
    let cp = h.stop().await;
    assert_eq!(cp.cursors["/g"], 1004);
    // While stopped: new events, one of them late (older than the cursor but
    // inside the overlap window).
    src.push("/g", "s", 1010, "b0");
    src.push("/g", "s", 1002, "late");
    src.push("/g", "s", 1011, "b1");
    c.resume = Some(cp);
    c.since_ms = 1_000_000; // a later "since" must not open a gap
    let (_h2, mut rx2) = spawn_tail(src.clone(), c);
    let second = collect(&mut rx2, 3, &mut st).await;
    let mut m = messages(&second);
    m.sort();
    assert_eq!(m, vec!["b0", "b1", "late"]);
}

#[tokio::test]
async fn live_tail_backfills_then_streams_once() {
    let mut mem = MemoryLogSource::new();
    mem.live = true;
    let src = Arc::new(mem);
    src.push("/g", "s", 1, "old");
    let (_h, mut rx) = spawn_tail(
        src.clone(),
        TailConfig {
            live: true,
            ..cfg(&["/g"])
        },
    );
    let mut st = Vec::new();
    let first = collect(&mut rx, 1, &mut st).await;
    assert_eq!(messages(&first), vec!["old"]);
    for i in 0..4 {
        src.push("/g", "s", 10 + i, &format!("new{i}"));
    }
    let more = collect(&mut rx, 4, &mut st).await;
    assert_eq!(messages(&more), vec!["new0", "new1", "new2", "new3"]);
    assert!(st.iter().any(|s| s.mode == TailMode::Live));
    assert_eq!(src.calls("StartLiveTail"), 1);
}

#[tokio::test]
async fn no_live_tail_falls_back_to_polling_with_a_note() {
    let src = Arc::new(MemoryLogSource::new());
    src.push("/g", "s", 1, "x");
    let (_h, mut rx) = spawn_tail(
        src.clone(),
        TailConfig {
            live: true,
            ..cfg(&["/g"])
        },
    );
    let mut st = Vec::new();
    assert_eq!(collect(&mut rx, 1, &mut st).await.len(), 1);
    let polling = st
        .iter()
        .find(|s| s.mode == TailMode::Polling)
        .expect("polling");
    assert!(
        polling
            .note
            .as_deref()
            .unwrap_or("")
            .contains("live tail unavailable")
    );
}

#[tokio::test]
async fn a_missing_group_is_reported_and_the_others_keep_going() {
    let src = Arc::new(MemoryLogSource::new());
    src.push("/g", "s", 1, "x");
    let (_h, mut rx) = spawn_tail(src.clone(), cfg(&["/missing", "/g"]));
    let mut errors = 0;
    let mut got = 0;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(3);
    while got == 0 || errors == 0 {
        match tokio::time::timeout_at(deadline, rx.recv())
            .await
            .expect("events")
        {
            Some(TailEvent::Events(e)) => got += e.len(),
            Some(TailEvent::Error(e)) => {
                assert_eq!(e.kind, ErrorKind::NotFound);
                errors += 1
            }
            _ => {}
        }
    }
}
