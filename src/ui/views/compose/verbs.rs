//! The composer's own verbs, typed: what `run = "..."` may name in the
//! keymap's `[compose]` section (checked when the keymap loads, see
//! [`crate::ui::verbs::section_verbs`]).

crate::ui::verbs::page_verbs! {
    /// One composer verb.
    pub(crate) enum ComposeVerb {
        Send = "send",
        Method = "method",
        EditBase = "edit_base",
        EditPath = "edit_path",
        TargetUrl = "target_url",
        AddRow = "add_row",
        DeleteRow = "delete_row",
        ToggleRow = "toggle_row",
        ContentType = "content_type",
        BodyFile = "body_file",
        ExternalEditor = "external_editor",
        Edit = "edit",
        ClearDraft = "clear_draft",
        FormatBody = "format_body",
        AuthKind = "auth_kind",
        Token1 = "token1",
        Token2 = "token2",
        Token3 = "token3",
        Token4 = "token4",
    }
}

impl ComposeVerb {
    /// Which demo token a `tokenN` verb picks (0-based).
    pub(crate) fn token_index(self) -> Option<usize> {
        Some(match self {
            ComposeVerb::Token1 => 0,
            ComposeVerb::Token2 => 1,
            ComposeVerb::Token3 => 2,
            ComposeVerb::Token4 => 3,
            _ => return None,
        })
    }
}
