//! JSON syntax colouring, one line at a time.
//!
//! Bodies can be tens of MB, so nothing here builds spans for a whole
//! document: the text is pretty-printed once (see [`pretty`]) and each
//! visible line is coloured on demand by [`highlight_line`]. Pretty-printed
//! JSON never has a string spanning two lines (newlines are escaped), so a
//! per-line tokenizer is exact; on raw or broken JSON it degrades gracefully
//! (unknown bytes are shown unstyled).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::styles::BodyStyles;

/// Longest slice of a single line that is tokenised: a minified 10 MB body
/// is one line, and only its start can be on screen anyway.
pub(crate) const MAX_HIGHLIGHT_BYTES: usize = 16 * 1024;

/// Pretty-print JSON text (keeping key order). `None` when it is not JSON.
/// Control and bidi characters in strings come out as JSON escapes
/// (`\u202e`): the same JSON, shown safely.
pub(crate) fn pretty(bytes: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let text = serde_json::to_string_pretty(&value).ok()?;
    Some(crate::engines::terminal_text::escape_json(&text).into_owned())
}

/// Pretty-print several values (e.g. jq outputs), one after another.
pub(crate) fn pretty_values(values: &[serde_json::Value]) -> String {
    let mut out = String::new();
    for v in values {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string()));
    }
    crate::engines::terminal_text::escape_json(&out).into_owned()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Tok {
    Space,
    Key,
    Str,
    Num,
    Lit,
    Punct,
    Other,
}

/// Colour one line of JSON text.
pub(crate) fn highlight_line(line: &str, styles: &BodyStyles) -> Line<'static> {
    let line = cap(line, MAX_HIGHLIGHT_BYTES);
    let bytes = line.as_bytes();
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let tok = match bytes[i] {
            b' ' | b'\t' | b'\r' => {
                while i < bytes.len() && matches!(bytes[i], b' ' | b'\t' | b'\r') {
                    i += 1;
                }
                Tok::Space
            }
            b'"' => {
                i = string_end(bytes, i);
                if next_non_space(bytes, i) == Some(b':') {
                    Tok::Key
                } else {
                    Tok::Str
                }
            }
            b'-' | b'0'..=b'9' => {
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                Tok::Num
            }
            b'{' | b'}' | b'[' | b']' | b',' | b':' => {
                i += 1;
                Tok::Punct
            }
            c if c.is_ascii_alphabetic() => {
                while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                    i += 1;
                }
                match &line[start..i] {
                    "true" | "false" | "null" => Tok::Lit,
                    _ => Tok::Other,
                }
            }
            _ => {
                // Advance one whole UTF-8 character.
                i += line[i..].chars().next().map_or(1, char::len_utf8);
                Tok::Other
            }
        };
        let style = match tok {
            Tok::Space | Tok::Other => Style::default(),
            Tok::Key => styles.key,
            Tok::Str => styles.string,
            Tok::Num => styles.number,
            Tok::Lit => styles.literal,
            Tok::Punct => styles.punct,
        };
        push(&mut spans, &line[start..i], style);
    }
    Line::from(spans)
}

/// Merge adjacent text of the same style, keeping span counts low.
fn push(spans: &mut Vec<Span<'static>>, text: &str, style: Style) {
    if let Some(last) = spans.last_mut()
        && last.style == style
    {
        last.content.to_mut().push_str(text);
        return;
    }
    spans.push(Span::styled(text.to_string(), style));
}

/// Index just past the closing quote of the string starting at `start`
/// (or the end of the line for an unterminated string).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

fn next_non_space(bytes: &[u8], mut i: usize) -> Option<u8> {
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    bytes.get(i).copied()
}

/// Cut `s` to at most `max` bytes on a character boundary.
pub(crate) fn cap(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(String, Style)> {
        let s = BodyStyles::default();
        highlight_line(line, &s)
            .spans
            .into_iter()
            .map(|sp| (sp.content.into_owned(), sp.style))
            .collect()
    }

    #[test]
    fn keys_and_string_values_get_different_styles() {
        let s = BodyStyles::default();
        let spans = kinds(r#"  "name": "a:b","#);
        assert_eq!(spans[1], ("\"name\"".to_string(), s.key));
        assert_eq!(spans[2], (":".to_string(), s.punct));
        assert_eq!(spans[4], ("\"a:b\"".to_string(), s.string));
    }

    #[test]
    fn escaped_quotes_stay_inside_the_string() {
        let s = BodyStyles::default();
        let spans = kinds(r#""say \"hi\"": 1"#);
        assert_eq!(spans[0], (r#""say \"hi\"""#.to_string(), s.key));
        assert_eq!(spans.last().unwrap(), &("1".to_string(), s.number));
    }

    #[test]
    fn literals_numbers_and_garbage() {
        let s = BodyStyles::default();
        let spans = kinds("[true, -1.5e3, null, nope]");
        assert!(spans.contains(&("true".to_string(), s.literal)));
        assert!(spans.contains(&("-1.5e3".to_string(), s.number)));
        assert!(spans.contains(&(" nope".to_string(), Style::default())));
    }

    #[test]
    fn text_is_preserved_exactly_including_unicode() {
        let line = r#"  "ключ": "värde ✓", "n": 1 } ¿"#;
        let joined: String = kinds(line).into_iter().map(|(t, _)| t).collect();
        assert_eq!(joined, line);
    }

    #[test]
    fn unterminated_string_does_not_panic() {
        let joined: String = kinds(r#""abc\"#).into_iter().map(|(t, _)| t).collect();
        assert_eq!(joined, r#""abc\"#);
    }

    #[test]
    fn huge_lines_are_capped_on_a_char_boundary() {
        let line = "é".repeat(MAX_HIGHLIGHT_BYTES);
        let joined: String = kinds(&line).into_iter().map(|(t, _)| t).collect();
        assert!(joined.len() <= MAX_HIGHLIGHT_BYTES);
    }

    #[test]
    fn pretty_shows_bidi_and_controls_as_json_escapes() {
        let p = pretty("{\"a\u{202E}\": \"x\\u001b\u{2066}y\"}".as_bytes()).unwrap();
        assert!(
            !p.chars().any(crate::engines::terminal_text::needs_escape),
            "{p}"
        );
        assert!(
            p.contains("a\\u202e") && p.contains("x\\u001b\\u2066y"),
            "{p}"
        );
    }

    #[test]
    fn pretty_keeps_key_order() {
        let p = pretty(br#"{"z":1,"a":[1,2]}"#).unwrap();
        assert!(p.find("\"z\"").unwrap() < p.find("\"a\"").unwrap());
        assert!(pretty(b"not json").is_none());
    }
}
