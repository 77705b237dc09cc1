//! Lambda authorizer events and answers against the shapes AWS publishes
//! (`../shared/fixtures/aws-lambda-events/`, read in place): for each
//! fixture, build the event for the same kind of request and check that the
//! top-level keys are the same, in the same order, and that every key of the
//! fixture's nested objects exists in ours with the same JSON type. Answers
//! are parsed and evaluated against the ARN their policy names.

mod support;

use std::collections::BTreeMap;

use gatescope::domain::{ApiType, LambdaAuthorizerKind, PayloadFormat};
use gatescope::engines::authz::answer::{self, AuthorizerAnswer, Outcome};
use gatescope::engines::authz::arn::MethodArn;
use gatescope::engines::authz::condition::CallFacts;
use gatescope::engines::authz::event::{AuthorizerCall, build};
use gatescope::engines::event_build::{EventInput, Seed};
use serde_json::Value;

fn load(name: &str) -> Value {
    let p = support::shared_fixture(&format!("aws-lambda-events/{name}"));
    let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Data maps (their keys are the request's, not the schema's) and the mTLS
/// blocks gatescope does not model (it sends no client certificate).
fn skipped(path: &str) -> bool {
    const DATA: &[&str] = &[
        ".headers",
        ".multiValueHeaders",
        ".queryStringParameters",
        ".multiValueQueryStringParameters",
        ".pathParameters",
        ".stageVariables",
    ];
    DATA.iter().any(|d| path.starts_with(&format!("{d}.")))
        || path.contains(".clientCert")
        || path.starts_with(".requestContext.authentication")
}

fn shape(v: &Value) -> BTreeMap<String, &'static str> {
    fn walk(v: &Value, path: String, out: &mut BTreeMap<String, &'static str>) {
        if skipped(&path) {
            return;
        }
        let t = match v {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        out.insert(path.clone(), t);
        match v {
            Value::Object(m) => m
                .iter()
                .for_each(|(k, x)| walk(x, format!("{path}.{k}"), out)),
            Value::Array(a) => a
                .iter()
                .take(1)
                .for_each(|x| walk(x, format!("{path}[]"), out)),
            _ => {}
        }
    }
    let mut out = BTreeMap::new();
    walk(v, String::new(), &mut out);
    out
}

fn top_keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

/// Every fixture path must be in ours with the same type; `known_gaps` are
/// fixture paths whose absence is explained at the call site.
fn assert_covers(fixture: &Value, ours: &Value, known_gaps: &[&str]) {
    let theirs = shape(fixture);
    let mine = shape(ours);
    let mut missing = Vec::new();
    for (path, t) in &theirs {
        if known_gaps.iter().any(|g| path.starts_with(g)) {
            continue;
        }
        match mine.get(path) {
            Some(m) if m == t => {}
            // The published examples put "..." or "IP" where real events
            // have values; a null in ours would be a real difference.
            other => missing.push(format!("{path}: fixture {t}, ours {other:?}")),
        }
    }
    assert!(missing.is_empty(), "{}\nours: {ours:#}", missing.join("\n"));
}

fn input(
    api_type: ApiType,
    payload: PayloadFormat,
    url: &str,
    stage: &str,
    route: &str,
) -> EventInput {
    let mut i = EventInput::from_url(
        api_type,
        payload,
        "GET",
        url,
        Seed {
            now_ms: 1_583_348_638_390,
            random: [3; 48],
        },
    );
    i.stage = stage.into();
    i.route_key = route.into();
    i.account_id = "123456789012".into();
    i
}

fn invoke(call: AuthorizerCall) -> Value {
    match call {
        AuthorizerCall::Invoke { event, .. } => event,
        other => panic!("not invoked: {other:?}"),
    }
}

#[test]
fn rest_token_event_matches_the_fixture_exactly() {
    let fixture = load("example-apigw-custom-auth-request.json");
    let mut i = input(
        ApiType::Rest,
        PayloadFormat::V1,
        "https://ymy8tbxw7b.execute-api.us-west-2.amazonaws.com/*/",
        "*",
        "GET /",
    );
    i.headers = vec![("Authorization".into(), "allow".into())];
    let ours = invoke(build(LambdaAuthorizerKind::RestToken, &[], &i, "us-west-2"));
    assert_eq!(ours, fixture);
}

#[test]
fn rest_request_event_has_the_fixture_shape() {
    let fixture = load("example-apigw-custom-auth-request-type-request.json");
    let mut i = input(
        ApiType::Rest,
        PayloadFormat::V1,
        "https://s4x3opwd6i.execute-api.us-east-1.amazonaws.com/test/request?QueryString1=queryValue1",
        "test",
        "GET /request",
    );
    i.headers = vec![("HeaderAuth1".into(), "headerValue1".into())];
    i.stage_variables
        .insert("StageVar1".into(), "stageValue1".into());
    i.resource_id = Some("05c7jb".into());
    i.api_key = Some("k".into());
    let ours = invoke(build(
        LambdaAuthorizerKind::RestRequest,
        &["method.request.header.HeaderAuth1".into()],
        &i,
        "us-east-1",
    ));
    assert_eq!(top_keys(&ours), top_keys(&fixture));
    assert_eq!(ours["methodArn"], fixture["methodArn"]);
    assert_covers(&fixture, &ours, &[]);
}

#[test]
fn http_v1_event_has_the_fixture_shape() {
    let fixture = load("example-apigw-v2-custom-authorizer-v1-request.json");
    let mut i = input(
        ApiType::Http,
        PayloadFormat::V1,
        "https://abcdef123.execute-api.us-east-1.amazonaws.com/test/request?QueryString1=queryValue1",
        "test",
        "$default",
    );
    i.headers = vec![
        ("HeaderAuth1".into(), "user1".into()),
        ("X-Id".into(), "123".into()),
    ];
    i.stage_variables
        .insert("StageVar1".into(), "stageValue1".into());
    let ours = invoke(build(
        LambdaAuthorizerKind::HttpV1,
        &[
            "$request.header.HeaderAuth1".into(),
            "$request.header.X-Id".into(),
        ],
        &i,
        "us-east-1",
    ));
    assert_eq!(top_keys(&ours), top_keys(&fixture));
    assert_eq!(ours["methodArn"], fixture["methodArn"]);
    assert_eq!(ours["identitySource"], fixture["identitySource"]);
    assert_eq!(ours["authorizationToken"], fixture["authorizationToken"]);
    // The published 1.0 example mixes REST keys (`resourceId`,
    // `resourcePath`) and 2.0 keys (`http`, `routeKey`, `timeEpoch`) in
    // one requestContext; ours is the HTTP API 1.0 proxy context. Compared:
    // everything outside requestContext, plus the keys both share.
    assert_covers(
        &fixture,
        &ours,
        &[
            ".requestContext.http",
            ".requestContext.resourceId",
            ".requestContext.routeKey",
            ".requestContext.timeEpoch",
            ".requestContext.time",
            ".requestContext.identity.apiKey",
        ],
    );
}

#[test]
fn http_v2_events_have_the_fixture_shapes() {
    let fixture = load("example-apigw-v2-custom-authorizer-v2-request.json");
    let mut i = input(
        ApiType::Http,
        PayloadFormat::V2,
        "https://abcdef123.execute-api.us-east-1.amazonaws.com/test/request?parameter1=value1&parameter1=value2&parameter2=value",
        "test",
        "$default",
    );
    i.headers = vec![
        ("Header1".into(), "user1".into()),
        ("Header2".into(), "123".into()),
        ("Cookie".into(), "cookie1; cookie2".into()),
    ];
    i.path_parameters = vec![("parameter1".into(), "value1".into())];
    i.stage_variables
        .insert("stageVariable1".into(), "value1".into());
    let srcs = [
        "$request.header.Header1".to_string(),
        "$request.header.Header2".to_string(),
    ];
    let ours = invoke(build(LambdaAuthorizerKind::HttpV2, &srcs, &i, "us-east-1"));
    assert_eq!(top_keys(&ours), top_keys(&fixture));
    assert_eq!(ours["routeArn"], fixture["routeArn"]);
    assert_eq!(ours["identitySource"], fixture["identitySource"]);
    assert_covers(&fixture, &ours, &[]);

    let without =
        load("example-apigw-v2-custom-authorizer-v2-request-without-identity-source.json");
    i.headers.retain(|(k, _)| k != "Cookie");
    let no_cookies = invoke(build(LambdaAuthorizerKind::HttpV2, &srcs, &i, "us-east-1"));
    assert_eq!(
        top_keys(&no_cookies),
        top_keys(&load(
            "example-apigw-v2-custom-authorizer-v2-request-without-cookies.json"
        ))
    );
    let mut with_cookies = i.clone();
    with_cookies
        .headers
        .push(("Cookie".into(), "cookie1".into()));
    let no_sources = invoke(build(
        LambdaAuthorizerKind::HttpV2,
        &[],
        &with_cookies,
        "us-east-1",
    ));
    assert_eq!(top_keys(&no_sources), top_keys(&without));
}

#[test]
fn published_answers_parse_and_evaluate_against_the_arn_they_name() {
    let cases: &[(&str, Outcome)] = &[
        (
            "example-apigw-custom-auth-response.json",
            Outcome::Deny { explicit: true },
        ),
        (
            "example-apigw-custom-auth-response-with-single-value-action.json",
            Outcome::Allow,
        ),
        (
            "example-apigw-custom-auth-response-with-single-value-resource.json",
            Outcome::Allow,
        ),
    ];
    for (name, want) in cases {
        let answer = load(name);
        let resource = answer["policyDocument"]["Statement"][0]["Resource"].clone();
        let resource = resource
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| resource[0].as_str().unwrap().to_string());
        let arn = MethodArn::parse(&resource).unwrap();
        let v = answer::evaluate(
            LambdaAuthorizerKind::RestToken,
            false,
            &answer,
            &arn,
            &CallFacts::default(),
        );
        assert_eq!(&v.outcome, want, "{name}");
        assert_eq!(v.principal_id.as_deref(), Some("yyyyyyyy"), "{name}");
        assert_eq!(v.context.len(), 3, "{name}");
        assert!(v.dropped_context.is_empty(), "{name}");
        match answer::parse(LambdaAuthorizerKind::RestToken, false, &answer).unwrap() {
            AuthorizerAnswer::Policy {
                usage_identifier_key,
                ..
            } => assert_eq!(usage_identifier_key.as_deref(), Some("{api-key}")),
            other => panic!("{other:?}"),
        }
    }
    // StringEquals on aws:SourceIp is not an operator IAM offers for IP
    // keys: gatescope says it cannot evaluate it instead of guessing.
    let answer = load("example-apigw-custom-auth-response-with-condition.json");
    let arn = MethodArn::parse(
        answer["policyDocument"]["Statement"][0]["Resource"][0]
            .as_str()
            .unwrap(),
    )
    .unwrap();
    let v = answer::evaluate(
        LambdaAuthorizerKind::RestToken,
        false,
        &answer,
        &arn,
        &CallFacts::default(),
    );
    assert!(
        matches!(v.outcome, Outcome::CannotEvaluate(ref why) if why.contains("StringEquals")),
        "{v:?}"
    );
}
