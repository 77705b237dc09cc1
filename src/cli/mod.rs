//! The non-interactive command line. Every view of the TUI also exists here,
//! with `--output json` for scripts. Commands use the same layers as the TUI.

pub mod apis;
pub mod authorizer;
pub mod check_response;
pub mod cors;
pub mod demo;
pub mod doctor;
pub mod event;
pub mod flags;
pub mod health;
pub mod inspect;
pub mod jwt;
pub mod logs;
pub mod output;
pub mod problems;
pub mod send;
pub mod sigpipe;
pub mod test_invoke;
pub mod usage;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::backends::{Backend, aws::AwsOptions};

#[derive(Debug, Parser)]
#[command(name = "gatescope", version, about = "Explore and debug AWS API Gateway + Lambda", long_about = None)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Clone, clap::Args, Default)]
pub struct GlobalArgs {
    /// AWS profile (default: the standard chain: AWS_PROFILE, then `default`).
    #[arg(long, global = true, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// AWS region (default: from the profile or AWS_REGION).
    #[arg(long, global = true, value_parser = flags::parse_region)]
    pub region: Option<String>,
    /// Custom endpoint for every AWS call (e.g. a local emulator).
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Seconds one AWS call may take before it is retried once, then
    /// reported as failed (default 30; at most 300).
    #[arg(long, global = true, env = "GATESCOPE_AWS_TIMEOUT", value_name = "SECS", value_parser = flags::parse_aws_timeout)]
    pub aws_timeout: Option<std::time::Duration>,
    /// Run against the built-in demo gateway (`gatescope demo SUBCOMMAND` sets it).
    #[arg(long, global = true, hide = true)]
    pub demo: bool,
}

impl GlobalArgs {
    pub(crate) fn aws_options(&self) -> AwsOptions {
        AwsOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            endpoint_url: self.endpoint_url.clone(),
            call_timeout: self.aws_timeout,
        }
    }

    /// The backend these flags point at: the demo gateway or AWS.
    pub async fn backend(&self) -> anyhow::Result<Backend> {
        let backend = if self.demo {
            let (backend, attached) = crate::backends::demo::attach_or_start().await?;
            if let Some(note) = attached.note() {
                eprintln!("gatescope: note: {note}");
            }
            backend
        } else {
            crate::backends::aws::backend(&self.aws_options()).await?
        };
        Ok(backend)
    }
}

/// Fetch one API with its details (routes, authorizers, stages) by id.
pub(crate) async fn fetch_api(
    backend: &Backend,
    api_id: &str,
) -> anyhow::Result<crate::domain::Api> {
    let apis = backend.control.list_apis().await?;
    let Some(api) = apis.into_iter().find(|a| a.id == api_id) else {
        anyhow::bail!("no API with id {api_id} here (list them with `gatescope apis`)");
    };
    Ok(backend.control.load_details(api).await?)
}

/// Read a file argument, `-` meaning standard input.
pub(crate) fn read_input(path: &str) -> anyhow::Result<Vec<u8>> {
    flags::read_input(path)
}

/// Headers as a JSON object with lower-case names (repeats joined by ", ").
pub(crate) fn headers_json(
    headers: &[(String, String)],
) -> serde_json::Map<String, serde_json::Value> {
    let mut m = serde_json::Map::new();
    for (k, v) in headers {
        let k = k.to_ascii_lowercase();
        match m.get_mut(&k) {
            Some(serde_json::Value::String(prev)) => {
                prev.push_str(", ");
                prev.push_str(v);
            }
            _ => {
                m.insert(k, serde_json::Value::String(v.clone()));
            }
        }
    }
    m
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List APIs (HTTP, WebSocket and REST).
    Apis(apis::Args),
    /// Show APIs with routes, integrations, authorizers, stages and CORS.
    Inspect(inspect::Args),
    /// Build the proxy event a Lambda would receive for a request.
    Event(event::Args),
    /// The event a route's Lambda authorizer receives; evaluate its answer.
    Authorizer(authorizer::Args),
    /// Say what a client receives for a Lambda's output.
    CheckResponse(check_response::Args),
    /// Evaluate a browser request against a CORS configuration.
    Cors(cors::Args),
    /// Decode a JWT and evaluate it against a JWT authorizer.
    Jwt(jwt::Args),
    /// Send a (signed) test request and show the response.
    Send(send::Args),
    /// REAL CALL: run a REST method through the control plane (TestInvokeMethod):
    /// status, body and execution log; bypasses the authorizer and API keys.
    TestInvoke(test_invoke::Args),
    /// REAL CALL: an API key's usage and quota left (GetUsage).
    Usage(usage::Args),
    /// Access logs and Lambda logs of a stage, correlated.
    Logs(logs::Args),
    /// Explain an error response, or lint an API's configuration.
    Doctor(doctor::Args),
    /// What is failing now: per-route metrics, top error causes, invocation health.
    Health(health::Args),
    /// The built-in local API Gateway (no AWS account needed).
    Demo(demo::Args),
    /// Print a shell completion script: `gatescope completions bash > ~/.local/share/bash-completion/completions/gatescope`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if !runs_tui(&cli) {
        sigpipe::restore_default();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gatescope: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("gatescope: {}", one_line(&e));
            ExitCode::from(2)
        }
    }
}

/// Whether this invocation opens the TUI (no subcommand, or `demo` without `--serve`).
fn runs_tui(cli: &Cli) -> bool {
    match &cli.command {
        None => true,
        Some(Command::Demo(a)) => !a.serve && a.command.is_none(),
        Some(_) => false,
    }
}

/// Errors are shown as one line: the outermost message and its causes, joined.
pub fn one_line(e: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in e.chain() {
        let s = cause.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
    }
    let line = parts.join(": ").replace('\n', " ");
    crate::engines::terminal_text::one_line(&line).into_owned()
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let g = cli.global;
    match cli.command {
        None => {
            crate::ui::terminal::require_tty()?;
            let backend = g.backend().await?;
            crate::ui::run(backend).await?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Apis(a)) => apis::run(a, &g).await,
        Some(Command::Inspect(a)) => inspect::run(a, &g).await,
        Some(Command::Event(a)) => event::run(a, &g).await,
        Some(Command::Authorizer(a)) => authorizer::run(a, &g).await,
        Some(Command::CheckResponse(a)) => check_response::run(a, &g).await,
        Some(Command::Cors(a)) => cors::run(a, &g).await,
        Some(Command::Jwt(a)) => jwt::run(a, &g).await,
        Some(Command::Send(a)) => send::run(a, &g).await,
        Some(Command::TestInvoke(a)) => test_invoke::run(a, &g).await,
        Some(Command::Usage(a)) => usage::run(a, &g).await,
        Some(Command::Logs(a)) => logs::run(a, &g).await,
        Some(Command::Doctor(a)) => doctor::run(a, &g).await,
        Some(Command::Health(a)) => health::run(a, &g).await,
        Some(Command::Demo(a)) => demo::run(a, &g).await,
        Some(Command::Completions { shell }) => {
            use clap::CommandFactory;
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut Cli::command(), "gatescope", &mut out);
            Ok(ExitCode::SUCCESS)
        }
    }
}
