//! The logs page: the record list (left) and the selected record's detail
//! (right), the `/` filter, sorting, pause/resume, the tail's connection
//! state, and the Insights pane.

use std::sync::Arc;

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};

use super::detail::detail_lines;
use super::filter::LogFilter;
use super::insights::{InsightsEffect, InsightsPane};
use super::store::RecordStore;
use super::table::RecordTable;
use super::verbs::LogsVerb;
use crate::app::logs::row::Row;
use crate::domain::{CorrelatedRecord, Finding};
use crate::engines::correlate::rebuilt_event;
use crate::ui::components::line_input::{InputOutcome, LineInput};
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::text_view::{Lines, Scroll, ScrollView};
use crate::ui::views::doctor::pane::finding_text;

/// How records reach the page, as the logs service reports it.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Connection {
    #[default]
    Idle,
    Connecting,
    /// StartLiveTail session open.
    LiveTail,
    /// FilterLogEvents polling (live tail unavailable); `backoff_ms` grows on throttling.
    Polling {
        backoff_ms: u64,
    },
    /// Showing the results of an Insights query.
    Query,
    Failed(String),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct TailState {
    pub connection: Connection,
    /// Now minus the newest event's ingestion time.
    pub lag_ms: Option<i64>,
    /// Log groups being read.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Records,
    Detail,
    Insights,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LogsEffect {
    /// Pause (true) or resume the tail; the page keeps records either way.
    SetPaused(bool),
    Insights(InsightsEffect),
    Copy {
        text: String,
        what: String,
    },
}

/// Computes the findings for a record (the doctor's log-side rules).
pub(crate) type Diagnose = Box<dyn Fn(&CorrelatedRecord) -> Vec<Finding> + Send>;

pub struct LogsPage {
    pub store: RecordStore,
    pub tail: TailState,
    pub insights: InsightsPane,
    pub paused: bool,
    /// Shown in the title: API and stage.
    pub title: String,
    pub focus: Focus,
    pub diagnose: Option<Diagnose>,
    selected: usize,
    top: usize,
    /// Keep the newest record selected as records arrive.
    follow: bool,
    filter_input: Option<LineInput>,
    detail_scroll: Scroll,
    /// Event folded or open, long lines wrapped or cut (`o`, `w`).
    pub detail_options: super::detail::DetailOptions,
    /// The options changed: rebuild the detail lines.
    detail_dirty: bool,
    /// Detail lines of the selected record: (seq, width, findings, lines).
    detail_cache: Option<(u64, u16, Vec<Finding>, Vec<Line<'static>>)>,
    pub notice: Option<String>,
    /// "See its logs": the API Gateway request id to select once its access
    /// record arrives (it may take seconds).
    pub waiting_for: Option<String>,
    /// The live feed behind the page (`None` in pure view tests); dropping
    /// it with the page stops the tail.
    pub feed: Option<crate::app::logs::feed::FeedControl>,
    /// The running Insights query, for Ctrl+X (StopQuery).
    pub query: Option<crate::app::logs::QueryHandle>,
    /// Which API and stage the page shows (for `:` commands run from here).
    pub selection: crate::ui::page::Selection,
    /// The stage's log groups, once discovered (Insights queries need them).
    pub targets: Option<crate::app::logs::LogTargets>,
    /// The view shows Insights results, not the tail (resume goes back).
    pub showing_query: bool,
    /// The selected record's execution-log lines (REST stages that write them).
    pub exec_logs: super::exec::ExecLogs,
    /// The `access_format` of `targets` the store's format was made from.
    store_format_of: Option<Option<String>>,
}

impl LogsPage {
    pub fn new(title: impl Into<String>, store: RecordStore) -> Self {
        LogsPage {
            store,
            tail: TailState::default(),
            insights: InsightsPane::default(),
            paused: false,
            title: title.into(),
            focus: Focus::Records,
            diagnose: None,
            selected: 0,
            top: 0,
            follow: true,
            filter_input: None,
            detail_scroll: Scroll::default(),
            detail_options: Default::default(),
            detail_dirty: false,
            detail_cache: None,
            notice: None,
            waiting_for: None,
            feed: None,
            query: None,
            selection: Default::default(),
            targets: None,
            showing_query: false,
            exec_logs: Default::default(),
            store_format_of: None,
        }
    }

    /// Rebuild the detail lines at the next render (new execution-log lines).
    pub(super) fn mark_detail_dirty(&mut self) {
        self.detail_dirty = true;
    }

    pub(crate) fn selected_index(&self) -> Option<usize> {
        (self.store.view_len() > 0).then(|| self.selected.min(self.store.view_len() - 1))
    }

    fn selected_seq(&self) -> Option<u64> {
        self.store
            .view_get(self.selected_index()?)
            .map(|(seq, _)| seq)
    }

    /// The selected record, with the event rebuilt from its access fields
    /// when its function logged none: the store does not keep rebuilt events
    /// (a kilobyte or two of JSON per record, for 100 k records), and
    /// rebuilding is a function of the record and the stage's options.
    pub(crate) fn selected_record(&self) -> Option<(u64, CorrelatedRecord)> {
        let (seq, kept) = self.store.view_get(self.selected_index()?)?;
        let mut rec = kept.to_record();
        if rec.event.is_none()
            && let Some(opts) = self.targets.as_ref().map(|t| t.correlate_options())
        {
            rec.event = rebuilt_event(&rec.access, &opts);
        }
        Some((seq, rec))
    }

    pub(crate) fn is_typing(&self) -> bool {
        self.filter_input.is_some() || self.focus == Focus::Insights
    }

    /// The store keeps records as their lines when it knows the stage's
    /// format (the one the log book parsed them with): made once per format.
    fn sync_store_format(&mut self) {
        let of = self.targets.as_ref().map(|t| t.access_format.clone());
        if of != self.store_format_of {
            let format = self.targets.as_ref().map(|t| Arc::new(t.format()));
            self.store.set_format(format);
            self.store_format_of = of;
        }
    }

    /// New or updated records from a query (or a test): kept as their
    /// lines when the stage's format parses them back.
    pub fn add_records(&mut self, records: impl IntoIterator<Item = CorrelatedRecord>) {
        self.sync_store_format();
        // With the stage's options at hand, `selected_record` rebuilds the
        // same event when the record is opened: drop it here.
        let rebuilds = self.targets.is_some();
        let format = self.store.format().cloned();
        let rows: Vec<Row> = records
            .into_iter()
            .map(|mut r| {
                if rebuilds && r.event.as_ref().is_some_and(|e| e.reconstructed) {
                    r.event = None;
                }
                Row::new(r, format.as_ref())
            })
            .collect();
        self.add_rows(rows);
    }

    /// New or updated records as rows (the live feed makes them).
    pub fn add_rows(&mut self, rows: impl IntoIterator<Item = Row>) {
        let keep = self.selected_seq();
        for r in rows {
            self.store.upsert_row(r);
        }
        self.detail_cache = None;
        if self.follow {
            self.selected = self.store.view_len().saturating_sub(1);
        } else if let Some(pos) = keep.and_then(|s| self.store.view_position(s)) {
            self.selected = pos;
        }
        if let Some(id) = self.waiting_for.clone()
            && self.select_request_id(&id)
        {
            self.waiting_for = None;
            self.notice = Some(format!("request {id}"));
        }
    }

    /// Select the record of this request now, or as soon as it arrives.
    pub(crate) fn wait_for_request(&mut self, request_id: &str) {
        if self.select_request_id(request_id) {
            self.waiting_for = None;
            self.notice = Some(format!("request {request_id}"));
        } else {
            self.waiting_for = Some(request_id.to_string());
        }
    }

    /// Apply the `/` filter typed in the shell's prompt (one pass per keystroke).
    pub(crate) fn set_filter_text(&mut self, text: &str) {
        self.store.set_filter(LogFilter::parse(text));
        self.selected = self.store.view_len().saturating_sub(1);
        self.follow = true;
        self.detail_cache = None;
    }

    /// Forget every record (Insights results replace the tail's, and back).
    pub(crate) fn clear_records(&mut self) {
        self.store.clear();
        self.selected = 0;
        self.top = 0;
        self.follow = true;
        self.detail_cache = None;
    }

    /// Move the focus back to the record list; false when it already was.
    pub(crate) fn focus_records(&mut self) -> bool {
        let moved = self.focus != Focus::Records;
        self.focus = Focus::Records;
        moved
    }

    /// Select the record with this API Gateway request id ("see its logs").
    pub(crate) fn select_request_id(&mut self, request_id: &str) -> bool {
        let Some(pos) = self
            .store
            .find_request_id(request_id)
            .and_then(|seq| self.store.view_position(seq))
        else {
            return false;
        };
        self.selected = pos;
        self.follow = false;
        self.detail_scroll = Scroll::default();
        true
    }

    fn move_selection(&mut self, delta: isize) {
        let len = self.store.view_len();
        if len == 0 {
            return;
        }
        let cur = self.selected.min(len - 1) as isize;
        self.selected = (cur + delta).clamp(0, len as isize - 1) as usize;
        self.follow = self.selected == len - 1;
        self.detail_scroll = Scroll::default();
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> Option<LogsEffect> {
        if let Some(input) = self.filter_input.as_mut() {
            if input.handle_key(key) == InputOutcome::Changed {
                // Filter as you type: one pass per keystroke, not per frame.
                let f = LogFilter::parse(input.text());
                self.store.set_filter(f);
                self.selected = self.store.view_len().saturating_sub(1);
                self.detail_cache = None;
                return None;
            }
            match key.code {
                KeyCode::Enter => self.filter_input = None,
                KeyCode::Esc => {
                    self.filter_input = None;
                    self.store.set_filter(LogFilter::default());
                    self.selected = self.store.view_len().saturating_sub(1);
                    self.detail_cache = None;
                }
                _ => {}
            }
            return None;
        }
        if self.focus == Focus::Insights {
            if key.code == KeyCode::Esc {
                self.focus = Focus::Records;
                return None;
            }
            return self.insights.handle_key(key).map(LogsEffect::Insights);
        }
        let page = (self.detail_scroll.height.max(2) - 1) as isize;
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => {
                self.focus = match self.focus {
                    Focus::Records => Focus::Detail,
                    _ => Focus::Records,
                }
            }
            KeyCode::Char('j') | KeyCode::Down => match self.focus {
                Focus::Detail => self.detail_scroll.down(1),
                _ => self.move_selection(1),
            },
            KeyCode::Char('k') | KeyCode::Up => match self.focus {
                Focus::Detail => self.detail_scroll.up(1),
                _ => self.move_selection(-1),
            },
            KeyCode::PageDown => match self.focus {
                Focus::Detail => self.detail_scroll.page_down(),
                _ => self.move_selection(page.max(10)),
            },
            KeyCode::PageUp => match self.focus {
                Focus::Detail => self.detail_scroll.page_up(),
                _ => self.move_selection(-page.max(10)),
            },
            KeyCode::Char('g') | KeyCode::Home => match self.focus {
                Focus::Detail => self.detail_scroll.home(),
                _ => self.move_selection(isize::MIN / 2),
            },
            KeyCode::Char('G') | KeyCode::End => match self.focus {
                Focus::Detail => self.detail_scroll.end(),
                _ => self.move_selection(isize::MAX / 2),
            },
            KeyCode::Char('/') => {
                self.filter_input = Some(LineInput::new(self.store.filter().source()))
            }
            KeyCode::Char(c) => return LogsVerb::from_char(c).and_then(|v| self.verb(v)),
            _ => {}
        }
        None
    }

    /// Run one of the page's verbs (from the keymap, or its default letter).
    /// While the filter prompt or the Insights pane has the keys, letters
    /// are text for them, not verbs.
    pub fn verb(&mut self, verb: LogsVerb) -> Option<LogsEffect> {
        if self.filter_input.is_some() || self.focus == Focus::Insights {
            return None;
        }
        match verb {
            LogsVerb::ToggleEvent => {
                self.detail_options.event_open = !self.detail_options.event_open;
                self.detail_dirty = true;
            }
            LogsVerb::Wrap => {
                self.detail_options.wrap = !self.detail_options.wrap;
                self.detail_dirty = true;
            }
            LogsVerb::Sort => {
                let (k, d) = self.store.sort();
                self.store.set_sort(k.next(), d);
                self.detail_cache = None;
            }
            LogsVerb::SortReverse => {
                let (k, d) = self.store.sort();
                self.store.set_sort(k, !d);
                self.detail_cache = None;
            }
            LogsVerb::Pause => {
                self.paused = !self.paused;
                return Some(LogsEffect::SetPaused(self.paused));
            }
            LogsVerb::Insights => self.focus = Focus::Insights,
            LogsVerb::Copy => {
                let (_, rec) = self.selected_record()?;
                let text = match self.detail_cache.as_ref().map(|c| &c.2) {
                    Some(f) if !f.is_empty() => {
                        f.iter().map(finding_text).collect::<Vec<_>>().join("\n\n")
                    }
                    _ => rec.access.raw.to_string(),
                };
                return Some(LogsEffect::Copy {
                    text,
                    what: "record findings".into(),
                });
            }
        }
        None
    }

    pub fn render(&mut self, frame: &mut Frame, area: Rect, styles: &BodyStyles) {
        let insights_h = if self.focus == Focus::Insights { 9 } else { 0 };
        let [status, main, insights, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(insights_h),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(self.status_line(styles), status);

        // Below 100 columns one pane at a time: Tab switches records/detail.
        let (left, right) = if main.width < 100 {
            match self.focus {
                Focus::Detail => (Rect::default(), main),
                _ => (main, Rect::default()),
            }
        } else {
            let [l, r] =
                Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)])
                    .areas(main);
            (l, r)
        };
        // Focus shows by shape too (▶ and a thick border), not only colour.
        let block = |title: String, focused: bool| {
            crate::ui::components::pane::pane(&title, focused, styles.title, styles.dim)
        };

        let len = self.store.view_len();
        let filter_note = if self.store.filter().is_empty() {
            String::new()
        } else {
            format!(" · filter {}", self.store.filter().source())
        };
        let lb = block(
            format!("Records {len}/{}{filter_note}", self.store.total()),
            self.focus == Focus::Records,
        );
        let inner = lb.inner(left);
        frame.render_widget(lb, left);
        let rows = inner.height.saturating_sub(1) as usize;
        let sel = self.selected_index();
        if let Some(s) = sel {
            if s < self.top {
                self.top = s;
            } else if rows > 0 && s >= self.top + rows {
                self.top = s + 1 - rows;
            }
        }
        self.top = self.top.min(len.saturating_sub(rows.max(1)));
        frame.render_widget(
            RecordTable {
                store: &self.store,
                top: self.top,
                selected: sel,
                focused: self.focus == Focus::Records,
                styles,
            },
            inner,
        );

        let rb = block("Record".to_string(), self.focus == Focus::Detail);
        let inner = rb.inner(right);
        frame.render_widget(rb, right);
        self.refresh_detail(inner.width, styles);
        match &self.detail_cache {
            Some((_, _, _, lines)) => frame.render_stateful_widget(
                ScrollView {
                    source: &Lines(lines),
                    styles,
                },
                inner,
                &mut self.detail_scroll,
            ),
            None => frame.render_widget(
                Line::styled(
                    if self.store.total() == 0 {
                        "No records yet."
                    } else {
                        "No record matches the filter."
                    },
                    styles.dim,
                ),
                inner,
            ),
        }

        if insights_h > 0 {
            self.insights.render(frame, insights, true, styles);
        }
        frame.render_widget(self.bottom_line(bottom.width, styles), bottom);
    }

    /// Rebuild the detail lines only when the selection or width changed.
    fn refresh_detail(&mut self, width: u16, styles: &BodyStyles) {
        let Some(seq) = self.selected_seq() else {
            self.detail_cache = None;
            return;
        };
        if matches!(&self.detail_cache, Some((s, w, _, _)) if *s == seq && *w == width)
            && !self.detail_dirty
        {
            return;
        }
        let Some((_, rec)) = self.selected_record() else {
            return;
        };
        let findings = self.diagnose.as_ref().map(|d| d(&rec)).unwrap_or_default();
        let exec = super::exec::section_lines(
            self.exec_logs.group(),
            rec.access
                .request_id
                .as_ref()
                .and_then(|id| self.exec_logs.state(id.as_ref())),
            width as usize,
            self.detail_options.wrap,
            styles,
        );
        let lines = detail_lines(
            &rec,
            &findings,
            exec,
            width as usize,
            self.detail_options,
            styles,
        );
        self.detail_cache = Some((seq, width, findings, lines));
        self.detail_dirty = false;
    }

    fn status_line(&self, styles: &BodyStyles) -> Line<'static> {
        let mut spans = vec![Span::styled(
            format!("Logs · {}  ", self.title),
            styles.title,
        )];
        let (text, style) = match &self.tail.connection {
            Connection::Idle => ("idle".to_string(), styles.dim),
            Connection::Connecting => ("connecting…".to_string(), styles.info),
            Connection::LiveTail => ("● live tail".to_string(), styles.ok),
            Connection::Polling { backoff_ms } if *backoff_ms > 0 => (
                format!("● polling (throttled, retry in {} ms)", backoff_ms),
                styles.warning,
            ),
            Connection::Polling { .. } => ("● polling".to_string(), styles.ok),
            Connection::Query => ("Insights results".to_string(), styles.info),
            Connection::Failed(e) => (format!("✗ {e}"), styles.server_error),
        };
        spans.push(Span::styled(text, style));
        if self.paused {
            spans.push(Span::styled("  ‖ paused", styles.warning));
        }
        if let Some(lag) = self.tail.lag_ms {
            let style = if lag > 30_000 {
                styles.warning
            } else {
                styles.dim
            };
            spans.push(Span::styled(
                // The age of the newest record, not a measured delivery lag.
                format!("  newest {:.1} s ago", lag as f64 / 1000.0),
                style,
            ));
        }
        if !self.tail.groups.is_empty() {
            spans.push(Span::styled(
                format!("  {} groups", self.tail.groups.len()),
                styles.dim,
            ));
        }
        if let Some(id) = &self.waiting_for {
            spans.push(Span::styled(
                format!("  waiting for request {id}…"),
                styles.info,
            ));
        }
        if let Some(n) = &self.notice {
            spans.push(Span::styled(format!("  {n}"), styles.ok));
        }
        Line::from(spans)
    }

    fn bottom_line(&self, width: u16, styles: &BodyStyles) -> Line<'static> {
        match &self.filter_input {
            Some(input) => {
                let mut spans = vec![Span::styled("/", styles.title)];
                spans.extend(
                    input
                        .spans(true, width.saturating_sub(1) as usize, Default::default())
                        .spans,
                );
                Line::from(spans)
            }
            None => Line::styled(
                "· = no Lambda lines matched · / filter (status:5xx route:/x slow:500 error unmatched) · Tab detail · o event · w wrap · g/G · s sort · p pause · i Insights · y copy",
                styles.dim,
            ),
        }
    }
}
