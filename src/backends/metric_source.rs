//! Metrics: CloudWatch `GetMetricData` on AWS, the demo's own traffic in the
//! demo. One call takes at most [`MAX_QUERIES_PER_CALL`] queries; callers
//! batch (the plan does) and the source follows `NextToken` to the end.

use async_trait::async_trait;

use super::{BackendError, ErrorKind};
use crate::domain::health::{MetricQuery, MetricSeries};
pub use crate::engines::health::plan::MAX_QUERIES_PER_CALL;

/// Every source refuses a batch over the limit the same way (the plan never
/// builds one; this catches a caller that skipped it).
pub(crate) fn check_batch(queries: &[MetricQuery]) -> Result<(), BackendError> {
    if queries.len() > MAX_QUERIES_PER_CALL {
        return Err(BackendError::new(
            ErrorKind::Other,
            format!(
                "{} metric queries in one GetMetricData call (at most {MAX_QUERIES_PER_CALL})",
                queries.len()
            ),
        ));
    }
    Ok(())
}

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
#[cfg(test)]
pub(crate) struct NoMetrics;

#[cfg(test)]
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
