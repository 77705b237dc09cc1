//! Full records behind Logs Insights rows. A row holds only the fields the
//! query asked for (`fields status, routeKey` has no `@message`), but every
//! non-aggregate row carries `@ptr`, which `GetLogRecord` turns into the
//! whole record. gatescope needs `@message` to parse and correlate a line,
//! so rows without it (or with a JSON line that was cut short) are completed
//! here.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;

use crate::backends::log_source::QueryRow;
use crate::backends::{BackendError, ErrorKind, LogSource};

use super::insights::field;

/// `GetLogRecord` calls in flight at once: enough to complete a page of
/// rows quickly, few enough to stay clear of the API's rate limit.
const CONCURRENCY: usize = 4;

/// Whether a row lacks what gatescope needs and has an `@ptr` to fetch it.
/// Aggregate rows (`stats ... by`) have no `@ptr`: they stay rows.
pub fn needs_full_record(row: &QueryRow) -> bool {
    field(row, "@ptr").is_some()
        && match field(row, "@message") {
            None => true,
            Some(m) => looks_truncated(m),
        }
}

/// A JSON access-log line that opens but never closes was cut short (a
/// display limit upstream); the full record parses.
fn looks_truncated(message: &str) -> bool {
    let m = message.trim();
    m.starts_with('{') && !m.ends_with('}')
}

/// Add the record's fields to the row: the record's `@message` replaces a
/// truncated one; fields the row already has keep their value and order.
pub(crate) fn merge_record(row: &mut QueryRow, record: BTreeMap<String, String>) {
    for (k, v) in record {
        match row.iter_mut().find(|(rk, _)| *rk == k) {
            Some((_, rv)) if k == "@message" => *rv = v,
            Some(_) => {}
            None => row.push((k, v)),
        }
    }
}

/// `GetLogRecord` for one row, retrying throttled calls a few times.
pub(crate) async fn fetch_full_record(
    source: &dyn LogSource,
    row: &QueryRow,
) -> Result<BTreeMap<String, String>, BackendError> {
    let ptr = field(row, "@ptr").ok_or_else(|| {
        BackendError::new(
            ErrorKind::Other,
            "this row has no @ptr (an aggregate row): there is no record behind it",
        )
    })?;
    let mut wait = Duration::from_millis(200);
    let mut tries = 0;
    loop {
        match source.get_log_record(ptr).await {
            Err(e) if e.kind == ErrorKind::Throttled && tries < 5 => {
                tries += 1;
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(5));
            }
            other => return other,
        }
    }
}

/// Complete the rows that need it, at most `max` of them (the rest stay as
/// they are). Returns the failures; an unsupported source fails once, not
/// once per row.
pub async fn complete_rows(
    source: &dyn LogSource,
    rows: &mut [QueryRow],
    max: usize,
) -> Vec<BackendError> {
    let wanted: Vec<usize> = (0..rows.len())
        .filter(|&i| needs_full_record(&rows[i]))
        .take(max)
        .collect();
    let snapshot: Vec<(usize, QueryRow)> = wanted.iter().map(|&i| (i, rows[i].clone())).collect();
    let mut results = futures::stream::iter(snapshot)
        .map(|(i, row)| async move { (i, fetch_full_record(source, &row).await) })
        .buffered(CONCURRENCY);
    let mut problems: Vec<BackendError> = Vec::new();
    while let Some((i, r)) = results.next().await {
        match r {
            Ok(rec) => merge_record(&mut rows[i], rec),
            Err(e) => {
                let unsupported = e.kind == ErrorKind::Unsupported;
                if !(unsupported && problems.iter().any(|p| p.kind == ErrorKind::Unsupported)) {
                    problems.push(e);
                }
            }
        }
    }
    problems
}

#[cfg(test)]
#[path = "tests/full_record.rs"]
mod tests;
