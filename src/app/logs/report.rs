//! The JSON shape of one correlated request: `gatescope logs --output json`
//! prints one per access record (NDJSON with `--follow`). A stable contract
//! for scripts: fields are only ever added.

use serde_json::{Value, json};

use crate::domain::{CorrelatedRecord, LambdaLineKind, LambdaReport};

fn report_json(r: &LambdaReport) -> Value {
    json!({
        "durationMs": r.duration_ms,
        "billedMs": r.billed_ms,
        "memoryMb": r.memory_mb,
        "maxMemoryMb": r.max_memory_mb,
        "initMs": r.init_ms,
        "status": r.status,
    })
}

fn kind_name(k: &LambdaLineKind) -> &'static str {
    match k {
        LambdaLineKind::Start { .. } => "start",
        LambdaLineKind::End => "end",
        LambdaLineKind::Report(_) => "report",
        LambdaLineKind::Timeout { .. } => "timeout",
        LambdaLineKind::Log { .. } => "log",
        LambdaLineKind::Event => "event",
    }
}

/// The error text worth showing first: integration, then authorizer, then
/// API Gateway's own message.
pub(crate) fn error_text(c: &CorrelatedRecord) -> Option<&str> {
    let a = &c.access;
    a.integration_error
        .as_deref()
        .or(a.authorizer_error.as_deref())
        .or(a.error_message.as_deref())
}

/// RFC 3339 with milliseconds, UTC.
pub(crate) fn rfc3339_ms(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

/// One record as the CLI prints it.
pub(crate) fn record_json(c: &CorrelatedRecord) -> Value {
    let a = &c.access;
    let lines: Vec<Value> = c
        .lambda_lines
        .iter()
        .map(|l| {
            json!({
                "timestamp": rfc3339_ms(l.timestamp_ms),
                "kind": kind_name(&l.kind),
                "level": match &l.kind { LambdaLineKind::Log { level } => level.clone(), _ => None },
                "message": l.message,
            })
        })
        .collect();
    let lambda = if c.lambda_lines.is_empty() && c.lambda_request_id.is_none() {
        Value::Null
    } else {
        json!({
            "logGroup": c.lambda_lines.first().map(|l| l.log_group.clone()),
            "lines": lines,
            "report": c.report.as_ref().map(report_json),
            "timedOut": c.timed_out,
        })
    };
    json!({
        "timestamp": rfc3339_ms(a.timestamp_ms),
        "requestId": a.request_id,
        "routeKey": a.route_key,
        "method": a.http_method,
        "path": a.path,
        "status": a.status,
        "integrationStatus": a.integration_status,
        "functionStatus": a.function_status,
        "latencyMs": a.latency_ms,
        "integrationLatencyMs": a.integration_latency_ms,
        "errorMessage": error_text(c),
        "lambdaRequestId": c.lambda_request_id,
        "matched": !c.unmatched,
        "matchedBy": c.matched_by,
        "lambda": lambda,
        "event": c.event,
        "access": a,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccessLogRecord;

    #[test]
    fn shape_has_the_documented_keys() {
        let c = CorrelatedRecord {
            access: AccessLogRecord {
                timestamp_ms: 1_795_599_665_123,
                request_id: Some("A=".into()),
                status: Some(502),
                integration_error: Some("boom".into()),
                error_message: Some("Internal Server Error".into()),
                ..Default::default()
            },
            lambda_request_id: Some("L".into()),
            report: Some(LambdaReport {
                duration_ms: Some(1.5),
                ..Default::default()
            }),
            unmatched: true,
            ..Default::default()
        };
        let v = record_json(&c);
        for k in [
            "timestamp",
            "requestId",
            "routeKey",
            "status",
            "integrationStatus",
            "latencyMs",
            "errorMessage",
            "lambdaRequestId",
            "lambda",
            "event",
        ] {
            assert!(v.get(k).is_some(), "{k}");
        }
        assert_eq!(v["timestamp"], "2026-11-25T09:41:05.123Z");
        assert_eq!(v["errorMessage"], "boom");
        assert_eq!(v["lambda"]["report"]["durationMs"], 1.5);
        assert!(v["lambda"]["lines"].as_array().unwrap().is_empty());
        assert!(v["event"].is_null());
        let none = record_json(&CorrelatedRecord::default());
        assert!(none["lambda"].is_null());
    }
}
