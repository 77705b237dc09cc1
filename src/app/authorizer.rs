//! The Lambda authorizer event a request would produce: which route it
//! reaches, which authorizer guards it, and the event API Gateway builds for
//! it (or the 401 it answers without invoking the authorizer when an
//! identity source is missing). One use case for `gatescope authorizer` and
//! the TUI's authorizer views; local, nothing is invoked.

use crate::domain::{
    Api, ApiType, Authorizer, HttpRequest, LambdaAuthorizerKind, PayloadFormat, RequestDraft,
};
use crate::engines::authz::event::{AuthorizerCall, build};
use crate::engines::compose::{self, ComposeError};
use crate::engines::doctor::{DomainCall, Evidence, custom_domain_call};
use crate::engines::event_build::{EventInput, Seed, parse_execute_api_host};
use crate::engines::routing::{DEFAULT_STAGE, Router};

/// What the caller knows beyond the request itself.
#[derive(Debug, Clone)]
pub struct PreviewContext {
    /// `$context.identity.sourceIp`.
    pub source_ip: String,
    /// The account id in the method ARN.
    pub account_id: String,
    /// The region when the URL's host does not name one (a custom domain,
    /// loopback): the backend's region.
    pub fallback_region: Option<String>,
    pub seed: Seed,
}

impl PreviewContext {
    /// The defaults of `gatescope authorizer`: loopback caller, the example
    /// account id, the real clock.
    pub fn local(fallback_region: Option<String>) -> PreviewContext {
        PreviewContext {
            source_ip: "127.0.0.1".into(),
            account_id: "123456789012".into(),
            fallback_region,
            seed: super::seed(),
        }
    }
}

/// The authorizer's side of one request.
#[derive(Debug, Clone)]
pub struct AuthorizerPreview {
    pub route_key: String,
    pub authorizer: Authorizer,
    pub kind: LambdaAuthorizerKind,
    /// The request as API Gateway sees it (stage, route, gateway headers).
    pub input: EventInput,
    pub region: String,
    /// The event, or the 401 without invocation.
    pub call: AuthorizerCall,
    /// Set when the URL is a custom domain of the API: how its mapping was
    /// read (the event is built for the execute-api URL it stands for).
    pub via_domain: Option<String>,
}

impl AuthorizerPreview {
    /// The one line that says what happens: invoked, or 401 without invocation.
    pub fn verdict(&self) -> String {
        match &self.call {
            AuthorizerCall::NotInvoked { missing } => format!(
                "identity source {missing} is missing or empty: API Gateway answers 401 {{\"message\":\"Unauthorized\"}} without invoking authorizer {}",
                self.authorizer.name
            ),
            AuthorizerCall::Invoke { method_arn, .. } => format!(
                "API Gateway invokes authorizer {} ({}) for {method_arn}",
                self.authorizer.name,
                self.kind.label()
            ),
        }
    }
}

/// Why there is no authorizer event for a request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PreviewError {
    #[error("no route of {api} matches {method} {path}: {why}")]
    NoRoute {
        api: String,
        method: String,
        path: String,
        why: String,
    },
    #[error("route {0} has no authorizer")]
    NoAuthorizer(String),
    #[error("the authorizer {name} of route {route} is not a Lambda authorizer ({kind})")]
    NotLambda {
        name: String,
        route: String,
        kind: String,
    },
    #[error(
        "no mapping of {domain} covers {path}: API Gateway answers before any authorizer (see the doctor)"
    )]
    UnmappedDomain { domain: String, path: String },
}

/// The request a draft sends, its auth header (Bearer token, API key)
/// included: what identity sources read.
pub fn request_for_draft(draft: &RequestDraft) -> Result<HttpRequest, ComposeError> {
    let mut req = compose::build(draft)?;
    if let Some((name, value)) = compose::auth_header(&draft.auth) {
        req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        req.headers.push((name.to_string(), value));
    }
    Ok(req)
}

/// The authorizer event `req` (as it would be sent, auth headers included)
/// produces on `api`.
pub fn preview(
    api: &Api,
    req: &HttpRequest,
    ctx: &PreviewContext,
) -> Result<AuthorizerPreview, PreviewError> {
    // A custom-domain URL stands for an execute-api URL of the API.
    let probe = Evidence {
        api: Some(api.clone()),
        request: Some(req.clone()),
        ..Default::default()
    };
    let (url, via_domain) = match custom_domain_call(&probe) {
        Some(DomainCall::Mapped { url, note }) => (url, Some(note)),
        Some(DomainCall::Unmapped { domain, path }) => {
            return Err(PreviewError::UnmappedDomain {
                domain: domain.domain_name.clone(),
                path,
            });
        }
        None => (req.url.clone(), None),
    };
    let api_type: ApiType = api.protocol().into();
    let mut input = EventInput::from_url(api_type, PayloadFormat::V1, &req.method, &url, ctx.seed);
    let resolution = Router::from_api(api).resolve(&req.method, &input.path);
    let Some(m) = &resolution.matched else {
        return Err(PreviewError::NoRoute {
            api: api.id.clone(),
            method: input.method.clone(),
            path: input.path.clone(),
            why: resolution.summary(),
        });
    };
    let route = api
        .route(&m.route_key)
        .ok_or_else(|| PreviewError::NoAuthorizer(m.route_key.clone()))?;
    let auth = route
        .authorizer_id
        .as_deref()
        .and_then(|id| api.authorizer(id))
        .ok_or_else(|| PreviewError::NoAuthorizer(route.route_key.clone()))?;
    let kind =
        LambdaAuthorizerKind::of(api.protocol(), auth).ok_or_else(|| PreviewError::NotLambda {
            name: auth.name.clone(),
            route: route.route_key.clone(),
            kind: auth.authorizer_type.to_string(),
        })?;
    input.route_key = m.route_key.clone();
    input.path_parameters = m.path_parameters.clone();
    input.stage = resolution
        .stage
        .clone()
        .unwrap_or_else(|| DEFAULT_STAGE.to_string());
    if let Some(stage) = api.stage(&input.stage) {
        input.stage_variables = stage.stage_variables.clone();
    }
    // Loopback, a custom domain or a bare path name no API: it is this one.
    if parse_execute_api_host(&input.domain_name).is_none() || input.api_id == "abcdef1234" {
        input.api_id = api.id.clone();
    }
    // The region of the execute-api host the request stands for.
    let region = input
        .region()
        .or_else(|| ctx.fallback_region.clone())
        .unwrap_or_else(|| "us-east-1".into());
    // `$context.domainName` is the host the client called.
    if via_domain.is_some()
        && let Ok(u) = url::Url::parse(&req.url)
        && let Some(host) = u.host_str()
    {
        input.domain_name = host.to_string();
    }
    input.account_id = ctx.account_id.clone();
    input.source_ip = ctx.source_ip.clone();
    input.headers.extend(req.headers.iter().cloned());
    input.body = req.body.clone();
    let input = input.with_gateway_headers();
    let call = build(kind, &auth.identity_source, &input, &region);
    Ok(AuthorizerPreview {
        route_key: route.route_key.clone(),
        authorizer: auth.clone(),
        kind,
        input,
        region,
        call,
        via_domain,
    })
}

#[cfg(test)]
#[path = "authorizer_tests.rs"]
mod tests;
