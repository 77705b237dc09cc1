//! Metrics: CloudWatch `GetMetricData` on AWS, the demo's own traffic in the
//! demo. One call takes at most [`MAX_QUERIES_PER_CALL`] queries; callers
//! batch (the plan does) and the source follows `NextToken` to the end.

use async_trait::async_trait;

use super::BackendError;
use crate::domain::health::{MetricQuery, MetricSeries};
pub use crate::engines::health::plan::MAX_QUERIES_PER_CALL;

#[async_trait]
pub trait MetricSource: Send + Sync {
    /// One `GetMetricData` call (all its pages) for up to 500 queries over
    /// `[start_s, end_s)`. One series per query, in any order.
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_s: i64,
        end_s: i64,
    ) -> Result<Vec<MetricSeries>, BackendError>;
}

/// A source for backends without metrics: every call says so.
pub struct NoMetrics;

#[async_trait]
impl MetricSource for NoMetrics {
    async fn get_metric_data(
        &self,
        _queries: &[MetricQuery],
        _start_s: i64,
        _end_s: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        Err(BackendError::unsupported("GetMetricData"))
    }
}
