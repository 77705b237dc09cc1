//! A one-line text input (URL, key/value cells, prompts, filters): a string
//! and a cursor, edited by key events with the readline keys people expect
//! (Ctrl-A/E, Ctrl-U/K, Ctrl-W, Backspace on an empty input does nothing),
//! rendered with a visible cursor cell.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    text: String,
    /// Cursor position in characters (not bytes).
    cursor: usize,
}

/// What a key did to the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputOutcome {
    Changed,
    Moved,
    /// Not an editing key: the caller decides (Enter, Esc, Tab...).
    Ignored,
}

impl LineInput {
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        let cursor = text.chars().count();
        LineInput { text, cursor }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    #[cfg(test)]
    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn set(&mut self, text: impl Into<String>) {
        *self = LineInput::new(text);
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    pub fn insert(&mut self, c: char) {
        let at = self.byte_at(self.cursor);
        self.text.insert(at, c);
        self.cursor += 1;
    }

    #[cfg(test)]
    pub(crate) fn insert_str(&mut self, s: &str) {
        for c in s.chars().filter(|c| !c.is_control()) {
            self.insert(c);
        }
    }

    pub fn handle_key(&mut self, key: KeyEvent) -> InputOutcome {
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        let len = self.text.chars().count();
        match key.code {
            KeyCode::Char('u') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.drain(..at);
                self.cursor = 0;
                InputOutcome::Changed
            }
            KeyCode::Char('k') if ctrl => {
                let at = self.byte_at(self.cursor);
                self.text.truncate(at);
                InputOutcome::Changed
            }
            KeyCode::Char('w') if ctrl => {
                // The word before the cursor, and the blanks after it.
                let chars: Vec<char> = self.text.chars().collect();
                let mut from = self.cursor;
                while from > 0 && chars[from - 1].is_whitespace() {
                    from -= 1;
                }
                while from > 0 && !chars[from - 1].is_whitespace() {
                    from -= 1;
                }
                let (a, b) = (self.byte_at(from), self.byte_at(self.cursor));
                self.text.drain(a..b);
                self.cursor = from;
                InputOutcome::Changed
            }
            KeyCode::Char('a') if ctrl => {
                self.cursor = 0;
                InputOutcome::Moved
            }
            KeyCode::Char('e') if ctrl => {
                self.cursor = len;
                InputOutcome::Moved
            }
            KeyCode::Char(c) if !ctrl => {
                self.insert(c);
                InputOutcome::Changed
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                InputOutcome::Changed
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.text.remove(at);
                InputOutcome::Changed
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                InputOutcome::Moved
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(len);
                InputOutcome::Moved
            }
            KeyCode::Home => {
                self.cursor = 0;
                InputOutcome::Moved
            }
            KeyCode::End => {
                self.cursor = len;
                InputOutcome::Moved
            }
            KeyCode::Backspace | KeyCode::Delete => InputOutcome::Moved,
            _ => InputOutcome::Ignored,
        }
    }

    /// Spans with the cursor cell reversed when `focused`; scrolled so the
    /// cursor stays inside `width` columns.
    pub(crate) fn spans(&self, focused: bool, width: usize, style: Style) -> Line<'static> {
        let chars: Vec<char> = self.text.chars().collect();
        let width = width.max(1);
        let first = if focused && self.cursor >= width {
            self.cursor + 1 - width
        } else {
            0
        };
        let visible = |from: usize, to: usize| -> String {
            chars[from.min(chars.len())..to.min(chars.len())]
                .iter()
                .collect()
        };
        if !focused {
            return Line::from(Span::styled(visible(0, width), style));
        }
        let cursor_char = chars.get(self.cursor).copied().unwrap_or(' ');
        Line::from(vec![
            Span::styled(visible(first, self.cursor), style),
            Span::styled(
                cursor_char.to_string(),
                style.add_modifier(Modifier::REVERSED),
            ),
            Span::styled(visible(self.cursor + 1, first + width), style),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn editing_with_unicode() {
        let mut i = LineInput::new("hé");
        i.handle_key(key(KeyCode::Left));
        i.handle_key(key(KeyCode::Char('ü')));
        assert_eq!(i.text(), "hüé");
        i.handle_key(key(KeyCode::Backspace));
        i.handle_key(key(KeyCode::Delete));
        assert_eq!(i.text(), "h");
        assert_eq!(i.handle_key(key(KeyCode::Enter)), InputOutcome::Ignored);
        i.handle_key(KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn readline_keys() {
        let ctrl = |c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL);
        let mut i = LineInput::new("send GET  https://x");
        i.handle_key(ctrl('w'));
        assert_eq!(i.text(), "send GET  ");
        i.handle_key(ctrl('w'));
        assert_eq!(i.text(), "send ");
        i.handle_key(ctrl('a'));
        assert_eq!(i.cursor(), 0);
        i.handle_key(ctrl('k'));
        assert_eq!(i.text(), "");
        // Backspace on an empty input does nothing (and is not "ignored":
        // callers must not treat it as a request to close).
        assert_eq!(i.handle_key(key(KeyCode::Backspace)), InputOutcome::Moved);
        i.insert_str("abc");
        i.handle_key(ctrl('e'));
        i.handle_key(ctrl('u'));
        assert_eq!(i.text(), "");
    }

    #[test]
    fn cursor_stays_visible() {
        let i = LineInput::new("abcdefgh");
        let line = i.spans(true, 4, Style::default());
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(text, "fgh ");
    }
}
