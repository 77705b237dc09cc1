//! The response page's own verbs, typed: what `run = "..."` may name in the
//! keymap's `[response]` section (checked when the keymap loads, see
//! [`crate::ui::verbs::section_verbs`]) and what the page's default letters
//! do when no keymap is in between (the standalone page in tests).

crate::ui::verbs::page_verbs! {
    /// One response-page verb.
    pub enum ResponseVerb {
        BodyMode = "body_mode",
        Jq = "jq",
        CopyCurl = "copy_curl",
        CopyHttpie = "copy_httpie",
        CopyAwscurl = "copy_awscurl",
        CorsProbe = "cors_probe",
        SeeLogs = "see_logs",
        Edit = "edit",
        Copy = "copy",
        ScrollLeft = "scroll_left",
        ScrollRight = "scroll_right",
    }
}

impl ResponseVerb {
    /// The page's built-in letter for a verb (its default key).
    pub(crate) fn from_char(c: char) -> Option<ResponseVerb> {
        Some(match c {
            'm' => ResponseVerb::BodyMode,
            '|' | '/' => ResponseVerb::Jq,
            'c' => ResponseVerb::CopyCurl,
            'H' => ResponseVerb::CopyHttpie,
            'A' => ResponseVerb::CopyAwscurl,
            'o' => ResponseVerb::CorsProbe,
            'L' => ResponseVerb::SeeLogs,
            'e' => ResponseVerb::Edit,
            'y' => ResponseVerb::Copy,
            'h' => ResponseVerb::ScrollLeft,
            'l' => ResponseVerb::ScrollRight,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_verb_parses_by_its_name_and_has_a_letter() {
        for (v, name) in ResponseVerb::ALL {
            assert_eq!(ResponseVerb::parse(name), Some(*v));
            assert_eq!(v.name(), *name);
            let letters = "m|cHAoLeyhl";
            assert!(
                letters
                    .chars()
                    .any(|c| ResponseVerb::from_char(c) == Some(*v)),
                "{name} has a default letter"
            );
        }
        assert_eq!(ResponseVerb::parse("copy_crul"), None);
    }
}
