//! The tailer: StartLiveTail where it works, FilterLogEvents polling where it
//! does not (or while paused/resuming), several groups interleaved, every
//! event delivered once. Runs as a tokio task; reports through a channel of
//! [`TailEvent`]s and is steered through a [`TailHandle`].
//!
//! Polling re-reads an overlap window on every pass (late events: CloudWatch
//! `ingestionTime` can trail `timestamp`) and de-duplicates (see
//! [`super::dedup`]). A throttled poll keeps what it got, backs off
//! (doubling, capped), and retries from the same cursor, so nothing is lost.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};

use super::dedup::{Dedup, Source};
use crate::backends::log_source::FilterRequest;
use crate::backends::{BackendError, ErrorKind, LogSource};
use crate::domain::RawLogEvent;

#[derive(Debug, Clone)]
pub struct TailConfig {
    pub groups: Vec<String>,
    pub filter_pattern: Option<String>,
    /// Start of the tail, epoch ms (e.g. now − 15 min).
    pub since_ms: i64,
    pub poll_interval: Duration,
    pub max_backoff: Duration,
    /// How far back each poll re-reads, for late-arriving events.
    pub overlap: Duration,
    /// Try StartLiveTail first.
    pub live: bool,
    /// Continue a previous tail without repeats or gaps.
    pub resume: Option<TailCheckpoint>,
    /// Deliver a poll pass in parts of about this many events instead of
    /// all at once, so a long back-fill shows up progressively (the parts
    /// are then interleaved by time within a part only). `None`: one batch
    /// per pass, fully interleaved (what `--follow` output relies on).
    pub max_batch: Option<usize>,
}

impl TailConfig {
    pub fn new(groups: Vec<String>, since_ms: i64) -> TailConfig {
        TailConfig {
            groups,
            filter_pattern: None,
            since_ms,
            poll_interval: Duration::from_secs(2),
            max_backoff: Duration::from_secs(60),
            overlap: Duration::from_secs(30),
            live: true,
            resume: None,
            max_batch: None,
        }
    }
}

/// Where a tail stopped: per-group cursors and what was already delivered.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TailCheckpoint {
    pub cursors: BTreeMap<String, i64>,
    pub dedup: Dedup,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum TailMode {
    Connecting,
    Live,
    Polling,
    Paused,
    Stopped,
}

/// Connection and lag, for the status line.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TailStatus {
    pub mode: TailMode,
    /// Now minus the newest event's timestamp.
    pub lag_ms: Option<i64>,
    /// Current extra wait after throttling (0 when not backing off).
    pub backoff_ms: u64,
    /// Throttled answers so far.
    pub throttled: u64,
    /// Events delivered so far.
    pub delivered: u64,
    /// Why the mode is what it is (e.g. "live tail unavailable: ...").
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub enum TailEvent {
    /// New events from any group, oldest first.
    Events(Vec<RawLogEvent>),
    Status(TailStatus),
    /// A non-fatal error (the tail keeps going).
    Error(BackendError),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctl {
    Run,
    Pause,
    Stop,
}

/// Steers a running tail; dropping it stops the tail.
pub struct TailHandle {
    ctl: watch::Sender<Ctl>,
    checkpoint: Arc<Mutex<TailCheckpoint>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl TailHandle {
    pub(crate) fn pause(&self) {
        let _ = self.ctl.send(Ctl::Pause);
    }
    pub fn resume(&self) {
        let _ = self.ctl.send(Ctl::Run);
    }
    #[cfg(test)]
    pub(crate) fn is_paused(&self) -> bool {
        *self.ctl.borrow() == Ctl::Pause
    }
    /// Stop and wait for the task; returns where it stopped.
    pub async fn stop(mut self) -> TailCheckpoint {
        let _ = self.ctl.send(Ctl::Stop);
        if let Some(t) = self.task.take() {
            let _ = t.await;
        }
        self.checkpoint()
    }
    /// The latest checkpoint (updated after every delivery).
    pub(crate) fn checkpoint(&self) -> TailCheckpoint {
        self.checkpoint.lock().expect("checkpoint").clone()
    }
}

impl Drop for TailHandle {
    fn drop(&mut self) {
        let _ = self.ctl.send(Ctl::Stop);
    }
}

/// Start tailing. The receiver ends when the tail stops.
pub fn spawn_tail(
    source: Arc<dyn LogSource>,
    cfg: TailConfig,
) -> (TailHandle, mpsc::Receiver<TailEvent>) {
    let (tx, rx) = mpsc::channel(256);
    let (ctl_tx, ctl_rx) = watch::channel(Ctl::Run);
    let mut cp = cfg.resume.clone().unwrap_or_default();
    // Never read before `since`, except for groups resumed from a checkpoint:
    // there the overlap window catches events that arrived late meanwhile.
    let mut floors = BTreeMap::new();
    for g in &cfg.groups {
        if !cp.cursors.contains_key(g) {
            cp.cursors.insert(g.clone(), cfg.since_ms);
            floors.insert(g.clone(), cfg.since_ms);
        }
    }
    let checkpoint = Arc::new(Mutex::new(cp.clone()));
    let tailer = Tailer {
        source,
        cfg,
        tx,
        ctl: ctl_rx,
        state: cp,
        shared: checkpoint.clone(),
        status: TailStatus {
            mode: TailMode::Connecting,
            lag_ms: None,
            backoff_ms: 0,
            throttled: 0,
            delivered: 0,
            note: None,
        },
        backoff: Duration::ZERO,
        newest_ms: None,
        floors,
    };
    let task = tokio::spawn(tailer.run());
    (
        TailHandle {
            ctl: ctl_tx,
            checkpoint,
            task: Some(task),
        },
        rx,
    )
}

struct Tailer {
    source: Arc<dyn LogSource>,
    cfg: TailConfig,
    tx: mpsc::Sender<TailEvent>,
    ctl: watch::Receiver<Ctl>,
    state: TailCheckpoint,
    shared: Arc<Mutex<TailCheckpoint>>,
    status: TailStatus,
    backoff: Duration,
    newest_ms: Option<i64>,
    /// Per group: the earliest time to read (`since` for fresh groups).
    floors: BTreeMap<String, i64>,
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// Why the tail loop left a mode.
enum Exit {
    Stop,
    Pause,
    /// Live tail is not usable: poll from now on.
    Fallback(String),
}

impl Tailer {
    async fn run(mut self) {
        let mut live_ok = self.cfg.live;
        let mut short_sessions = 0u32;
        loop {
            let ctl = *self.ctl.borrow();
            match ctl {
                Ctl::Stop => break,
                Ctl::Pause => {
                    self.set_mode(TailMode::Paused, None).await;
                    if !self.wait_resume().await {
                        break;
                    }
                }
                Ctl::Run => {}
            }
            let exit = if live_ok {
                let started = Instant::now();
                let exit = self.run_live().await;
                if matches!(exit, Exit::Fallback(_)) && started.elapsed() < Duration::from_secs(10)
                {
                    short_sessions += 1;
                }
                exit
            } else {
                self.run_polling().await
            };
            match exit {
                Exit::Stop => break,
                Exit::Pause => continue,
                Exit::Fallback(why) => {
                    // A live session that keeps ending at once (emulators,
                    // proxies) is not worth reconnecting to.
                    if short_sessions >= 2 || !why.starts_with("live tail ended") {
                        live_ok = false;
                    }
                    self.status.note = Some(why);
                }
            }
        }
        self.set_mode(TailMode::Stopped, None).await;
    }

    async fn wait_resume(&mut self) -> bool {
        loop {
            if self.ctl.changed().await.is_err() {
                return false;
            }
            match *self.ctl.borrow() {
                Ctl::Run => return true,
                Ctl::Stop => return false,
                Ctl::Pause => {}
            }
        }
    }

    fn control(&self) -> Option<Exit> {
        match *self.ctl.borrow() {
            Ctl::Run => None,
            Ctl::Pause => Some(Exit::Pause),
            Ctl::Stop => Some(Exit::Stop),
        }
    }

    async fn run_live(&mut self) -> Exit {
        self.set_mode(TailMode::Connecting, None).await;
        let stream = self
            .source
            .live_tail(&self.cfg.groups, self.cfg.filter_pattern.clone())
            .await;
        let mut stream = match stream {
            Ok(s) => s,
            Err(e) => {
                let why = format!("live tail unavailable ({}); polling instead", e.message);
                return Exit::Fallback(why);
            }
        };
        self.state.dedup.new_live_session();
        self.set_mode(TailMode::Live, None).await;
        // Back-fill what happened before the session started.
        if let Some(exit) = self.poll_pass().await {
            return exit;
        }
        let mut ctl = self.ctl.clone();
        loop {
            tokio::select! {
                changed = ctl.changed() => {
                    if changed.is_err() { return Exit::Stop; }
                    if let Some(exit) = self.control() { return exit; }
                }
                item = stream.next() => match item {
                    Some(Ok(batch)) => {
                        let fresh: Vec<RawLogEvent> = batch
                            .into_iter()
                            .filter(|e| self.state.dedup.admit(e, Source::Live))
                            .collect();
                        for e in &fresh {
                            let c = self.state.cursors.entry(e.log_group.clone()).or_insert(e.timestamp_ms);
                            *c = (*c).max(e.timestamp_ms);
                        }
                        self.deliver(fresh).await;
                    }
                    Some(Err(e)) => {
                        let why = format!("live tail failed ({}); polling instead", e.message);
                        self.emit(TailEvent::Error(e)).await;
                        return Exit::Fallback(why);
                    }
                    None => return Exit::Fallback("live tail ended; reconnecting".into()),
                }
            }
        }
    }

    async fn run_polling(&mut self) -> Exit {
        let note = self.status.note.clone();
        self.set_mode(TailMode::Polling, note).await;
        loop {
            if let Some(exit) = self.poll_pass().await {
                return exit;
            }
            let wait = self.cfg.poll_interval + self.backoff;
            let mut ctl = self.ctl.clone();
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                changed = ctl.changed() => {
                    if changed.is_err() { return Exit::Stop; }
                }
            }
            if let Some(exit) = self.control() {
                return exit;
            }
        }
    }

    /// One FilterLogEvents pass over every group. `Some` when told to stop
    /// or pause mid-way.
    async fn poll_pass(&mut self) -> Option<Exit> {
        let overlap = self.cfg.overlap.as_millis() as i64;
        let mut batch = Vec::new();
        for group in self.cfg.groups.clone() {
            let cursor = self
                .state
                .cursors
                .get(&group)
                .copied()
                .unwrap_or(self.cfg.since_ms);
            let floor = self.floors.get(&group).copied().unwrap_or(i64::MIN);
            let start = (cursor - overlap).max(floor);
            let mut token = None;
            let mut newest = cursor;
            loop {
                if let Some(exit) = self.control() {
                    self.deliver(std::mem::take(&mut batch)).await;
                    return Some(exit);
                }
                let req = FilterRequest {
                    log_group: group.clone(),
                    start_ms: start,
                    end_ms: None,
                    filter_pattern: self.cfg.filter_pattern.clone(),
                    next_token: token.clone(),
                    limit: None,
                };
                match self.source.filter_events(req).await {
                    Ok(page) => {
                        self.on_success();
                        for e in page.events {
                            newest = newest.max(e.timestamp_ms);
                            if self.state.dedup.admit(&e, Source::Poll) {
                                batch.push(e);
                            }
                        }
                        if self.cfg.max_batch.is_some_and(|max| batch.len() >= max) {
                            self.deliver(std::mem::take(&mut batch)).await;
                        }
                        token = page.next_token;
                        if token.is_none() {
                            break;
                        }
                    }
                    Err(e) if e.kind == ErrorKind::Throttled => {
                        // Keep what this pass got, wait, retry the same page.
                        self.on_throttle();
                        self.deliver(std::mem::take(&mut batch)).await;
                        self.emit_status().await;
                        let mut ctl = self.ctl.clone();
                        tokio::select! {
                            _ = tokio::time::sleep(self.backoff) => {}
                            changed = ctl.changed() => { if changed.is_err() { return Some(Exit::Stop); } }
                        }
                    }
                    Err(e) => {
                        // A missing group (no invocation yet) or denied access:
                        // say so and move on to the other groups.
                        self.emit(TailEvent::Error(e)).await;
                        break;
                    }
                }
            }
            self.state.cursors.insert(group, newest);
        }
        let oldest_cursor = self.state.cursors.values().copied().min().unwrap_or(0);
        self.state.dedup.prune(oldest_cursor - overlap - 60_000);
        self.deliver(batch).await;
        self.emit_status().await;
        None
    }

    fn on_success(&mut self) {
        // Halve the extra wait after each good answer (adaptive, not reset).
        self.backoff /= 2;
        if self.backoff < Duration::from_millis(100) {
            self.backoff = Duration::ZERO;
        }
    }

    fn on_throttle(&mut self) {
        self.status.throttled += 1;
        self.backoff = (self.backoff * 2)
            .max(self.cfg.poll_interval.max(Duration::from_millis(200)))
            .min(self.cfg.max_backoff);
    }

    async fn deliver(&mut self, mut batch: Vec<RawLogEvent>) {
        *self.shared.lock().expect("checkpoint") = self.state.clone();
        if batch.is_empty() {
            return;
        }
        batch.sort_by_key(|e| e.timestamp_ms);
        self.status.delivered += batch.len() as u64;
        let newest = batch.last().map(|e| e.timestamp_ms);
        self.newest_ms = self.newest_ms.max(newest);
        self.emit(TailEvent::Events(batch)).await;
    }

    async fn set_mode(&mut self, mode: TailMode, note: Option<String>) {
        self.status.mode = mode;
        if note.is_some() || mode == TailMode::Live {
            self.status.note = note;
        }
        self.emit_status().await;
    }

    async fn emit_status(&mut self) {
        self.status.lag_ms = self.newest_ms.map(|n| (now_ms() - n).max(0));
        self.status.backoff_ms = self.backoff.as_millis() as u64;
        let s = self.status.clone();
        self.emit(TailEvent::Status(s)).await;
    }

    async fn emit(&self, ev: TailEvent) {
        // A closed receiver just means nobody listens any more.
        let _ = self.tx.send(ev).await;
    }
}

#[cfg(test)]
#[path = "tests/tail.rs"]
mod tests;
