//! gatescope: explore and debug AWS API Gateway + Lambda from the terminal.
//!
//! Layers, each a module: [`domain`] (plain data), [`engines`] (pure logic),
//! [`backends`] (I/O behind traits), [`ui`] (ratatui views and the event
//! loop). [`cli`] sits beside the UI and uses the same layers.

pub mod backends;
pub mod cli;
pub mod domain;
pub mod engines;
pub mod inventory;
pub mod logs;
pub mod paths;
pub mod store;
pub mod ui;
