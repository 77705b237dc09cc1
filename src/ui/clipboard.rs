//! The terminal's clipboard: OSC 52 works over SSH and in tmux with
//! `set-clipboard on`. Terminals that ignore OSC 52 give no error, so the UI
//! says "sent to the clipboard", never "copied" as a certainty.

use std::io::Write;

/// Write `text` to `out` as an OSC 52 clipboard sequence.
pub(crate) fn copy_osc52(out: &mut impl Write, text: &str) -> std::io::Result<()> {
    crossterm::execute!(
        out,
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(text.as_bytes())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osc52_writes_the_base64_payload() {
        let mut out = Vec::new();
        copy_osc52(&mut out, "hi").unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.starts_with("\u{1b}]52;"), "{text:?}");
        assert!(text.contains("aGk="), "{text:?}");
    }
}
