//! Loading the SDK configuration without ever blocking on the network.
//!
//! aws-config's default chains end with the EC2 instance metadata service
//! (IMDS). On a laptop IMDS does not answer, and the default region chain
//! would wait for its timeouts before the first frame could be drawn. So the
//! region is resolved from flags, the environment and the profile files only
//! (IMDS is consulted only when the machine looks like it runs on AWS
//! compute), and credentials stay lazy: they are resolved by the SDK on the
//! first request, never here.

use std::path::Path;
use std::time::Duration;

use aws_config::default_provider::credentials::DefaultCredentialsChain;
use aws_config::ecs::EcsCredentialsProvider;
use aws_config::environment::{
    EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider,
};
use aws_config::imds::region::ImdsRegionProvider;
use aws_config::meta::credentials::CredentialsProviderChain;
use aws_config::meta::region::RegionProviderChain;
use aws_config::profile::{ProfileFileCredentialsProvider, ProfileFileRegionProvider};
use aws_config::provider_config::ProviderConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::web_identity_token::WebIdentityTokenCredentialsProvider;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;

use super::AwsOptions;

/// The resolved configuration plus what the status line shows.
pub struct LoadedConfig {
    pub sdk: SdkConfig,
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint: Option<String>,
    pub credentials: SharedCredentialsProvider,
}

/// True when the machine looks like AWS compute, where IMDS (or the ECS
/// metadata endpoint) is the legitimate source of region and credentials.
pub(crate) fn looks_like_aws_compute() -> bool {
    let env = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
    if env("AWS_EC2_METADATA_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
        return false;
    }
    if env("AWS_EXECUTION_ENV").is_some()
        || env("ECS_CONTAINER_METADATA_URI_V4").is_some()
        || env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").is_some()
    {
        return true;
    }
    // Nitro and Xen EC2 instances identify themselves in DMI / the hypervisor uuid.
    let read = |p: &str| std::fs::read_to_string(Path::new(p)).unwrap_or_default();
    read("/sys/devices/virtual/dmi/id/board_vendor").contains("Amazon EC2")
        || read("/sys/devices/virtual/dmi/id/sys_vendor").contains("Amazon EC2")
        || read("/sys/hypervisor/uuid")
            .to_ascii_lowercase()
            .starts_with("ec2")
}

/// Resolve the region: `--region`, then `AWS_REGION`/`AWS_DEFAULT_REGION`,
/// then the profile; IMDS only on AWS compute. Reads local files only.
async fn resolve_region(opts: &AwsOptions, on_aws: bool) -> Option<Region> {
    if let Some(r) = opts.region.as_deref().filter(|r| !r.is_empty()) {
        return Some(Region::new(r.to_string()));
    }
    let mut profile = ProfileFileRegionProvider::builder();
    if let Some(p) = &opts.profile {
        profile = profile.profile_name(p);
    }
    let chain = RegionProviderChain::first_try(EnvironmentVariableRegionProvider::new())
        .or_else(profile.build());
    if let Some(r) = chain.region().await {
        return Some(r);
    }
    if on_aws {
        return ImdsRegionProvider::builder().build().region().await;
    }
    None
}

/// The standard credential chain (environment, profile with SSO /
/// credential_process / assume-role, web identity, ECS), with IMDS appended
/// only on AWS compute. Nothing is resolved here.
async fn credentials_chain(
    opts: &AwsOptions,
    region: Option<Region>,
    on_aws: bool,
) -> SharedCredentialsProvider {
    if on_aws {
        let mut b = DefaultCredentialsChain::builder();
        if let Some(p) = &opts.profile {
            b = b.profile_name(p);
        }
        b.set_region(region);
        return SharedCredentialsProvider::new(b.build().await);
    }
    let conf = ProviderConfig::default().with_region(region);
    let mut profile = ProfileFileCredentialsProvider::builder().configure(&conf);
    if let Some(p) = &opts.profile {
        profile = profile.profile_name(p);
    }
    let chain = CredentialsProviderChain::first_try(
        "Environment",
        EnvironmentVariableCredentialsProvider::new(),
    )
    .or_else("Profile", profile.build())
    .or_else(
        "WebIdentityToken",
        WebIdentityTokenCredentialsProvider::builder()
            .configure(&conf)
            .build(),
    )
    .or_else(
        "EcsContainer",
        EcsCredentialsProvider::builder().configure(&conf).build(),
    );
    SharedCredentialsProvider::new(chain)
}

/// How long one attempt of an AWS call may take by default. A timed-out
/// call is retried once, so a frozen endpoint costs about twice this.
pub(crate) const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// `GATESCOPE_AWS_TIMEOUT` (seconds, fractions allowed), when it is a
/// positive number of at most 300; the CLI checks the same variable with a
/// one-line error before it gets here (the `--aws-timeout` flag).
fn call_timeout_from_env() -> Option<Duration> {
    let v: f64 = std::env::var("GATESCOPE_AWS_TIMEOUT")
        .ok()?
        .trim()
        .parse()
        .ok()?;
    (v.is_finite() && v > 0.0 && v <= 300.0).then(|| Duration::from_secs_f64(v))
}

/// Build the SDK configuration. Never performs a network call.
pub async fn load(opts: &AwsOptions) -> LoadedConfig {
    let on_aws = looks_like_aws_compute();
    let region = resolve_region(opts, on_aws).await;
    let credentials = credentials_chain(opts, region.clone(), on_aws).await;
    let endpoint = opts
        .endpoint_url
        .clone()
        .filter(|e| !e.is_empty())
        .or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|e| !e.is_empty())
        });
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .region(region.clone())
        .credentials_provider(credentials.clone())
        // A dead endpoint should fail in seconds, not hang the view.
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(
                    opts.call_timeout
                        .or_else(call_timeout_from_env)
                        .unwrap_or(DEFAULT_CALL_TIMEOUT),
                )
                .build(),
        );
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(e) = &endpoint {
        loader = loader.endpoint_url(e);
    }
    let sdk = loader.load().await;
    LoadedConfig {
        sdk,
        region: region.map(|r| r.to_string()),
        profile: opts
            .profile
            .clone()
            .or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty())),
        endpoint,
        credentials,
    }
}
