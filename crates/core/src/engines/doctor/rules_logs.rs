//! Log-side rules: the access-log record (`integrationErrorMessage`,
//! `authorizer.error`, `integrationStatus` vs `integration.status`,
//! latencies, `error.responseType`), the Lambda's lines (REPORT, timeouts,
//! crashes) and logged events. They confirm a response-side guess or
//! overturn it (reference §0.1, §2.3, §5.4).

use super::evidence::Evidence;
use super::lint::has_var;
use super::rules_lambda;
use super::rules_limits::throttle_code;
use super::rules_server::latency_near;
use super::text::{clip, jwt_reason, ms, present};
use crate::domain::{AccessLogRecord, ApiType, Certainty, Finding, LambdaLine, Severity};
use crate::domain::{AuthorizationType, FindingCode};

const LOGS: Certainty = Certainty::ConfirmedByLogs;

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let records = records_of_request(ev);
    if records.is_empty() && ev.logs_searched && ev.response.is_some() {
        out.push(
            Finding::new(
                FindingCode::NotInAccessLog,
                LOGS,
                "No access-log record was found for this request",
            )
            .evidence(match ev.response.as_ref().and_then(|r| r.request_id()) {
                Some(id) => format!("searched for request id {id}"),
                None => "the response carried no request id".into(),
            }),
        );
    }
    let mut lambda_failed = false;
    for rec in &records {
        access_record(ev, rec, out);
    }
    let status = ev.status();
    for line in lines_of_invocation(ev, &records) {
        lambda_failed |= rules_lambda::lambda_line(ev, line, status, out);
    }
    // Integration status 200 + gateway 5xx with no function-error text and no
    // sign of a crash in the Lambda's lines: the answer's shape was rejected.
    for rec in &records {
        malformed_by_elimination(ev, rec, lambda_failed, out);
    }
    rules_lambda::events(ev, out);
}

/// The access records of this request: matched by the response's request
/// id when there is one, else all the evidence holds.
fn records_of_request(ev: &Evidence) -> Vec<&AccessLogRecord> {
    let Some(resp) = ev.response.as_ref() else {
        return ev.access_logs.iter().collect();
    };
    let id = resp.request_id();
    let apigw_id = resp.header("x-amz-apigw-id");
    if id.is_none() && apigw_id.is_none() {
        return ev.access_logs.iter().collect();
    }
    // HTTP API: apigw-requestid = requestId; REST: x-amzn-RequestId =
    // requestId and x-amz-apigw-id = extendedRequestId.
    ev.access_logs
        .iter()
        .filter(|r| {
            let rid = r.request_id.as_deref();
            let ext = r.extended_request_id.as_deref();
            (id.is_some() && (rid == id || ext == id)) || (apigw_id.is_some() && ext == apigw_id)
        })
        .collect()
}

/// Lambda lines of the invocation the records name (all when none is named).
fn lines_of_invocation<'a>(ev: &'a Evidence, records: &[&AccessLogRecord]) -> Vec<&'a LambdaLine> {
    let ids: Vec<&str> = records
        .iter()
        .filter_map(|r| present(r.integration_request_id.as_deref()))
        .collect();
    ev.lambda_lines
        .iter()
        .filter(|l| ids.is_empty() || l.request_id.as_deref().is_none_or(|id| ids.contains(&id)))
        .collect()
}

fn rest(ev: &Evidence) -> bool {
    ev.api_type() == Some(ApiType::Rest)
}

fn field(name: &str, value: impl std::fmt::Display) -> String {
    format!("access log {name}: {value}")
}

fn access_record(ev: &Evidence, rec: &AccessLogRecord, out: &mut Vec<Finding>) {
    let status = rec.status.or_else(|| ev.status());
    if let Some(err) = present(rec.authorizer_error.as_deref()) {
        out.push(authorizer_error(ev, err, status));
    }
    if let Some(err) = present(rec.integration_error.as_deref()) {
        out.push(integration_error(ev, err, status));
    }
    let timeout = ev.integration_timeout_ms();
    if let (Some(503 | 504), Some(lat), Some(t)) = (status, rec.integration_latency_ms, timeout)
        && latency_near(lat, t)
    {
        out.push(
            Finding::new(
                FindingCode::IntegrationTimeout,
                LOGS,
                format!(
                    "The integration ran {} against a {} integration timeout",
                    ms(lat),
                    ms(t)
                ),
            )
            .evidence(field("integrationLatency", ms(lat)))
            .evidence(field("status", status.unwrap_or_default())),
        );
    } else if let (Some(s), Some(lat), Some(t)) = (status, rec.integration_latency_ms, timeout)
        && s < 500
        && lat >= t * 0.8
    {
        out.push(
            Finding::new(
                FindingCode::IntegrationLatencyNearTimeout,
                LOGS,
                format!("The integration took {} of a {} timeout", ms(lat), ms(t)),
            )
            .evidence(field("integrationLatency", ms(lat))),
        );
    }
    if rec.integration_status == Some(429) {
        out.push(
            Finding::new(
                FindingCode::LambdaThrottled,
                LOGS,
                "Lambda throttled the invocation (429 from the Invoke API)",
            )
            .evidence(field("integrationStatus", 429)),
        );
    }
    if let (Some(f), Some(s)) = (rec.function_status, status)
        && f == s
        && s >= 400
    {
        out.push(
            Finding::new(
                FindingCode::FunctionReturnedStatus,
                LOGS,
                format!("The function itself returned {s}; API Gateway passed it through"),
            )
            .evidence(field("integration.status", f)),
        );
    }
    no_integration(ev, rec, status, out);
    if let Some(t) = present(rec.error_type.as_deref()) {
        response_type(ev, rec, t, out);
    }
}

fn authorizer_error(ev: &Evidence, err: &str, status: Option<u16>) -> Finding {
    let evidence = field("authorizer.error", clip(err, 300));
    if err.contains("permissions to call the authorizer") {
        return Finding::new(
            FindingCode::AuthorizerPermission,
            LOGS,
            "API Gateway is not allowed to invoke the Lambda authorizer",
        )
        .evidence(evidence);
    }
    if err.contains("IAM Authorizer") || err.contains("match the format that API Gateway expects") {
        return Finding::new(
            FindingCode::IamNotSigned,
            LOGS,
            "The route uses IAM authorization and the request was not (correctly) signed",
        )
        .evidence(evidence);
    }
    if let Some((code, _)) = jwt_reason(err) {
        return Finding::new(
            code,
            LOGS,
            format!("The JWT authorizer rejected the token: {}", clip(err, 120)),
        )
        .severity(Severity::Error)
        .evidence(evidence)
        .fix_args(&ev.fix_args());
    }
    let (code, title) = match status {
        Some(403) => (
            FindingCode::AuthorizerDenied,
            "The authorizer denied the request",
        ),
        Some(401) => (
            FindingCode::AuthorizerUnauthorized,
            "The authorizer rejected the caller",
        ),
        _ => (
            FindingCode::AuthorizerFailure,
            "The Lambda authorizer failed (error, timeout or malformed response)",
        ),
    };
    Finding::new(code, LOGS, title)
        .evidence(evidence)
        .fix_args(&ev.fix_args())
}

fn integration_error(ev: &Evidence, err: &str, status: Option<u16>) -> Finding {
    let evidence = field("integrationErrorMessage", clip(err, 300));
    let lower = err.to_ascii_lowercase();
    // The fix is the code's registered one, naming the route's function.
    let args = ev.fix_args();
    let f = |code: FindingCode, sev: Severity, title: &str| {
        Finding::new(code, LOGS, title.to_string())
            .severity(sev)
            .evidence(evidence.clone())
            .fix_args(&args)
    };
    if lower.contains("permissions to call the integration")
        || lower.contains("invalid permissions on lambda")
    {
        return f(
            FindingCode::MissingInvokePermission,
            Severity::Error,
            "API Gateway is not allowed to invoke the function",
        );
    }
    if lower.contains("task timed out after") {
        return f(
            FindingCode::FunctionTimeout,
            Severity::Error,
            "The function hit its own Lambda timeout",
        );
    }
    if lower.contains("outofmemory") || lower.contains("signal: killed") {
        return f(
            FindingCode::FunctionOutOfMemory,
            Severity::Error,
            "The function ran out of memory",
        );
    }
    if lower.contains("returned the following error")
        || lower.contains("customer function error")
        || lower.contains("process exited before completing")
    {
        return f(
            FindingCode::FunctionError,
            Severity::Error,
            "The function threw an error",
        );
    }
    if lower.contains("malformed")
        || lower.contains("wrong type for field")
        || lower.contains("proxy response")
    {
        return f(
            FindingCode::MalformedProxyResponse,
            Severity::Error,
            "The function's answer is not a valid proxy response",
        );
    }
    if lower.contains("rate exceeded")
        || lower.contains("status: 429")
        || lower.contains("toomanyrequests")
    {
        return f(
            FindingCode::LambdaThrottled,
            Severity::Error,
            "Lambda throttled the invocation",
        );
    }
    if lower.contains("requestentitytoolarge") || lower.contains("request must be smaller") {
        return f(
            FindingCode::LambdaPayloadLimit,
            Severity::Error,
            "The payload exceeded Lambda's 6 MB invoke limit",
        );
    }
    if lower.contains("timeout") || lower.contains("timed out") {
        return f(
            FindingCode::IntegrationTimeout,
            Severity::Error,
            "API Gateway stopped waiting for the integration",
        );
    }
    let code = if rest(ev) {
        FindingCode::IntegrationResponseRejected
    } else {
        FindingCode::HttpApiInternalError
    };
    f(
        code,
        if status.is_some_and(|s| s >= 500) {
            Severity::Error
        } else {
            Severity::Warning
        },
        "The integration failed",
    )
}

/// 404 / 429 records with no integration at all: API Gateway answered itself.
fn no_integration(
    ev: &Evidence,
    rec: &AccessLogRecord,
    status: Option<u16>,
    out: &mut Vec<Finding>,
) {
    let integrated = rec.integration_status.is_some()
        || rec.integration_latency_ms.is_some_and(|l| l >= 0.0)
        || present(rec.integration_request_id.as_deref()).is_some();
    if integrated {
        return;
    }
    match status {
        Some(404) if !rest(ev) => out.push(
            Finding::new(
                FindingCode::NoRouteMatched,
                LOGS,
                "No route matched: API Gateway answered 404 without calling an integration",
            )
            .evidence(field("status", 404))
            .evidence(field(
                "routeKey",
                present(rec.route_key.as_deref()).unwrap_or("(none)"),
            )),
        ),
        Some(429) => {
            // A quota refusal is a 429 too: the response type (or the body) tells.
            let quota = present(rec.error_type.as_deref()) == Some("QUOTA_EXCEEDED")
                || ev.response.as_ref().is_some_and(|r| {
                    super::fingerprint::classify(r).body
                        == Some(super::fingerprint::GatewayBody::LimitExceeded)
                });
            if quota {
                out.push(
                    Finding::new(
                        FindingCode::UsagePlanQuotaExceeded,
                        LOGS,
                        "API Gateway refused the request: the API key's usage-plan quota is used up",
                    )
                    .evidence(field("status", 429)),
                );
                return;
            }
            out.push(
                Finding::new(
                    throttle_code(ev),
                    LOGS,
                    "API Gateway throttled the request before calling the integration",
                )
                .evidence(field("status", 429)),
            )
        }
        _ => {}
    }
}

/// `$context.error.responseType`: the gateway response API Gateway chose.
fn response_type(ev: &Evidence, rec: &AccessLogRecord, t: &str, out: &mut Vec<Finding>) {
    let code = match t {
        "THROTTLED" => throttle_code(ev),
        "QUOTA_EXCEEDED" => FindingCode::UsagePlanQuotaExceeded,
        "INTEGRATION_TIMEOUT" => FindingCode::IntegrationTimeout,
        "AUTHORIZER_FAILURE" | "AUTHORIZER_CONFIGURATION_ERROR" => FindingCode::AuthorizerFailure,
        "INVALID_SIGNATURE" => FindingCode::IamSignatureMismatch,
        "EXPIRED_TOKEN" => FindingCode::IamExpiredCredentials,
        "REQUEST_TOO_LARGE" => FindingCode::PayloadTooLarge,
        "INVALID_API_KEY" => FindingCode::ApiKeyInvalid,
        "RESOURCE_NOT_FOUND" => FindingCode::NoRouteMatched,
        "MISSING_AUTHENTICATION_TOKEN" if rest(ev) => {
            if ev
                .route()
                .is_some_and(|r| r.authorized_by(&AuthorizationType::AwsIam))
            {
                FindingCode::IamNotSigned
            } else {
                FindingCode::RestNoSuchResource
            }
        }
        _ => return,
    };
    let mut f = Finding::new(
        code,
        LOGS,
        format!("API Gateway answered with its {t} gateway response"),
    )
    .severity(Severity::Error)
    .evidence(field("error.responseType", t));
    if let Some(m) = present(rec.error_message.as_deref()) {
        f = f.evidence(field("error.message", clip(m, 200)));
    }
    out.push(f);
}

fn malformed_by_elimination(
    ev: &Evidence,
    rec: &AccessLogRecord,
    lambda_failed: bool,
    out: &mut Vec<Finding>,
) {
    let status = rec.status.or_else(|| ev.status());
    let rejected = if rest(ev) { 502 } else { 500 };
    let ok_invoke = rec
        .integration_status
        .is_some_and(|s| (200..300).contains(&s));
    // The function answering that status itself is not a rejection.
    let chose_it = rec.function_status.is_some() && rec.function_status == status;
    if status != Some(rejected) || !ok_invoke || lambda_failed || chose_it {
        return;
    }
    if present(rec.integration_error.as_deref()).is_some()
        || present(rec.authorizer_error.as_deref()).is_some()
    {
        return;
    }
    let mut f = Finding::new(
        FindingCode::MalformedProxyResponse,
        LOGS,
        "Lambda ran fine but API Gateway rejected its answer: malformed proxy response",
    )
    .evidence(field(
        "integrationStatus",
        rec.integration_status.unwrap_or_default(),
    ))
    .evidence(field("status", rejected));
    // Without integrationErrorMessage in the format, a function error cannot be ruled out.
    let format_logs_errors = ev.stage_config().is_some_and(|s| {
        s.access_logging().format().is_some_and(|f| {
            has_var(f, "integrationErrorMessage") || has_var(f, "integration.error")
        })
    });
    let logged_error_field = format_logs_errors
        || rec.integration_error.is_some()
        || ["integrationErrorMessage", "integration.error"]
            .iter()
            .any(|k| rec.fields.contains_key(k));
    if !logged_error_field && ev.lambda_lines.is_empty() {
        f = f
            .evidence("the access-log format has no integrationErrorMessage, so a function error is not ruled out")
            .unverified();
    }
    out.push(f);
}
