//! THE inventory reducer: what a front end holds while the inventory arrives
//! (the cached copy first, marked stale; then the fresh listing; then details
//! one API at a time). Pure: feed it [`InventoryEvent`]s, read the fields and
//! act on what [`InventoryState::apply`] returns (sentences to report, the
//! inventory to write to the cache). The TUI keeps one in `Shared`; tests
//! drive it directly.

use std::collections::{HashMap, HashSet};

use super::cache::CachedInventory;
use super::loader::InventoryEvent;
use super::merge::merge_for_cache;
use crate::domain::{Api, Inventory};

#[derive(Debug, Clone, Default)]
pub struct InventoryState {
    /// In listing order.
    pub apis: Vec<Api>,
    /// A refresh is running.
    pub loading: bool,
    /// Some of what is shown comes from the disk cache (see [`InventoryState::is_stale`]).
    pub from_cache: bool,
    /// Epoch ms of the data shown (the cache's, then the refresh's).
    pub fetched_at_ms: i64,
    /// Families of APIs that could not be listed.
    pub problems: Vec<String>,
    /// Why the listing failed (what is shown, if anything, is the cache).
    pub error: Option<String>,
    /// Bumped on every change, so lists know to re-filter and pages to redraw.
    pub generation: u64,
    /// APIs whose details arrived during this refresh.
    fresh: HashSet<String>,
    /// The listing of this refresh arrived.
    listed: bool,
    /// The last inventory written to (or read from) the cache: what a partial
    /// refresh is merged with before it is written.
    saved: Option<Inventory>,
}

/// What applying one event means for whoever shows the state.
#[derive(Debug, Default, PartialEq)]
pub struct Applied {
    /// Sentences to report: a family of APIs that could not be listed, an
    /// API whose details failed, the listing that failed.
    pub errors: Vec<String>,
    /// The refresh ended: what to write to the cache (`None`: leave the file
    /// as it is, see [`merge_for_cache`]).
    pub save: Option<Inventory>,
}

impl InventoryState {
    /// Before anything is known: the first refresh is about to run.
    pub fn new() -> Self {
        InventoryState {
            loading: true,
            ..Self::default()
        }
    }

    /// Start from the cache: everything stale.
    pub fn from_cache(cached: CachedInventory) -> Self {
        InventoryState {
            fetched_at_ms: cached.inventory.fetched_at_ms,
            apis: cached.inventory.apis.clone(),
            from_cache: true,
            saved: Some(cached.inventory),
            generation: 1,
            ..Self::default()
        }
    }

    /// A refresh starts: keep showing what we have, now stale.
    pub fn start_refresh(&mut self) {
        self.loading = true;
        self.error = None;
        self.fresh.clear();
        self.listed = false;
        self.from_cache |= !self.apis.is_empty();
        self.generation += 1;
    }

    /// True when the API shown is the cached copy, not yet refreshed.
    pub(crate) fn is_stale(&self, api_id: &str) -> bool {
        self.from_cache && !self.fresh.contains(api_id)
    }

    /// True while anything shown is stale.
    pub(crate) fn any_stale(&self) -> bool {
        self.from_cache && (!self.listed || self.apis.iter().any(|a| !self.fresh.contains(&a.id)))
    }

    /// True until the first listing arrived and nothing (not even the cache)
    /// can be shown: the list says "loading", not "no APIs".
    pub(crate) fn waiting_for_first_list(&self) -> bool {
        self.loading && !self.listed && self.apis.is_empty()
    }

    /// Loaded details / total, for a progress indicator.
    pub fn progress(&self) -> (usize, usize) {
        (self.fresh.len(), self.apis.len())
    }

    pub fn api(&self, id: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.id == id)
    }

    /// Insert or replace one API (matched by id), keeping the list order; it
    /// is fresh from now on (`r` on an API page reloads one API).
    pub(crate) fn upsert(&mut self, api: Api) {
        self.fresh.insert(api.id.clone());
        match self.apis.iter_mut().find(|a| a.id == api.id) {
            Some(slot) => *slot = api,
            None => self.apis.push(api),
        }
        self.generation += 1;
    }

    /// Apply one event.
    pub fn apply(&mut self, event: InventoryEvent) -> Applied {
        self.generation += 1;
        let mut out = Applied::default();
        match event {
            InventoryEvent::ApisListed { apis, problems } => {
                self.listed = true;
                out.errors = problems.clone();
                self.problems = problems;
                self.replace_list(apis);
            }
            InventoryEvent::ApiLoaded(api) => {
                self.upsert(*api);
            }
            InventoryEvent::Failed { api_id, error } => {
                if let Some(a) = self.apis.iter_mut().find(|a| a.id == api_id) {
                    a.problems
                        .retain(|p| !p.starts_with("details could not be loaded"));
                    a.problems
                        .push(format!("details could not be loaded: {error}"));
                }
                out.errors
                    .push(format!("details of {api_id} could not be loaded: {error}"));
            }
            InventoryEvent::ListFailed(e) => {
                let mut msg = format!("cannot list APIs: {e}");
                if !self.apis.is_empty() {
                    msg.push_str(" (showing the cached copy)");
                }
                out.errors.push(msg.clone());
                self.error = Some(msg);
                self.loading = false;
            }
            InventoryEvent::Done(done) => {
                self.loading = false;
                if self.error.is_none() && self.listed {
                    self.fetched_at_ms = done.fetched_at_ms;
                    // Stale only for what this refresh could not replace.
                    self.from_cache =
                        self.from_cache && self.apis.iter().any(|a| !self.fresh.contains(&a.id));
                    let snapshot = Inventory {
                        apis: self.apis.clone(),
                        fetched_at_ms: done.fetched_at_ms,
                    };
                    out.save = merge_for_cache(self.saved.as_ref(), &snapshot, &self.problems);
                    if let Some(saved) = &out.save {
                        self.saved = Some(saved.clone());
                    }
                }
            }
        }
        out
    }

    /// Replace the list, keeping the details of APIs that stay until their
    /// fresh details arrive; APIs that are gone are dropped (a listing with
    /// problems is merged again before the cache is written).
    fn replace_list(&mut self, fresh: Vec<Api>) {
        let mut old: HashMap<String, Api> =
            self.apis.drain(..).map(|a| (a.id.clone(), a)).collect();
        self.apis = fresh
            .into_iter()
            .map(|api| match old.remove(&api.id) {
                Some(o) if o.details_loaded && !api.details_loaded => Api {
                    routes: o.routes,
                    authorizers: o.authorizers,
                    stages: o.stages,
                    details_loaded: true,
                    problems: o.problems,
                    ..api
                },
                _ => api,
            })
            .collect();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::BackendError;
    use crate::domain::Route;
    use std::time::Duration;

    fn api(id: &str, routes: usize) -> Api {
        Api {
            id: id.into(),
            name: id.into(),
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

    fn cached(apis: Vec<Api>) -> CachedInventory {
        CachedInventory {
            inventory: Inventory {
                apis,
                fetched_at_ms: 1,
            },
            age: Duration::from_secs(60),
        }
    }

    #[test]
    fn cache_shows_first_then_fresh_details_replace_it() {
        let mut s = InventoryState::from_cache(cached(vec![api("a", 2), api("gone", 1)]));
        s.start_refresh();
        assert!(s.is_stale("a") && s.any_stale());
        assert!(!s.waiting_for_first_list(), "the cache is shown meanwhile");
        s.apply(InventoryEvent::ApisListed {
            apis: vec![api("a", 0), api("new", 0)],
            problems: vec![],
        });
        assert_eq!(
            s.apis.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["a", "new"]
        );
        assert_eq!(
            s.api("a").unwrap().routes.len(),
            2,
            "cached details kept while stale"
        );
        assert!(s.is_stale("a"));
        s.apply(InventoryEvent::ApiLoaded(Box::new(api("a", 3))));
        assert!(!s.is_stale("a"));
        assert_eq!(s.api("a").unwrap().routes.len(), 3);
        let applied = s.apply(InventoryEvent::Failed {
            api_id: "new".into(),
            error: BackendError::new(crate::backends::ErrorKind::Auth, "denied"),
        });
        assert!(applied.errors[0].contains("details of new could not be loaded"));
        assert!(s.api("new").unwrap().problems[0].contains("denied"));
        assert!(s.any_stale(), "the failed API is still not fresh");
        let done = s.apply(InventoryEvent::Done(Inventory {
            apis: vec![],
            fetched_at_ms: 5,
        }));
        assert!(!s.loading);
        assert_eq!(s.fetched_at_ms, 5);
        // Merged with the cache: "gone" was truly not listed (the listing was
        // complete), "new" is written with its problem.
        let saved = done.save.unwrap();
        assert_eq!(
            saved.apis.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(),
            ["a", "new"]
        );
        assert!(!saved.apis[1].problems.is_empty());
    }

    #[test]
    fn a_complete_refresh_is_saved_and_nothing_is_stale_after_it() {
        let mut s = InventoryState::new();
        assert!(s.waiting_for_first_list());
        s.start_refresh();
        s.apply(InventoryEvent::ApisListed {
            apis: vec![api("a", 0)],
            problems: vec![],
        });
        s.apply(InventoryEvent::ApiLoaded(Box::new(api("a", 1))));
        let done = s.apply(InventoryEvent::Done(Inventory {
            apis: vec![],
            fetched_at_ms: 9,
        }));
        assert_eq!(done.save.unwrap().apis.len(), 1);
        assert!(!s.any_stale());
    }

    #[test]
    fn a_partial_listing_keeps_the_cached_apis_it_could_not_list() {
        let mut s = InventoryState::from_cache(cached(vec![api("h", 2), api("r", 3)]));
        s.start_refresh();
        let applied = s.apply(InventoryEvent::ApisListed {
            apis: vec![api("h", 0)],
            problems: vec!["REST APIs are missing: timed out".into()],
        });
        assert_eq!(applied.errors.len(), 1);
        s.apply(InventoryEvent::ApiLoaded(Box::new(api("h", 4))));
        let done = s.apply(InventoryEvent::Done(Inventory {
            apis: vec![],
            fetched_at_ms: 9,
        }));
        let saved = done.save.expect("merged with the cache");
        let r = saved.apis.iter().find(|a| a.id == "r").expect("kept");
        assert_eq!(r.routes.len(), 3);
        assert!(
            r.problems.iter().any(|p| p.contains("stale")),
            "{:?}",
            r.problems
        );
        let h = saved.apis.iter().find(|a| a.id == "h").unwrap();
        assert_eq!(h.routes.len(), 4, "fresh data wins");
    }

    #[test]
    fn failed_listing_keeps_the_cache_and_does_not_overwrite_it() {
        let mut s = InventoryState::from_cache(cached(vec![api("a", 1)]));
        s.start_refresh();
        s.apply(InventoryEvent::ListFailed(BackendError::new(
            crate::backends::ErrorKind::Network,
            "refused",
        )));
        let done = s.apply(InventoryEvent::Done(Inventory::default()));
        assert_eq!(s.apis.len(), 1);
        assert!(
            s.error
                .as_deref()
                .unwrap()
                .contains("showing the cached copy")
        );
        assert_eq!(done.save, None);
    }
}
