//! The logs page's own verbs, typed: what `run = "..."` may name in the
//! keymap's `[logs]` section (checked when the keymap loads, see
//! [`crate::ui::keymap::Keymap::unknown_verbs`]) and what the page's default
//! letters do when no keymap is in between (the standalone page in tests).

/// One logs-page verb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogsVerb {
    Pause,
    Sort,
    SortReverse,
    Insights,
    ToggleEvent,
    Wrap,
    Copy,
}

impl LogsVerb {
    /// Every verb with its keymap name.
    pub const ALL: &'static [(LogsVerb, &'static str)] = &[
        (LogsVerb::Pause, "pause"),
        (LogsVerb::Sort, "sort"),
        (LogsVerb::SortReverse, "sort_reverse"),
        (LogsVerb::Insights, "insights"),
        (LogsVerb::ToggleEvent, "toggle_event"),
        (LogsVerb::Wrap, "wrap"),
        (LogsVerb::Copy, "copy"),
    ];

    /// The verb a keymap `run` names, if it is one of this page's.
    pub fn parse(run: &str) -> Option<LogsVerb> {
        LogsVerb::ALL
            .iter()
            .find(|(_, name)| *name == run)
            .map(|(v, _)| *v)
    }

    /// The page's built-in letter for a verb (its default key).
    pub fn from_char(c: char) -> Option<LogsVerb> {
        Some(match c {
            'p' | ' ' => LogsVerb::Pause,
            's' => LogsVerb::Sort,
            'S' => LogsVerb::SortReverse,
            // `i`, not `q`: `q` goes back everywhere else in the shell.
            'i' => LogsVerb::Insights,
            'o' => LogsVerb::ToggleEvent,
            'w' => LogsVerb::Wrap,
            'y' => LogsVerb::Copy,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_parses_by_its_name() {
        for (v, name) in LogsVerb::ALL {
            assert_eq!(LogsVerb::parse(name), Some(*v));
        }
        assert_eq!(LogsVerb::parse("wrapp"), None);
    }
}
