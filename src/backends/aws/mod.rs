//! AWS: SDK clients behind the backend traits.

// CloudWatch Logs + Lambda log groups (owned by the logs work).
pub mod logs;
mod logs_error;

use super::{Backend, BackendError, ErrorKind};

/// Global connection options (`--profile`, `--region`, `--endpoint-url`).
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Also read from `AWS_ENDPOINT_URL` by the caller.
    pub endpoint_url: Option<String>,
}

/// Build the AWS backend from the standard credential chain.
pub async fn backend(_opts: &AwsOptions) -> Result<Backend, BackendError> {
    Err(BackendError::new(
        ErrorKind::Unsupported,
        "the AWS backend is not built yet",
    ))
}
