//! A response body prepared for display: raw text, pretty JSON, hex, and
//! the output of a jq filter, each scrolled independently of the others.
//!
//! Preparing pretty JSON for a large body costs real time, so build a
//! [`Body`] in the background task that received the response, not in the
//! UI loop; rendering then only touches the visible lines.

use std::sync::Arc;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::StatefulWidget;

use super::jq::FilterOutput;
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::text_view::{Hex, Json, Plain, Scroll, ScrollView, TextDoc};
use crate::ui::components::{hex, json};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyMode {
    /// Indented, coloured JSON (falls back to raw for non-JSON text).
    Pretty,
    Raw,
    Hex,
}

impl BodyMode {
    pub fn label(self) -> &'static str {
        match self {
            BodyMode::Pretty => "pretty",
            BodyMode::Raw => "raw",
            BodyMode::Hex => "hex",
        }
    }
}

/// State of a jq filter over the body.
#[derive(Debug, Clone, PartialEq)]
pub enum FilterState {
    Off,
    Running(String),
    Done {
        code: String,
        doc: TextDoc,
        count: usize,
        capped: bool,
    },
    Failed {
        code: String,
        error: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    bytes: Arc<Vec<u8>>,
    raw: TextDoc,
    pretty: Option<TextDoc>,
    binary: bool,
    pub mode: BodyMode,
    pub scroll: Scroll,
    pub filter: FilterState,
}

impl Body {
    pub fn new(bytes: Vec<u8>) -> Self {
        let binary = hex::looks_binary(&bytes);
        let pretty = if binary {
            None
        } else {
            json::pretty(&bytes).map(TextDoc::new)
        };
        let raw = if binary {
            TextDoc::default()
        } else {
            // Shown escaped: control and bidi characters from the server.
            TextDoc::new(
                crate::engines::terminal_text::escape(&String::from_utf8_lossy(&bytes))
                    .into_owned(),
            )
        };
        let mode = if binary {
            BodyMode::Hex
        } else {
            BodyMode::Pretty
        };
        Body {
            bytes: Arc::new(bytes),
            raw,
            pretty,
            binary,
            mode,
            scroll: Scroll::default(),
            filter: FilterState::Off,
        }
    }

    pub fn bytes(&self) -> &Arc<Vec<u8>> {
        &self.bytes
    }

    pub(crate) fn is_json(&self) -> bool {
        self.pretty.is_some()
    }

    /// Pretty → raw → hex → pretty; binary bodies only have hex.
    pub(crate) fn cycle_mode(&mut self) {
        self.mode = match (self.mode, self.binary) {
            (_, true) => BodyMode::Hex,
            (BodyMode::Pretty, _) => BodyMode::Raw,
            (BodyMode::Raw, _) => BodyMode::Hex,
            (BodyMode::Hex, _) => BodyMode::Pretty,
        };
        self.scroll = Scroll::default();
    }

    pub(crate) fn start_filter(&mut self, code: String) {
        self.filter = if code.trim().is_empty() {
            FilterState::Off
        } else {
            FilterState::Running(code)
        };
        self.scroll = Scroll::default();
    }

    /// Store a filter result, unless the user has since asked for another.
    pub(crate) fn finish_filter(&mut self, code: &str, result: Result<FilterOutput, String>) {
        if !matches!(&self.filter, FilterState::Running(c) if c == code) {
            return;
        }
        self.filter = match result {
            Ok(out) => FilterState::Done {
                code: code.to_string(),
                doc: TextDoc::new(out.text),
                count: out.count,
                capped: out.capped,
            },
            Err(error) => FilterState::Failed {
                code: code.to_string(),
                error,
            },
        };
    }

    pub(crate) fn filter_code(&self) -> Option<&str> {
        match &self.filter {
            FilterState::Off => None,
            FilterState::Running(c) => Some(c),
            FilterState::Done { code, .. } | FilterState::Failed { code, .. } => Some(code),
        }
    }

    /// The label for the body pane's title: mode, and filter when active.
    pub fn title(&self) -> String {
        let mode = if self.mode == BodyMode::Pretty && !self.is_json() {
            "text"
        } else {
            self.mode.label()
        };
        match &self.filter {
            FilterState::Off => format!("Body · {mode}"),
            FilterState::Running(c) => format!("Body · jq {c} · running…"),
            FilterState::Done {
                code,
                count,
                capped,
                ..
            } => {
                let more = if *capped { "+" } else { "" };
                format!("Body · jq {code} · {count}{more} outputs")
            }
            FilterState::Failed { code, .. } => format!("Body · jq {code} · failed"),
        }
    }
}

/// Renders the body in its current mode (or the filter's output).
pub(crate) struct BodyView<'a> {
    pub styles: &'a BodyStyles,
}

impl StatefulWidget for BodyView<'_> {
    type State = Body;

    fn render(self, area: Rect, buf: &mut Buffer, body: &mut Body) {
        let styles = self.styles;
        let scroll = &mut body.scroll;
        match &body.filter {
            FilterState::Done { doc, .. } => {
                return ScrollView {
                    source: &Json(doc),
                    styles,
                }
                .render(area, buf, scroll);
            }
            FilterState::Failed { error, .. } => {
                let doc = TextDoc::new(error.clone());
                return ScrollView {
                    source: &Plain(&doc),
                    styles,
                }
                .render(area, buf, scroll);
            }
            FilterState::Running(_) | FilterState::Off => {}
        }
        if body.bytes.is_empty() {
            let doc = TextDoc::new("(empty body)".to_string());
            return ScrollView {
                source: &Plain(&doc),
                styles,
            }
            .render(area, buf, scroll);
        }
        match (body.mode, &body.pretty) {
            (BodyMode::Hex, _) => ScrollView {
                source: &Hex(&body.bytes),
                styles,
            }
            .render(area, buf, scroll),
            (BodyMode::Pretty, Some(doc)) => ScrollView {
                source: &Json(doc),
                styles,
            }
            .render(area, buf, scroll),
            _ => ScrollView {
                source: &Plain(&body.raw),
                styles,
            }
            .render(area, buf, scroll),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::views::response::jq;

    #[test]
    fn modes_cycle_and_binary_stays_hex() {
        let mut b = Body::new(br#"{"a":1}"#.to_vec());
        assert!(b.is_json());
        assert_eq!(b.mode, BodyMode::Pretty);
        b.cycle_mode();
        assert_eq!(b.mode, BodyMode::Raw);
        b.cycle_mode();
        assert_eq!(b.mode, BodyMode::Hex);
        b.cycle_mode();
        assert_eq!(b.mode, BodyMode::Pretty);
        let mut bin = Body::new(vec![0, 159, 146, 150]);
        assert_eq!(bin.mode, BodyMode::Hex);
        bin.cycle_mode();
        assert_eq!(bin.mode, BodyMode::Hex);
    }

    #[test]
    fn stale_filter_results_are_ignored() {
        let mut b = Body::new(br#"{"a":[1,2]}"#.to_vec());
        b.start_filter(".a".into());
        b.start_filter(".a[0]".into());
        b.finish_filter(".a", jq::run_filter(".a", b.bytes()));
        assert_eq!(b.filter, FilterState::Running(".a[0]".into()));
        let out = jq::run_filter(".a[0]", b.bytes());
        b.finish_filter(".a[0]", out);
        assert_eq!(b.title(), "Body · jq .a[0] · 1 outputs");
        b.start_filter("  ".into());
        assert_eq!(b.filter, FilterState::Off);
        assert_eq!(b.title(), "Body · pretty");
    }
}
