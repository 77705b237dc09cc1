//! Response-side rules for 5xx answers and for statuses the function chose:
//! which API type answered, and which integration failure the generic body
//! points at (reference §0, §2.3).

use super::codes;
use super::evidence::Evidence;
use super::fingerprint::{Fingerprint, GatewayBody, body_excerpt, classify};
use super::text::ms;
use crate::domain::{ApiType, Certainty, Finding, HttpResponse, Severity};

const FROM: Certainty = Certainty::FromResponse;

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    let fp = classify(resp);
    api_type_mismatch(ev, resp, &fp, out);
    if resp.status >= 400 && !fp.from_gateway() {
        out.push(
            Finding::new(
                codes::FUNCTION_RETURNED_STATUS,
                Severity::Info,
                FROM,
                format!(
                    "The function itself answered {}; API Gateway passed it through",
                    resp.status
                ),
            )
            .evidence(format!(
                "body {} is not one of API Gateway's error bodies",
                body_excerpt(resp)
            ))
            .fix("Look at the function's code path for this status (its logs show why)."),
        );
        return;
    }
    if (500..=599).contains(&resp.status) {
        server_error(ev, resp, &fp, out);
    }
}

fn status_line(resp: &HttpResponse, fp: &Fingerprint) -> String {
    let mut s = format!("status {} body {}", resp.status, body_excerpt(resp));
    if let Some(t) = &fp.error_type {
        s.push_str(&format!(" x-amzn-ErrorType: {t}"));
    }
    s
}

fn api_type_mismatch(ev: &Evidence, resp: &HttpResponse, fp: &Fingerprint, out: &mut Vec<Finding>) {
    let (Some(configured), Some(seen)) = (ev.protocol().map(ApiType::from), fp.api_type) else {
        return;
    };
    if configured == seen {
        return;
    }
    let name = |t: ApiType| match t {
        ApiType::Rest => "REST API",
        ApiType::Http => "HTTP API",
    };
    out.push(
        Finding::new(
            codes::API_TYPE_MISMATCH,
            Severity::Warning,
            FROM,
            format!(
                "The error looks like a {} answered, but {} is an {}",
                name(seen),
                ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or("this API"),
                name(configured)
            ),
        )
        .evidence(status_line(resp, fp))
        .fix("Check the URL: it probably points at another API, stage or custom-domain mapping."),
    );
}

fn server_error(ev: &Evidence, resp: &HttpResponse, fp: &Fingerprint, out: &mut Vec<Finding>) {
    let evidence = status_line(resp, fp);
    if fp.error_type.as_deref() == Some("AuthorizerConfigurationException")
        || (fp.body == Some(GatewayBody::NullMessage) && resp.status == 500)
    {
        let mut f = Finding::new(
            codes::AUTHORIZER_FAILURE,
            Severity::Error,
            FROM,
            "The Lambda authorizer failed (crashed, timed out, returned a malformed policy, or cannot be invoked)",
        )
        .evidence(evidence)
        .fix("Read the authorizer function's logs; check it returns a valid policy and that API Gateway may invoke it (lambda add-permission with source ARN .../authorizers/AUTHORIZER_ID).");
        if fp.error_type.is_none() {
            f = f.unverified();
        }
        out.push(f);
        return;
    }
    let rest = ev.is_rest() || fp.api_type == Some(ApiType::Rest);
    match (fp.body, resp.status) {
        (Some(GatewayBody::RestInternalError), 502) | (None, 502) if rest => out.push(
            Finding::new(
                codes::INTEGRATION_RESPONSE_REJECTED,
                Severity::Error,
                FROM,
                "REST 502: the Lambda returned a malformed proxy response or threw an error",
            )
            .evidence(evidence)
            .fix("The logs tell which: `Malformed Lambda proxy response` means return {\"statusCode\": 200, \"headers\": {...}, \"body\": \"<string>\"} with no other keys; `customer function error` means the function threw. Enable execution logs (ERROR) or rerun `gatescope doctor` with the request to read them."),
        ),
        (Some(GatewayBody::RestInternalError), 500) => out.push(
            Finding::new(
                codes::INTEGRATION_INVOKE_FAILED,
                Severity::Error,
                FROM,
                "REST 500: API Gateway could not invoke the Lambda (missing permission or Lambda throttling)",
            )
            .evidence(evidence)
            .fix("Check `aws lambda get-policy --function-name FN` allows apigateway.amazonaws.com for this API's execute-api ARN, and the function's concurrency (Throttles metric)."),
        ),
        (Some(GatewayBody::HttpInternalError), _) => out.push(
            Finding::new(
                codes::HTTP_API_INTERNAL_ERROR,
                Severity::Error,
                FROM,
                "HTTP API 500: function error, malformed response, missing invoke permission or authorizer failure",
            )
            .evidence(evidence)
            .fix("Log $context.integrationErrorMessage and $context.authorizer.error in the stage's access log; they name the cause (gatescope doctor reads them when the request is sent through it)."),
        ),
        (Some(GatewayBody::EndpointTimedOut), _) => {
            out.push(timeout_finding(ev, resp, evidence, false));
        }
        (Some(GatewayBody::ServiceUnavailable), _) | (_, 503 | 504) => {
            if near_timeout(ev, resp) {
                out.push(timeout_finding(ev, resp, evidence, true));
            } else {
                out.push(
                    Finding::new(
                        codes::SERVICE_UNAVAILABLE,
                        Severity::Error,
                        FROM,
                        format!(
                            "{} after {}, well under the integration timeout",
                            resp.status,
                            ms(resp.timing.total_ms)
                        ),
                    )
                    .evidence(evidence)
                    .fix("Retry; if it persists check the integration endpoint's health and the access log's integrationErrorMessage."),
                );
            }
        }
        _ => {}
    }
}

fn near_timeout(ev: &Evidence, resp: &HttpResponse) -> bool {
    let Some(timeout) = ev.integration_timeout_ms() else {
        return false;
    };
    latency_near(resp.timing.total_ms, timeout)
}

/// A latency "near" a timeout: within 1.5 s or 5 % below it, or above it
/// (client-side totals include the network on top).
pub fn latency_near(latency_ms: f64, timeout_ms: f64) -> bool {
    latency_ms > 0.0 && latency_ms >= timeout_ms - (timeout_ms * 0.05).max(1500.0)
}

fn timeout_finding(ev: &Evidence, resp: &HttpResponse, evidence: String, http: bool) -> Finding {
    let timeout = ev.integration_timeout_ms();
    let mut f = Finding::new(
        codes::INTEGRATION_TIMEOUT,
        Severity::Error,
        FROM,
        "API Gateway stopped waiting for the integration (integration timeout)",
    )
    .evidence(evidence)
    .evidence(format!(
        "client saw the answer after {}",
        ms(resp.timing.total_ms)
    ));
    if let Some(t) = timeout {
        f = f.evidence(format!("integration timeout {}", ms(t)));
    }
    f = f.fix("Make the function answer faster (or run the work asynchronously); the integration timeout tops out at 30 s (HTTP API) / 29 s (REST, unless raised for Regional APIs). The function may still complete after the client got the error.");
    // HTTP API's 503 for timeouts is observed, not documented.
    if http { f.unverified() } else { f }
}
