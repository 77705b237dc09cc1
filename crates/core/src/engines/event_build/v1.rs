//! Payload format 1.0: REST proxy events and HTTP API events with
//! `PayloadFormatVersion=1.0` (reference §1.3). Empty maps are `null`, as in
//! real events; single-value maps hold the last value of a repeated name.

use serde_json::{Map, Value, json};

use super::input::{AuthorizerData, EventInput};
use super::parts::*;
use crate::domain::ApiType;
use crate::engines::routing::{DEFAULT_STAGE, Pattern};

/// HTTP API 1.0 `path` drops a named stage's prefix like REST does. The
/// reference states it for 1.0 in general; for HTTP APIs it is [UNVERIFIED].
pub(crate) const HTTP_V1_PATH_STRIPS_STAGE: bool = true;

pub fn build(input: &EventInput) -> Value {
    let rest = input.api_type == ApiType::Rest;
    let lowercase = !rest && HTTP_V1_LOWERCASES_HEADERS;
    let headers = group_headers(&input.headers, lowercase);
    let content_type = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
        .and_then(|(_, v)| v.first().map(String::as_str));
    let user_agent = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("user-agent"))
        .and_then(|(_, v)| v.last().cloned());
    let query = group_pairs(parse_query(&input.query));
    let stripped = strip_stage(&input.path, &input.stage, rest || HTTP_V1_PATH_STRIPS_STAGE);
    let resource = Pattern::parse(&input.route_key)
        .path_text()
        .unwrap_or_else(|| stripped.clone());

    let mut ev = Map::new();
    if !rest {
        ev.insert("version".into(), json!("1.0"));
    }
    ev.insert("resource".into(), json!(resource));
    ev.insert("path".into(), json!(stripped));
    ev.insert("httpMethod".into(), json!(input.method));
    ev.insert("headers".into(), map_or_null(last_value_map(&headers)));
    ev.insert("multiValueHeaders".into(), map_or_null(multi_map(&headers)));
    ev.insert(
        "queryStringParameters".into(),
        map_or_null(last_value_map(&query)),
    );
    ev.insert(
        "multiValueQueryStringParameters".into(),
        map_or_null(multi_map(&query)),
    );
    let path_params = map_or_null(Value::Object(
        input
            .path_parameters
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect(),
    ));
    let stage_vars = map_or_null(json!(input.stage_variables));
    if rest {
        ev.insert("pathParameters".into(), path_params.clone());
        ev.insert("stageVariables".into(), stage_vars.clone());
    }

    let mut ctx = Map::new();
    ctx.insert("accountId".into(), json!(input.account_id));
    ctx.insert("apiId".into(), json!(input.api_id));
    if let Some(a) = authorizer(&input.authorizer, rest) {
        ctx.insert("authorizer".into(), a);
    }
    ctx.insert("domainName".into(), json!(input.domain_name));
    ctx.insert(
        "domainPrefix".into(),
        json!(domain_prefix(&input.domain_name)),
    );
    ctx.insert("extendedRequestId".into(), json!(input.extended_request_id));
    ctx.insert("httpMethod".into(), json!(input.method));
    ctx.insert("identity".into(), identity(input, rest, user_agent));
    // `$context.path`: REST shows the stage-prefixed path on the execute-api host.
    let ctx_path = if rest {
        format!("/{}{}", input.stage, stripped)
    } else {
        input.path.clone()
    };
    ctx.insert("path".into(), json!(ctx_path));
    ctx.insert("protocol".into(), json!(input.protocol));
    ctx.insert("requestId".into(), json!(input.request_id));
    ctx.insert("requestTime".into(), json!(clf_time(input.time_epoch_ms)));
    ctx.insert("requestTimeEpoch".into(), json!(input.time_epoch_ms));
    // REST always names the resource (6 characters, e.g. `roq9wj`); HTTP API 1.0 has null.
    let resource_id = input
        .resource_id
        .clone()
        .or_else(|| rest.then(|| synthetic_resource_id(&resource)));
    ctx.insert("resourceId".into(), json!(resource_id));
    ctx.insert("resourcePath".into(), json!(resource));
    ctx.insert("stage".into(), json!(input.stage));
    ev.insert("requestContext".into(), Value::Object(ctx));

    if !rest {
        ev.insert("pathParameters".into(), path_params);
        ev.insert("stageVariables".into(), stage_vars);
    }
    let binary = if rest {
        rest_body_is_binary(content_type, &input.binary_media_types)
    } else {
        http_body_is_binary(content_type)
    };
    let (body, b64) = body_value(&input.body, binary, Value::Null);
    ev.insert("body".into(), body);
    ev.insert("isBase64Encoded".into(), json!(b64));
    Value::Object(ev)
}

/// A stable stand-in for a REST resource id, derived from the resource path.
pub(crate) fn synthetic_resource_id(resource: &str) -> String {
    // FNV-1a: deterministic, so golden outputs stay stable.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in resource.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x100000001b3);
    }
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..6)
        .map(|i| ALPHABET[((h >> (i * 8)) % 36) as usize] as char)
        .collect()
}

/// The path without a leading `/{stage}` segment (not for `$default`).
pub fn strip_stage(path: &str, stage: &str, strip: bool) -> String {
    if !strip || stage == DEFAULT_STAGE || stage.is_empty() {
        return path.to_string();
    }
    let prefix = format!("/{stage}");
    match path.strip_prefix(&prefix) {
        Some("") => "/".to_string(),
        Some(rest) if rest.starts_with('/') => rest.to_string(),
        _ => path.to_string(),
    }
}

fn identity(input: &EventInput, rest: bool, user_agent: Option<String>) -> Value {
    let (access_key, account_id, caller, user_arn, user, org) = match &input.authorizer {
        AuthorizerData::Iam {
            access_key,
            account_id,
            caller_id,
            user_arn,
            user_id,
            principal_org_id,
        } => (
            access_key.clone(),
            account_id.clone(),
            caller_id.clone(),
            user_arn.clone(),
            user_id.clone(),
            principal_org_id.clone(),
        ),
        _ => (None, None, None, None, None, None),
    };
    let mut id = Map::new();
    id.insert("accessKey".into(), json!(access_key));
    id.insert("accountId".into(), json!(account_id));
    if rest {
        id.insert("apiKey".into(), json!(input.api_key));
        id.insert("apiKeyId".into(), json!(input.api_key_id));
    }
    id.insert("caller".into(), json!(caller));
    id.insert("cognitoAuthenticationProvider".into(), Value::Null);
    id.insert("cognitoAuthenticationType".into(), Value::Null);
    id.insert("cognitoIdentityId".into(), Value::Null);
    id.insert("cognitoIdentityPoolId".into(), Value::Null);
    id.insert("principalOrgId".into(), json!(org));
    id.insert("sourceIp".into(), json!(input.source_ip));
    id.insert("user".into(), json!(user));
    id.insert("userAgent".into(), json!(user_agent));
    id.insert("userArn".into(), json!(user_arn));
    Value::Object(id)
}

/// `requestContext.authorizer` in 1.0: REST Lambda authorizers flatten
/// `principalId` + context (nested values are not allowed there, so they are
/// shown as JSON text); JWT/Cognito give `claims` (strings) and `scopes`.
fn authorizer(a: &AuthorizerData, rest: bool) -> Option<Value> {
    match a {
        AuthorizerData::None | AuthorizerData::Iam { .. } => {
            // HTTP API 1.0 always carries the empty pair (AWS's 1.0 example).
            (!rest).then(|| json!({"claims": null, "scopes": null}))
        }
        AuthorizerData::Jwt { claims, scopes } => {
            let scopes = scopes.clone().or_else(|| scopes_from_claims(claims));
            Some(json!({"claims": stringify_claims(claims), "scopes": scopes}))
        }
        AuthorizerData::Cognito { claims } => {
            Some(json!({"claims": stringify_claims(claims), "scopes": scopes_from_claims(claims)}))
        }
        AuthorizerData::Lambda {
            principal_id,
            context,
        } => {
            let mut m = Map::new();
            if let Some(p) = principal_id {
                m.insert("principalId".into(), json!(p));
            }
            for (k, v) in context {
                let v = match v {
                    Value::Object(_) | Value::Array(_) => Value::String(v.to_string()),
                    _ => v.clone(),
                };
                m.insert(k.clone(), v);
            }
            if rest {
                m.insert("integrationLatency".into(), json!(0));
            }
            Some(Value::Object(m))
        }
    }
}
