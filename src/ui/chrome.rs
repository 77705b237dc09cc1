//! The frame around pages: breadcrumbs on top, the `:`/`/` prompt and the
//! status line at the bottom, and the `?` help overlay.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::commands;
use super::components::line_input::LineInput;
use super::components::scroll_text::detail_block;
use super::shared::Shared;

const SPINNER: &[&str] = &["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Command,
    Filter,
}

/// The `:` / `/` prompt: a [`LineInput`], so the readline keys work and
/// every printable key goes into it while it is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub kind: PromptKind,
    pub input: LineInput,
}

impl Prompt {
    pub fn new(kind: PromptKind, text: impl Into<String>) -> Prompt {
        Prompt {
            kind,
            input: LineInput::new(text),
        }
    }

    pub fn text(&self) -> &str {
        self.input.text()
    }
}

/// A clickable breadcrumb: clicking it pops back to that depth.
#[derive(Debug, Clone)]
pub(crate) struct Crumb {
    pub row: u16,
    pub x: Range<u16>,
    pub depth: usize,
}

pub struct Areas {
    pub crumbs: Rect,
    pub body: Rect,
    pub prompt: Rect,
    pub status: Rect,
}

/// `status_rows`: see [`status_height`].
pub fn layout(area: Rect, prompt: bool, status_rows: u16) -> Areas {
    let [crumbs, body, prompt_area, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(u16::from(prompt)),
        Constraint::Length(status_rows.max(1)),
    ])
    .areas(area);
    Areas {
        crumbs,
        body,
        prompt: prompt_area,
        status,
    }
}

pub(crate) fn render_crumbs(
    frame: &mut Frame,
    area: Rect,
    titles: &[String],
    shared: &Shared,
) -> Vec<Crumb> {
    let theme = &shared.theme;
    let mut spans = vec![Span::styled(" gatescope ", theme.get("title"))];
    let mut x = area.x + " gatescope ".len() as u16;
    let mut crumbs = Vec::new();
    // Too long for the line: the oldest crumbs go first (the page you are
    // on matters most), replaced by `…`.
    let sep_w = 3;
    let width_of = |from: usize| -> usize {
        " gatescope ".len()
            + titles[from..]
                .iter()
                .map(|t| t.chars().count() + sep_w)
                .sum::<usize>()
            + if from > 0 { 2 + sep_w } else { 0 }
    };
    let mut first = 0;
    while first + 1 < titles.len() && width_of(first) > area.width as usize {
        first += 1;
    }
    if first > 0 {
        spans.push(Span::styled(" › …", theme.get("dim")));
        x += 4;
    }
    for (depth, title) in titles.iter().enumerate().skip(first) {
        let sep = " › ";
        spans.push(Span::styled(sep, theme.get("dim")));
        x += sep.chars().count() as u16;
        let style = if depth + 1 == titles.len() {
            theme.get("crumb_last")
        } else {
            theme.get("crumb")
        };
        let width = title.chars().count() as u16;
        crumbs.push(Crumb {
            row: area.y,
            x: x..x + width,
            depth,
        });
        x += width;
        spans.push(Span::styled(title.clone(), style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    crumbs
}

pub(crate) fn render_prompt(frame: &mut Frame, area: Rect, prompt: &Prompt, shared: &Shared) {
    let lead = match prompt.kind {
        PromptKind::Command => ":",
        PromptKind::Filter => "/",
    };
    let hint = match prompt.kind {
        PromptKind::Command => "  Enter runs · Tab completes · Esc closes",
        PromptKind::Filter => "  Enter keeps · Esc clears",
    };
    let width = (area.width as usize).saturating_sub(1);
    let text_width = width.saturating_sub(hint.chars().count()).max(width / 2);
    let mut spans = vec![Span::styled(lead, shared.theme.get("key"))];
    spans.extend(
        prompt
            .input
            .spans(true, text_width, shared.theme.get("prompt"))
            .spans,
    );
    let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
    if used + hint.chars().count() <= area.width as usize {
        spans.push(Span::styled(hint, shared.theme.get("dim")));
    }
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line), area);
}

fn status_spans(shared: &Shared) -> Vec<Span<'static>> {
    let theme = &shared.theme;
    let info = &shared.backend.info;
    let status = &shared.status;
    let mut spans = Vec::new();
    if info.demo {
        spans.push(Span::styled(" DEMO ", theme.get("demo")));
        spans.push(Span::raw(" "));
    }
    let field = |label: &str, value: Option<&str>| {
        vec![
            Span::styled(format!("{label} "), theme.get("dim")),
            Span::styled(value.unwrap_or("-").to_string(), theme.get("status")),
            Span::raw("  "),
        ]
    };
    if !info.demo {
        spans.extend(field(
            "profile",
            info.profile.as_deref().or(Some("default")),
        ));
        spans.extend(field("region", info.region.as_deref()));
    }
    if let Some(endpoint) = info.endpoint.as_deref() {
        spans.extend(field("endpoint", Some(endpoint)));
    }
    if shared.inventory.any_stale() {
        spans.push(Span::styled("cached ", theme.get("stale")));
    }
    if let Some(first) = status.running.first() {
        let frame_char = SPINNER[status.spinner % SPINNER.len()];
        let more = match status.running.len() {
            1 => String::new(),
            n => format!(" (+{})", n - 1),
        };
        spans.push(Span::styled(
            format!("{frame_char} {first}{more}  "),
            theme.get("key"),
        ));
    }
    if let Some(err) = &status.error {
        spans.push(Span::styled(format!("✗ {err}"), theme.get("error")));
    } else if let Some(note) = &status.info {
        spans.push(Span::styled(note.clone(), theme.get("ok")));
    } else {
        spans.push(Span::styled(
            "? help  : command  / filter",
            theme.get("dim"),
        ));
    }
    spans
}

/// Rows the status line needs at this width: a long message wraps onto up
/// to three rows rather than being cut.
pub(crate) fn status_height(width: u16, shared: &Shared) -> u16 {
    wrapped_rows(&status_spans(shared), width).clamp(1, 3) as u16
}

/// Shown after a message cut to the status line's three rows.
const CUT_SUFFIX: &str = " … (:messages shows it in full)";

fn wrapped_rows(spans: &[Span<'static>], width: u16) -> usize {
    Paragraph::new(Line::from(spans.to_vec()))
        .wrap(ratatui::widgets::Wrap { trim: false })
        .line_count(width.max(1))
}

/// Cut the message (the last span) so the status line fits `rows` rows with
/// a pointer to `:messages`, where the whole text stays readable.
fn fit_status(mut spans: Vec<Span<'static>>, width: u16, rows: u16) -> Vec<Span<'static>> {
    if wrapped_rows(&spans, width) <= usize::from(rows) || spans.is_empty() {
        return spans;
    }
    let last = spans.len() - 1;
    let full: Vec<char> = spans[last].content.chars().collect();
    // The longest prefix that fits, by bisection on the wrapped row count.
    let (mut lo, mut hi) = (0, full.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        let mut text: String = full[..mid].iter().collect();
        text.push_str(CUT_SUFFIX);
        spans[last].content = text.into();
        if wrapped_rows(&spans, width) <= usize::from(rows) {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut text: String = full[..lo].iter().collect();
    text.push_str(CUT_SUFFIX);
    spans[last].content = text.into();
    spans
}

pub(crate) fn render_status(frame: &mut Frame, area: Rect, shared: &Shared) {
    let spans = fit_status(status_spans(shared), area.width, area.height.max(1));
    frame.render_widget(
        Paragraph::new(Line::from(spans))
            .wrap(ratatui::widgets::Wrap { trim: false })
            .style(shared.theme.get("status")),
        area,
    );
}

/// Help generated from the keymap sections of the current page, plus the
/// `:` commands. It uses the body's full width and scrolls within its
/// content: returns the scroll actually used (clamped to the last line).
pub(crate) fn render_help(
    frame: &mut Frame,
    body: Rect,
    sections: &[&str],
    scroll: u16,
    shared: &Shared,
) -> u16 {
    let theme = &shared.theme;
    let rows = shared.keymap.help_rows(sections);
    let key_width = rows
        .iter()
        .map(|(_, k, _)| k.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let mut lines = Vec::new();
    let mut current = String::new();
    for (section, keys, desc) in rows {
        if section != current {
            if !current.is_empty() {
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(format!("{section} keys"), theme.get("header")));
            current = section;
        }
        lines.push(Line::from(vec![
            Span::styled(format!("  {keys:<key_width$}  "), theme.get("key")),
            Span::raw(desc),
        ]));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "commands (press : then type)",
        theme.get("header"),
    ));
    for c in commands::all() {
        let name = if c.usage.is_empty() {
            format!(":{}", c.name)
        } else {
            format!(":{} {}", c.name, c.usage)
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {name:<key_width$}  "), theme.get("key")),
            Span::raw(c.desc),
        ]));
    }
    let width = body.width.saturating_sub(2).min(120);
    let height = body.height.min(lines.len() as u16 + 2);
    let area = Rect {
        x: body.x + (body.width.saturating_sub(width)) / 2,
        y: body.y + (body.height.saturating_sub(height)) / 2,
        width,
        height,
    };
    let wrap = ratatui::widgets::Wrap { trim: false };
    let inner_w = width.saturating_sub(2).max(1);
    let total = Paragraph::new(lines.clone()).wrap(wrap).line_count(inner_w) as u16;
    let visible = height.saturating_sub(2);
    let scroll = scroll.min(total.saturating_sub(visible));
    let more = if scroll + visible < total {
        format!(" {}/{} j/k G ", (scroll + visible).min(total), total)
    } else {
        String::new()
    };
    let block = detail_block(" help — Esc closes ", theme)
        .title_bottom(Line::styled(more, theme.get("dim")).right_aligned());
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(wrap)
            .block(block)
            .scroll((scroll, 0)),
        area,
    );
    scroll
}
