//! Page verbs, typed: each page that has keys of its own declares an enum
//! with [`page_verbs!`] (the variant and the name a keymap's `run = "..."`
//! gives it). The keymap checks a user's file against [`section_verbs`] when
//! it loads (an unknown verb is a status-line warning, never silently
//! ignored), and a page turns `Action::Page(name)` into its enum with
//! `parse` — no verb becomes a made-up key press on the way.

/// `page_verbs! { pub enum HistoryVerb { Resend = "resend", Delete = "delete" } }`
/// declares the enum with `ALL` (every verb and its name), `parse` and `name`.
macro_rules! page_verbs {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $text:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every verb with its keymap name.
            pub const ALL: &'static [($name, &'static str)] = &[ $( ($name::$variant, $text) ),+ ];

            /// The verb a keymap `run` names, if it is one of this page's.
            pub fn parse(run: &str) -> Option<$name> {
                Self::ALL.iter().find(|(_, n)| *n == run).map(|(v, _)| *v)
            }

            /// The keymap name of this verb.
            #[allow(dead_code)]
            pub fn name(self) -> &'static str {
                Self::ALL
                    .iter()
                    .find(|(v, _)| *v == self)
                    .map(|(_, n)| *n)
                    .unwrap_or("")
            }

            /// Every keymap name, for the keymap's load-time check.
            pub fn names() -> Vec<&'static str> {
                Self::ALL.iter().map(|(_, n)| *n).collect()
            }
        }
    };
}
pub(crate) use page_verbs;

/// The page verbs a keymap section may name: `Some(names)` for a page's
/// own section, `Some(empty)` for the shared sections (`global`, `list`,
/// `tabs`, `detail`, and the inventory pages' sections, whose entries are
/// built-in actions or `command ...` lines), `None` for a section no page
/// reads.
pub(crate) fn section_verbs(section: &str) -> Option<Vec<&'static str>> {
    use crate::ui::views::{authorizer_detail, compose, doctor, health, history, logs, response};
    Some(match section {
        "compose" => compose::verbs::ComposeVerb::names(),
        "response" => response::verbs::ResponseVerb::names(),
        "history" => history::page::HistoryVerb::names(),
        "doctor" => doctor::screen::DoctorVerb::names(),
        "health" => health::page::HealthVerb::names(),
        "logs" => logs::verbs::LogsVerb::names(),
        "authorizer" => authorizer_detail::AuthorizerVerb::names(),
        "global" | "list" | "tabs" | "detail" | "api" | "route" | "stage" => Vec::new(),
        _ => return None,
    })
}
