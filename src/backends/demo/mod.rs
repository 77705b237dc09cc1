//! The built-in local API Gateway used by `gatescope demo`: HTTP and REST APIs served on
//! loopback with API Gateway's semantics (rules from the engines), demo Lambda functions,
//! an OpenID issuer with demo tokens, and an in-memory CloudWatch Logs. It is exposed as a
//! [`Backend`] like AWS itself, so every view and command works on it unchanged.
//!
//! Definitions are data in `assets/demo/` (APIs, functions, scenarios); see the README's
//! demo section.

pub(crate) mod access_logging;
mod attach;
mod config;
mod control;
mod domains;
mod exec_log;
mod filter_pattern;
mod gateway;
mod handlers;
pub mod insights;
mod lambda;
mod lambda_authorizer;
mod log_store;
mod logs;
pub mod metrics;
mod pipeline;
mod real_calls;
mod remote_calls;
mod remote_logs;
mod scenarios;
pub mod state;
pub mod targets;
mod throttle;
mod tokens;
pub mod traffic;
mod usage_plans;

use std::sync::{Arc, Mutex};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;

pub(crate) use attach::Published;
pub(crate) use attach::attach_or_start;
pub use attach::connect;
pub use config::Definitions;
pub(crate) use config::DemoApiKey;
pub(crate) use gateway::DemoGateway;

pub use scenarios::{Scenario, curl as scenario_curl};
pub(crate) use tokens::DemoToken;

use super::{Backend, BackendError, BackendInfo};

/// The gateway most recently started in this process (what [`demo_tokens`] reads).
static CURRENT: Mutex<Option<Arc<DemoGateway>>> = Mutex::new(None);

/// Start the demo gateway in-process on free loopback ports and return a backend
/// pointed at it.
pub async fn backend() -> Result<Backend, BackendError> {
    Ok(start(None).await?.0)
}

/// Start the gateway (API ports from `first_port` upwards, or free ones) and build the
/// backend over it; also returns the gateway for scenarios, tokens and the log store.
pub async fn start(first_port: Option<u16>) -> Result<(Backend, Arc<DemoGateway>), BackendError> {
    start_with(&Definitions::builtin(), first_port).await
}

/// [`start`] with other definitions than the embedded demo's (tests stand up gateways
/// with the CORS configuration or function answers they need).
pub async fn start_with(
    defs: &Definitions,
    first_port: Option<u16>,
) -> Result<(Backend, Arc<DemoGateway>), BackendError> {
    let gw = Arc::new(gateway::start_with(defs, first_port).await?);
    let logs: Arc<dyn super::LogSource> = Arc::new(logs::DemoLogs::new(gw.store.clone()));
    let backend = Backend {
        info: BackendInfo {
            profile: None,
            region: Some(config::REGION.to_string()),
            endpoint: gw.apis.first().and_then(|a| a.api.endpoint.clone()),
            demo: true,
        },
        control: Arc::new(control::DemoControlPlane {
            apis: gw.apis(),
            functions: gw.function_configs(),
            account: gw.account.clone(),
        }),
        logs: logs.clone(),
        metrics: Arc::new(metrics::DemoMetrics::new(gw.apis(), logs)),
        calls: Arc::new(real_calls::DemoRealCalls {
            lambda: gw.lambda.clone(),
            plans: gw.plans.clone(),
        }),
        credentials: Some(SharedCredentialsProvider::new(demo_credentials())),
    };
    *CURRENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(gw.clone());
    Ok((backend, gw))
}

/// Static credentials so SigV4 signing works in the demo; they open nothing anywhere.
pub(crate) fn demo_credentials() -> Credentials {
    Credentials::new(
        "AKIAGATESCOPEDEMO000",
        "gatescope-demo-secret-key-not-a-real-one",
        None,
        None,
        "gatescope-demo",
    )
}

/// What a process attached to another process's demo knows of it.
pub(crate) struct Client {
    pub tokens: Vec<DemoToken>,
    pub scenarios: Vec<Scenario>,
    pub api_keys: Vec<DemoApiKey>,
    pub domains: std::collections::BTreeMap<String, String>,
}

/// The demo this process is attached to, when it runs in another process.
static CLIENT: Mutex<Option<Arc<Client>>> = Mutex::new(None);

pub(crate) fn set_client(c: Client) {
    *CLIENT.lock().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(c));
}

fn client() -> Option<Arc<Client>> {
    CLIENT.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// The JWTs of the running demo (valid, expired, wrong_audience, missing_scope), for the
/// TUI's auth pane and `gatescope demo send`. Empty when no demo gateway runs in this
/// process or attached to. Each says which status the demo's JWT routes answer for it.
pub fn demo_tokens() -> Vec<DemoToken> {
    match current() {
        Some(g) => g.tokens.clone(),
        None => client().map(|c| c.tokens.clone()).unwrap_or_default(),
    }
}

/// The API keys of the running demo (`demo`, `trial`, `burst`, `revoked`), for the TUI's
/// auth pane and `--auth apikey:NAME`. Demo data: their values are printed, never a
/// secret. Empty when no demo runs in this process or is attached to.
pub(crate) fn demo_api_keys() -> Vec<DemoApiKey> {
    match current() {
        Some(g) => g.api_keys.clone(),
        None => client().map(|c| c.api_keys.clone()).unwrap_or_default(),
    }
}

/// The running demo's custom domains: name → the loopback base URL serving it.
pub(crate) fn demo_domains() -> std::collections::BTreeMap<String, String> {
    match current() {
        Some(g) => g.domains.clone(),
        None => client().map(|c| c.domains.clone()).unwrap_or_default(),
    }
}

/// The scenarios of the running demo, resolved to URLs (empty when none runs).
pub(crate) fn demo_scenarios() -> Vec<Scenario> {
    match current() {
        Some(g) => g.scenarios.clone(),
        None => client().map(|c| c.scenarios.clone()).unwrap_or_default(),
    }
}

fn current() -> Option<Arc<DemoGateway>> {
    CURRENT.lock().unwrap_or_else(|e| e.into_inner()).clone()
}
