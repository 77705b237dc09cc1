//! Loads the inventory into [`Shared::inventory`] as background tasks: the
//! API list first (shown as soon as it arrives), then each API's details,
//! each its own task so they stream in.
//!
//! This is the UI's only contact with the control plane; swap its body for
//! the inventory loader (cache + streaming) without touching the views.

use super::page::Effect;
use super::shared::Shared;
use crate::domain::Api;

/// Start (or restart) loading everything.
pub fn refresh(shared: &mut Shared) -> Vec<Effect> {
    shared.inventory.loading = shared.inventory.apis.is_empty();
    if !shared.inventory.apis.is_empty() {
        shared.inventory.stale = true;
    }
    let control = shared.backend.control.clone();
    vec![Effect::shared_task("loading APIs", async move {
        let result = control.list_apis().await;
        move |shared: &mut Shared| {
            let inv = &mut shared.inventory;
            inv.loading = false;
            match result {
                Ok(apis) => {
                    inv.error = None;
                    inv.stale = false;
                    inv.fetched_at_ms = chrono::Utc::now().timestamp_millis();
                    let todo: Vec<Api> =
                        apis.iter().filter(|a| !a.details_loaded).cloned().collect();
                    inv.replace_list(apis);
                    todo.into_iter()
                        .map(|api| load_details(shared, api))
                        .collect()
                }
                Err(e) => {
                    inv.generation += 1;
                    let msg = format!("cannot list APIs: {e}");
                    inv.error = Some(msg.clone());
                    vec![Effect::Error(msg)]
                }
            }
        }
    })]
}

/// Load one API's routes, authorizers and stages.
pub fn load_details(shared: &Shared, api: Api) -> Effect {
    let control = shared.backend.control.clone();
    let slots = shared.control_slots.clone();
    let label = format!("loading {}", api.name);
    Effect::shared_task(label, async move {
        let _permit = slots.acquire_owned().await;
        let id = api.id.clone();
        let result = control.load_details(api).await;
        move |shared: &mut Shared| match result {
            Ok(api) => {
                shared.inventory.upsert(api);
                vec![]
            }
            Err(e) => {
                let msg = format!("cannot load details of {id}: {e}");
                if let Some(api) = shared.inventory.apis.iter_mut().find(|a| a.id == id) {
                    api.problems.push(msg.clone());
                }
                shared.inventory.generation += 1;
                vec![Effect::Error(msg)]
            }
        }
    })
}
