//! The API inventory: a streaming loader over any [`ControlPlane`], a disk
//! cache per profile + region, the state a view keeps while both arrive, and
//! "flags at a glance" (what commonly breaks).
//!
//! [`ControlPlane`]: crate::backends::ControlPlane

pub mod cache;
pub mod flags;
pub mod functions;
pub mod loader;
pub mod merge;
pub mod state;

pub use cache::InventoryCache;
pub use flags::flags;
pub use loader::{InventoryEvent, Loader};
pub(crate) use merge::merge_for_cache;

pub use state::InventoryState;
