//! [`MetricSource`] on AWS: CloudWatch `GetMetricData`, paced by a limiter of
//! its own (CloudWatch allows 50 GetMetricData calls a second, not API
//! Gateway's 10) with the control plane's throttling retries.

use std::sync::Arc;

use async_trait::async_trait;
use aws_sdk_cloudwatch as cw;
use aws_smithy_types::DateTime;
use cw::types::{Dimension, Metric, MetricDataQuery, MetricStat, StatusCode};

use super::errors::{Call, ErrorFacts, classify};
use super::rate_limit::SharedLimiter;
use super::retry::{RetryPolicy, with_retry};
use crate::backends::metric_source::{MetricSource, check_batch};
use crate::backends::{BackendError, BackendInfo};
use crate::domain::health::{MetricQuery, MetricSeries, SeriesStatus};
use crate::engines::rate_limit::Limits;

/// GetMetricData's documented quota: 50 transactions a second.
pub(crate) const CLOUDWATCH_LIMITS: Limits = Limits {
    rate: 50.0,
    burst: 50.0,
    get_resources_rate: 50.0,
    get_resources_burst: 50.0,
    min_fraction: 0.1,
    headroom: 5.0,
};

pub struct AwsMetrics {
    client: cw::Client,
    info: BackendInfo,
    retry: RetryPolicy,
    limiter: Arc<SharedLimiter>,
}

impl AwsMetrics {
    /// A client with the SDK's retries off ([`with_retry`] does them, see there).
    pub fn new(sdk: &aws_config::SdkConfig, info: BackendInfo) -> AwsMetrics {
        let conf = cw::config::Builder::from(sdk)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        AwsMetrics {
            client: cw::Client::from_conf(conf),
            info,
            retry: RetryPolicy::default(),
            limiter: SharedLimiter::new(CLOUDWATCH_LIMITS),
        }
    }

    /// Override the retry policy (tests use short delays).
    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    fn query(q: &MetricQuery) -> MetricDataQuery {
        let dims = q
            .dimensions
            .iter()
            .map(|(n, v)| Dimension::builder().name(n).value(v).build())
            .collect();
        let metric = Metric::builder()
            .namespace(&q.namespace)
            .metric_name(&q.metric)
            .set_dimensions(Some(dims))
            .build();
        let stat = MetricStat::builder()
            .metric(metric)
            .period(q.period_s as i32)
            .stat(q.stat.as_str())
            .build();
        MetricDataQuery::builder()
            .id(&q.id)
            .metric_stat(stat)
            .return_data(true)
            .build()
    }
}

fn status_of(s: Option<&StatusCode>) -> SeriesStatus {
    match s {
        Some(StatusCode::Complete) | None => SeriesStatus::Complete,
        Some(StatusCode::PartialData) => SeriesStatus::PartialData,
        Some(StatusCode::InternalError) => SeriesStatus::InternalError,
        Some(StatusCode::Forbidden) => SeriesStatus::Forbidden,
        Some(_) => SeriesStatus::Other,
    }
}

#[async_trait]
impl MetricSource for AwsMetrics {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_s: i64,
        end_s: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        check_batch(queries)?;
        let sdk_queries: Vec<MetricDataQuery> = queries.iter().map(Self::query).collect();
        let mut out: Vec<MetricSeries> = Vec::new();
        let mut token: Option<String> = None;
        let call = Call::new("GetMetricData", format!("{} metric queries", queries.len()));
        // Pages split the datapoints of the same queries: merge them by id.
        for _page in 0..100 {
            let limiter = &self.limiter;
            let client = &self.client;
            let qs = &sdk_queries;
            let tok = token.clone();
            let attempt = || {
                let req = client
                    .get_metric_data()
                    .set_metric_data_queries(Some(qs.clone()))
                    .start_time(DateTime::from_secs(start_s))
                    .end_time(DateTime::from_secs(end_s))
                    .scan_by(cw::types::ScanBy::TimestampAscending)
                    .set_next_token(tok.clone());
                async move {
                    limiter.acquire("GetMetricData").await;
                    let r = req.send().await;
                    match &r {
                        Ok(_) => limiter.on_success("GetMetricData"),
                        Err(e) if ErrorFacts::from_sdk(e).is_throttling() => {
                            limiter.on_throttled("GetMetricData")
                        }
                        Err(_) => {}
                    }
                    r
                }
            };
            let resp = with_retry(&self.retry, &call, attempt)
                .await
                .map_err(|facts| classify(&call, &facts, &self.info))?;
            for r in resp.metric_data_results() {
                let id = r.id().unwrap_or_default().to_string();
                let points: Vec<(i64, f64)> = r
                    .timestamps()
                    .iter()
                    .zip(r.values())
                    .map(|(t, v)| (t.secs(), *v))
                    .collect();
                let message = r
                    .messages()
                    .iter()
                    .filter_map(|m| m.value())
                    .collect::<Vec<_>>()
                    .join("; ");
                let status = status_of(r.status_code());
                match out.iter_mut().find(|s| s.id == id) {
                    Some(s) => {
                        s.points.extend(points);
                        // Earlier pages say `PartialData` (more to come); the
                        // last page's status is the query's. A failure on
                        // any page stays.
                        if !matches!(
                            s.status,
                            SeriesStatus::InternalError | SeriesStatus::Forbidden
                        ) {
                            s.status = status;
                        }
                        if !message.is_empty() {
                            s.message = Some(message);
                        }
                    }
                    None => out.push(MetricSeries {
                        id,
                        points,
                        status,
                        message: (!message.is_empty()).then_some(message),
                    }),
                }
            }
            token = resp.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        for s in &mut out {
            s.points.sort_by_key(|(t, _)| *t);
        }
        Ok(out)
    }
}
