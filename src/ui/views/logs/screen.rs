//! The logs page in the shell: keymap verbs to page keys, the page's
//! effects (pause → the feed, Insights → a query task, copy), and applying
//! what the feed and the query report back.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use futures::StreamExt;
use ratatui::Frame;
use ratatui::layout::Rect;

use super::insights::InsightsEffect;
use super::page::{Connection, Diagnose, LogsEffect, LogsPage};
use super::verbs::LogsVerb;
use crate::app::diagnose;
use crate::app::logs::feed::{FeedCmd, FeedReport};
use crate::app::logs::query::{self, OpenedRow, QueryReport};
use crate::app::logs::{TailMode, TailStatus};
use crate::domain::Api;
use crate::ui::action::Action;
use crate::ui::components::styles::BodyStyles;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::response::screen::copy_effect;

/// The doctor's verdict on a record, with the API's configuration at hand.
pub(crate) fn diagnose_with(api: Api) -> Diagnose {
    Box::new(move |rec| diagnose::record(Some(&api), rec))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn connection(s: &TailStatus, was: &Connection) -> Connection {
    match s.mode {
        TailMode::Connecting => Connection::Connecting,
        TailMode::Live => Connection::LiveTail,
        TailMode::Polling => Connection::Polling {
            backoff_ms: s.backoff_ms,
        },
        // The page shows "paused" itself; keep saying how it was reading.
        TailMode::Paused => was.clone(),
        TailMode::Stopped => Connection::Idle,
    }
}

/// Apply one report of the live feed.
pub(crate) fn apply_feed(page: &mut LogsPage, report: FeedReport) -> Vec<Effect> {
    let mut effects = Vec::new();
    if let Some(t) = report.targets {
        page.tail.groups = t.all_groups();
        if t.advice.logging_on && !t.advice.is_ok() {
            effects.push(Effect::Error(format!(
                "{}: records will show unmatched; paste this format into the stage's access-log settings: {}",
                t.advice.message, t.advice.recommended
            )));
        }
        effects.extend(t.notes.iter().cloned().map(Effect::Info));
        page.targets = Some(t);
    }
    if report.replace {
        page.clear_records();
        page.showing_query = false;
    }
    if !page.showing_query {
        if !report.records.is_empty() {
            page.add_rows(report.records);
        }
        if let Some(s) = &report.status {
            page.tail.connection = connection(s, &page.tail.connection);
            // The tailer's own lag is the age of the newest event, which
            // grows while nothing happens; the feed measures it per batch.
        }
        if let Some(lag) = report.lag_ms {
            page.tail.lag_ms = Some(lag);
        }
    }
    effects.extend(report.errors.into_iter().map(Effect::Error));
    if let Some(fatal) = report.fatal {
        page.tail.connection = Connection::Failed(fatal.clone());
        effects.push(Effect::Error(fatal));
    }
    // New records may have moved the selection onto one not read yet.
    effects.extend(page.exec_fetch());
    effects
}

/// Apply one report of a running Insights query.
fn apply_query(page: &mut LogsPage, report: QueryReport) -> Vec<Effect> {
    match report {
        QueryReport::Progress(p) => {
            page.insights.progress = Some(p);
            vec![]
        }
        QueryReport::Done {
            progress,
            records,
            rows,
        } => {
            page.query = None;
            let complete = progress.status == "Complete";
            page.insights.progress = Some(progress);
            page.insights.set_rows(rows);
            if !complete || (records.is_empty() && !page.insights.rows.is_empty()) {
                return vec![];
            }
            // The results replace the tail's records until `p` resumes it.
            if let Some(feed) = &page.feed {
                feed.send(FeedCmd::Pause);
            }
            page.paused = true;
            page.showing_query = true;
            page.clear_records();
            let n = records.len();
            page.add_records(records);
            page.tail.connection = Connection::Query;
            vec![Effect::Info(format!(
                "{n} records from Logs Insights · p goes back to the live tail"
            ))]
        }
    }
}

/// A result row opened: the pane shows its new fields, and its record joins
/// the list (the tail pauses, as for query results) and is selected.
fn apply_opened(page: &mut LogsPage, opened: OpenedRow) -> Vec<Effect> {
    let OpenedRow {
        index,
        row,
        records,
        note,
    } = opened;
    page.insights.row_opened(index, row, note);
    if records.is_empty() {
        return vec![];
    }
    if !page.showing_query {
        if let Some(feed) = &page.feed {
            feed.send(FeedCmd::Pause);
        }
        page.paused = true;
        page.showing_query = true;
        page.clear_records();
        page.tail.connection = Connection::Query;
    }
    let request_id = records[0].access.request_id.clone();
    page.add_records(records);
    if let Some(id) = request_id {
        page.select_request_id(&id);
    }
    vec![Effect::Info(format!(
        "row {} opened (full record via @ptr) · p goes back to the live tail",
        index + 1
    ))]
}

impl Drop for LogsPage {
    fn drop(&mut self) {
        // A closed page's query would otherwise run on to its end (the
        // feed stops by itself: its control is dropped with the page).
        if let Some(q) = &self.query {
            q.cancel();
        }
    }
}

impl LogsPage {
    fn effect(&mut self, effect: LogsEffect, shared: &Shared) -> Vec<Effect> {
        match effect {
            LogsEffect::SetPaused(paused) => {
                let cmd = match (paused, self.showing_query) {
                    (true, _) => FeedCmd::Pause,
                    (false, false) => FeedCmd::Resume { replay: false },
                    (false, true) => {
                        // Back from Insights results: the feed sends its
                        // whole book again, then carries on.
                        self.showing_query = false;
                        self.clear_records();
                        self.tail.connection = Connection::Connecting;
                        FeedCmd::Resume { replay: true }
                    }
                };
                match &self.feed {
                    Some(feed) => feed.send(cmd),
                    None => return vec![Effect::Error("this view has no live feed".into())],
                }
                vec![]
            }
            LogsEffect::Insights(InsightsEffect::Run { query, range }) => {
                let Some(targets) = &self.targets else {
                    self.insights.progress = None;
                    return vec![Effect::Error(
                        "the stage's log groups are still being looked up: run the query again in a moment".into(),
                    )];
                };
                match query::start(
                    shared.backend.logs.clone(),
                    targets,
                    query,
                    range.logs_range(),
                ) {
                    Ok((handle, reports)) => {
                        if let Some(old) = self.query.replace(handle) {
                            old.cancel();
                        }
                        let updates = reports.map(|r| {
                            move |page: &mut LogsPage, _: &mut Shared| apply_query(page, r)
                        });
                        vec![Effect::stream::<LogsPage, _, _>("Insights query", updates)]
                    }
                    Err(e) => {
                        self.insights.progress = None;
                        vec![Effect::Error(e)]
                    }
                }
            }
            LogsEffect::Insights(InsightsEffect::OpenRow { index, row }) => {
                let Some(targets) = self.targets.clone() else {
                    return vec![];
                };
                let fut = query::open_row(shared.backend.logs.clone(), targets, index, row);
                vec![Effect::task::<LogsPage, _, _>("GetLogRecord", async move {
                    let opened = fut.await;
                    move |page: &mut LogsPage, _: &mut Shared| apply_opened(page, opened)
                })]
            }
            LogsEffect::Insights(InsightsEffect::Cancel) => {
                if let Some(q) = &self.query {
                    q.cancel();
                }
                vec![]
            }
            LogsEffect::Copy { text, what } => vec![copy_effect(&text, &what)],
        }
    }
}

impl Page for LogsPage {
    fn title(&self, _shared: &Shared) -> String {
        match &self.selection.stage_name {
            Some(s) => format!("logs {s}"),
            None => "logs".into(),
        }
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["logs", "list"]
    }

    fn captures_keys(&self) -> bool {
        self.is_typing()
    }

    fn filter(&self) -> &str {
        self.store.filter().source()
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        self.selection.clone()
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        let k = match action {
            Action::Key(k) => *k,
            Action::SetFilter(text) => {
                self.set_filter_text(text);
                return Some(vec![]);
            }
            // Esc / h one level at a time: out of the detail pane, then
            // clear the filter, then off the page.
            Action::Back => {
                if self.focus_records() {
                    return Some(vec![]);
                }
                if !self.store.filter().is_empty() {
                    self.set_filter_text("");
                    return Some(vec![Effect::Info("filter cleared".into())]);
                }
                return None;
            }
            Action::Refresh => return Some(super::open::restart_feed(self, shared)),
            Action::Up => key(KeyCode::Up),
            Action::Down => key(KeyCode::Down),
            Action::PageUp => key(KeyCode::PageUp),
            Action::PageDown => key(KeyCode::PageDown),
            Action::Top => key(KeyCode::Home),
            Action::Bottom => key(KeyCode::End),
            Action::NextTab | Action::PrevTab | Action::Enter => key(KeyCode::Tab),
            Action::Page(verb) => {
                let effect = self.verb(LogsVerb::parse(verb)?);
                return Some(match effect {
                    Some(e) => self.effect(e, shared),
                    None => vec![],
                });
            }
            _ => return None,
        };
        let mut effects = match self.handle_key(k) {
            Some(e) => self.effect(e, shared),
            None => vec![],
        };
        effects.extend(self.exec_fetch());
        Some(effects)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let styles = BodyStyles::from_theme(&shared.theme);
        LogsPage::render(self, frame, area, &styles);
    }
}
