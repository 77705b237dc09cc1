//! Scenario table: log lines that confirm or overturn the response-side
//! guess (access-log fields, REPORT lines, timeouts, logged events).

use super::test_support::*;
use super::{Evidence, diagnose};
use crate::domain::*;

const REST_500: &str = r#"{"message": "Internal server error"}"#;
const HTTP_500: &str = r#"{"message":"Internal Server Error"}"#;
const HTTP_ID: &str = "LV7fzho-PHcEJPw=";

fn http_500() -> HttpResponse {
    resp(500, &[("apigw-requestid", HTTP_ID)], HTTP_500)
}

fn rest_502() -> HttpResponse {
    resp(502, &[("x-amzn-RequestId", "rest-id-1")], REST_500)
}

fn with_logs(
    mut e: Evidence,
    access_logs: Vec<AccessLogRecord>,
    lines: Vec<LambdaLine>,
) -> Evidence {
    e.access_logs = access_logs;
    e.lambda_lines = lines;
    e.logs_searched = true;
    e
}

fn http_ev(r: HttpResponse) -> Evidence {
    ev(
        Some(http_api()),
        Some("GET /items"),
        Some(req("GET", "/items", &[])),
        r,
    )
}

fn rest_ev(r: HttpResponse) -> Evidence {
    ev(
        Some(rest_api()),
        Some("GET /items"),
        Some(req("GET", "/prod/items", &[])),
        r,
    )
}

fn rec(extra: &[(&'static str, &'static str)]) -> AccessLogRecord {
    let mut pairs = vec![("requestId", HTTP_ID)];
    pairs.extend_from_slice(extra);
    access(&pairs)
}

fn rest_rec(extra: &[(&'static str, &'static str)]) -> AccessLogRecord {
    let mut pairs = vec![("requestId", "rest-id-1")];
    pairs.extend_from_slice(extra);
    access(&pairs)
}

#[test]
fn http_api_500_causes_from_the_access_log() {
    let fn_err = "The Lambda function returned the following error: KeyError 'id'. Check your Lambda function code and try again.";
    let timeout = "The Lambda function returned the following error: RequestId: 1 Error: Task timed out after 5.00 seconds. Check your Lambda function code and try again.";
    let perm = "The IAM role configured on the integration or API Gateway doesn't have permissions to call the integration. Check the permissions and try again.";
    let auth_perm = "The IAM role configured on the authorizer or API Gateway doesn't have permissions to call the authorizer. Check the permissions and try again.";
    run(vec![
        scenario(
            "function error",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[
                    ("status", "500"),
                    ("integrationStatus", "200"),
                    ("integrationError", fn_err),
                ])],
                vec![],
            ),
            &["FUNCTION_ERROR"],
            &["HTTP_API_INTERNAL_ERROR", "MALFORMED_PROXY_RESPONSE"],
        ),
        scenario(
            "function's own timeout",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[
                    ("status", "500"),
                    ("integrationStatus", "200"),
                    ("integrationError", timeout),
                ])],
                vec![],
            ),
            &["FUNCTION_TIMEOUT"],
            &["HTTP_API_INTERNAL_ERROR"],
        ),
        scenario(
            "missing invoke permission",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[("status", "500"), ("integrationError", perm)])],
                vec![],
            ),
            &["MISSING_INVOKE_PERMISSION"],
            &["HTTP_API_INTERNAL_ERROR", "FUNCTION_ERROR"],
        ),
        scenario(
            "authorizer cannot be invoked",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[("status", "500"), ("authorizerError", auth_perm)])],
                vec![],
            ),
            &["AUTHORIZER_PERMISSION"],
            &["HTTP_API_INTERNAL_ERROR"],
        ),
        scenario(
            "authorizer crashed",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[
                    ("status", "500"),
                    ("authorizerError", "Runtime.ExitError"),
                ])],
                vec![],
            ),
            &["AUTHORIZER_FAILURE"],
            &["HTTP_API_INTERNAL_ERROR"],
        ),
        scenario(
            "Lambda throttled (integrationStatus 429)",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[("status", "500"), ("integrationStatus", "429")])],
                vec![],
            ),
            &["LAMBDA_THROTTLED"],
            &["HTTP_API_INTERNAL_ERROR", "MALFORMED_PROXY_RESPONSE"],
        ),
        scenario(
            "malformed response by elimination (invoke 200, status 500, no error text)",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[
                    ("status", "500"),
                    ("integrationStatus", "200"),
                    ("integrationError", "-"),
                ])],
                vec![],
            ),
            &["MALFORMED_PROXY_RESPONSE"],
            &["HTTP_API_INTERNAL_ERROR", "FUNCTION_ERROR"],
        ),
        scenario(
            "malformed response named by the integration error",
            with_logs(
                http_ev(http_500()),
                vec![rec(&[
                    ("status", "500"),
                    ("integrationStatus", "200"),
                    (
                        "integrationError",
                        r#"Lambda body contains the wrong type for field "body""#,
                    ),
                ])],
                vec![],
            ),
            &["MALFORMED_PROXY_RESPONSE"],
            &["HTTP_API_INTERNAL_ERROR"],
        ),
        scenario(
            "integration timeout confirmed by integrationLatency",
            with_logs(
                http_ev(resp(
                    503,
                    &[("apigw-requestid", HTTP_ID)],
                    r#"{"message":"Service Unavailable"}"#,
                )),
                vec![rec(&[("status", "503"), ("integrationLatency", "29998")])],
                vec![],
            ),
            &["INTEGRATION_TIMEOUT"],
            &["SERVICE_UNAVAILABLE"],
        ),
        scenario(
            "the function chose its 500 (integration.status = status)",
            with_logs(
                http_ev(resp(
                    500,
                    &[("apigw-requestid", HTTP_ID)],
                    r#"{"error":"x"}"#,
                )),
                vec![rec(&[
                    ("status", "500"),
                    ("integrationStatus", "200"),
                    ("functionStatus", "500"),
                ])],
                vec![],
            ),
            &["FUNCTION_RETURNED_STATUS"],
            &["MALFORMED_PROXY_RESPONSE", "HTTP_API_INTERNAL_ERROR"],
        ),
        scenario(
            "a function answering {\"message\":\"Not Found\"} itself is not a routing miss",
            with_logs(
                ev(
                    Some(http_api()),
                    None,
                    Some(req("GET", "/items/42", &[])),
                    resp(
                        404,
                        &[("apigw-requestid", HTTP_ID)],
                        r#"{"message":"Not Found"}"#,
                    ),
                ),
                vec![rec(&[
                    ("status", "404"),
                    ("integrationStatus", "200"),
                    ("functionStatus", "404"),
                    ("routeKey", "GET /items/{id}"),
                ])],
                vec![],
            ),
            &["FUNCTION_RETURNED_STATUS"],
            &["NO_ROUTE_MATCHED"],
        ),
        scenario(
            "the request is not in the access log",
            with_logs(
                http_ev(http_500()),
                vec![access(&[("requestId", "other=")])],
                vec![],
            ),
            &["NOT_IN_ACCESS_LOG", "HTTP_API_INTERNAL_ERROR"],
            &[],
        ),
        scenario(
            "404 with no integration confirms no route",
            with_logs(
                ev(
                    Some(http_api()),
                    None,
                    Some(req("GET", "/nope", &[])),
                    resp(
                        404,
                        &[("apigw-requestid", HTTP_ID)],
                        r#"{"message":"Not Found"}"#,
                    ),
                ),
                vec![rec(&[("status", "404"), ("routeKey", "-")])],
                vec![],
            ),
            &["NO_ROUTE_MATCHED"],
            &[],
        ),
        scenario(
            "429 with no integration confirms gateway throttling",
            with_logs(
                http_ev(resp(
                    429,
                    &[("apigw-requestid", HTTP_ID)],
                    r#"{"message":"Too Many Requests"}"#,
                )),
                vec![rec(&[("status", "429"), ("errorType", "THROTTLED")])],
                vec![],
            ),
            &["STAGE_THROTTLED"],
            &[],
        ),
        scenario(
            "JWT reason from authorizer.error",
            with_logs(
                ev(
                    Some(http_api()),
                    Some("GET /me"),
                    None,
                    resp(
                        401,
                        &[("apigw-requestid", HTTP_ID)],
                        r#"{"message":"Unauthorized"}"#,
                    ),
                ),
                vec![rec(&[
                    ("status", "401"),
                    (
                        "authorizerError",
                        "the token does not have a valid audience",
                    ),
                ])],
                vec![],
            ),
            &["JWT_AUDIENCE_MISMATCH"],
            &["JWT_INVALID"],
        ),
    ]);
}

#[test]
fn rest_502_is_split_by_the_logs() {
    run(vec![
        scenario(
            "REST execution-log text: malformed",
            with_logs(
                rest_ev(rest_502()),
                vec![rest_rec(&[
                    ("status", "502"),
                    (
                        "integrationError",
                        "Execution failed due to configuration error: Malformed Lambda proxy response",
                    ),
                ])],
                vec![],
            ),
            &["MALFORMED_PROXY_RESPONSE"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST execution-log text: customer function error",
            with_logs(
                rest_ev(rest_502()),
                vec![rest_rec(&[
                    ("status", "502"),
                    (
                        "integrationError",
                        "Lambda execution failed with status 200 due to customer function error: boom. Lambda request id: 1",
                    ),
                ])],
                vec![],
            ),
            &["FUNCTION_ERROR"],
            &["INTEGRATION_RESPONSE_REJECTED", "MALFORMED_PROXY_RESPONSE"],
        ),
        scenario(
            "REST 502 overturned by a Lambda timeout line",
            with_logs(
                rest_ev(rest_502()),
                vec![],
                vec![lambda(
                    LambdaLineKind::Timeout { seconds: Some(3.0) },
                    "Task timed out after 3.00 seconds",
                )],
            ),
            &["FUNCTION_TIMEOUT"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST 502 + out of memory in REPORT",
            with_logs(rest_ev(rest_502()), vec![], vec![report(128, 128, None)]),
            &["FUNCTION_OUT_OF_MEMORY"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST 502 + an unhandled error line",
            with_logs(
                rest_ev(rest_502()),
                vec![],
                vec![lambda(
                    LambdaLineKind::Log {
                        level: Some("ERROR".into()),
                    },
                    r#"{"errorType":"TypeError","errorMessage":"x is undefined"}"#,
                )],
            ),
            &["FUNCTION_ERROR"],
            &["INTEGRATION_RESPONSE_REJECTED"],
        ),
        scenario(
            "REST 500 + Lambda 429",
            with_logs(
                rest_ev(resp(500, &[("x-amzn-RequestId", "rest-id-1")], REST_500)),
                vec![rest_rec(&[
                    ("status", "500"),
                    (
                        "integrationError",
                        "Lambda invocation failed with status: 429. Lambda request id: 1. Execution failed due to configuration error: Rate Exceeded.",
                    ),
                ])],
                vec![],
            ),
            &["LAMBDA_THROTTLED"],
            &["INTEGRATION_INVOKE_FAILED"],
        ),
        scenario(
            "REST 500 + invalid permissions",
            with_logs(
                rest_ev(resp(500, &[("x-amzn-RequestId", "rest-id-1")], REST_500)),
                vec![rest_rec(&[
                    ("status", "500"),
                    (
                        "integrationError",
                        "Execution failed due to configuration error: Invalid permissions on Lambda function",
                    ),
                ])],
                vec![],
            ),
            &["MISSING_INVOKE_PERMISSION"],
            &["INTEGRATION_INVOKE_FAILED"],
        ),
    ]);
}

#[test]
fn lambda_report_and_events() {
    let mut v1_event_line = lambda(LambdaLineKind::Event, "{...}");
    v1_event_line.event = Some(Box::new(DecodedEvent {
        kind: EventKind::HttpV1,
        method: Some("GET".into()),
        path: Some("/items".into()),
        route_key: Some("$default".into()),
        stage: Some("$default".into()),
        request_id: Some(HTTP_ID.into()),
        source_ip: None,
        body_text: None,
        body_was_base64: false,
        claims: None,
        scopes: vec![],
        raw: serde_json::json!({"version": "1.0"}),
        reconstructed: false,
    }));
    let ok = || resp(200, &[("apigw-requestid", HTTP_ID)], "[]");
    run(vec![
        scenario(
            "cold start from REPORT init duration",
            with_logs(
                http_ev(ok()),
                vec![rec(&[("status", "200"), ("integrationStatus", "200")])],
                vec![report(512, 100, Some(850.0))],
            ),
            &["COLD_START"],
            &["FUNCTION_OUT_OF_MEMORY"],
        ),
        scenario(
            "slow success near the timeout",
            with_logs(
                http_ev(ok()),
                vec![rec(&[
                    ("status", "200"),
                    ("integrationStatus", "200"),
                    ("integrationLatency", "27000"),
                ])],
                vec![],
            ),
            &["INTEGRATION_LATENCY_NEAR_TIMEOUT"],
            &["INTEGRATION_TIMEOUT"],
        ),
        scenario(
            "1.0 event on an HTTP API, routed to $default",
            with_logs(http_ev(ok()), vec![], vec![v1_event_line]),
            &[
                "PAYLOAD_FORMAT_1_0_ON_HTTP_API",
                "ROUTED_TO_UNEXPECTED_ROUTE",
            ],
            &[],
        ),
        scenario(
            "an ERROR line on a 200 is not a failure",
            with_logs(
                http_ev(ok()),
                vec![],
                vec![lambda(
                    LambdaLineKind::Log {
                        level: Some("ERROR".into()),
                    },
                    "retrying",
                )],
            ),
            &[],
            &["FUNCTION_ERROR"],
        ),
    ]);
}

#[test]
fn logs_alone_without_a_response() {
    // The TUI's log pane: one correlated record, no response.
    // Built through serde so the test survives additive fields.
    let record: CorrelatedRecord = serde_json::from_value(serde_json::json!({
        "access": rec(&[("status", "500"), ("integrationStatus", "200"), ("routeKey", "GET /items"), ("integrationRequestId", "lambda-req-1")]),
        "lambdaLines": [
            lambda(LambdaLineKind::Timeout { seconds: Some(3.0) }, "Task timed out after 3.00 seconds"),
            report(128, 60, None),
        ],
        "report": null,
        "event": null,
        "unmatched": false,
    }))
    .unwrap();
    let e = Evidence::from_record(Some(http_api()), &record);
    let findings = diagnose(&e);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert!(codes.contains(&"FUNCTION_TIMEOUT"), "{codes:?}");
    assert!(!codes.contains(&"MALFORMED_PROXY_RESPONSE"), "{codes:?}");
    assert!(
        findings
            .iter()
            .all(|f| f.certainty == Certainty::ConfirmedByLogs)
    );
}
