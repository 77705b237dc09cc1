//! `gatescope demo --serve [--port N] [--quiet]`: only the gateway (headless) for curl,
//! browsers, scripts and other gatescope commands, until Ctrl-C or SIGTERM. It publishes
//! itself in the demo state file so `gatescope demo SUBCOMMAND` uses it.

use std::io::Write;
use std::process::ExitCode;

use serde::Serialize;

use crate::backends::demo::{self, Scenario, state::Lookup};

/// The first stdout line of `--serve`, one JSON object.
#[derive(Serialize)]
struct ScenarioLine<'a> {
    scenarios: &'a [Scenario],
}

pub async fn run(port: Option<u16>, quiet: bool) -> anyhow::Result<ExitCode> {
    if let Lookup::Running(other) = demo::state::find().await {
        eprintln!(
            "gatescope: note: the demo of process {} is running too; commands now use this one",
            other.pid
        );
    }
    // The handlers go in before the state file is published: a SIGTERM that arrives
    // while the scenarios print must still remove the file (the default action would
    // kill the process and leave a stale one).
    let shutdown = Shutdown::install();
    let (_backend, gw) = demo::start(port).await?;
    let (published, warning) = demo::Published::new(&gw, quiet);
    if let Some(w) = warning {
        eprintln!("gatescope: warning: {w}");
    }
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
    for (name, base) in gw.domains() {
        writeln!(
            out,
            "  domain {name} {base} (send with `Host: {name}`; `gatescope demo send https://{name}/...` does)"
        )?;
    }
    writeln!(
        out,
        "  JWT issuer {}/.well-known/openid-configuration",
        gw.issuer_url()
    )?;
    writeln!(
        out,
        "  state file {} (`gatescope demo SUBCOMMAND` uses this demo)",
        demo::state::path().display()
    )?;
    if quiet {
        writeln!(out, "  background traffic: off (--quiet)")?;
    } else {
        writeln!(
            out,
            "  background traffic: about {:.1} requests/s, user agent {} (--quiet turns it off)",
            1.0 / demo::traffic::INTERVAL.as_secs_f64(),
            demo::traffic::USER_AGENT
        )?;
    }
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
    shutdown.wait().await;
    drop(published); // removes the state file
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C and SIGTERM, registered when installed (not when first awaited).
struct Shutdown {
    #[cfg(unix)]
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Shutdown {
    fn install() -> Shutdown {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            let signals = signal(SignalKind::interrupt())
                .and_then(|int| Ok((int, signal(SignalKind::terminate())?)))
                .ok();
            Shutdown { signals }
        }
        #[cfg(not(unix))]
        Shutdown {}
    }

    async fn wait(self) {
        #[cfg(unix)]
        if let Some((mut int, mut term)) = self.signals {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
            return;
        }
        let _ = tokio::signal::ctrl_c().await;
    }
}
