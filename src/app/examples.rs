//! Example bodies for a route the composer opens: the demo's scenarios
//! (`assets/demo/scenarios.toml`) or, against AWS, the last body sent to the
//! same route (from the history). A JSON skeleton from a request model is
//! not offered: the inventory does not load REST models today.

use crate::domain::RequestDraft;
use crate::engines::routing::{Pattern, split_path};
use crate::store::history::History;

/// The body of the demo scenario that calls this route with this method,
/// a successful one first (the tour's "valid" step needs a valid body).
pub(crate) fn demo_body(draft: &RequestDraft) -> Option<String> {
    let api_id = draft.target.api_id.as_deref()?;
    let route_key = draft.target.route_key.as_deref()?;
    let pattern = Pattern::parse(route_key);
    let base = draft.base_url.trim_end_matches('/');
    let mut fits: Vec<_> = crate::backends::demo::demo_scenarios()
        .into_iter()
        .filter(|s| s.api_id == api_id && s.method.eq_ignore_ascii_case(&draft.method))
        .filter(|s| {
            let path = s.url.strip_prefix(base).unwrap_or("");
            let path = path.split('?').next().unwrap_or("");
            path.starts_with('/') && pattern.match_path(&split_path(path)).is_ok()
        })
        .filter(|s| s.body.as_deref().is_some_and(|b| !b.is_empty()))
        .collect();
    fits.sort_by_key(|s| !(200..300).contains(&s.expect_status));
    fits.into_iter().next().and_then(|s| s.body)
}

/// The demo's tokens (valid, expired...), offered in the composer's auth
/// tab; none outside the demo.
pub fn demo_tokens() -> Vec<crate::backends::demo::DemoToken> {
    crate::backends::demo::demo_tokens()
}

/// The demo's API keys (demo, trial, burst, revoked), offered in the
/// composer's auth tab in API key mode; none outside the demo.
pub fn demo_api_keys() -> Vec<crate::backends::demo::DemoApiKey> {
    crate::backends::demo::demo_api_keys()
}

/// A stored demo request sent with a named demo credential (`jwt:valid`,
/// `api-key:trial`) gets the running demo's credential of that name back in
/// place of the redacted one. Returns whether it did (never outside the demo).
pub fn fill_demo_credential(draft: &mut RequestDraft) -> bool {
    crate::backends::demo::targets::fill_named_credential(
        draft,
        &crate::backends::demo::demo_tokens(),
        &crate::backends::demo::demo_api_keys(),
    )
}

/// [`last_sent_body`] on a blocking thread (the history file may be big).
pub(crate) async fn read_last_sent_body(draft: RequestDraft) -> Option<Vec<u8>> {
    tokio::task::spawn_blocking(move || last_sent_body(&draft))
        .await
        .ok()
        .flatten()
}

/// The newest non-empty body sent to this route, per the history file of
/// its API (blocking: call it off the UI loop).
pub(crate) fn last_sent_body(draft: &RequestDraft) -> Option<Vec<u8>> {
    let route_key = draft.target.route_key.as_deref()?;
    let history = History::open(&History::key_for(draft)).ok()?;
    history
        .entries()
        .iter()
        .find(|e| {
            e.draft.target.route_key.as_deref() == Some(route_key) && !e.draft.body.is_empty()
        })
        .map(|e| e.draft.body.clone())
}
