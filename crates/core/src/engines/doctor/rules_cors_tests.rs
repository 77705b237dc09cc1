//! The exchange as the user made it: an HTTP API whose CorsConfiguration
//! replaced the CORS headers the function returned (issue 12, case 3).

use super::super::diagnose;
use super::super::test_support::*;
use crate::domain::{Cors, LambdaLineKind, Severity};

const DASH: &str = "https://dashboard.example.org";

fn api_with_cors() -> crate::domain::Api {
    let mut api = http_api();
    api.cors = Some(Cors {
        allow_origins: vec!["https://app.example.com".into()],
        allow_methods: vec!["GET".into(), "POST".into()],
        allow_headers: vec!["authorization".into()],
        max_age: Some(300),
        ..Default::default()
    });
    api
}

fn widgets_exchange() -> super::Evidence {
    ev(
        Some(api_with_cors()),
        Some("GET /items"),
        Some(req("GET", "/items", &[("Origin", DASH)])),
        resp(200, &[("content-type", "application/json")], "{}"),
    )
}

fn logged_response(request_id: &str) -> crate::domain::LambdaLine {
    let mut l = lambda(
        LambdaLineKind::Log {
            level: Some("INFO".into()),
        },
        &format!(
            r#"Response: {{"statusCode":200,"headers":{{"content-type":"application/json","access-control-allow-origin":"{DASH}","access-control-allow-methods":"GET"}},"body":"{{}}"}}"#
        ),
    );
    l.request_id = Some(request_id.into());
    l
}

#[test]
fn without_the_function_output_the_configuration_is_named() {
    let found = diagnose(&widgets_exchange());
    let f = &found[0];
    assert_eq!(f.code, "CORS_ORIGIN_NOT_ALLOWED");
    assert!(f.title.contains(DASH), "{}", f.title);
    assert!(
        f.evidence
            .iter()
            .any(|e| e == &format!("Origin: {DASH} (the request's Origin header)")),
        "{:?}",
        f.evidence
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e == "CorsConfiguration.AllowOrigins: https://app.example.com"),
        "{:?}",
        f.evidence
    );
    let fix = f.fix.as_deref().unwrap();
    // Not "return the header from the function": that is ignored here. The command keeps
    // every configured field and adds the origin.
    assert!(!fix.contains("function (REST)"), "{fix}");
    assert!(fix.contains("--api-id abc123"), "{fix}");
    assert!(
        fix.contains(
            r#""AllowOrigins":["https://app.example.com","https://dashboard.example.org"]"#
        ),
        "{fix}"
    );
    assert!(fix.contains(r#""MaxAge":300"#), "{fix}");
    assert!(
        !found
            .iter()
            .any(|f| f.code == "CORS_BACKEND_HEADERS_IGNORED")
    );
}

#[test]
fn a_logged_function_answer_shows_its_headers_were_replaced() {
    let mut e = widgets_exchange();
    e.access_logs = vec![access(&[
        ("status", "200"),
        ("integrationRequestId", "lambda-req-1"),
    ])];
    e.lambda_lines = vec![logged_response("lambda-req-1")];
    let found = diagnose(&e);
    let f = &found[0];
    assert_eq!(f.code, "CORS_BACKEND_HEADERS_IGNORED", "{found:#?}");
    assert_eq!(f.severity, Severity::Error);
    assert!(f.title.contains(DASH), "{}", f.title);
    // Both header sets, the configuration and the origin, all about this exchange.
    let ev = f.evidence.join("\n");
    assert!(
        ev.contains(&format!(
            "access-control-allow-origin: {DASH}; access-control-allow-methods: GET"
        )),
        "{ev}"
    );
    assert!(ev.contains("Lambda request id lambda-req-1"), "{ev}");
    assert!(
        ev.contains("API Gateway answered: no Access-Control-* headers"),
        "{ev}"
    );
    assert!(ev.contains("AllowOrigins: https://app.example.com"), "{ev}");
    assert!(f.fix.as_deref().unwrap().contains("update-api"));
    // One explanation for the one symptom.
    assert!(
        !found.iter().any(|f| f.code == "CORS_ORIGIN_NOT_ALLOWED"),
        "{found:#?}"
    );
}

#[test]
fn another_invocations_logged_answer_is_not_evidence() {
    let mut e = widgets_exchange();
    e.access_logs = vec![access(&[("integrationRequestId", "lambda-req-1")])];
    e.lambda_lines = vec![logged_response("some-other-invocation")];
    let found = diagnose(&e);
    assert_eq!(found[0].code, "CORS_ORIGIN_NOT_ALLOWED");
    assert!(
        !found
            .iter()
            .any(|f| f.code == "CORS_BACKEND_HEADERS_IGNORED")
    );
}

#[test]
fn ignored_headers_that_change_nothing_are_information() {
    // The allowed origin: the API's own headers let it in; the function's are moot.
    let mut e = widgets_exchange();
    e.request = Some(req(
        "GET",
        "/items",
        &[("Origin", "https://app.example.com")],
    ));
    e.response = Some(resp(
        200,
        &[("access-control-allow-origin", "https://app.example.com")],
        "{}",
    ));
    e.lambda_lines = vec![logged_response("lambda-req-1")];
    let found = diagnose(&e);
    let f = found
        .iter()
        .find(|f| f.code == "CORS_BACKEND_HEADERS_IGNORED")
        .unwrap();
    assert_eq!(f.severity, Severity::Info);
    assert!(
        !found.iter().any(|f| f.severity == Severity::Error),
        "{found:#?}"
    );
}

// The response page's probe evaluates the same origin: it never adds a second
// explanation of the rejection, and a code found by both is one finding.
#[test]
fn the_probe_joins_without_contradicting() {
    let probe_verdict = crate::engines::cors::browser_verdict(
        &crate::engines::cors::BrowserRequest::from_http(
            &req("GET", "/items", &[("Origin", DASH)]),
            DASH,
        ),
        None,
        &[],
    );
    assert_eq!(probe_verdict.findings[0].code, "CORS_ORIGIN_NOT_ALLOWED");
    let mut e = widgets_exchange();
    e.lambda_lines = vec![logged_response("lambda-req-1")];
    let joined = super::super::with_probe(diagnose(&e), &probe_verdict.findings);
    assert_eq!(joined[0].code, "CORS_BACKEND_HEADERS_IGNORED");
    assert!(
        !joined.iter().any(|f| f.code == "CORS_ORIGIN_NOT_ALLOWED"),
        "{joined:#?}"
    );
    let joined = super::super::with_probe(diagnose(&widgets_exchange()), &probe_verdict.findings);
    let rejections = joined
        .iter()
        .filter(|f| f.code == "CORS_ORIGIN_NOT_ALLOWED")
        .count();
    assert_eq!(rejections, 1, "{joined:#?}");
}

/// A REST preflight to a path that has GET but no OPTIONS method: API Gateway's
/// 403 `Missing Authentication Token`. The cause named first is the missing
/// preflight route, not a missing resource, and "add CORS headers to the error" is
/// not offered (a preflight needs a 2xx answer).
#[test]
fn a_preflight_without_an_options_method_is_cors_no_preflight_route() {
    let preflight = req(
        "OPTIONS",
        "/prod/items",
        &[
            ("Origin", "https://app.example.com"),
            ("Access-Control-Request-Method", "GET"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    );
    let e = ev(
        Some(rest_api()),
        None,
        Some(preflight.clone()),
        resp(
            403,
            &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
            r#"{"message":"Missing Authentication Token"}"#,
        ),
    );
    let findings = diagnose(&e);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert_eq!(codes, ["CORS_NO_PREFLIGHT_ROUTE"], "{findings:#?}");
    let f = &findings[0];
    assert!(
        f.evidence.iter().any(|e| e.contains("GET (`GET /items`)")),
        "{f:?}"
    );
    assert!(f.code.is_registered_fix(f.fix.as_deref().unwrap()));
    // A path that exists for no method at all stays a missing resource.
    let mut nowhere = preflight;
    nowhere.url = nowhere.url.replace("/items", "/nowhere");
    let e = ev(
        Some(rest_api()),
        None,
        Some(nowhere),
        resp(
            403,
            &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
            r#"{"message":"Missing Authentication Token"}"#,
        ),
    );
    let codes: Vec<String> = diagnose(&e).iter().map(|f| f.code.to_string()).collect();
    assert!(
        !codes.contains(&"CORS_NO_PREFLIGHT_ROUTE".to_string()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"REST_NO_SUCH_RESOURCE".to_string()),
        "{codes:?}"
    );
}
