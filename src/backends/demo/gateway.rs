//! Starting the demo: one loopback listener per API (each port plays the API's
//! `execute-api` host, so stage prefixes and paths are exactly AWS's) and one for the
//! OpenID issuer (discovery document and JWKS).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::net::TcpListener;

use super::config::{self, Definitions, DemoApi, DemoApiKey, FunctionDef};
use super::domains::DomainRuntime;
use super::lambda::LambdaService;
use super::log_store::LogStore;
use super::logs::DemoLogs;
use super::pipeline::{self, ApiRuntime, GatewayRequest};
use super::remote_logs::{self, Control};
use super::scenarios::{self, Scenario};
use super::throttle::Throttler;
use super::tokens::{DemoToken, Issuer};
use super::usage_plans::UsagePlanState;
use crate::backends::{BackendError, ErrorKind};

/// Request bodies above API Gateway's 10 MB payload limit are refused.
const MAX_BODY: usize = 10 * 1024 * 1024;

/// A running demo gateway.
pub struct DemoGateway {
    /// The domain view of each API, with `endpoint` and `invoke_url`s set.
    pub(crate) apis: Vec<DemoApi>,
    pub(crate) issuer: Arc<Issuer>,
    pub(crate) store: Arc<LogStore>,
    pub(crate) lambda: Arc<LambdaService>,
    pub(crate) tokens: Vec<DemoToken>,
    pub(crate) scenarios: Vec<Scenario>,
    /// Random per run; the state file and the control port's hello carry it.
    pub(crate) instance: String,
    /// Custom domain name → `http://127.0.0.1:PORT`, the listener standing in for it.
    pub(crate) domains: std::collections::BTreeMap<String, String>,
    /// The API keys (demo data: their values are printed by `gatescope demo tokens`).
    pub(crate) api_keys: Vec<DemoApiKey>,
    /// Usage plans and custom domains, as the control plane lists them.
    pub(crate) account: crate::domain::AccountResources,
    /// The keys' usage as the plans count it (what the demo's GetUsage reads).
    pub(crate) plans: Arc<UsagePlanState>,
}

impl DemoGateway {
    /// The APIs as the control plane lists them.
    pub fn apis(&self) -> Vec<crate::domain::Api> {
        self.apis.iter().map(|a| a.api.clone()).collect()
    }

    /// `http://127.0.0.1:PORT` of an API.
    pub fn base_url(&self, api_id: &str) -> Option<&str> {
        self.apis
            .iter()
            .find(|a| a.api.id == api_id)
            .and_then(|a| a.api.endpoint.as_deref())
    }

    /// The OpenID issuer URL (serves `/.well-known/openid-configuration` and the JWKS).
    pub fn issuer_url(&self) -> &str {
        &self.issuer.url
    }

    /// API id → `http://127.0.0.1:PORT`, what the state file publishes.
    pub(crate) fn bases(&self) -> std::collections::BTreeMap<String, String> {
        self.apis
            .iter()
            .filter_map(|a| Some((a.api.id.clone(), a.api.endpoint.clone()?)))
            .collect()
    }

    /// Custom domain name → the loopback base URL serving it.
    pub fn domains(&self) -> &std::collections::BTreeMap<String, String> {
        &self.domains
    }

    /// This run's instance id.
    pub(crate) fn instance(&self) -> &str {
        &self.instance
    }

    pub fn tokens(&self) -> &[DemoToken] {
        &self.tokens
    }

    pub fn scenarios(&self) -> &[Scenario] {
        &self.scenarios
    }

    /// Each demo function's configuration as the Lambda API would report it.
    pub(crate) fn function_configs(&self) -> Vec<crate::domain::FunctionConfig> {
        function_configs(self.lambda.functions())
    }

    /// `(name, description, handler)` of each demo function.
    pub fn functions(&self) -> Vec<(String, String, String)> {
        self.lambda
            .functions()
            .iter()
            .map(|f: &FunctionDef| (f.name.clone(), f.description.clone(), f.handler.clone()))
            .collect()
    }
}

/// The functions' configuration as the Lambda API would report it.
pub(crate) fn function_configs(functions: &[FunctionDef]) -> Vec<crate::domain::FunctionConfig> {
    functions
        .iter()
        .map(|f| crate::domain::FunctionConfig {
            arn: config::function_arn(&f.name),
            timeout_s: Some(f.timeout_seconds as f64),
            memory_mb: Some(f.memory_mb),
            unavailable: None,
        })
        .collect()
}

/// Point each demo custom domain at the loopback listener standing in for it: its DNS
/// target (`targetDomainName`, `d-xxxx.execute-api...` on AWS) becomes `127.0.0.1:PORT`,
/// which is where the name leads in the demo.
pub(crate) fn point_domains(
    domains: &mut [crate::domain::CustomDomain],
    bases: &std::collections::BTreeMap<String, String>,
) {
    for d in domains {
        if let Some(base) = bases.get(&d.domain_name) {
            d.target_domain_name = Some(base.trim_start_matches("http://").to_string());
        }
    }
}

/// Point an API at its listener: `endpoint` is the base, each stage's invoke URL the base
/// plus the stage (none for `$default`), as on `{id}.execute-api.{region}.amazonaws.com`.
pub(crate) fn assign_urls(demo: &mut DemoApi, base: &str) {
    demo.api.endpoint = Some(base.to_string());
    for s in &mut demo.api.stages {
        s.invoke_url = Some(if s.stage_name == "$default" {
            base.to_string()
        } else {
            format!("{base}/{}", s.stage_name)
        });
    }
}

pub(crate) fn config_error(e: String) -> BackendError {
    BackendError::new(ErrorKind::Config, e)
        .with_fix("fix the file under assets/demo/ and rebuild gatescope")
}

async fn bind(port: Option<u16>) -> Result<TcpListener, BackendError> {
    let port = port.unwrap_or(0);
    TcpListener::bind(("127.0.0.1", port)).await.map_err(|e| {
        BackendError::new(
            ErrorKind::Network,
            format!("cannot listen on 127.0.0.1:{port}: {e}"),
        )
        .with_fix("pick another --port, or leave it out to use free ports")
    })
}

fn local_port(l: &TcpListener) -> u16 {
    l.local_addr().map(|a| a.port()).unwrap_or(0)
}

/// Start a gateway serving `defs` (the embedded demo: [`Definitions::builtin`]). With `first_port = Some(N)`, API number i listens on N+i and the
/// issuer on the port after the last API; otherwise every port is a free one.
pub async fn start_with(
    defs: &Definitions,
    first_port: Option<u16>,
) -> Result<DemoGateway, BackendError> {
    // The demo's tokens are RS256, and RSA signing blinds with aws-lc's RNG,
    // whose first use in a process seeds itself from CPU jitter: half of the
    // demo's start-up CPU in a perf profile, all of it before the first
    // frame. Seed it on the other core while the gateway is set up (a signer
    // reaching the RNG meanwhile waits for the same one-time seeding).
    std::thread::spawn(|| aws_lc_rs::rand::fill(&mut [0u8; 1]));
    // `--port 0` means "free ports", like leaving it out.
    let first_port = first_port.filter(|p| *p != 0);
    let functions = config::load_functions(&defs.functions).map_err(config_error)?;
    let count = config::load_apis(&defs.apis, "", &functions)
        .map_err(config_error)?
        .len();
    let account = config::load_account(&defs.apis).map_err(config_error)?;
    let domain_count = account.resources.domains.len();
    let port_at = |i: usize| first_port.map(|p| p.saturating_add(i as u16));
    let mut listeners = Vec::new();
    for i in 0..count {
        listeners.push(bind(port_at(i)).await?);
    }
    let issuer_listener = bind(port_at(count)).await?;
    let mut domain_listeners = Vec::new();
    for i in 0..domain_count {
        domain_listeners.push(bind(port_at(count + 1 + i)).await?);
    }
    let issuer_url = format!("http://127.0.0.1:{}", local_port(&issuer_listener));
    let mut apis = config::load_apis(&defs.apis, &issuer_url, &functions).map_err(config_error)?;
    let mut account = account;
    let domain_bases: std::collections::BTreeMap<String, String> = account
        .resources
        .domains
        .iter()
        .zip(&domain_listeners)
        .map(|(d, l)| {
            (
                d.domain_name.clone(),
                format!("http://127.0.0.1:{}", local_port(l)),
            )
        })
        .collect();
    point_domains(&mut account.resources.domains, &domain_bases);
    for demo in &mut apis {
        point_domains(&mut demo.api.domains, &domain_bases);
    }

    let store = Arc::new(LogStore::default());
    let lambda = Arc::new(LambdaService::new(store.clone(), functions));
    let issuer = Arc::new(Issuer::new(issuer_url));
    let tokens = issuer.demo_tokens(chrono::Utc::now().timestamp());
    let api_keys = account.keys.clone();
    let account_resources = account.resources.clone();
    let domain_defs = account.resources.domains.clone();
    let plans = Arc::new(UsagePlanState::new(account));

    let mut bases = HashMap::new();
    let mut runtimes: HashMap<String, Arc<ApiRuntime>> = HashMap::new();
    for (demo, listener) in apis.iter_mut().zip(listeners) {
        let port = local_port(&listener);
        let base = format!("http://127.0.0.1:{port}");
        assign_urls(demo, &base);
        bases.insert(demo.api.id.clone(), base);
        pipeline::create_log_groups(demo, &store);
        for s in demo.api.stages.iter().filter(|s| s.writes_execution_logs()) {
            store.ensure_group(&super::exec_log::group(&demo.api.id, &s.stage_name));
        }
        let rt = Arc::new(ApiRuntime {
            router: crate::engines::routing::Router::from_api(&demo.api),
            demo: demo.clone(),
            domain: format!("127.0.0.1:{port}"),
            lambda: lambda.clone(),
            store: store.clone(),
            issuer: issuer.clone(),
            throttler: Throttler::default(),
            authorizer_cache: Default::default(),
            plans: plans.clone(),
            exec_stream: uuid::Uuid::new_v4().simple().to_string(),
        });
        runtimes.insert(demo.api.id.clone(), rt.clone());
        let app = Router::new().fallback(serve_api).with_state(rt);
        tokio::spawn(async move {
            let svc = app.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = axum::serve(listener, svc).await {
                tracing::error!("demo gateway listener stopped: {e}");
            }
        });
    }
    let mut domains = std::collections::BTreeMap::new();
    for (domain, listener) in domain_defs.into_iter().zip(domain_listeners) {
        domains.insert(
            domain.domain_name.clone(),
            format!("http://127.0.0.1:{}", local_port(&listener)),
        );
        let targets = domain
            .mappings
            .iter()
            .filter_map(|m| Some((m.clone(), runtimes.get(&m.api_id)?.clone())))
            .collect();
        let d = Arc::new(DomainRuntime { domain, targets });
        let app = Router::new().fallback(serve_domain).with_state(d);
        tokio::spawn(async move {
            let svc = app.into_make_service_with_connect_info::<SocketAddr>();
            if let Err(e) = axum::serve(listener, svc).await {
                tracing::error!("demo custom domain listener stopped: {e}");
            }
        });
    }
    let instance = uuid::Uuid::new_v4().to_string();
    let control = Arc::new(Control {
        instance: instance.clone(),
        logs: Arc::new(DemoLogs::new(store.clone())),
    });
    let issuer_app = Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/.well-known/jwks.json", get(jwks))
        .with_state(issuer.clone())
        .merge(remote_logs::routes(control))
        .merge(super::remote_calls::routes(Arc::new(
            super::real_calls::DemoRealCalls {
                lambda: lambda.clone(),
                plans: plans.clone(),
            },
        )));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(issuer_listener, issuer_app).await {
            tracing::error!("demo issuer listener stopped: {e}");
        }
    });

    bases.extend(domains.iter().map(|(k, v)| (k.clone(), v.clone())));
    let scenarios =
        scenarios::load(&defs.scenarios, &bases, &tokens, &api_keys).map_err(config_error)?;
    Ok(DemoGateway {
        apis,
        issuer,
        store,
        lambda,
        tokens,
        scenarios,
        instance,
        domains,
        api_keys,
        account: account_resources,
        plans,
    })
}

async fn discovery(State(issuer): State<Arc<Issuer>>) -> axum::Json<serde_json::Value> {
    axum::Json(issuer.discovery())
}

async fn jwks(State(issuer): State<Arc<Issuer>>) -> axum::Json<crate::engines::jwt::Jwks> {
    axum::Json(issuer.jwks())
}

async fn serve_api(
    State(rt): State<Arc<ApiRuntime>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    match gateway_request(peer, req).await {
        Ok(g) => into_response(pipeline::handle(&rt, g).await),
        Err(too_large) => too_large,
    }
}

async fn serve_domain(
    State(d): State<Arc<DomainRuntime>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    match gateway_request(peer, req).await {
        Ok(g) => into_response(super::domains::handle(&d, g).await),
        Err(too_large) => too_large,
    }
}

/// The request as the pipeline reads it, or API Gateway's answer to a body over 10 MB.
async fn gateway_request(peer: SocketAddr, req: Request) -> Result<GatewayRequest, Response> {
    let (parts, body) = req.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b.to_vec(),
        Err(_) => {
            return Err((
                http::StatusCode::PAYLOAD_TOO_LARGE,
                [("content-type", "application/json")],
                r#"{"message":"Request Too Long"}"#,
            )
                .into_response());
        }
    };
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    Ok(GatewayRequest {
        method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers,
        body,
        source_ip: peer.ip().to_string(),
        domain_name: None,
    })
}

fn into_response(out: super::pipeline::GatewayResponse) -> Response {
    let mut resp = Response::new(Body::from(out.body));
    *resp.status_mut() =
        http::StatusCode::from_u16(out.status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    for (k, v) in out.headers {
        if let (Ok(k), Ok(v)) = (
            http::HeaderName::from_bytes(k.as_bytes()),
            http::HeaderValue::from_str(&v),
        ) {
            resp.headers_mut().append(k, v);
        }
    }
    resp
}
