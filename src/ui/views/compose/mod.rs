//! The request composer and its input widgets.

pub mod kv_list;
pub mod line_input;
