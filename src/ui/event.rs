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
    /// SIGINT / SIGQUIT / SIGTERM / SIGHUP: leave cleanly so the terminal
    /// is restored.
    Terminate,
    /// Ctrl-Z or SIGTSTP: give the terminal back and stop until `fg`.
    Suspend,
}

/// Ctrl-Z: in raw mode the terminal does not turn it into SIGTSTP, so the
/// input reader does ([`Event::Suspend`]).
fn is_suspend_key(ev: &crossterm::event::Event) -> bool {
    use crossterm::event::{Event as E, KeyCode, KeyEventKind, KeyModifiers};
    matches!(ev, E::Key(k) if k.kind != KeyEventKind::Release
        && k.modifiers.contains(KeyModifiers::CONTROL)
        && matches!(k.code, KeyCode::Char('z') | KeyCode::Char('Z')))
}

/// The task reading terminal input; stop it before another program (an
/// editor) uses the terminal, or it would steal that program's keystrokes.
pub(crate) struct InputReader {
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
pub(crate) fn spawn_input(tx: UnboundedSender<Event>) -> InputReader {
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
                    let ev = if is_suspend_key(&ev) {
                        Event::Suspend
                    } else {
                        Event::Input(ev)
                    };
                    if tx.send(ev).is_err() {
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
pub(crate) fn spawn_ticks(tx: UnboundedSender<Event>, every: Duration) {
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

/// Turn every signal that would end the process (INT, QUIT, TERM, HUP)
/// into a clean exit instead of a dead, raw-mode terminal, and SIGTSTP into
/// a clean suspend ([`stop_until_continued`]).
pub(crate) fn spawn_signals(tx: UnboundedSender<Event>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{SignalKind, signal};
        let (Ok(mut int), Ok(mut quit), Ok(mut term), Ok(mut hup), Ok(mut tstp)) = (
            signal(SignalKind::interrupt()),
            signal(SignalKind::quit()),
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::from_raw(libc::SIGTSTP)),
        ) else {
            return;
        };
        loop {
            let event = tokio::select! {
                _ = int.recv() => Event::Terminate,
                _ = quit.recv() => Event::Terminate,
                _ = term.recv() => Event::Terminate,
                _ = hup.recv() => Event::Terminate,
                _ = tstp.recv() => Event::Suspend,
            };
            let end = matches!(event, Event::Terminate);
            if tx.send(event).is_err() || end {
                break;
            }
        }
    });
    #[cfg(not(unix))]
    let _ = tx;
}

/// Stop the whole process (as SIGTSTP's default action would) until the
/// shell continues it (`fg`, SIGCONT). The caller has given the terminal
/// back first. SIGSTOP, because SIGTSTP itself is caught.
pub(crate) fn stop_until_continued() {
    #[cfg(unix)]
    // SAFETY: raise has no memory-safety preconditions.
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
}
