//! THE rule for what an inventory load may write to the disk cache, used by
//! the TUI's reducer and the CLI alike: a complete load replaces the file; a
//! partial one never replaces good data with less. It is merged with the
//! previous file, and what the load could not read is taken from there,
//! marked stale in the API's `problems`.

use std::collections::HashSet;

use crate::domain::{Api, Inventory};

/// Why a cached entry was kept (the start of a `problems` line).
pub(crate) const STALE: &str = "stale";

/// An API whose details are all there.
fn complete(api: &Api) -> bool {
    api.details_loaded && api.problems.is_empty()
}

/// A cached API whose details can stand in for a failed load: complete when
/// it was written, or itself kept from an earlier load (kept again, so two
/// failures in a row lose nothing either).
fn usable(prev: &Api) -> bool {
    // A `stale:` line is only ever added to details copied from a complete
    // load, so it vouches for them whatever failure it sits beside.
    prev.details_loaded
        && (prev.problems.is_empty() || prev.problems.iter().any(|p| p.starts_with(STALE)))
}

/// Everything the load asked for arrived.
pub(crate) fn is_complete(fresh: &Inventory, listing_problems: &[String]) -> bool {
    listing_problems.is_empty() && fresh.apis.iter().all(complete)
}

/// What to write after a load: the load itself when complete, or when there
/// is no previous file (it loses nothing, and each API carries its own
/// problems); otherwise the load merged with `previous` (an API the load
/// could not read keeps its previous details; an API a partial listing could
/// not list is kept). Always `Some` today: the `Option` leaves room for a
/// load not worth a file.
pub(crate) fn merge_for_cache(
    previous: Option<&Inventory>,
    fresh: &Inventory,
    listing_problems: &[String],
) -> Option<Inventory> {
    if is_complete(fresh, listing_problems) {
        return Some(fresh.clone());
    }
    let Some(previous) = previous else {
        return Some(fresh.clone());
    };
    let when = previous.fetched_at_ms;
    let mut apis: Vec<Api> = fresh
        .apis
        .iter()
        .map(|api| match previous.apis.iter().find(|p| p.id == api.id) {
            Some(prev) if !complete(api) && usable(prev) => {
                let mut kept = Api {
                    routes: prev.routes.clone(),
                    authorizers: prev.authorizers.clone(),
                    stages: prev.stages.clone(),
                    details_loaded: true,
                    ..api.clone()
                };
                kept.problems.push(format!(
                    "{STALE}: details from the load of {} (this one failed)",
                    ms_to_utc(when)
                ));
                kept
            }
            _ => api.clone(),
        })
        .collect();
    if !listing_problems.is_empty() {
        let listed: HashSet<&str> = fresh.apis.iter().map(|a| a.id.as_str()).collect();
        for prev in previous
            .apis
            .iter()
            .filter(|p| !listed.contains(p.id.as_str()))
        {
            let mut kept = prev.clone();
            kept.problems.retain(|p| !p.starts_with(STALE));
            kept.problems.push(format!(
                "{STALE}: from the load of {}; the last listing was incomplete ({})",
                ms_to_utc(when),
                listing_problems.join("; ")
            ));
            apis.push(kept);
        }
    }
    Some(Inventory {
        apis,
        fetched_at_ms: fresh.fetched_at_ms,
    })
}

fn ms_to_utc(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "an earlier run".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Route;

    fn api(id: &str, routes: usize) -> Api {
        Api {
            id: id.into(),
            details_loaded: routes > 0,
            routes: (0..routes)
                .map(|i| Route {
                    route_key: format!("GET /{i}"),
                    ..Route::default()
                })
                .collect(),
            ..Api::default()
        }
    }

    fn inv(apis: Vec<Api>) -> Inventory {
        Inventory {
            apis,
            fetched_at_ms: 1_700_000_000_000,
        }
    }

    #[test]
    fn a_complete_load_replaces_everything() {
        let prev = inv(vec![api("a", 3), api("gone", 1)]);
        let fresh = inv(vec![api("a", 1)]);
        assert_eq!(merge_for_cache(Some(&prev), &fresh, &[]), Some(fresh));
    }

    #[test]
    fn a_failed_api_keeps_its_previous_details_marked_stale() {
        let prev = inv(vec![api("a", 3), api("b", 2)]);
        let mut failed = api("b", 0);
        failed
            .problems
            .push("details could not be loaded: throttled".into());
        let fresh = inv(vec![api("a", 1), failed]);
        let merged = merge_for_cache(Some(&prev), &fresh, &[]).unwrap();
        assert_eq!(merged.apis[0].routes.len(), 1);
        assert_eq!(merged.apis[1].routes.len(), 2);
        assert!(merged.apis[1].problems.iter().any(|p| p.starts_with(STALE)));
        assert!(merged.apis[1].problems[0].contains("throttled"));
    }

    #[test]
    fn an_incomplete_listing_keeps_what_it_could_not_list() {
        let prev = inv(vec![api("h", 1), api("r", 4)]);
        let fresh = inv(vec![api("h", 1)]);
        let merged =
            merge_for_cache(Some(&prev), &fresh, &["REST APIs are missing: x".into()]).unwrap();
        assert_eq!(merged.apis.len(), 2);
        assert_eq!(merged.apis[1].routes.len(), 4);
        assert!(merged.apis[1].problems[0].contains("REST APIs are missing"));
    }

    #[test]
    fn two_failures_in_a_row_lose_nothing() {
        let prev = inv(vec![api("a", 3)]);
        let failed = || {
            let mut f = api("a", 0);
            f.problems
                .push("details could not be loaded: timeout".into());
            inv(vec![f])
        };
        let once = merge_for_cache(Some(&prev), &failed(), &[]).unwrap();
        let twice = merge_for_cache(Some(&once), &failed(), &[]).unwrap();
        assert_eq!(twice.apis[0].routes.len(), 3);
        assert_eq!(
            twice.apis[0]
                .problems
                .iter()
                .filter(|p| p.starts_with(STALE))
                .count(),
            1
        );
    }

    #[test]
    fn a_partial_load_without_a_previous_file_is_written_as_it_is() {
        let fresh = inv(vec![api("h", 0)]);
        assert_eq!(merge_for_cache(None, &fresh, &[]), Some(fresh));
    }
}
