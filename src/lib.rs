//! gatescope: explore and debug AWS API Gateway + Lambda from the terminal.
//!
//! Layers, each a module: [`domain`] (plain data) and [`engines`] (pure
//! logic), both from the `gatescope-core` crate (`crates/core`),
//! [`backends`] (I/O behind traits), [`app`] (each use case once), [`ui`]
//! (ratatui views and the event loop). [`cli`] sits beside the UI and calls
//! the same [`app`] use cases.

pub use gatescope_core::{domain, engines};

pub mod app;
pub mod backends;
pub mod cli;
pub mod paths;
pub mod store;
pub mod ui;
