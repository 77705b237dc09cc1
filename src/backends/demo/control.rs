//! The demo's control plane: the APIs of `assets/demo/apis.toml`, with `invoke_url`s
//! pointing at the running local gateway.

use async_trait::async_trait;

use crate::backends::{BackendError, ControlPlane, ErrorKind};
use crate::domain::FunctionArn;
use crate::domain::{AccountResources, Api, FunctionConfig};

pub(crate) struct DemoControlPlane {
    pub apis: Vec<Api>,
    /// The demo functions' own configuration (`assets/demo/functions.toml`).
    pub functions: Vec<FunctionConfig>,
    /// Usage plans with their keys (names and ids) and custom domains (`apis.toml`).
    pub account: AccountResources,
}

#[async_trait]
impl ControlPlane for DemoControlPlane {
    async fn list_apis(&self) -> Result<Vec<Api>, BackendError> {
        Ok(self.apis.clone())
    }

    async fn load_details(&self, api: Api) -> Result<Api, BackendError> {
        self.apis
            .iter()
            .find(|a| a.id == api.id)
            .cloned()
            .ok_or_else(|| {
                BackendError::new(
                    ErrorKind::NotFound,
                    format!("the demo has no API with id {}", api.id),
                )
                .with_fix("run `gatescope demo apis` to list the demo's APIs")
            })
    }

    async fn account_resources(&self) -> AccountResources {
        self.account.clone()
    }

    async fn function_configs(&self, functions: &[String]) -> Vec<FunctionConfig> {
        functions
            .iter()
            .map(|wanted| {
                match self
                    .functions
                    .iter()
                    .find(|f| FunctionArn::same_function(&f.arn, wanted))
                {
                    Some(f) => f.clone(),
                    None => FunctionConfig::unavailable(
                        wanted.clone(),
                        format!("the demo has no function {wanted}"),
                    ),
                }
            })
            .collect()
    }
}
