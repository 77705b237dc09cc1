//! A scrollable block of text lines for detail pages.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::ui::action::Action;

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
}
