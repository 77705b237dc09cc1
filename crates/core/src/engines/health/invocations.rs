//! Invocation health of one function from its log lines: REPORT lines (text
//! and JSON log format, `Init Duration` marking a cold start), `Task timed
//! out` lines, and Powertools structured fields (`cold_start`, `service`,
//! `correlation_id`, `xray_trace_id`) when the function logs JSON.

use serde_json::Value;

use super::series::percentile;
use crate::domain::health::{InvocationHealth, PowertoolsFields};
use crate::domain::{LambdaLineKind, RawLogEvent};
use crate::engines::lambda_log::parse_event;

/// Summarise a function's events. `timeout_s` and `integration_timeout_ms`
/// are the configured limits p99 is read against.
pub fn summarize(
    events: &[RawLogEvent],
    timeout_s: Option<f64>,
    integration_timeout_ms: Option<i64>,
) -> InvocationHealth {
    let mut h = InvocationHealth {
        function_timeout_s: timeout_s,
        integration_timeout_ms,
        ..Default::default()
    };
    let mut durations = Vec::new();
    let mut inits = Vec::new();
    let mut pt = PowertoolsFields::default();
    for ev in events {
        let line = parse_event(ev);
        match &line.kind {
            LambdaLineKind::Report(r) => {
                h.invocations += 1;
                if let Some(d) = r.duration_ms {
                    durations.push(d);
                }
                if let Some(i) = r.init_ms {
                    h.cold_starts += 1;
                    inits.push(i);
                }
                if let Some(m) = r.max_memory_mb {
                    h.max_memory_used_mb = Some(h.max_memory_used_mb.map_or(m, |o| o.max(m)));
                }
                if r.memory_mb.is_some() {
                    h.memory_size_mb = r.memory_mb;
                }
                // The JSON log format reports a timeout in the REPORT itself.
                if r.status.as_deref() == Some("timeout") {
                    h.timeouts += 1;
                }
            }
            LambdaLineKind::Timeout { .. } => h.timeouts += 1,
            LambdaLineKind::Log { .. } => powertools(&ev.message, &mut pt),
            _ => {}
        }
    }
    h.duration_p50_ms = percentile(&durations, 50.0);
    h.duration_p99_ms = percentile(&durations, 99.0);
    h.init_p50_ms = percentile(&inits, 50.0);
    h.init_p99_ms = percentile(&inits, 99.0);
    if pt.lines > 0 {
        h.powertools = Some(pt);
    }
    h
}

/// Read Powertools' keys from a JSON line; lines without any are ignored.
fn powertools(msg: &str, pt: &mut PowertoolsFields) {
    let msg = msg.trim();
    if !msg.starts_with('{') {
        return;
    }
    let Ok(v) = serde_json::from_str::<Value>(msg) else {
        return;
    };
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    let cold = v.get("cold_start").and_then(Value::as_bool);
    let service = s("service");
    // `cold_start` and `function_request_id` come from the Lambda context
    // injection; `service` alone is any structured logger's.
    if cold.is_none() && v.get("function_request_id").is_none() {
        return;
    }
    pt.lines += 1;
    if cold == Some(true) {
        pt.cold_start_lines += 1;
    }
    if service.is_some() {
        pt.service = service;
    }
    if let Some(c) = s("correlation_id") {
        pt.correlation_id = Some(c);
    }
    if let Some(x) = s("xray_trace_id") {
        pt.xray_trace_id = Some(x);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(msg: &str) -> RawLogEvent {
        RawLogEvent {
            log_group: "/aws/lambda/f".into(),
            log_stream: Some("s".into()),
            message: msg.into(),
            ..Default::default()
        }
    }

    #[test]
    fn reports_timeouts_and_powertools_lines() {
        let lines = [
            // Text format, cold start.
            "REPORT RequestId: 6b3e0a1c-0000-4000-8000-000000000001\tDuration: 120.50 ms\tBilled Duration: 121 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 300.10 ms\t",
            // Text format, warm.
            "REPORT RequestId: 6b3e0a1c-0000-4000-8000-000000000002\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 72 MB\t",
            // A timeout: the line, then a REPORT at the limit.
            "2026-12-05T10:00:00.000Z 6b3e0a1c-0000-4000-8000-000000000003 Task timed out after 3.00 seconds",
            "REPORT RequestId: 6b3e0a1c-0000-4000-8000-000000000003\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\t",
            // JSON log format: platform.report with a cold start and a timeout status.
            r#"{"time":"2026-12-05T10:00:01.000Z","type":"platform.report","record":{"requestId":"6b3e0a1c-0000-4000-8000-000000000004","metrics":{"durationMs":3000.0,"billedDurationMs":3000,"memorySizeMB":128,"maxMemoryUsedMB":90,"initDurationMs":250.0},"status":"timeout"}}"#,
            // Powertools lines.
            r#"{"level":"INFO","location":"handler:12","message":"got order","timestamp":"2026-12-05 10:00:00,000+0000","service":"orders","cold_start":true,"function_name":"f","function_memory_size":128,"function_arn":"arn","function_request_id":"6b3e0a1c-0000-4000-8000-000000000001","correlation_id":"corr-1","xray_trace_id":"1-67-abc"}"#,
            r#"{"level":"INFO","message":"again","service":"orders","cold_start":false,"function_request_id":"6b3e0a1c-0000-4000-8000-000000000002"}"#,
            // A structured line that is not Powertools'.
            r#"{"level":"INFO","message":"plain","service":"other"}"#,
            "START RequestId: 6b3e0a1c-0000-4000-8000-000000000002 Version: $LATEST",
        ];
        let events: Vec<RawLogEvent> = lines.iter().map(|l| ev(l)).collect();
        let h = summarize(&events, Some(3.0), Some(30_000));
        assert_eq!(h.invocations, 4);
        assert_eq!(h.cold_starts, 2);
        assert_eq!(h.cold_start_share(), Some(0.5));
        assert_eq!(h.init_p50_ms, Some(250.0));
        assert_eq!(h.init_p99_ms, Some(300.1));
        assert_eq!(h.duration_p50_ms, Some(120.5));
        assert_eq!(h.duration_p99_ms, Some(3000.0));
        assert_eq!(h.timeouts, 2);
        assert_eq!(h.max_memory_used_mb, Some(90));
        assert_eq!(h.memory_size_mb, Some(128));
        assert_eq!(h.function_timeout_s, Some(3.0));
        let pt = h.powertools.expect("powertools fields");
        assert_eq!(pt.lines, 2);
        assert_eq!(pt.cold_start_lines, 1);
        assert_eq!(pt.service.as_deref(), Some("orders"));
        assert_eq!(pt.correlation_id.as_deref(), Some("corr-1"));
        assert_eq!(pt.xray_trace_id.as_deref(), Some("1-67-abc"));
    }

    #[test]
    fn nothing_logged_is_zero_invocations_without_figures() {
        let h = summarize(&[ev("hello"), ev("{not json")], None, None);
        assert_eq!(h.invocations, 0);
        assert_eq!(h.cold_start_share(), None);
        assert_eq!(h.duration_p99_ms, None);
        assert!(h.powertools.is_none());
    }
}
