//! "Why did this request get this answer?", once for every front end.
//!
//! One [`Exchange`] carries what was sent and what came back (API, stage,
//! route, request, response). From it: the findings the response alone
//! supports ([`Exchange::findings`]), then the findings with the request's
//! own logs ([`Exchange::with_logs`]: its access-log record, its REST
//! execution-log lines and Lambda lines, gathered by request id with a
//! bounded wait, plus the route's function configuration). The TUI's Doctor pane follows the same path as a stream of
//! [`Progress`] ([`confirm`]); `gatescope doctor` awaits [`Exchange::with_logs`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::Stream;
use tokio::sync::mpsc;
use tokio_stream::wrappers::ReceiverStream;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::logs::gather::{self, Gathered};
use crate::backends::Backend;
use crate::domain::{
    AccessLogging, Api, CorrelatedRecord, ExecTrace, Finding, FunctionConfig, HttpRequest,
    HttpResponse, Protocol, Stage,
};
use crate::engines::doctor::{self, Evidence};

/// How long the Doctor pane waits for a request's logs (the CLI's `--wait` default).
pub(crate) const DEFAULT_WAIT: Duration = Duration::from_secs(20);

/// One request and its answer, with what the inventory says it targeted.
#[derive(Debug, Clone, PartialEq)]
pub struct Exchange {
    pub api: Option<Api>,
    pub stage: Option<String>,
    pub route_key: Option<String>,
    /// The request as it went on the wire (auth applied: the doctor reads
    /// the bearer token the gateway saw).
    pub request: HttpRequest,
    pub response: HttpResponse,
    /// When the request went out (epoch ms): the log search starts before it.
    pub sent_ms: i64,
}

/// What the request's logs added.
#[derive(Debug, Default)]
pub struct WithLogs {
    pub findings: Vec<Finding>,
    pub access: usize,
    pub lines: usize,
    /// The request's execution-log lines, parsed (REST stages that write them).
    pub exec: Option<ExecTrace>,
    /// What could not be searched, a sentence each.
    pub notes: Vec<String>,
}

impl Exchange {
    fn evidence(&self) -> Evidence {
        Evidence {
            api: self.api.clone(),
            stage: self.stage.clone(),
            route_key: self.route_key.clone(),
            request: Some(self.request.clone()),
            response: Some(self.response.clone()),
            now_ms: Some(chrono::Utc::now().timestamp_millis()),
            ..Default::default()
        }
    }

    /// Findings from the response alone.
    pub fn findings(&self) -> Vec<Finding> {
        doctor::diagnose(&self.evidence())
    }

    pub fn request_id(&self) -> Option<&str> {
        self.response.request_id()
    }

    /// The Lambda function behind the route (none for a stage-variable URI).
    fn route_functions(&self) -> Vec<String> {
        let route = self
            .route_key
            .as_deref()
            .and_then(|k| self.api.as_ref()?.route(k));
        route
            .and_then(|r| r.integration.as_ref())
            .and_then(|i| i.lambda_arn())
            .filter(|arn| !arn.is_templated())
            .map(|arn| arn.as_str().to_string())
            .into_iter()
            .collect()
    }

    /// Why the request's logs cannot confirm anything, when they cannot: the
    /// API is unknown, the stage is unknown or writes no access log, or the
    /// response names no request id.
    pub(crate) fn why_logs_cannot_help(&self) -> Option<String> {
        let Some(api) = &self.api else {
            return Some(
                "the API is not in the inventory: findings from the response alone".into(),
            );
        };
        if let Some(None) = crate::app::send::domain_call(api, &self.request) {
            return Some(
                "no mapping of the custom domain covers the path: API Gateway answered for the domain and no stage logged it".into(),
            );
        }
        let Some(stage) = self.stage.as_deref().and_then(|s| api.stage(s)) else {
            return Some("no known stage: findings from the response alone".into());
        };
        if self.exec_group().is_some() && self.request_id().is_some() {
            // The execution log alone can confirm (REST).
            return None;
        }
        match stage.access_logging() {
            AccessLogging::Off => {
                return Some(format!(
                    "stage {} has no access logging: findings from the response alone",
                    stage.stage_name
                ));
            }
            AccessLogging::Elsewhere { destination, .. } => {
                return Some(format!(
                    "stage {} logs to {destination}, not CloudWatch Logs: findings from the response alone",
                    stage.stage_name
                ));
            }
            AccessLogging::CloudWatch { .. } => {}
        }
        if self.request_id().is_none() {
            return Some(
                "no apigw-requestid / x-amzn-RequestId header: findings from the response alone"
                    .into(),
            );
        }
        None
    }

    /// The stage's execution-log group, when it is a REST stage whose
    /// method settings write execution logs.
    pub(crate) fn exec_group(&self) -> Option<String> {
        let api = self.api.as_ref()?;
        let stage = api.stage(self.stage.as_deref()?)?;
        exec_group(api, stage)
    }

    /// Gather the request's logs (up to `wait`) and the route's function
    /// configuration together, then diagnose with everything.
    pub async fn with_logs(&self, backend: &Backend, wait: Duration) -> WithLogs {
        let api = self.api.as_ref();
        let stage = self.stage.as_deref().and_then(|s| api?.stage(s));
        let route = self.route_key.as_deref().and_then(|k| api?.route(k));
        let logs = async {
            if wait.is_zero() {
                Gathered::default()
            } else {
                let exec_group = self.exec_group();
                let at = gather::Where {
                    stage,
                    route,
                    exec_group: exec_group.as_deref(),
                };
                gather::gather(backend, at, &self.response, self.sent_ms, wait).await
            }
        };
        let functions = self.route_functions();
        let (gathered, functions) =
            futures::join!(logs, backend.control.function_configs(&functions));
        self.diagnose_gathered(gathered, functions)
    }

    fn diagnose_gathered(&self, gathered: Gathered, functions: Vec<FunctionConfig>) -> WithLogs {
        let (access, lines) = (gathered.access.len(), gathered.lines.len());
        let ev = Evidence {
            access_logs: gathered.access,
            lambda_lines: gathered.lines,
            exec_logs: gathered.exec.iter().map(|t| t.summary.clone()).collect(),
            functions,
            logs_searched: gathered.searched_access,
            ..self.evidence()
        };
        WithLogs {
            findings: doctor::diagnose(&ev),
            access,
            lines,
            exec: gathered.exec,
            notes: gathered.notes,
        }
    }
}

/// The execution-log group of a REST stage whose settings write execution
/// logs (stage-wide or for some method), else `None`.
pub(crate) fn exec_group(api: &Api, stage: &Stage) -> Option<String> {
    (api.protocol() == Protocol::Rest && stage.writes_execution_logs())
        .then(|| crate::engines::exec_log::log_group_name(&api.id, &stage.stage_name))
}

/// Findings for one correlated log record (the logs view's Doctor pane).
pub fn record(api: Option<&Api>, record: &CorrelatedRecord) -> Vec<Finding> {
    doctor::diagnose(&Evidence::from_record(api.cloned(), record))
}

/// The configuration lint of an API (all stages when `stage` is `None`),
/// with what is known of its functions' own configuration.
pub fn lint(api: &Api, stage: Option<&str>, functions: &[FunctionConfig]) -> Vec<Finding> {
    doctor::lint_api(api, stage, functions)
}

/// What the log confirmation reports.
#[derive(Debug)]
pub enum Progress {
    /// Still waiting; whole seconds since the search began.
    Waiting { elapsed_s: u64 },
    /// The logs arrived: the findings with all the evidence.
    Confirmed {
        findings: Vec<Finding>,
        access: usize,
        lines: usize,
        notes: Vec<String>,
    },
    /// Nothing arrived within the wait; the response-only findings stay.
    NoLogs { notes: Vec<String> },
}

/// The caller's end of a confirmation: its id, and cancellation on drop.
#[derive(Debug)]
pub struct ConfirmGuard {
    pub run: u64,
    _stop: DropGuard,
}

/// Two guards are equal when they belong to the same run.
impl PartialEq for ConfirmGuard {
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run
    }
}

static RUNS: AtomicU64 = AtomicU64::new(1);

/// A log confirmation ready to start: the exchange, where to search and
/// for how long.
pub struct ConfirmJob {
    pub exchange: Exchange,
    pub backend: Backend,
    pub wait: Duration,
}

impl ConfirmJob {
    /// A job when the logs can confirm anything (see
    /// [`Exchange::why_logs_cannot_help`]); otherwise the reason.
    pub fn new(backend: &Backend, exchange: Exchange) -> Result<ConfirmJob, String> {
        match exchange.why_logs_cannot_help() {
            Some(why) => Err(why),
            None => Ok(ConfirmJob {
                exchange,
                backend: backend.clone(),
                wait: DEFAULT_WAIT,
            }),
        }
    }

    pub fn request_id(&self) -> String {
        self.exchange.request_id().unwrap_or_default().to_string()
    }

    /// Confirm the findings with the logs in the background. Reports a tick
    /// a second while waiting, then one final report; the stream ends after
    /// it, or when the guard is dropped. Each run has an id so a late report
    /// of a cancelled run is recognised.
    pub fn start(self) -> (ConfirmGuard, impl Stream<Item = Progress> + Send) {
        let run = RUNS.fetch_add(1, Ordering::Relaxed);
        let cancel = CancellationToken::new();
        let (tx, rx) = mpsc::channel(4);
        let token = cancel.clone();
        let ConfirmJob {
            exchange,
            backend,
            wait,
        } = self;
        tokio::spawn(async move {
            let started = tokio::time::Instant::now();
            let work = exchange.with_logs(&backend, wait);
            tokio::pin!(work);
            let mut tick = tokio::time::interval(Duration::from_secs(1));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            tick.tick().await; // the first tick is immediate: the pane starts at 0 s
            loop {
                tokio::select! {
                    _ = token.cancelled() => return,
                    done = &mut work => {
                        let _ = tx.send(final_report(done)).await;
                        return;
                    }
                    _ = tick.tick() => {
                        let elapsed_s = started.elapsed().as_secs();
                        // A full channel means the UI is busy: skip this tick.
                        let _ = tx.try_send(Progress::Waiting { elapsed_s });
                    }
                }
            }
        });
        (
            ConfirmGuard {
                run,
                _stop: cancel.drop_guard(),
            },
            ReceiverStream::new(rx),
        )
    }
}

fn final_report(done: WithLogs) -> Progress {
    if done.access == 0 && done.lines == 0 && done.exec.is_none() {
        Progress::NoLogs { notes: done.notes }
    } else {
        Progress::Confirmed {
            findings: done.findings,
            access: done.access,
            lines: done.lines,
            notes: done.notes,
        }
    }
}
