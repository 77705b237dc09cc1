//! The one gate between text that came from outside (function output,
//! tokens, configs, CloudWatch fields, response bodies and headers) and a
//! terminal: control characters and the invisible characters that reorder
//! or hide text (bidi overrides and isolates, zero-width characters: the
//! "Trojan Source" set) are shown escaped, `\u{1b}`, `\u{202e}`, so data can
//! neither drive the terminal (clear it, retitle it, move the cursor) nor
//! make a line read differently from what it holds.
//!
//! Newline and tab stay (multi-line bodies keep their shape) unless the
//! caller asks for one line ([`one_line`]).

use std::borrow::Cow;

/// True for characters that must never reach a terminal raw: C0 and C1
/// controls and DEL (except newline and tab), and invisible formatting
/// characters that reorder or hide text.
pub fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_invisible(c)
}

/// Bidi embeddings / overrides / isolates / marks, zero-width characters,
/// the word joiner family and the byte-order mark.
pub(crate) fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// `s` with every [`needs_escape`] character written as `\u{..}` (hex).
/// Borrowed when nothing needed escaping (the common case costs a scan).
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_with(s, needs_escape)
}

/// Like [`escape`], and newline, carriage return and tab escaped too, for
/// a table cell or a status line that must stay one line.
pub fn one_line(s: &str) -> Cow<'_, str> {
    escape_with(s, |c| c.is_control() || is_invisible(c))
}

/// JSON text (already valid JSON) with the same characters written as JSON
/// escapes (`\u202e`): still the same JSON value, but safe on a terminal.
/// Only valid for serde_json output, where such characters can only occur
/// inside strings (controls below U+0020 are already escaped there).
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(needs_escape) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if needs_escape(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

fn escape_with(s: &str, escape_it: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(&escape_it) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if escape_it(c) {
            out.push_str(&format!("\\u{{{:x}}}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_of_inputs_and_what_a_terminal_gets() {
        let cases: &[(&str, &str)] = &[
            ("plain text", "plain text"),
            ("a\u{1b}[2Jb", "a\\u{1b}[2Jb"),
            ("bell\u{7}", "bell\\u{7}"),
            ("over\rwrite", "over\\u{d}write"),
            ("rtl \u{202E}gnp.exe", "rtl \\u{202e}gnp.exe"),
            ("iso\u{2066}x\u{2069}", "iso\\u{2066}x\\u{2069}"),
            ("zw\u{200B}sp", "zw\\u{200b}sp"),
            ("bom\u{FEFF}", "bom\\u{feff}"),
            ("del\u{7f}", "del\\u{7f}"),
            ("c1 \u{9b}31m", "c1 \\u{9b}31m"),
            ("osc \u{1b}]0;title\u{7}", "osc \\u{1b}]0;title\\u{7}"),
            ("lines\nand\ttabs", "lines\nand\ttabs"),
            ("émoji 🙂 ünïcode", "émoji 🙂 ünïcode"),
        ];
        for (input, want) in cases {
            assert_eq!(escape(input), *want, "{input:?}");
            assert!(!escape(input).chars().any(needs_escape), "{input:?}");
        }
        assert!(matches!(escape("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn one_line_escapes_line_breaks_too() {
        assert_eq!(one_line("a\nb\tc\r"), "a\\u{a}b\\u{9}c\\u{d}");
        assert_eq!(one_line("x\u{202E}"), "x\\u{202e}");
    }

    #[test]
    fn json_stays_the_same_json() {
        let v = serde_json::json!({"k\u{202E}": "a\u{1b}b\u{202E}c\u{85}d", "n": [1, "\u{2066}"]});
        let text = serde_json::to_string_pretty(&v).unwrap();
        let safe = escape_json(&text);
        assert!(!safe.chars().any(needs_escape), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
        assert!(safe.contains("\\u202e"), "{safe}");
    }
}
