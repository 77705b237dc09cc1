//! How a page plugs into the shell: the [`Page`] trait, the [`Effect`]s a page
//! asks for, and the [`Update`]s a background task hands back.
//!
//! Pages own their own state (selection, scroll, tab, text being edited) and
//! read what everybody shares (backend, inventory, theme, status) from
//! [`Shared`]. They never await: anything slow becomes an [`Effect::Task`]
//! whose future runs on tokio and whose result is applied to the page that
//! started it (or to [`Shared`]) back on the UI loop.

use std::any::Any;
use std::future::Future;

use futures::FutureExt;
use futures::future::BoxFuture;
use futures::stream::{BoxStream, Stream, StreamExt};
use ratatui::Frame;
use ratatui::layout::Rect;

use super::action::Action;
use super::shared::Shared;

/// A screen on the navigation stack (the breadcrumbs show the stack).
pub trait Page: Any {
    /// Breadcrumb label, e.g. `orders-api` or `GET /orders/{id}`.
    fn title(&self, shared: &Shared) -> String;

    /// Keymap sections consulted for this page, most specific first.
    /// `global` is always consulted last and needs no mention.
    fn keymap_sections(&self) -> &'static [&'static str] {
        &["list"]
    }

    /// Draw into `area` (the space between breadcrumbs and status line).
    /// `&mut self` so the page can remember hit areas for mouse clicks.
    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared);

    /// React to an action. `None` means "not mine": the shell then applies
    /// its default (`Back` pops the page, `Quit` pops or quits at the top).
    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>>;

    /// While true, keys reach the page as [`Action::Key`] without going
    /// through the keymap (text editing). `Ctrl-C` still quits.
    fn captures_keys(&self) -> bool {
        false
    }

    /// Whether `/` opens a filter prompt on this page (it then receives
    /// [`Action::SetFilter`] on every keystroke).
    fn filterable(&self) -> bool {
        true
    }

    /// The filter currently applied, to prefill the prompt.
    fn filter(&self) -> &str {
        ""
    }

    /// What the page is looking at, for `:` commands such as `:send` or
    /// `:logs` that act on "the current API / route / stage".
    fn selection(&self, _shared: &Shared) -> Selection {
        Selection::default()
    }

    /// The request this page shows or edits, for `:save NAME` (composer,
    /// response); `None` elsewhere.
    /// The page is leaving the stack (back, a breadcrumb click, `:apis`):
    /// keep what the user would want back (the composer keeps its draft).
    fn on_leave(&mut self, _shared: &mut Shared) {}

    fn request_draft(&self) -> Option<crate::domain::RequestDraft> {
        None
    }
}

/// What the user is pointing at; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub api_id: Option<String>,
    pub route_key: Option<String>,
    pub stage_name: Option<String>,
}

/// Closure applied to the page that started a task.
pub(crate) type PageFn = Box<dyn FnOnce(&mut dyn Page, &mut Shared) -> Vec<Effect> + Send>;
/// Closure applied to the shared state.
pub(crate) type SharedFn = Box<dyn FnOnce(&mut Shared) -> Vec<Effect> + Send>;

/// What a finished background task hands back to the UI loop.
pub enum Update {
    /// Applied to the page that spawned the task; dropped if it was closed.
    Page(PageFn),
    /// Applied to the shared state (inventory, backend, status).
    Shared(SharedFn),
}

/// A background job: a label for the spinner and a future producing an [`Update`].
pub struct Task {
    pub label: String,
    pub job: BoxFuture<'static, Update>,
}

/// A long-running background job that reports many times (a streaming
/// load, a log tail): each item is applied as it arrives; the spinner shows
/// until the stream ends. Dropping the page does not stop it, so streams
/// should end on their own (or when their sender side is dropped).
pub struct StreamTask {
    pub label: String,
    pub updates: BoxStream<'static, Update>,
    /// No spinner while it runs: for feeds that last as long as their page
    /// (a log tail), which show their own state.
    pub quiet: bool,
}

/// Blocking work that needs the real terminal (an external editor). The
/// shell stops reading input, leaves raw mode and the alternate screen, runs
/// `job` on a blocking thread (never on an async worker), takes the terminal
/// back, repaints everything and applies the [`Update`] like a task's.
pub struct SuspendTask {
    pub label: String,
    pub job: Box<dyn FnOnce() -> Update + Send>,
}

/// What a page (or a command, or a task's update) asks the shell to do.
pub enum Effect {
    /// Open a page on top of the current one (drill in).
    Push(Box<dyn Page>),
    /// Open a page and carry out effects on its behalf: its tasks and
    /// streams report to it, not to the page that opened it.
    PushWith(Box<dyn Page>, Vec<Effect>),
    /// Close the current page (back).
    Pop,
    /// Replace the whole stack with this page (e.g. `:apis`).
    Root(Box<dyn Page>),
    /// Run a job in the background; the spinner shows while it runs.
    Task(Task),
    /// Apply a stream of updates as they arrive.
    Stream(StreamTask),
    /// Hand the terminal to a blocking job (see [`SuspendTask`]).
    Suspend(SuspendTask),
    /// A short note in the status line.
    Info(String),
    /// An error in the status line (one line, replaced by the next).
    Error(String),
    /// Run a `:` command line, e.g. `logs` or `region eu-west-1`.
    Command(String),
    /// Open the help overlay.
    Help,
    /// Leave the application.
    Quit,
}

impl Effect {
    /// A task whose result updates the page of type `P` that spawned it.
    ///
    /// ```ignore
    /// Effect::task::<ComposePage, _, _>("sending", async move {
    ///     let res = sender.send(req).await;
    ///     move |page: &mut ComposePage, _shared: &mut Shared| { page.response = Some(res); vec![] }
    /// })
    /// ```
    pub fn task<P, F, U>(label: impl Into<String>, fut: F) -> Effect
    where
        P: Page,
        F: Future<Output = U> + Send + 'static,
        U: FnOnce(&mut P, &mut Shared) -> Vec<Effect> + Send + 'static,
    {
        let job = fut.map(page_update).boxed();
        Effect::Task(Task {
            label: label.into(),
            job,
        })
    }

    /// A task whose result updates the shared state.
    pub(crate) fn shared_task<F, U>(label: impl Into<String>, fut: F) -> Effect
    where
        F: Future<Output = U> + Send + 'static,
        U: FnOnce(&mut Shared) -> Vec<Effect> + Send + 'static,
    {
        let job = fut
            .map(|apply| Update::Shared(Box::new(apply) as SharedFn))
            .boxed();
        Effect::Task(Task {
            label: label.into(),
            job,
        })
    }
}

impl Effect {
    /// A stream whose items update the page of type `P` that started it.
    pub fn stream<P, S, U>(label: impl Into<String>, stream: S) -> Effect
    where
        P: Page,
        S: Stream<Item = U> + Send + 'static,
        U: FnOnce(&mut P, &mut Shared) -> Vec<Effect> + Send + 'static,
    {
        let updates = stream.map(|apply| page_update(apply)).boxed();
        Effect::Stream(StreamTask {
            label: label.into(),
            updates,
            quiet: false,
        })
    }

    /// Like [`Effect::stream`], without the spinner: for a feed that runs as
    /// long as its page is open (it should end when the page is dropped).
    pub(crate) fn page_feed<P, S, U>(label: impl Into<String>, stream: S) -> Effect
    where
        P: Page,
        S: Stream<Item = U> + Send + 'static,
        U: FnOnce(&mut P, &mut Shared) -> Vec<Effect> + Send + 'static,
    {
        match Effect::stream::<P, S, U>(label, stream) {
            Effect::Stream(mut t) => {
                t.quiet = true;
                Effect::Stream(t)
            }
            other => other,
        }
    }

    /// A stream whose items update the shared state.
    pub(crate) fn shared_stream<S, U>(label: impl Into<String>, stream: S) -> Effect
    where
        S: Stream<Item = U> + Send + 'static,
        U: FnOnce(&mut Shared) -> Vec<Effect> + Send + 'static,
    {
        let updates = stream
            .map(|apply| Update::Shared(Box::new(apply) as SharedFn))
            .boxed();
        Effect::Stream(StreamTask {
            label: label.into(),
            updates,
            quiet: false,
        })
    }
}

impl Effect {
    /// Leave the TUI, run `job` (blocking: it may run an editor on the
    /// terminal), come back and apply its result to the page of type `P`.
    pub(crate) fn suspend<P, F, U>(label: impl Into<String>, job: F) -> Effect
    where
        P: Page,
        F: FnOnce() -> U + Send + 'static,
        U: FnOnce(&mut P, &mut Shared) -> Vec<Effect> + Send + 'static,
    {
        Effect::Suspend(SuspendTask {
            label: label.into(),
            job: Box::new(move || page_update(job())),
        })
    }
}

/// Wrap a typed page closure into an [`Update`] (downcast on arrival).
fn page_update<P, U>(apply: U) -> Update
where
    P: Page,
    U: FnOnce(&mut P, &mut Shared) -> Vec<Effect> + Send + 'static,
{
    Update::Page(Box::new(move |page: &mut dyn Page, shared: &mut Shared| {
        let any: &mut dyn Any = page;
        match any.downcast_mut::<P>() {
            Some(p) => apply(p, shared),
            None => Vec::new(),
        }
    }))
}

impl std::fmt::Debug for Effect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Effect::Push(_) => f.write_str("Push"),
            Effect::PushWith(_, e) => write!(f, "PushWith({e:?})"),
            Effect::Pop => f.write_str("Pop"),
            Effect::Root(_) => f.write_str("Root"),
            Effect::Task(t) => write!(f, "Task({})", t.label),
            Effect::Stream(t) => write!(f, "Stream({})", t.label),
            Effect::Suspend(t) => write!(f, "Suspend({})", t.label),
            Effect::Info(s) => write!(f, "Info({s})"),
            Effect::Error(s) => write!(f, "Error({s})"),
            Effect::Command(s) => write!(f, "Command({s})"),
            Effect::Help => f.write_str("Help"),
            Effect::Quit => f.write_str("Quit"),
        }
    }
}

/// Identifies a page on the stack so a task's result finds the page that
/// started it (and is dropped if that page was closed meanwhile).
pub(crate) type PageId = u64;
