//! Drawing the Health page: sparklines where people would rather look than
//! read (ratatui `Sparkline` for the stage, block characters in the tables),
//! numbers on demand (`n`). Every cell is text, so it reads under NO_COLOR.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Sparkline, Table, TableState};

use super::page::{HealthPage, Section};
use crate::domain::health::{Series, StageHealth, Traffic};
use crate::engines::health::series::{bars, last_values, spark};
use crate::engines::terminal_text::one_line;
use crate::ui::shared::Shared;

fn pct(r: Option<f64>) -> String {
    r.map_or("-".into(), |r| format!("{:.1}%", r * 100.0))
}

fn n(v: f64) -> String {
    format!("{}", v.round() as i64)
}

fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.0}"))
}

/// Outside text (route keys, error messages) on one safe line.
fn safe(s: &str) -> String {
    one_line(s).into_owned()
}

pub fn render(page: &mut HealthPage, frame: &mut Frame, area: Rect, shared: &Shared) {
    let theme = &shared.theme;
    let [body, footer] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let mut hint = vec![];
    if let Some(p) = &page.progress {
        hint.push(Span::styled(format!("… {p}  "), theme.get("key")));
    }
    if let Some(e) = &page.error {
        hint.push(Span::styled(format!("✗ {e}  "), theme.get("error")));
    }
    let keys = match page.api_id {
        None => "Enter: the API's health · r: reload · n: numbers",
        Some(_) => "Tab: section · Enter: logs of the cause · d: doctor on an example · n: numbers",
    };
    hint.push(Span::styled(keys, theme.get("dim")));
    frame.render_widget(Paragraph::new(Line::from(hint)), footer);
    if page.api_id.is_none() {
        ranking(page, frame, body, shared);
    } else {
        api_view(page, frame, body, shared);
    }
}

fn block<'a>(title: String, focused: bool, shared: &Shared) -> Block<'a> {
    let theme = &shared.theme;
    // Focus by shape too (▶, thick border), so NO_COLOR shows it.
    let focused_style = theme.get("key");
    crate::ui::components::pane::pane(
        &format!(" {title} "),
        focused,
        focused_style,
        theme.get("border"),
    )
    .title_style(theme.get("title"))
}

/// A series column: a sparkline, or the last values as numbers.
fn series_cell(s: &Series, numbers: bool, width: usize) -> String {
    if numbers {
        last_values(s, (width / 4).max(1))
    } else {
        bars(s, width)
    }
}

fn table<'a>(
    header: &[&'a str],
    rows: Vec<Vec<String>>,
    widths: Vec<Constraint>,
    blk: Block<'a>,
    selected: Option<usize>,
    shared: &Shared,
) -> (Table<'a>, TableState) {
    let theme = &shared.theme;
    let rows: Vec<Row> = rows
        .into_iter()
        .map(|r| Row::new(r.into_iter().map(Cell::from)))
        .collect();
    let t = Table::new(rows, widths)
        .header(Row::new(header.iter().map(|h| Cell::from(*h))).style(theme.get("dim")))
        .block(blk)
        .column_spacing(1)
        .row_highlight_style(theme.get("selected"))
        // Visible without colour too (NO_COLOR).
        .highlight_symbol("›")
        .highlight_spacing(ratatui::widgets::HighlightSpacing::Always);
    let mut state = TableState::default();
    state.select(selected);
    (t, state)
}

fn ranking(page: &mut HealthPage, frame: &mut Frame, area: Rect, shared: &Shared) {
    let Some(report) = &page.report else {
        frame.render_widget(
            Paragraph::new("waiting for the metrics…").block(block(
                "health: APIs by 5xx".into(),
                true,
                shared,
            )),
            area,
        );
        return;
    };
    // Fixed columns, spacing, borders and the highlight column take 56;
    // the sparkline gets 3/5 of the rest.
    let spark_w = (area.width.saturating_sub(56) as usize * 3 / 5).max(4);
    let mut rows = Vec::new();
    for a in &report.apis {
        for s in &a.stages {
            let t = &s.traffic;
            rows.push(vec![
                safe(&a.api_name),
                a.protocol.as_str().to_string(),
                safe(&s.stage),
                n(t.total_requests),
                n(t.total_4xx),
                n(t.total_5xx),
                pct(t.rate_5xx()),
                ms(t.worst_p99_ms),
                series_cell(&t.errors_5xx, page.numbers, spark_w),
            ]);
        }
    }
    let title = match report.window {
        Some(w) => format!(
            "health: APIs by 5xx, last {} min",
            (w.end_s - w.start_s) / 60
        ),
        None => "health: APIs by 5xx".into(),
    };
    let widths = vec![
        Constraint::Fill(2),
        Constraint::Length(9),
        Constraint::Length(8),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Length(5),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Fill(3),
    ];
    let sel = (!rows.is_empty()).then_some(page.selected[Section::Apis as usize]);
    let (t, mut st) = table(
        &[
            "API",
            "TYPE",
            "STAGE",
            "REQ",
            "4XX",
            "5XX",
            "5XX%",
            "P99ms",
            "5XX PER MIN",
        ],
        rows,
        widths,
        block(title, true, shared),
        sel,
        shared,
    );
    frame.render_stateful_widget(t, area, &mut st);
}

fn api_view(page: &mut HealthPage, frame: &mut Frame, area: Rect, shared: &Shared) {
    let theme = &shared.theme;
    let Some(stage) = page.stage_health().cloned() else {
        let msg = if page.report.is_some() {
            "no stage to show"
        } else {
            "waiting for the metrics…"
        };
        frame.render_widget(
            Paragraph::new(msg).block(block("health".into(), true, shared)),
            area,
        );
        return;
    };
    let t = &stage.traffic;
    let head = Line::from(vec![
        Span::styled(format!("stage {} ", safe(&stage.stage)), theme.get("title")),
        Span::raw(format!(
            "· {} req · {} 4xx · {} 5xx ({}) · worst p99 {} ms",
            n(t.total_requests),
            n(t.total_4xx),
            n(t.total_5xx),
            pct(t.rate_5xx()),
            ms(t.worst_p99_ms)
        )),
    ]);
    let notes: Vec<Line> = stage
        .findings
        .iter()
        .map(|f| {
            Line::from(vec![
                Span::styled(format!("{} ", f.code), theme.get("warn")),
                Span::raw(safe(&f.title)),
            ])
        })
        .chain((!stage.causes_info.missing_fields.is_empty()).then(|| {
            Line::styled(
                format!(
                    "the access-log format lacks {}",
                    stage.causes_info.missing_fields.join(", ")
                ),
                theme.get("dim"),
            )
        }))
        .collect();
    let focus = page.section;
    let size = |s: Section, rows: usize| {
        if s == focus {
            Constraint::Min(4)
        } else {
            Constraint::Length((rows as u16 + 3).min(5))
        }
    };
    let [head_a, spark_a, notes_a, routes_a, causes_a, fns_a] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(3),
        Constraint::Length(notes.len().min(2) as u16),
        size(Section::Routes, stage.routes.len()),
        size(Section::Causes, stage.causes.len()),
        size(Section::Functions, stage.functions.len()),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(head), head_a);
    sparklines(t, frame, spark_a, shared);
    frame.render_widget(Paragraph::new(notes), notes_a);
    routes(page, &stage, frame, routes_a, shared);
    causes(page, &stage, frame, causes_a, shared);
    functions(page, &stage, frame, fns_a, shared);
}

/// The stage's five series side by side, each a label over a sparkline.
fn sparklines(t: &Traffic, frame: &mut Frame, area: Rect, shared: &Shared) {
    let theme = &shared.theme;
    let cols = Layout::horizontal([Constraint::Fill(1); 5])
        .spacing(1)
        .split(area);
    let items: [(&str, &Series, Style); 5] = [
        ("req", &t.requests, theme.get("ok")),
        ("4xx", &t.errors_4xx, theme.get("warn")),
        ("5xx", &t.errors_5xx, theme.get("error")),
        ("p50ms", &t.latency_p50, theme.get("info")),
        ("p99ms", &t.latency_p99, theme.get("info")),
    ];
    for ((label, s, style), a) in items.into_iter().zip(cols.iter()) {
        let [l, g] = Layout::vertical([Constraint::Length(1), Constraint::Length(2)]).areas(*a);
        let top = crate::engines::health::series::max(s).map_or("-".into(), |m| format!("{m:.0}"));
        frame.render_widget(
            Paragraph::new(Line::styled(format!("{label} max {top}"), theme.get("dim"))),
            l,
        );
        let data = spark(s);
        let data = &data[data.len().saturating_sub(g.width as usize)..];
        frame.render_widget(Sparkline::default().data(data).style(style), g);
    }
}

fn routes(page: &HealthPage, s: &StageHealth, frame: &mut Frame, area: Rect, shared: &Shared) {
    let focused = page.section == Section::Routes;
    if s.routes.is_empty() {
        let why = if s.detailed_metrics {
            "no route-level series in the window"
        } else {
            "route breakdown unavailable: detailed metrics are off"
        };
        frame.render_widget(
            Paragraph::new(why).block(block("routes".into(), focused, shared)),
            area,
        );
        return;
    }
    // Fixed columns, spacing, borders and the highlight column take 34;
    // each sparkline gets 2/7 of the rest.
    let w = (area.width.saturating_sub(34) as usize * 2 / 7).max(4);
    let rows = s
        .routes
        .iter()
        .map(|r| {
            let t = &r.traffic;
            vec![
                safe(&r.route_key),
                n(t.total_requests),
                n(t.total_4xx),
                n(t.total_5xx),
                pct(t.rate_5xx()),
                ms(t.worst_p99_ms),
                series_cell(&t.requests, page.numbers, w),
                series_cell(&t.errors_5xx, page.numbers, w),
            ]
        })
        .collect();
    let widths = vec![
        Constraint::Fill(3),
        Constraint::Length(5),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(5),
        Constraint::Fill(2),
        Constraint::Fill(2),
    ];
    let (t, mut st) = table(
        &[
            "ROUTE", "REQ", "4XX", "5XX", "5XX%", "P99", "REQUESTS", "5XX",
        ],
        rows,
        widths,
        block("routes by failure".into(), focused, shared),
        focused.then_some(page.selected[Section::Routes as usize]),
        shared,
    );
    frame.render_stateful_widget(t, area, &mut st);
}

fn causes(page: &HealthPage, s: &StageHealth, frame: &mut Frame, area: Rect, shared: &Shared) {
    let focused = page.section == Section::Causes;
    if s.causes.is_empty() {
        let why = s.causes_info.note.clone().unwrap_or_else(|| {
            if page.progress.is_some() {
                "counting…".into()
            } else {
                "no 4xx or 5xx in the window".into()
            }
        });
        frame.render_widget(
            Paragraph::new(safe(&why)).block(block("top causes".into(), focused, shared)),
            area,
        );
        return;
    }
    let rows = s
        .causes
        .iter()
        .map(|c| {
            vec![
                c.count.to_string(),
                c.status.map_or("-".into(), |s| s.to_string()),
                safe(c.route_key.as_deref().unwrap_or("-")),
                c.code.map_or("-".into(), |c| c.to_string()),
                safe(&c.title),
            ]
        })
        .collect();
    let widths = vec![
        Constraint::Length(5),
        Constraint::Length(3),
        Constraint::Fill(2),
        Constraint::Length(26),
        Constraint::Fill(3),
    ];
    let (t, mut st) = table(
        &["COUNT", "ST", "ROUTE", "CODE", "WHY"],
        rows,
        widths,
        block(
            "top causes (Enter: logs · d: doctor)".into(),
            focused,
            shared,
        ),
        focused.then_some(page.selected[Section::Causes as usize]),
        shared,
    );
    frame.render_stateful_widget(t, area, &mut st);
}

fn functions(page: &HealthPage, s: &StageHealth, frame: &mut Frame, area: Rect, shared: &Shared) {
    let focused = page.section == Section::Functions;
    if s.functions.is_empty() {
        frame.render_widget(
            Paragraph::new("no Lambda functions behind these routes").block(block(
                "functions".into(),
                focused,
                shared,
            )),
            area,
        );
        return;
    }
    let rows = s
        .functions
        .iter()
        .map(|f| {
            let h = f.invocation.as_ref();
            vec![
                safe(&f.function),
                n(f.total_invocations),
                n(f.total_errors),
                n(f.total_throttles),
                pct(h.and_then(|h| h.cold_start_share())),
                h.map_or("-".into(), |h| {
                    format!("{}/{}", ms(h.duration_p50_ms), ms(h.duration_p99_ms))
                }),
                h.map_or("-".into(), |h| {
                    format!(
                        "{}/{}",
                        h.function_timeout_s.map_or("-".into(), |s| format!("{s}s")),
                        h.integration_timeout_ms
                            .map_or("-".into(), |m| format!("{}s", m as f64 / 1000.0))
                    )
                }),
                h.map_or("-".into(), |h| h.timeouts.to_string()),
                h.map_or("-".into(), |h| {
                    format!(
                        "{}/{}",
                        h.max_memory_used_mb.map_or("-".into(), |m| m.to_string()),
                        h.memory_size_mb.map_or("-".into(), |m| m.to_string())
                    )
                }),
                h.and_then(|h| h.powertools.as_ref())
                    .and_then(|p| p.service.clone())
                    .unwrap_or_else(|| "-".into()),
            ]
        })
        .collect();
    let widths = vec![
        Constraint::Fill(2),
        Constraint::Length(5),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(10),
        Constraint::Length(9),
        Constraint::Length(3),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let (t, mut st) = table(
        &[
            "FUNCTION",
            "INV",
            "ERR",
            "THR",
            "COLD",
            "P50/P99ms",
            "TIMEOUT",
            "T/O",
            "MEM MB",
            "SERVICE",
        ],
        rows,
        widths,
        block("functions (REPORT lines)".into(), focused, shared),
        focused.then_some(page.selected[Section::Functions as usize]),
        shared,
    );
    frame.render_stateful_widget(t, area, &mut st);
}
