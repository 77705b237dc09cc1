//! The demo's CloudWatch metrics, derived from its own logs the way API
//! Gateway and Lambda would have published them: `Count`/`4xx`/`5xx`/
//! `Latency` (and the REST names) from each stage's access-log lines,
//! `Invocations`/`Errors`/`Duration` from each function's REPORT and error
//! lines. Any [`LogSource`] will do, so a demo attached to from another
//! process answers the same numbers. Metrics the demo has no data for
//! (`Throttles`, `ConcurrentExecutions`) come back as empty series.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

use async_trait::async_trait;

use crate::backends::log_source::FilterRequest;
use crate::backends::metric_source::{MetricSource, check_batch};
use crate::backends::{BackendError, ErrorKind, LogSource};
use crate::domain::health::{MetricQuery, MetricSeries, SeriesStatus, Stat};
use crate::domain::{AccessLogRecord, Api, LambdaLineKind, Protocol, RawLogEvent};
use crate::engines::access_log::AccessLogFormat;
use crate::engines::health::plan::stage_dims;
use crate::engines::health::series::percentile;
use crate::engines::lambda_log::parse_event;

/// Pages read per log group and call (the store keeps 20,000 events a group).
const MAX_PAGES: usize = 40;

pub(crate) struct DemoMetrics {
    apis: Vec<Api>,
    logs: Arc<dyn LogSource>,
}

impl DemoMetrics {
    pub fn new(apis: Vec<Api>, logs: Arc<dyn LogSource>) -> DemoMetrics {
        DemoMetrics { apis, logs }
    }

    async fn events(
        &self,
        group: &str,
        start_s: i64,
        end_s: i64,
    ) -> Result<Vec<RawLogEvent>, BackendError> {
        let mut out = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .logs
                .filter_events(FilterRequest {
                    log_group: group.to_string(),
                    start_ms: start_s * 1000,
                    end_ms: Some(end_s * 1000 - 1),
                    next_token: token,
                    ..Default::default()
                })
                .await;
            let page = match page {
                Ok(p) => p,
                // A group nothing wrote to yet has no metrics either.
                Err(e) if e.kind == ErrorKind::NotFound => return Ok(out),
                Err(e) => return Err(e),
            };
            out.extend(page.events);
            token = page.next_token;
            if token.is_none() {
                break;
            }
        }
        Ok(out)
    }

    /// The API and stage a gateway query's dimensions name.
    fn stage_of(&self, q: &MetricQuery) -> Option<(&Api, &crate::domain::Stage)> {
        let stage = q.dimension("Stage")?;
        self.apis.iter().find_map(|a| {
            let s = a.stage(stage)?;
            (stage_dims(a, s)[0].1 == q.dimension(&stage_dims(a, s)[0].0)?).then_some((a, s))
        })
    }
}

/// Samples of one query, bucketed by period start.
type Buckets = BTreeMap<i64, Vec<f64>>;

fn bucket(t_ms: i64, start_s: i64, period: i64) -> i64 {
    let t = t_ms.div_euclid(1000);
    start_s + (t - start_s).div_euclid(period) * period
}

fn reduce(b: Buckets, stat: Stat, id: &str) -> MetricSeries {
    let points = b
        .into_iter()
        .filter_map(|(t, v)| {
            let value = match stat {
                Stat::Sum => v.iter().sum(),
                Stat::SampleCount => v.len() as f64,
                Stat::Average => v.iter().sum::<f64>() / v.len().max(1) as f64,
                Stat::Maximum => v.iter().copied().reduce(f64::max)?,
                Stat::P50 => percentile(&v, 50.0)?,
                Stat::P90 => percentile(&v, 90.0)?,
                Stat::P99 => percentile(&v, 99.0)?,
            };
            Some((t, value))
        })
        .collect();
    MetricSeries {
        id: id.to_string(),
        points,
        status: SeriesStatus::Complete,
        message: None,
    }
}

/// The sample an access record gives a gateway metric (`None`: not counted).
fn gateway_sample(metric: &str, rec: &AccessLogRecord) -> Option<f64> {
    let status = rec.status?;
    match metric {
        "Count" | "MessageCount" => Some(1.0),
        "4xx" | "4XXError" | "ClientError" => {
            Some(f64::from(u8::from((400..500).contains(&status))))
        }
        "5xx" | "5XXError" | "IntegrationError" => Some(f64::from(u8::from(status >= 500))),
        "Latency" => rec.latency_ms,
        "IntegrationLatency" => rec.integration_latency_ms,
        _ => None,
    }
}

fn route_matches(api: &Api, q: &MetricQuery, rec: &AccessLogRecord) -> bool {
    let key = rec.route_key.as_deref();
    match api.protocol() {
        Protocol::Rest => match (q.dimension("Method"), q.dimension("Resource")) {
            (Some(m), Some(r)) => key == Some(format!("{m} {r}").as_str()),
            _ => true,
        },
        _ => q.dimension("Route").is_none_or(|r| key == Some(r)),
    }
}

#[async_trait]
impl MetricSource for DemoMetrics {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_s: i64,
        end_s: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        check_batch(queries)?;
        // Each log group is read and parsed once per call.
        let mut access: HashMap<String, Vec<AccessLogRecord>> = HashMap::new();
        let mut lambda: HashMap<String, Vec<RawLogEvent>> = HashMap::new();
        let groups: BTreeSet<(String, Option<String>)> = queries
            .iter()
            .filter_map(|q| match q.namespace.as_str() {
                "AWS/ApiGateway" => {
                    let (_, s) = self.stage_of(q)?;
                    let a = s.access_log_settings.as_ref()?;
                    Some((a.log_group_name()?, a.format.clone()))
                }
                _ => None,
            })
            .collect();
        for (group, format) in groups {
            let f = AccessLogFormat::new(format.as_deref().unwrap_or_default());
            let recs = self
                .events(&group, start_s, end_s)
                .await?
                .iter()
                .map(|e| f.parse_event(e))
                .collect();
            access.insert(group, recs);
        }
        let mut out = Vec::with_capacity(queries.len());
        for q in queries {
            let period = i64::from(q.period_s.max(60));
            let mut b = Buckets::new();
            match q.namespace.as_str() {
                "AWS/ApiGateway" => {
                    if let Some((api, s)) = self.stage_of(q)
                        && let Some(g) = s
                            .access_log_settings
                            .as_ref()
                            .and_then(|a| a.log_group_name())
                    {
                        for rec in access.get(&g).into_iter().flatten() {
                            if !route_matches(api, q, rec) {
                                continue;
                            }
                            if let Some(v) = gateway_sample(&q.metric, rec) {
                                b.entry(bucket(rec.timestamp_ms, start_s, period))
                                    .or_default()
                                    .push(v);
                            }
                        }
                    }
                }
                "AWS/Lambda" => {
                    if let Some(name) = q.dimension("FunctionName") {
                        if !lambda.contains_key(name) {
                            let group = self.logs.lambda_log_group(name).await?;
                            lambda.insert(
                                name.to_string(),
                                self.events(&group, start_s, end_s).await?,
                            );
                        }
                        lambda_samples(&q.metric, &lambda[name], start_s, period, &mut b);
                    }
                }
                _ => {}
            }
            out.push(reduce(b, q.stat, &q.id));
        }
        Ok(out)
    }
}

/// Lambda's own metrics from its lines: a REPORT is an invocation, an
/// invocation with an `ERROR` line or a timeout is an error.
fn lambda_samples(
    metric: &str,
    events: &[RawLogEvent],
    start_s: i64,
    period: i64,
    b: &mut Buckets,
) {
    let mut failed: BTreeSet<String> = BTreeSet::new();
    for ev in events {
        let line = parse_event(ev);
        let id = line.request_id.as_deref().unwrap_or_default().to_string();
        let failed_line = match &line.kind {
            LambdaLineKind::Timeout { .. } => true,
            LambdaLineKind::Log { level: Some(l) } => l == "ERROR",
            _ => false,
        };
        if failed_line {
            failed.insert(id);
        }
    }
    for ev in events {
        let line = parse_event(ev);
        let LambdaLineKind::Report(r) = &line.kind else {
            continue;
        };
        let id = line.request_id.as_deref().unwrap_or_default();
        let v = match metric {
            "Invocations" => Some(1.0),
            "Errors" => {
                let bad_status = r.status.as_deref().is_some_and(|s| s != "success");
                Some(f64::from(u8::from(failed.contains(id) || bad_status)))
            }
            "Duration" => r.duration_ms,
            _ => None,
        };
        if let Some(v) = v {
            b.entry(bucket(ev.timestamp_ms, start_s, period))
                .or_default()
                .push(v);
        }
    }
}
