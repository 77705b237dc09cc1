//! `gatescope demo tokens`: the demo's named credentials, for `--auth jwt:NAME`,
//! `--auth apikey:NAME`, curl and the TUI's auth pane. The JWTs are signed by the demo's
//! published key for the running demo's issuer and the API keys are defined in
//! `assets/demo/apis.toml`; all are demo data, not secrets. (Against AWS gatescope never
//! reads an API key's value.)

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::backends::demo::{self, DemoApiKey, DemoToken};
use crate::cli::GlobalArgs;
use crate::cli::output::{OutputFormat, print_json};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `--output json`: `{"tokens": [...], "apiKeys": [...]}`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Credentials {
    tokens: Vec<DemoToken>,
    api_keys: Vec<DemoApiKey>,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    // Attaches to the running demo (or starts one): the tokens name its issuer.
    let _backend = global.backend().await?;
    let tokens = demo::demo_tokens();
    let api_keys = demo::demo_api_keys();
    match args.output {
        OutputFormat::Json => print_json(&Credentials { tokens, api_keys })?,
        OutputFormat::Table => {
            let mut out = std::io::stdout().lock();
            writeln!(out, "JWTs (--auth jwt:NAME), for the HTTP API's JWT routes")?;
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
                "\nAPI keys (--auth apikey:NAME, sent as x-api-key), for the REST API's GET /partner/orders"
            )?;
            for k in &api_keys {
                writeln!(
                    out,
                    "{:<15} {:<10} {}{}",
                    k.name,
                    k.id,
                    k.description,
                    if k.enabled { "" } else { " (disabled)" }
                )?;
                writeln!(out, "  {}", k.value)?;
            }
            writeln!(
                out,
                "\nUse one by name: gatescope demo send POST /prod/orders --auth jwt:valid \
                 -d '{{\"item\":\"widget\",\"quantity\":2}}'\n\
                 \x20                gatescope demo send GET /dev/partner/orders --auth apikey:demo"
            )?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
