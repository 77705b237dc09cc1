//! The application state machine: the page stack, the prompt, the help
//! overlay and the shared state. `App::update` consumes [`Action`]s,
//! `App::handle_event` consumes [`Event`]s; both only mark the app dirty, and
//! the loop in [`super::run`] redraws when it is.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use crossterm::event::{
    Event as TermEvent, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEventKind,
};
use futures::{FutureExt, StreamExt};
use ratatui::Frame;
use tokio::sync::mpsc::UnboundedSender;

use super::action::Action;
use super::api_sparks;
use super::chrome::{self, Crumb, Prompt, PromptKind};
use super::commands::{self, CommandCtx};
use super::completion;
use super::components::line_input::InputOutcome;
use super::event::Event;
use super::inventory_feed;
use super::page::{Effect, Page, PageId, StreamTask, SuspendTask, Task, Update};
use super::shared::{MessageKind, Shared};
use super::views::api_list::ApiListPage;

pub struct App {
    pub shared: Shared,
    stack: Vec<(PageId, Box<dyn Page>)>,
    next_id: PageId,
    pub prompt: Option<Prompt>,
    /// `Some(scroll)` while the help overlay is open.
    pub help: Option<u16>,
    pub dirty: bool,
    pub quit: bool,
    /// Ctrl-Z / SIGTSTP arrived: the loop gives the terminal back and stops.
    pub stop_requested: bool,
    tx: UnboundedSender<Event>,
    /// Breadcrumb hit areas of the last frame, for clicks.
    crumbs: Vec<Crumb>,
    /// A job waiting for the terminal (see [`App::take_suspended`]).
    suspended: Option<(Option<PageId>, SuspendTask)>,
    /// When the status line's error and note first showed (they expire).
    status_since: StatusSince,
}

/// How long a status message stays: errors longer, since they need reading.
pub(crate) const ERROR_TTL: std::time::Duration = std::time::Duration::from_secs(8);
pub(crate) const INFO_TTL: std::time::Duration = std::time::Duration::from_secs(4);

#[derive(Debug, Default)]
struct StatusSince {
    error: Option<(String, Instant)>,
    info: Option<(String, Instant)>,
}

impl App {
    /// A new app showing the API list. Call [`App::start`] to begin loading.
    pub fn new(shared: Shared, tx: UnboundedSender<Event>) -> App {
        let mut app = App {
            shared,
            stack: Vec::new(),
            next_id: 0,
            prompt: None,
            help: None,
            dirty: true,
            quit: false,
            stop_requested: false,
            tx,
            crumbs: Vec::new(),
            suspended: None,
            status_since: StatusSince::default(),
        };
        app.push(Box::new(ApiListPage::default()));
        app
    }

    /// Kick off the initial loads.
    /// Show the cached inventory (stale) at once; cheap enough for before the first frame.
    pub(crate) fn load_cache(&mut self) {
        inventory_feed::load_cache(&mut self.shared);
        self.dirty = true;
    }

    pub fn start(&mut self) {
        let effects = inventory_feed::refresh(&mut self.shared);
        self.apply(None, effects);
    }

    pub fn top(&self) -> &dyn Page {
        self.stack
            .last()
            .map(|(_, p)| p.as_ref())
            .expect("the stack is never empty")
    }

    /// The top page as a concrete type (tests and commands).
    pub(crate) fn top_as<P: Page>(&self) -> Option<&P> {
        let any: &dyn std::any::Any = self.top();
        any.downcast_ref::<P>()
    }

    /// The top page as a concrete type, to change (tests).
    #[cfg(test)]
    pub(crate) fn top_as_mut<P: Page>(&mut self) -> Option<&mut P> {
        let page = self.stack.last_mut()?.1.as_mut();
        let any: &mut dyn std::any::Any = page;
        any.downcast_mut::<P>()
    }

    pub fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Breadcrumb titles, root first.
    pub(crate) fn titles(&self) -> Vec<String> {
        self.stack
            .iter()
            .map(|(_, p)| p.title(&self.shared))
            .collect()
    }

    /// Drop pages above `len`, letting each keep what it must (drafts).
    fn truncate(&mut self, len: usize) {
        while self.stack.len() > len {
            if let Some((_, mut page)) = self.stack.pop() {
                page.on_leave(&mut self.shared);
            }
        }
    }

    fn push(&mut self, page: Box<dyn Page>) {
        self.next_id += 1;
        self.stack.push((self.next_id, page));
    }

    // ---- events -------------------------------------------------------

    pub(crate) fn handle_event(&mut self, event: Event) {
        self.dispatch(event);
        // After every event, not only on ticks: a message replaced before
        // the next tick still reaches the `:messages` log.
        self.expire_status(Instant::now());
    }

    fn dispatch(&mut self, event: Event) {
        if let Event::Input(input) = &event {
            // An error belongs to the page it happened on: navigating away
            // (a key or a click that changes the page) clears it.
            let before = (self.top_id(), self.shared.status.error.clone());
            self.input(input.clone());
            if self.top_id() != before.0
                && before.1.is_some()
                && self.shared.status.error == before.1
            {
                self.shared.status.error = None;
            }
            return;
        }
        match event {
            Event::Input(_) => {}
            Event::Tick => {
                if !self.shared.status.running.is_empty() {
                    self.shared.status.spinner = self.shared.status.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                self.refresh_sparks(Instant::now());
            }
            Event::TaskDone {
                origin,
                label,
                update,
            } => {
                self.finish_task(&label);
                self.apply_update(origin, update);
            }
            Event::TaskProgress { origin, update } => self.apply_update(origin, update),
            Event::TaskFailed { label, message } => {
                self.finish_task(&label);
                self.shared.status.error = Some(format!("{label} failed: {message}"));
                self.dirty = true;
            }
            Event::Terminate => self.quit = true,
            Event::Suspend => self.stop_requested = true,
        }
    }

    /// Reload the API list's sparklines when they are
    /// [`api_sparks::REFRESH`] old and the list is on top (nobody looks at
    /// them elsewhere, so nothing is fetched then). Returns whether a load
    /// started.
    pub(crate) fn refresh_sparks(&mut self, now: Instant) -> bool {
        if self.top_as::<ApiListPage>().is_none() || !api_sparks::due(&self.shared.sparks, now) {
            return false;
        }
        let effects = api_sparks::load(&mut self.shared, now);
        self.apply(None, effects);
        true
    }

    fn top_id(&self) -> Option<PageId> {
        self.stack.last().map(|(id, _)| *id)
    }

    /// Drop status messages older than their time to live ([`ERROR_TTL`],
    /// [`INFO_TTL`]); the clock starts when a message first shows.
    pub(crate) fn expire_status(&mut self, now: Instant) {
        let status = &mut self.shared.status;
        let mut first_shown = Vec::new();
        for (kind, slot, since, ttl) in [
            (
                MessageKind::Error,
                &mut status.error,
                &mut self.status_since.error,
                ERROR_TTL,
            ),
            (
                MessageKind::Info,
                &mut status.info,
                &mut self.status_since.info,
                INFO_TTL,
            ),
        ] {
            match (slot.as_ref(), since.as_ref()) {
                (None, _) => *since = None,
                (Some(m), Some((seen, at))) if m == seen => {
                    if now.duration_since(*at) >= ttl {
                        *slot = None;
                        *since = None;
                        self.dirty = true;
                    }
                }
                (Some(m), _) => {
                    first_shown.push((kind, m.clone()));
                    *since = Some((m.clone(), now));
                }
            }
        }
        for (kind, text) in first_shown {
            status.remember(kind, &text);
        }
    }

    fn input(&mut self, input: TermEvent) {
        match input {
            TermEvent::Key(key) if key.kind != KeyEventKind::Release => self.key(key),
            TermEvent::Mouse(m) => {
                let action = match m.kind {
                    MouseEventKind::ScrollDown => Some(Action::Down),
                    MouseEventKind::ScrollUp => Some(Action::Up),
                    MouseEventKind::Down(MouseButton::Left) => {
                        self.click(m.column, m.row);
                        None
                    }
                    _ => None,
                };
                if let Some(a) = action {
                    self.update(a);
                }
            }
            TermEvent::Resize(..) => self.dirty = true,
            _ => {}
        }
    }

    /// Whether a page asked for the terminal; the loop stops handling
    /// queued input until it has run (those keys may be meant for the editor).
    pub(crate) fn wants_terminal(&self) -> bool {
        self.suspended.is_some()
    }

    /// The job a page wants to run with the terminal, for the loop in
    /// [`super::run`] (or a test) to run; then call [`App::resume`].
    pub(crate) fn take_suspended(&mut self) -> Option<(Option<PageId>, SuspendTask)> {
        self.suspended.take()
    }

    /// Apply what a suspended job produced, back in the TUI.
    pub fn resume(&mut self, origin: Option<PageId>, update: Update) {
        self.apply_update(origin, update);
    }

    fn apply_update(&mut self, origin: Option<PageId>, update: Update) {
        let effects = match update {
            Update::Shared(apply) => apply(&mut self.shared),
            Update::Page(apply) => {
                let page = self.stack.iter_mut().find(|(id, _)| Some(*id) == origin);
                match page {
                    Some((_, page)) => apply(page.as_mut(), &mut self.shared),
                    None => Vec::new(),
                }
            }
        };
        self.apply(origin, effects);
        self.dirty = true;
    }

    fn finish_task(&mut self, label: &str) {
        let running = &mut self.shared.status.running;
        if let Some(i) = running.iter().position(|l| l == label) {
            running.remove(i);
        }
    }

    fn key(&mut self, key: KeyEvent) {
        // Ctrl-C always quits, whatever the keymap or the focus.
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        self.dirty = true;
        if self.prompt.is_some() {
            self.prompt_key(key);
            return;
        }
        if self.help.is_some() {
            self.help_key(key);
            return;
        }
        if self.top().captures_keys() {
            self.update(Action::Key(key));
            return;
        }
        let sections = self.top().keymap_sections();
        if let Some(action) = self.shared.keymap.lookup(sections, &key).cloned() {
            self.update(action);
        }
    }

    fn help_key(&mut self, key: KeyEvent) {
        let scroll = self.help.unwrap_or(0);
        // Scrolling keys scroll (clamped when drawn); Esc, q, ? and Enter
        // close; any other key is ignored rather than closing by surprise.
        self.help = match key.code {
            KeyCode::Down | KeyCode::Char('j') => Some(scroll.saturating_add(1)),
            KeyCode::Up | KeyCode::Char('k') => Some(scroll.saturating_sub(1)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(scroll.saturating_add(10)),
            KeyCode::PageUp => Some(scroll.saturating_sub(10)),
            KeyCode::Home | KeyCode::Char('g') => Some(0),
            KeyCode::End | KeyCode::Char('G') => Some(u16::MAX),
            KeyCode::Esc | KeyCode::Enter | KeyCode::Char('q') | KeyCode::Char('?') => None,
            _ => Some(scroll),
        };
    }

    fn prompt_key(&mut self, key: KeyEvent) {
        let Some(prompt) = self.prompt.as_mut() else {
            return;
        };
        let kind = prompt.kind;
        // While the prompt is open every key is its own: editing keys edit,
        // the few below act, anything else is swallowed (never a command).
        match key.code {
            KeyCode::Esc => {
                self.prompt = None;
                if kind == PromptKind::Filter {
                    self.give_page(Action::SetFilter(String::new()));
                }
            }
            KeyCode::Enter => {
                let text = prompt.text().to_string();
                self.prompt = None;
                if kind == PromptKind::Command {
                    self.run_command(&text);
                }
            }
            KeyCode::Tab if kind == PromptKind::Command => {
                let line = prompt.text().to_string();
                let selection = self.top().selection(&self.shared);
                let candidates = completion::Candidates::gather(&line, &selection, &self.shared);
                let done = completion::complete(&line, &candidates);
                if let Some(p) = self.prompt.as_mut() {
                    p.input.set(done.line);
                }
                if !done.choices.is_empty() {
                    self.shared.status.info = Some(done.choices.join("  "));
                }
            }
            KeyCode::Up | KeyCode::Down if kind == PromptKind::Filter => {
                let a = if key.code == KeyCode::Up {
                    Action::Up
                } else {
                    Action::Down
                };
                self.give_page(a);
            }
            _ => {
                if prompt.input.handle_key(key) == InputOutcome::Changed {
                    self.filter_changed(kind);
                }
            }
        }
    }

    fn filter_changed(&mut self, kind: PromptKind) {
        if kind == PromptKind::Filter {
            let text = self
                .prompt
                .as_ref()
                .map(|p| p.text().to_string())
                .unwrap_or_default();
            self.give_page(Action::SetFilter(text));
        }
    }

    fn click(&mut self, column: u16, row: u16) {
        self.dirty = true;
        if self.help.take().is_some() {
            return;
        }
        if let Some(depth) = self
            .crumbs
            .iter()
            .find(|c| c.row == row && c.x.contains(&column))
            .map(|c| c.depth)
        {
            self.truncate(depth + 1);
            return;
        }
        self.update(Action::Click { column, row });
    }

    // ---- actions ------------------------------------------------------

    /// Apply one action (what a key, a click or a test produces).
    pub fn update(&mut self, action: Action) {
        self.dirty = true;
        if !matches!(action, Action::SetFilter(_)) {
            self.shared.status.info = None;
        }
        match action {
            Action::ForceQuit => self.quit = true,
            Action::OpenCommand => {
                self.prompt = Some(Prompt::new(PromptKind::Command, ""));
            }
            Action::OpenFilter if self.top().filterable() => {
                let text = self.top().filter().to_string();
                self.prompt = Some(Prompt::new(PromptKind::Filter, text));
            }
            Action::OpenFilter => {}
            Action::Help => self.help = if self.help.is_some() { None } else { Some(0) },
            Action::Command(line) => self.run_command(&line),
            action => self.give_page(action),
        }
    }

    /// Give the action to the top page; apply the shell default if it declines.
    fn give_page(&mut self, action: Action) {
        let Some((id, page)) = self.stack.last_mut() else {
            return;
        };
        let id = *id;
        match page.handle(&action, &mut self.shared) {
            Some(effects) => self.apply(Some(id), effects),
            None => match action {
                Action::Back | Action::Quit if self.stack.len() > 1 => {
                    self.truncate(self.stack.len() - 1);
                }
                Action::Back => self.shared.status.error = None,
                Action::Quit => self.quit = true,
                _ => {}
            },
        }
    }

    pub(crate) fn run_command(&mut self, line: &str) {
        let selection = self.top().selection(&self.shared);
        let draft = self.top().request_draft();
        let mut ctx = CommandCtx {
            shared: &mut self.shared,
            selection,
            draft,
        };
        match commands::run(line, &mut ctx) {
            Ok(effects) => {
                let id = self.stack.last().map(|(id, _)| *id);
                self.apply(id, effects);
            }
            Err(e) => self.shared.status.error = Some(e),
        }
        self.dirty = true;
    }

    /// Carry out effects; `origin` is the page they came from (for tasks).
    pub fn apply(&mut self, origin: Option<PageId>, effects: Vec<Effect>) {
        for effect in effects {
            self.dirty = true;
            match effect {
                Effect::Push(page) => self.push(page),
                Effect::PushWith(page, effects) => {
                    self.push(page);
                    let id = self.stack.last().map(|(id, _)| *id);
                    self.apply(id, effects);
                }
                Effect::Pop => {
                    if self.stack.len() > 1 {
                        self.truncate(self.stack.len() - 1);
                    }
                }
                Effect::Root(page) => {
                    self.truncate(0);
                    self.push(page);
                }
                Effect::Task(task) => self.spawn(origin, task),
                Effect::Stream(stream) => self.spawn_stream(origin, stream),
                Effect::Suspend(job) if self.suspended.is_some() => {
                    self.shared.status.error =
                        Some(format!("{}: another program is already running", job.label));
                }
                Effect::Suspend(job) => self.suspended = Some((origin, job)),
                Effect::Info(s) => self.shared.status.info = Some(s),
                Effect::Error(s) => {
                    tracing::warn!("{s}");
                    self.shared.status.error = Some(s);
                }
                Effect::Command(line) => self.run_command(&line),
                Effect::Help => self.help = Some(0),
                Effect::Quit => self.quit = true,
            }
        }
    }

    fn spawn(&mut self, origin: Option<PageId>, task: Task) {
        let Task { label, job } = task;
        self.shared.status.running.push(label.clone());
        let tx = self.tx.clone();
        tokio::spawn(async move {
            // A panicking task must not leave its label spinning forever.
            match AssertUnwindSafe(job).catch_unwind().await {
                Ok(update) => {
                    let _ = tx.send(Event::TaskDone {
                        origin,
                        label,
                        update,
                    });
                }
                Err(panic) => {
                    let message = panic_message(&panic);
                    let _ = tx.send(Event::TaskFailed { label, message });
                }
            }
        });
    }

    fn spawn_stream(&mut self, origin: Option<PageId>, task: StreamTask) {
        let StreamTask {
            label,
            mut updates,
            quiet,
        } = task;
        if !quiet {
            self.shared.status.running.push(label.clone());
        }
        let tx = self.tx.clone();
        tokio::spawn(async move {
            loop {
                match AssertUnwindSafe(updates.next()).catch_unwind().await {
                    Ok(Some(update)) => {
                        if tx.send(Event::TaskProgress { origin, update }).is_err() {
                            return;
                        }
                    }
                    Ok(None) => break,
                    Err(panic) => {
                        let message = panic_message(&panic);
                        let _ = tx.send(Event::TaskFailed { label, message });
                        return;
                    }
                }
            }
            let done = Update::Shared(Box::new(|_: &mut Shared| Vec::new()));
            let _ = tx.send(Event::TaskDone {
                origin,
                label,
                update: done,
            });
        });
    }

    // ---- drawing ------------------------------------------------------

    pub fn render(&mut self, frame: &mut Frame) {
        let status_rows = chrome::status_height(frame.area().width, &self.shared);
        let areas = chrome::layout(frame.area(), self.prompt.is_some(), status_rows);
        let titles = self.titles();
        self.crumbs = chrome::render_crumbs(frame, areas.crumbs, &titles, &self.shared);
        if let Some((_, page)) = self.stack.last_mut() {
            page.render(frame, areas.body, &self.shared);
        }
        if let Some(prompt) = &self.prompt {
            chrome::render_prompt(frame, areas.prompt, prompt, &self.shared);
        }
        chrome::render_status(frame, areas.status, &self.shared);
        if let Some(scroll) = self.help {
            let sections = self.top().keymap_sections();
            let used = chrome::render_help(frame, areas.body, sections, scroll, &self.shared);
            self.help = Some(used);
        }
        // Last line of defence: whatever a view drew, no control or bidi
        // character reaches the terminal (views show them escaped first).
        safe_cells(frame.buffer_mut());
    }
}

/// Replace control / bidi / zero-width characters left in any cell by
/// U+FFFD (a cell cannot grow to hold the escaped form).
fn safe_cells(buffer: &mut ratatui::buffer::Buffer) {
    use crate::engines::terminal_text::needs_escape;
    for cell in buffer.content.iter_mut() {
        if cell.symbol().chars().any(needs_escape) {
            let kept: String = cell
                .symbol()
                .chars()
                .filter(|c| !needs_escape(*c))
                .collect();
            cell.set_symbol(if kept.is_empty() { "\u{FFFD}" } else { &kept });
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

#[cfg(test)]
mod safe_cells_tests {
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    #[test]
    fn no_cell_keeps_a_control_or_bidi_character() {
        let mut b = Buffer::empty(Rect::new(0, 0, 4, 1));
        b[(0, 0)].set_symbol("\u{1b}");
        b[(1, 0)].set_symbol("a\u{202E}");
        b[(2, 0)].set_symbol("\u{7}");
        b[(3, 0)].set_symbol("z");
        super::safe_cells(&mut b);
        let symbols: Vec<&str> = b.content.iter().map(|c| c.symbol()).collect();
        assert_eq!(symbols, ["\u{FFFD}", "a", "\u{FFFD}", "z"]);
    }
}
