//! The terminal UI: ratatui pages that borrow state, and one event loop.
//!
//! # How it fits together
//!
//! - **One channel** of [`event::Event`]s: terminal input (crossterm's
//!   `EventStream` in a task), spinner ticks, finished background tasks,
//!   SIGTERM. The loop in [`run`] receives, lets [`app::App`] update, and
//!   redraws only when the app is dirty.
//! - **One [`action::Action`] enum**: the keymap (`assets/keymap.toml` +
//!   the user's file) turns keys into actions; `App::update` consumes them.
//!   Unknown `run` names become `Action::Page("verb")` for page-specific verbs.
//! - **Pages** ([`page::Page`]) on a stack; breadcrumbs show the stack.
//!   A page owns its state and gets [`shared::Shared`] (backend, inventory,
//!   theme, keymap, status) to read in `render` and to change in `handle`.
//! - **Effects** ([`page::Effect`]): `handle` never awaits. It returns effects:
//!   push/pop pages, show a note or an error, run a `:` command, or start a
//!   background [`page::Effect::task`] whose result is a closure applied to
//!   the page that started it (or [`page::Effect::shared_task`] for shared
//!   state) back on the UI loop. Tasks never draw.
//!
//! # Adding a page (e.g. `views/logs.rs`)
//!
//! 1. `pub struct LogsPage { .. }` and `impl Page for LogsPage` (`title`,
//!    `render`, `handle`; optionally `keymap_sections`, `captures_keys` for
//!    text editing, `filterable`/`filter`, `selection`).
//! 2. `pub mod logs;` in `views/mod.rs`, and if it opens with a command, one
//!    entry in `views::COMMANDS`: `CommandSpec { name: "logs", run: logs::open, .. }`
//!    where `fn open(args: &str, ctx: &mut CommandCtx) -> Result<Vec<Effect>, String>`
//!    returns `vec![Effect::Push(Box::new(LogsPage::new(&ctx.selection, ctx.shared)))]`.
//!    `ctx.selection` says which API / route / stage the user is on.
//! 3. Page-specific keys: a `[logs]` section in `assets/keymap.toml` with
//!    `run = "verb"` entries, listed first in `keymap_sections()`, e.g.
//!    `&["logs", "list"]`; they arrive as `Action::Page("verb")` and show in `?` help.
//! 4. Slow work: `Effect::task::<LogsPage, _, _>("querying", async move { ..;
//!    move |page: &mut LogsPage, shared: &mut Shared| { ..; vec![] } })`.
//! 5. Tests: build an `App` with [`testing::harness`] and a fake backend,
//!    `app.update(Action::..)`, `settle().await`, snapshot `render_to_string`.

pub mod action;
pub mod api_sparks;
pub mod app;
pub mod chrome;
pub mod clipboard;
pub mod commands;
pub mod completion;
pub mod components;
pub mod event;
pub mod inventory_feed;
pub mod keymap;
pub mod logging;
pub mod page;
pub mod shared;
pub mod terminal;
#[cfg(test)]
pub mod testing;
#[cfg(test)]
mod tests;
pub mod theme;
pub mod verbs;
pub mod views;

use std::time::Duration;

use tokio::sync::mpsc;

use crate::backends::Backend;
use app::App;

/// Run the TUI until the user quits. The terminal is restored on every exit path.
pub async fn run(backend: Backend) -> anyhow::Result<()> {
    terminal::require_tty()?;
    let _log_guard = logging::init();
    let (keymap, keymap_err) = keymap::Keymap::load();
    let (theme, theme_err) = theme::Theme::load();
    let theme = if theme::Theme::no_colour_requested() {
        theme.without_colour()
    } else {
        theme
    };
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut app = App::new(shared::Shared::new(backend, keymap, theme), tx.clone());
    app.shared.status.error = keymap_err.or(theme_err);

    let mut guard = terminal::TerminalGuard::enter()?;
    let mut input = event::spawn_input(tx.clone());
    event::spawn_ticks(tx.clone(), Duration::from_millis(100));
    event::spawn_signals(tx.clone());
    // First frame before any network I/O: the shell, with the cached
    // inventory if there is one.
    app.load_cache();
    guard.terminal.draw(|f| app.render(f))?;
    app.dirty = false;
    app.start();

    while !app.quit {
        if app.dirty {
            guard.terminal.draw(|f| app.render(f))?;
            app.dirty = false;
        }
        let Some(event) = rx.recv().await else { break };
        app.handle_event(event);
        // Batch whatever else is queued so a burst of events costs one frame.
        while !app.quit && !app.wants_terminal() && !app.stop_requested {
            let Ok(event) = rx.try_recv() else { break };
            app.handle_event(event);
        }
        if std::mem::take(&mut app.stop_requested) && !app.quit {
            input = stop_process(&mut guard, input, &tx).await?;
            app.dirty = true;
        }
        if let Some((origin, task)) = app.take_suspended() {
            input = run_suspended(&mut guard, input, &tx, task, &mut app, origin).await?;
        }
    }
    drop(guard);
    tracing::info!("bye");
    Ok(())
}

/// Ctrl-Z: give the terminal back (cooked mode, main screen, no mouse
/// reports, cursor shown), stop until `fg`, then take it back and repaint
/// everything (the shell drew over the screen meanwhile).
async fn stop_process(
    guard: &mut terminal::TerminalGuard,
    input: event::InputReader,
    tx: &mpsc::UnboundedSender<event::Event>,
) -> anyhow::Result<event::InputReader> {
    tracing::info!("suspended (Ctrl-Z / SIGTSTP)");
    input.stop().await;
    guard.suspend()?;
    event::stop_until_continued();
    tracing::info!("continued");
    guard.resume()?;
    Ok(event::spawn_input(tx.clone()))
}

/// Give the terminal to a blocking job (an external editor) and take it
/// back: stop the input reader first so the job gets every keystroke, run
/// the job on a blocking thread, then restore the TUI, restart the reader
/// and repaint. Returns the new reader.
async fn run_suspended(
    guard: &mut terminal::TerminalGuard,
    input: event::InputReader,
    tx: &mpsc::UnboundedSender<event::Event>,
    task: page::SuspendTask,
    app: &mut App,
    origin: Option<page::PageId>,
) -> anyhow::Result<event::InputReader> {
    let page::SuspendTask { label, job } = task;
    tracing::info!("suspending the TUI: {label}");
    input.stop().await;
    let suspended = guard.suspend();
    let outcome = match suspended {
        Ok(()) => tokio::task::spawn_blocking(job).await,
        Err(e) => Ok(page::Update::Shared(Box::new(
            move |shared: &mut shared::Shared| {
                shared.status.error = Some(format!("{label}: cannot leave the TUI: {e}"));
                Vec::new()
            },
        ))),
    };
    // Take the terminal back before anything else, whatever the job did.
    guard.resume()?;
    let input = event::spawn_input(tx.clone());
    match outcome {
        Ok(update) => app.resume(origin, update),
        Err(e) => {
            tracing::error!("suspended job failed: {e}");
            app.shared.status.error = Some(format!("the external program failed: {e}"));
        }
    }
    app.dirty = true;
    Ok(input)
}
