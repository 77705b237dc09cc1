//! The left side of the logs page: one row per record, drawn only for the
//! visible window (the list may hold 100k records).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::store::{RecordStore, SortKey};
use crate::app::logs::row::Row;
use crate::ui::components::styles::BodyStyles;

/// `12:04:05.120` (UTC).
pub fn clock(ts_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ts_ms)
        .map(|t| t.format("%H:%M:%S%.3f").to_string())
        .unwrap_or_else(|| "--:--:--.---".into())
}

fn latency(ms: Option<f64>) -> String {
    match ms {
        Some(ms) if ms >= 10_000.0 => format!("{:.1}s", ms / 1000.0),
        Some(ms) => format!("{ms:.0}ms"),
        None => "-".into(),
    }
}

fn pad(s: &str, width: usize) -> String {
    let mut out: String = s.chars().take(width).collect();
    let n = out.chars().count();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(n) + 1));
    out
}

fn error_text(r: &Row) -> Option<&str> {
    r.integration_error()
        .or(r.authorizer_error())
        .or(r.error_message())
        .filter(|e| !e.is_empty() && *e != "-")
}

const TIME_W: usize = 12;
const STATUS_W: usize = 3;
const LAT_W: usize = 7;
const INT_W: usize = 3;

/// Header line with the sort column marked.
pub(crate) fn header_line(width: u16, sort: (SortKey, bool), styles: &BodyStyles) -> Line<'static> {
    let arrow = if sort.1 { "↓" } else { "↑" };
    let mark = |k: SortKey, name: &str| {
        if sort.0 == k {
            format!("{name}{arrow}")
        } else {
            name.to_string()
        }
    };
    let route_w = route_width(width);
    Line::styled(
        format!(
            "  {}{}{}{}{}{}",
            pad(&mark(SortKey::Time, "TIME UTC"), TIME_W),
            pad(&mark(SortKey::Status, "ST"), STATUS_W),
            pad(&mark(SortKey::Route, "ROUTE"), route_w),
            pad(&mark(SortKey::Latency, "LATENCY"), LAT_W),
            pad("INT", INT_W),
            "ERROR"
        ),
        styles.title,
    )
}

fn route_width(width: u16) -> usize {
    let fixed = 2 + TIME_W + STATUS_W + LAT_W + INT_W + 5;
    ((width as usize).saturating_sub(fixed) / 2).clamp(8, 40)
}

pub fn row_line(r: &Row, width: u16, styles: &BodyStyles) -> Line<'static> {
    let status = r.status();
    let status_style = status.map_or(styles.dim, |s| styles.status(s));
    let route = r
        .route_key()
        .map(str::to_string)
        .or_else(|| match (r.http_method(), r.path()) {
            (Some(m), Some(p)) => Some(format!("{m} {p}")),
            _ => None,
        })
        .unwrap_or_else(|| "-".into());
    let int_status = r
        .integration_status()
        .map_or("-".to_string(), |s| s.to_string());
    let int_style = match r.integration_status() {
        Some(s) if s >= 400 => styles.server_error,
        _ => styles.dim,
    };
    // A dot marks records without correlated Lambda lines.
    let corr = if r.unmatched() { "· " } else { "  " };
    let mut spans = vec![
        Span::styled(corr, styles.dim),
        Span::styled(pad(&clock(r.timestamp_ms()), TIME_W), styles.dim),
        Span::styled(
            pad(&status.map_or("-".into(), |s| s.to_string()), STATUS_W),
            status_style,
        ),
        Span::raw(pad(&route, route_width(width))),
        Span::raw(pad(&latency(r.latency_ms()), LAT_W)),
        Span::styled(pad(&int_status, INT_W), int_style),
    ];
    if let Some(e) = error_text(r) {
        spans.push(Span::styled(e.replace('\n', " "), styles.server_error));
    }
    Line::from(spans)
}

/// Draws the visible rows; `top` is the first row in view order.
pub(crate) struct RecordTable<'a> {
    pub store: &'a RecordStore,
    pub top: usize,
    pub selected: Option<usize>,
    pub focused: bool,
    pub styles: &'a BodyStyles,
}

impl Widget for RecordTable<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.is_empty() {
            return;
        }
        header_line(area.width, self.store.sort(), self.styles)
            .render(Rect::new(area.x, area.y, area.width, 1), buf);
        let rows = area.height.saturating_sub(1) as usize;
        for row in 0..rows {
            let i = self.top + row;
            let Some((_, rec)) = self.store.view_get(i) else {
                break;
            };
            let rect = Rect::new(area.x, area.y + 1 + row as u16, area.width, 1);
            let mut line = row_line(rec, area.width, self.styles);
            if self.selected == Some(i) {
                let sel = if self.focused {
                    self.styles.selected
                } else {
                    Style::default().add_modifier(ratatui::style::Modifier::BOLD)
                };
                buf.set_style(rect, sel);
                line = line.patch_style(sel);
            }
            line.render(rect, buf);
        }
    }
}
