//! The request composer (its input widgets are in `ui/components`).

pub mod auth_pane;
pub mod authorizer_tab;
pub mod body_editor;
pub mod commands;
pub mod example;
pub mod external_editor;
pub mod page;
mod render;
pub mod reopen;
pub mod verbs;

#[cfg(test)]
mod page_tests;
