//! Log access: CloudWatch Logs on AWS, the local log store in the demo.

use std::collections::BTreeMap;
use std::pin::Pin;

use async_trait::async_trait;
use futures::Stream;
use serde::{Deserialize, Serialize};

use super::BackendError;
use crate::domain::RawLogEvent;

/// One `FilterLogEvents` call on one log group.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FilterRequest {
    pub log_group: String,
    /// Epoch ms, inclusive.
    pub start_ms: i64,
    /// Epoch ms, inclusive; `None` = now.
    pub end_ms: Option<i64>,
    pub filter_pattern: Option<String>,
    pub next_token: Option<String>,
    pub limit: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct FilterPage {
    pub events: Vec<RawLogEvent>,
    pub next_token: Option<String>,
}

/// One Logs Insights `StartQuery`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueryRequest {
    pub log_groups: Vec<String>,
    pub query: String,
    /// Epoch seconds.
    pub start_s: i64,
    /// Epoch seconds.
    pub end_s: i64,
    pub limit: Option<i32>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum QueryStatus {
    Scheduled,
    Running,
    Complete,
    Failed,
    Cancelled,
    Timeout,
    Unknown,
}

impl QueryStatus {
    pub(crate) fn is_terminal(self) -> bool {
        !matches!(self, QueryStatus::Scheduled | QueryStatus::Running)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryStats {
    pub records_matched: f64,
    pub records_scanned: f64,
    pub bytes_scanned: f64,
}

pub use crate::domain::QueryRow;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QueryResults {
    pub status: QueryStatus,
    pub stats: QueryStats,
    pub rows: Vec<QueryRow>,
}

/// Batches of events pushed by a live tail session, until it ends.
pub(crate) type LiveTailStream =
    Pin<Box<dyn Stream<Item = Result<Vec<RawLogEvent>, BackendError>> + Send>>;

#[async_trait]
pub trait LogSource: Send + Sync {
    /// One page of `FilterLogEvents`.
    async fn filter_events(&self, req: FilterRequest) -> Result<FilterPage, BackendError>;

    /// Start a Logs Insights query; returns the query id.
    async fn start_query(&self, req: QueryRequest) -> Result<String, BackendError>;

    async fn query_results(&self, query_id: &str) -> Result<QueryResults, BackendError>;

    async fn stop_query(&self, query_id: &str) -> Result<(), BackendError>;

    /// `GetLogRecord` for an `@ptr` value: the whole record when an
    /// Insights row holds only some fields. Sources without it say so.
    async fn get_log_record(&self, ptr: &str) -> Result<BTreeMap<String, String>, BackendError> {
        let _ = ptr;
        Err(BackendError::unsupported(
            "GetLogRecord (the full record behind an Insights row's @ptr)",
        ))
    }

    /// Push-based tail of several groups. `Err` with `ErrorKind::Unsupported`
    /// tells the caller to fall back to polling `filter_events`.
    async fn live_tail(
        &self,
        log_groups: &[String],
        filter_pattern: Option<String>,
    ) -> Result<LiveTailStream, BackendError>;

    /// The log group a Lambda function writes to (`/aws/lambda/<name>` unless
    /// its LoggingConfig names another).
    async fn lambda_log_group(&self, function_arn: &str) -> Result<String, BackendError>;
}
