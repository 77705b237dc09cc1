//! What the demo gateway does with one request, in API Gateway's order: stage selection,
//! CORS preflight, route matching, throttling, the JWT authorizer, the Lambda proxy
//! integration (with its timeout), response interpretation, CORS headers, API Gateway's
//! own response headers, and the access-log line. The rules themselves come from the
//! engines (`crate::engines::{routing, event_build, response, cors, jwt}`); this file only
//! sequences them and does the I/O.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::Value;

use super::access_logging::{self, ContextVars};
use super::config::{self, DemoApi};
use super::lambda::{InvokeResult, LambdaService};
use super::lambda_authorizer;
use super::log_store::LogStore;
use super::throttle::{self, Throttler};
use super::tokens::Issuer;
use super::usage_plans::{self, UsagePlanState};
use crate::domain::{ApiType, Stage, header};
use crate::engines::event_build::{self, AuthorizerData, EventInput};
use crate::engines::response::{self, ResponseContext};
use crate::engines::routing::{Resolution, Router};
use crate::engines::{cors, jwt};

/// Everything one API's listener needs.
pub(crate) struct ApiRuntime {
    pub demo: DemoApi,
    /// The API's routes and stages, compiled once.
    pub router: Router,
    /// `127.0.0.1:PORT`, what `$context.domainName` shows.
    pub domain: String,
    pub lambda: Arc<LambdaService>,
    pub store: Arc<LogStore>,
    pub issuer: Arc<Issuer>,
    pub throttler: Throttler,
    /// Lambda authorizer answers, cached as API Gateway caches them.
    pub authorizer_cache: super::lambda_authorizer::AuthorizerCache,
    /// API keys and usage plans (account-wide: one per gateway, shared by its APIs).
    pub plans: Arc<UsagePlanState>,
    /// The execution-log stream this API's stages write to (32 hex, as on AWS).
    pub exec_stream: String,
}

/// A request as it arrived on the wire.
#[derive(Debug, Clone)]
pub(crate) struct GatewayRequest {
    pub method: String,
    /// Path as sent (percent-encoded, stage segment included).
    pub path: String,
    pub query: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub source_ip: String,
    /// The custom domain the request came through (its mapping already turned the path
    /// into `/{stage}/...`); `None` on the API's own execute-api host.
    pub domain_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct GatewayResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// API Gateway's own error answers, by API type (bodies as AWS spells them, §0 / §2.3).
pub(super) struct GatewayError {
    status: u16,
    body: String,
    /// REST `x-amzn-ErrorType`.
    error_type: Option<&'static str>,
    /// `$context.error.responseType`.
    response_type: &'static str,
    /// JWT authorizer's `www-authenticate` answer.
    www_authenticate: Option<String>,
}

impl GatewayError {
    #[cfg(test)]
    pub(super) fn status(&self) -> u16 {
        self.status
    }
}

pub(super) fn http_error(status: u16, body: &str, response_type: &'static str) -> GatewayError {
    GatewayError {
        status,
        body: body.to_string(),
        error_type: None,
        response_type,
        www_authenticate: None,
    }
}

pub(super) fn rest_error(
    status: u16,
    body: &str,
    error_type: &'static str,
    response_type: &'static str,
) -> GatewayError {
    GatewayError {
        status,
        body: body.to_string(),
        error_type: Some(error_type),
        response_type,
        www_authenticate: None,
    }
}

/// HTTP API ids look like `LV7fzho-PHcEJPw=`: 11 random bytes, URL-safe base64.
fn short_id() -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    base64::engine::general_purpose::URL_SAFE.encode(&bytes[..11])
}

pub async fn handle(rt: &ApiRuntime, req: GatewayRequest) -> GatewayResponse {
    let started = Instant::now();
    let now_ms = chrono::Utc::now().timestamp_millis();
    let api = &rt.demo.api;
    let api_type = rt.demo.api_type();
    let rest = api_type == ApiType::Rest;
    let request_id = if rest {
        uuid::Uuid::new_v4().to_string()
    } else {
        short_id()
    };
    let extended_id = if rest { short_id() } else { request_id.clone() };
    let mut vars = ContextVars::new();
    let time = chrono::DateTime::from_timestamp_millis(now_ms)
        .unwrap_or_default()
        .format("%d/%b/%Y:%H:%M:%S +0000")
        .to_string();
    for (k, v) in [
        ("requestId", request_id.clone()),
        ("extendedRequestId", extended_id.clone()),
        ("requestTime", time),
        ("requestTimeEpoch", now_ms.to_string()),
        ("httpMethod", req.method.clone()),
        ("path", req.path.clone()),
        ("protocol", "HTTP/1.1".to_string()),
        ("identity.sourceIp", req.source_ip.clone()),
        (
            "identity.userAgent",
            header(&req.headers, "user-agent").unwrap_or("").to_string(),
        ),
        ("domainName", domain_of(rt, &req)),
        (
            "domainPrefix",
            domain_of(rt, &req)
                .split(['.', ':'])
                .next()
                .unwrap_or("")
                .to_string(),
        ),
        ("apiId", api.id.clone()),
        ("accountId", config::ACCOUNT.to_string()),
    ] {
        vars.insert(k, v);
    }
    if rest {
        let trace = uuid::Uuid::new_v4().simple().to_string();
        vars.insert(
            "xrayTraceId",
            format!("Root=1-{:08x}-{}", now_ms / 1000, &trace[..24]),
        );
    }

    // 1. Stage and route, as the routing engine resolves them.
    let res = rt.router.resolve(&req.method, &req.path);
    let stage = res.stage.as_deref().and_then(|s| api.stage(s));
    if let Some(s) = stage {
        vars.insert("stage", s.stage_name.clone());
    }
    let mut out = match stage {
        Some(stage) => process(
            rt,
            &req,
            &res,
            stage,
            &mut vars,
            &Ids {
                request_id: &request_id,
                extended_id: &extended_id,
                now_ms,
            },
        )
        .await
        .unwrap_or_else(|e| error_response(rest, &e, &mut vars)),
        // No stage took the request, so there is no stage access log either.
        None => error_response(rest, &miss(&res), &mut vars),
    };
    add_gateway_headers(rest, &request_id, &extended_id, &vars, &mut out);
    write_access_log(rt, stage, &mut vars, &out, started);
    if let Some(stage) = stage {
        super::exec_log::write(rt, stage, &req, &vars, &out);
    }
    out
}

/// `$context.domainName`: the custom domain the request came through, else the API's host.
fn domain_of(rt: &ApiRuntime, req: &GatewayRequest) -> String {
    req.domain_name.clone().unwrap_or_else(|| rt.domain.clone())
}

/// API Gateway's answer when no stage or route matched.
fn miss(res: &Resolution) -> GatewayError {
    let (status, body) = res
        .miss_response()
        .unwrap_or((404, r#"{"message":"Not Found"}"#));
    match res.api_type {
        ApiType::Rest => rest_error(
            status,
            body,
            "MissingAuthenticationTokenException",
            "MISSING_AUTHENTICATION_TOKEN",
        ),
        ApiType::Http => http_error(status, body, "RESOURCE_NOT_FOUND"),
    }
}

/// Who the request is at the gateway: its ids and when it arrived.
#[derive(Clone, Copy)]
struct Ids<'a> {
    request_id: &'a str,
    extended_id: &'a str,
    now_ms: i64,
}

async fn process(
    rt: &ApiRuntime,
    req: &GatewayRequest,
    res: &Resolution,
    stage: &Stage,
    vars: &mut ContextVars,
    ids: &Ids<'_>,
) -> Result<GatewayResponse, GatewayError> {
    let Ids {
        request_id,
        extended_id,
        now_ms,
    } = *ids;
    let api = &rt.demo.api;
    let rest = rt.demo.api_type() == ApiType::Rest;
    let origin = header(&req.headers, "origin");

    // 2. HTTP APIs with a CorsConfiguration answer preflights themselves, before routing.
    if let (Some(cors), false, Some(origin)) = (&api.cors, rest, origin)
        && req.method.eq_ignore_ascii_case("OPTIONS")
        && header(&req.headers, "access-control-request-method").is_some()
    {
        let preflight = cors::http_api_preflight(cors, origin);
        vars.insert("routeKey", "-".into());
        return Ok(GatewayResponse {
            status: preflight.status,
            headers: preflight.headers,
            body: Vec::new(),
        });
    }

    // 3. Route.
    let Some(m) = &res.matched else {
        vars.insert("routeKey", "-".into());
        return Err(miss(res));
    };
    let Some(route_index) = rt
        .router
        .patterns()
        .iter()
        .position(|p| p.route_key == m.route_key)
    else {
        return Err(internal(rest));
    };
    let route = &api.routes[route_index];
    let resource_path = route.path().unwrap_or("/").to_string();
    vars.insert("routeKey", m.route_key.clone());
    vars.insert("resourcePath", resource_path.clone());

    // 4. Throttling: route settings over the stage default.
    let keys = if rest {
        let method = route.method();
        vec![
            format!("{resource_path}/{method}"),
            format!("{}/{method}", resource_path.replace('/', "~1")),
        ]
    } else {
        vec![m.route_key.clone()]
    };
    let limits = throttle::limits_for(stage, &keys);
    let bucket = format!("{}/{}", stage.stage_name, m.route_key);
    if !rt.throttler.admit(&bucket, limits, Instant::now()) {
        return Err(if rest {
            rest_error(
                429,
                r#"{"message":"Too Many Requests"}"#,
                "TooManyRequestsException",
                "THROTTLED",
            )
        } else {
            http_error(429, r#"{"message":"Too Many Requests"}"#, "THROTTLED")
        });
    }

    // 5. Resource policy, then the authorizer.
    let (Some(integration), Some(function)) = (
        route.integration.as_ref(),
        rt.demo.route_functions[route_index].as_deref(),
    ) else {
        return Err(internal(rest));
    };
    let payload = config::payload_of(Some(integration));
    let mut input = EventInput {
        api_type: rt.demo.api_type(),
        payload,
        method: req.method.clone(),
        path: req.path.clone(),
        query: req.query.clone(),
        headers: req.headers.clone(),
        body: req.body.clone(),
        route_key: m.route_key.clone(),
        path_parameters: m.path_parameters.clone(),
        stage: stage.stage_name.clone(),
        stage_variables: stage.stage_variables.clone(),
        api_id: api.id.clone(),
        account_id: config::ACCOUNT.to_string(),
        domain_name: domain_of(rt, req),
        request_id: request_id.to_string(),
        extended_request_id: extended_id.to_string(),
        trace_id: event_build::trace_id(now_ms, *uuid::Uuid::new_v4().as_bytes()),
        time_epoch_ms: now_ms,
        source_ip: req.source_ip.clone(),
        protocol: "HTTP/1.1".into(),
        authorizer: AuthorizerData::None,
        binary_media_types: api.binary_media_types.clone(),
        resource_id: route.route_id.clone(),
        ..Default::default()
    }
    .with_gateway_headers();
    if rest {
        lambda_authorizer::check_resource_policy(rt, route, &input, vars)?;
    }
    input.authorizer = if route.authorization() == crate::domain::AuthorizationType::Custom {
        lambda_authorizer::authorize(rt, route, &input, vars).await?
    } else {
        authorize(rt, route, req, vars)?
    };
    // API keys and usage plans: after the authorizer, as on AWS (reference §12.4).
    if rest {
        usage_plans::enforce(&rt.plans, api, &stage.stage_name, route, &req.headers, vars)?;
    }

    // 6. Integration.
    let event = event_build::build_event(&input);
    let Some((lambda_id, running)) = rt.lambda.invoke(function, event) else {
        return Err(internal(rest));
    };
    vars.insert("integration.requestId", lambda_id.clone());
    vars.insert("awsEndpointRequestId", lambda_id);
    let timeout_ms = integration.timeout_in_millis.unwrap_or(30_000).max(50) as u64;
    let invoked = Instant::now();
    let result = tokio::time::timeout(Duration::from_millis(timeout_ms), running).await;
    let latency = invoked.elapsed().as_millis().to_string();
    vars.insert("integrationLatency", latency.clone());
    vars.insert("integration.latency", latency);
    let result = match result {
        Err(_) => {
            let msg = format!(
                "Execution failed due to a timeout error (integration timeout {timeout_ms} ms)"
            );
            vars.insert("integrationErrorMessage", msg.clone());
            vars.insert("integration.error", msg);
            return Err(if rest {
                rest_error(
                    504,
                    r#"{"message": "Endpoint request timed out"}"#,
                    "InternalServerErrorException",
                    "INTEGRATION_TIMEOUT",
                )
            } else {
                // [UNVERIFIED] HTTP APIs are observed to answer 503 on integration timeout.
                http_error(
                    503,
                    r#"{"message":"Service Unavailable"}"#,
                    "INTEGRATION_TIMEOUT",
                )
            });
        }
        Ok(Err(_)) => return Err(internal(rest)),
        Ok(Ok(r)) => r,
    };
    vars.insert("integrationStatus", "200".into());
    vars.insert("integration.integrationStatus", "200".into());
    let mut ctx = ResponseContext::new(rt.demo.api_type(), payload);
    ctx.binary_media_types = api.binary_media_types.clone();
    ctx.request_accept = header(&req.headers, "accept").map(str::to_string);
    let bytes = match result {
        InvokeResult::FunctionError(err) => {
            let m = err
                .get("errorMessage")
                .and_then(Value::as_str)
                .unwrap_or("");
            let msg = if rest {
                format!(
                    "Lambda execution failed with status 200 due to customer function error: {m}"
                )
            } else {
                format!(
                    "The Lambda function returned the following error: {m}. Check your Lambda function code and try again."
                )
            };
            vars.insert("integrationErrorMessage", msg.clone());
            vars.insert("integration.error", msg);
            ctx.function_error = Some(true);
            err.to_string().into_bytes()
        }
        InvokeResult::Returned(b) => {
            ctx.function_error = Some(false);
            b
        }
    };

    // 7. Response interpretation.
    let verdict = response::interpret(&bytes, &ctx);
    if !verdict.ok {
        if !vars.contains_key("integrationErrorMessage") {
            let reason = verdict
                .findings
                .iter()
                .find(|f| f.severity == crate::domain::Severity::Error)
                .map(|f| f.title.clone())
                .unwrap_or_default();
            let msg = if rest {
                format!(
                    "Execution failed due to configuration error: Malformed Lambda proxy response ({reason})"
                )
            } else {
                // [UNVERIFIED] HTTP API wording; the reason is the response engine's.
                format!("Malformed Lambda proxy response: {reason}")
            };
            vars.insert("integrationErrorMessage", msg.clone());
            vars.insert("integration.error", msg);
        }
        vars.insert("error.message", error_message(&verdict.client_body));
        // [UNVERIFIED] which gateway response type a proxy 500/502 reports.
        vars.insert("error.responseType", "-".into());
        return Ok(GatewayResponse {
            status: verdict.client_status,
            headers: verdict.client_headers,
            body: verdict.client_body.into_bytes(),
        });
    }
    let status = verdict.client_status;
    let body = match verdict.client_body_base64 {
        Some(b64) => base64::engine::general_purpose::STANDARD
            .decode(b64)
            .unwrap_or_default(),
        None => verdict.client_body.into_bytes(),
    };
    let mut headers = verdict.client_headers;
    vars.insert("integration.status", status.to_string());

    // 8. HTTP API CORS: the configuration wins over whatever the function said.
    if let (Some(cors), false) = (&api.cors, rest) {
        headers = cors::apply_http_api_cors(cors, origin, &headers);
    }
    Ok(GatewayResponse {
        status,
        headers,
        body,
    })
}

fn authorize(
    rt: &ApiRuntime,
    route: &crate::domain::Route,
    req: &GatewayRequest,
    vars: &mut ContextVars,
) -> Result<AuthorizerData, GatewayError> {
    if !route.authorized_by(&crate::domain::AuthorizationType::Jwt) {
        return Ok(AuthorizerData::None);
    }
    let auth = route
        .authorizer_id
        .as_deref()
        .and_then(|id| rt.demo.api.authorizer(id));
    let Some(cfg) = auth.and_then(|a| a.jwt_configuration.as_ref()) else {
        return Err(internal(false));
    };
    let source = auth
        .and_then(|a| a.identity_source.first())
        .map(String::as_str)
        .unwrap_or("$request.header.Authorization");
    let raw = if let Some(name) = source.strip_prefix("$request.header.") {
        header(&req.headers, name).map(str::to_string)
    } else if let Some(name) = source.strip_prefix("$request.querystring.") {
        url::form_urlencoded::parse(req.query.as_bytes())
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    } else {
        None
    };
    // The gateway fetched the issuer's JWKS (its own, in-process) as API Gateway does.
    let rule = jwt::JwtRule::from_config(cfg, &route.authorization_scopes);
    let now_s = chrono::Utc::now().timestamp();
    let verdict = jwt::evaluate_token(raw.as_deref(), &rule, now_s, Some(&rt.issuer.jwks()));
    match verdict.outcome {
        jwt::Outcome::Pass => {
            let claims = raw
                .as_deref()
                .and_then(|t| jwt::decode(t).ok())
                .map(|d| d.claims)
                .unwrap_or_default();
            Ok(AuthorizerData::Jwt {
                claims,
                scopes: None,
            })
        }
        jwt::Outcome::Unauthorized => {
            vars.insert("authorizer.error", verdict.reason.unwrap_or_default());
            let mut e = http_error(401, r#"{"message":"Unauthorized"}"#, "UNAUTHORIZED");
            e.www_authenticate = verdict.www_authenticate;
            Err(e)
        }
        jwt::Outcome::Forbidden => {
            vars.insert("authorizer.error", verdict.reason.unwrap_or_default());
            Err(http_error(
                403,
                r#"{"message":"Forbidden"}"#,
                "ACCESS_DENIED",
            ))
        }
    }
}

pub(super) fn internal(rest: bool) -> GatewayError {
    if rest {
        rest_error(
            500,
            r#"{"message": "Internal server error"}"#,
            "InternalServerErrorException",
            "API_CONFIGURATION_ERROR",
        )
    } else {
        http_error(
            500,
            r#"{"message":"Internal Server Error"}"#,
            "API_CONFIGURATION_ERROR",
        )
    }
}

/// The `message` of an error body.
fn error_message(body: &str) -> String {
    serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v["message"].as_str().map(str::to_string))
        .unwrap_or_default()
}

fn error_response(rest: bool, e: &GatewayError, vars: &mut ContextVars) -> GatewayResponse {
    let message = error_message(&e.body);
    vars.insert("error.message", message.clone());
    vars.insert("error.messageString", format!("\"{message}\""));
    vars.insert("error.responseType", e.response_type.to_string());
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    if let (true, Some(t)) = (rest, e.error_type) {
        headers.push(("x-amzn-ErrorType".into(), t.into()));
    }
    if let Some(w) = &e.www_authenticate {
        headers.push(("www-authenticate".into(), w.clone()));
    }
    GatewayResponse {
        status: e.status,
        headers,
        body: e.body.as_bytes().to_vec(),
    }
}

fn add_gateway_headers(
    rest: bool,
    request_id: &str,
    extended_id: &str,
    vars: &ContextVars,
    out: &mut GatewayResponse,
) {
    if rest {
        out.headers
            .push(("x-amzn-RequestId".into(), request_id.into()));
        out.headers
            .push(("x-amz-apigw-id".into(), extended_id.into()));
        if let Some(t) = vars.get("xrayTraceId") {
            out.headers.push(("X-Amzn-Trace-Id".into(), t.clone()));
        }
    } else {
        out.headers
            .push(("apigw-requestid".into(), request_id.into()));
    }
}

fn write_access_log(
    rt: &ApiRuntime,
    stage: Option<&Stage>,
    vars: &mut ContextVars,
    out: &GatewayResponse,
    started: Instant,
) {
    let Some(logging) = stage.map(Stage::access_logging) else {
        return;
    };
    let (Some(group), Some(format)) = (logging.group(), logging.format()) else {
        return;
    };
    vars.insert("status", out.status.to_string());
    vars.insert("responseLength", out.body.len().to_string());
    vars.insert("responseLatency", started.elapsed().as_millis().to_string());
    let stream = format!(
        "{}_{}",
        rt.demo.api.id,
        stage.map_or("", |s| s.stage_name.as_str())
    );
    rt.store
        .put(group, &stream, access_logging::render(format, vars));
}

/// Ensure every stage's access-log group exists (so the logs view can open it before traffic).
pub(crate) fn create_log_groups(demo: &DemoApi, store: &LogStore) {
    for s in &demo.api.stages {
        if let Some(g) = s.access_logging().group() {
            store.ensure_group(g);
        }
    }
}
