//! Response-side rules for 5xx answers and for statuses the function chose:
//! which API type answered, and which integration failure the generic body
//! points at (reference §0, §2.3).

use super::evidence::Evidence;
use super::fingerprint::{Fingerprint, GatewayBody, body_excerpt, classify};
use super::text::ms;
use crate::domain::FindingCode;
use crate::domain::{ApiType, Certainty, Finding, HttpResponse};

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
                FindingCode::FunctionReturnedStatus,
                FROM,
                format!(
                    "The function itself answered {}; API Gateway passed it through",
                    resp.status
                ),
            )
            .evidence(format!(
                "body {} is not one of API Gateway's error bodies",
                body_excerpt(resp)
            )),
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
            FindingCode::ApiTypeMismatch,
            FROM,
            format!(
                "The error looks like a {} answered, but {} is an {}",
                name(seen),
                ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or("this API"),
                name(configured)
            ),
        )
        .evidence(status_line(resp, fp)),
    );
}

fn server_error(ev: &Evidence, resp: &HttpResponse, fp: &Fingerprint, out: &mut Vec<Finding>) {
    let evidence = status_line(resp, fp);
    if fp.error_type.as_deref() == Some("AuthorizerConfigurationException")
        || (fp.body == Some(GatewayBody::NullMessage) && resp.status == 500)
    {
        let mut f = Finding::new(FindingCode::AuthorizerFailure, FROM, "The Lambda authorizer failed (crashed, timed out, returned a malformed policy, or cannot be invoked)")
        .evidence(evidence);
        if fp.error_type.is_none() {
            f = f.unverified();
        }
        out.push(f);
        return;
    }
    let rest = ev.is_rest() || fp.api_type == Some(ApiType::Rest);
    match (fp.body, resp.status) {
        (Some(GatewayBody::RestInternalError), 502) | (None, 502) if rest => out.push(
            Finding::new(FindingCode::IntegrationResponseRejected, FROM, "REST 502: the Lambda returned a malformed proxy response or threw an error")
            .evidence(evidence),
        ),
        (Some(GatewayBody::RestInternalError), 500) => out.push(
            Finding::new(FindingCode::IntegrationInvokeFailed, FROM, "REST 500: API Gateway could not invoke the Lambda (missing permission or Lambda throttling)")
            .evidence(evidence),
        ),
        (Some(GatewayBody::HttpInternalError), _) => out.push(
            Finding::new(FindingCode::HttpApiInternalError, FROM, "HTTP API 500: function error, malformed response, missing invoke permission or authorizer failure")
            .evidence(evidence),
        ),
        (Some(GatewayBody::EndpointTimedOut), _) => {
            out.push(timeout_finding(ev, resp, evidence, false));
        }
        (Some(GatewayBody::ServiceUnavailable), _) | (_, 503 | 504) => {
            if near_timeout(ev, resp) {
                out.push(timeout_finding(ev, resp, evidence, true));
            } else {
                out.push(
                    Finding::new(FindingCode::ServiceUnavailable, FROM, format!(
                            "{} after {}, well under the integration timeout",
                            resp.status,
                            ms(resp.timing.total_ms)
                        ))
                    .evidence(evidence),
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
pub(crate) fn latency_near(latency_ms: f64, timeout_ms: f64) -> bool {
    latency_ms > 0.0 && latency_ms >= timeout_ms - (timeout_ms * 0.05).max(1500.0)
}

fn timeout_finding(ev: &Evidence, resp: &HttpResponse, evidence: String, http: bool) -> Finding {
    let timeout = ev.integration_timeout_ms();
    let mut f = Finding::new(
        FindingCode::IntegrationTimeout,
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
    // HTTP API's 503 for timeouts is observed, not documented.
    if http { f.unverified() } else { f }
}
