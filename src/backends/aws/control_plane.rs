//! The AWS control plane: apigatewayv2 (HTTP / WebSocket APIs) and apigateway
//! (REST APIs) behind one [`ControlPlane`].
//!
//! Both services are listed side by side; when one of them fails (say REST is
//! denied) the other's APIs are still returned, with the failure reported as a
//! listing problem.

use async_trait::async_trait;
use std::future::Future;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::{Call, HasStatus, classify, no_region};
use super::retry::{RetryPolicy, with_retry};
use super::{http_apis, lambda, rest_apis};
use crate::backends::{BackendError, BackendInfo, ControlPlane};
use crate::domain::{Api, FunctionConfig, Protocol};

pub struct AwsControlPlane {
    pub(super) v2: aws_sdk_apigatewayv2::Client,
    pub(super) rest: aws_sdk_apigateway::Client,
    /// For the functions' own configuration (the doctor's timeout lint).
    pub(super) lambda: aws_sdk_lambda::Client,
    pub(super) info: BackendInfo,
    pub(super) retry: RetryPolicy,
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
        AwsControlPlane {
            v2: aws_sdk_apigatewayv2::Client::from_conf(v2),
            rest: aws_sdk_apigateway::Client::from_conf(rest),
            lambda: aws_sdk_lambda::Client::from_conf(lambda),
            info,
            retry: RetryPolicy::default(),
        }
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

    /// One SDK call with throttling retries and a human error.
    pub(super) async fn call<T, E, R, F, Fut>(&self, call: Call, f: F) -> Result<T, BackendError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        with_retry(&self.retry, &call, f)
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
}
