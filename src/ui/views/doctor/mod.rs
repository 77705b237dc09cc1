//! Doctor views: the findings pane and the whole-API lint page.

pub mod lint_view;
pub mod pane;
pub mod screen;
