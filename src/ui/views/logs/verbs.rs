//! The logs page's own verbs, typed: what `run = "..."` may name in the
//! keymap's `[logs]` section (checked when the keymap loads, see
//! [`crate::ui::verbs::section_verbs`]) and what the page's default
//! letters do when no keymap is in between (the standalone page in tests).

crate::ui::verbs::page_verbs! {
    /// One logs-page verb.
    pub enum LogsVerb {
        Pause = "pause",
        Sort = "sort",
        SortReverse = "sort_reverse",
        Insights = "insights",
        ToggleEvent = "toggle_event",
        Wrap = "wrap",
        Copy = "copy",
    }
}

impl LogsVerb {
    /// The page's built-in letter for a verb (its default key).
    pub(crate) fn from_char(c: char) -> Option<LogsVerb> {
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
