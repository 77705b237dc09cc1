//! The control plane: what is deployed.

use async_trait::async_trait;

use super::BackendError;
use crate::domain::{AccountResources, Api, FunctionConfig};

#[async_trait]
pub trait ControlPlane: Send + Sync {
    /// Every API (HTTP, WebSocket and REST), following pagination to the end.
    /// Details (`routes`, `authorizers`, `stages`) may be left empty with
    /// `details_loaded == false`; callers then ask [`ControlPlane::load_details`].
    async fn list_apis(&self) -> Result<Vec<Api>, BackendError>;

    /// Like [`ControlPlane::list_apis`], but when one family of APIs could not
    /// be listed (say REST is denied while HTTP APIs are allowed) return the
    /// others plus one sentence per missing family, instead of failing.
    async fn list_apis_partial(&self) -> Result<(Vec<Api>, Vec<String>), BackendError> {
        Ok((self.list_apis().await?, Vec::new()))
    }

    /// Fill in routes (with integrations), authorizers and stages of one API.
    /// A failing sub-call does not fail the whole API: it is recorded in
    /// `Api::problems` and the rest is returned.
    async fn load_details(&self, api: Api) -> Result<Api, BackendError>;

    /// The configuration (timeout, memory) of the Lambda functions named by
    /// ARN or name, one entry per function asked for, in any order. Never
    /// fails as a whole: a function that could not be read carries the reason
    /// in [`FunctionConfig::unavailable`], so a lint still runs with the rest.
    /// The default knows nothing (an empty list): callers then skip the checks
    /// that need it rather than report them as failed.
    async fn function_configs(&self, _functions: &[String]) -> Vec<FunctionConfig> {
        Vec::new()
    }

    /// Account-wide resources: REST usage plans with their keys (names and
    /// ids, never values) and custom domains with their mappings. Never
    /// fails as a whole: what could not be read is said in the result's
    /// problem fields. The default knows none.
    async fn account_resources(&self) -> AccountResources {
        AccountResources::default()
    }
}
