//! A scrollable block of text lines for detail pages, and the rounded,
//! titled frame every full page draws in.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Wrap};

use crate::ui::action::Action;
use crate::ui::theme::Theme;

/// The frame of a full page: rounded border in the theme's `border` style,
/// titled `title` (a line the page styles itself: counts, filters...).
pub(crate) fn page_block<'a>(title: impl Into<Line<'a>>, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Rounded)
        .border_style(theme.get("border"))
        .title(title)
}

/// The frame of a detail page: [`page_block`] titled `title` in the
/// theme's `title` style.
pub(crate) fn detail_block(title: impl Into<String>, theme: &Theme) -> Block<'static> {
    page_block(Span::styled(title.into(), theme.get("title")), theme)
}

#[derive(Debug, Default)]
pub(crate) struct ScrollText {
    pub offset: u16,
    /// Height of the last render, for paging and clamping.
    height: u16,
    lines: u16,
}

impl ScrollText {
    /// Scroll for motion actions; true if the action was one.
    pub fn handle(&mut self, action: &Action) -> bool {
        let page = self.height.saturating_sub(2).max(1);
        let max = self.lines.saturating_sub(self.height.saturating_sub(2));
        self.offset = match action {
            Action::Down => self.offset.saturating_add(1),
            Action::Up => self.offset.saturating_sub(1),
            Action::PageDown => self.offset.saturating_add(page),
            Action::PageUp => self.offset.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => max,
            _ => return false,
        }
        .min(max);
        true
    }

    pub fn render(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        lines: Vec<Line<'_>>,
        block: Block<'_>,
    ) {
        self.height = area.height;
        // Wrapped height, so `Bottom` reaches the real end.
        let width = area.width.saturating_sub(2).max(1) as usize;
        self.lines = lines
            .iter()
            .map(|l| l.width().div_ceil(width).max(1))
            .sum::<usize>()
            .min(u16::MAX as usize) as u16;
        self.offset = self.offset.min(self.lines.saturating_sub(1));
        let paragraph = Paragraph::new(lines)
            .block(block)
            .wrap(Wrap { trim: false })
            .scroll((self.offset, 0));
        frame.render_widget(paragraph, area);
    }

    /// [`ScrollText::render`] in a [`detail_block`] titled `title`.
    pub fn render_detail(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        title: impl Into<String>,
        lines: Vec<Line<'_>>,
        theme: &Theme,
    ) {
        self.render(frame, area, lines, detail_block(title, theme));
    }
}
