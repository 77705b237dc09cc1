//! Feeds the inventory into [`Shared::inventory`]: the disk cache first (read
//! before the first frame, shown marked stale), then the inventory loader's
//! stream (API list first, details as they arrive), then the cache is
//! rewritten. This is the UI's only contact with the control plane.

use futures::StreamExt;

use super::page::Effect;
use super::shared::Shared;
use crate::app::inventory::{InventoryCache, InventoryEvent, Loader};

/// Show the cached inventory of this backend, if there is one. Cheap (one
/// small file read), so it runs before the first frame.
pub fn load_cache(shared: &mut Shared) {
    let Some(cached) = InventoryCache::for_backend(&shared.backend.info).load() else {
        return;
    };
    let inv = &mut shared.inventory;
    inv.apis = cached.inventory.apis;
    inv.fetched_at_ms = cached.inventory.fetched_at_ms;
    inv.stale = true;
    inv.loading = false;
    inv.generation += 1;
}

/// Start (or restart) loading everything; events are applied as they arrive.
pub fn refresh(shared: &mut Shared) -> Vec<Effect> {
    let inv = &mut shared.inventory;
    inv.loading = inv.apis.is_empty();
    inv.stale = !inv.apis.is_empty();
    inv.error = None;
    let loader = Loader::new(shared.backend.control.clone());
    let cache = InventoryCache::for_backend(&shared.backend.info);
    // The loader runs in its own task; its channel becomes the stream.
    let events = futures::stream::once(async move { loader.spawn().0 }).flat_map(|rx| {
        futures::stream::unfold(
            rx,
            |mut rx| async move { rx.recv().await.map(|ev| (ev, rx)) },
        )
    });
    let updates = events.map(move |event| {
        let cache = cache.clone();
        move |shared: &mut Shared| apply(shared, event, &cache)
    });
    vec![Effect::shared_stream("loading APIs", updates)]
}

fn apply(shared: &mut Shared, event: InventoryEvent, cache: &InventoryCache) -> Vec<Effect> {
    let inv = &mut shared.inventory;
    inv.generation += 1;
    match event {
        InventoryEvent::ApisListed { apis, problems } => {
            inv.loading = false;
            inv.replace_list(apis);
            inv.problems = problems.clone();
            problems.into_iter().map(Effect::Error).collect()
        }
        InventoryEvent::ApiLoaded(api) => {
            inv.upsert(*api);
            vec![]
        }
        InventoryEvent::Failed { api_id, error } => {
            let msg = format!("details of {api_id} could not be loaded: {error}");
            if let Some(api) = inv.apis.iter_mut().find(|a| a.id == api_id) {
                api.problems.push(msg.clone());
            }
            vec![Effect::Error(msg)]
        }
        InventoryEvent::ListFailed(error) => {
            inv.loading = false;
            let mut msg = format!("cannot list APIs: {error}");
            if inv.stale {
                msg.push_str(" (showing the cached copy)");
            }
            inv.error = Some(msg.clone());
            vec![Effect::Error(msg)]
        }
        InventoryEvent::Done(done) => {
            if inv.error.is_none() {
                inv.stale = false;
                inv.fetched_at_ms = done.fetched_at_ms;
                // Keep what the user saw (listing order, details) for next time.
                let snapshot = crate::domain::Inventory {
                    apis: inv.apis.clone(),
                    fetched_at_ms: done.fetched_at_ms,
                };
                let cache = cache.clone();
                tokio::task::spawn_blocking(move || {
                    if let Err(e) = cache.save(&snapshot) {
                        tracing::warn!("cannot write the inventory cache: {e}");
                    }
                });
            }
            vec![]
        }
    }
}

/// Reload one API's routes, authorizers and stages (`r` on an API page).
pub fn load_details(shared: &Shared, api: crate::domain::Api) -> Effect {
    let control = shared.backend.control.clone();
    let label = format!("loading {}", api.name);
    Effect::shared_task(label, async move {
        let id = api.id.clone();
        let result = control.load_details(api).await;
        move |shared: &mut Shared| match result {
            Ok(api) => {
                shared.inventory.upsert(api);
                vec![]
            }
            Err(e) => {
                let msg = format!("details of {id} could not be loaded: {e}");
                shared.inventory.generation += 1;
                vec![Effect::Error(msg)]
            }
        }
    })
}
