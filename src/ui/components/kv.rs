//! Label/value lines for detail pages, and warning lines.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::ui::theme::Theme;

/// `label  value` with the label padded to `width`.
pub fn kv<'a>(theme: &Theme, width: usize, label: &str, value: impl Into<String>) -> Line<'a> {
    Line::from(vec![
        Span::styled(format!("{label:<width$} "), theme.get("label")),
        Span::styled(value.into(), theme.get("value")),
    ])
}

/// A heading line.
pub fn heading<'a>(theme: &Theme, text: impl Into<String>) -> Line<'a> {
    Line::from(Span::styled(text.into(), theme.get("header")))
}

/// `⚠ text` in the warning style.
pub(crate) fn warn<'a>(theme: &Theme, text: impl Into<String>) -> Line<'a> {
    Line::from(Span::styled(
        format!("⚠ {}", text.into()),
        theme.get("warn"),
    ))
}

/// `✗ text` in the error style.
pub fn error<'a>(theme: &Theme, text: impl Into<String>) -> Line<'a> {
    Line::from(Span::styled(
        format!("✗ {}", text.into()),
        theme.get("error"),
    ))
}

pub(crate) fn styled<'a>(text: impl Into<String>, style: Style) -> Line<'a> {
    Line::from(Span::styled(text.into(), style))
}
