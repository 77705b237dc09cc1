//! The application layer: each use case once (send, diagnose, inventory, logs,
//! health...), called alike by the TUI views and the CLI. It returns typed
//! results or streams of typed progress and never touches the terminal.

pub mod diagnose;
pub mod examples;
pub mod inventory;
pub mod logs;
pub mod send;
