//! Hook for the CloudWatch Logs source.
//!
//! PLACEHOLDER owned by the `logs` helper: replace this file (keep the
//! signature of [`logs_source`]) with the real `LogSource` over
//! aws-sdk-cloudwatchlogs. Until then every call says "not supported".

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use aws_config::SdkConfig;

use crate::backends::BackendError;
use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, LogSource, QueryRequest, QueryResults,
};

/// The log source the AWS backend hands out. Called once per backend with the
/// same `SdkConfig` as the control plane (region, endpoint, credentials).
pub fn logs_source(_sdk: &SdkConfig) -> Arc<dyn LogSource> {
    Arc::new(NotYetLogs)
}

struct NotYetLogs;

#[async_trait]
impl LogSource for NotYetLogs {
    async fn filter_events(&self, _req: FilterRequest) -> Result<FilterPage, BackendError> {
        Err(BackendError::unsupported("reading CloudWatch logs"))
    }
    async fn start_query(&self, _req: QueryRequest) -> Result<String, BackendError> {
        Err(BackendError::unsupported("Logs Insights"))
    }
    async fn query_results(&self, _id: &str) -> Result<QueryResults, BackendError> {
        Err(BackendError::unsupported("Logs Insights"))
    }
    async fn stop_query(&self, _id: &str) -> Result<(), BackendError> {
        Err(BackendError::unsupported("Logs Insights"))
    }
    async fn get_log_record(&self, _ptr: &str) -> Result<BTreeMap<String, String>, BackendError> {
        Err(BackendError::unsupported("GetLogRecord"))
    }
    async fn live_tail(
        &self,
        _groups: &[String],
        _filter: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        Err(BackendError::unsupported("live tail"))
    }
    async fn lambda_log_group(&self, _arn: &str) -> Result<String, BackendError> {
        Err(BackendError::unsupported("Lambda log groups"))
    }
}
