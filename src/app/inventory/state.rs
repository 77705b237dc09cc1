//! What a view holds while the inventory arrives: the cached copy first
//! (stale), then the fresh listing, then details one API at a time. Pure:
//! feed it [`InventoryEvent`]s, read the fields.

use std::collections::HashSet;

use super::cache::CachedInventory;
use super::loader::InventoryEvent;
use crate::backends::BackendError;
use crate::domain::{Api, Inventory};

#[derive(Debug, Clone, Default)]
pub struct InventoryState {
    /// In listing order.
    pub apis: Vec<Api>,
    /// A refresh is running.
    pub loading: bool,
    /// Some of what is shown comes from the disk cache (see [`InventoryState::is_stale`]).
    pub from_cache: bool,
    /// When the cached copy was fetched (epoch ms).
    pub cached_at_ms: Option<i64>,
    /// Families of APIs that could not be listed.
    pub problems: Vec<String>,
    /// The listing failed (what is shown, if anything, is the cache).
    pub error: Option<BackendError>,
    /// APIs whose details arrived during this refresh.
    fresh: HashSet<String>,
    listed: bool,
}

impl InventoryState {
    /// Start from the cache: everything stale.
    pub fn from_cache(cached: CachedInventory) -> Self {
        InventoryState {
            cached_at_ms: Some(cached.inventory.fetched_at_ms),
            apis: cached.inventory.apis,
            from_cache: true,
            ..Self::default()
        }
    }

    /// A refresh starts: keep showing what we have.
    pub fn start_refresh(&mut self) {
        self.loading = true;
        self.error = None;
        self.fresh.clear();
        self.listed = false;
    }

    /// True when the API shown is the cached copy, not yet refreshed.
    pub fn is_stale(&self, api_id: &str) -> bool {
        self.from_cache && !self.fresh.contains(api_id)
    }

    /// True while anything shown is stale.
    pub fn any_stale(&self) -> bool {
        self.from_cache && (!self.listed || self.apis.iter().any(|a| !self.fresh.contains(&a.id)))
    }

    /// Loaded details / total, for a progress indicator.
    pub fn progress(&self) -> (usize, usize) {
        (self.fresh.len(), self.apis.len())
    }

    pub fn api(&self, id: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.id == id)
    }

    /// Apply one event. Returns true (always, today) when something changed,
    /// so the caller knows to redraw.
    pub fn apply(&mut self, event: InventoryEvent) -> bool {
        match event {
            InventoryEvent::ApisListed { apis, problems } => {
                self.listed = true;
                self.problems = problems;
                // Keep cached details of APIs that still exist until their
                // fresh details arrive; drop APIs that are gone.
                let mut old: std::collections::HashMap<String, Api> =
                    self.apis.drain(..).map(|a| (a.id.clone(), a)).collect();
                self.apis = apis
                    .into_iter()
                    .map(|mut a| {
                        if let Some(prev) = old.remove(&a.id).filter(|p| p.details_loaded) {
                            a.routes = prev.routes;
                            a.authorizers = prev.authorizers;
                            a.stages = prev.stages;
                            a.details_loaded = true;
                        }
                        a
                    })
                    .collect();
            }
            InventoryEvent::ApiLoaded(api) => {
                self.fresh.insert(api.id.clone());
                self.replace(*api);
            }
            InventoryEvent::Failed { api_id, error } => {
                if let Some(a) = self.apis.iter_mut().find(|a| a.id == api_id) {
                    a.problems
                        .retain(|p| !p.starts_with("details could not be loaded"));
                    a.problems
                        .push(format!("details could not be loaded: {error}"));
                }
            }
            InventoryEvent::ListFailed(e) => {
                self.error = Some(e);
                self.loading = false;
            }
            InventoryEvent::Done(_) => {
                self.loading = false;
            }
        }
        true
    }

    fn replace(&mut self, api: Api) {
        match self.apis.iter_mut().find(|a| a.id == api.id) {
            Some(slot) => *slot = api,
            None => self.apis.push(api),
        }
    }

    /// What to write to the cache after a refresh: `None` when the listing
    /// failed (keep the previous file rather than overwrite it with less).
    pub fn to_cache(&self) -> Option<Inventory> {
        if self.error.is_some() || !self.listed {
            return None;
        }
        Some(Inventory {
            apis: self.apis.clone(),
            fetched_at_ms: super::loader::now_ms(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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

    #[test]
    fn cache_shows_first_then_fresh_details_replace_it() {
        let cached = CachedInventory {
            inventory: Inventory {
                apis: vec![api("a", 2), api("gone", 1)],
                fetched_at_ms: 1,
            },
            age: Duration::from_secs(60),
        };
        let mut s = InventoryState::from_cache(cached);
        s.start_refresh();
        assert!(s.is_stale("a") && s.any_stale());
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
        s.apply(InventoryEvent::Failed {
            api_id: "new".into(),
            error: BackendError::new(crate::backends::ErrorKind::Auth, "denied"),
        });
        assert!(s.api("new").unwrap().problems[0].contains("denied"));
        assert!(s.any_stale(), "the failed API is still not fresh");
        s.apply(InventoryEvent::Done(Inventory::default()));
        assert!(!s.loading);
        assert_eq!(s.to_cache().unwrap().apis.len(), 2);
    }

    #[test]
    fn failed_listing_keeps_the_cache_and_does_not_overwrite_it() {
        let cached = CachedInventory {
            inventory: Inventory {
                apis: vec![api("a", 1)],
                fetched_at_ms: 1,
            },
            age: Duration::ZERO,
        };
        let mut s = InventoryState::from_cache(cached);
        s.start_refresh();
        s.apply(InventoryEvent::ListFailed(BackendError::new(
            crate::backends::ErrorKind::Network,
            "refused",
        )));
        assert_eq!(s.apis.len(), 1);
        assert!(s.error.is_some() && s.to_cache().is_none());
    }
}
