//! Reusable pieces for views: the filterable list state and small renderers.

pub mod filter_list;
pub mod kv;
pub mod scroll_text;

pub use filter_list::FilterList;
pub use scroll_text::ScrollText;
