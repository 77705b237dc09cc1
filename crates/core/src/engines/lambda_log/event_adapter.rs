//! Logged proxy events: the logs side of [`crate::engines::event_decode`].
//! Adds the guards log lines need (a JSON object is only taken for an event
//! when it has a `requestContext` object, so an application line with a
//! `version` field is not mistaken for one) and a cheap pre-check that keeps
//! ordinary lines away from the JSON parser.

use serde_json::Value;

use crate::domain::DecodedEvent;
use crate::engines::event_decode;

/// True when `v` has the shape of an API Gateway proxy event (any version).
pub(crate) fn looks_like_event(v: &Value) -> bool {
    v.get("requestContext").is_some_and(Value::is_object) && event_decode::classify(v).is_ok()
}

/// Decode a proxy event; `None` when `v` is not one.
pub(crate) fn decode_event(v: Value) -> Option<DecodedEvent> {
    if !looks_like_event(&v) {
        return None;
    }
    event_decode::decode(v).ok()
}

/// Find a proxy event inside a log message: the whole message, a JSON object
/// after a prefix such as `Event:`, nested in a JSON line, or a Python/Node
/// object print.
pub fn find_event(message: &str) -> Option<DecodedEvent> {
    if !message.contains("requestContext") {
        return None;
    }
    event_decode::find_event(message).map(|e| e.event)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventKind;

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
        assert_eq!(ev.source_ip.as_deref(), Some("5.6.7.8"));
        assert!(find_event(r#"{"requestContext":"nope"}"#).is_none());
        assert!(find_event("no json {at all requestContext").is_none());
        // An app line with a version field is not an event.
        assert!(!looks_like_event(
            &serde_json::json!({"version": "1.0", "msg": "x"})
        ));
    }
}
