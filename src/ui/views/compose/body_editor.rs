//! The request body: a text editor with JSON checked as you type, or the
//! bytes of a file (binary files are sent as they are, not edited).

use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui_textarea::TextArea;

use crate::domain::ContentType;
use crate::ui::components::styles::BodyStyles;
use crate::ui::views::response::summary::human_size;

/// Live validation stops above this size (it reparses on each keystroke).
pub(crate) const LIVE_CHECK_LIMIT: usize = 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JsonCheck {
    Empty,
    Valid,
    /// `line 3, column 5: expected `,` or `}``
    Invalid(String),
    NotJson,
    TooLarge,
}

/// Check `text` as JSON when it looks like JSON (or `expect_json`).
pub(crate) fn check_json(text: &str, expect_json: bool) -> JsonCheck {
    let trimmed = text.trim_start();
    if trimmed.is_empty() {
        return JsonCheck::Empty;
    }
    if text.len() > LIVE_CHECK_LIMIT {
        return JsonCheck::TooLarge;
    }
    let looks_json = trimmed.starts_with(['{', '[', '"']);
    if !expect_json && !looks_json {
        return JsonCheck::NotJson;
    }
    match serde_json::from_str::<serde::de::IgnoredAny>(text) {
        Ok(_) => JsonCheck::Valid,
        Err(e) => {
            let msg = e.to_string();
            // serde_json appends " at line L column C"; say it first.
            let what = msg.split(" at line ").next().unwrap_or(&msg).to_string();
            JsonCheck::Invalid(format!("line {}, column {}: {what}", e.line(), e.column()))
        }
    }
}

#[derive(Debug)]
pub enum BodySource {
    Editor(Box<TextArea<'static>>),
    /// A file read as bytes; binary content is not shown in the editor.
    File {
        path: String,
        bytes: Vec<u8>,
    },
}

#[derive(Debug)]
pub struct BodyEditor {
    pub source: BodySource,
    /// The type the body is sent as: JSON is checked as you type (and
    /// non-JSON is an error); other types are not read as JSON, but JSON
    /// text under another type is a warning.
    pub content_type: ContentType,
    check: JsonCheck,
}

/// The type typed text most likely is: what "body type follows what is
/// typed" picks while the user has not chosen one.
pub(crate) fn guess_type(text: &str) -> ContentType {
    let t = text.trim_start();
    if t.is_empty() {
        ContentType::None
    } else if t.starts_with(['{', '[']) {
        ContentType::Json
    } else if t.starts_with('<') {
        ContentType::Xml
    } else {
        ContentType::Text
    }
}

impl Default for BodyEditor {
    fn default() -> Self {
        BodyEditor::from_bytes(b"")
    }
}

impl BodyEditor {
    /// Text goes to the editor; bytes that are not UTF-8 are kept as they are.
    pub fn from_bytes(bytes: &[u8]) -> Self {
        let source = match std::str::from_utf8(bytes) {
            Ok(text) => BodySource::Editor(Box::new(text_area(text))),
            Err(_) => BodySource::File {
                path: "(binary body)".into(),
                bytes: bytes.to_vec(),
            },
        };
        let mut e = BodyEditor {
            source,
            content_type: ContentType::None,
            check: JsonCheck::Empty,
        };
        e.recheck();
        e
    }

    pub(crate) fn from_file(path: &str, bytes: Vec<u8>) -> Self {
        let mut e = match String::from_utf8(bytes) {
            Ok(text) => BodyEditor::from_bytes(text.as_bytes()),
            Err(err) => BodyEditor {
                source: BodySource::File {
                    path: path.to_string(),
                    bytes: err.into_bytes(),
                },
                content_type: ContentType::None,
                check: JsonCheck::NotJson,
            },
        };
        e.recheck();
        e
    }

    pub fn bytes(&self) -> Vec<u8> {
        match &self.source {
            BodySource::Editor(t) => t.lines().join("\n").into_bytes(),
            BodySource::File { bytes, .. } => bytes.clone(),
        }
    }

    #[cfg(test)]
    pub fn check(&self) -> &JsonCheck {
        &self.check
    }

    pub(crate) fn set_content_type(&mut self, ct: ContentType) {
        self.content_type = ct;
        self.recheck();
    }

    /// The body as text (empty for a binary file).
    pub fn text(&self) -> String {
        match &self.source {
            BodySource::Editor(t) => t.lines().join("\n"),
            BodySource::File { .. } => String::new(),
        }
    }

    fn recheck(&mut self) {
        self.check = match &self.source {
            BodySource::Editor(t) => {
                let text = t.lines().join("\n");
                match self.content_type {
                    ContentType::Json => check_json(&text, true),
                    ContentType::None => check_json(&text, false),
                    // XML, form, text: not read as JSON (see `mismatch`).
                    _ if text.trim().is_empty() => JsonCheck::Empty,
                    _ => JsonCheck::NotJson,
                }
            }
            BodySource::File { .. } => JsonCheck::NotJson,
        };
    }

    /// A warning when the type and the text disagree (sent anyway).
    pub fn mismatch(&self) -> Option<String> {
        let BodySource::Editor(_) = &self.source else {
            return None;
        };
        let text = self.text();
        let is_json = matches!(check_json(&text, false), JsonCheck::Valid);
        match self.content_type {
            ContentType::Json | ContentType::None => None,
            ContentType::Binary => None,
            other if is_json => Some(format!(
                "the body is JSON but is sent as {} (t changes the type)",
                other.label()
            )),
            _ => None,
        }
    }

    /// A key typed into the editor. Returns whether the text changed.
    pub fn input(&mut self, key: KeyEvent) -> bool {
        let BodySource::Editor(t) = &mut self.source else {
            return false;
        };
        let changed = t.input(key);
        if changed {
            self.recheck();
        }
        changed
    }

    /// Reindent JSON (keeps the text when it does not parse).
    pub(crate) fn format_json(&mut self) -> bool {
        let BodySource::Editor(t) = &self.source else {
            return false;
        };
        let text = t.lines().join("\n");
        match crate::ui::components::json::pretty(text.as_bytes()) {
            Some(p) => {
                self.source = BodySource::Editor(Box::new(text_area(&p)));
                self.recheck();
                true
            }
            None => false,
        }
    }

    pub fn status_line(&self, styles: &BodyStyles) -> Line<'static> {
        let size = human_size(self.bytes().len() as u64);
        if let Some(w) = self.mismatch() {
            return Line::styled(format!("! {w} · {size}"), styles.warning);
        }
        let kind = match self.content_type {
            ContentType::None => "text",
            other => other.label(),
        };
        let (text, style) = match (&self.check, &self.source) {
            (_, BodySource::File { path, bytes }) => (
                format!(
                    "file {path} · {} · sent as is",
                    human_size(bytes.len() as u64)
                ),
                styles.info,
            ),
            (JsonCheck::Empty, _) => ("empty body".to_string(), styles.dim),
            (JsonCheck::Valid, _) => (format!("✓ valid JSON · {size}"), styles.ok),
            (JsonCheck::Invalid(e), _) => (format!("✗ invalid JSON: {e}"), styles.server_error),
            (JsonCheck::NotJson, _) => (format!("{kind} · {size}"), styles.dim),
            (JsonCheck::TooLarge, _) => (
                format!("{size} · too large to check as you type"),
                styles.dim,
            ),
        };
        Line::from(Span::styled(text, style))
    }

    pub fn render(&self, frame: &mut Frame, area: Rect, focused: bool, styles: &BodyStyles) {
        let [status, main] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        frame.render_widget(self.status_line(styles), status);
        match &self.source {
            BodySource::Editor(t) => {
                let mut t = t.clone();
                if !focused {
                    // No cursor cell when the editor does not have focus.
                    t.set_cursor_style(ratatui::style::Style::default());
                }
                t.set_cursor_line_style(ratatui::style::Style::default());
                frame.render_widget(&*t, main);
            }
            BodySource::File { bytes, .. } => {
                let doc = crate::ui::components::text_view::Hex(bytes);
                let mut scroll = Default::default();
                frame.render_stateful_widget(
                    crate::ui::components::text_view::ScrollView {
                        source: &doc,
                        styles,
                    },
                    main,
                    &mut scroll,
                );
            }
        }
    }
}

fn text_area(text: &str) -> TextArea<'static> {
    let mut lines: Vec<String> = text.split('\n').map(String::from).collect();
    if lines.is_empty() {
        lines.push(String::new());
    }
    let mut t = TextArea::new(lines);
    t.set_tab_length(2);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn json_checks() {
        assert_eq!(check_json("", true), JsonCheck::Empty);
        assert_eq!(check_json("{\"a\": 1}", false), JsonCheck::Valid);
        assert_eq!(check_json("hello", false), JsonCheck::NotJson);
        match check_json("{\n  \"a\": 1\n  \"b\": 2\n}", false) {
            JsonCheck::Invalid(m) => assert!(m.starts_with("line 3, column 3: expected"), "{m}"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(check_json("hello", true), JsonCheck::Invalid(_)));
    }

    #[test]
    fn typing_rechecks_and_format_reindents() {
        let mut e = BodyEditor::default();
        for c in "{\"a\":[1,2]".chars() {
            e.input(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
        }
        assert!(matches!(e.check(), JsonCheck::Invalid(_)));
        e.input(KeyEvent::new(KeyCode::Char('}'), KeyModifiers::NONE));
        assert_eq!(e.check(), &JsonCheck::Valid);
        assert!(e.format_json());
        assert_eq!(e.bytes(), b"{\n  \"a\": [\n    1,\n    2\n  ]\n}");
    }

    #[test]
    fn binary_files_are_kept_byte_for_byte() {
        let bytes = vec![0xff, 0x00, 0x10];
        let e = BodyEditor::from_file("a.bin", bytes.clone());
        assert_eq!(e.bytes(), bytes);
        let line: String = e
            .status_line(&BodyStyles::default())
            .spans
            .iter()
            .map(|s| s.content.to_string())
            .collect();
        assert_eq!(line, "file a.bin · 3 B · sent as is");
        let text = BodyEditor::from_file("a.json", b"{}".to_vec());
        assert_eq!(text.check(), &JsonCheck::Valid);
    }
}
