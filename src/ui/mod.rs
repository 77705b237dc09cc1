//! The terminal UI: ratatui views that borrow state, and one event loop.

pub mod views;

use crate::backends::Backend;

/// Run the TUI until the user quits. The terminal is restored on every exit path.
pub async fn run(_backend: Backend) -> anyhow::Result<()> {
    anyhow::bail!("the TUI is not built yet")
}
