//! Confirm the response-only diagnosis with the request's own logs.
//!
//! When a response arrives, the Doctor pane knows only what the response
//! says (`HTTP_API_INTERNAL_ERROR`, "from the response alone"). The access-log
//! record and the Lambda lines of that request arrive seconds later; this
//! background task gathers them by request id with a bounded wait (the same
//! [`crate::app::logs::gather`] the CLI's `doctor` uses), re-runs the doctor with
//! all the evidence and reports back through the shell's event channel.
//!
//! The page holds a [`ConfirmGuard`]: dropping it (page closed, or replaced by
//! a resend) cancels the task, which ends the stream. Each run has an id so a
//! late report from a cancelled run never lands on the next response.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::Stream;
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::hook;
use crate::app::logs::gather;
use crate::backends::Backend;
use crate::domain::{Api, Finding, HttpRequest, HttpResponse};

/// How long the pane waits for a request's logs (the CLI's `--wait` default).
pub const DEFAULT_WAIT: Duration = Duration::from_secs(20);

/// Everything the task needs, cloned out of the send.
pub struct ConfirmJob {
    pub backend: Backend,
    pub api: Api,
    pub stage: String,
    pub route_key: Option<String>,
    pub request: HttpRequest,
    pub response: HttpResponse,
    /// When the request went out (epoch ms): the log search starts before it.
    pub sent_ms: i64,
    pub wait: Duration,
}

impl ConfirmJob {
    /// A job when logs can confirm anything: the API is known, its stage
    /// writes an access log and the response names its request id.
    /// Otherwise the reason, for the pane.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        backend: &Backend,
        api: Option<&Api>,
        stage: Option<&str>,
        route_key: Option<&str>,
        request: &HttpRequest,
        response: &HttpResponse,
        sent_ms: i64,
    ) -> Result<ConfirmJob, String> {
        let api = api.ok_or("the API is not in the inventory: findings from the response alone")?;
        let stage = stage
            .and_then(|s| api.stage(s))
            .ok_or("no known stage: findings from the response alone")?;
        if stage
            .access_log_settings
            .as_ref()
            .and_then(|a| a.log_group_name())
            .is_none()
        {
            return Err(format!(
                "stage {} has no access logging: findings from the response alone",
                stage.stage_name
            ));
        }
        if response.request_id().is_none() {
            return Err(
                "no apigw-requestid / x-amzn-RequestId header: findings from the response alone"
                    .into(),
            );
        }
        Ok(ConfirmJob {
            backend: backend.clone(),
            api: api.clone(),
            stage: stage.stage_name.clone(),
            route_key: route_key.map(str::to_string),
            request: request.clone(),
            response: response.clone(),
            sent_ms,
            wait: DEFAULT_WAIT,
        })
    }

    pub fn request_id(&self) -> String {
        self.response.request_id().unwrap_or_default().to_string()
    }
}

/// What the task reports.
#[derive(Debug)]
pub enum ConfirmReport {
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

/// The page's end of a run: its id, and cancellation on drop.
#[derive(Debug)]
pub struct ConfirmGuard {
    pub run: u64,
    _stop: DropGuard,
}

/// Two pages are equal whatever their runs (the page derives `PartialEq`).
impl PartialEq for ConfirmGuard {
    fn eq(&self, other: &Self) -> bool {
        self.run == other.run
    }
}

/// The pane's line about the logs: waiting, found, or not found.
pub fn waiting_banner(request_id: &str, elapsed_s: u64, wait: Duration) -> String {
    format!(
        "gathering logs for {request_id}… ({elapsed_s}s, up to {}s)",
        wait.as_secs()
    )
}

pub fn no_logs_banner(request_id: &str, wait: Duration, notes: &[String]) -> String {
    let mut s = format!(
        "no logs arrived within {} s for {request_id}: findings from the response alone",
        wait.as_secs()
    );
    for n in notes {
        s.push_str(&format!(" · {n}"));
    }
    s
}

pub fn confirmed_banner(request_id: &str, access: usize, lines: usize, notes: &[String]) -> String {
    let mut s = format!("logs of {request_id}: {access} access record(s), {lines} Lambda line(s)");
    for n in notes {
        s.push_str(&format!(" · {n}"));
    }
    s
}

static RUNS: AtomicU64 = AtomicU64::new(1);

/// Start gathering. Reports a tick a second while waiting, then one final
/// report; the stream ends after it, or when the guard is dropped.
pub fn start(job: ConfirmJob) -> (ConfirmGuard, impl Stream<Item = ConfirmReport> + Send) {
    let run = RUNS.fetch_add(1, Ordering::Relaxed);
    let cancel = CancellationToken::new();
    let (tx, rx) = mpsc::channel(4);
    let token = cancel.clone();
    tokio::spawn(async move {
        let started = tokio::time::Instant::now();
        let work = diagnose_with_logs(&job);
        tokio::pin!(work);
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        tick.tick().await; // the first tick is immediate: the page starts at 0 s
        loop {
            tokio::select! {
                _ = token.cancelled() => return,
                report = &mut work => {
                    let _ = tx.send(report).await;
                    return;
                }
                _ = tick.tick() => {
                    let elapsed_s = started.elapsed().as_secs();
                    // A full channel means the UI is busy: skip this tick.
                    let _ = tx.try_send(ConfirmReport::Waiting { elapsed_s });
                }
            }
        }
    });
    let stream =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|r| (r, rx)) });
    (
        ConfirmGuard {
            run,
            _stop: cancel.drop_guard(),
        },
        stream,
    )
}

/// Gather the request's logs and the route's function configuration
/// together, then diagnose with everything (as `gatescope doctor` does).
async fn diagnose_with_logs(job: &ConfirmJob) -> ConfirmReport {
    let stage = job.api.stage(&job.stage);
    let route = job.route_key.as_deref().and_then(|k| job.api.route(k));
    let functions: Vec<String> = route
        .and_then(|r| r.integration.as_ref())
        .and_then(|i| i.lambda_arn())
        .filter(|arn| !arn.contains("${"))
        .into_iter()
        .collect();
    let (gathered, functions) = futures::join!(
        gather::gather(
            &job.backend,
            stage,
            route,
            &job.response,
            job.sent_ms,
            job.wait
        ),
        job.backend.control.function_configs(&functions)
    );
    if gathered.access.is_empty() && gathered.lines.is_empty() {
        return ConfirmReport::NoLogs {
            notes: gathered.notes,
        };
    }
    let (access, lines) = (gathered.access.len(), gathered.lines.len());
    let notes = gathered.notes.clone();
    let findings = hook::diagnose_with_logs(
        &job.api,
        &job.stage,
        job.route_key.as_deref(),
        &job.request,
        &job.response,
        gathered,
        functions,
    );
    ConfirmReport::Confirmed {
        findings,
        access,
        lines,
        notes,
    }
}
