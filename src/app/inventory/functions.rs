//! The Lambda functions' own configuration (timeouts, memory) for the lint:
//! which functions an API needs read, reading them, and the cache kept per
//! backend so every lint page and a later `:doctor` reuse them.

use crate::backends::{BackendInfo, ControlPlane};
use crate::domain::FunctionArn;
use crate::domain::{Api, FunctionConfig};
use crate::engines::doctor::lambda_functions;

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
            .filter(|w| !known.iter().any(|k| FunctionArn::same_function(&k.arn, w)))
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
            self.known
                .retain(|k| !FunctionArn::same_function(&k.arn, &c.arn));
            self.known.push(c);
        }
        self.generation += 1;
    }
}

/// What to read for an API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Wanted {
    /// These functions (ARNs or names).
    These(Vec<String>),
    /// The API's details are not loaded: load them to learn its functions.
    AfterDetails,
}

impl FunctionCache {
    /// What to read for `api` on `info`'s backend: `force` re-reads those
    /// already known; `None` when there is nothing to read.
    pub fn wanted(&self, info: &BackendInfo, api: &Api, force: bool) -> Option<Wanted> {
        if !api.details_loaded {
            return Some(Wanted::AfterDetails);
        }
        let all = lambda_functions(api);
        let todo = if force { all } else { self.missing(info, &all) };
        (!todo.is_empty()).then_some(Wanted::These(todo))
    }
}

/// Read what `wanted` names (loading `api`'s details first when needed; the
/// inventory reports its own failure to load them).
pub async fn read(control: &dyn ControlPlane, api: Api, wanted: Wanted) -> Vec<FunctionConfig> {
    let wanted = match wanted {
        Wanted::These(w) => w,
        Wanted::AfterDetails => match control.load_details(api).await {
            Ok(api) => lambda_functions(&api),
            Err(_) => Vec::new(),
        },
    };
    if wanted.is_empty() {
        Vec::new()
    } else {
        control.function_configs(&wanted).await
    }
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
}
