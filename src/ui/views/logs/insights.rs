//! The Logs Insights pane of the logs page: a query editor, a time range,
//! default queries to start from, and the running query's progress.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

pub(crate) use crate::app::logs::query::QueryProgress;

use crate::domain::QueryRow;
use crate::ui::components::line_input::{InputOutcome, LineInput};
use crate::ui::components::styles::BodyStyles;

/// Rows a default query asks for.
pub(crate) const TEMPLATE_LIMIT: u32 = 200;

pub use crate::app::logs::range::PRESETS;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRange {
    /// Index into [`PRESETS`].
    Preset(usize),
    /// What the user typed after Ctrl+T: a duration (`90m`), an absolute
    /// range (`2026-11-25 09:00..2026-11-25 10:00`) or a relative one
    /// (`-2h..-1h`), resolved against the clock each time the query runs.
    Custom(crate::app::logs::TimeRange),
}

impl TimeRange {
    /// The range the query runs over.
    pub(crate) fn logs_range(self) -> crate::app::logs::TimeRange {
        match self {
            TimeRange::Preset(i) => crate::app::logs::TimeRange::Last(Duration::from_secs(
                PRESETS[i.min(PRESETS.len() - 1)].1,
            )),
            TimeRange::Custom(r) => r,
        }
    }

    /// (start, end) epoch seconds, or why the range cannot be queried.
    #[cfg(test)]
    pub fn resolve(self, now_s: i64) -> Result<(i64, i64), String> {
        self.logs_range().resolve(now_s)
    }

    pub fn label(self) -> String {
        self.logs_range().label()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum InsightsEffect {
    Run {
        query: String,
        range: TimeRange,
    },
    Cancel,
    /// Open result row `index`: fetch its full record by `@ptr` when the
    /// row lacks `@message`, and show it as a record.
    OpenRow {
        index: usize,
        row: QueryRow,
    },
}

#[derive(Debug)]
pub struct InsightsPane {
    pub editor: TextArea<'static>,
    pub range: TimeRange,
    template: usize,
    custom_range: Option<LineInput>,
    pub progress: Option<QueryProgress>,
    /// Result rows that are not log lines (`stats ... by`), paged here;
    /// rows with `@message` are shown as records instead.
    pub rows: Vec<QueryRow>,
    pub row_page: usize,
    /// The selected result row (an index into `rows`).
    pub row_selected: usize,
    /// Keys go to the result rows (Tab), not the query editor.
    pub rows_focused: bool,
    /// What happened to the last opened row (fetching, or why it failed).
    pub row_note: Option<String>,
}

/// Result rows per page in the pane.
pub(crate) const ROWS_PER_PAGE: usize = 6;

impl Default for InsightsPane {
    fn default() -> Self {
        let mut pane = InsightsPane {
            editor: TextArea::default(),
            range: TimeRange::Preset(1),
            template: 0,
            custom_range: None,
            progress: None,
            rows: Vec::new(),
            row_page: 0,
            row_selected: 0,
            rows_focused: false,
            row_note: None,
        };
        pane.load_template(0);
        pane
    }
}

impl InsightsPane {
    /// The CLI's default queries (recent, errors, slowest): they fetch
    /// `@message` and `@log`, so results parse and correlate whatever the
    /// access-log field names.
    fn load_template(&mut self, i: usize) {
        let all = crate::app::logs::default_queries(TEMPLATE_LIMIT);
        self.template = i % all.len();
        self.editor = TextArea::new(all[self.template].query.lines().map(String::from).collect());
    }

    pub fn query(&self) -> String {
        self.editor.lines().join("\n")
    }

    pub(crate) fn is_running(&self) -> bool {
        self.progress
            .as_ref()
            .is_some_and(|p| matches!(p.status.as_str(), "Scheduled" | "Running"))
    }

    /// Keys while the pane has focus: F5 or Ctrl+R runs, Ctrl+X cancels a
    /// running query, F2 loads the next default query, F3 cycles the time
    /// range, Ctrl+T types a custom one; the rest edits the query.
    pub fn handle_key(&mut self, key: KeyEvent) -> Option<InsightsEffect> {
        if let Some(input) = self.custom_range.as_mut() {
            if input.handle_key(key) != InputOutcome::Ignored {
                return None;
            }
            match key.code {
                KeyCode::Enter => {
                    let text = input.text().trim().to_string();
                    // Check against the clock now too: a range that starts in
                    // the future is refused here, not after F5.
                    let now = chrono::Utc::now().timestamp();
                    match crate::app::logs::TimeRange::parse(&text)
                        .and_then(|r| r.resolve(now).map(|_| r))
                    {
                        Ok(r) => {
                            self.range = TimeRange::Custom(r);
                            self.custom_range = None;
                            self.progress = None;
                        }
                        Err(e) => {
                            self.progress = Some(QueryProgress {
                                status: "Invalid range".into(),
                                message: Some(e),
                                ..Default::default()
                            })
                        }
                    }
                }
                KeyCode::Esc => self.custom_range = None,
                _ => {}
            }
            return None;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        if self.rows_focused
            && !self.rows.is_empty()
            && let Some(effect) = self.rows_key(key)
        {
            return effect;
        }
        match key.code {
            KeyCode::Tab if !self.rows.is_empty() => self.rows_focused = true,
            KeyCode::F(5) => return self.run(),
            KeyCode::Char('r') if ctrl => return self.run(),
            // Ctrl+C quits the app before a page sees it: Ctrl+X cancels.
            KeyCode::Char('x' | 'c') if ctrl => {
                return self.is_running().then_some(InsightsEffect::Cancel);
            }
            KeyCode::PageDown if !self.rows.is_empty() => {
                self.select_row((self.row_page + 1) * ROWS_PER_PAGE)
            }
            KeyCode::PageUp if !self.rows.is_empty() => {
                self.select_row(self.row_page.saturating_sub(1) * ROWS_PER_PAGE)
            }
            KeyCode::F(2) => self.load_template(self.template + 1),
            KeyCode::F(3) => {
                self.range = match self.range {
                    TimeRange::Preset(i) if i + 1 < PRESETS.len() => TimeRange::Preset(i + 1),
                    _ => TimeRange::Preset(0),
                }
            }
            KeyCode::Char('t') if ctrl => self.custom_range = Some(LineInput::default()),
            _ => {
                self.editor.input(key);
            }
        }
        None
    }

    /// Keys while the result rows have focus: `Some` when the key was theirs.
    fn rows_key(&mut self, key: KeyEvent) -> Option<Option<InsightsEffect>> {
        match key.code {
            KeyCode::Tab | KeyCode::BackTab => self.rows_focused = false,
            KeyCode::Down | KeyCode::Char('j') => self.select_row(self.row_selected + 1),
            KeyCode::Up | KeyCode::Char('k') => {
                self.select_row(self.row_selected.saturating_sub(1))
            }
            KeyCode::Enter => {
                let index = self.row_selected.min(self.rows.len() - 1);
                let row = self.rows[index].clone();
                if crate::app::logs::insights::field(&row, "@ptr").is_none() {
                    self.row_note =
                        Some("an aggregate row (stats): there is no log record behind it".into());
                    return Some(None);
                }
                self.row_note = Some(format!("opening row {}…", index + 1));
                return Some(Some(InsightsEffect::OpenRow { index, row }));
            }
            _ => return None,
        }
        Some(None)
    }

    /// Select a row (clamped) and show its page.
    fn select_row(&mut self, i: usize) {
        self.row_selected = i.min(self.rows.len().saturating_sub(1));
        self.row_page = self.row_selected / ROWS_PER_PAGE;
    }

    /// A row came back with its full record: show the fields it gained.
    pub(crate) fn row_opened(&mut self, index: usize, row: QueryRow, note: Option<String>) {
        let same = self.rows.get(index).is_some_and(|r| {
            crate::app::logs::insights::field(r, "@ptr")
                == crate::app::logs::insights::field(&row, "@ptr")
        });
        if same {
            self.rows[index] = row;
        }
        self.row_note = note;
    }

    fn run(&mut self) -> Option<InsightsEffect> {
        let query = self.query();
        if query.trim().is_empty() {
            return None;
        }
        self.progress = Some(QueryProgress {
            status: "Scheduled".into(),
            ..Default::default()
        });
        Some(InsightsEffect::Run {
            query,
            range: self.range,
        })
    }

    pub fn status_line(&self, styles: &BodyStyles) -> Line<'static> {
        let mut spans = vec![
            Span::styled("Insights ", styles.title),
            Span::raw(self.range.label()),
        ];
        if let Some(input) = &self.custom_range {
            spans.push(Span::styled("  range: ", styles.dim));
            // Wide enough for `2026-11-25 09:00..2026-11-25 10:00`.
            spans.extend(input.spans(true, 36, Default::default()).spans);
        }
        if let Some(p) = &self.progress {
            let style = match p.status.as_str() {
                "Complete" => styles.ok,
                "Scheduled" | "Running" => styles.info,
                _ => styles.server_error,
            };
            spans.push(Span::styled(format!("  {}", p.status), style));
            let n = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
            if p.records_matched.is_some() || p.records_scanned.is_some() {
                spans.push(Span::styled(
                    format!(
                        "  matched {} · scanned {} · {}",
                        n(p.records_matched),
                        n(p.records_scanned),
                        crate::ui::views::response::summary::human_size(
                            p.bytes_scanned.unwrap_or(0.0) as u64
                        )
                    ),
                    styles.dim,
                ));
            }
            if let Some(m) = &p.message {
                spans.push(Span::styled(format!("  {m}"), styles.warning));
            }
        }
        Line::from(spans)
    }

    /// New results: rows to page through (empty when they became records).
    pub(crate) fn set_rows(&mut self, rows: Vec<QueryRow>) {
        self.rows_focused = !rows.is_empty() && self.rows_focused;
        self.rows = rows;
        self.row_page = 0;
        self.row_selected = 0;
        self.row_note = None;
    }

    /// The current page of result rows, `field=value` pairs per line.
    fn rows_page(&self, styles: &BodyStyles) -> Vec<Line<'static>> {
        let pages = self.rows.len().div_ceil(ROWS_PER_PAGE);
        let page = self.row_page.min(pages.saturating_sub(1));
        let first = page * ROWS_PER_PAGE;
        let mut head = vec![Span::styled(
            format!(
                "rows {}–{} of {} (page {}/{pages})",
                first + 1,
                (first + ROWS_PER_PAGE).min(self.rows.len()),
                self.rows.len(),
                page + 1
            ),
            styles.dim,
        )];
        if let Some(n) = &self.row_note {
            head.push(Span::styled(format!("  {n}"), styles.info));
        }
        let mut lines = vec![Line::from(head)];
        for (i, row) in self.rows.iter().enumerate().skip(first).take(ROWS_PER_PAGE) {
            let text: Vec<String> = row
                .iter()
                .filter(|(k, _)| k != "@ptr")
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            if self.rows_focused && i == self.row_selected {
                lines.push(Line::styled(format!("› {}", text.join("  ")), styles.title));
            } else {
                lines.push(Line::raw(format!("  {}", text.join("  "))));
            }
        }
        lines
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, focused: bool, styles: &BodyStyles) {
        let [status, editor, hint] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(self.status_line(styles), status);
        if self.rows.is_empty() {
            frame.render_widget(&self.editor, editor);
        } else {
            let [left, right] =
                Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                    .areas(editor);
            frame.render_widget(&self.editor, left);
            frame.render_widget(
                ratatui::widgets::Paragraph::new(self.rows_page(styles)),
                right,
            );
        }
        let hint_text = if focused && self.rows_focused && !self.rows.is_empty() {
            "↑/↓ select row · Enter open its full record (@ptr) · PgUp/PgDn pages · Tab back to the query · Esc back"
        } else if focused && !self.rows.is_empty() {
            "F5 run · Ctrl+X cancel · Tab result rows · PgUp/PgDn result pages · F2 next default query · F3 range · Esc back"
        } else if focused {
            "F5 run · Ctrl+X cancel · F2 next default query · F3 range · Ctrl+T custom range · Esc back"
        } else {
            "i edit the Insights query"
        };
        frame.render_widget(Line::styled(hint_text, styles.dim), hint);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn run_cancel_and_ranges() {
        let mut p = InsightsPane::default();
        assert_eq!(p.range.label(), "last 15m");
        p.handle_key(k(KeyCode::F(3)));
        assert_eq!(p.range.resolve(10_000), Ok((10_000 - 3600, 10_000)));
        match p.handle_key(k(KeyCode::F(5))) {
            Some(InsightsEffect::Run { query, range }) => {
                assert!(query.starts_with("fields @timestamp"));
                assert_eq!(range, TimeRange::Preset(2));
            }
            other => panic!("{other:?}"),
        }
        assert!(p.is_running());
        assert_eq!(
            p.handle_key(KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(InsightsEffect::Cancel)
        );
    }

    #[test]
    fn templates_and_custom_range() {
        let mut p = InsightsPane::default();
        p.handle_key(k(KeyCode::F(2)));
        assert!(p.query().contains("filter status like /^[45]/"));
        p.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
        for c in "90m".chars() {
            p.handle_key(k(KeyCode::Char(c)));
        }
        p.handle_key(k(KeyCode::Enter));
        assert_eq!(
            p.range,
            TimeRange::Custom(crate::app::logs::TimeRange::Last(Duration::from_secs(5400)))
        );
        assert_eq!(p.range.label(), "last 1h 30m");
        p.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
        for c in "soon".chars() {
            p.handle_key(k(KeyCode::Char(c)));
        }
        p.handle_key(k(KeyCode::Enter));
        assert_eq!(p.progress.as_ref().unwrap().status, "Invalid range");
        assert_eq!(
            p.range.label(),
            "last 1h 30m",
            "a bad range keeps the old one"
        );
        // Absolute and relative ranges.
        p.handle_key(k(KeyCode::Esc));
        for (text, label) in [
            (
                "2026-11-25 09:00..2026-11-25 10:00",
                "2026-11-25 09:00:00 .. 10:00:00 UTC",
            ),
            ("-2h..-1h", "-2h .. -1h"),
        ] {
            p.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
            for c in text.chars() {
                p.handle_key(k(KeyCode::Char(c)));
            }
            p.handle_key(k(KeyCode::Enter));
            assert_eq!(p.range.label(), label);
            assert!(p.progress.is_none());
        }
        // Starting after it ends: refused with the reason, on one line.
        p.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
        for c in "-1h..-2h".chars() {
            p.handle_key(k(KeyCode::Char(c)));
        }
        p.handle_key(k(KeyCode::Enter));
        let msg = p.progress.as_ref().unwrap().message.clone().unwrap();
        assert!(msg.contains("does not end after it starts"), "{msg}");
        assert_eq!(p.range.label(), "-2h .. -1h");
    }

    #[test]
    fn result_rows_page() {
        let mut p = InsightsPane::default();
        let rows: Vec<QueryRow> = (0..14)
            .map(|i| {
                vec![
                    ("routeKey".to_string(), format!("GET /r{i}")),
                    ("n".into(), "1".into()),
                ]
            })
            .collect();
        p.set_rows(rows);
        p.handle_key(k(KeyCode::PageDown));
        p.handle_key(k(KeyCode::PageDown));
        p.handle_key(k(KeyCode::PageDown));
        assert_eq!(p.row_page, 2, "stops at the last page");
        let page = p.rows_page(&BodyStyles::default());
        assert_eq!(page[0].to_string(), "rows 13–14 of 14 (page 3/3)");
        assert_eq!(page[1].to_string(), "  routeKey=GET /r12  n=1");
        p.handle_key(k(KeyCode::PageUp));
        assert_eq!(p.row_page, 1);
    }

    #[test]
    fn result_rows_take_focus_and_open_with_enter() {
        let mut p = InsightsPane::default();
        p.set_rows(vec![
            vec![
                ("@timestamp".into(), "1".into()),
                ("@ptr".into(), "a".into()),
            ],
            vec![
                ("@timestamp".into(), "2".into()),
                ("@ptr".into(), "b".into()),
            ],
            vec![("status".into(), "200".into()), ("n".into(), "4".into())],
        ]);
        // Without focus, Enter edits the query.
        assert_eq!(p.handle_key(k(KeyCode::Enter)), None);
        assert_eq!(p.editor.lines().len(), 4);
        p.handle_key(k(KeyCode::Tab));
        assert!(p.rows_focused);
        p.handle_key(k(KeyCode::Down));
        match p.handle_key(k(KeyCode::Enter)) {
            Some(InsightsEffect::OpenRow { index: 1, row }) => assert_eq!(row[1].1, "b"),
            other => panic!("{other:?}"),
        }
        let page = p.rows_page(&BodyStyles::default());
        assert_eq!(
            page[0].to_string(),
            "rows 1–3 of 3 (page 1/1)  opening row 2…"
        );
        assert_eq!(page[2].to_string(), "› @timestamp=2");
        // The record came back: the row shows what it gained.
        let mut full = p.rows[1].clone();
        full.push(("@message".into(), "{}".into()));
        p.row_opened(1, full, None);
        assert_eq!(
            p.rows_page(&BodyStyles::default())[2].to_string(),
            "› @timestamp=2  @message={}"
        );
        // An aggregate row has nothing behind it.
        p.handle_key(k(KeyCode::Down));
        assert_eq!(p.handle_key(k(KeyCode::Enter)), None);
        assert!(p.row_note.as_deref().unwrap().contains("aggregate"));
        p.handle_key(k(KeyCode::Tab));
        assert!(!p.rows_focused);
    }

    #[test]
    fn typing_edits_the_query() {
        let mut p = InsightsPane {
            editor: TextArea::default(),
            ..Default::default()
        };
        for c in "fields x".chars() {
            p.handle_key(k(KeyCode::Char(c)));
        }
        assert_eq!(p.query(), "fields x");
    }
}
