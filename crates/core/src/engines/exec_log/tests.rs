//! Table tests over a corpus of execution-log lines in the wordings seen
//! from 2016 to 2024 (reference §12.2 – §12.5).

use super::*;
use crate::domain::{ExecStep, UsagePlanVerdict};

const RID: &str = "515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d";

fn line(text: &str) -> String {
    format!("({RID}) {text}")
}

/// (event text after the prefix, expected step, expected value)
const CORPUS: &[(&str, ExecStep, &str)] = &[
    (
        "Extended Request Id: Vts2pH6ArPEFcuQ=",
        ExecStep::ExtendedRequestId,
        "Vts2pH6ArPEFcuQ=",
    ),
    (
        "Starting authorizer: 8xk2lq for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d",
        ExecStep::AuthorizerStarted,
        "8xk2lq for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d",
    ),
    (
        "Incoming identity: ****I1BUdE",
        ExecStep::AuthorizerIdentity,
        "****I1BUdE",
    ),
    (
        "Authorizer result body before parsing: null",
        ExecStep::AuthorizerResult,
        "null",
    ),
    (
        "Using valid authorizer policy for principal: ****abc123",
        ExecStep::AuthorizerPolicy,
        "****abc123",
    ),
    (
        "Successfully completed authorizer execution",
        ExecStep::AuthorizerCompleted,
        "",
    ),
    (
        "Verifying Usage Plan for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d. API Key:  API Stage: h733q2j6gb/Prod",
        ExecStep::UsagePlanVerify,
        "515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d. API Key:  API Stage: h733q2j6gb/Prod",
    ),
    (
        "API Key  authorized because method 'POST /verifyReceipt' does not require API Key. Request will not contribute to throttle or quota limits",
        ExecStep::ApiKeyNotRequired,
        "API Key  authorized because method 'POST /verifyReceipt' does not require API Key. Request will not contribute to throttle or quota limits",
    ),
    (
        "Usage Plan check succeeded for API Key **********bMZHBg and API Stage h733q2j6gb/Prod",
        ExecStep::UsagePlanCheckSucceeded,
        "API Key **********bMZHBg and API Stage h733q2j6gb/Prod",
    ),
    (
        "Usage Plan check failed due to an internal error",
        ExecStep::UsagePlanCheckFailed,
        "due to an internal error",
    ),
    (
        "Starting execution for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d",
        ExecStep::StartingExecution,
        "515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d",
    ),
    (
        "HTTP Method: POST, Resource Path: /verifyReceipt",
        ExecStep::HttpMethod,
        "POST, Resource Path: /verifyReceipt",
    ),
    (
        "API Key: **********bMZHBg",
        ExecStep::ApiKey,
        "**********bMZHBg",
    ),
    ("Method request path: {}", ExecStep::MethodRequestPath, "{}"),
    (
        "Method request query string: {city=Seattle}",
        ExecStep::MethodRequestQuery,
        "{city=Seattle}",
    ),
    (
        "Method request headers: {Accept=application/json, Host=h733q2j6gb.execute-api.eu-west-2.amazonaws.com}",
        ExecStep::MethodRequestHeaders,
        "{Accept=application/json, Host=h733q2j6gb.execute-api.eu-west-2.amazonaws.com}",
    ),
    (
        "Method request body before transformations: {\"receiptData\":\"82ca\"}",
        ExecStep::MethodRequestBody,
        "{\"receiptData\":\"82ca\"}",
    ),
    (
        "Method request body before transformations:",
        ExecStep::MethodRequestBody,
        "",
    ),
    (
        "Request validation succeeded for content type application/json",
        ExecStep::RequestValidation,
        "succeeded for content type application/json",
    ),
    (
        "Endpoint request URI: https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:receipt/invocations",
        ExecStep::EndpointRequestUri,
        "https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-2:123456789012:function:receipt/invocations",
    ),
    (
        "Endpoint request body after transformations: {\"resource\":\"/verifyReceipt\"}",
        ExecStep::EndpointRequestBody,
        "{\"resource\":\"/verifyReceipt\"}",
    ),
    (
        "Sending request to https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/f/invocations",
        ExecStep::SendingRequest,
        "https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/f/invocations",
    ),
    (
        "Received response. Integration latency: 40 ms",
        ExecStep::ReceivedResponse,
        "Integration latency: 40 ms",
    ),
    (
        "Received response. Status: 200, Integration latency: 20 ms",
        ExecStep::ReceivedResponse,
        "Status: 200, Integration latency: 20 ms",
    ),
    (
        "Endpoint response body before transformations: \"hello world\"",
        ExecStep::EndpointResponseBody,
        "\"hello world\"",
    ),
    (
        "Execution failed due to configuration error: Malformed Lambda proxy response",
        ExecStep::ConfigurationError,
        "Malformed Lambda proxy response",
    ),
    (
        "Execution failed due to a timeout error",
        ExecStep::ExecutionFailed,
        "a timeout error",
    ),
    (
        "Method response body after transformations: {\"message\":\"ok\"}",
        ExecStep::MethodResponseBody,
        "{\"message\":\"ok\"}",
    ),
    (
        "Method response headers: {X-Amzn-Trace-Id=Root=1-5c755b5d-07b29b94e632d3da19d88789}",
        ExecStep::MethodResponseHeaders,
        "{X-Amzn-Trace-Id=Root=1-5c755b5d-07b29b94e632d3da19d88789}",
    ),
    (
        "Successfully completed execution",
        ExecStep::CompletedExecution,
        "",
    ),
    (
        "Method completed with status: 502",
        ExecStep::MethodCompleted,
        "502",
    ),
    (
        "AWS Integration Endpoint RequestId : 57593f79-3a40-11e9-a7b2-0123456789ab",
        ExecStep::IntegrationRequestId,
        "57593f79-3a40-11e9-a7b2-0123456789ab",
    ),
    (
        "X-ray Tracing ID : 1-5c755b5d-07b29b94e632d3da19d88789",
        ExecStep::XrayTraceId,
        "1-5c755b5d-07b29b94e632d3da19d88789",
    ),
    (
        "Gateway response type: AUTHORIZER_CONFIGURATION_ERROR with status code: 500",
        ExecStep::GatewayResponse,
        "AUTHORIZER_CONFIGURATION_ERROR with status code: 500",
    ),
    (
        "Key throttle limit exceeded for RestApi h733q2j6gb, Stage Prod, Resource k0w8mc, HttpMethod GET. Limit: 1.00 Burst: 1",
        ExecStep::KeyThrottled,
        "RestApi h733q2j6gb, Stage Prod, Resource k0w8mc, HttpMethod GET. Limit: 1.00 Burst: 1",
    ),
    (
        "Something API Gateway says that gatescope does not know",
        ExecStep::Other,
        "Something API Gateway says that gatescope does not know",
    ),
];

#[test]
fn every_corpus_line_gets_its_step_and_value() {
    for (text, step, value) in CORPUS {
        let l = parse_exec_line(7, &line(text));
        assert_eq!(l.step, *step, "{text}");
        assert_eq!(l.value, *value, "{text}");
        assert_eq!(l.request_id.as_deref(), Some(RID), "{text}");
        assert_eq!(l.timestamp_ms, 7);
        assert!(!l.truncated);
    }
}

#[test]
fn truncation_marker_is_stripped_and_flagged() {
    let l = parse_exec_line(
        0,
        &line(
            "Endpoint request body after transformations: {\"resource\":\"/verifyReceipt\",\"path\":\"/verif [TRUNCATED]",
        ),
    );
    assert_eq!(l.step, ExecStep::EndpointRequestBody);
    assert!(l.truncated);
    assert_eq!(
        l.value,
        "{\"resource\":\"/verifyReceipt\",\"path\":\"/verif"
    );
    let trace = group_by_request([l]);
    assert_eq!(trace[0].summary.truncated_lines, 1);
}

#[test]
fn a_multi_line_function_error_keeps_the_message_and_lambda_request_id() {
    let msg = line(
        "Lambda execution failed with status 200 due to customer function error: Error: Cannot find module '.prisma/client/default'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs. Lambda request id: 7097a698-1c2d-4e5f-8a9b-0c1d2e3f4a5b\n",
    );
    let l = parse_exec_line(0, &msg);
    assert_eq!(l.step, ExecStep::FunctionError);
    let s = summarize(RID, &[l]);
    assert_eq!(
        s.function_error.as_deref(),
        Some(
            "Error: Cannot find module '.prisma/client/default'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs"
        )
    );
    assert_eq!(
        s.lambda_request_id.as_deref(),
        Some("7097a698-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
    );
}

#[test]
fn api_key_not_authorized_gives_the_reason() {
    let l = parse_exec_line(
        0,
        &line(
            "API Key **********bMZHBg not authorized because method 'GET /orders' requires API Key and API Key is not associated with a Usage Plan for API Stage h733q2j6gb/Prod: No Usage Plan found for key and API Stage",
        ),
    );
    assert_eq!(l.step, ExecStep::ApiKeyNotAuthorized);
    let s = summarize(RID, &[l]);
    match s.usage_plan {
        Some(UsagePlanVerdict::NotAuthorized { reason }) => assert!(
            reason.starts_with("method 'GET /orders' requires API Key"),
            "{reason}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn key_throttle_gives_the_plan_numbers() {
    let lines = [
        "Verifying Usage Plan for request: x. API Key: **********bMZHBg API Stage: h733q2j6gb/Prod",
        "Key throttle limit exceeded for RestApi h733q2j6gb, Stage Prod, Resource k0w8mc, HttpMethod GET. Limit: 1.00 Burst: 1",
        "Method completed with status: 429",
    ]
    .map(|t| parse_exec_line(0, &line(t)));
    let s = summarize(RID, &lines);
    assert_eq!(s.status, Some(429));
    assert_eq!(s.api_key_masked.as_deref(), Some("**********bMZHBg"));
    assert_eq!(s.api_stage.as_deref(), Some("h733q2j6gb/Prod"));
    assert_eq!(
        s.usage_plan,
        Some(UsagePlanVerdict::Throttled {
            rate_limit: Some(1.0),
            burst_limit: Some(1)
        })
    );
}

#[test]
fn empty_api_key_with_one_or_two_spaces() {
    for t in [
        "Verifying Usage Plan for request: x. API Key:  API Stage: abc/Prod",
        "Verifying Usage Plan for request: x. API Key: API Stage: abc/Prod",
    ] {
        let s = summarize(RID, &[parse_exec_line(0, &line(t))]);
        assert_eq!(s.api_key_masked, None, "{t}");
        assert_eq!(s.api_stage.as_deref(), Some("abc/Prod"), "{t}");
    }
}

/// The 2019 success sequence of reference §12.3, with an authorizer in front:
/// the authorizer's own Lambda call must not fill the integration's fields.
#[test]
fn a_whole_request_is_summarised() {
    let texts = [
        "Extended Request Id: Vts2pH6ArPEFcuQ=",
        "Starting authorizer: 8xk2lq for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d",
        "Incoming identity: ****I1BUdE",
        "Endpoint request URI: https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-2:1:function:authz/invocations",
        "Received response. Status: 200, Integration latency: 5 ms",
        "Endpoint response headers: {x-amzn-RequestId=aaaaaaaa-0000-4000-8000-000000000000}",
        "Authorizer result body before parsing: {\"principalId\":\"u\"}",
        "Successfully completed authorizer execution",
        "Verifying Usage Plan for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d. API Key: API Stage: h733q2j6gb/Prod",
        "API Key authorized because method 'POST /verifyReceipt' does not require API Key. Request will not contribute to throttle or quota limits",
        "Usage Plan check succeeded for API Key and API Stage h733q2j6gb/Prod",
        "Starting execution for request: 515f1e99-3a40-11e9-8fd3-6d1f0a1b2c3d",
        "HTTP Method: POST, Resource Path: /verifyReceipt",
        "Endpoint request URI: https://lambda.eu-west-2.amazonaws.com/2015-03-31/functions/arn:aws:lambda:eu-west-2:1:function:receipt:live/invocations",
        "Received response. Integration latency: 40 ms",
        "Endpoint response headers: {Date=Tue, 26 Feb 2019 15:27:09 GMT, x-amzn-RequestId=57593f79-3a40-11e9-a7b2-0123456789ab, X-Amz-Function-Error=Unhandled, X-Amz-Executed-Version=$LATEST}",
        "Lambda execution failed with status 200 due to customer function error: Task timed out after 10.00 seconds. Lambda request id: 57593f79-3a40-11e9-a7b2-0123456789ab",
        "Method completed with status: 502",
        "X-ray Tracing ID : 1-5c755b5d-07b29b94e632d3da19d88789",
    ];
    let lines: Vec<_> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| parse_exec_line(1000 + i as i64, &line(t)))
        .collect();
    let traces = group_by_request(lines);
    assert_eq!(traces.len(), 1);
    let s = &traces[0].summary;
    assert_eq!(s.request_id, RID);
    assert_eq!(s.extended_request_id.as_deref(), Some("Vts2pH6ArPEFcuQ="));
    assert_eq!(s.authorizer_id.as_deref(), Some("8xk2lq"));
    assert_eq!(s.usage_plan, Some(UsagePlanVerdict::NotRequired));
    assert_eq!(s.http_method.as_deref(), Some("POST"));
    assert_eq!(s.path.as_deref(), Some("/verifyReceipt"));
    assert_eq!(
        s.endpoint_uri.as_deref(),
        Some("arn:aws:lambda:eu-west-2:1:function:receipt:live")
    );
    assert_eq!(s.integration_status, None);
    assert_eq!(s.integration_latency_ms, Some(40));
    assert_eq!(
        s.lambda_request_id.as_deref(),
        Some("57593f79-3a40-11e9-a7b2-0123456789ab")
    );
    assert_eq!(s.function_error_header.as_deref(), Some("Unhandled"));
    assert_eq!(
        s.function_error.as_deref(),
        Some("Task timed out after 10.00 seconds")
    );
    assert_eq!(s.status, Some(502));
    assert_eq!((s.first_ms, s.last_ms), (1000, 1018));
}

#[test]
fn lines_of_two_requests_interleaved_are_grouped_apart() {
    let a = "aaaaaaaa-0000-4000-8000-000000000001";
    let b = "bbbbbbbb-0000-4000-8000-000000000002";
    let lines = [
        format!("({a}) Starting execution for request: {a}"),
        format!("({b}) Starting execution for request: {b}"),
        format!("({b}) Method completed with status: 403"),
        format!("({a}) Execution failed due to configuration error: Invalid permissions on Lambda function"),
        format!("({a}) Method completed with status: 500"),
    ]
    .iter()
    .map(|m| parse_exec_line(0, m))
    .collect::<Vec<_>>();
    let traces = group_by_request(lines);
    assert_eq!(traces.len(), 2);
    assert_eq!(traces[0].summary.request_id, a);
    assert_eq!(traces[0].summary.status, Some(500));
    assert_eq!(
        traces[0].summary.configuration_error.as_deref(),
        Some("Invalid permissions on Lambda function")
    );
    assert_eq!(traces[1].summary.request_id, b);
    assert_eq!(traces[1].summary.status, Some(403));
}

#[test]
fn lines_without_a_prefix_follow_the_starting_line() {
    // 2016 logs had no `(<id>)` prefix.
    let lines = [
        "Starting execution for request: 0f0e0d0c-1111-4222-8333-444455556666",
        "HTTP Method: GET, Resource Path: /pets",
        "Method completed with status: 200",
    ]
    .map(|m| parse_exec_line(0, m));
    let traces = group_by_request(lines);
    assert_eq!(traces.len(), 1);
    assert_eq!(
        traces[0].summary.request_id,
        "0f0e0d0c-1111-4222-8333-444455556666"
    );
    assert_eq!(traces[0].summary.status, Some(200));
    assert_eq!(traces[0].lines.len(), 3);
}

#[test]
fn odd_prefixes_are_not_taken_for_request_ids() {
    for m in [
        "() Method completed with status: 200",
        "(a b) x",
        "(unclosed",
        "(",
    ] {
        let l = parse_exec_line(0, m);
        assert_eq!(l.request_id, None, "{m}");
    }
    let l = parse_exec_line(0, "(test-request) Method completed with status: 200");
    assert_eq!(l.request_id.as_deref(), Some("test-request"));
    assert_eq!(l.step, ExecStep::MethodCompleted);
}

#[test]
fn a_status_out_of_range_is_no_status() {
    for v in ["99", "600", "abc", ""] {
        let l = parse_exec_line(0, &line(&format!("Method completed with status: {v}")));
        assert_eq!(summarize(RID, &[l]).status, None, "{v}");
    }
}

#[test]
fn a_test_invoke_log_is_parsed_with_continuation_lines() {
    let log = "Execution log for request fa541ae3-83b6-4664-b341-3d2696a2a57a\n\
Fri Jun 28 23:38:27 UTC 2024 : Starting execution for request: fa541ae3-83b6-4664-b341-3d2696a2a57a\n\
Fri Jun 28 23:38:27 UTC 2024 : HTTP Method: POST, Resource Path: /\n\
Fri Jun 28 23:38:27 UTC 2024 : Method request body before transformations: {\n\
\x20 \"a\": 1\n\
}\n\
Fri Jun 28 23:38:28 UTC 2024 : Received response. Status: 200, Integration latency: 284 ms\n\
Fri Jun 28 23:38:28 UTC 2024 : Endpoint response headers: {Date=Fri, 28 Jun 2024 23:38:28 GMT, x-amzn-RequestId=b50e7f7f-0000-4000-8000-000000000000, X-Amz-Function-Error=Unhandled}\n\
Fri Jun 28 23:38:28 UTC 2024 : Lambda execution failed with status 200 due to customer function error: Cannot read properties of undefined (reading '0'). Lambda request id: b50e7f7f-0000-4000-8000-000000000000\n\
Fri Jun  7 23:38:28 UTC 2024 : Method completed with status: 502\n";
    let t = parse_test_invoke_log(log);
    assert_eq!(t.summary.request_id, "fa541ae3-83b6-4664-b341-3d2696a2a57a");
    assert_eq!(t.lines.len(), 7);
    assert_eq!(t.lines[2].step, ExecStep::MethodRequestBody);
    assert_eq!(t.lines[2].value, "{\n  \"a\": 1\n}");
    let s = &t.summary;
    assert_eq!(s.status, Some(502));
    assert_eq!(s.integration_status, Some(200));
    assert_eq!(s.integration_latency_ms, Some(284));
    assert_eq!(
        s.function_error.as_deref(),
        Some("Cannot read properties of undefined (reading '0')")
    );
    assert_eq!(
        s.lambda_request_id.as_deref(),
        Some("b50e7f7f-0000-4000-8000-000000000000")
    );
}

#[test]
fn an_empty_or_garbage_test_invoke_log_is_an_empty_trace() {
    assert!(parse_test_invoke_log("").lines.is_empty());
    let t = parse_test_invoke_log("\u{0}\u{1b}[2J garbage\n\n");
    assert_eq!(t.lines.len(), 1);
    assert_eq!(t.lines[0].step, ExecStep::Other);
}

#[test]
fn gateway_response_line_gives_type_and_status() {
    let l = parse_exec_line(
        0,
        &line("Gateway response type: AUTHORIZER_CONFIGURATION_ERROR with status code: 500"),
    );
    let s = summarize(RID, &[l]);
    assert_eq!(
        s.gateway_response_type.as_deref(),
        Some("AUTHORIZER_CONFIGURATION_ERROR")
    );
    assert_eq!(s.gateway_response_status, Some(500));
}

#[test]
fn log_group_of_a_stage() {
    assert_eq!(
        log_group_name("h733q2j6gb", "Prod"),
        "API-Gateway-Execution-Logs_h733q2j6gb/Prod"
    );
}
