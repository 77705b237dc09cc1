//! Triage, once for the TUI's Health page and `gatescope health`: plan the
//! CloudWatch queries for the APIs (engines::health::plan), fetch them in
//! batches of at most 500 with bounded concurrency, count the top error
//! causes of each stage with one Logs Insights stats query over its access
//! log, and read each function's REPORT lines for its invocation health.
//! Reports typed progress; cancellable at every step.

use std::collections::BTreeMap;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;

use crate::app::logs::insights::{InsightsConfig, InsightsRunner};
use crate::backends::log_source::{FilterRequest, QueryRequest, QueryStatus};
use crate::backends::{Backend, BackendError, ErrorKind};
use crate::domain::health::{
    ApiHealth, CausesInfo, HealthReport, MetricSeries, StageHealth, Window,
};
use crate::domain::{Api, ApiType, FunctionConfig};
use crate::engines::health::plan::{self, Depth, calls_needed, function_name};
use crate::engines::health::{assemble, causes, invocations};

/// What to look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthRequest {
    /// One API (routes, causes, functions); `None` ranks every API by 5xx.
    pub api_id: Option<String>,
    pub stage: Option<String>,
    /// The window: `since_s` seconds ending `now_s`, in `period_s` periods.
    pub since_s: i64,
    pub now_s: i64,
    pub period_s: u32,
}

impl HealthRequest {
    /// The last `since` up to now, 1-minute periods.
    pub fn last(api_id: Option<String>, stage: Option<String>, since: Duration) -> HealthRequest {
        HealthRequest {
            api_id,
            stage,
            since_s: since.as_secs().max(60) as i64,
            now_s: chrono::Utc::now().timestamp(),
            period_s: 60,
        }
    }

    pub fn window(&self) -> Window {
        Window::ending_at(self.now_s, self.since_s, self.period_s)
    }
}

/// Limits of one run.
#[derive(Debug, Clone)]
pub struct HealthConfig {
    /// GetMetricData calls in flight at once.
    pub metric_concurrency: usize,
    pub insights: InsightsConfig,
    /// FilterLogEvents pages read per function for its REPORT lines.
    pub max_log_pages: usize,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            metric_concurrency: 4,
            insights: InsightsConfig {
                poll_interval: Duration::from_millis(500),
                max_wait: Duration::from_secs(60),
                ..InsightsConfig::default()
            },
            max_log_pages: 10,
        }
    }
}

/// How far a run has got.
#[derive(Debug, Clone, PartialEq)]
pub enum HealthProgress {
    /// The queries are planned: `calls` GetMetricData calls for `queries` queries.
    Planned { queries: usize, calls: usize },
    /// One GetMetricData call answered.
    MetricsCall { done: usize, of: usize },
    /// Metrics are in: the report without causes and invocation health.
    Metrics(Box<HealthReport>),
    /// A stage's causes query is running.
    Causes { stage: String },
    /// A function's log lines are being read.
    Invocations { function: String },
}

/// Load `api_id` (or every API) with details. Returns the APIs and one
/// sentence per part of the inventory that could not be read.
pub async fn load_apis(
    backend: &Backend,
    api_id: Option<&str>,
) -> Result<(Vec<Api>, Vec<String>), BackendError> {
    let (apis, mut problems) = backend.control.list_apis_partial().await?;
    let apis: Vec<Api> = match api_id {
        Some(id) => {
            let Some(a) = apis.into_iter().find(|a| a.id == id) else {
                return Err(BackendError::new(
                    ErrorKind::NotFound,
                    format!("no API with id {id} here"),
                )
                .with_fix("list them with `gatescope apis`"));
            };
            vec![a]
        }
        None => apis,
    };
    let control = backend.control.clone();
    let loaded: Vec<Result<Api, (String, BackendError)>> = futures::stream::iter(apis)
        .map(|a| {
            let control = control.clone();
            async move {
                let id = a.id.clone();
                control.load_details(a).await.map_err(|e| (id, e))
            }
        })
        .buffered(crate::app::inventory::loader::DEFAULT_CONCURRENCY)
        .collect()
        .await;
    let mut out = Vec::new();
    for r in loaded {
        match r {
            Ok(a) => {
                // Details that failed inside a loaded API (a list call that
                // errored) are problems too: the health is incomplete.
                problems.extend(crate::app::problems::of_api(&a).iter().map(|p| p.line()));
                out.push(a)
            }
            Err((id, e)) => problems.push(format!("API {id}: {e}")),
        }
    }
    Ok(out).map(|apis| (apis, problems))
}

fn cancelled() -> BackendError {
    BackendError::new(ErrorKind::Other, "cancelled")
}

/// What a triage run ends with, as the Health page receives it (views name
/// no backend types).
pub(crate) type HealthOutcome = Result<HealthReport, BackendError>;

/// Run the triage on APIs already loaded with details. One API gets the full
/// breakdown (routes, causes, functions); several get stage totals only.
pub async fn run(
    backend: &Backend,
    apis: &[Api],
    req: &HealthRequest,
    cfg: &HealthConfig,
    progress: Option<mpsc::Sender<HealthProgress>>,
    cancel: CancellationToken,
) -> HealthOutcome {
    let send = |p: HealthProgress| {
        let progress = progress.clone();
        async move {
            if let Some(tx) = progress {
                let _ = tx.send(p).await;
            }
        }
    };
    let window = req.window();
    let depth = if apis.len() == 1 {
        Depth::Full
    } else {
        Depth::Stages
    };
    let stage = req.stage.as_deref();
    if let (Some(s), [api]) = (stage, apis)
        && api.stage(s).is_none()
    {
        let names: Vec<&str> = api.stages.iter().map(|s| s.stage_name.as_str()).collect();
        return Err(BackendError::new(
            ErrorKind::NotFound,
            format!(
                "{} has no stage {s} (stages: {})",
                api.name,
                names.join(", ")
            ),
        ));
    }
    let plan = plan::plan(apis, stage, &window, depth);
    let mut report = HealthReport {
        window: Some(window),
        ..Default::default()
    };
    let (answers, _) = fetch_metrics(
        backend,
        &plan,
        &window,
        cfg,
        progress.as_ref(),
        &cancel,
        &mut report,
    )
    .await?;
    report.apis = assemble::assemble(apis, stage, &plan, &answers, &window, &mut report.notes);
    let incomplete = answers
        .iter()
        .filter(|a| {
            !matches!(
                a.status,
                crate::domain::health::SeriesStatus::Complete
                    | crate::domain::health::SeriesStatus::PartialData
            )
        })
        .count();
    if incomplete > 0 {
        report.problems.push(format!(
            "{incomplete} of {} metric queries did not complete",
            plan.queries.len()
        ));
    }
    send(HealthProgress::Metrics(Box::new(report.clone()))).await;
    if depth == Depth::Full
        && let [api] = apis
    {
        let configs = backend.control.function_configs(&functions_of(api)).await;
        for health in &mut report.apis {
            for s in &mut health.stages {
                if cancel.is_cancelled() {
                    return Err(cancelled());
                }
                send(HealthProgress::Causes {
                    stage: s.stage.clone(),
                })
                .await;
                let pass = StagePass {
                    backend,
                    api,
                    window: &window,
                    cfg,
                    cancel: &cancel,
                };
                stage_causes(&pass, s, &mut report.calls).await?;
                invocation_health(&pass, s, &configs, &send, &mut report.calls).await?;
            }
        }
    }
    report.problems.extend(unread_parts(&report.apis));
    Ok(report)
}

/// The causes queries and function log reads that were attempted and
/// failed (a stage without an access log in CloudWatch is a fact about the
/// API, not something that failed to load).
fn unread_parts(apis: &[crate::domain::health::ApiHealth]) -> Vec<String> {
    let mut out = Vec::new();
    for a in apis {
        for s in &a.stages {
            if s.causes_info.query.is_some()
                && let Some(n) = &s.causes_info.note
            {
                out.push(format!(
                    "{} {}: the causes of errors: {n}",
                    a.api_id, s.stage
                ));
            }
            for f in &s.functions {
                if let Some(n) = &f.invocation_note {
                    out.push(format!(
                        "{} {}: function {}: {n}",
                        a.api_id, s.stage, f.function
                    ));
                }
            }
        }
    }
    out
}

/// Fetch the plan's queries in GetMetricData-sized batches, a few calls at
/// a time. A failed call is a note in `report` (the rest still helps) and
/// the first failure is returned beside the answers; cancelling ends the run.
async fn fetch_metrics(
    backend: &Backend,
    plan: &plan::Plan,
    window: &Window,
    cfg: &HealthConfig,
    progress: Option<&mpsc::Sender<HealthProgress>>,
    cancel: &CancellationToken,
    report: &mut HealthReport,
) -> Result<(Vec<MetricSeries>, Option<BackendError>), BackendError> {
    let send = |p: HealthProgress| async move {
        if let Some(tx) = progress {
            let _ = tx.send(p).await;
        }
    };
    let batches = plan.batches();
    report.calls.metric_queries = plan.queries.len();
    report.calls.get_metric_data = calls_needed(plan.queries.len());
    send(HealthProgress::Planned {
        queries: plan.queries.len(),
        calls: batches.len(),
    })
    .await;
    let metrics = backend.metrics.clone();
    let of = batches.len();
    let (start_s, end_s) = (window.start_s, window.end_s);
    let mut calls = futures::stream::iter(batches)
        .map(|b| {
            let metrics = metrics.clone();
            async move { metrics.get_metric_data(&b, start_s, end_s).await }
        })
        .buffer_unordered(cfg.metric_concurrency.max(1));
    let mut answers: Vec<MetricSeries> = Vec::new();
    let mut first_failure = None;
    let mut done = 0;
    loop {
        let next = tokio::select! {
            _ = cancel.cancelled() => return Err(cancelled()),
            n = calls.next() => n,
        };
        let Some(r) = next else { break };
        done += 1;
        match r {
            Ok(a) => answers.extend(a),
            Err(e) => {
                // Without metrics the causes and invocations still help.
                if !report.notes.iter().any(|n| n.contains(&e.message)) {
                    report.notes.push(format!("metrics: {e}"));
                    report
                        .problems
                        .push(format!("metrics could not be read: {e}"));
                }
                first_failure.get_or_insert(e);
            }
        }
        send(HealthProgress::MetricsCall { done, of }).await;
    }
    Ok((answers, first_failure))
}

/// Stage totals of every API (metrics only: no causes, no log reads), for
/// the API list's sparklines. Some failed calls are notes in the report;
/// when every call failed, the first failure is the answer.
pub async fn totals(
    backend: &Backend,
    apis: &[Api],
    req: &HealthRequest,
    cfg: &HealthConfig,
    cancel: CancellationToken,
) -> HealthOutcome {
    let window = req.window();
    let plan = plan::plan(apis, None, &window, Depth::Stages);
    let mut report = HealthReport {
        window: Some(window),
        ..Default::default()
    };
    let (answers, failure) =
        fetch_metrics(backend, &plan, &window, cfg, None, &cancel, &mut report).await?;
    if let (true, Some(e)) = (answers.is_empty(), failure) {
        return Err(e);
    }
    report.apis = assemble::assemble(apis, None, &plan, &answers, &window, &mut report.notes);
    Ok(report)
}

/// Every Lambda function ARN the API's routes integrate with.
fn functions_of(api: &Api) -> Vec<String> {
    let mut v: Vec<String> = api
        .routes
        .iter()
        .filter_map(|r| r.integration.as_ref()?.lambda_arn())
        .map(|a| a.as_str().to_string())
        .collect();
    v.sort();
    v.dedup();
    v
}

/// What the per-stage passes of a full (one-API) health run share.
struct StagePass<'a> {
    backend: &'a Backend,
    api: &'a Api,
    window: &'a Window,
    cfg: &'a HealthConfig,
    cancel: &'a CancellationToken,
}

async fn stage_causes(
    pass: &StagePass<'_>,
    s: &mut StageHealth,
    calls: &mut crate::domain::health::HealthCalls,
) -> Result<(), BackendError> {
    let StagePass {
        backend,
        api,
        window,
        cfg,
        cancel,
    } = *pass;
    let Some(stage) = api.stage(&s.stage) else {
        return Ok(());
    };
    let settings = stage.access_log_settings.as_ref();
    let format = settings.and_then(|a| a.format.as_deref());
    let q = match causes::query_for(format, ApiType::from(api.protocol())) {
        Ok(q) => q,
        Err(why) => {
            s.causes_info = CausesInfo {
                note: Some(why),
                ..Default::default()
            };
            return Ok(());
        }
    };
    s.causes_info.missing_fields = q.missing.clone();
    let Some(group) = settings.and_then(|a| a.log_group_name()) else {
        s.causes_info.note =
            Some("the access log does not go to CloudWatch Logs: no causes to count".into());
        return Ok(());
    };
    s.causes_info.query = Some(q.query.clone());
    calls.insights_queries += 1;
    let runner = InsightsRunner::new(backend.logs.clone(), cfg.insights.clone());
    let (stop_tx, stop_rx) = watch::channel(false);
    let request = QueryRequest {
        log_groups: vec![group],
        query: q.query.clone(),
        start_s: window.start_s,
        end_s: window.end_s,
        limit: Some(causes::MAX_CAUSES as i32),
    };
    let outcome = tokio::select! {
        o = runner.run(request, None, stop_rx) => o,
        _ = cancel.cancelled() => {
            let _ = stop_tx.send(true);
            return Err(cancelled());
        }
    };
    match outcome {
        Ok(o) if o.status == QueryStatus::Complete => {
            s.causes = causes::rank(&o.rows, &q, Some(api), &s.stage);
        }
        Ok(o) => {
            s.causes_info.note = Some(
                o.message
                    .unwrap_or_else(|| format!("the causes query ended {:?}", o.status)),
            );
        }
        Err(e) => s.causes_info.note = Some(format!("the causes query failed: {e}")),
    }
    Ok(())
}

async fn invocation_health<F, Fut>(
    pass: &StagePass<'_>,
    s: &mut StageHealth,
    configs: &[FunctionConfig],
    send: &F,
    calls: &mut crate::domain::health::HealthCalls,
) -> Result<(), BackendError>
where
    F: Fn(HealthProgress) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let StagePass {
        backend,
        api,
        window,
        cfg,
        cancel,
    } = *pass;
    // The integration timeout of each function (the smallest, if several).
    let mut integration_ms: BTreeMap<String, i64> = BTreeMap::new();
    for r in &api.routes {
        if let Some(i) = &r.integration
            && let Some(arn) = i.lambda_arn()
            && let Some(t) = i.timeout_in_millis
        {
            let e = integration_ms.entry(arn.name().to_string()).or_insert(t);
            *e = (*e).min(t);
        }
    }
    for f in &mut s.functions {
        if cancel.is_cancelled() {
            return Err(cancelled());
        }
        send(HealthProgress::Invocations {
            function: f.function.clone(),
        })
        .await;
        let group = match backend.logs.lambda_log_group(&f.function).await {
            Ok(g) => g,
            Err(e) => {
                f.invocation_note = Some(format!("its log group is unknown: {e}"));
                continue;
            }
        };
        let mut events = Vec::new();
        let mut token = None;
        let mut truncated = false;
        for page in 0..cfg.max_log_pages.max(1) {
            calls.log_reads += 1;
            let r = backend
                .logs
                .filter_events(FilterRequest {
                    log_group: group.clone(),
                    start_ms: window.start_s * 1000,
                    end_ms: Some(window.end_s * 1000 - 1),
                    // REPORT lines, timeouts, and Powertools' context keys.
                    filter_pattern: Some(
                        "?REPORT ?\"Task timed out\" ?cold_start ?platform.report".into(),
                    ),
                    next_token: token.take(),
                    ..Default::default()
                })
                .await;
            match r {
                Ok(p) => {
                    events.extend(p.events);
                    token = p.next_token;
                }
                Err(e) => {
                    f.invocation_note = Some(format!("its log lines could not be read: {e}"));
                    break;
                }
            }
            if token.is_none() {
                break;
            }
            truncated = page + 1 == cfg.max_log_pages.max(1);
        }
        if f.invocation_note.is_some() && events.is_empty() {
            continue;
        }
        let conf = configs
            .iter()
            .find(|c| function_name(&c.arn) == f.function && c.unavailable.is_none());
        let mut h = invocations::summarize(
            &events,
            conf.and_then(|c| c.timeout_s),
            integration_ms.get(&f.function).copied(),
        );
        if h.memory_size_mb.is_none() {
            h.memory_size_mb = conf.and_then(|c| c.memory_mb);
        }
        h.truncated = truncated;
        f.invocation = Some(h);
    }
    Ok(())
}

/// Rank every API of `report` by 5xx (most first); kept here so callers
/// that merge reports (the API list) sort the same way.
pub fn sort(apis: &mut [ApiHealth]) {
    assemble::sort_apis(apis);
}

/// A health run for one API with its own inventory load, for the CLI.
pub async fn run_for(
    backend: &Backend,
    req: &HealthRequest,
    cfg: &HealthConfig,
    cancel: CancellationToken,
) -> Result<(HealthReport, Vec<String>), BackendError> {
    let (apis, problems) = load_apis(backend, req.api_id.as_deref()).await?;
    let mut report = run(backend, &apis, req, cfg, None, cancel).await?;
    report.notes.extend(problems.iter().cloned());
    let mut problems = problems;
    problems.extend(report.problems.iter().cloned());
    Ok((report, problems))
}

/// The request id of the most recent request of a cause (for the doctor
/// and the logs): one small Insights query over the stage's access log.
/// `Ok(None)` when no such request is in the window any more.
pub async fn example_request(
    backend: &Backend,
    api: &Api,
    stage: &str,
    cause: &crate::domain::health::Cause,
    window: &Window,
    cfg: &HealthConfig,
) -> Result<Option<String>, BackendError> {
    let settings = api
        .stage(stage)
        .and_then(|s| s.access_log_settings.as_ref());
    let format = settings.and_then(|a| a.format.clone()).unwrap_or_default();
    let q = causes::query_for(Some(&format), ApiType::from(api.protocol()))
        .map_err(|why| BackendError::new(ErrorKind::Unsupported, why))?;
    let Some(group) = settings.and_then(|a| a.log_group_name()) else {
        return Ok(None);
    };
    let runner = InsightsRunner::new(backend.logs.clone(), cfg.insights.clone());
    let (_stop, stop_rx) = watch::channel(false);
    let outcome = runner
        .run(
            QueryRequest {
                log_groups: vec![group],
                query: causes::example_query(&q, cause),
                start_s: window.start_s,
                end_s: window.end_s,
                limit: Some(1),
            },
            None,
            stop_rx,
        )
        .await?;
    let parser = crate::engines::access_log::AccessLogFormat::new(&format);
    Ok(outcome.rows.iter().find_map(|row| {
        let msg = row.iter().find(|(k, _)| k == "@message")?.1.as_str();
        let rec = parser.parse(msg, 0).ok()?;
        rec.request_id.as_deref().map(str::to_string)
    }))
}
