//! AWS SDK configuration for tests: pointed at a local endpoint (moto or a
//! fake server) with dummy static credentials, built in-process so no test
//! mutates the environment.

use std::sync::Arc;
use std::time::Duration;

use gatescope::backends::aws::AwsControlPlane;
use gatescope::backends::aws::retry::RetryPolicy;
use gatescope::backends::{BackendInfo, ControlPlane};

/// An SDK configuration for `url` in us-east-1. `sdk_retries: false` turns
/// the SDK's own retries off, for tests of gatescope's backoff.
pub async fn sdk_config(url: &str, sdk_retries: bool) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "test",
        ));
    if !sdk_retries {
        loader = loader.retry_config(aws_config::retry::RetryConfig::disabled());
    }
    loader.load().await
}

/// What the backend reports about itself when pointed at `url`.
pub fn backend_info(url: &str) -> BackendInfo {
    BackendInfo {
        region: Some("us-east-1".into()),
        endpoint: Some(url.into()),
        ..BackendInfo::default()
    }
}

/// The AWS control plane against `url`, with `retry` (None: the default policy).
pub async fn control_plane(url: &str, retry: Option<RetryPolicy>) -> AwsControlPlane {
    let cp = AwsControlPlane::new(&sdk_config(url, true).await, backend_info(url));
    match retry {
        Some(r) => cp.with_retry_policy(r),
        None => cp,
    }
}

/// Like [`control_plane`], shared behind the trait as the loader wants it.
pub async fn shared_control_plane(url: &str, retry: Option<RetryPolicy>) -> Arc<dyn ControlPlane> {
    Arc::new(control_plane(url, retry).await)
}

/// A retry policy with millisecond pauses, so throttling tests run fast.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        base_delay: Duration::from_millis(2),
        max_delay: Duration::from_millis(20),
    }
}
