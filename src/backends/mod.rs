//! I/O behind traits. The TUI and the CLI only see [`Backend`], so AWS and the
//! local demo gateway are interchangeable.

pub mod control_plane;
pub mod error;
pub mod log_source;
pub mod metric_source;
pub mod real_calls;

pub use control_plane::ControlPlane;
pub(crate) use error::BackendError;
pub use error::ErrorKind;
pub use log_source::LogSource;
pub use metric_source::MetricSource;
pub(crate) use real_calls::RealCalls;

use std::sync::Arc;

use aws_credential_types::provider::SharedCredentialsProvider;
use serde::Serialize;

/// Where gatescope is pointed, for the status line and for error messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BackendInfo {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Custom endpoint (e.g. moto, the demo gateway); `None` means AWS itself.
    pub endpoint: Option<String>,
    /// True when this is `gatescope demo`'s built-in gateway.
    pub demo: bool,
}

/// Everything gatescope talks to, bundled so views and commands can be handed one value.
#[derive(Clone)]
pub struct Backend {
    pub info: BackendInfo,
    pub control: Arc<dyn ControlPlane>,
    pub logs: Arc<dyn LogSource>,
    /// CloudWatch metrics (the demo derives them from its own traffic).
    pub metrics: Arc<dyn MetricSource>,
    /// Opt-in calls that make AWS run something (Lambda Invoke, TestInvoke*,
    /// GetUsage): only made when the user asks.
    pub calls: Arc<dyn RealCalls>,
    /// Credentials for SigV4 signing (`None` when none could be configured).
    pub credentials: Option<SharedCredentialsProvider>,
}

pub mod aws;
pub mod demo;
pub mod http;
pub mod store;
