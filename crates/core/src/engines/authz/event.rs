//! The event API Gateway sends a Lambda authorizer for a request, built
//! exactly as the published shapes (reference §1.6; fixtures
//! `example-apigw-custom-auth-request*.json`,
//! `example-apigw-v2-custom-authorizer-*.json`):
//!
//! * REST `TOKEN`: `type`, `authorizationToken`, `methodArn`;
//! * REST `REQUEST`: `type`, `methodArn` and the 1.0 proxy event's request
//!   fields (no body);
//! * HTTP API payload 1.0: `version`, `type`, `methodArn`, `identitySource`
//!   and `authorizationToken` (the identity values joined by commas), then the
//!   1.0 request fields;
//! * HTTP API payload 2.0: `version`, `type`, `routeArn`, `identitySource`
//!   (an array), then the 2.0 request fields (no body).
//!
//! A missing identity source means no event at all: API Gateway answers 401.

use serde_json::{Map, Value, json};

use super::arn::MethodArn;
use super::identity::{self, Resolved};
use crate::domain::{ApiType, LambdaAuthorizerKind, PayloadFormat};
use crate::engines::event_build::{AuthorizerData, EventInput, build_event, strip_stage};
use crate::engines::routing::Pattern;

/// REST `TOKEN` authorizers read this header when none is configured.
pub const DEFAULT_TOKEN_SOURCE: &str = "method.request.header.Authorization";

/// What API Gateway does for this request before the integration.
#[derive(Debug, Clone, PartialEq)]
// Built once per request and matched at once: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum AuthorizerCall {
    /// The authorizer is invoked with `event`.
    Invoke {
        event: Value,
        method_arn: MethodArn,
        /// `(expression, value)` of each identity source, in order: the cache key.
        identity: Vec<(String, String)>,
        /// Sources gatescope could not resolve (an unmodelled `$context` variable).
        unresolved: Vec<String>,
    },
    /// 401 `{"message":"Unauthorized"}`, authorizer not invoked.
    NotInvoked { missing: String },
}

/// The method ARN of the request in `input`, stage prefix removed.
pub fn method_arn(input: &EventInput, region: &str) -> MethodArn {
    let path = strip_stage(&input.path, &input.stage, true);
    MethodArn::new(
        region,
        &input.account_id,
        &input.api_id,
        &input.stage,
        &input.method,
        &path,
    )
}

/// Build the authorizer's event for the request in `input` (its route key,
/// stage and path parameters already resolved), in `region`.
pub fn build(
    kind: LambdaAuthorizerKind,
    configured_sources: &[String],
    input: &EventInput,
    region: &str,
) -> AuthorizerCall {
    let mut sources = identity::sources(configured_sources);
    if kind == LambdaAuthorizerKind::RestToken && sources.is_empty() {
        sources.push(DEFAULT_TOKEN_SOURCE.to_string());
    }
    let resource_path = Pattern::parse(&input.route_key)
        .path_text()
        .unwrap_or_else(|| strip_stage(&input.path, &input.stage, true));
    let mut identity = Vec::new();
    let mut unresolved = Vec::new();
    for s in &sources {
        match identity::resolve(s, input, &resource_path) {
            Resolved::Value(v) => identity.push((s.clone(), v)),
            Resolved::Missing => return AuthorizerCall::NotInvoked { missing: s.clone() },
            Resolved::Unknown => unresolved.push(s.clone()),
        }
    }
    let arn = method_arn(input, region);
    let values: Vec<&str> = identity.iter().map(|(_, v)| v.as_str()).collect();
    let event = match kind {
        LambdaAuthorizerKind::RestToken => json!({
            "type": "TOKEN",
            "authorizationToken": values.first().copied().unwrap_or(""),
            "methodArn": arn.to_string(),
        }),
        LambdaAuthorizerKind::RestRequest => {
            let proxy = proxy_event(input, ApiType::Rest, PayloadFormat::V1);
            let mut ev = Map::new();
            ev.insert("type".into(), json!("REQUEST"));
            ev.insert("methodArn".into(), json!(arn.to_string()));
            copy(&proxy, &mut ev, REST_REQUEST_KEYS);
            Value::Object(ev)
        }
        LambdaAuthorizerKind::HttpV1 => {
            let proxy = proxy_event(input, ApiType::Http, PayloadFormat::V1);
            let joined = values.join(",");
            let mut ev = Map::new();
            ev.insert("version".into(), json!("1.0"));
            ev.insert("type".into(), json!("REQUEST"));
            ev.insert("methodArn".into(), json!(arn.to_string()));
            ev.insert("identitySource".into(), json!(joined));
            ev.insert("authorizationToken".into(), json!(joined));
            copy(&proxy, &mut ev, HTTP_V1_KEYS);
            Value::Object(ev)
        }
        LambdaAuthorizerKind::HttpV2 => {
            let proxy = proxy_event(input, ApiType::Http, PayloadFormat::V2);
            let mut ev = Map::new();
            ev.insert("version".into(), json!("2.0"));
            ev.insert("type".into(), json!("REQUEST"));
            ev.insert("routeArn".into(), json!(arn.to_string()));
            // No identity sources: no key at all (fixture
            // `...-v2-request-without-identity-source.json`).
            if !sources.is_empty() {
                ev.insert("identitySource".into(), json!(values));
            }
            copy(&proxy, &mut ev, HTTP_V2_KEYS);
            Value::Object(ev)
        }
    };
    AuthorizerCall::Invoke {
        event,
        method_arn: arn,
        identity,
        unresolved,
    }
}

const REST_REQUEST_KEYS: &[&str] = &[
    "resource",
    "path",
    "httpMethod",
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
];

const HTTP_V1_KEYS: &[&str] = &[
    "resource",
    "path",
    "httpMethod",
    "headers",
    "queryStringParameters",
    "pathParameters",
    "stageVariables",
    "requestContext",
];

const HTTP_V2_KEYS: &[&str] = &[
    "routeKey",
    "rawPath",
    "rawQueryString",
    "cookies",
    "headers",
    "queryStringParameters",
    "requestContext",
    "pathParameters",
    "stageVariables",
];

/// The proxy event of the request before authorization (no `authorizer`
/// block: the authorizer has not answered yet).
fn proxy_event(input: &EventInput, api_type: ApiType, payload: PayloadFormat) -> Value {
    let mut i = input.clone();
    i.api_type = api_type;
    i.payload = payload;
    i.authorizer = AuthorizerData::None;
    build_event(&i)
}

fn copy(from: &Value, to: &mut Map<String, Value>, keys: &[&str]) {
    for k in keys {
        if let Some(v) = from.get(*k) {
            let mut v = v.clone();
            if *k == "requestContext"
                && let Some(ctx) = v.as_object_mut()
            {
                ctx.remove("authorizer");
            }
            // AWS's authorizer examples show `"pathParameters": {}` where a
            // proxy event has `null` (fixtures `...-custom-auth-request-type-request.json`,
            // `...-v2-custom-authorizer-v1-request.json`).
            if *k == "pathParameters" && v.is_null() {
                v = Value::Object(Map::new());
            }
            to.insert((*k).to_string(), v);
        }
    }
}
