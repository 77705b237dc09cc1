//! The one `Action` enum: what the keymap produces and the app consumes.

use crossterm::event::KeyEvent;

/// Everything the user can ask for. The keymap maps keys to these through the
/// `run` strings of `assets/keymap.toml` (see [`Action::parse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `q`: back one page, or quit at the top level.
    Quit,
    /// `Ctrl-C`: quit from anywhere.
    ForceQuit,
    /// `Esc`: clear the filter, close a popup, or go back one page.
    Back,
    /// `Enter`: drill into the selected item.
    Enter,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    NextTab,
    PrevTab,
    /// Reload what the page shows (`r`).
    Refresh,
    /// Open the `:` command bar.
    OpenCommand,
    /// Open the `/` filter prompt.
    OpenFilter,
    /// Toggle the help overlay (`?`).
    Help,
    /// Run a `:` command line (`run = "command logs"`).
    Command(String),
    /// Live filter text from the `/` prompt (empty = no filter).
    SetFilter(String),
    /// Left click at a terminal cell.
    Click {
        column: u16,
        row: u16,
    },
    /// A raw key for a page that edits text ([`super::page::Page::captures_keys`]).
    Key(KeyEvent),
    /// A page-specific verb named in the keymap (`run = "send"`, `run = "copy_curl"`).
    Page(String),
}

impl Action {
    /// Parse a keymap `run` string. Unknown names become [`Action::Page`] so
    /// pages can define their own verbs without touching this enum.
    pub fn parse(run: &str) -> Result<Action, String> {
        let run = run.trim();
        let (name, arg) = match run.split_once(char::is_whitespace) {
            Some((n, a)) => (n, a.trim()),
            None => (run, ""),
        };
        let action = match name {
            "" => return Err("empty `run`".into()),
            "quit" => Action::Quit,
            "quit!" => Action::ForceQuit,
            "back" => Action::Back,
            "enter" => Action::Enter,
            "up" => Action::Up,
            "down" => Action::Down,
            "page_up" => Action::PageUp,
            "page_down" => Action::PageDown,
            "top" => Action::Top,
            "bottom" => Action::Bottom,
            "tab_next" => Action::NextTab,
            "tab_prev" => Action::PrevTab,
            "refresh" => Action::Refresh,
            "command_bar" => Action::OpenCommand,
            "filter" => Action::OpenFilter,
            "help" => Action::Help,
            "command" if !arg.is_empty() => Action::Command(arg.to_string()),
            "command" => return Err("`command` needs a command line, e.g. `command logs`".into()),
            other if other.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
                Action::Page(other.to_string())
            }
            other => return Err(format!("unknown action `{other}`")),
        };
        Ok(action)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_builtins_commands_and_page_verbs() {
        assert_eq!(Action::parse("quit!"), Ok(Action::ForceQuit));
        assert_eq!(
            Action::parse("command region eu-west-1"),
            Ok(Action::Command("region eu-west-1".into()))
        );
        assert_eq!(Action::parse("send"), Ok(Action::Page("send".into())));
        assert!(Action::parse("command").is_err());
        assert!(Action::parse("bad-name!").is_err());
    }
}
