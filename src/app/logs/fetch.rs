//! One-shot reads: every event of some groups in a time window
//! (FilterLogEvents, all pages), and Logs Insights rows turned back into
//! events so the same parsers and correlation apply.

use std::time::Duration;

use crate::backends::log_source::{FilterRequest, QueryRow};
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

/// Read `[start_ms, end_ms]` of every group, oldest first. Throttled pages
/// are retried with a growing wait (up to `max_retries` per page).
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
        let mut wait = Duration::from_millis(250);
        let mut retries = 0;
        loop {
            let req = FilterRequest {
                log_group: g.clone(),
                start_ms,
                end_ms,
                filter_pattern: filter_pattern.clone(),
                next_token: token.clone(),
                limit: None,
            };
            match source.filter_events(req).await {
                Ok(page) => {
                    out.events.extend(page.events);
                    token = page.next_token;
                    if token.is_none() || out.events.len() >= max_events {
                        break;
                    }
                }
                Err(e) if e.kind == ErrorKind::Throttled && retries < 8 => {
                    retries += 1;
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(10));
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
