//! The Lambda functions' own configuration (timeouts, memory) for the lint
//! page: fetched by a background task, kept in [`Shared`] so every lint page
//! and a later `:doctor` reuse it, and read by the views at render time.

use crate::backends::BackendInfo;
use crate::domain::{Api, FunctionConfig};
use crate::engines::doctor::{lambda_functions, same_function};
use crate::ui::page::Effect;
use crate::ui::shared::Shared;

/// Function configurations read so far, for one backend.
#[derive(Debug, Default)]
pub struct FunctionCache {
    /// The backend they were read from: after `:region` or `:profile` the
    /// same ARN may name another function, so entries of another backend are
    /// never served.
    backend: Option<BackendInfo>,
    known: Vec<FunctionConfig>,
    /// Bumped on every change so lint pages know to re-lint.
    pub generation: u64,
}

impl FunctionCache {
    /// What is known for `info`'s backend (empty for another backend).
    pub fn known(&self, info: &BackendInfo) -> &[FunctionConfig] {
        match &self.backend {
            Some(b) if b == info => &self.known,
            _ => &[],
        }
    }

    /// Of `wanted`, the functions not read yet from `info`'s backend.
    pub fn missing(&self, info: &BackendInfo, wanted: &[String]) -> Vec<String> {
        let known = self.known(info);
        wanted
            .iter()
            .filter(|w| !known.iter().any(|k| same_function(&k.arn, w)))
            .cloned()
            .collect()
    }

    /// Record freshly read configurations (replacing older ones of the same function).
    pub fn insert(&mut self, info: &BackendInfo, configs: Vec<FunctionConfig>) {
        if self.backend.as_ref() != Some(info) {
            self.backend = Some(info.clone());
            self.known.clear();
        }
        for c in configs {
            self.known.retain(|k| !same_function(&k.arn, &c.arn));
            self.known.push(c);
        }
        self.generation += 1;
    }
}

/// A task reading the configuration of `api`'s functions; `force` re-reads
/// those already known (`r` on the lint page). Returns no effect when there
/// is nothing to read. When the API's details are not loaded yet, the task
/// loads them itself to learn the functions (the inventory loads its own).
pub fn fetch(shared: &Shared, api: &Api, force: bool) -> Option<Effect> {
    let info = shared.backend.info.clone();
    let control = shared.backend.control.clone();
    let wanted = if api.details_loaded {
        let all = lambda_functions(api);
        let todo = if force {
            all
        } else {
            shared.functions.missing(&info, &all)
        };
        if todo.is_empty() {
            return None;
        }
        Some(todo)
    } else {
        None
    };
    let api = api.clone();
    Some(Effect::shared_task("reading Lambda timeouts", async move {
        let wanted = match wanted {
            Some(w) => w,
            None => match control.load_details(api).await {
                Ok(api) => lambda_functions(&api),
                // The inventory reports its own failure to load details.
                Err(_) => Vec::new(),
            },
        };
        let configs = if wanted.is_empty() {
            Vec::new()
        } else {
            control.function_configs(&wanted).await
        };
        move |shared: &mut Shared| {
            shared.functions.insert(&info, configs);
            vec![]
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(arn: &str, timeout: f64) -> FunctionConfig {
        FunctionConfig {
            arn: arn.into(),
            timeout_s: Some(timeout),
            ..Default::default()
        }
    }

    fn info(region: &str) -> BackendInfo {
        BackendInfo {
            region: Some(region.into()),
            ..Default::default()
        }
    }

    const ARN: &str = "arn:aws:lambda:eu-west-1:1:function:orders";

    #[test]
    fn known_functions_are_not_read_again() {
        let mut cache = FunctionCache::default();
        let wanted = vec![ARN.to_string(), "report".to_string()];
        assert_eq!(cache.missing(&info("eu-west-1"), &wanted), wanted);
        cache.insert(&info("eu-west-1"), vec![config(ARN, 60.0)]);
        assert_eq!(
            cache.missing(&info("eu-west-1"), &wanted),
            vec!["report".to_string()]
        );
        assert_eq!(cache.generation, 1);
    }

    #[test]
    fn another_backend_starts_from_nothing() {
        let mut cache = FunctionCache::default();
        cache.insert(&info("eu-west-1"), vec![config(ARN, 60.0)]);
        assert!(cache.known(&info("us-east-1")).is_empty());
        cache.insert(&info("us-east-1"), vec![config(ARN, 5.0)]);
        assert_eq!(cache.known(&info("us-east-1")).len(), 1);
        assert!(cache.known(&info("eu-west-1")).is_empty());
    }

    #[test]
    fn a_re_read_replaces_the_old_entry() {
        let mut cache = FunctionCache::default();
        let i = info("eu-west-1");
        cache.insert(&i, vec![config(ARN, 60.0)]);
        cache.insert(&i, vec![config("orders", 10.0)]);
        assert_eq!(cache.known(&i), &[config("orders", 10.0)]);
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
                .filter(|c| wanted.iter().any(|w| same_function(&c.arn, w)))
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
