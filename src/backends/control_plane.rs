//! The control plane: what is deployed.

use async_trait::async_trait;

use super::BackendError;
use crate::domain::Api;

#[async_trait]
pub trait ControlPlane: Send + Sync {
    /// Every API (HTTP, WebSocket and REST), following pagination to the end.
    /// Details (`routes`, `authorizers`, `stages`) may be left empty with
    /// `details_loaded == false`; callers then ask [`ControlPlane::load_details`].
    async fn list_apis(&self) -> Result<Vec<Api>, BackendError>;

    /// Fill in routes (with integrations), authorizers and stages of one API.
    /// A failing sub-call does not fail the whole API: it is recorded in
    /// `Api::problems` and the rest is returned.
    async fn load_details(&self, api: Api) -> Result<Api, BackendError>;
}
