//! The one event channel: terminal input, ticks and finished tasks all
//! arrive here, from small tokio tasks that never touch the screen.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::page::{PageId, Update};

pub enum Event {
    /// A key, mouse or resize event from the terminal.
    Input(crossterm::event::Event),
    /// Advances the spinner while tasks run.
    Tick,
    /// A background task finished; `update` is applied on the UI loop.
    TaskDone {
        origin: Option<PageId>,
        label: String,
        update: Update,
    },
    /// One item of a streaming task; the task keeps running.
    TaskProgress {
        origin: Option<PageId>,
        update: Update,
    },
    /// A background task panicked (the panic is in the log file).
    TaskFailed { label: String, message: String },
    /// SIGTERM / SIGHUP: leave cleanly so the terminal is restored.
    Terminate,
}

/// The task reading terminal input; stop it before another program (an
/// editor) uses the terminal, or it would steal that program's keystrokes.
pub struct InputReader {
    stop: CancellationToken,
    task: JoinHandle<()>,
}

impl InputReader {
    /// Stop reading and wait until the `EventStream` is dropped: dropping
    /// it wakes and ends crossterm's polling thread, so nothing reads the
    /// terminal any more once this returns.
    pub async fn stop(self) {
        self.stop.cancel();
        let _ = self.task.await;
    }
}

/// Read terminal input (crossterm's async `EventStream`) into the channel.
pub fn spawn_input(tx: UnboundedSender<Event>) -> InputReader {
    let stop = CancellationToken::new();
    let stopped = stop.clone();
    let task = tokio::spawn(async move {
        let mut events = crossterm::event::EventStream::new();
        loop {
            let ev = tokio::select! {
                _ = stopped.cancelled() => break,
                ev = events.next() => ev,
            };
            match ev {
                None => break,
                Some(Ok(ev)) => {
                    if tx.send(Event::Input(ev)).is_err() {
                        break;
                    }
                }
                Some(Err(e)) => {
                    tracing::error!("terminal input failed: {e}");
                    let _ = tx.send(Event::Terminate);
                    break;
                }
            }
        }
    });
    InputReader { stop, task }
}

/// Spinner ticks. Cheap when idle: the app only redraws if tasks run.
pub fn spawn_ticks(tx: UnboundedSender<Event>, every: Duration) {
    tokio::spawn(async move {
        let mut interval = tokio::time::interval(every);
        interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        loop {
            interval.tick().await;
            if tx.send(Event::Tick).is_err() {
                break;
            }
        }
    });
}

/// Turn SIGTERM/SIGHUP into a clean exit instead of a dead, raw-mode terminal.
pub fn spawn_signals(tx: UnboundedSender<Event>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut term), Ok(mut hup)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) else {
            return;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = hup.recv() => {}
        }
        let _ = tx.send(Event::Terminate);
    });
    #[cfg(not(unix))]
    let _ = tx;
}
