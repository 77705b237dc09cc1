//! The event builder against the events other projects published
//! (`../shared/fixtures/`): for each fixture, build the same kind of request
//! with gatescope and check that every key the fixture has exists in ours
//! with the same nesting and JSON type (reference §1.2, §1.3). For the real
//! captures the check runs both ways. Every fixture also goes through the
//! decoder, which must classify it without error (or say what else it is).

mod support;

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine;
use gatescope::domain::{ApiType, EventKind, PayloadFormat};
use gatescope::engines::event_build::{AuthorizerData, EventInput, build_event};
use gatescope::engines::event_decode::{DecodeError, decode};
use serde_json::Value;

fn load(rel: &str) -> Value {
    let p = support::shared_fixture(rel);
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Maps whose keys are data, not schema: their keys collapse to `*`.
fn free_map(path: &str, rest: bool) -> bool {
    const FREE: &[&str] = &[
        ".headers",
        ".multiValueHeaders",
        ".queryStringParameters",
        ".multiValueQueryStringParameters",
        ".pathParameters",
        ".stageVariables",
        ".requestContext.authorizer.jwt.claims",
        ".requestContext.authorizer.claims",
        ".requestContext.authorizer.lambda",
    ];
    FREE.contains(&path) || (rest && path == ".requestContext.authorizer")
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn is_placeholder(v: &Value) -> bool {
    v.as_str().is_some_and(|s| s.contains("{{{"))
}

/// Flatten to `path → JSON type`.
fn shape(v: &Value, rest: bool) -> BTreeMap<String, &'static str> {
    fn walk(v: &Value, path: String, rest: bool, out: &mut BTreeMap<String, &'static str>) {
        if is_placeholder(v) && free_map(&path, rest) {
            return; // a SAM template placeholder standing in for a whole map
        }
        out.insert(path.clone(), type_name(v));
        match v {
            Value::Object(m) => {
                let free = free_map(&path, rest);
                for (k, x) in m {
                    let key = if free { "*" } else { k.as_str() };
                    walk(x, format!("{path}.{key}"), rest, out);
                }
            }
            Value::Array(a) => {
                if let Some(first) = a.first() {
                    walk(first, format!("{path}[]"), rest, out);
                }
            }
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(v, String::new(), rest, &mut out);
    out
}

fn str_map(v: &Value) -> Vec<(String, String)> {
    v.as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, x)| x.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

fn get<'a>(v: &'a Value, path: &[&str]) -> &'a Value {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k).unwrap_or(&Value::Null);
    }
    cur
}

/// The same kind of request as the fixture, built by gatescope.
fn rebuild(fx: &Value, api_type: ApiType, payload: PayloadFormat) -> Value {
    let v2 = payload == PayloadFormat::V2 && api_type == ApiType::Http;
    let method = if v2 {
        get(fx, &["requestContext", "http", "method"])
    } else {
        get(fx, &["httpMethod"])
    };
    let path = if v2 {
        get(fx, &["rawPath"])
    } else {
        get(fx, &["path"])
    };
    let mut input = EventInput::from_url(
        api_type,
        payload,
        method.as_str().unwrap_or("GET"),
        path.as_str().unwrap_or("/"),
        gatescope::app::seed(),
    );
    input.stage = get(fx, &["requestContext", "stage"])
        .as_str()
        .unwrap_or("$default")
        .to_string();
    if !v2 && api_type == ApiType::Rest {
        // The REST fixtures' `path` has no stage; ours is the requested path.
        input.path = format!("/{}{}", input.stage, input.path);
    }
    input.query = if v2 {
        get(fx, &["rawQueryString"])
            .as_str()
            .unwrap_or("")
            .to_string()
    } else {
        // Older captures have only the single-value map.
        let mv = get(fx, &["multiValueQueryStringParameters"]);
        let single: Value = str_map(get(fx, &["queryStringParameters"]))
            .into_iter()
            .map(|(k, v)| (k, Value::Array(vec![Value::String(v)])))
            .collect::<serde_json::Map<_, _>>()
            .into();
        if mv.is_object() { mv } else { &single }
            .as_object()
            .map(|m| {
                m.iter()
                    .flat_map(|(k, vs)| {
                        vs.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|x| x.as_str())
                            .map(move |x| format!("{k}={x}"))
                    })
                    .collect::<Vec<_>>()
                    .join("&")
            })
            .unwrap_or_default()
    };
    input.headers = str_map(get(fx, &["headers"]));
    if let Some(c) = get(fx, &["cookies"]).as_array() {
        let joined: Vec<&str> = c.iter().filter_map(Value::as_str).collect();
        input.headers.push(("cookie".into(), joined.join("; ")));
    }
    input.route_key = match (v2, get(fx, &["routeKey"]).as_str()) {
        (true, Some(r)) => r.to_string(),
        _ => format!(
            "{} {}",
            input.method,
            get(fx, &["resource"]).as_str().unwrap_or("/")
        ),
    };
    input.path_parameters = str_map(get(fx, &["pathParameters"]));
    input.stage_variables = str_map(get(fx, &["stageVariables"])).into_iter().collect();
    if let Some(b) = get(fx, &["body"]).as_str() {
        input.body = if get(fx, &["isBase64Encoded"]) == true {
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .unwrap_or_else(|_| b.as_bytes().to_vec())
        } else {
            b.as_bytes().to_vec()
        };
    }
    let auth = get(fx, &["requestContext", "authorizer"]);
    input.authorizer = if let Some(claims) = auth
        .get("jwt")
        .and_then(|j| j.get("claims"))
        .and_then(Value::as_object)
    {
        AuthorizerData::Jwt {
            claims: claims.clone(),
            scopes: get(auth, &["jwt", "scopes"]).as_array().map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            }),
        }
    } else if let Some(ctx) = auth.get("lambda").and_then(Value::as_object) {
        AuthorizerData::Lambda {
            principal_id: None,
            context: ctx.clone(),
        }
    } else if let Some(iam) = auth.get("iam") {
        let s = |k: &str| iam.get(k).and_then(Value::as_str).map(str::to_string);
        AuthorizerData::Iam {
            access_key: s("accessKey"),
            account_id: s("accountId"),
            caller_id: s("callerId"),
            user_arn: s("userArn"),
            user_id: s("userId"),
            principal_org_id: s("principalOrgId"),
        }
    } else if let Some(claims) = auth.get("claims").and_then(Value::as_object) {
        AuthorizerData::Cognito {
            claims: claims.clone(),
        }
    } else if let Some(m) = auth.as_object().filter(|m| !m.is_empty()) {
        let mut ctx = m.clone();
        let principal = ctx
            .remove("principalId")
            .and_then(|p| p.as_str().map(str::to_string));
        ctx.remove("integrationLatency");
        AuthorizerData::Lambda {
            principal_id: principal,
            context: ctx,
        }
    } else {
        AuthorizerData::None
    };
    build_event(&input)
}

/// Paths gatescope does not emulate, with the reason.
const NOT_EMULATED: &[(&str, &str)] = &[
    (
        ".requestContext.authentication",
        "mutual TLS client certificates (custom domains only)",
    ),
    (
        ".requestContext.identity.clientCert",
        "mutual TLS client certificates",
    ),
    (
        ".requestContext.operationName",
        "set only when the REST method has an operationName",
    ),
    (
        ".requestContext.authorizer.iam.cognitoIdentity.",
        "Cognito identity pools behind IAM auth",
    ),
    (
        ".requestContext.identity.principalOrgId",
        "absent from older REST captures",
    ),
];

fn not_emulated(path: &str) -> bool {
    // `otherField` is a made-up key of the catch-all fixture (at any depth).
    path.contains(".otherField") || NOT_EMULATED.iter().any(|(p, _)| path.starts_with(p))
}

/// Every key of `fixture` exists in `ours` with the same type (`null` in a
/// 1.0 fixture stands for an empty map and matches our map only if ours is null too).
fn assert_contains(name: &str, fixture: &Value, ours: &Value, rest: bool) {
    let (want, got) = (shape(fixture, rest), shape(ours, rest));
    let mut problems = Vec::new();
    for (path, ty) in &want {
        if not_emulated(path) {
            continue;
        }
        match got.get(path) {
            None => problems.push(format!("missing {path} ({ty})")),
            Some(t) if t != ty && !type_exception(path, ty, t) => {
                problems.push(format!("{path}: fixture {ty}, ours {t}"))
            }
            _ => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{name}:\n  {}\n ours: {ours:#}",
        problems.join("\n  ")
    );
}

/// Type differences that are the fixture's choice of example data, not shape:
/// - `requestContext.identity.*` are strings or null depending on the caller;
/// - `cognitoIdentity` is an object only when identity pools are used (null otherwise);
/// - `isBase64Encoded` follows the body's content type, both sides are bool;
/// - REST Lambda-authorizer context values keep their JSON scalar type.
fn type_exception(path: &str, want: &str, got: &str) -> bool {
    // identity fields are strings only for IAM / Cognito / API-key callers.
    (path.starts_with(".requestContext.identity.") && want == "string" && got == "null")
        || (path.ends_with(".cognitoIdentity") && want == "object" && got == "null")
        || (path.starts_with(".requestContext.authorizer.*") && want != "object" && got != "object")
}

/// `ours` has no key the fixture lacks (used for real captures).
fn assert_no_extra(name: &str, fixture: &Value, ours: &Value, rest: bool, allowed: &[&str]) {
    let (want, got) = (shape(fixture, rest), shape(ours, rest));
    let extra: BTreeSet<&String> = got
        .keys()
        .filter(|k| !want.contains_key(*k) && !allowed.iter().any(|a| k.starts_with(a)))
        .collect();
    assert!(
        extra.is_empty(),
        "{name}: keys the capture lacks: {extra:?}"
    );
}

const V2_FIXTURES: &[&str] = &[
    "aws-lambda-events/example-apigw-v2-request-no-authorizer.json",
    "aws-lambda-events/example-apigw-v2-request-jwt-authorizer.json",
    "aws-lambda-events/example-apigw-v2-request-lambda-authorizer.json",
    "aws-lambda-events/example-apigw-v2-request-iam.json",
    "aws-lambda-events/example-apigw-v2-request-multi-value-parameters.json",
    "aws-lambda-events/example-apigw-sam-http-request.json",
    "sam-cli-sample-events/HttpApi.json",
];

const REST_FIXTURES: &[&str] = &[
    "aws-lambda-events/example-apigw-request.json",
    "aws-lambda-events/example-apigw-request-multi-value-parameters.json",
    "aws-lambda-events/example-apigw-request-catch-all.json",
    "aws-lambda-events/example-apigw-console-request.json",
    "aws-lambda-events/example-apigw-console-test-request.json",
    "aws-lambda-events/example-apigw-restapi-openapi-request.json",
    "aws-lambda-events/example-apigw-sam-rest-request.json",
    "sam-cli-sample-events/AwsProxy.json",
];

#[test]
fn v2_events_have_the_published_shape() {
    for name in V2_FIXTURES {
        let mut fx = load(name);
        if name.contains("sam-http") {
            // SAM local emits empty keys that HTTP APIs omit (§1.7).
            fx.as_object_mut().unwrap().retain(|_, v| {
                !(v.is_null()
                    || v.as_str() == Some("")
                    || v.as_array().is_some_and(|a| a.is_empty())
                    || v.as_object().is_some_and(|o| o.is_empty()))
            });
        }
        let ours = rebuild(&fx, ApiType::Http, PayloadFormat::V2);
        assert_contains(name, &fx, &ours, false);
    }
}

#[test]
fn rest_events_have_the_published_shape() {
    for name in REST_FIXTURES {
        let mut fx = load(name);
        // SAM local stamps `version: "1.0"` on REST events and leaves
        // `extendedRequestId` null (§1.7 deviations).
        if name.contains("sam-rest") {
            fx.as_object_mut().unwrap().remove("version");
            fx["requestContext"]
                .as_object_mut()
                .unwrap()
                .remove("extendedRequestId");
        }
        let ours = rebuild(&fx, ApiType::Rest, PayloadFormat::V1);
        assert_contains(name, &fx, &ours, true);
    }
}

#[test]
fn real_captures_have_no_extra_keys() {
    let name = "aws-lambda-events/example-apigw-v2-request-no-authorizer.json";
    let fx = load(name);
    assert_no_extra(
        name,
        &fx,
        &rebuild(&fx, ApiType::Http, PayloadFormat::V2),
        false,
        &[],
    );
    // The console test invocation: ours adds the API-key identity fields and
    // `principalOrgId`, which REST adds in newer events.
    let name = "aws-lambda-events/example-apigw-console-test-request.json";
    let fx = load(name);
    let ours = rebuild(&fx, ApiType::Rest, PayloadFormat::V1);
    assert_no_extra(
        name,
        &fx,
        &ours,
        true,
        &[
            ".requestContext.identity.apiKey",
            ".requestContext.identity.principalOrgId",
            ".requestContext.domainName",
            ".requestContext.domainPrefix",
        ],
    );
}

#[test]
fn http_v1_events_match_the_rest_shape_plus_version() {
    // No published HTTP API 1.0 proxy event exists in the fixtures; AWS's
    // 1.0 example has the REST shape plus `version`, so compare with REST.
    let fx = load("aws-lambda-events/example-apigw-request.json");
    let ours = rebuild(&fx, ApiType::Http, PayloadFormat::V1);
    assert_eq!(ours["version"], "1.0");
    let mut fx = fx;
    fx["requestContext"]
        .as_object_mut()
        .unwrap()
        .remove("authorizer");
    // API keys are REST-only identity fields; HTTP API 1.0 has no resource id.
    let id = fx["requestContext"]["identity"].as_object_mut().unwrap();
    id.remove("apiKey");
    id.remove("apiKeyId");
    fx["requestContext"]["resourceId"] = Value::Null;
    let ours_no_auth = {
        let mut o = ours.clone();
        o["requestContext"]
            .as_object_mut()
            .unwrap()
            .remove("authorizer");
        o
    };
    assert_contains("HTTP 1.0 vs REST", &fx, &ours_no_auth, true);
}

/// Every fixture file, decoded: proxy requests decode, everything else is
/// named for what it is; nothing panics.
#[test]
fn every_fixture_decodes_or_is_named() {
    let mut seen = 0;
    for dir in ["aws-lambda-events", "sam-cli-sample-events"] {
        let mut files: Vec<_> = std::fs::read_dir(support::shared_fixture(dir))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        for p in files {
            seen += 1;
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let v: Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            let result = decode(v);
            let expect_not_event = name.contains("alb-")
                || name.contains("websocket")
                || name.contains("response")
                || name == "example-apigw-custom-auth-request.json"
                || name == "ApiGatewayAuthorizer.json";
            match result {
                Ok(d) => {
                    assert!(!expect_not_event, "{name} decoded as {:?}", d.kind);
                    let want = if name.contains("-v2-")
                        || name.contains("sam-http")
                        || name == "HttpApi.json"
                    {
                        if name.contains("authorizer-v1") {
                            EventKind::HttpV1
                        } else {
                            EventKind::HttpV2
                        }
                    } else if name.contains("sam-rest") {
                        EventKind::HttpV1 // SAM's `version: "1.0"` (§1.7)
                    } else {
                        EventKind::Rest
                    };
                    assert_eq!(d.kind, want, "{name}");
                    assert!(d.method.is_some(), "{name}: no method");
                    assert!(d.path.is_some(), "{name}: no path");
                }
                Err(DecodeError::NotAnEvent(why)) => {
                    assert!(expect_not_event, "{name}: {why}");
                }
                Err(e) => panic!("{name}: {e}"),
            }
        }
    }
    assert!(seen >= 34, "only {seen} fixtures found");
}

#[test]
fn decoded_fixture_facts() {
    let d = decode(load(
        "aws-lambda-events/example-apigw-v2-request-jwt-authorizer.json",
    ))
    .unwrap();
    assert_eq!(d.claims.unwrap()["claim1"], "value1");
    assert_eq!(d.scopes, ["scope1", "scope2"]);
    assert_eq!(d.body_text.as_deref(), Some("{\r\n\t\"a\": 1\r\n}"));
    let d = decode(load(
        "aws-lambda-events/example-apigw-console-test-request.json",
    ))
    .unwrap();
    assert_eq!(d.stage.as_deref(), Some("test-invoke-stage"));
    assert_eq!(d.source_ip.as_deref(), Some("test-invoke-source-ip"));
    let d = decode(load("aws-lambda-events/example-apigw-request.json")).unwrap();
    assert_eq!(d.route_key.as_deref(), Some("POST /{proxy+}"));
    assert_eq!(
        d.request_id.as_deref(),
        Some("deef4878-7910-11e6-8f14-25afc3e9ae33")
    );
}
