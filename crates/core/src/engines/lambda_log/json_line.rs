//! JSON Lambda log lines: the JSON log format's platform events
//! (`{"time","type":"platform.report","record":{...}}`), application JSON
//! lines (`{"timestamp","level","requestId","message"}`), Powertools
//! structured logs (`level`, `message`, `function_request_id`,
//! `xray_trace_id`), and proxy events logged as JSON.

use serde_json::Value;

use super::event_adapter::{decode_event, find_event, looks_like_event};
use crate::domain::{DecodedEvent, LambdaLineKind, LambdaReport};

pub(crate) struct JsonLine {
    pub kind: LambdaLineKind,
    pub request_id: Option<String>,
    pub message: String,
    pub event: Option<DecodedEvent>,
}

pub(crate) fn parse_json_line(v: Value) -> JsonLine {
    if let Some(t) = v.get("type").and_then(Value::as_str)
        && t.starts_with("platform.")
    {
        return platform(t, &v);
    }
    if looks_like_event(&v) {
        let request_id = None;
        return JsonLine {
            kind: LambdaLineKind::Event,
            request_id,
            message: "proxy event".into(),
            event: decode_event(v),
        };
    }
    let str_of = |keys: &[&str]| {
        keys.iter()
            .find_map(|k| v.get(*k).and_then(Value::as_str))
            .map(str::to_string)
    };
    let request_id = str_of(&[
        "requestId",
        "function_request_id",
        "AWSRequestId",
        "awsRequestId",
        "aws_request_id",
    ]);
    let level = str_of(&["level", "levelname", "severity"]).map(|l| l.to_ascii_uppercase());
    let msg_value = v.get("message").or_else(|| v.get("msg"));
    // Powertools logs `logger.info(event)` as an object under `message`.
    if let Some(m) = msg_value
        && looks_like_event(m)
    {
        return JsonLine {
            kind: LambdaLineKind::Event,
            request_id,
            message: "proxy event".into(),
            event: decode_event(m.clone()),
        };
    }
    let message = match msg_value {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => v.to_string(),
    };
    if let Some(ev) = find_event(&message) {
        return JsonLine {
            kind: LambdaLineKind::Event,
            request_id,
            message,
            event: Some(ev),
        };
    }
    JsonLine {
        kind: LambdaLineKind::Log { level },
        request_id,
        message,
        event: None,
    }
}

fn platform(t: &str, v: &Value) -> JsonLine {
    let rec = v.get("record").cloned().unwrap_or(Value::Null);
    let request_id = rec
        .get("requestId")
        .and_then(Value::as_str)
        .map(str::to_string);
    let status = rec
        .get("status")
        .and_then(Value::as_str)
        .map(str::to_string);
    let kind = match t {
        "platform.start" => LambdaLineKind::Start {
            version: rec
                .get("version")
                .and_then(Value::as_str)
                .map(str::to_string),
        },
        "platform.runtimeDone" if status.as_deref() == Some("timeout") => {
            LambdaLineKind::Timeout { seconds: None }
        }
        "platform.runtimeDone" | "platform.end" => LambdaLineKind::End,
        "platform.report" => {
            let m = |k: &str| {
                rec.pointer(&format!("/metrics/{k}"))
                    .and_then(Value::as_f64)
            };
            LambdaLineKind::Report(Box::new(LambdaReport {
                duration_ms: m("durationMs"),
                billed_ms: m("billedDurationMs"),
                memory_mb: m("memorySizeMB").map(|x| x as u64),
                max_memory_mb: m("maxMemoryUsedMB").map(|x| x as u64),
                init_ms: m("initDurationMs"),
                status: status.clone(),
            }))
        }
        _ => LambdaLineKind::Log { level: None },
    };
    let message = match &status {
        Some(s) => format!("{t} ({s})"),
        None => t.to_string(),
    };
    JsonLine {
        kind,
        request_id,
        message,
        event: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &str) -> JsonLine {
        parse_json_line(serde_json::from_str(s).unwrap())
    }

    #[test]
    fn platform_report_metrics() {
        let l = parse(
            r#"{"time":"2024-01-01T00:00:01.000Z","type":"platform.report","record":{"requestId":"r1","metrics":{"durationMs":12.5,"billedDurationMs":13,"memorySizeMB":128,"maxMemoryUsedMB":70,"initDurationMs":200.1},"status":"success"}}"#,
        );
        assert_eq!(l.request_id.as_deref(), Some("r1"));
        let LambdaLineKind::Report(r) = l.kind else {
            panic!()
        };
        assert_eq!(
            (
                r.duration_ms,
                r.billed_ms,
                r.memory_mb,
                r.max_memory_mb,
                r.init_ms
            ),
            (Some(12.5), Some(13.0), Some(128), Some(70), Some(200.1))
        );
        assert_eq!(r.status.as_deref(), Some("success"));
    }

    #[test]
    fn platform_start_and_timeout() {
        let l =
            parse(r#"{"type":"platform.start","record":{"requestId":"r","version":"$LATEST"}}"#);
        assert!(matches!(l.kind, LambdaLineKind::Start { version: Some(ref v) } if v == "$LATEST"));
        let l = parse(
            r#"{"type":"platform.runtimeDone","record":{"requestId":"r","status":"timeout"}}"#,
        );
        assert!(matches!(l.kind, LambdaLineKind::Timeout { .. }));
        let l = parse(r#"{"type":"platform.initStart","record":{}}"#);
        assert!(matches!(l.kind, LambdaLineKind::Log { level: None }));
    }

    #[test]
    fn app_json_and_powertools() {
        let l = parse(r#"{"timestamp":"x","level":"ERROR","requestId":"r2","message":"boom"}"#);
        assert_eq!(l.request_id.as_deref(), Some("r2"));
        assert_eq!(l.message, "boom");
        assert!(matches!(l.kind, LambdaLineKind::Log { level: Some(ref x) } if x == "ERROR"));
        let l = parse(
            r#"{"level":"info","location":"h:1","message":"hi","service":"s","function_request_id":"r3","xray_trace_id":"1-abc"}"#,
        );
        assert_eq!(l.request_id.as_deref(), Some("r3"));
        assert!(matches!(l.kind, LambdaLineKind::Log { level: Some(ref x) } if x == "INFO"));
        let l = parse(r#"{"no":"message"}"#);
        assert_eq!(l.message, r#"{"no":"message"}"#);
    }

    #[test]
    fn events_as_line_or_under_message() {
        let ev = r#"{"version":"2.0","routeKey":"$default","rawPath":"/","requestContext":{"requestId":"A="}}"#;
        let l = parse(ev);
        assert_eq!(l.kind, LambdaLineKind::Event);
        assert_eq!(l.event.unwrap().request_id.as_deref(), Some("A="));
        let l = parse(&format!(
            r#"{{"level":"INFO","function_request_id":"r4","message":{ev}}}"#
        ));
        assert_eq!(l.kind, LambdaLineKind::Event);
        assert_eq!(l.request_id.as_deref(), Some("r4"));
        let l = parse(&format!(
            r#"{{"level":"INFO","requestId":"r5","message":"Event: {}"}}"#,
            ev.replace('"', "\\\"")
        ));
        assert_eq!(l.kind, LambdaLineKind::Event);
        assert!(l.event.is_some());
    }
}
