//! The history page: two tabs, the sent requests of one API (newest first)
//! and the saved requests of every collection, read through
//! [`crate::app::history`] (a task: files are never read on the UI loop).
//! Enter re-opens one in the composer, `s` sends it again, `d` deletes it;
//! `/` filters.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Tabs};
use tokio_util::sync::CancellationToken;

use super::rows::{self, SavedRow};
use crate::app::history::{self as stored, Listing, Store, Stored};
use crate::domain::RequestDraft;
use crate::store::HistoryEntry;
use crate::ui::action::Action;
use crate::ui::components::FilterList;
use crate::ui::components::scroll_text::page_block;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::compose::reopen::{cut_body_message, reenter_message};
use crate::ui::views::response::sent::{self, SendJob, SendResult};

crate::ui::verbs::page_verbs! {
    /// The history page's own verbs (`[history]` in the keymap).
    pub(crate) enum HistoryVerb {
        Resend = "resend",
        Delete = "delete",
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HistoryTab {
    Sent,
    Saved,
}

pub(crate) struct HistoryPage {
    /// History key: the API id, or `host_port` for free URLs.
    pub key: String,
    /// What the breadcrumb calls it (the API's name when known).
    pub label: String,
    store: Store,
    pub tab: HistoryTab,
    pub entries: Vec<HistoryEntry>,
    pub saved: Vec<SavedRow>,
    sent_list: FilterList,
    saved_list: FilterList,
    /// Bumped on every reload so the lists re-filter.
    generation: u64,
    /// True until the first read came back.
    pub loading: bool,
    /// A file could not be read or was corrupt (one line).
    pub warning: Option<String>,
    /// Record re-sends in the history (off in tests).
    pub record_history: bool,
    /// Fixed "now" for snapshots; the clock otherwise.
    pub now_ms: Option<i64>,
    pub sending: Option<CancellationToken>,
    /// The row `d` was pressed on once (deleting needs a second `d`).
    pending_delete: Option<String>,
    /// The entry with a cut body `s` was pressed on once (sending only
    /// the stored part needs a second `s`).
    pending_resend: Option<String>,
}

impl HistoryPage {
    /// An empty page: open it with [`HistoryPage::open`] (or apply
    /// [`HistoryPage::reload`]'s effect) to read the store.
    pub fn new(key: &str, label: &str, store: Store) -> HistoryPage {
        HistoryPage {
            key: key.to_string(),
            label: label.to_string(),
            store,
            tab: HistoryTab::Sent,
            entries: Vec::new(),
            saved: Vec::new(),
            sent_list: FilterList::default(),
            saved_list: FilterList::default(),
            generation: 0,
            loading: true,
            warning: None,
            record_history: true,
            now_ms: None,
            sending: None,
            pending_delete: None,
            pending_resend: None,
        }
    }

    /// Push this page and read the store for it.
    pub fn open(self) -> Effect {
        let read = self.reload();
        Effect::PushWith(Box::new(self), vec![read])
    }

    /// Read both stores again (on open, after a send, a delete, or `r`),
    /// off the UI loop.
    pub(crate) fn reload(&self) -> Effect {
        let (store, key) = (self.store.clone(), self.key.clone());
        Effect::task::<HistoryPage, _, _>("reading the history", async move {
            let listing = stored::list(store, key).await;
            move |page: &mut HistoryPage, _: &mut Shared| {
                page.loaded(listing);
                vec![]
            }
        })
    }

    fn loaded(&mut self, listing: Listing) {
        self.loading = false;
        self.entries = listing.sent;
        self.saved = listing.saved;
        self.warning = listing.warning;
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
    pub(crate) fn selected_draft(&self) -> Option<&RequestDraft> {
        let i = self.list().selected()?;
        match self.tab {
            HistoryTab::Sent => self.entries.get(i).map(|e| &e.draft),
            HistoryTab::Saved => self.saved.get(i).map(|r| &r.request.draft),
        }
    }

    /// The sent entry under the cursor (none on the saved tab).
    fn selected_entry(&self) -> Option<&HistoryEntry> {
        let i = self.list().selected()?;
        match self.tab {
            HistoryTab::Sent => self.entries.get(i),
            HistoryTab::Saved => None,
        }
    }

    /// A composer on the selected stored request, saying what to re-enter
    /// and whether its body was kept whole.
    fn composer_for(&self, draft: &RequestDraft) -> ComposePage {
        let mut page = ComposePage::reopen(draft);
        page.record_history = self.record_history;
        if let Some(e) = self.selected_entry() {
            page.set_cut_body(e.body_truncated_from);
        }
        page
    }

    /// The selected request as it will be opened or sent: in the demo, a
    /// credential stored by name only (`api-key:trial`) is the running
    /// demo's credential of that name again.
    fn selected_for_use(&self, shared: &Shared) -> Option<RequestDraft> {
        let mut draft = self.selected_draft()?.clone();
        if shared.backend.info.demo {
            crate::app::examples::fill_demo_credential(&mut draft);
        }
        Some(draft)
    }

    fn open_selected(&self, shared: &Shared) -> Vec<Effect> {
        match self.selected_for_use(shared) {
            Some(d) => vec![Effect::Push(Box::new(self.composer_for(&d)))],
            None => vec![Effect::Info("nothing selected".into())],
        }
    }

    /// Send the selected request again, then show the composer with the
    /// response on top (so `e` on the response goes back to the composer).
    /// A request with redacted secrets opens in the composer instead; one
    /// whose body was stored cut asks for a second `s`.
    fn resend_selected(&mut self, shared: &Shared) -> Vec<Effect> {
        if self.sending.is_some() {
            return vec![Effect::Info(
                "a request is already running (Esc cancels it)".into(),
            )];
        }
        let Some(draft) = self.selected_for_use(shared) else {
            return vec![Effect::Info("nothing selected".into())];
        };
        if let Some(m) = reenter_message(&draft) {
            return vec![
                Effect::Push(Box::new(self.composer_for(&draft))),
                Effect::Error(m),
            ];
        }
        let cut = self
            .selected_entry()
            .and_then(|e| Some((e.id.clone(), e.body_truncated_from?)));
        if let Some((id, real)) = &cut
            && self.pending_resend.as_ref() != Some(id)
        {
            self.pending_resend = Some(id.clone());
            let m = cut_body_message(draft.body.len(), *real);
            return vec![Effect::Error(format!(
                "{m}: press s again to send it anyway"
            ))];
        }
        self.pending_resend = None;
        let cancel = CancellationToken::new();
        self.sending = Some(cancel.clone());
        let job = SendJob {
            api: shared
                .inventory
                .api(draft.target.api_id.as_deref().unwrap_or(""))
                .cloned(),
            draft: draft.clone(),
            backend: shared.backend.clone(),
            client: shared.http.clone(),
            cancel,
            record: self.record_history,
            // Recorded where this page reads, so the reload shows it.
            store: self.store.clone(),
        };
        let cut_from = cut.map(|(_, real)| real);
        vec![Effect::task::<HistoryPage, _, _>("sending", async move {
            let result = sent::run(job).await;
            move |page: &mut HistoryPage, _: &mut Shared| page.resent(&draft, cut_from, result)
        })]
    }

    fn resent(
        &mut self,
        draft: &RequestDraft,
        cut_from: Option<u64>,
        result: SendResult,
    ) -> Vec<Effect> {
        self.sending = None;
        let mut composer = ComposePage::reopen(draft);
        composer.record_history = self.record_history;
        // Sent as stored, knowingly: the composer still says the body is cut.
        composer.set_cut_body(cut_from);
        composer.confirm_cut_body();
        let mut effects = composer.finish(result);
        effects.insert(0, Effect::Push(Box::new(composer)));
        effects.insert(0, self.reload());
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
                    Stored::Sent {
                        key: self.key.clone(),
                        id: e.id.clone(),
                    },
                    format!("{} {}", e.request.method, e.draft.path),
                ),
                None => return vec![],
            },
            HistoryTab::Saved => match self.saved.get(i) {
                Some(r) => (
                    Stored::Saved {
                        collection: r.collection.clone(),
                        name: r.request.name.clone(),
                    },
                    format!("`{}` from {}", r.request.name, r.collection),
                ),
                None => return vec![],
            },
        };
        let mark = format!("{target:?}");
        if self.pending_delete.as_deref() != Some(mark.as_str()) {
            self.pending_delete = Some(mark);
            return vec![Effect::Info(format!("press d again to delete {what}"))];
        }
        self.pending_delete = None;
        let store = self.store.clone();
        vec![Effect::task::<HistoryPage, _, _>("deleting", async move {
            let result = stored::forget(store, target).await;
            move |page: &mut HistoryPage, _: &mut Shared| {
                let note = match result {
                    Ok(_) => Effect::Info(format!("deleted {what}")),
                    Err(e) => Effect::Error(e),
                };
                vec![note, page.reload()]
            }
        })]
    }

    fn verb(&mut self, verb: HistoryVerb, shared: &Shared) -> Vec<Effect> {
        match verb {
            HistoryVerb::Resend => self.resend_selected(shared),
            HistoryVerb::Delete => self.delete_selected(),
        }
    }
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
        let verb = match action {
            Action::Page(v) => HistoryVerb::parse(v),
            _ => None,
        };
        if verb != Some(HistoryVerb::Delete) {
            self.pending_delete = None;
        }
        if verb != Some(HistoryVerb::Resend) {
            self.pending_resend = None;
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
            Action::Refresh => vec![self.reload()],
            Action::Enter => self.open_selected(shared),
            Action::Page(_) => self.verb(verb?, shared),
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
        let mut block = page_block(title, theme);
        if let Some(w) = &self.warning {
            block = block.title_bottom(Line::styled(format!(" ✗ {w} "), theme.get("error")));
        }
        if total == 0 {
            let text = match self.tab {
                _ if self.loading => "reading the history…",
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
