//! A scrollable view over many lines that only materialises the visible
//! window: documents of millions of lines cost nothing to scroll.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Scrollbar, ScrollbarOrientation, ScrollbarState, StatefulWidget, Widget};

use super::hex;
use super::json;
use super::styles::BodyStyles;

/// Anything that can hand out line `i` on demand.
pub(crate) trait LineSource {
    fn line_count(&self) -> usize;
    fn line(&self, i: usize, styles: &BodyStyles) -> Line<'static>;
}

/// Text with its line starts indexed once.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextDoc {
    text: String,
    starts: Vec<usize>,
}

impl TextDoc {
    pub fn new(text: String) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        // A trailing newline does not open an extra empty line.
        if starts.len() > 1 && *starts.last().unwrap_or(&0) == text.len() {
            starts.pop();
        }
        TextDoc { text, starts }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn get(&self, i: usize) -> &str {
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        self.text[start..end.max(start)].trim_end_matches(['\n', '\r'])
    }
}

/// Plain text lines.
pub(crate) struct Plain<'a>(pub &'a TextDoc);
/// JSON-coloured lines.
pub struct Json<'a>(pub &'a TextDoc);
/// Hex dump rows of bytes.
pub(crate) struct Hex<'a>(pub &'a [u8]);
/// Ready-made lines (small documents: headers, panes).
pub(crate) struct Lines<'a>(pub &'a [Line<'static>]);

impl LineSource for Plain<'_> {
    fn line_count(&self) -> usize {
        self.0.len()
    }
    fn line(&self, i: usize, _: &BodyStyles) -> Line<'static> {
        Line::raw(json::cap(self.0.get(i), json::MAX_HIGHLIGHT_BYTES).to_string())
    }
}

impl LineSource for Json<'_> {
    fn line_count(&self) -> usize {
        self.0.len()
    }
    fn line(&self, i: usize, styles: &BodyStyles) -> Line<'static> {
        json::highlight_line(self.0.get(i), styles)
    }
}

impl LineSource for Hex<'_> {
    fn line_count(&self) -> usize {
        hex::row_count(self.0.len())
    }
    fn line(&self, i: usize, styles: &BodyStyles) -> Line<'static> {
        hex::hex_row(self.0, i, styles)
    }
}

impl LineSource for Lines<'_> {
    fn line_count(&self) -> usize {
        self.0.len()
    }
    fn line(&self, i: usize, _: &BodyStyles) -> Line<'static> {
        self.0.get(i).cloned().unwrap_or_default()
    }
}

/// Scroll position; `height` is remembered from the last render so paging
/// moves by what the user actually sees.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scroll {
    pub top: usize,
    pub left: usize,
    pub height: usize,
}

impl Scroll {
    pub fn down(&mut self, n: usize) {
        self.top = self.top.saturating_add(n);
    }
    pub fn up(&mut self, n: usize) {
        self.top = self.top.saturating_sub(n);
    }
    pub(crate) fn page_down(&mut self) {
        self.down(self.height.saturating_sub(1).max(1));
    }
    pub(crate) fn page_up(&mut self) {
        self.up(self.height.saturating_sub(1).max(1));
    }
    pub fn home(&mut self) {
        self.top = 0;
        self.left = 0;
    }
    pub fn end(&mut self) {
        self.top = usize::MAX;
    }
    pub fn right(&mut self, n: usize) {
        self.left = self.left.saturating_add(n);
    }
    pub fn left(&mut self, n: usize) {
        self.left = self.left.saturating_sub(n);
    }
    /// Keep the last page full and `top` inside the document.
    pub fn clamp(&mut self, total: usize, height: usize) {
        self.height = height;
        self.top = self.top.min(total.saturating_sub(height));
    }
}

/// Drop the first `n` characters of a line, keeping styles.
pub(crate) fn skip_columns(line: Line<'static>, mut n: usize) -> Line<'static> {
    if n == 0 {
        return line;
    }
    let style = line.style;
    let mut spans = Vec::with_capacity(line.spans.len());
    for span in line.spans {
        if n == 0 {
            spans.push(span);
            continue;
        }
        let count = span.content.chars().count();
        if count <= n {
            n -= count;
            continue;
        }
        let rest: String = span.content.chars().skip(n).collect();
        n = 0;
        spans.push(Span::styled(rest, span.style));
    }
    Line::from(spans).style(style)
}

/// Renders the visible window of a [`LineSource`] with a scrollbar.
pub(crate) struct ScrollView<'a, S: LineSource> {
    pub source: &'a S,
    pub styles: &'a BodyStyles,
}

impl<S: LineSource> StatefulWidget for ScrollView<'_, S> {
    type State = Scroll;

    fn render(self, area: Rect, buf: &mut Buffer, scroll: &mut Scroll) {
        if area.is_empty() {
            return;
        }
        let total = self.source.line_count();
        let height = area.height as usize;
        scroll.clamp(total, height);
        let needs_bar = total > height;
        let text_width = if needs_bar {
            area.width.saturating_sub(1)
        } else {
            area.width
        };
        for (row, i) in (scroll.top..total.min(scroll.top + height)).enumerate() {
            let line = skip_columns(self.source.line(i, self.styles), scroll.left);
            let rect = Rect::new(area.x, area.y + row as u16, text_width, 1);
            line.render(rect, buf);
        }
        if needs_bar {
            let mut state = ScrollbarState::new(total.saturating_sub(height)).position(scroll.top);
            Scrollbar::new(ScrollbarOrientation::VerticalRight)
                .begin_symbol(None)
                .end_symbol(None)
                .render(area, buf, &mut state);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_doc_lines() {
        let d = TextDoc::new("a\r\nbb\n\nc\n".to_string());
        assert_eq!(d.len(), 4);
        assert_eq!(
            (0..4).map(|i| d.get(i)).collect::<Vec<_>>(),
            ["a", "bb", "", "c"]
        );
        assert_eq!(d.get(9), "");
        assert_eq!(TextDoc::new(String::new()).len(), 1);
    }

    #[test]
    fn scroll_clamps_to_last_page() {
        let mut s = Scroll::default();
        s.end();
        s.clamp(100, 10);
        assert_eq!(s.top, 90);
        s.page_up();
        assert_eq!(s.top, 81);
        s.clamp(5, 10);
        assert_eq!(s.top, 0);
    }

    #[test]
    fn skipping_columns_keeps_styles() {
        let styles = BodyStyles::default();
        let line = json::highlight_line(r#""k": "v""#, &styles);
        let cut = skip_columns(line, 2);
        assert_eq!(cut.spans[0].content, "\"");
        assert_eq!(cut.spans[0].style, styles.key);
        let all: String = cut.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(all, "\": \"v\"");
    }

    #[test]
    fn renders_only_the_window() {
        let doc = TextDoc::new((0..1000).map(|i| format!("line {i}\n")).collect());
        let styles = BodyStyles::default();
        let mut buf = Buffer::empty(Rect::new(0, 0, 12, 3));
        let mut scroll = Scroll {
            top: 500,
            ..Default::default()
        };
        ScrollView {
            source: &Plain(&doc),
            styles: &styles,
        }
        .render(buf.area, &mut buf, &mut scroll);
        let row: String = (0..8).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert_eq!(row, "line 500");
        assert_eq!(scroll.height, 3);
    }
}
