//! `--output json|table` shared by every command.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum OutputFormat {
    /// Human-readable (tables / report).
    #[default]
    Table,
    /// One JSON document (NDJSON for streams).
    Json,
}

/// Print one value as pretty JSON on stdout (terminal-safe, see
/// [`crate::engines::terminal_text::escape_json`]).
pub(crate) fn print_json<T: Serialize>(value: &T) -> anyhow::Result<()> {
    write_json_text(&serde_json::to_string_pretty(value)?);
    write_text_raw("\n");
    Ok(())
}

/// One NDJSON line (compact), terminal-safe.
pub(crate) fn print_json_line<T: Serialize>(value: &T) -> anyhow::Result<()> {
    write_json_text(&serde_json::to_string(value)?);
    write_text_raw("\n");
    Ok(())
}

/// Human output that may hold outside text: control and bidi characters
/// are shown escaped ([`crate::engines::terminal_text::escape`]). Every
/// table / report line of the CLI goes through here (`outln!`, `out!`).
pub(crate) fn write_text(text: &str) {
    write_text_raw(&crate::engines::terminal_text::escape(text));
}

/// JSON text from serde_json, with the same characters as JSON escapes.
pub(crate) fn write_json_text(json: &str) {
    write_text_raw(&crate::engines::terminal_text::escape_json(json));
}

/// A warning / note line on stderr, escaped like [`write_text`].
pub(crate) fn write_err_line(text: &str) {
    eprintln!("{}", crate::engines::terminal_text::escape(text));
}

/// One JSON document on stderr, escaped like [`write_json_text`].
pub(crate) fn write_err_json(json: &str) {
    eprintln!("{}", crate::engines::terminal_text::escape_json(json));
}

fn write_text_raw(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `println!` for the CLI's human output: through [`write_text`].
macro_rules! outln {
    () => {
        $crate::cli::output::write_text("\n")
    };
    ($($arg:tt)*) => {
        $crate::cli::output::write_text(&format!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` for the CLI's human output: through [`write_text`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::write_text(&format!($($arg)*))
    };
}

/// `eprintln!` for lines that may quote outside text (AWS error messages).
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::output::write_err_line(&format!($($arg)*))
    };
}

pub(crate) use {errln, out, outln};

/// Render rows as an aligned text table (first row = header).
pub fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut widths = vec![0usize; cols];
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, c) in r.iter().enumerate() {
            if i + 1 == r.len() {
                line.push_str(c);
            } else {
                line.push_str(c);
                line.push_str(&" ".repeat(widths[i] - c.chars().count() + 2));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
