//! The request composer and its input widgets.

pub mod auth_pane;
pub mod body_editor;
pub mod commands;
pub mod external_editor;
pub mod kv_list;
pub mod line_input;
pub mod page;
mod render;
pub mod reopen;

#[cfg(test)]
mod page_tests;
