//! POSIX shell quoting for any byte, so an exported command pastes and runs
//! in `sh` (dash), bash and zsh alike and never writes raw control bytes
//! (terminal escapes) to the screen or the clipboard.
//!
//! * safe words stay bare (`-X`, `https://h/p`);
//! * printable text goes in single quotes (`'it'\''s'`), which keep every
//!   byte literally, newlines included;
//! * text with control or invisible bidi characters becomes
//!   `"$(printf '...')"` with octal escapes (`$'...'` is not POSIX: dash lacks it);
//! * bodies that are not printable UTF-8 are piped in with
//!   `printf '...' | cmd ... @-` (see [`printf_format`]).

/// Characters that never need quoting.
fn is_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || "@%+=:,./-_".contains(c)
}

/// True when `c` must not appear raw in an exported command line (the
/// characters the terminal gate escapes: controls but newline and tab,
/// bidi and zero-width characters).
fn needs_escape(c: char) -> bool {
    super::terminal_text::needs_escape(c)
}

/// Quote one argument. Newlines and tabs stay literal inside single quotes
/// (so a trailing newline survives: `$(...)` would strip it); any other
/// control or invisible character sends the whole argument through printf.
pub fn quote(s: &str) -> String {
    if s.is_empty() {
        return "''".into();
    }
    quote_multiline(s).unwrap_or_else(|| {
        // `$(...)` drops trailing newlines: they follow as a quoted literal
        // in the same word.
        let body = s.trim_end_matches('\n');
        let tail = &s[body.len()..];
        let mut out = format!("\"$(printf '{}')\"", printf_format(body.as_bytes()));
        if !tail.is_empty() {
            out.push_str(&single_quote(tail));
        }
        out
    })
}

/// Quote an argument that may span lines (a text body): newlines and tabs
/// stay literal inside single quotes. `None` when the text needs the printf
/// route (other control bytes).
pub(crate) fn quote_multiline(s: &str) -> Option<String> {
    if s.chars().any(needs_escape) {
        return None;
    }
    Some(if s.chars().all(is_safe) && !s.is_empty() {
        s.to_string()
    } else {
        single_quote(s)
    })
}

fn single_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A `printf` format (to be put in single quotes) that prints exactly
/// `bytes`: `\` and `%` doubled, `'` closed-and-reopened, every byte that is
/// not printable ASCII as a three-digit octal escape (POSIX printf), and a
/// leading `-` escaped too (printf would take it for an option).
pub(crate) fn printf_format(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            // A leading `-` would be read as an option of printf.
            b'-' if i == 0 => out.push_str(r"\055"),
            b'\\' => out.push_str(r"\\"),
            b'%' => out.push_str("%%"),
            b'\'' => out.push_str(r"'\''"),
            b'\n' => out.push_str(r"\n"),
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03o}")),
        }
    }
    out
}

/// `printf '...'` that writes `bytes` to stdout.
pub(crate) fn printf_command(bytes: &[u8]) -> String {
    format!("printf '{}'", printf_format(bytes))
}

/// Body as a single argument when it is printable UTF-8, else `None`.
pub(crate) fn body_arg(body: &[u8]) -> Option<String> {
    std::str::from_utf8(body).ok().and_then(quote_multiline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_words_stay_bare_and_the_rest_is_quoted() {
        assert_eq!(
            quote("https://h.example/a-b_c.d"),
            "https://h.example/a-b_c.d"
        );
        assert_eq!(quote(""), "''");
        assert_eq!(quote("a b"), "'a b'");
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME `x` \"q\""), r#"'$HOME `x` "q"'"#);
        assert_eq!(quote("ünï"), "'ünï'");
    }

    #[test]
    fn control_and_invisible_characters_go_through_printf() {
        assert_eq!(quote("a\u{1b}[31m"), r#""$(printf 'a\033[31m')""#);
        assert_eq!(quote("x\u{202E}y"), r#""$(printf 'x\342\200\256y')""#);
        assert_eq!(quote("tab\there\n"), "'tab\there\n'");
        assert_eq!(quote("cr\r"), r#""$(printf 'cr\015')""#);
        assert_eq!(quote("\u{1}\n"), "\"$(printf '\\001')\"'\n'");
        assert_eq!(quote_multiline("l1\nl2\t"), Some("'l1\nl2\t'".into()));
        assert_eq!(quote_multiline("bell\u{7}"), None);
    }

    #[test]
    fn printf_format_escapes_every_special_byte() {
        assert_eq!(
            printf_format(b"100% \\ 'q'\n\x00\xff"),
            r"100%% \\ '\''q'\''\n\000\377"
        );
        assert_eq!(printf_format(b"-n"), r"\055n");
        assert_eq!(body_arg(&[0xff, 0x00]), None);
        assert_eq!(body_arg(b"{\"a\": 1}").as_deref(), Some("'{\"a\": 1}'"));
    }
}
