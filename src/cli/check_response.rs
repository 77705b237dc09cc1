//! `gatescope check-response` (to be written).

use std::process::ExitCode;

use super::GlobalArgs;
use super::output::OutputFormat;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(_args: Args, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`check-response` is not built yet")
}
