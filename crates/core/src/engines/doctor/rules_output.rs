//! When the function's raw output can be seen (a logged return value, the
//! demo gateway), run it through `engines::response`: that turns "REST 502 /
//! HTTP 500, malformed or function error?" into a definite answer and names
//! the offending field.

use super::evidence::Evidence;
use crate::domain::FindingCode;
use crate::domain::{ApiType, Certainty, Finding, PayloadFormat, Severity};
use crate::engines::response::{ResponseContext, interpret};

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(output) = ev.function_output.as_deref() else {
        echoed_output(ev, out);
        return;
    };
    let api_type = ev.api_type().unwrap_or_default();
    let payload = ev
        .route()
        .and_then(|r| r.integration.as_ref())
        .and_then(|i| i.payload_format_version.as_deref())
        .and_then(PayloadFormat::parse)
        .unwrap_or(match api_type {
            ApiType::Rest => PayloadFormat::V1,
            ApiType::Http => PayloadFormat::V2,
        });
    let mut ctx = ResponseContext::new(api_type, payload);
    if let Some(api) = ev.api.as_ref() {
        ctx.binary_media_types = api.binary_media_types.clone();
    }
    ctx.request_accept = ev
        .request
        .as_ref()
        .and_then(|r| r.header("accept"))
        .map(str::to_string);
    let verdict = interpret(output.as_bytes(), &ctx);
    let threw = verdict
        .findings
        .iter()
        .any(|f| f.code == FindingCode::FunctionError || f.code == FindingCode::FunctionTimeout);
    if !verdict.ok && !threw {
        let reasons: Vec<&str> = verdict
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .map(|f| f.code.as_str())
            .collect();
        out.push(
            Finding::new(
                FindingCode::MalformedProxyResponse,
                Certainty::Evaluated,
                format!(
                    "The function's output is not a valid proxy response: API Gateway answers {}",
                    verdict.client_status
                ),
            )
            .evidence(format!(
                "function output: {}",
                super::text::clip(output, 200)
            ))
            .evidence(format!("response rules broken: {}", reasons.join(", "))),
        );
    }
    out.extend(verdict.findings);
}

/// The proxy keys that make a returned object a proxy response (reference §2.2).
const PROXY_KEYS: [&str; 5] = [
    "body",
    "headers",
    "cookies",
    "isBase64Encoded",
    "multiValueHeaders",
];

/// Payload 2.0 answers a function output without `statusCode` with 200 and the whole
/// returned JSON as the body (reference §2.2 inference rule). So when an HTTP API
/// Lambda route on 2.0 answers 200 with a JSON object holding `body` and another
/// proxy key but no `statusCode`, the client's body IS the function's output: the
/// function meant a proxy response and forgot `statusCode`.
fn echoed_output(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    if ev.api_type() != Some(ApiType::Http) || resp.status != 200 {
        return;
    }
    let Some(integration) = ev.route().and_then(|r| r.integration.as_ref()) else {
        return;
    };
    let v2 = integration
        .payload_format_version
        .as_deref()
        .and_then(PayloadFormat::parse)
        == Some(PayloadFormat::V2);
    if !integration.is_lambda_proxy() || !v2 {
        return;
    }
    let Ok(serde_json::Value::Object(body)) = serde_json::from_slice(&resp.body) else {
        return;
    };
    let keys: Vec<&str> = PROXY_KEYS
        .into_iter()
        .filter(|k| body.contains_key(*k))
        .collect();
    if body.contains_key("statusCode") || !keys.contains(&"body") || keys.len() < 2 {
        return;
    }
    out.push(
        Finding::new(
            FindingCode::V2StatusCodeMissingWrapped,
            Certainty::FromResponse,
            "The function returned a proxy response without statusCode: payload 2.0 answered 200 with the whole object as the body",
        )
        .evidence(format!(
            "response body (status 200) is an object with {} and no statusCode",
            keys.join(", ")
        ))
        .evidence("integration payloadFormatVersion 2.0 (Lambda proxy)"),
    );
}
