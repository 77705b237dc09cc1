//! What a history or collection row shows, as plain strings (the page turns
//! them into table cells): short enough for a table, and the text `/`
//! filters on.

use crate::domain::RequestDraft;
use crate::store::HistoryEntry;
pub(crate) use crate::store::SavedRow;

/// `WHEN METHOD PATH STATUS TIME` for a sent request.
pub(crate) fn sent_cells(entry: &HistoryEntry, now_ms: i64) -> [String; 6] {
    let status = match (&entry.outcome.status, &entry.outcome.error) {
        (Some(s), _) => s.to_string(),
        (None, Some(e)) => format!("✗ {}", first_line(e)),
        (None, None) => "—".into(),
    };
    let time = entry
        .outcome
        .total_ms
        .map(|ms| format!("{ms:.0} ms"))
        .unwrap_or_default();
    [
        ago(now_ms, entry.sent_at_ms),
        entry.request.method.clone(),
        path_of(&entry.request.url).unwrap_or_else(|| entry.draft.path.clone()),
        entry.draft.auth_summary(),
        status,
        time,
    ]
}

/// `NAME COLLECTION METHOD URL AUTH SAVED` for a saved request.
pub(crate) fn saved_cells(row: &SavedRow, now_ms: i64) -> [String; 6] {
    let d = &row.request.draft;
    [
        row.request.name.clone(),
        row.collection.clone(),
        d.method.clone(),
        draft_url(d),
        d.auth_summary(),
        ago(now_ms, row.request.saved_at_ms),
    ]
}

/// The text `/` matches a sent request against.
pub(crate) fn sent_haystack(entry: &HistoryEntry) -> String {
    let [_, method, path, auth, status, _] = sent_cells(entry, entry.sent_at_ms);
    format!(
        "{method} {path} {auth} {status} {}",
        entry.draft.target.route_key.as_deref().unwrap_or("")
    )
}

pub(crate) fn saved_haystack(row: &SavedRow) -> String {
    let [name, collection, method, url, _, _] = saved_cells(row, row.request.saved_at_ms);
    format!("{name} {collection} {method} {url}")
}

/// `base + path` of a draft, as typed (path template kept).
pub(crate) fn draft_url(d: &RequestDraft) -> String {
    format!("{}{}", d.base_url, d.path)
}

/// Path and query of a URL (the host is the same for a whole API).
fn path_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    Some(match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    })
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// `12s ago`, `5m ago`, `3h ago`, `2d ago`, then the date.
pub fn ago(now_ms: i64, then_ms: i64) -> String {
    let s = (now_ms - then_ms).max(0) / 1000;
    match s {
        0..60 => format!("{s}s ago"),
        60..3600 => format!("{}m ago", s / 60),
        3600..86_400 => format!("{}h ago", s / 3600),
        86_400..604_800 => format!("{}d ago", s / 86_400),
        _ => chrono::DateTime::from_timestamp_millis(then_ms)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_well() {
        let now = 1_800_000_000_000;
        assert_eq!(ago(now, now - 5_000), "5s ago");
        assert_eq!(ago(now, now - 125_000), "2m ago");
        assert_eq!(ago(now, now - 3 * 3_600_000), "3h ago");
        assert_eq!(ago(now, now - 2 * 86_400_000), "2d ago");
        assert_eq!(ago(now, now - 30 * 86_400_000), "2026-12-16");
        assert_eq!(ago(now, now + 9_000), "0s ago");
    }

    #[test]
    fn paths_keep_the_query_and_drop_the_host() {
        assert_eq!(
            path_of("http://127.0.0.1:5/prod/x?a=1&b=%3Credacted%3E").as_deref(),
            Some("/prod/x?a=1&b=%3Credacted%3E")
        );
        assert_eq!(path_of("not a url"), None);
    }
}
