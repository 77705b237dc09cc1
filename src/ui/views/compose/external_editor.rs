//! Editing a long body in the user's `$VISUAL` / `$EDITOR`: the composer's
//! side (`E` / `Ctrl-G` asks the shell for the terminal with
//! [`Effect::suspend`], the result replaces the body) and the process side
//! ([`edit`]: run the editor on a temporary file, read it back).
//!
//! The shell leaves the TUI (raw mode off, main screen, input reader
//! stopped so it does not steal the editor's keystrokes) before the job
//! runs, and restores it after (`ui::run_suspended`).

use std::io::Write;
use std::process::Command;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::body_editor::{BodyEditor, BodySource};
use super::page::{ComposePage, Tab};
use super::verbs::ComposeVerb;
use crate::domain::ContentType;
use crate::ui::action::Action;
use crate::ui::page::Effect;
use crate::ui::shared::Shared;

/// The editor command line: `$VISUAL`, then `$EDITOR`, then `vi`.
pub(crate) fn editor_command() -> String {
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
        .map_err(|e| format!("cannot start the editor `{}`: {e}", words[0]))?;
    // What matters comes first: the status line may cut off a long command.
    if !status.success() {
        return Err(format!(
            "the editor exited with {status}; the body was left unchanged (`{editor}`)"
        ));
    }
    std::fs::read(file.path()).map_err(|e| format!("cannot read the edited file back: {e}"))
}

impl ComposePage {
    /// `E`: edit the body in `$VISUAL` / `$EDITOR`. The shell suspends the
    /// TUI while the editor runs (see [`Effect::suspend`]).
    pub(super) fn open_external_editor(&mut self) -> Vec<Effect> {
        self.tab = Tab::Body;
        self.editing = None;
        if let BodySource::File { path, .. } = &self.body.source {
            return vec![Effect::Error(format!(
                "the body is binary ({path}); an editor cannot change it: F reads another file"
            ))];
        }
        let editor = self.editor.clone().unwrap_or_else(editor_command);
        let initial = self.body.bytes();
        let suffix = match self.content_type {
            ContentType::Json => ".json",
            ContentType::Xml => ".xml",
            _ => ".txt",
        };
        vec![Effect::suspend::<ComposePage, _, _>(
            "editing the body",
            move || {
                let result = edit(&editor, &initial, suffix);
                move |page: &mut ComposePage, _: &mut Shared| page.editor_done(&initial, result)
            },
        )]
    }

    /// Put what the editor saved into the body; on a failure keep the body
    /// and say why in one line.
    pub(crate) fn editor_done(
        &mut self,
        before: &[u8],
        result: Result<Vec<u8>, String>,
    ) -> Vec<Effect> {
        match result {
            Ok(mut bytes) => {
                // Editors end files with a newline; do not send one the
                // body did not have.
                if !before.ends_with(b"\n") && bytes.ends_with(b"\n") {
                    bytes.pop();
                    if bytes.ends_with(b"\r") {
                        bytes.pop();
                    }
                }
                self.body = BodyEditor::from_bytes(&bytes);
                self.body_changed();
                self.message = None;
                let note = if bytes == before {
                    "body unchanged"
                } else {
                    "body updated from the editor"
                };
                vec![Effect::Info(note.into())]
            }
            Err(e) => {
                self.message = Some(e.clone());
                vec![Effect::Error(e)]
            }
        }
    }
}

/// While the body is being typed, keys go to the text area, except a
/// Ctrl / function key bound to `external_editor` (`<C-g>`): plain letters
/// such as `E` must stay text.
pub(super) fn is_editor_key(key: &KeyEvent, shared: &Shared) -> bool {
    let command_key =
        key.modifiers.contains(KeyModifiers::CONTROL) || matches!(key.code, KeyCode::F(_));
    command_key
        && matches!(
            shared.keymap.lookup(&["compose"], key),
            Some(Action::Page(v)) if ComposeVerb::parse(v) == Some(ComposeVerb::ExternalEditor)
        )
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
