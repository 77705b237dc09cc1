//! A fake API Gateway control plane that enforces AWS's documented
//! account-level limits (10 requests/s, burst 40; `GetResources` 5 per 2 s):
//! a request beyond them gets `429 TooManyRequestsException`, as AWS answers.
//! Its token buckets are written here independently of gatescope's limiter,
//! so the two are not the same code checking itself.
//!
//! It serves `http_apis` HTTP APIs and `rest_apis` REST APIs, each with
//! `ROUTES` routes and one page per list, and counts what it answered.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::http::{Method, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::fake_http::{aws_error, json_ok, serve};

pub const ROUTES: usize = 5;

/// Limits the fake enforces.
#[derive(Debug, Clone, Copy)]
pub struct ServerLimits {
    pub rate: f64,
    pub burst: f64,
    pub get_resources_rate: f64,
    pub get_resources_burst: f64,
}

impl ServerLimits {
    pub const AWS: ServerLimits = ServerLimits {
        rate: 10.0,
        burst: 40.0,
        get_resources_rate: 2.5,
        get_resources_burst: 5.0,
    };
}

struct ServerBucket {
    tokens: f64,
    capacity: f64,
    rate: f64,
    last: Instant,
}

impl ServerBucket {
    fn new(capacity: f64, rate: f64) -> Self {
        ServerBucket {
            tokens: capacity,
            capacity,
            rate,
            last: Instant::now(),
        }
    }

    fn refilled(&mut self) -> f64 {
        let now = Instant::now();
        let dt = now.duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + dt * self.rate).min(self.capacity);
        self.last = now;
        self.tokens
    }
}

/// A fault the fake injects on top of its limits (none by default): the
/// ways a control plane was seen to fail a load (issue 13, item 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(dead_code)] // each test file uses some of them
pub enum Fault {
    #[default]
    None,
    /// GetApis (v2) answers `200 application/json` cut short, every time.
    ListTruncated,
    /// GetApis (v2) answers `200 text/html` (a proxy's error page), every time.
    ListHtml,
    /// GetRoutes of every odd HTTP API is throttled (429), every time.
    HardThrottle,
    /// After the two lists, every call answers 503: the emulator went away
    /// in the middle of the load.
    DetailsDown,
    /// Every call is accepted and never answered (a frozen endpoint).
    Frozen,
    /// The lists answer; every detail call of HTTP API `h1` never does.
    HangDetails,
}

/// Whether `fault` leaves the call at `path` unanswered for ever.
fn hangs(fault: Fault, path: &str) -> bool {
    match fault {
        Fault::Frozen => true,
        Fault::HangDetails => path.starts_with("/v2/apis/h1/"),
        _ => false,
    }
}

/// What the fake answered.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub answered: u64,
    pub throttled: u64,
    pub get_resources: u64,
}

struct State {
    http_apis: usize,
    rest_apis: usize,
    all: ServerBucket,
    get_resources: ServerBucket,
    counts: Counts,
    fault: Fault,
}

/// A running fake; `url` is its endpoint.
pub struct FakeControlPlane {
    pub url: String,
    state: Arc<Mutex<State>>,
}

impl FakeControlPlane {
    pub async fn start(http_apis: usize, rest_apis: usize, limits: ServerLimits) -> Self {
        let state = Arc::new(Mutex::new(State {
            http_apis,
            rest_apis,
            all: ServerBucket::new(limits.burst, limits.rate),
            get_resources: ServerBucket::new(limits.get_resources_burst, limits.get_resources_rate),
            counts: Counts::default(),
            fault: Fault::None,
        }));
        let s = state.clone();
        let app = axum::Router::new().fallback(move |m: Method, u: Uri| {
            let s = s.clone();
            async move {
                let fault = s.lock().unwrap().fault;
                if hangs(fault, u.path()) {
                    // The client gives up and closes the connection.
                    std::future::pending::<()>().await;
                }
                handle(&s, &m, &u)
            }
        });
        FakeControlPlane {
            url: format!("http://{}", serve(app).await),
            state,
        }
    }

    pub fn counts(&self) -> Counts {
        self.state.lock().unwrap().counts
    }

    /// Inject `fault` from the next request on.
    #[allow(dead_code)] // not every test file injects faults
    pub fn set_fault(&self, fault: Fault) {
        self.state.lock().unwrap().fault = fault;
    }

    /// Refill both buckets to their burst and zero the counts (between runs).
    pub fn reset(&self, limits: ServerLimits) {
        let mut s = self.state.lock().unwrap();
        s.all = ServerBucket::new(limits.burst, limits.rate);
        s.get_resources = ServerBucket::new(limits.get_resources_burst, limits.get_resources_rate);
        s.counts = Counts::default();
    }
}

/// The id of HTTP API `i` and REST API `i`.
pub fn http_id(i: usize) -> String {
    format!("h{i}")
}
pub fn rest_id(i: usize) -> String {
    format!("r{i}")
}

/// How many calls a full inventory takes: the two lists, the four
/// account-wide lists (usage plans, API keys, REST and v2 domain names), four
/// per HTTP API (routes, integrations, authorizers, stages) and four per REST
/// API (resources, authorizers, stages, gateway responses), and how many of
/// them are GetResources.
pub fn calls_for(http_apis: usize, rest_apis: usize) -> (u64, u64) {
    (
        6 + 4 * http_apis as u64 + 4 * rest_apis as u64,
        rest_apis as u64,
    )
}

fn handle(state: &Mutex<State>, method: &Method, uri: &Uri) -> Response {
    let mut s = state.lock().unwrap();
    let parts: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    let is_get_resources = matches!(parts.as_slice(), ["restapis", _, "resources"]);
    // Both budgets must have a token; only then is either spent.
    let all_ok = s.all.refilled() >= 1.0;
    let gr_ok = !is_get_resources || s.get_resources.refilled() >= 1.0;
    if !(all_ok && gr_ok) || method != Method::GET {
        s.counts.throttled += u64::from(method == Method::GET);
        if method != Method::GET {
            return aws_error(405, "BadRequestException", "read-only fake");
        }
        return aws_error(429, "TooManyRequestsException", "Too Many Requests");
    }
    s.all.tokens -= 1.0;
    if is_get_resources {
        s.get_resources.tokens -= 1.0;
        s.counts.get_resources += 1;
    }
    s.counts.answered += 1;
    let (n_http, n_rest, fault) = (s.http_apis, s.rest_apis, s.fault);
    drop(s);
    if let Some(r) = faulty(fault, &parts) {
        return r;
    }
    match parts.as_slice() {
        ["v2", "apis"] => json_ok(json!({"items": (0..n_http).map(http_api).collect::<Vec<_>>()})),
        ["v2", "apis", id, "routes"] => json_ok(json!({"items": v2_routes(id)})),
        ["v2", "apis", id, "integrations"] => json_ok(json!({"items": v2_integrations(id)})),
        ["v2", "apis", id, "authorizers"] => json_ok(json!({"items": [
            {"authorizerId": format!("{id}a0"), "name": "jwt", "authorizerType": "JWT",
             "identitySource": ["$request.header.Authorization"],
             "jwtConfiguration": {"issuer": "https://issuer", "audience": ["aud"]}}]})),
        ["v2", "apis", _, "stages"] => json_ok(json!({"items": [
            {"stageName": "$default", "autoDeploy": true}, {"stageName": "prod"}]})),
        ["restapis"] => json_ok(json!({"item": (0..n_rest)
            .map(|i| json!({"id": rest_id(i), "name": format!("rest-{i}")}))
            .collect::<Vec<_>>()})),
        ["restapis", id, "resources"] => json_ok(json!({"item": rest_resources(id)})),
        ["restapis", id, "authorizers"] => json_ok(json!({"item": [
            {"id": format!("{id}a0"), "name": "tok", "type": "TOKEN",
             "identitySource": "method.request.header.Authorization"}]})),
        ["restapis", _, "stages"] => {
            json_ok(json!({"item": [{"stageName": "prod", "deploymentId": "d1"}]}))
        }
        // No usage plans, keys, custom domains or customised responses.
        ["usageplans"] | ["apikeys"] | ["domainnames"] | ["restapis", _, "gatewayresponses"] => {
            json_ok(json!({"item": []}))
        }
        ["v2", "domainnames"] => json_ok(json!({"items": []})),
        _ => aws_error(404, "NotFoundException", "no such path"),
    }
}

/// The answer `fault` gives to the call at `parts`, if it changes it.
fn faulty(fault: Fault, parts: &[&str]) -> Option<Response> {
    let list = matches!(parts, ["v2", "apis"] | ["restapis"]);
    match (fault, parts) {
        (Fault::ListTruncated, ["v2", "apis"]) => Some(super::fake_http::reply(
            200,
            &[("content-type", "application/json")],
            r#"{"items": [{"apiId": "h0", "na"#,
        )),
        (Fault::ListHtml, ["v2", "apis"]) => Some(super::fake_http::reply(
            200,
            &[("content-type", "text/html")],
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )),
        (Fault::HardThrottle, ["v2", "apis", id, "routes"])
            if id[1..].parse::<usize>().is_ok_and(|i| i % 2 == 1) =>
        {
            Some(aws_error(
                429,
                "TooManyRequestsException",
                "Too Many Requests",
            ))
        }
        (Fault::DetailsDown, _) if !list => Some(aws_error(
            503,
            "ServiceUnavailableException",
            "Service Unavailable",
        )),
        _ => None,
    }
}

fn http_api(i: usize) -> Value {
    json!({"apiId": http_id(i), "name": format!("http-{i}"), "protocolType": "HTTP",
           "apiEndpoint": format!("https://h{i}.execute-api.us-east-1.amazonaws.com")})
}

fn v2_routes(api: &str) -> Vec<Value> {
    (0..ROUTES)
        .map(|r| {
            json!({"routeId": format!("{api}r{r}"), "routeKey": format!("GET /items/{r}"),
                        "target": format!("integrations/{api}i{r}"), "authorizationType": "JWT",
                        "authorizerId": format!("{api}a0")})
        })
        .collect()
}

fn v2_integrations(api: &str) -> Vec<Value> {
    (0..ROUTES)
        .map(|r| {
            json!({"integrationId": format!("{api}i{r}"), "integrationType": "AWS_PROXY",
                        "integrationUri": format!("arn:aws:lambda:us-east-1:1:function:{api}-{r}"),
                        "payloadFormatVersion": "2.0"})
        })
        .collect()
}

fn rest_resources(api: &str) -> Vec<Value> {
    (0..ROUTES)
        .map(|r| json!({"id": format!("{api}res{r}"), "path": format!("/items/{r}"),
                        "resourceMethods": {"GET": {"httpMethod": "GET", "authorizationType": "CUSTOM",
                            "authorizerId": format!("{api}a0"),
                            "methodIntegration": {"type": "AWS_PROXY", "httpMethod": "POST",
                                "uri": format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:{api}-{r}/invocations")}}}}))
        .collect()
}

/// APIs of `inv` that are missing, or lack any route, integration,
/// authorizer or stage the fake serves: what a lossy load would show.
pub fn lost(inv: &gatescope::domain::Inventory, http_apis: usize, rest_apis: usize) -> Vec<String> {
    let want: Vec<String> = (0..http_apis)
        .map(http_id)
        .chain((0..rest_apis).map(rest_id))
        .collect();
    let mut lost = Vec::new();
    for id in want {
        let Some(api) = inv.apis.iter().find(|a| a.id == id) else {
            lost.push(format!("{id}: not listed"));
            continue;
        };
        let complete = api.details_loaded
            && api.problems.is_empty()
            && api.routes.len() == ROUTES
            && api.routes.iter().all(|r| r.integration.is_some())
            && api.authorizers.len() == 1
            && !api.stages.is_empty();
        if !complete {
            lost.push(format!("{id}: incomplete ({:?})", api.problems));
        }
    }
    lost
}
