//! The response page's side of the log confirmation (the work is
//! [`crate::app::diagnose::ConfirmJob`]): hold the job until the page is on
//! the stack, start it as a quiet feed (the pane shows its own progress), and
//! apply its reports to the Doctor pane.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;

use super::page::ResponsePage;
use crate::app::diagnose::{ConfirmGuard, ConfirmJob, Progress};
use crate::ui::page::Effect;
use crate::ui::shared::Shared;

/// Where the page stands with its request's logs.
#[derive(Default)]
pub struct LogConfirm {
    /// Built by the send task, started once the page is shown.
    pending: Option<ConfirmJob>,
    /// The running (or finished) run; dropping the last clone cancels it.
    guard: Option<Arc<ConfirmGuard>>,
    request_id: String,
    wait: Duration,
    /// True once the findings rest on the logs.
    pub confirmed: bool,
}

impl LogConfirm {
    pub fn pending(job: ConfirmJob) -> LogConfirm {
        LogConfirm {
            request_id: job.request_id(),
            wait: job.wait,
            pending: Some(job),
            ..Default::default()
        }
    }

    /// Whether a run is under way or about to start.
    #[cfg(test)]
    pub(crate) fn is_active(&self) -> bool {
        self.pending.is_some() || (self.guard.is_some() && !self.confirmed)
    }

    /// The id of the current run, if one started.
    pub fn run(&self) -> Option<u64> {
        self.guard.as_ref().map(|g| g.run)
    }
}

// A cloned page shares the run (the clone keeps it alive) but never starts
// the pending job a second time.
impl Clone for LogConfirm {
    fn clone(&self) -> Self {
        LogConfirm {
            pending: None,
            guard: self.guard.clone(),
            request_id: self.request_id.clone(),
            wait: self.wait,
            confirmed: self.confirmed,
        }
    }
}

impl std::fmt::Debug for LogConfirm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogConfirm")
            .field("pending", &self.pending.is_some())
            .field("run", &self.run())
            .field("request_id", &self.request_id)
            .field("confirmed", &self.confirmed)
            .finish()
    }
}

impl PartialEq for LogConfirm {
    fn eq(&self, other: &Self) -> bool {
        self.request_id == other.request_id && self.confirmed == other.confirmed
    }
}

impl ResponsePage {
    /// Start gathering this response's logs, if the send prepared a job.
    /// Returns the feed for the shell; call it when pushing the page (or
    /// after replacing it by a resend: the old run is cancelled with it).
    pub(crate) fn start_log_confirm(&mut self) -> Vec<Effect> {
        let Some(job) = self.logs.pending.take() else {
            return vec![];
        };
        let (guard, reports) = job.start();
        let run = guard.run;
        self.logs.guard = Some(Arc::new(guard));
        self.doctor.banner = Some(waiting_banner(&self.logs.request_id, 0, self.logs.wait));
        let updates = reports.map(move |report| {
            move |page: &mut ResponsePage, _: &mut Shared| {
                page.apply_confirm(run, report);
                vec![]
            }
        });
        vec![Effect::page_feed::<ResponsePage, _, _>(
            "doctor: gathering logs",
            updates,
        )]
    }

    /// Apply one report of run `run`; reports of an earlier run (before a
    /// resend replaced the response) are dropped.
    pub(crate) fn apply_confirm(&mut self, run: u64, report: Progress) {
        if self.logs.run() != Some(run) {
            return;
        }
        let id = self.logs.request_id.clone();
        match report {
            Progress::Waiting { elapsed_s } => {
                self.doctor.banner = Some(waiting_banner(&id, elapsed_s, self.logs.wait));
            }
            Progress::NoLogs { notes } => {
                self.doctor.banner = Some(no_logs_banner(&id, self.logs.wait, &notes));
                // The task has ended: nothing left to cancel.
                self.logs.guard = None;
            }
            Progress::Confirmed {
                mut findings,
                access,
                lines,
                notes,
            } => {
                // The CORS probe's findings (if it ran meanwhile) are not
                // the doctor's to replace.
                if let Some(cors) = &self.cors {
                    findings = crate::engines::doctor::with_probe(findings, &cors.findings);
                }
                self.doctor.set_findings(findings);
                self.doctor.banner = Some(confirmed_banner(&id, access, lines, &notes));
                self.logs.confirmed = true;
            }
        }
    }
}

/// The pane's line about the logs: waiting, found, or not found.
pub(crate) fn waiting_banner(request_id: &str, elapsed_s: u64, wait: Duration) -> String {
    format!(
        "gathering logs for {request_id}… ({elapsed_s}s, up to {}s)",
        wait.as_secs()
    )
}

pub(crate) fn no_logs_banner(request_id: &str, wait: Duration, notes: &[String]) -> String {
    let mut s = format!(
        "no logs arrived within {} s for {request_id}: findings from the response alone",
        wait.as_secs()
    );
    for n in notes {
        s.push_str(&format!(" · {n}"));
    }
    s
}

pub(crate) fn confirmed_banner(
    request_id: &str,
    access: usize,
    lines: usize,
    notes: &[String],
) -> String {
    let mut s = format!("logs of {request_id}: {access} access record(s), {lines} Lambda line(s)");
    for n in notes {
        s.push_str(&format!(" · {n}"));
    }
    s
}
