//! Scenario table: 5xx, 429, 413 and the reference's triage rows, from the
//! response alone (codes asserted, not wording).

use super::test_support::*;
use super::{Evidence, diagnose};
use crate::domain::*;

const REST_500: &str = r#"{"message": "Internal server error"}"#;
const HTTP_500: &str = r#"{"message":"Internal Server Error"}"#;

fn rest_hdrs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("x-amzn-RequestId", "5b6f5c5e-1111-2222-3333-444455556666"),
        ("x-amz-apigw-id", "K2G9wEbUoAMEvag="),
    ]
}

fn http_hdrs() -> Vec<(&'static str, &'static str)> {
    vec![("apigw-requestid", "LV7fzho-PHcEJPw=")]
}

fn slow(mut r: HttpResponse, ms: f64) -> HttpResponse {
    r.timing.total_ms = ms;
    r
}

#[test]
fn triage_rows_from_the_response_alone() {
    let rest = Some(rest_api());
    let http = Some(http_api());
    let get = |p: &str| Some(req("GET", p, &[]));
    run(vec![
        scenario(
            "REST 502 Internal server error",
            ev(
                rest.clone(),
                Some("GET /items"),
                get("/prod/items"),
                resp(502, &rest_hdrs(), REST_500),
            ),
            &["INTEGRATION_RESPONSE_REJECTED"],
            &["HTTP_API_INTERNAL_ERROR", "FUNCTION_RETURNED_STATUS"],
        ),
        scenario(
            "REST 500 Internal server error",
            ev(
                rest.clone(),
                Some("GET /items"),
                get("/prod/items"),
                resp(500, &rest_hdrs(), REST_500),
            ),
            &["INTEGRATION_INVOKE_FAILED"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST 504 Endpoint request timed out",
            ev(
                rest.clone(),
                Some("GET /items"),
                get("/prod/items"),
                slow(
                    resp(
                        504,
                        &[("x-amzn-ErrorType", "InternalServerErrorException")],
                        r#"{"message": "Endpoint request timed out"}"#,
                    ),
                    29_050.0,
                ),
            ),
            &["INTEGRATION_TIMEOUT"],
            &["SERVICE_UNAVAILABLE"],
        ),
        scenario(
            "HTTP 500 Internal Server Error",
            ev(
                http.clone(),
                Some("GET /items"),
                get("/items"),
                resp(500, &http_hdrs(), HTTP_500),
            ),
            &["HTTP_API_INTERNAL_ERROR"],
            &["INTEGRATION_RESPONSE_REJECTED", "API_TYPE_MISMATCH"],
        ),
        scenario(
            "HTTP 503 after the integration timeout",
            ev(
                http.clone(),
                Some("GET /items"),
                get("/items"),
                slow(
                    resp(503, &http_hdrs(), r#"{"message":"Service Unavailable"}"#),
                    30_020.0,
                ),
            ),
            &["INTEGRATION_TIMEOUT"],
            &["SERVICE_UNAVAILABLE"],
        ),
        scenario(
            "HTTP 503 quickly is not a timeout",
            ev(
                http.clone(),
                Some("GET /items"),
                get("/items"),
                resp(503, &http_hdrs(), r#"{"message":"Service Unavailable"}"#),
            ),
            &["SERVICE_UNAVAILABLE"],
            &["INTEGRATION_TIMEOUT"],
        ),
        scenario(
            "REST authorizer configuration error",
            ev(
                rest.clone(),
                None,
                None,
                resp(
                    500,
                    &[("x-amzn-ErrorType", "AuthorizerConfigurationException")],
                    r#"{"message": null}"#,
                ),
            ),
            &["AUTHORIZER_FAILURE"],
            &["INTEGRATION_INVOKE_FAILED"],
        ),
        scenario(
            "REST 429 Too Many Requests (stage throttling)",
            ev(
                rest.clone(),
                Some("GET /items"),
                get("/prod/items"),
                resp(
                    429,
                    &[("x-amzn-ErrorType", "TooManyRequestsException")],
                    r#"{"message":"Too Many Requests"}"#,
                ),
            ),
            &["STAGE_THROTTLED"],
            &["ROUTE_THROTTLED", "ACCOUNT_THROTTLED"],
        ),
        scenario(
            "function chose its own 500",
            ev(
                http.clone(),
                Some("GET /items"),
                get("/items"),
                resp(500, &http_hdrs(), r#"{"error":"db down"}"#),
            ),
            &["FUNCTION_RETURNED_STATUS"],
            &["HTTP_API_INTERNAL_ERROR"],
        ),
        scenario(
            "REST error body from an API configured as HTTP",
            ev(http.clone(), None, None, resp(502, &rest_hdrs(), REST_500)),
            &["API_TYPE_MISMATCH"],
            &[],
        ),
        scenario(
            "response with no configuration at all (fingerprint only)",
            Evidence {
                response: Some(resp(502, &[], REST_500)),
                ..Default::default()
            },
            &["INTEGRATION_RESPONSE_REJECTED"],
            &[],
        ),
    ]);
}

fn throttled_api(route_settings: Option<RouteSettings>, default: Option<RouteSettings>) -> Api {
    let mut api = http_api();
    let s = &mut api.stages[0];
    s.default_route_settings = default;
    if let Some(rs) = route_settings {
        s.route_settings.insert("GET /items".into(), rs);
    }
    api
}

fn limits(rate: f64, burst: i32) -> RouteSettings {
    RouteSettings {
        throttling_rate_limit: Some(rate),
        throttling_burst_limit: Some(burst),
        ..Default::default()
    }
}

#[test]
fn throttling_names_the_limit() {
    let r429 = || resp(429, &http_hdrs(), r#"{"message":"Too Many Requests"}"#);
    let get = || Some(req("GET", "/items", &[]));
    run(vec![
        scenario(
            "429 from route throttling",
            ev(
                Some(throttled_api(Some(limits(5.0, 2)), Some(limits(100.0, 50)))),
                Some("GET /items"),
                get(),
                r429(),
            ),
            &["ROUTE_THROTTLED"],
            &["STAGE_THROTTLED", "ACCOUNT_THROTTLED"],
        ),
        scenario(
            "429 from a route throttled to zero",
            ev(
                Some(throttled_api(Some(limits(0.0, 0)), None)),
                Some("GET /items"),
                get(),
                r429(),
            ),
            &["ROUTE_THROTTLED"],
            &[],
        ),
        scenario(
            "429 from stage default throttling",
            ev(
                Some(throttled_api(None, Some(limits(1.0, 1)))),
                Some("GET /items"),
                get(),
                r429(),
            ),
            &["STAGE_THROTTLED"],
            &["ROUTE_THROTTLED"],
        ),
        scenario(
            "429 with no limits configured: account",
            ev(
                Some(throttled_api(None, None)),
                Some("GET /items"),
                get(),
                r429(),
            ),
            &["ACCOUNT_THROTTLED"],
            &[],
        ),
        scenario(
            "429 without configuration",
            ev(None, None, get(), r429()),
            &["GATEWAY_THROTTLED"],
            &[],
        ),
        scenario(
            "REST usage-plan quota",
            ev(
                Some(rest_api()),
                Some("GET /keyed"),
                Some(req("GET", "/prod/keyed", &[("x-api-key", "k")])),
                resp(
                    429,
                    &[("x-amzn-ErrorType", "LimitExceededException")],
                    r#"{"message":"Limit Exceeded"}"#,
                ),
            ),
            &["USAGE_PLAN_QUOTA_EXCEEDED"],
            &["STAGE_THROTTLED"],
        ),
    ]);
}

#[test]
fn rest_route_settings_are_found_by_method_path_key() {
    let mut api = rest_api();
    api.stages[0].default_route_settings = None;
    api.stages[0]
        .route_settings
        .insert("/items/GET".into(), limits(1.0, 1));
    let e = ev(
        Some(api),
        Some("GET /items"),
        None,
        resp(
            429,
            &[("x-amzn-ErrorType", "TooManyRequestsException")],
            r#"{"message":"Too Many Requests"}"#,
        ),
    );
    let codes: Vec<String> = diagnose(&e)
        .into_iter()
        .map(|f| f.code.to_string())
        .collect();
    assert!(codes.contains(&"ROUTE_THROTTLED".to_string()), "{codes:?}");
}

#[test]
fn payload_limits() {
    let mut big = req("POST", "/items", &[("content-type", "application/json")]);
    big.body = vec![b'a'; 7 * 1024 * 1024];
    let mut huge = big.clone();
    huge.body = vec![b'a'; 11 * 1024 * 1024];
    let mut binary = req("POST", "/items", &[("content-type", "image/png")]);
    binary.body = vec![0u8; 5 * 1024 * 1024];
    let ok = resp(200, &http_hdrs(), "{}");
    run(vec![
        scenario(
            "7 MB JSON body passes API Gateway, fails Lambda",
            ev(
                Some(http_api()),
                Some("POST /items"),
                Some(big),
                resp(500, &http_hdrs(), HTTP_500),
            ),
            &["LAMBDA_PAYLOAD_LIMIT"],
            &["PAYLOAD_TOO_LARGE"],
        ),
        scenario(
            "5 MB binary body is over 6 MB once base64-encoded",
            ev(
                Some(http_api()),
                Some("POST /items"),
                Some(binary),
                ok.clone(),
            ),
            &["LAMBDA_PAYLOAD_LIMIT"],
            &[],
        ),
        scenario(
            "413 from API Gateway",
            ev(
                Some(http_api()),
                Some("POST /items"),
                Some(huge),
                resp(
                    413,
                    &http_hdrs(),
                    r#"{"message":"Request Entity Too Large"}"#,
                ),
            ),
            &["PAYLOAD_TOO_LARGE"],
            &["FUNCTION_RETURNED_STATUS"],
        ),
        scenario(
            "small request: nothing",
            ev(
                Some(http_api()),
                Some("GET /items"),
                Some(req("GET", "/items", &[])),
                ok,
            ),
            &[],
            &["PAYLOAD_TOO_LARGE", "LAMBDA_PAYLOAD_LIMIT"],
        ),
    ]);
}

#[test]
fn success_yields_no_findings() {
    let e = ev(
        Some(http_api()),
        Some("GET /items"),
        Some(req("GET", "/items", &[])),
        resp(200, &http_hdrs(), "[]"),
    );
    assert!(diagnose(&e).is_empty(), "{:?}", diagnose(&e));
}

#[test]
fn function_output_is_interpreted() {
    let with_output = |api: Api, status: u16, body: &str, output: &str| {
        let mut e = ev(Some(api), Some("GET /items"), None, resp(status, &[], body));
        e.function_output = Some(output.to_string());
        e
    };
    run(vec![
        scenario(
            "REST: body is an object",
            with_output(
                rest_api(),
                502,
                REST_500,
                r#"{"statusCode":200,"body":{"a":1}}"#,
            ),
            &["MALFORMED_PROXY_RESPONSE", "BODY_NOT_STRING"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST: unknown top-level key",
            with_output(
                rest_api(),
                502,
                REST_500,
                r#"{"statusCode":200,"body":"x","ok":true}"#,
            ),
            &["MALFORMED_PROXY_RESPONSE", "REST_UNKNOWN_KEY"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST: the function threw",
            with_output(
                rest_api(),
                502,
                REST_500,
                r#"{"errorMessage":"boom","errorType":"TypeError","stackTrace":[]}"#,
            ),
            &["FUNCTION_ERROR"],
            &["MALFORMED_PROXY_RESPONSE", "INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "HTTP: valid 2.0 output",
            with_output(http_api(), 200, "ok", r#"{"statusCode":200,"body":"ok"}"#),
            &[],
            &["MALFORMED_PROXY_RESPONSE"],
        ),
    ]);
}

/// Payload 2.0 echoes an output without statusCode as the body: a 200 whose body is
/// `{headers, body}` shows the function forgot statusCode (reference §2.2). A plain
/// JSON document, a REST API or a payload 1.0 route says nothing.
#[test]
fn an_echoed_proxy_response_without_status_code_is_named() {
    let echoed =
        r#"{"headers":{"content-type":"application/json"},"body":"{\"report\":\"legacy\"}"}"#;
    let on = |api: Api, body: &str| {
        ev(
            Some(api),
            Some("GET /items"),
            Some(req("GET", "/items", &[])),
            resp(200, &[("content-type", "application/json")], body),
        )
    };
    let mut v1 = http_api();
    for r in &mut v1.routes {
        if let Some(i) = r.integration.as_mut() {
            i.payload_format_version = Some("1.0".into());
        }
    }
    run(vec![
        scenario(
            "HTTP 2.0: {headers, body} as the body",
            on(http_api(), echoed),
            &["V2_STATUS_CODE_MISSING_WRAPPED"],
            &[],
        ),
        scenario(
            "HTTP 2.0: an ordinary document",
            on(http_api(), r#"{"body":"a field named body","id":7}"#),
            &[],
            &["V2_STATUS_CODE_MISSING_WRAPPED"],
        ),
        scenario(
            "HTTP 1.0: statusCode is required there, no echo",
            on(v1, echoed),
            &[],
            &["V2_STATUS_CODE_MISSING_WRAPPED"],
        ),
        scenario(
            "REST: no echo rule",
            on(rest_api(), echoed),
            &[],
            &["V2_STATUS_CODE_MISSING_WRAPPED"],
        ),
    ]);
}
