//! Decode a logged proxy event (reference §1.1): detect HTTP API 2.0, HTTP
//! API 1.0 or REST (by `version` first, then by shape), then pull out the
//! facts a person looks for (method, path, route, stage, ids, body decoded
//! from base64, JWT claims and scopes). Tolerates `null` and missing keys;
//! never panics. [`embedded`] finds an event inside a log line.

mod embedded;
mod relaxed;

pub use embedded::{find_event, find_event_after};

use base64::Engine;
use serde_json::Value;

use crate::domain::{DecodedEvent, EventKind};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("not JSON: {0}")]
    NotJson(String),
    #[error("not a JSON object")]
    NotAnObject,
    /// JSON, but not an API Gateway HTTP/REST proxy event (the reason says what it looks like).
    #[error("not an API Gateway proxy event: {0}")]
    NotAnEvent(String),
}

/// Walk a path of object keys; `None` on any missing key or non-object.
pub(crate) fn at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a Value> {
    let mut cur = v;
    for k in path {
        cur = cur.as_object()?.get(*k)?;
    }
    (!cur.is_null()).then_some(cur)
}

fn str_at(v: &Value, path: &[&str]) -> Option<String> {
    at(v, path).and_then(|x| x.as_str()).map(str::to_string)
}

/// Which kind of event this is, or why it is not one.
pub fn classify(v: &Value) -> Result<EventKind, DecodeError> {
    let obj = v.as_object().ok_or(DecodeError::NotAnObject)?;
    let rc = at(v, &["requestContext"]);
    if rc.and_then(|r| at(r, &["elb"])).is_some() {
        return Err(DecodeError::NotAnEvent(
            "an Application Load Balancer target event".into(),
        ));
    }
    if rc.and_then(|r| at(r, &["connectionId"])).is_some()
        || rc.and_then(|r| at(r, &["eventType"])).is_some()
    {
        return Err(DecodeError::NotAnEvent("a WebSocket API event".into()));
    }
    match obj.get("type").and_then(Value::as_str) {
        Some("TOKEN") => {
            return Err(DecodeError::NotAnEvent(
                "a Lambda authorizer TOKEN request".into(),
            ));
        }
        _ if obj.contains_key("policyDocument") => {
            return Err(DecodeError::NotAnEvent(
                "a Lambda authorizer response".into(),
            ));
        }
        _ if obj.contains_key("statusCode") && !obj.contains_key("requestContext") => {
            return Err(DecodeError::NotAnEvent(
                "a Lambda proxy response, not a request".into(),
            ));
        }
        _ => {}
    }
    let version = match obj.get("version") {
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    match version.as_deref() {
        Some("2.0") | Some("2") => return Ok(EventKind::HttpV2),
        Some("1.0") | Some("1") => return Ok(EventKind::HttpV1),
        _ => {}
    }
    // No (usable) version: decide by shape.
    let has_v2_shape = rc.and_then(|r| at(r, &["http"])).is_some()
        || obj.contains_key("rawPath")
        || obj.contains_key("rawQueryString");
    let has_v1_shape = obj.contains_key("httpMethod")
        || rc.and_then(|r| at(r, &["httpMethod"])).is_some()
        || obj.contains_key("multiValueHeaders");
    match (has_v2_shape, has_v1_shape) {
        (true, _) => Ok(EventKind::HttpV2),
        (false, true) => Ok(EventKind::Rest),
        _ => Err(DecodeError::NotAnEvent(
            "no httpMethod, requestContext.http or rawPath".into(),
        )),
    }
}

/// Decode JSON text.
pub fn decode_str(text: &str) -> Result<DecodedEvent, DecodeError> {
    let v: Value =
        serde_json::from_str(text.trim()).map_err(|e| DecodeError::NotJson(e.to_string()))?;
    decode(v)
}

/// Decode a JSON value (kept whole in `raw`).
pub fn decode(raw: Value) -> Result<DecodedEvent, DecodeError> {
    let kind = classify(&raw)?;
    let v = &raw;
    let (method, path, route_key, source_ip, claims, scopes) = match kind {
        EventKind::HttpV2 => {
            let method = str_at(v, &["requestContext", "http", "method"])
                .or_else(|| str_at(v, &["httpMethod"]));
            let path =
                str_at(v, &["rawPath"]).or_else(|| str_at(v, &["requestContext", "http", "path"]));
            let route_key =
                str_at(v, &["routeKey"]).or_else(|| str_at(v, &["requestContext", "routeKey"]));
            let ip = str_at(v, &["requestContext", "http", "sourceIp"]);
            let claims = at(v, &["requestContext", "authorizer", "jwt", "claims"]).cloned();
            let scopes = string_list(at(v, &["requestContext", "authorizer", "jwt", "scopes"]));
            (method, path, route_key, ip, claims, scopes)
        }
        EventKind::HttpV1 | EventKind::Rest => {
            let method =
                str_at(v, &["httpMethod"]).or_else(|| str_at(v, &["requestContext", "httpMethod"]));
            let path = str_at(v, &["path"]).or_else(|| str_at(v, &["requestContext", "path"]));
            let resource =
                str_at(v, &["resource"]).or_else(|| str_at(v, &["requestContext", "resourcePath"]));
            let route_key = str_at(v, &["requestContext", "routeKey"]).or_else(|| {
                resource.map(|r| match &method {
                    Some(m) => format!("{m} {r}"),
                    None => r,
                })
            });
            let ip = str_at(v, &["requestContext", "identity", "sourceIp"]);
            let claims = at(v, &["requestContext", "authorizer", "claims"])
                .filter(|c| c.is_object())
                .cloned();
            let scopes = string_list(at(v, &["requestContext", "authorizer", "scopes"]));
            (method, path, route_key, ip, claims, scopes)
        }
    };
    let (body_text, body_was_base64) = body(v);
    Ok(DecodedEvent {
        kind,
        method,
        path,
        route_key,
        stage: str_at(v, &["requestContext", "stage"]),
        request_id: str_at(v, &["requestContext", "requestId"]),
        source_ip,
        body_text,
        body_was_base64,
        claims,
        scopes,
        raw,
        reconstructed: false,
    })
}

fn string_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_string).collect(),
        _ => Vec::new(),
    }
}

/// A truthy flag: `true`, `"true"`, `1`; anything else (incl. null) is false.
fn flag(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.eq_ignore_ascii_case("true"),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// `(text, was_base64)`; invalid base64 is shown as sent.
fn body(v: &Value) -> (Option<String>, bool) {
    let text = match at(v, &["body"]) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => return (Some(other.to_string()), false),
        None => return (None, false),
    };
    let b64 = flag(at(v, &["isBase64Encoded"])) || flag(at(v, &["base64Encoded"]));
    if !b64 {
        return (Some(text), false);
    }
    match decode_base64(&text) {
        Some(bytes) => (Some(String::from_utf8_lossy(&bytes).into_owned()), true),
        None => (Some(text), false),
    }
}

/// Standard alphabet with padding first (what API Gateway sends), then the
/// lenient variants people paste (no padding, URL-safe, line breaks).
pub(crate) fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .find_map(|e| e.decode(compact.as_bytes()).ok())
}

#[cfg(test)]
mod tests;
