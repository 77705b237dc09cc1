//! REST execution-log lines → [`ExecLine`], grouped by request into
//! [`ExecTrace`]s with a [`ExecSummary`] (reference §12).
//!
//! Never fails: a line whose wording is unknown is an `Other` step kept as
//! logged. The `(<requestId>) ` prefix is optional (2016 logs lacked it);
//! lines without it join the request named by the last `Starting execution
//! for request: <id>` line, and the log of a `TestInvokeMethod` call
//! (`<Java date> : <text>` lines after a header) is read with
//! [`parse_test_invoke_log`].
//!
//! ```
//! use gatescope_core::engines::exec_log::parse_exec_line;
//! use gatescope_core::domain::ExecStep;
//! let l = parse_exec_line(0, "(5a1f0c2e-0000-4000-8000-000000000001) Method completed with status: 403");
//! assert_eq!(l.step, ExecStep::MethodCompleted);
//! assert_eq!(l.value, "403");
//! ```

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::domain::{ExecLine, ExecStep, ExecSummary, ExecTrace, UsagePlanVerdict};

/// What API Gateway appends to an event it cut at 1,024 bytes.
const TRUNCATED: &str = " [TRUNCATED]";

/// Label prefixes in the order they are tried; the value is what follows.
/// Longer labels that share a start with a shorter one come first.
const LABELS: &[(&str, ExecStep)] = &[
    ("Extended Request Id: ", ExecStep::ExtendedRequestId),
    ("Starting authorizer: ", ExecStep::AuthorizerStarted),
    ("Incoming identity: ", ExecStep::AuthorizerIdentity),
    (
        "Authorizer result body before parsing: ",
        ExecStep::AuthorizerResult,
    ),
    (
        "Using valid authorizer policy for principal: ",
        ExecStep::AuthorizerPolicy,
    ),
    (
        "Successfully completed authorizer execution",
        ExecStep::AuthorizerCompleted,
    ),
    (
        "Verifying Usage Plan for request: ",
        ExecStep::UsagePlanVerify,
    ),
    ("Key throttle limit exceeded for ", ExecStep::KeyThrottled),
    (
        "Usage Plan check succeeded for ",
        ExecStep::UsagePlanCheckSucceeded,
    ),
    ("Usage Plan check failed", ExecStep::UsagePlanCheckFailed),
    (
        "Starting execution for request: ",
        ExecStep::StartingExecution,
    ),
    ("HTTP Method: ", ExecStep::HttpMethod),
    ("Method request path: ", ExecStep::MethodRequestPath),
    (
        "Method request query string: ",
        ExecStep::MethodRequestQuery,
    ),
    ("Method request headers: ", ExecStep::MethodRequestHeaders),
    (
        "Method request body before transformations:",
        ExecStep::MethodRequestBody,
    ),
    ("Request validation ", ExecStep::RequestValidation),
    ("Endpoint request URI: ", ExecStep::EndpointRequestUri),
    (
        "Endpoint request headers: ",
        ExecStep::EndpointRequestHeaders,
    ),
    (
        "Endpoint request body after transformations:",
        ExecStep::EndpointRequestBody,
    ),
    ("Sending request to ", ExecStep::SendingRequest),
    ("Received response. ", ExecStep::ReceivedResponse),
    (
        "Endpoint response headers: ",
        ExecStep::EndpointResponseHeaders,
    ),
    (
        "Endpoint response body before transformations:",
        ExecStep::EndpointResponseBody,
    ),
    (
        "Execution failed due to configuration error: ",
        ExecStep::ConfigurationError,
    ),
    ("Execution failed due to ", ExecStep::ExecutionFailed),
    ("Execution failed", ExecStep::ExecutionFailed),
    (
        "Lambda execution failed with status ",
        ExecStep::FunctionError,
    ),
    (
        "Method response body after transformations:",
        ExecStep::MethodResponseBody,
    ),
    ("Method response headers: ", ExecStep::MethodResponseHeaders),
    (
        "Successfully completed execution",
        ExecStep::CompletedExecution,
    ),
    ("Method completed with status: ", ExecStep::MethodCompleted),
    (
        "AWS Integration Endpoint RequestId : ",
        ExecStep::IntegrationRequestId,
    ),
    (
        "AWS Integration Endpoint RequestId: ",
        ExecStep::IntegrationRequestId,
    ),
    ("X-ray Tracing ID : ", ExecStep::XrayTraceId),
    ("X-ray Tracing ID: ", ExecStep::XrayTraceId),
    ("Gateway response type: ", ExecStep::GatewayResponse),
    ("API Key: ", ExecStep::ApiKey),
];

/// Split `(<id>) rest` into the id and the rest. The id is one token of
/// printable, non-space characters (a UUID in practice; `test-request` in
/// old test invokes).
fn split_prefix(msg: &str) -> (Option<&str>, &str) {
    let Some(rest) = msg.strip_prefix('(') else {
        return (None, msg);
    };
    match rest.find(')') {
        Some(end)
            if end > 0
                && end <= 100
                && rest[..end]
                    .chars()
                    .all(|c| c.is_ascii_graphic() && c != '(') =>
        {
            let text = &rest[end + 1..];
            (Some(&rest[..end]), text.strip_prefix(' ').unwrap_or(text))
        }
        _ => (None, msg),
    }
}

/// The step and value of a text already stripped of any prefix.
fn classify(text: &str) -> (ExecStep, &str) {
    for (label, step) in LABELS {
        if let Some(v) = text.strip_prefix(label) {
            return (*step, v.strip_prefix(' ').unwrap_or(v));
        }
    }
    // `API Key <masked> authorized because ... does not require API Key` and
    // `API Key <masked> not authorized because ...`: the key sits in the middle.
    if text.starts_with("API Key ") {
        if text.contains(" not authorized because ") {
            return (ExecStep::ApiKeyNotAuthorized, text);
        }
        if text.contains(" authorized because ") {
            return (ExecStep::ApiKeyNotRequired, text);
        }
    }
    (ExecStep::Other, text)
}

/// Parse one CloudWatch event of an execution-log group.
pub fn parse_exec_line(timestamp_ms: i64, message: &str) -> ExecLine {
    let msg = message.trim_end_matches(['\n', '\r']);
    let (request_id, text) = split_prefix(msg);
    parse_text(timestamp_ms, request_id.map(str::to_string), text)
}

fn parse_text(timestamp_ms: i64, request_id: Option<String>, text: &str) -> ExecLine {
    let (text, truncated) = match text.strip_suffix(TRUNCATED) {
        Some(t) => (t, true),
        None => (text, false),
    };
    let (step, value) = classify(text);
    ExecLine {
        timestamp_ms,
        request_id,
        step,
        value: value.to_string(),
        truncated,
    }
}

/// The request id a line belongs to: its prefix, else the id a
/// `Starting execution for request:` line names.
fn own_request_id(line: &ExecLine) -> Option<&str> {
    line.request_id
        .as_deref()
        .or_else(|| (line.step == ExecStep::StartingExecution).then(|| line.value.trim()))
}

/// Group parsed lines by request, in order of each request's first line;
/// lines without an id follow the last request seen. Each trace is summarised.
pub fn group_by_request(lines: impl IntoIterator<Item = ExecLine>) -> Vec<ExecTrace> {
    let mut order: Vec<String> = Vec::new();
    let mut by_id: HashMap<String, Vec<ExecLine>> = HashMap::new();
    let mut orphans: Vec<ExecLine> = Vec::new();
    let mut current: Option<String> = None;
    for line in lines {
        let id = own_request_id(&line)
            .map(str::to_string)
            .or(current.clone());
        match id {
            Some(id) => {
                if !by_id.contains_key(&id) {
                    order.push(id.clone());
                }
                let group = by_id.entry(id.clone()).or_default();
                // Lines seen before any id belong to the first request.
                group.append(&mut orphans);
                group.push(line);
                current = Some(id);
            }
            None => orphans.push(line),
        }
    }
    let mut traces: Vec<ExecTrace> = order
        .into_iter()
        .map(|id| {
            let lines = by_id.remove(&id).unwrap_or_default();
            ExecTrace {
                summary: summarize(&id, &lines),
                lines,
            }
        })
        .collect();
    if !orphans.is_empty() {
        traces.push(ExecTrace {
            summary: summarize("", &orphans),
            lines: orphans,
        });
    }
    traces
}

static JAVA_DATE: LazyLock<Regex> = LazyLock::new(|| {
    // `Fri Jun 28 23:38:27 UTC 2024 : ` (Java Date.toString())
    Regex::new(r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9]?[0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [A-Za-z+:0-9-]{1,10} [0-9]{4} : ")
        .expect("static regex")
});

/// The `log` of a `TestInvokeMethod` answer: a header line (`Execution log
/// for request <id>`), then `<date> : <text>` lines; a line without the date
/// continues the previous one (multi-line bodies and error messages).
pub fn parse_test_invoke_log(log: &str) -> ExecTrace {
    let mut request_id: Option<String> = None;
    let mut texts: Vec<String> = Vec::new();
    for raw in log.lines() {
        if let Some(id) = raw.strip_prefix("Execution log for request ") {
            request_id = Some(id.trim().to_string());
            continue;
        }
        match JAVA_DATE.find(raw) {
            Some(m) => texts.push(raw[m.end()..].to_string()),
            None => match texts.last_mut() {
                Some(prev) => {
                    prev.push('\n');
                    prev.push_str(raw);
                }
                None if raw.trim().is_empty() => {}
                None => texts.push(raw.to_string()),
            },
        }
    }
    let lines: Vec<ExecLine> = texts
        .iter()
        .map(|t| parse_text(0, request_id.clone(), t))
        .collect();
    let id = request_id
        .clone()
        .or_else(|| {
            lines
                .iter()
                .find_map(|l| own_request_id(l).map(str::to_string))
        })
        .unwrap_or_default();
    ExecTrace {
        summary: summarize(&id, &lines),
        lines,
    }
}

static RECEIVED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:Status: (\d{3}), )?Integration latency: (\d+) ?ms").expect("static regex")
});
static FUNCTION_ERROR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?s)^(\d{3}) due to customer function error: (.*?)(?:\. Lambda request id: ([0-9A-Za-z-]+))?\s*$")
        .expect("static regex")
});
static USAGE_VERIFY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"API Key:\s*(\S*)\s+API Stage: (\S+)").expect("static regex"));
static KEY_THROTTLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"Limit: ([0-9.]+)(?: Burst: (\d+))?").expect("static regex"));
static GATEWAY_RESPONSE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\S+) with status code: (\d{3})").expect("static regex"));
static HTTP_METHOD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\S+), Resource Path: (.*)$").expect("static regex"));
static HEADER_VALUE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:^\{|, )(x-amzn-RequestId|X-Amz-Function-Error)=([^,}]*)")
        .expect("static regex")
});
static NOT_AUTHORIZED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s) not authorized because (.*)$").expect("static regex"));
static AUTHORIZER_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(\S+) for request").expect("static regex"));

fn status(s: &str) -> Option<u16> {
    s.trim().parse().ok().filter(|n| (100..=599).contains(n))
}

/// Lambda ARN inside an endpoint URI `https://lambda.../functions/<arn>/invocations`.
fn function_of_uri(uri: &str) -> String {
    match uri.split_once("/functions/") {
        Some((_, rest)) => rest.trim_end_matches("/invocations").to_string(),
        None => uri.trim().to_string(),
    }
}

/// Summarise one request's lines. Lines after an authorizer start and before
/// `Successfully completed authorizer execution` describe the authorizer's
/// own Lambda call, so they do not fill the integration's fields.
pub fn summarize(request_id: &str, lines: &[ExecLine]) -> ExecSummary {
    let mut s = ExecSummary {
        request_id: request_id.to_string(),
        first_ms: lines.iter().map(|l| l.timestamp_ms).min().unwrap_or(0),
        last_ms: lines.iter().map(|l| l.timestamp_ms).max().unwrap_or(0),
        ..ExecSummary::default()
    };
    let mut in_authorizer = false;
    for l in lines {
        if l.truncated {
            s.truncated_lines += 1;
        }
        let v = l.value.as_str();
        match l.step {
            ExecStep::ExtendedRequestId => s.extended_request_id = Some(v.trim().to_string()),
            ExecStep::AuthorizerStarted => {
                in_authorizer = true;
                s.authorizer_id = AUTHORIZER_ID
                    .captures(v)
                    .map(|c| c[1].to_string())
                    .or_else(|| Some(v.trim().to_string()));
            }
            ExecStep::AuthorizerCompleted => in_authorizer = false,
            ExecStep::UsagePlanVerify => {
                in_authorizer = false;
                if let Some(c) = USAGE_VERIFY.captures(v) {
                    s.api_key_masked = Some(c[1].to_string()).filter(|k| !k.is_empty());
                    s.api_stage = Some(c[2].to_string());
                }
            }
            ExecStep::ApiKeyNotRequired => s.usage_plan = Some(UsagePlanVerdict::NotRequired),
            ExecStep::ApiKeyNotAuthorized => {
                let reason = NOT_AUTHORIZED
                    .captures(v)
                    .map(|c| c[1].trim().to_string())
                    .unwrap_or_else(|| v.to_string());
                s.usage_plan = Some(UsagePlanVerdict::NotAuthorized { reason });
            }
            ExecStep::KeyThrottled => {
                let c = KEY_THROTTLE.captures(v);
                s.usage_plan = Some(UsagePlanVerdict::Throttled {
                    rate_limit: c.as_ref().and_then(|c| c[1].parse().ok()),
                    burst_limit: c
                        .as_ref()
                        .and_then(|c| c.get(2))
                        .and_then(|m| m.as_str().parse().ok()),
                });
            }
            ExecStep::UsagePlanCheckSucceeded if s.usage_plan.is_none() => {
                s.usage_plan = Some(UsagePlanVerdict::Succeeded);
            }
            ExecStep::UsagePlanCheckFailed => s.usage_plan = Some(UsagePlanVerdict::CheckFailed),
            ExecStep::StartingExecution => in_authorizer = false,
            ExecStep::HttpMethod => {
                if let Some(c) = HTTP_METHOD.captures(v) {
                    s.http_method = Some(c[1].to_string());
                    s.path = Some(c[2].trim().to_string());
                }
            }
            ExecStep::ApiKey if s.api_key_masked.is_none() => {
                s.api_key_masked = Some(v.trim().to_string()).filter(|k| !k.is_empty());
            }
            ExecStep::EndpointRequestUri if !in_authorizer => {
                s.endpoint_uri = Some(function_of_uri(v));
            }
            ExecStep::ReceivedResponse if !in_authorizer => {
                if let Some(c) = RECEIVED.captures(v) {
                    s.integration_status = c.get(1).and_then(|m| status(m.as_str()));
                    s.integration_latency_ms = c[2].parse().ok();
                }
            }
            ExecStep::EndpointResponseHeaders if !in_authorizer => {
                for c in HEADER_VALUE.captures_iter(v) {
                    let value = c[2].trim().to_string();
                    if c[1].eq_ignore_ascii_case("x-amzn-RequestId") {
                        s.lambda_request_id.get_or_insert(value);
                    } else {
                        s.function_error_header = Some(value);
                    }
                }
            }
            ExecStep::FunctionError => {
                if let Some(c) = FUNCTION_ERROR.captures(v) {
                    s.function_error = Some(c[2].to_string());
                    if let Some(id) = c.get(3) {
                        s.lambda_request_id = Some(id.as_str().to_string());
                    }
                } else {
                    s.function_error = Some(v.to_string());
                }
            }
            ExecStep::ConfigurationError => {
                s.configuration_error
                    .get_or_insert_with(|| v.trim().to_string());
            }
            ExecStep::ExecutionFailed => {
                s.execution_failed
                    .get_or_insert_with(|| v.trim().to_string());
            }
            ExecStep::GatewayResponse => {
                if let Some(c) = GATEWAY_RESPONSE.captures(v) {
                    s.gateway_response_type = Some(c[1].to_string());
                    s.gateway_response_status = status(&c[2]);
                }
            }
            ExecStep::MethodCompleted => s.status = status(v),
            ExecStep::IntegrationRequestId => {
                s.lambda_request_id = Some(v.trim().to_string());
            }
            ExecStep::XrayTraceId => s.xray_trace_id = Some(v.trim().to_string()),
            _ => {}
        }
    }
    s
}

/// The execution-log group of a REST stage.
pub fn log_group_name(rest_api_id: &str, stage: &str) -> String {
    format!("API-Gateway-Execution-Logs_{rest_api_id}/{stage}")
}
