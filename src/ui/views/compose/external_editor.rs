//! Editing a long body in the user's `$VISUAL` / `$EDITOR`.
//!
//! The shell must leave the TUI (raw mode off, main screen, input reader
//! stopped so it does not steal the editor's keystrokes) before calling
//! [`edit`], and restore it after; this file only runs the editor on a
//! temporary file and reads the result back.

use std::io::Write;
use std::process::Command;

/// The editor command line: `$VISUAL`, then `$EDITOR`, then `vi`.
pub fn editor_command() -> String {
    ["VISUAL", "EDITOR"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .find(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "vi".to_string())
}

/// Run `editor` (a command line, e.g. `code --wait`) on a temporary file
/// holding `initial`; return what the file holds when the editor exits
/// successfully. `suffix` (`.json`) lets the editor pick a syntax.
pub fn edit(editor: &str, initial: &[u8], suffix: &str) -> Result<Vec<u8>, String> {
    let words = shlex::split(editor)
        .filter(|w| !w.is_empty())
        .ok_or_else(|| format!("cannot parse the editor command `{editor}`"))?;
    let mut file = tempfile::Builder::new()
        .prefix("gatescope-body-")
        .suffix(suffix)
        .tempfile()
        .map_err(|e| format!("cannot create a temporary file: {e}"))?;
    file.write_all(initial)
        .and_then(|_| file.flush())
        .map_err(|e| format!("cannot write the temporary file: {e}"))?;
    let status = Command::new(&words[0])
        .args(&words[1..])
        .arg(file.path())
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", words[0]))?;
    if !status.success() {
        return Err(format!(
            "`{editor}` exited with {status}; the body was left unchanged"
        ));
    }
    std::fs::read(file.path()).map_err(|e| format!("cannot read the edited file back: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_the_editor_on_a_temp_file() {
        let out = edit("sed -i s/world/there/", b"{\"hello\": \"world\"}", ".json").unwrap();
        assert_eq!(out, b"{\"hello\": \"there\"}");
    }

    #[test]
    fn failures_are_one_line_and_keep_the_body() {
        let e = edit("false", b"x", ".txt").unwrap_err();
        assert!(e.contains("left unchanged"), "{e}");
        let e = edit("/no/such/editor", b"x", ".txt").unwrap_err();
        assert!(e.starts_with("cannot start"), "{e}");
        assert!(edit("'unterminated", b"x", "").is_err());
    }
}
