//! Feeds the inventory into [`Shared::inventory`]: the disk cache first (read
//! before the first frame, shown marked stale), then the inventory loader's
//! stream (API list first, details as they arrive), then the cache is
//! rewritten. This is the UI's only contact with the control plane.

use futures::StreamExt;

use super::page::Effect;
use super::shared::Shared;
use crate::app::inventory::functions;
use crate::app::inventory::{InventoryCache, InventoryEvent, InventoryState, Loader};
use crate::domain::Api;

/// Show the cached inventory of this backend, if there is one. Cheap (one
/// small file read), so it runs before the first frame.
pub(crate) fn load_cache(shared: &mut Shared) {
    let Some(cached) = InventoryCache::for_backend(&shared.backend.info).load() else {
        return;
    };
    shared.inventory = InventoryState::from_cache(cached);
}

/// Start (or restart) loading everything; events are applied as they arrive.
pub fn refresh(shared: &mut Shared) -> Vec<Effect> {
    shared.inventory.start_refresh();
    let loader = Loader::new(shared.backend.control.clone());
    let cache = InventoryCache::for_backend(&shared.backend.info);
    // The loader runs in its own task; its channel becomes the stream.
    let events = futures::stream::once(async move { loader.spawn().0 })
        .flat_map(tokio_stream::wrappers::ReceiverStream::new);
    let updates = events.map(move |event| {
        let cache = cache.clone();
        move |shared: &mut Shared| apply(shared, event, &cache)
    });
    vec![Effect::shared_stream("loading APIs", updates)]
}

fn apply(shared: &mut Shared, event: InventoryEvent, cache: &InventoryCache) -> Vec<Effect> {
    let done = matches!(event, InventoryEvent::Done(_));
    let applied = shared.inventory.apply(event);
    if let Some(snapshot) = applied.save {
        // Keep what the user saw (listing order, details) for next time; a
        // partial refresh arrives here already merged with the previous file.
        let cache = cache.clone();
        tokio::task::spawn_blocking(move || {
            if let Err(e) = cache.save(&snapshot) {
                tracing::warn!("cannot write the inventory cache: {e}");
            }
        });
    }
    let mut effects: Vec<Effect> = applied.errors.into_iter().map(Effect::Error).collect();
    // The list is drawn: now its sparklines (never before the first frame).
    if done {
        effects.extend(super::api_sparks::load(shared, std::time::Instant::now()));
    }
    effects
}

/// Reload one API's routes, authorizers and stages (`r` on an API page).
pub(crate) fn load_details(shared: &Shared, api: crate::domain::Api) -> Effect {
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

/// A task reading the configuration of `api`'s functions into
/// [`Shared::functions`]; `force` re-reads those already known (`r` on the
/// lint page). `None` when there is nothing to read.
pub(crate) fn fetch_functions(shared: &Shared, api: &Api, force: bool) -> Option<Effect> {
    let info = shared.backend.info.clone();
    let control = shared.backend.control.clone();
    let wanted = shared.functions.wanted(&info, api, force)?;
    let api = api.clone();
    Some(Effect::shared_task("reading Lambda timeouts", async move {
        let configs = functions::read(control.as_ref(), api, wanted).await;
        move |shared: &mut Shared| {
            shared.functions.insert(&info, configs);
            vec![]
        }
    }))
}

#[cfg(test)]
mod tests {
    use crate::domain::FunctionArn;
    use crate::domain::{Api, FunctionConfig};

    const ARN: &str = "arn:aws:lambda:eu-west-1:1:function:orders";

    fn config(arn: &str, timeout: f64) -> FunctionConfig {
        FunctionConfig {
            arn: arn.into(),
            timeout_s: Some(timeout),
            ..Default::default()
        }
    }

    /// A control plane that also knows its functions' configuration.
    struct WithFunctions {
        inner: crate::ui::testing::FakeControl,
        configs: Vec<FunctionConfig>,
    }

    #[async_trait::async_trait]
    impl crate::backends::ControlPlane for WithFunctions {
        async fn list_apis(&self) -> Result<Vec<Api>, crate::backends::BackendError> {
            self.inner.list_apis().await
        }
        async fn load_details(&self, api: Api) -> Result<Api, crate::backends::BackendError> {
            self.inner.load_details(api).await
        }
        async fn function_configs(&self, wanted: &[String]) -> Vec<FunctionConfig> {
            self.inner
                .calls
                .lock()
                .unwrap()
                .push(format!("function_configs {}", wanted.join(",")));
            self.configs
                .iter()
                .filter(|c| wanted.iter().any(|w| FunctionArn::same_function(&c.arn, w)))
                .cloned()
                .collect()
        }
    }

    fn api() -> Api {
        use crate::domain::{Integration, Protocol, Route};
        Api {
            id: "api1".into(),
            name: "orders".into(),
            protocol: Some(Protocol::Http),
            routes: vec![Route {
                route_key: "GET /orders".into(),
                integration: Some(Integration {
                    id: Some("int1".into()),
                    integration_type: Some("AWS_PROXY".into()),
                    uri: Some(ARN.into()),
                    payload_format_version: Some("2.0".into()),
                    timeout_in_millis: Some(30_000),
                    ..Default::default()
                }),
                ..Default::default()
            }],
            details_loaded: true,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn doctor_page_relints_when_the_timeouts_arrive() {
        use crate::ui::testing::{FakeControl, fake_backend, harness};
        use crate::ui::views::doctor::screen::LintPage;
        let control = WithFunctions {
            inner: FakeControl {
                apis: vec![api()],
                ..Default::default()
            },
            configs: vec![config(ARN, 60.0)],
        };
        let mut backend = fake_backend(FakeControl::default());
        backend.control = std::sync::Arc::new(control);
        let mut h = harness(backend);
        h.start().await;
        h.render(100, 20); // the API list selects its first row when drawn
        h.app.run_command("doctor");
        // The page opens at once; the timeouts come from a background task.
        assert!(
            h.app.top_as::<LintPage>().is_some(),
            "{:?}",
            h.app.shared.status.error
        );
        assert!(!h.app.shared.status.running.is_empty());
        h.settle().await;
        h.render(100, 20);
        let text = h.app.top_as::<LintPage>().unwrap().view.all_text();
        assert!(
            text.contains("LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION"),
            "{text}"
        );

        // A second :doctor finds them in the cache: no new call.
        h.app.run_command("doctor");
        assert!(h.app.shared.status.running.is_empty());
        let text = h.app.top_as::<LintPage>().unwrap().view.all_text();
        assert!(
            text.contains("LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION"),
            "{text}"
        );
    }
}
