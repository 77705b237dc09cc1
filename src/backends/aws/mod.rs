//! AWS: SDK clients behind the backend traits.
//!
//! [`backend`] returns at once: the region comes from flags, environment and
//! profile files (no IMDS probe on a laptop) and credentials are resolved by
//! the SDK on the first call, so the first TUI frame never waits on AWS.

mod account;
pub mod config;
pub mod control_plane;
mod details;
pub mod errors;
pub mod http_apis;
mod lambda;
pub mod logs;
mod logs_error;
pub mod metrics;
pub mod rate_limit;
pub mod real_calls;
pub mod rest_apis;
pub mod retry;

use std::sync::Arc;

use super::{Backend, BackendError, BackendInfo};

pub use control_plane::AwsControlPlane;

/// Global connection options (`--profile`, `--region`, `--endpoint-url`).
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Also read from `AWS_ENDPOINT_URL` by the caller.
    pub endpoint_url: Option<String>,
    /// How long one attempt of an AWS call may take (`--aws-timeout`);
    /// `None`: `GATESCOPE_AWS_TIMEOUT` when valid, else 30 s.
    pub call_timeout: Option<std::time::Duration>,
}

/// Build the AWS backend from the standard credential chain. Makes no
/// network call; a missing region is reported by the first control-plane call
/// (so the UI can start and show it).
pub async fn backend(opts: &AwsOptions) -> Result<Backend, BackendError> {
    let loaded = config::load(opts).await;
    let info = BackendInfo {
        profile: loaded.profile.clone(),
        region: loaded.region.clone(),
        endpoint: loaded.endpoint.clone(),
        demo: false,
    };
    let control = Arc::new(AwsControlPlane::new(&loaded.sdk, info.clone()));
    Ok(Backend {
        calls: Arc::new(real_calls::AwsRealCalls::new(control.clone())),
        control,
        logs: logs::logs_source(&loaded.sdk),
        metrics: Arc::new(metrics::AwsMetrics::new(&loaded.sdk, info.clone())),
        credentials: Some(loaded.credentials),
        info,
    })
}

/// The SDK configuration `backend` uses, for other AWS clients (logs, Lambda).
pub async fn sdk_config(opts: &AwsOptions) -> aws_config::SdkConfig {
    config::load(opts).await.sdk
}
