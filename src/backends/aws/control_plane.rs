//! The AWS control plane: apigatewayv2 (HTTP / WebSocket APIs) and apigateway
//! (REST APIs) behind one [`ControlPlane`].
//!
//! Both services are listed side by side; when one of them fails (say REST is
//! denied) the other's APIs are still returned, with the failure reported as a
//! listing problem.

use async_trait::async_trait;
use std::future::Future;
use std::sync::Arc;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::{Call, ErrorFacts, HasStatus, classify, no_region};
use super::rate_limit::{self, SharedLimiter};
use super::retry::{RetryPolicy, with_retry};
use super::{account, http_apis, lambda, rest_apis};
use crate::backends::{BackendError, BackendInfo, ControlPlane};
use crate::domain::{AccountResources, Api, FunctionConfig, Protocol};
use crate::engines::rate_limit::Limits;

pub struct AwsControlPlane {
    pub(super) v2: aws_sdk_apigatewayv2::Client,
    pub(super) rest: aws_sdk_apigateway::Client,
    /// For the functions' own configuration (the doctor's timeout lint).
    pub(super) lambda: aws_sdk_lambda::Client,
    pub(super) info: BackendInfo,
    pub(super) retry: RetryPolicy,
    /// API Gateway's account-level budget; `None` against a custom endpoint
    /// (moto, a local emulator), which has no such limits.
    limiter: Option<Arc<SharedLimiter>>,
}

impl AwsControlPlane {
    /// Clients with the SDK's retries off: [`with_retry`] does it (see there why).
    pub fn new(sdk: &aws_config::SdkConfig, info: BackendInfo) -> Self {
        let no_retry = aws_config::retry::RetryConfig::disabled();
        let v2 = aws_sdk_apigatewayv2::config::Builder::from(sdk)
            .retry_config(no_retry.clone())
            .build();
        let rest = aws_sdk_apigateway::config::Builder::from(sdk)
            .retry_config(no_retry.clone())
            .build();
        let lambda = aws_sdk_lambda::config::Builder::from(sdk)
            .retry_config(no_retry)
            .build();
        let limiter = info
            .endpoint
            .is_none()
            .then(|| rate_limit::for_account(info.profile.as_deref(), info.region.as_deref()));
        AwsControlPlane {
            v2: aws_sdk_apigatewayv2::Client::from_conf(v2),
            rest: aws_sdk_apigateway::Client::from_conf(rest),
            lambda: aws_sdk_lambda::Client::from_conf(lambda),
            info,
            retry: RetryPolicy::default(),
            limiter,
        }
    }

    /// Pace API Gateway calls with a limiter of their own shaped by `limits`
    /// (tests and the benchmark point a fake server enforcing them at this).
    pub fn with_rate_limits(mut self, limits: Limits) -> Self {
        self.limiter = Some(SharedLimiter::new(limits));
        self
    }

    /// The limiter pacing this control plane's calls, if any.
    pub fn rate_limiter(&self) -> Option<Arc<SharedLimiter>> {
        self.limiter.clone()
    }

    /// Override the retry policy (tests use short delays).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The region for URLs and messages; its absence is a configuration error
    /// reported before any call is attempted.
    pub(super) fn region(&self) -> Result<&str, BackendError> {
        self.info.region.as_deref().ok_or_else(no_region)
    }

    /// One SDK call, paced by the account's limiter (each attempt takes a
    /// slot and reports whether it was throttled), with throttling retries
    /// and a human error.
    pub(super) async fn call<T, E, R, F, Fut>(
        &self,
        call: Call,
        mut f: F,
    ) -> Result<T, BackendError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        let op = call.operation;
        let limiter = self.limiter.as_deref();
        let paced = || {
            // SDK futures do nothing until polled: the request starts after the slot.
            let attempt = f();
            async move {
                let Some(limiter) = limiter else {
                    return attempt.await;
                };
                limiter.acquire(op).await;
                let result = attempt.await;
                match &result {
                    Ok(_) => limiter.on_success(op),
                    Err(e) if ErrorFacts::from_sdk(e).is_throttling() => limiter.on_throttled(op),
                    Err(_) => {}
                }
                result
            }
        };
        with_retry(&self.retry, &call, paced)
            .await
            .map_err(|facts| classify(&call, &facts, &self.info))
    }
}

#[async_trait]
impl ControlPlane for AwsControlPlane {
    async fn list_apis(&self) -> Result<Vec<Api>, BackendError> {
        let (apis, problems) = self.list_apis_partial().await?;
        if let Some(p) = problems.first() {
            tracing::warn!("listing APIs was incomplete: {p}");
        }
        Ok(apis)
    }

    async fn list_apis_partial(&self) -> Result<(Vec<Api>, Vec<String>), BackendError> {
        self.region()?;
        let (http, rest) =
            futures::join!(http_apis::list_apis(self), rest_apis::list_rest_apis(self));
        match (http, rest) {
            (Ok(mut a), Ok(b)) => {
                a.extend(b);
                Ok((a, Vec::new()))
            }
            (Ok(a), Err(e)) => Ok((a, vec![format!("REST APIs are missing: {e}")])),
            (Err(e), Ok(b)) => Ok((b, vec![format!("HTTP and WebSocket APIs are missing: {e}")])),
            // Both failed: almost always the same cause (credentials, network).
            (Err(e), Err(_)) => Err(e),
        }
    }

    async fn load_details(&self, api: Api) -> Result<Api, BackendError> {
        self.region()?;
        match api.protocol() {
            Protocol::Rest => rest_apis::load_details(self, api).await,
            Protocol::Http | Protocol::Websocket => http_apis::load_details(self, api).await,
        }
    }

    async fn function_configs(&self, functions: &[String]) -> Vec<FunctionConfig> {
        lambda::function_configs(self, functions).await
    }

    async fn account_resources(&self) -> AccountResources {
        if let Err(e) = self.region() {
            let why = Some(e.to_string());
            return AccountResources {
                usage_plans_problem: why.clone(),
                domains_problem: why,
                ..AccountResources::default()
            };
        }
        account::account_resources(self).await
    }
}
