//! One-shot reads: every event of some groups in a time window
//! (FilterLogEvents, all pages), and Logs Insights rows turned back into
//! events so the same parsers and correlation apply.

use std::collections::VecDeque;
use std::time::Duration;

use crate::backends::log_source::{FilterPage, FilterRequest, QueryRow};
use crate::backends::{BackendError, ErrorKind, LogSource};
use crate::domain::RawLogEvent;

use super::insights::field;

/// What a window read got, and the groups that failed (a group that does
/// not exist yet is normal: the function never ran).
#[derive(Debug, Default)]
pub struct Fetched {
    pub events: Vec<RawLogEvent>,
    pub problems: Vec<BackendError>,
}

/// One FilterLogEvents page; throttled answers are retried with a growing
/// wait (up to 8 times).
async fn fetch_page(
    source: &dyn LogSource,
    req: FilterRequest,
) -> Result<FilterPage, BackendError> {
    let mut wait = Duration::from_millis(250);
    let mut retries = 0;
    loop {
        match source.filter_events(req.clone()).await {
            Err(e) if e.kind == ErrorKind::Throttled && retries < 8 => {
                retries += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
            other => return other,
        }
    }
}

fn page_request(
    group: &str,
    start_ms: i64,
    end_ms: Option<i64>,
    filter_pattern: &Option<String>,
    next_token: Option<String>,
) -> FilterRequest {
    FilterRequest {
        log_group: group.to_string(),
        start_ms,
        end_ms,
        filter_pattern: filter_pattern.clone(),
        next_token,
        limit: None,
    }
}

/// Read `[start_ms, end_ms]` of every group, oldest first. Throttled pages
/// are retried with a growing wait (up to 8 times per page).
pub async fn fetch_window(
    source: &dyn LogSource,
    groups: &[String],
    start_ms: i64,
    end_ms: Option<i64>,
    filter_pattern: Option<String>,
    max_events: usize,
) -> Fetched {
    let mut out = Fetched::default();
    for g in groups {
        let mut token = None;
        loop {
            let req = page_request(g, start_ms, end_ms, &filter_pattern, token.take());
            match fetch_page(source, req).await {
                Ok(page) => {
                    out.events.extend(page.events);
                    token = page.next_token;
                    if token.is_none() || out.events.len() >= max_events {
                        break;
                    }
                }
                Err(e) => {
                    out.problems.push(e);
                    break;
                }
            }
        }
    }
    out.events.sort_by_key(|e| e.timestamp_ms);
    out
}

/// What [`stream_window`] did.
#[derive(Debug, Default)]
pub struct Streamed {
    /// Events handed to the sink.
    pub events: usize,
    pub problems: Vec<BackendError>,
    /// The most events held at once (the groups' current pages and the
    /// batch being filled): bounded by the page size, whatever the window
    /// holds.
    pub max_held: usize,
}

/// One group's pages as they are read: the events not yet handed on.
struct GroupPages {
    name: String,
    queue: VecDeque<RawLogEvent>,
    token: Option<String>,
    done: bool,
}

/// Read `[start_ms, end_ms]` of every group and hand the events to `sink`
/// in batches of up to `batch`, oldest first, holding only one page per
/// group at a time (what a printing `gatescope logs` needs: memory bounded
/// whatever the window holds). The groups' pages are merged by time, ties
/// going to the group listed first, so when each group answers in time
/// order (CloudWatch interleaves a group's streams by time) the events come
/// in the order [`fetch_window`]'s sort gives them.
pub async fn stream_window(
    source: &dyn LogSource,
    groups: &[String],
    start_ms: i64,
    end_ms: Option<i64>,
    filter_pattern: Option<String>,
    batch: usize,
    mut sink: impl FnMut(Vec<RawLogEvent>),
) -> Streamed {
    let batch = batch.max(1);
    let mut out = Streamed::default();
    let mut pages: Vec<GroupPages> = groups
        .iter()
        .map(|g| GroupPages {
            name: g.clone(),
            queue: VecDeque::new(),
            token: None,
            done: false,
        })
        .collect();
    let mut pending = Vec::with_capacity(batch);
    loop {
        // Every group still being read needs an event at its front before
        // the oldest front can be told (pages may be empty while more
        // data exists: keep paging).
        for g in pages.iter_mut() {
            while g.queue.is_empty() && !g.done {
                let req = page_request(&g.name, start_ms, end_ms, &filter_pattern, g.token.take());
                match fetch_page(source, req).await {
                    Ok(page) => {
                        let mut events = page.events;
                        events.sort_by_key(|e| e.timestamp_ms);
                        g.queue.extend(events);
                        g.token = page.next_token;
                        g.done = g.token.is_none();
                    }
                    Err(e) => {
                        out.problems.push(e);
                        g.done = true;
                    }
                }
            }
        }
        let held = pending.len() + pages.iter().map(|g| g.queue.len()).sum::<usize>();
        out.max_held = out.max_held.max(held);
        let oldest = (0..pages.len())
            .filter_map(|i| pages[i].queue.front().map(|e| (e.timestamp_ms, i)))
            .min();
        let Some((_, i)) = oldest else { break };
        // Hand on this group's events up to the next front of another group.
        let bound = (0..pages.len())
            .filter(|&j| j != i)
            .filter_map(|j| pages[j].queue.front().map(|e| (e.timestamp_ms, j)))
            .min();
        while let Some(e) = pages[i].queue.front() {
            if bound.is_some_and(|b| (e.timestamp_ms, i) > b) {
                break;
            }
            pending.extend(pages[i].queue.pop_front());
            out.events += 1;
            if pending.len() >= batch {
                sink(std::mem::replace(&mut pending, Vec::with_capacity(batch)));
            }
        }
    }
    if !pending.is_empty() {
        sink(pending);
    }
    out
}

/// `@timestamp` as Insights returns it: `2024-01-01 00:00:00.000` (UTC), or
/// epoch milliseconds as text (moto).
pub(crate) fn parse_insights_time(s: &str) -> Option<i64> {
    if let Ok(ms) = s.trim().parse::<i64>() {
        return Some(ms);
    }
    chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M:%S%.f")
        .ok()
        .map(|d| d.and_utc().timestamp_millis())
}

/// Rows that carry `@message` → events. `@log` (`account:group`) names the
/// group; rows without it belong to `default_group`. Rows without
/// `@message` (e.g. `stats` queries) are skipped: show them as rows.
pub fn rows_to_events(rows: &[QueryRow], default_group: &str) -> Vec<RawLogEvent> {
    let mut v: Vec<RawLogEvent> = rows
        .iter()
        .filter_map(|row| {
            let message = field(row, "@message")?.to_string();
            let log_group = field(row, "@log")
                .map(|l| l.split_once(':').map_or(l, |(_, g)| g).to_string())
                .unwrap_or_else(|| default_group.to_string());
            Some(RawLogEvent {
                log_group,
                log_stream: field(row, "@logStream").map(str::to_string),
                event_id: field(row, "@ptr").map(str::to_string),
                timestamp_ms: field(row, "@timestamp")
                    .and_then(parse_insights_time)
                    .unwrap_or_default(),
                ingestion_ms: None,
                message,
            })
        })
        .collect();
    v.sort_by_key(|e| e.timestamp_ms);
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::logs::memory::MemoryLogSource;
    use std::sync::atomic::Ordering;

    #[tokio::test]
    async fn reads_every_page_of_every_group_and_retries_throttles() {
        let src = MemoryLogSource::new();
        for i in 0..7 {
            src.push("/a", "s", i * 2, &format!("a{i}"));
            src.push("/b", "s", i * 2 + 1, &format!("b{i}"));
        }
        src.throttle_filter.store(2, Ordering::SeqCst);
        let f = fetch_window(
            &src,
            &["/a".into(), "/b".into(), "/missing".into()],
            0,
            Some(9),
            None,
            1000,
        )
        .await;
        assert_eq!(f.events.len(), 10);
        assert!(
            f.events
                .windows(2)
                .all(|w| w[0].timestamp_ms <= w[1].timestamp_ms)
        );
        assert_eq!(f.problems.len(), 1);
        assert_eq!(f.problems[0].kind, ErrorKind::NotFound);
    }

    /// A printing `gatescope logs` streams the window into its bounded book:
    /// whatever the window holds, one page per group is held besides the
    /// book, and the records printed are those of reading it all at once.
    #[tokio::test]
    async fn a_streamed_window_holds_a_page_per_group_and_prints_the_same() {
        use crate::app::logs::LogBook;
        use crate::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP};
        let mut src = MemoryLogSource::new();
        src.page_size = 40;
        let (access, fa, fb) = ("/access", "/aws/lambda/a", "/aws/lambda/b");
        let n = 3_000i64;
        for i in 0..n {
            let lambda = format!("{:08}-0000-0000-0000-000000000000", i);
            let group = if i % 3 == 0 { fb } else { fa };
            // The function logs before API Gateway writes its access line;
            // some times are shared across groups (ties).
            src.push(
                group,
                "s",
                i * 10,
                &format!("START RequestId: {lambda} Version: 1"),
            );
            src.push(
                group,
                "s",
                i * 10 + 1,
                &format!("REPORT RequestId: {lambda}\tDuration: 2 ms"),
            );
            src.push(
                access,
                "s",
                i * 10 + 1,
                &format!(
                    r#"{{"requestId":"R{i}=","status":"200","integrationRequestId":"{lambda}"}}"#
                ),
            );
        }
        let groups: Vec<String> = [access, fa, fb].map(String::from).to_vec();
        let capacity = 100;
        let book = || {
            LogBook::from_parts(
                AccessLogFormat::new(RECOMMENDED_HTTP),
                [access.to_string()],
                Default::default(),
                capacity,
            )
        };

        let mut streamed = book();
        let mut batches = 0;
        let got = stream_window(&src, &groups, 0, None, None, 64, |b| {
            assert!(b.len() <= 64);
            batches += 1;
            streamed.ingest(&b);
            assert!(streamed.len() <= capacity && streamed.index().len() <= capacity);
        })
        .await;
        assert!(got.problems.is_empty());
        assert_eq!(got.events, 3 * n as usize);
        assert!(batches > 100);
        assert!(
            got.max_held <= 3 * src.page_size + 64,
            "held {} events at once",
            got.max_held
        );

        let mut whole = book();
        let all = fetch_window(&src, &groups, 0, None, None, usize::MAX).await;
        whole.ingest(&all.events);
        let (a, b) = (whole.correlate_all(), streamed.correlate_all());
        assert_eq!(a.len(), capacity);
        assert_eq!(a, b);
        assert!(b.iter().all(|r| !r.unmatched), "the newest all correlate");
        assert_eq!(whole.orphans(), streamed.orphans());
    }

    #[test]
    fn insights_rows_become_events() {
        let row = |ts: &str, msg: Option<&str>, log: Option<&str>| {
            let mut r = vec![("@timestamp".to_string(), ts.to_string())];
            if let Some(m) = msg {
                r.push(("@message".into(), m.into()));
            }
            if let Some(l) = log {
                r.push(("@log".into(), l.into()));
            }
            r
        };
        let evs = rows_to_events(
            &[
                row(
                    "2026-11-25 09:41:05.123",
                    Some("x"),
                    Some("123456789012:/aws/lambda/f"),
                ),
                row("1795599665000", Some("y"), None),
                row("1795599665000", None, None),
            ],
            "/access",
        );
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].log_group, "/access");
        assert_eq!(evs[1].log_group, "/aws/lambda/f");
        assert_eq!(evs[1].timestamp_ms, 1_795_599_665_123);
    }
}
