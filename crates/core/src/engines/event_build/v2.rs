//! Payload format 2.0 (HTTP API), keys in the order of AWS's example
//! (reference §1.2).

use serde_json::{Map, Value, json};

use super::input::{AuthorizerData, EventInput};
use super::parts::*;

pub fn build(input: &EventInput) -> Value {
    let mut cookies: Vec<String> = Vec::new();
    let mut plain: Vec<(String, String)> = Vec::new();
    for (k, v) in &input.headers {
        if k.eq_ignore_ascii_case("cookie") {
            cookies.extend(
                v.split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(str::to_string),
            );
            if !V2_KEEPS_COOKIE_HEADER {
                continue;
            }
        }
        plain.push((k.clone(), v.clone()));
    }
    let headers = group_headers(&plain, true);
    let content_type = headers
        .iter()
        .find(|(k, _)| k == "content-type")
        .and_then(|(_, v)| v.first().map(String::as_str));
    let user_agent = headers
        .iter()
        .find(|(k, _)| k == "user-agent")
        .map(|(_, v)| v.join(","))
        .unwrap_or_default();

    let mut ev = Map::new();
    ev.insert("version".into(), json!("2.0"));
    ev.insert("routeKey".into(), json!(input.route_key));
    ev.insert("rawPath".into(), json!(input.path));
    ev.insert("rawQueryString".into(), json!(input.query));
    if !cookies.is_empty() {
        ev.insert("cookies".into(), json!(cookies));
    }
    ev.insert("headers".into(), joined_map(&headers));
    let query = group_pairs(parse_query(&input.query));
    if !query.is_empty() {
        ev.insert("queryStringParameters".into(), joined_map(&query));
    }

    let mut ctx = Map::new();
    ctx.insert("accountId".into(), json!(input.account_id));
    ctx.insert("apiId".into(), json!(input.api_id));
    if let Some(a) = authorizer(&input.authorizer) {
        ctx.insert("authorizer".into(), a);
    }
    ctx.insert("domainName".into(), json!(input.domain_name));
    ctx.insert(
        "domainPrefix".into(),
        json!(domain_prefix(&input.domain_name)),
    );
    ctx.insert(
        "http".into(),
        json!({
            "method": input.method,
            "path": input.path,
            "protocol": input.protocol,
            "sourceIp": input.source_ip,
            "userAgent": user_agent,
        }),
    );
    ctx.insert("requestId".into(), json!(input.request_id));
    ctx.insert("routeKey".into(), json!(input.route_key));
    ctx.insert("stage".into(), json!(input.stage));
    ctx.insert("time".into(), json!(clf_time(input.time_epoch_ms)));
    ctx.insert("timeEpoch".into(), json!(input.time_epoch_ms));
    ev.insert("requestContext".into(), Value::Object(ctx));

    let (body, b64) = body_value(&input.body, http_body_is_binary(content_type), Value::Null);
    if !body.is_null() {
        ev.insert("body".into(), body);
    }
    if !input.path_parameters.is_empty() {
        ev.insert(
            "pathParameters".into(),
            Value::Object(
                input
                    .path_parameters
                    .iter()
                    .map(|(k, v)| (k.clone(), json!(v)))
                    .collect(),
            ),
        );
    }
    ev.insert("isBase64Encoded".into(), json!(b64));
    if !input.stage_variables.is_empty() {
        ev.insert("stageVariables".into(), json!(input.stage_variables));
    }
    Value::Object(ev)
}

fn authorizer(a: &AuthorizerData) -> Option<Value> {
    Some(match a {
        AuthorizerData::None => return None,
        AuthorizerData::Jwt { claims, scopes } => {
            let scopes = scopes.clone().or_else(|| scopes_from_claims(claims));
            json!({"jwt": {"claims": stringify_claims(claims), "scopes": scopes}})
        }
        // HTTP APIs have no Cognito authorizer type; a Cognito pool behind a
        // JWT authorizer looks exactly like a JWT.
        AuthorizerData::Cognito { claims } => {
            json!({"jwt": {"claims": stringify_claims(claims), "scopes": scopes_from_claims(claims)}})
        }
        AuthorizerData::Lambda { context, .. } => json!({ "lambda": context }),
        AuthorizerData::Iam {
            access_key,
            account_id,
            caller_id,
            user_arn,
            user_id,
            principal_org_id,
        } => json!({"iam": {
            "accessKey": access_key,
            "accountId": account_id,
            "callerId": caller_id,
            "cognitoIdentity": null,
            "principalOrgId": principal_org_id,
            "userArn": user_arn,
            "userId": user_id,
        }}),
    })
}
