//! The history page: two tabs, the sent requests of one API (newest first,
//! from `store::History`) and the saved requests of every collection
//! (`store::Collection`). Enter re-opens one in the composer, `s` sends it
//! again, `d` deletes it; `/` filters.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Paragraph, Row, Table, Tabs};
use tokio_util::sync::CancellationToken;

use super::rows::{self, SavedRow};
use crate::backends::http::{SendOptions, Sender};
use crate::domain::RequestDraft;
use crate::store::{Collection, History, HistoryEntry, StoreOptions};
use crate::ui::action::Action;
use crate::ui::components::FilterList;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::compose::reopen::reenter_message;
use crate::ui::views::response::sent::{self, SendJob, SendResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryTab {
    Sent,
    Saved,
}

/// Where the files are: the XDG data dir, or a temp dir in tests.
#[derive(Debug, Clone)]
pub struct StoreDirs {
    pub history: PathBuf,
    pub collections: PathBuf,
}

impl Default for StoreDirs {
    fn default() -> Self {
        StoreDirs {
            history: History::dir(),
            collections: Collection::dir(),
        }
    }
}

pub struct HistoryPage {
    /// History key: the API id, or `host_port` for free URLs.
    pub key: String,
    /// What the breadcrumb calls it (the API's name when known).
    pub label: String,
    dirs: StoreDirs,
    pub tab: HistoryTab,
    pub entries: Vec<HistoryEntry>,
    pub saved: Vec<SavedRow>,
    sent_list: FilterList,
    saved_list: FilterList,
    /// Bumped on every reload so the lists re-filter.
    generation: u64,
    /// A file could not be read or was corrupt (one line).
    pub warning: Option<String>,
    /// Record re-sends in the history (off in tests).
    pub record_history: bool,
    /// Fixed "now" for snapshots; the clock otherwise.
    pub now_ms: Option<i64>,
    pub sending: Option<CancellationToken>,
    /// The row `d` was pressed on once (deleting needs a second `d`).
    pending_delete: Option<String>,
}

impl HistoryPage {
    pub fn new(key: &str, label: &str, dirs: StoreDirs) -> HistoryPage {
        let mut page = HistoryPage {
            key: key.to_string(),
            label: label.to_string(),
            dirs,
            tab: HistoryTab::Sent,
            entries: Vec::new(),
            saved: Vec::new(),
            sent_list: FilterList::default(),
            saved_list: FilterList::default(),
            generation: 0,
            warning: None,
            record_history: true,
            now_ms: None,
            sending: None,
            pending_delete: None,
        };
        page.reload();
        page
    }

    /// Read both stores again (after a send, a delete, or `r`).
    pub fn reload(&mut self) {
        let mut warnings = Vec::new();
        match History::open_in(&self.dirs.history, &self.key, StoreOptions::from_env()) {
            Ok(h) => {
                warnings.extend(h.warning.clone());
                self.entries = h.entries().to_vec();
            }
            Err(e) => warnings.push(e.to_string()),
        }
        self.saved.clear();
        for name in collection_names(&self.dirs.collections) {
            match Collection::open_in(&self.dirs.collections, &name, StoreOptions::from_env()) {
                Ok(c) => {
                    warnings.extend(c.warning.clone());
                    self.saved.extend(c.requests().iter().map(|r| SavedRow {
                        collection: name.clone(),
                        request: r.clone(),
                    }));
                }
                Err(e) => warnings.push(e.to_string()),
            }
        }
        self.warning = (!warnings.is_empty()).then(|| warnings.join(" · "));
        self.generation += 1;
        self.sync();
    }

    fn sync(&mut self) {
        let (entries, saved) = (&self.entries, &self.saved);
        self.sent_list
            .sync(self.generation, || entries.iter().map(rows::sent_haystack));
        self.saved_list
            .sync(self.generation, || saved.iter().map(rows::saved_haystack));
    }

    fn list_mut(&mut self) -> &mut FilterList {
        match self.tab {
            HistoryTab::Sent => &mut self.sent_list,
            HistoryTab::Saved => &mut self.saved_list,
        }
    }

    fn list(&self) -> &FilterList {
        match self.tab {
            HistoryTab::Sent => &self.sent_list,
            HistoryTab::Saved => &self.saved_list,
        }
    }

    /// The draft under the cursor, on either tab.
    pub fn selected_draft(&self) -> Option<&RequestDraft> {
        let i = self.list().selected()?;
        match self.tab {
            HistoryTab::Sent => self.entries.get(i).map(|e| &e.draft),
            HistoryTab::Saved => self.saved.get(i).map(|r| &r.request.draft),
        }
    }

    fn open_selected(&self) -> Vec<Effect> {
        match self.selected_draft() {
            Some(d) => {
                let mut page = ComposePage::reopen(d);
                page.record_history = self.record_history;
                vec![Effect::Push(Box::new(page))]
            }
            None => vec![Effect::Info("nothing selected".into())],
        }
    }

    /// Send the selected request again, then show the composer with the
    /// response on top (so `e` on the response goes back to the composer).
    /// A request with redacted secrets opens in the composer instead.
    fn resend_selected(&mut self, shared: &Shared) -> Vec<Effect> {
        if self.sending.is_some() {
            return vec![Effect::Info(
                "a request is already running (Esc cancels it)".into(),
            )];
        }
        let Some(draft) = self.selected_draft().cloned() else {
            return vec![Effect::Info("nothing selected".into())];
        };
        if let Some(m) = reenter_message(&draft) {
            let mut page = ComposePage::reopen(&draft);
            page.record_history = self.record_history;
            return vec![Effect::Push(Box::new(page)), Effect::Error(m)];
        }
        let sender = match Sender::new(SendOptions::default()) {
            Ok(s) => Arc::new(s),
            Err(e) => return vec![Effect::Error(e.to_string())],
        };
        let cancel = CancellationToken::new();
        self.sending = Some(cancel.clone());
        let job = SendJob {
            api: shared
                .inventory
                .api(draft.target.api_id.as_deref().unwrap_or(""))
                .cloned(),
            draft: draft.clone(),
            backend: shared.backend.clone(),
            sender,
            cancel,
            record: self.record_history,
        };
        vec![Effect::task::<HistoryPage, _, _>("sending", async move {
            let result = sent::run(job).await;
            move |page: &mut HistoryPage, _: &mut Shared| page.resent(&draft, result)
        })]
    }

    fn resent(&mut self, draft: &RequestDraft, result: SendResult) -> Vec<Effect> {
        self.sending = None;
        self.reload();
        let mut composer = ComposePage::reopen(draft);
        composer.record_history = self.record_history;
        let mut effects = composer.finish(result);
        effects.insert(0, Effect::Push(Box::new(composer)));
        effects
    }

    /// `d` asks, a second `d` on the same row deletes: one stray key must
    /// not lose a saved request.
    fn delete_selected(&mut self) -> Vec<Effect> {
        let Some(i) = self.list().selected() else {
            return vec![Effect::Info("nothing selected".into())];
        };
        let (target, what) = match self.tab {
            HistoryTab::Sent => match self.entries.get(i) {
                Some(e) => (
                    format!("sent:{}", e.id),
                    format!("{} {}", e.request.method, e.draft.path),
                ),
                None => return vec![],
            },
            HistoryTab::Saved => match self.saved.get(i) {
                Some(r) => (
                    format!("saved:{}/{}", r.collection, r.request.name),
                    format!("`{}` from {}", r.request.name, r.collection),
                ),
                None => return vec![],
            },
        };
        if self.pending_delete.as_deref() != Some(target.as_str()) {
            self.pending_delete = Some(target);
            return vec![Effect::Info(format!("press d again to delete {what}"))];
        }
        self.pending_delete = None;
        let opts = StoreOptions::from_env();
        let result = match self.tab {
            HistoryTab::Sent => History::open_in(&self.dirs.history, &self.key, opts)
                .and_then(|mut h| h.remove(&self.entries[i].id)),
            HistoryTab::Saved => {
                let r = &self.saved[i];
                Collection::open_in(&self.dirs.collections, &r.collection, opts)
                    .and_then(|mut c| c.remove(&r.request.name))
            }
        };
        self.reload();
        match result {
            Ok(_) => vec![Effect::Info(format!("deleted {what}"))],
            Err(e) => vec![Effect::Error(e.to_string())],
        }
    }

    fn verb(&mut self, verb: &str, shared: &Shared) -> Option<Vec<Effect>> {
        Some(match verb {
            "resend" => self.resend_selected(shared),
            "delete" => self.delete_selected(),
            _ => return None,
        })
    }
}

/// Collections on disk (file stems), sorted.
fn collection_names(dir: &Path) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = rd
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_string_lossy()
                .strip_suffix(".json")
                .map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

impl Page for HistoryPage {
    fn title(&self, _shared: &Shared) -> String {
        format!("history {}", self.label)
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["history", "tabs", "list"]
    }

    fn filter(&self) -> &str {
        self.list().filter()
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        let d = self.selected_draft();
        Selection {
            api_id: d.and_then(|d| d.target.api_id.clone()),
            route_key: d.and_then(|d| d.target.route_key.clone()),
            stage_name: d.and_then(|d| d.target.stage.clone()),
        }
    }

    fn request_draft(&self) -> Option<RequestDraft> {
        self.selected_draft().cloned()
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        self.sync();
        if *action != Action::Page("delete".into()) {
            self.pending_delete = None;
        }
        let list = self.list_mut();
        if list.handle(action) {
            self.sync();
            return Some(vec![]);
        }
        let effects = match action {
            Action::Back if self.sending.is_some() => {
                if let Some(c) = self.sending.take() {
                    c.cancel();
                }
                vec![Effect::Info("request cancelled".into())]
            }
            Action::Back if !self.list().filter().is_empty() => {
                self.list_mut().set_filter("");
                vec![]
            }
            Action::NextTab | Action::PrevTab => {
                self.tab = match self.tab {
                    HistoryTab::Sent => HistoryTab::Saved,
                    HistoryTab::Saved => HistoryTab::Sent,
                };
                vec![]
            }
            Action::Refresh => {
                self.reload();
                vec![]
            }
            Action::Enter => self.open_selected(),
            Action::Page(verb) => return self.verb(verb, shared),
            _ => return None,
        };
        self.sync();
        Some(effects)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        self.sync();
        let theme = &shared.theme;
        let now = self
            .now_ms
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
        let [tabs_row, table_area, hint_row] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        let titles = [
            format!("Sent ({})", self.entries.len()),
            format!("Saved ({})", self.saved.len()),
        ];
        frame.render_widget(
            Tabs::new(titles)
                .select(usize::from(self.tab == HistoryTab::Saved))
                .style(theme.get("tab"))
                .highlight_style(theme.get("tab_active")),
            tabs_row,
        );

        let (what, total) = match self.tab {
            HistoryTab::Sent => (format!("Sent to {}", self.label), self.entries.len()),
            HistoryTab::Saved => ("Saved requests".to_string(), self.saved.len()),
        };
        let mut title = vec![Span::styled(format!(" {what} "), theme.get("title"))];
        if !self.list().filter().is_empty() {
            title.push(Span::styled(
                format!(
                    "/{} ({} shown) ",
                    self.list().filter(),
                    self.list().visible().len()
                ),
                theme.get("key"),
            ));
        }
        let mut block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(theme.get("border"))
            .title(Line::from(title));
        if let Some(w) = &self.warning {
            block = block.title_bottom(Line::styled(format!(" ✗ {w} "), theme.get("error")));
        }
        if total == 0 {
            let text = match self.tab {
                HistoryTab::Sent => "Nothing sent to this API yet: :send composes a request.",
                HistoryTab::Saved => "No saved requests: :save NAME in the composer keeps one.",
            };
            frame.render_widget(
                Paragraph::new(Line::styled(text, theme.get("dim"))).block(block),
                table_area,
            );
        } else {
            let (header, widths, cells): (_, [Constraint; 6], Vec<[String; 6]>) = match self.tab {
                HistoryTab::Sent => (
                    ["WHEN", "METHOD", "PATH", "AUTH", "STATUS", "TIME"],
                    [
                        Constraint::Length(10),
                        Constraint::Length(7),
                        Constraint::Fill(1),
                        Constraint::Length(18),
                        Constraint::Length(16),
                        Constraint::Length(9),
                    ],
                    self.sent_list
                        .visible()
                        .iter()
                        .filter_map(|&i| self.entries.get(i))
                        .map(|e| rows::sent_cells(e, now))
                        .collect(),
                ),
                HistoryTab::Saved => (
                    ["NAME", "COLLECTION", "METHOD", "URL", "AUTH", "SAVED"],
                    [
                        Constraint::Length(20),
                        Constraint::Length(12),
                        Constraint::Length(7),
                        Constraint::Fill(1),
                        Constraint::Length(18),
                        Constraint::Length(10),
                    ],
                    self.saved_list
                        .visible()
                        .iter()
                        .filter_map(|&i| self.saved.get(i))
                        .map(|r| rows::saved_cells(r, now))
                        .collect(),
                ),
            };
            let status_col = (self.tab == HistoryTab::Sent).then_some(4);
            let table_rows = cells.into_iter().map(|c| {
                Row::new(c.into_iter().enumerate().map(|(i, text)| {
                    let style = match status_col {
                        Some(col) if col == i && !text.starts_with(['1', '2', '3']) => {
                            theme.get("error")
                        }
                        _ => Default::default(),
                    };
                    Cell::from(Span::styled(text, style))
                }))
            });
            let table = Table::new(table_rows, widths)
                .header(Row::new(header).style(theme.get("header")))
                .block(block)
                .row_highlight_style(theme.get("selected"))
                .highlight_symbol("› ");
            let list = self.list_mut();
            list.viewport = table_area;
            list.header_rows = 2;
            frame.render_stateful_widget(table, table_area, &mut list.state);
        }
        let hint = if self.sending.is_some() {
            Line::styled("sending… Esc cancels", theme.get("status"))
        } else {
            Line::styled(
                "Enter open in the composer · s send again · d d delete · / filter · Tab sent/saved · r reload",
                theme.get("dim"),
            )
        };
        frame.render_widget(hint, hint_row);
    }
}
