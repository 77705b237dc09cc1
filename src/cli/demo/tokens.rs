//! `gatescope demo tokens`: the demo's named credentials, for `--auth jwt:NAME`, curl
//! and the TUI's auth pane. The JWTs are signed by the demo's published key for the
//! running demo's issuer; they are demo data, not secrets.

use std::io::Write;
use std::process::ExitCode;

use crate::backends::demo;
use crate::cli::GlobalArgs;
use crate::cli::output::{OutputFormat, print_json};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    // Attaches to the running demo (or starts one): the tokens name its issuer.
    let _backend = global.backend().await?;
    let tokens = demo::demo_tokens();
    match args.output {
        OutputFormat::Json => print_json(&tokens)?,
        OutputFormat::Table => {
            let mut out = std::io::stdout().lock();
            for t in &tokens {
                writeln!(
                    out,
                    "{:<15} {} on the JWT routes  {}",
                    t.name, t.expect_status, t.description
                )?;
                writeln!(out, "  {}", t.token)?;
            }
            writeln!(
                out,
                "\nUse one by name: gatescope demo send POST /prod/orders --auth jwt:valid \
                 -d '{{\"item\":\"widget\",\"quantity\":2}}'"
            )?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
