//! One demo, many clients. A demo that runs (`gatescope demo --serve`, or the TUI's demo)
//! publishes itself ([`Published`]); every other `gatescope demo ...` attaches to it
//! ([`connect`]): the same APIs on the same ports, the same tokens (the issuer URL is the
//! same, the key is the published demo key) and its logs over the control port. Without
//! one, a command starts its own gateway and says so.

use std::sync::Arc;

use aws_credential_types::provider::SharedCredentialsProvider;
use tokio_util::sync::CancellationToken;

use super::config;
use super::control::DemoControlPlane;
use super::gateway::{self, DemoGateway, config_error};
use super::remote_logs::RemoteLogs;
use super::state::{self, DemoState, Lookup};
use super::tokens::Issuer;
use super::{Client, demo_credentials, scenarios, set_client, traffic};
use crate::backends::{Backend, BackendError, BackendInfo, ErrorKind};

/// How a command got its demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Attached {
    /// A demo published by another process (pid).
    Running { pid: u32 },
    /// A gateway started in this process for this command; `stale` says why the state
    /// file (if any) named no live demo.
    Started { stale: Option<String> },
}

impl Attached {
    /// The stderr line for a command that had to start its own demo.
    pub fn note(&self) -> Option<String> {
        let Attached::Started { stale } = self else {
            return None;
        };
        let why = match stale {
            Some(why) => format!(
                "the demo named in {} is gone ({why})",
                state::path().display()
            ),
            None => "no demo is running".to_string(),
        };
        Some(format!(
            "{why}; started one for this command (it stops when the command ends: its ports, \
             tokens and logs go with it; `gatescope demo --serve` keeps one running)"
        ))
    }
}

/// The running demo if there is one, else a gateway started here for this command.
pub(crate) async fn attach_or_start() -> Result<(Backend, Attached), BackendError> {
    let stale = match state::find().await {
        Lookup::Running(s) => {
            let backend = connect(&s)?;
            return Ok((backend, Attached::Running { pid: s.pid }));
        }
        Lookup::None => None,
        Lookup::Stale { why } => Some(why),
    };
    let (backend, _gw) = super::start(None).await?;
    Ok((backend, Attached::Started { stale }))
}

/// A backend over the demo another process runs.
pub fn connect(s: &DemoState) -> Result<Backend, BackendError> {
    let functions = config::load_functions(config::FUNCTIONS_TOML).map_err(config_error)?;
    let mut apis =
        config::load_apis(config::APIS_TOML, &s.control_url, &functions).map_err(config_error)?;
    for demo in &mut apis {
        let Some(base) = s.apis.get(&demo.api.id) else {
            return Err(BackendError::new(
                ErrorKind::Config,
                format!(
                    "the running demo (pid {}) does not serve the API {}",
                    s.pid, demo.api.id
                ),
            )
            .with_fix(
                "it is another gatescope version: stop it and start `gatescope demo --serve` again",
            ));
        };
        gateway::assign_urls(demo, base);
        gateway::point_domains(&mut demo.api.domains, &s.domains);
    }
    let issuer = Issuer::new(s.control_url.clone());
    let tokens = issuer.demo_tokens(chrono::Utc::now().timestamp());
    let mut account = config::load_account(config::APIS_TOML).map_err(config_error)?;
    gateway::point_domains(&mut account.resources.domains, &s.domains);
    let api_keys = account.keys.clone();
    let bases: std::collections::HashMap<String, String> = s
        .apis
        .clone()
        .into_iter()
        .chain(s.domains.clone())
        .collect();
    let scenarios = scenarios::load(config::SCENARIOS_TOML, &bases, &tokens, &api_keys)
        .map_err(config_error)?;
    set_client(Client {
        tokens,
        scenarios,
        api_keys,
        domains: s.domains.clone(),
    });
    let apis: Vec<crate::domain::Api> = apis.into_iter().map(|a| a.api).collect();
    let logs: Arc<dyn crate::backends::LogSource> = Arc::new(RemoteLogs::new(&s.control_url)?);
    Ok(Backend {
        info: BackendInfo {
            profile: None,
            region: Some(config::REGION.to_string()),
            endpoint: apis.first().and_then(|a| a.endpoint.clone()),
            demo: true,
        },
        metrics: Arc::new(super::metrics::DemoMetrics::new(apis.clone(), logs.clone())),
        calls: Arc::new(super::remote_calls::RemoteCalls::new(&s.control_url)?),
        control: Arc::new(DemoControlPlane {
            apis,
            functions: gateway::function_configs(&functions),
            account: account.resources,
        }),
        logs,
        credentials: Some(SharedCredentialsProvider::new(demo_credentials())),
    })
}

/// A demo this process serves to others: its state file, and its background traffic.
/// Dropping it stops the traffic and removes the file (if it still names this demo).
pub(crate) struct Published {
    state: DemoState,
    stop: CancellationToken,
}

impl Published {
    /// Publish `gw` (and start background traffic unless `quiet`). A state file that
    /// cannot be written is reported, not fatal: the demo itself still works.
    pub fn new(gw: &DemoGateway, quiet: bool) -> (Published, Option<String>) {
        let state = DemoState::new(
            gw.instance().to_string(),
            gw.issuer_url().to_string(),
            gw.bases(),
            gw.domains().clone(),
        );
        let warning = state.write().err().map(|e| {
            format!(
                "cannot write {} ({e}): other gatescope commands will not find this demo",
                state::path().display()
            )
        });
        let stop = CancellationToken::new();
        if !quiet {
            traffic::spawn(gw.scenarios(), stop.clone());
        }
        (Published { state, stop }, warning)
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        self.stop.cancel();
        self.state.remove_if_ours();
    }
}
