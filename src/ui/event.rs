//! The one event channel: terminal input, ticks and finished tasks all
//! arrive here, from small tokio tasks that never touch the screen.

use std::time::Duration;

use futures::StreamExt;
use tokio::sync::mpsc::UnboundedSender;

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

/// Read terminal input (crossterm's async `EventStream`) into the channel.
pub fn spawn_input(tx: UnboundedSender<Event>) {
    tokio::spawn(async move {
        let mut events = crossterm::event::EventStream::new();
        while let Some(ev) = events.next().await {
            match ev {
                Ok(ev) => {
                    if tx.send(Event::Input(ev)).is_err() {
                        break;
                    }
                }
                Err(e) => {
                    tracing::error!("terminal input failed: {e}");
                    let _ = tx.send(Event::Terminate);
                    break;
                }
            }
        }
    });
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
