//! The request composer and its input widgets.

pub mod auth_pane;
pub mod body_editor;
pub mod external_editor;
pub mod kv_list;
pub mod line_input;
