//! `gatescope demo`: the TUI on the built-in local gateway; `demo --serve`: only the
//! gateway, for curl, browsers, scripts and other gatescope commands; `demo SUBCOMMAND`:
//! any command against the running demo (or one started for that command).

mod send;
mod serve;
mod tokens;

pub(crate) use send::doctor_args;

use std::process::ExitCode;

use clap::Subcommand;

use super::{GlobalArgs, apis, check_response, cors, doctor, event, health, inspect, jwt, logs};
use crate::backends::demo::{self, state::Lookup};

#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "A demo started with `gatescope demo --serve` (or the TUI's `gatescope demo`) is \
                  used by every `gatescope demo SUBCOMMAND`; without one, a subcommand starts a \
                  demo of its own and says so. The guided tour is in the README (`:tour` in the TUI)."
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<DemoCommand>,
    /// Run only the local gateway and print its scenarios (no TUI).
    #[arg(long)]
    pub serve: bool,
    /// First port for `--serve`: API i listens on N+i, the JWT issuer after them
    /// (default: free ports).
    #[arg(long, requires = "serve")]
    pub port: Option<u16>,
    /// No background traffic (by default the demo sends itself a few requests a second,
    /// some failing, so the logs have something to show).
    #[arg(long)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum DemoCommand {
    /// List the demo's APIs.
    Apis(apis::Args),
    /// Show the demo's APIs with routes, integrations, authorizers, stages and CORS.
    Inspect(inspect::Args),
    /// Send a request to the demo: its URLs, `/prod/orders`, or its execute-api hosts.
    Send(send::DemoSendArgs),
    /// Access logs and Lambda logs of a demo stage, correlated.
    Logs(logs::Args),
    /// Explain an error response, or lint a demo API.
    Doctor(doctor::Args),
    /// The event the demo's Lambda authorizer receives for a request; evaluate an answer
    Authorizer(crate::cli::authorizer::Args),
    /// What is failing on the demo now: routes, causes, invocation health.
    Health(health::Args),
    /// An API key's usage against its plan's quota (REST), as the demo counted it.
    Usage(crate::cli::usage::Args),
    /// The demo's named credentials: JWTs (`--auth jwt:NAME`) and API keys (`--auth apikey:NAME`).
    Tokens(tokens::Args),
    /// Build the proxy event a demo function would receive.
    Event(event::Args),
    /// Say what a client receives for a Lambda's output.
    CheckResponse(check_response::Args),
    /// Evaluate a browser request against a demo API's CORS configuration.
    Cors(cors::Args),
    /// Decode a JWT and evaluate it against the demo's JWT authorizer.
    Jwt(jwt::Args),
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let mut g = global.clone();
    g.demo = true;
    let Some(command) = args.command else {
        return if args.serve {
            serve::run(args.port, args.quiet).await
        } else {
            tui(args.quiet, &g).await
        };
    };
    match command {
        DemoCommand::Apis(a) => apis::run(a, &g).await,
        DemoCommand::Inspect(a) => inspect::run(a, &g).await,
        DemoCommand::Send(a) => send::run(a, &g).await,
        DemoCommand::Logs(a) => logs::run(a, &g).await,
        DemoCommand::Doctor(a) => doctor::run(a, &g).await,
        DemoCommand::Authorizer(a) => crate::cli::authorizer::run(a, &g).await,
        DemoCommand::Health(a) => health::run(a, &g).await,
        DemoCommand::Usage(a) => crate::cli::usage::run(a, &g).await,
        DemoCommand::Tokens(a) => tokens::run(a, &g).await,
        DemoCommand::Event(a) => event::run(a, &g).await,
        DemoCommand::CheckResponse(a) => check_response::run(a, &g).await,
        DemoCommand::Cors(a) => cors::run(a, &g).await,
        DemoCommand::Jwt(a) => jwt::run(a, &g).await,
    }
}

/// The TUI on the running demo, or on one it starts and publishes (with background
/// traffic unless `quiet`) so other commands can use it while the TUI runs.
async fn tui(quiet: bool, _g: &GlobalArgs) -> anyhow::Result<ExitCode> {
    // Before a demo gateway is started for nothing.
    crate::ui::terminal::require_tty()?;
    let (backend, _published) = match demo::state::find().await {
        Lookup::Running(s) => (demo::connect(&s)?, None),
        lookup => {
            if let Lookup::Stale { why } = lookup {
                tracing::info!("ignoring the demo state file: {why}");
            }
            let (backend, gw) = demo::start(None).await?;
            let (published, warning) = demo::Published::new(&gw, quiet);
            if let Some(w) = warning {
                tracing::warn!("{w}");
            }
            (backend, Some(published))
        }
    };
    crate::ui::run(backend).await?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed_and_demo_lists_its_subcommands() {
        let mut cli = crate::cli::Cli::command();
        cli.build();
        cli.clone().debug_assert();
        let demo = cli.find_subcommand_mut("demo").expect("demo");
        let help = demo.render_help().to_string();
        for sub in ["apis", "send", "logs", "doctor", "tokens"] {
            assert!(
                help.contains(&format!("  {sub} ")),
                "{sub} missing from:\n{help}"
            );
        }
    }
}
