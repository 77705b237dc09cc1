//! gatescope: explore and debug AWS API Gateway + Lambda from the terminal.
//!
//! Layers, each a module: [`domain`] (plain data), [`engines`] (pure logic),
//! [`backends`] (I/O behind traits), [`app`] (each use case once), [`ui`]
//! (ratatui views and the event loop). [`cli`] sits beside the UI and calls
//! the same [`app`] use cases.

pub mod app;
pub mod backends;
pub mod cli;
pub mod domain;
pub mod engines;
pub mod paths;
pub mod store;
pub mod ui;
