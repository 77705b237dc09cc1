//! `gatescope demo [--serve [--port N]]`: the TUI on the built-in local gateway, or only
//! the gateway (headless) for curl, browsers and scripts.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use super::GlobalArgs;
use crate::backends::demo::{self, Scenario};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Run only the local gateway and print its scenarios (no TUI).
    #[arg(long)]
    pub serve: bool,
    /// First port for `--serve`: API i listens on N+i, the JWT issuer after them
    /// (default: free ports).
    #[arg(long, requires = "serve")]
    pub port: Option<u16>,
}

/// The first stdout line of `--serve`, one JSON object.
#[derive(Serialize)]
struct ScenarioLine<'a> {
    scenarios: &'a [Scenario],
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    if !args.serve {
        let mut g = global.clone();
        g.demo = true;
        let backend = g.backend().await?;
        crate::ui::run(backend).await?;
        return Ok(ExitCode::SUCCESS);
    }
    let (_backend, gw) = demo::start(args.port).await?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{}",
        serde_json::to_string(&ScenarioLine {
            scenarios: gw.scenarios()
        })?
    )?;
    writeln!(
        out,
        "gatescope demo gateway (local, no AWS) is running; Ctrl-C stops it."
    )?;
    for api in gw.apis() {
        let proto = api.protocol().as_str();
        for s in &api.stages {
            writeln!(
                out,
                "  {proto:4} {:18} stage {:8} {}",
                api.name,
                s.stage_name,
                s.invoke_url.as_deref().unwrap_or("-")
            )?;
        }
    }
    writeln!(
        out,
        "  JWT issuer {}/.well-known/openid-configuration",
        gw.issuer_url()
    )?;
    writeln!(out)?;
    for s in gw.scenarios() {
        writeln!(
            out,
            "# {} (expect {}): {}",
            s.name, s.expect_status, s.description
        )?;
        writeln!(out, "{}", demo::scenario_curl(s))?;
    }
    out.flush()?;
    drop(out);
    wait_for_shutdown().await;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_shutdown() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
