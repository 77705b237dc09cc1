//! The logs view's live feed: a tokio task that finds the stage's log groups,
//! tails them (live tail, or polling when that is unavailable), files what
//! arrives in a [`LogBook`] and reports correlated records to the page.
//!
//! It never draws and the page never awaits it: the page holds a
//! [`FeedControl`] (pause / resume; dropping it stops the task and its tail)
//! and receives [`FeedReport`]s through the app's one event channel.
//! Reports are coalesced: whatever arrives within [`FeedSpec::coalesce`] of
//! the first unsent change goes out as one report, so a burst of 10k lines
//! costs a handful of redraws, not 10k.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use tokio::sync::mpsc;
use tokio_util::sync::{CancellationToken, DropGuard};

use super::row::{Row, feed_rows};
use super::{LogBook, LogTargets, TailConfig, TailEvent, TailStatus, discover, spawn_tail};
use crate::backends::LogSource;
use crate::domain::{Api, CorrelatedRecord};
use crate::engines::access_log::AccessLogFormat;

/// What the page asks of the feed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedCmd {
    /// Stop reading (the tail pauses; nothing new reaches the page).
    Pause,
    /// Read again. `replay` sends every record of the book again (the page
    /// cleared its view to show Insights results and now goes back).
    Resume { replay: bool },
}

/// The page's end of the feed.
pub struct FeedControl {
    tx: mpsc::UnboundedSender<FeedCmd>,
    /// Cancels the task when the page (and with it this control) is dropped.
    _stop: DropGuard,
    /// Dead once the task has ended (tests watch it).
    #[cfg(test)]
    alive: std::sync::Weak<()>,
}

impl FeedControl {
    pub fn send(&self, cmd: FeedCmd) {
        // A closed channel means the feed already ended; nothing to steer.
        let _ = self.tx.send(cmd);
    }

    /// Becomes dead once the task (and the tail it started) has ended.
    #[cfg(test)]
    pub(crate) fn liveness(&self) -> std::sync::Weak<()> {
        self.alive.clone()
    }
}

/// What the feed needs: the API (details loaded), the stage, where to read.
#[derive(Clone)]
pub struct FeedSpec {
    pub api: Api,
    pub stage: String,
    pub logs: Arc<dyn LogSource>,
    /// Read from this time on (epoch ms).
    pub since_ms: i64,
    /// Poll interval when live tail is unavailable.
    pub poll_interval: Duration,
    /// Gather changes this long before reporting them.
    pub coalesce: Duration,
    /// Records kept by the book.
    pub capacity: usize,
}

impl FeedSpec {
    pub fn new(api: Api, stage: String, logs: Arc<dyn LogSource>) -> FeedSpec {
        FeedSpec {
            api,
            stage,
            logs,
            since_ms: chrono::Utc::now().timestamp_millis() - 15 * 60_000,
            poll_interval: Duration::from_secs(2),
            coalesce: Duration::from_millis(75),
            capacity: crate::app::logs::configured_capacity(),
        }
    }
}

/// One report to the page.
#[derive(Debug, Default)]
pub struct FeedReport {
    /// The stage's log groups, sent once before any record.
    pub targets: Option<LogTargets>,
    /// New records and re-correlated earlier ones (upsert by request id),
    /// as the page keeps them; reconstructed events are left out (the page
    /// rebuilds them from the targets when a record is opened).
    pub records: Vec<Row>,
    /// The view must drop what it shows first (a replay follows).
    pub replace: bool,
    /// The tail's newest connection / lag state.
    pub status: Option<TailStatus>,
    /// Now minus the newest event's time, when events arrived (the live
    /// tail reports no status per batch, so the feed measures it).
    pub lag_ms: Option<i64>,
    /// Errors worth a line in the status bar (each distinct one once).
    pub errors: Vec<String>,
    /// The feed cannot run at all (unknown stage...).
    pub fatal: Option<String>,
}

impl FeedReport {
    fn is_empty(&self) -> bool {
        self.targets.is_none()
            && self.records.is_empty()
            && !self.replace
            && self.status.is_none()
            && self.lag_ms.is_none()
            && self.errors.is_empty()
            && self.fatal.is_none()
    }
}

/// Start the feed. The stream ends when the feed stops (page closed).
pub fn start(spec: FeedSpec) -> (FeedControl, impl Stream<Item = FeedReport> + Send + 'static) {
    let (cmd_tx, cmd_rx) = mpsc::unbounded_channel();
    let (out_tx, out_rx) = mpsc::channel(8);
    let cancel = CancellationToken::new();
    let alive = Arc::new(());
    let control = FeedControl {
        tx: cmd_tx,
        _stop: cancel.clone().drop_guard(),
        #[cfg(test)]
        alive: Arc::downgrade(&alive),
    };
    tokio::spawn(async move {
        run(spec, cmd_rx, cancel, out_tx).await;
        drop(alive);
    });
    (control, tokio_stream::wrappers::ReceiverStream::new(out_rx))
}

/// Changes not yet reported.
#[derive(Default)]
struct Pending {
    /// Everything but the records.
    report: FeedReport,
    /// New and re-correlated records, each request once.
    records: Vec<CorrelatedRecord>,
    /// Request id → position in `records`, so a record changed twice
    /// within one window is sent once, in its latest form.
    by_id: HashMap<String, usize>,
}

impl Pending {
    fn add(&mut self, records: Vec<CorrelatedRecord>) {
        for r in records {
            match r.access.request_id.as_deref().map(str::to_string) {
                Some(id) => match self.by_id.get(&id) {
                    Some(&i) => self.records[i] = r,
                    None => {
                        self.by_id.insert(id, self.records.len());
                        self.records.push(r);
                    }
                },
                None => self.records.push(r),
            }
        }
    }

    /// What may go out now: while paused, records wait. Records go out as
    /// the page's rows, made here rather than on the UI thread (a row is
    /// checked by parsing its line once more).
    fn take(&mut self, paused: bool, format: &Arc<AccessLogFormat>) -> FeedReport {
        if !paused {
            self.by_id.clear();
            let mut report = std::mem::take(&mut self.report);
            report.records = feed_rows(std::mem::take(&mut self.records), format);
            return report;
        }
        FeedReport {
            targets: self.report.targets.take(),
            status: self.report.status.take(),
            lag_ms: self.report.lag_ms.take(),
            errors: std::mem::take(&mut self.report.errors),
            ..Default::default()
        }
    }
}

async fn run(
    spec: FeedSpec,
    mut cmds: mpsc::UnboundedReceiver<FeedCmd>,
    cancel: CancellationToken,
    out: mpsc::Sender<FeedReport>,
) {
    let found = tokio::select! {
        _ = cancel.cancelled() => return,
        t = discover(&spec.api, &spec.stage, spec.logs.as_ref()) => t,
    };
    let targets = match found {
        Ok(t) => t,
        Err(e) => {
            let report = FeedReport {
                fatal: Some(e.to_string()),
                ..Default::default()
            };
            let _ = out.send(report).await;
            return;
        }
    };
    let groups = targets.all_groups();
    if groups.is_empty() {
        let report = FeedReport {
            fatal: Some(format!(
                "stage {} has no access log in CloudWatch and no Lambda routes: nothing to read",
                spec.stage
            )),
            ..Default::default()
        };
        let _ = out.send(report).await;
        return;
    }
    let mut book = LogBook::new(&targets, spec.capacity);
    let mut cfg = TailConfig::new(groups, spec.since_ms);
    cfg.poll_interval = spec.poll_interval;
    // A busy stage's 15-minute back-fill would otherwise show up only once
    // every page of every group was read; late Lambda lines re-correlate.
    cfg.max_batch = Some(5_000);
    let (tail, mut events) = spawn_tail(spec.logs.clone(), cfg);

    let mut pending = Pending::default();
    pending.report.targets = Some(targets);
    let mut seen_errors: Vec<String> = Vec::new();
    let mut last_status: Option<TailStatus> = None;
    let mut paused = false;
    // The flush timer is armed by the first unsent change.
    let flush = tokio::time::sleep(Duration::ZERO);
    tokio::pin!(flush);
    let mut armed = true;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => break,
            cmd = cmds.recv() => {
                match cmd {
                    None => break,
                    Some(FeedCmd::Pause) => {
                        paused = true;
                        tail.pause();
                    }
                    Some(FeedCmd::Resume { replay }) => {
                        paused = false;
                        tail.resume();
                        if replay {
                            pending.by_id.clear();
                            pending.records.clear();
                            pending.report.replace = true;
                            pending.add(book.correlate_all());
                            pending.report.status = last_status.clone();
                        }
                    }
                }
                if !armed {
                    armed = true;
                    flush.as_mut().reset(tokio::time::Instant::now());
                }
            }
            ev = events.recv() => {
                match ev {
                    // The tailer stopped on its own: nothing more will come.
                    None => break,
                    Some(TailEvent::Events(evs)) => {
                        if let Some(newest) = evs.iter().map(|e| e.timestamp_ms).max() {
                            let now = chrono::Utc::now().timestamp_millis();
                            pending.report.lag_ms = Some((now - newest).max(0));
                        }
                        pending.add(book.ingest_changes(&evs));
                    }
                    Some(TailEvent::Status(s)) => {
                        last_status = Some(s.clone());
                        pending.report.status = Some(s);
                    }
                    Some(TailEvent::Error(e)) => {
                        // Polling repeats the same error every pass (a group
                        // that does not exist yet): say it once.
                        let msg = e.to_string();
                        if !seen_errors.contains(&msg) {
                            seen_errors.push(msg.clone());
                            pending.report.errors.push(msg);
                        }
                    }
                }
                if !armed {
                    armed = true;
                    flush.as_mut().reset(tokio::time::Instant::now() + spec.coalesce);
                }
            }
            _ = &mut flush, if armed => {
                armed = false;
                let report = pending.take(paused, book.format());
                if !report.is_empty() {
                    tokio::select! {
                        _ = cancel.cancelled() => break,
                        sent = out.send(report) => if sent.is_err() { break },
                    }
                }
            }
        }
    }
    // Wait for the tailer so "page closed" really means "no more AWS calls".
    tail.stop().await;
}

#[cfg(test)]
#[path = "tests/feed.rs"]
mod tests;
