//! Logged proxy events: recognise an API Gateway event in a JSON value and
//! decode it for display.
//!
//! Narrow adapter: the engines module `event_decode` owns proxy-event
//! decoding; this keeps the logs pipeline working until it is wired in and
//! stays the single place to switch over.

use base64::Engine;
use serde_json::Value;

use crate::domain::{DecodedEvent, EventKind};

/// True when `v` has the shape of an API Gateway proxy event (any version).
pub fn looks_like_event(v: &Value) -> bool {
    let Some(o) = v.as_object() else { return false };
    o.get("requestContext").is_some_and(Value::is_object)
        && (o.contains_key("httpMethod") || o.contains_key("routeKey") || o.contains_key("rawPath"))
}

/// Decode a proxy event; `None` when `v` is not one.
pub fn decode_event(v: Value) -> Option<DecodedEvent> {
    if !looks_like_event(&v) {
        return None;
    }
    let s = |p: &str| v.pointer(p).and_then(Value::as_str).map(str::to_string);
    let kind = match v.get("version").and_then(Value::as_str) {
        Some("2.0") => EventKind::HttpV2,
        Some("1.0") => EventKind::HttpV1,
        _ => EventKind::Rest,
    };
    let body = v.get("body").and_then(Value::as_str);
    let b64 = v
        .get("isBase64Encoded")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let body_text = body.map(|b| {
        if b64 {
            base64::engine::general_purpose::STANDARD
                .decode(b)
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
                .unwrap_or_else(|_| b.to_string())
        } else {
            b.to_string()
        }
    });
    let claims = v
        .pointer("/requestContext/authorizer/jwt/claims")
        .or_else(|| v.pointer("/requestContext/authorizer/claims"))
        .cloned();
    let scopes = v
        .pointer("/requestContext/authorizer/jwt/scopes")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default();
    Some(DecodedEvent {
        kind,
        method: s("/requestContext/http/method").or_else(|| s("/httpMethod")),
        path: s("/rawPath").or_else(|| s("/path")),
        route_key: s("/routeKey")
            .or_else(|| s("/requestContext/routeKey"))
            .or_else(|| {
                let m = s("/httpMethod")?;
                Some(format!("{m} {}", s("/resource")?))
            }),
        stage: s("/requestContext/stage"),
        request_id: s("/requestContext/requestId"),
        source_ip: s("/requestContext/http/sourceIp")
            .or_else(|| s("/requestContext/identity/sourceIp")),
        body_text,
        body_was_base64: b64,
        claims,
        scopes,
        raw: v,
        reconstructed: false,
    })
}

/// Find a proxy event inside a log message: the whole message, or a JSON
/// object after a prefix such as `Event:` / `received event`.
pub fn find_event(message: &str) -> Option<DecodedEvent> {
    // Cheap pre-check so ordinary lines never reach the JSON parser.
    if !message.contains("requestContext") {
        return None;
    }
    let mut from = 0;
    while let Some(p) = message[from..].find('{') {
        let start = from + p;
        let mut it = serde_json::Deserializer::from_str(&message[start..]).into_iter::<Value>();
        if let Some(Ok(v)) = it.next()
            && let Some(ev) = decode_event(v)
        {
            return Some(ev);
        }
        from = start + 1;
        // Only try the first few objects: a huge line is not worth scanning.
        if from > 4096 {
            break;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_event_after_a_prefix() {
        let msg = r#"Event: {"version":"2.0","routeKey":"GET /pets","rawPath":"/pets","requestContext":{"requestId":"LV7=","stage":"prod","http":{"method":"GET","sourceIp":"1.2.3.4"}},"body":"aGk=","isBase64Encoded":true}"#;
        let ev = find_event(msg).unwrap();
        assert_eq!(ev.kind, EventKind::HttpV2);
        assert_eq!(ev.request_id.as_deref(), Some("LV7="));
        assert_eq!(ev.method.as_deref(), Some("GET"));
        assert_eq!(ev.body_text.as_deref(), Some("hi"));
        assert!(!ev.reconstructed);
    }

    #[test]
    fn rest_event_and_non_events() {
        let rest = r#"{"resource":"/pets/{id}","path":"/pets/1","httpMethod":"POST","requestContext":{"requestId":"u-1","identity":{"sourceIp":"5.6.7.8"}}}"#;
        let ev = find_event(rest).unwrap();
        assert_eq!(ev.kind, EventKind::Rest);
        assert_eq!(ev.route_key.as_deref(), Some("POST /pets/{id}"));
        assert_eq!(ev.source_ip.as_deref(), Some("5.6.7.8"));
        assert!(find_event(r#"{"requestContext":"nope"}"#).is_none());
        assert!(find_event("no json {at all requestContext").is_none());
    }
}
