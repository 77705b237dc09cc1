//! Triage data: CloudWatch metric queries and series, the top error causes of
//! a stage, a function's invocation health, and the health report that
//! `gatescope health` prints and the Health page draws. The JSON shapes are
//! the CLI's `--output json` contract.

use serde::{Deserialize, Serialize};

use super::{FindingCode, Protocol, finding::Finding};

/// A CloudWatch statistic (`MetricStat.Stat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Stat {
    Sum,
    Average,
    Maximum,
    SampleCount,
    P50,
    P90,
    P99,
}

impl Stat {
    /// The wire form (`Sum`, `p99`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stat::Sum => "Sum",
            Stat::Average => "Average",
            Stat::Maximum => "Maximum",
            Stat::SampleCount => "SampleCount",
            Stat::P50 => "p50",
            Stat::P90 => "p90",
            Stat::P99 => "p99",
        }
    }
}

/// One `MetricDataQuery` with a `MetricStat`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricQuery {
    /// Unique in one call; starts with a lower-case letter (CloudWatch's rule).
    pub id: String,
    pub namespace: String,
    pub metric: String,
    /// Name → value, in the order given.
    pub dimensions: Vec<(String, String)>,
    pub stat: Stat,
    pub period_s: u32,
}

impl MetricQuery {
    /// The value of one dimension.
    pub fn dimension(&self, name: &str) -> Option<&str> {
        self.dimensions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// `MetricDataResult.StatusCode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum SeriesStatus {
    #[default]
    Complete,
    PartialData,
    InternalError,
    Forbidden,
    Other,
}

/// The answer to one query: points sorted by time (epoch seconds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct MetricSeries {
    pub id: String,
    pub points: Vec<(i64, f64)>,
    pub status: SeriesStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The time window of a health run: `[start_s, end_s)` cut into periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Window {
    pub start_s: i64,
    pub end_s: i64,
    pub period_s: u32,
}

impl Window {
    /// The window of `since_s` seconds ending at `now_s`, with edges rounded
    /// down to whole periods (CloudWatch rounds them the same way).
    pub fn ending_at(now_s: i64, since_s: i64, period_s: u32) -> Window {
        let p = i64::from(period_s.max(60));
        let end = now_s.div_euclid(p) * p + p;
        let start = end - since_s.max(p).div_euclid(p) * p;
        Window {
            start_s: start,
            end_s: end,
            period_s: p as u32,
        }
    }

    /// How many periods the window holds.
    pub fn buckets(&self) -> usize {
        let p = i64::from(self.period_s.max(1));
        ((self.end_s - self.start_s).max(0) / p) as usize
    }

    /// The bucket of a timestamp, if inside the window.
    pub(crate) fn bucket_of(&self, t_s: i64) -> Option<usize> {
        if t_s < self.start_s || t_s >= self.end_s {
            return None;
        }
        Some(((t_s - self.start_s) / i64::from(self.period_s.max(1))) as usize)
    }
}

/// Per-period values of one measure (`None` = no datapoint in that period).
pub type Series = Vec<Option<f64>>;

/// Requests, errors and latency of one stage or route over the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Traffic {
    pub requests: Series,
    pub errors_4xx: Series,
    pub errors_5xx: Series,
    pub latency_p50: Series,
    pub latency_p99: Series,
    /// Window totals (sums of the series).
    pub total_requests: f64,
    pub total_4xx: f64,
    pub total_5xx: f64,
    /// The highest per-period p99 (percentiles of periods cannot be merged).
    pub worst_p99_ms: Option<f64>,
}

impl Traffic {
    /// 5xx / requests over the window (`None` without requests).
    pub fn rate_5xx(&self) -> Option<f64> {
        (self.total_requests > 0.0).then(|| self.total_5xx / self.total_requests)
    }
}

/// One route of a stage (route-level metrics need detailed metrics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RouteHealth {
    pub route_key: String,
    pub traffic: Traffic,
}

/// One row of the stage's top error causes (Logs Insights `stats count(*) by ...`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cause {
    pub count: u64,
    pub status: Option<u16>,
    pub route_key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// What the doctor concludes from these fields (`None`: nothing certain).
    pub code: Option<FindingCode>,
    /// The title of that finding, or why there is none.
    pub title: String,
}

/// Whether the top-causes query could run, and what it lacked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CausesInfo {
    /// The Insights query that ran (`None` when none could).
    pub query: Option<String>,
    /// `$context` variables the breakdown would use that the format lacks.
    pub missing_fields: Vec<String>,
    /// Why there are no causes (logging off, query failed...).
    pub note: Option<String>,
}

/// Lambda Powertools structured fields seen in the function's JSON lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PowertoolsFields {
    pub service: Option<String>,
    /// Lines with `cold_start: true` / all Powertools lines.
    pub cold_start_lines: usize,
    pub lines: usize,
    /// The last `correlation_id` / `xray_trace_id` seen.
    pub correlation_id: Option<String>,
    pub xray_trace_id: Option<String>,
}

/// What a function's REPORT (and timeout) lines say over the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct InvocationHealth {
    pub invocations: usize,
    pub cold_starts: usize,
    pub init_p50_ms: Option<f64>,
    pub init_p99_ms: Option<f64>,
    pub duration_p50_ms: Option<f64>,
    pub duration_p99_ms: Option<f64>,
    pub max_memory_used_mb: Option<u64>,
    pub memory_size_mb: Option<u64>,
    pub timeouts: usize,
    /// The function's own timeout, and the integration's, to compare p99 with.
    pub function_timeout_s: Option<f64>,
    pub integration_timeout_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub powertools: Option<PowertoolsFields>,
    /// The lines read were capped: figures cover the most recent ones.
    #[serde(default)]
    pub truncated: bool,
}

impl InvocationHealth {
    pub fn cold_start_share(&self) -> Option<f64> {
        (self.invocations > 0).then(|| self.cold_starts as f64 / self.invocations as f64)
    }
}

/// A Lambda function behind the stage's routes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FunctionHealth {
    pub function: String,
    /// Routes integrated with it.
    pub routes: Vec<String>,
    pub invocations: Series,
    pub errors: Series,
    pub throttles: Series,
    pub duration_p50: Series,
    pub duration_p99: Series,
    pub total_invocations: f64,
    pub total_errors: f64,
    pub total_throttles: f64,
    pub max_concurrency: Option<f64>,
    /// From the function's log lines (`None` when they could not be read).
    pub invocation: Option<InvocationHealth>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invocation_note: Option<String>,
}

/// One stage of one API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct StageHealth {
    pub stage: String,
    /// Route-level metrics exist (detailed metrics on for every route).
    pub detailed_metrics: bool,
    pub traffic: Traffic,
    /// Routes sorted by failure (most 5xx, then 4xx, then requests).
    pub routes: Vec<RouteHealth>,
    pub causes: Vec<Cause>,
    pub causes_info: CausesInfo,
    pub functions: Vec<FunctionHealth>,
    /// Lint findings of the triage (DETAILED_METRICS_OFF...).
    pub findings: Vec<Finding>,
}

/// One API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApiHealth {
    pub api_id: String,
    pub api_name: String,
    pub protocol: Protocol,
    pub stages: Vec<StageHealth>,
}

impl ApiHealth {
    pub fn total_5xx(&self) -> f64 {
        self.stages.iter().map(|s| s.traffic.total_5xx).sum()
    }

    pub fn total_requests(&self) -> f64 {
        self.stages.iter().map(|s| s.traffic.total_requests).sum()
    }
}

/// How many backend calls a health run made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HealthCalls {
    pub metric_queries: usize,
    pub get_metric_data: usize,
    pub insights_queries: usize,
    pub log_reads: usize,
}

/// The result of a health run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HealthReport {
    pub window: Option<Window>,
    /// APIs sorted by 5xx count (most first).
    pub apis: Vec<ApiHealth>,
    pub calls: HealthCalls,
    /// Sentences about what could not be read (a denied metric call...).
    pub notes: Vec<String>,
    /// What was asked for and could not be read (metric calls, the causes
    /// query, a function's log lines), one sentence each: `gatescope health`
    /// reports them like `apis` does and exits 1. Not in the JSON report
    /// (the notes say the same; the problems go to stderr).
    #[serde(skip)]
    pub problems: Vec<String>,
}
