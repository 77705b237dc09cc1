//! The bordered pane of a multi-pane page. Focus shows by shape as well as
//! colour (a `▶` before the title and a thick border), so it stays visible
//! under `NO_COLOR` and on terminals that render bold like plain.

use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Block, BorderType, Borders};

/// A pane titled `title`; `focused` picks the marker, border and style.
pub fn pane(title: &str, focused: bool, focused_style: Style, idle_style: Style) -> Block<'static> {
    let (title, border, style) = if focused {
        (
            format!("▶ {}", title.trim_start()),
            BorderType::Thick,
            focused_style,
        )
    } else {
        (title.to_string(), BorderType::Plain, idle_style)
    };
    Block::default()
        .borders(Borders::ALL)
        .border_type(border)
        .border_style(style)
        .title(Span::styled(title, style))
}

#[cfg(test)]
mod tests {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    fn drawn(focused: bool) -> String {
        let mut t = Terminal::new(TestBackend::new(12, 3)).unwrap();
        t.draw(|f| {
            f.render_widget(
                super::pane("Body", focused, Default::default(), Default::default()),
                f.area(),
            )
        })
        .unwrap();
        let buf = t.backend().buffer();
        (0..3)
            .map(|y| (0..12).map(|x| buf[(x, y)].symbol()).collect::<String>() + "\n")
            .collect()
    }

    /// With no styles at all (NO_COLOR), focused and idle panes still differ.
    #[test]
    fn focus_is_visible_without_any_style() {
        assert_eq!(drawn(true), "┏▶ Body━━━━┓\n┃          ┃\n┗━━━━━━━━━━┛\n");
        assert_eq!(drawn(false), "┌Body──────┐\n│          │\n└──────────┘\n");
    }
}
