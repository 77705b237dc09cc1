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
