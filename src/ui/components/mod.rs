//! Reusable widgets for every view, styled by one theme ([`styles::BodyStyles`]
//! maps the shell's [`crate::ui::theme::Theme`] roles): the one-line input
//! (readline keys), the key/value list, the scrollable text view with JSON
//! colouring and hex dumps, the filterable list state and small renderers.

pub mod columns;
pub mod filter_list;
pub mod hex;
pub mod hints;
pub mod json;
pub mod kv;
pub mod kv_list;
pub mod line_input;
pub mod pane;
pub mod scroll_text;
pub mod styles;
pub mod text_view;

pub(crate) use filter_list::FilterList;

pub(crate) use scroll_text::ScrollText;
