//! `gatescope demo [--serve [--port N]]` (to be written).

use std::process::ExitCode;

use super::GlobalArgs;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run only the local gateway and print its scenarios (no TUI).
    #[arg(long)]
    pub serve: bool,
    /// Port for `--serve` (default: a free one).
    #[arg(long)]
    pub port: Option<u16>,
}

pub async fn run(_args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let mut g = global.clone();
    g.demo = true;
    let backend = g.backend().await?;
    crate::ui::run(backend).await?;
    Ok(ExitCode::SUCCESS)
}
