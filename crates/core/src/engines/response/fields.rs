//! Checks of single fields of a proxy response (reference §2.1, §2.2).
//! Each pushes findings into [`Eval`] and returns what API Gateway would use.

use serde_json::Value;

use super::Eval;
use super::rules::*;
use crate::domain::ApiType;
use crate::domain::FindingCode;

/// `statusCode` as API Gateway reads it; `None` when missing (or `null`).
pub enum Status {
    Missing,
    Valid(u16),
    Invalid,
}

pub fn status(ev: &mut Eval, v: Option<&Value>) -> Status {
    let http_unverified = ev.ctx.api_type == ApiType::Http;
    let n = match v {
        None | Some(Value::Null) => return Status::Missing,
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if NUMERIC_STRING_STATUS_ACCEPTED => match s.trim().parse::<i64>() {
            Ok(n) => {
                let f = ev
                    .finding(
                        FindingCode::StatusCodeString,
                        "statusCode is a numeric string; API Gateway accepts it",
                    )
                    .evidence(format!("statusCode = {s:?}"));
                ev.push(f, http_unverified);
                Some(n)
            }
            Err(_) => None,
        },
        _ => None,
    };
    let Some(n) = n else {
        let shown = v.map(Value::to_string).unwrap_or_default();
        let f = ev
            .finding(
                FindingCode::StatusCodeInvalid,
                "statusCode is not an integer",
            )
            .evidence(format!("statusCode = {}", clip(&shown)));
        ev.fail(f, false);
        return Status::Invalid;
    };
    if !STATUS_RANGE.contains(&n) {
        let f = ev
            .finding(
                FindingCode::StatusCodeOutOfRange,
                format!("statusCode {n} is not an HTTP status (100–599)"),
            )
            .evidence(format!("statusCode = {n}"));
        ev.fail(f, true);
        return Status::Invalid;
    }
    Status::Valid(n as u16)
}

/// A header value as text, or a finding when API Gateway rejects it.
fn header_value(ev: &mut Eval, name: &str, v: &Value, field: &str) -> Option<String> {
    let rest = ev.ctx.api_type == ApiType::Rest;
    let coerced = match v {
        Value::String(s) => return Some(s.clone()),
        Value::Bool(b) if rest && REST_ACCEPTS_BOOL_HEADER_VALUES => Some((b.to_string(), false)),
        Value::Bool(_) | Value::Number(_) if !rest && HTTP_COERCES_SCALAR_HEADER_VALUES => {
            Some((v.to_string(), true))
        }
        _ => None,
    };
    match coerced {
        Some((text, unverified)) => {
            let f = ev
                .finding(
                    FindingCode::HeaderValueCoerced,
                    format!(
                        "{field} `{name}` is {} and is sent as the text {text:?}",
                        kind(v)
                    ),
                )
                .evidence(format!("{field}.{name} = {v}"))
                .fix_args(&[("name", name), ("text", text.as_str())]);
            ev.push(f, unverified);
            Some(text)
        }
        None => {
            let f = ev
                .finding(
                    FindingCode::HeaderValueNotString,
                    format!("{field} `{name}` is {}, not a string", kind(v)),
                )
                .evidence(format!("{field}.{name} = {}", clip(&v.to_string())))
                .fix_with((field == "headers").then_some("headers"), &[("name", name)]);
            ev.fail(f, !rest);
            None
        }
    }
}

/// `headers`: name → single value.
pub fn headers(ev: &mut Eval, v: Option<&Value>) -> Vec<(String, String)> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => m
            .iter()
            .filter_map(|(k, x)| header_value(ev, k, x, "headers").map(|s| (k.clone(), s)))
            .collect(),
        Some(other) => {
            let f = ev
                .finding(
                    FindingCode::HeadersNotObject,
                    format!("headers is {}, not an object", kind(other)),
                )
                .evidence(format!("headers = {}", clip(&other.to_string())));
            ev.fail(f, false);
            Vec::new()
        }
    }
}

/// `multiValueHeaders`: name → list of values.
pub(crate) fn multi_value_headers(ev: &mut Eval, v: Option<&Value>) -> Vec<(String, Vec<String>)> {
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(m)) => {
            let mut out = Vec::new();
            for (k, x) in m {
                match x {
                    Value::Array(items) => {
                        let vals: Vec<String> = items
                            .iter()
                            .filter_map(|i| header_value(ev, k, i, "multiValueHeaders"))
                            .collect();
                        out.push((k.clone(), vals));
                    }
                    other => {
                        let f = ev
                            .finding(
                                FindingCode::MultiValueHeaderNotArray,
                                format!("multiValueHeaders `{k}` is {}, not an array", kind(other)),
                            )
                            .evidence(format!(
                                "multiValueHeaders.{k} = {}",
                                clip(&other.to_string())
                            ))
                            .fix_args(&[("name", k.as_str())]);
                        ev.fail(f, false);
                    }
                }
            }
            out
        }
        Some(other) => {
            let f = ev
                .finding(
                    FindingCode::MultiValueHeadersNotObject,
                    format!("multiValueHeaders is {}, not an object", kind(other)),
                )
                .evidence(format!("multiValueHeaders = {}", clip(&other.to_string())));
            ev.fail(f, false);
            Vec::new()
        }
    }
}

/// `body` as text (`None` when invalid).
pub fn body(ev: &mut Eval, v: Option<&Value>) -> Option<String> {
    match v {
        None | Some(Value::Null) => Some(String::new()),
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            let f = ev
                .finding(
                    FindingCode::BodyNotString,
                    format!("body is {}, not a string", kind(other)),
                )
                .evidence(format!("body = {}", clip(&other.to_string())));
            // The wording of HTTP API's log line for this is [UNVERIFIED]; the failure itself is documented.
            ev.fail(f, false);
            None
        }
    }
}

/// `cookies` (2.0): each element becomes one `set-cookie`.
pub fn cookies(ev: &mut Eval, v: Option<&Value>) -> Vec<String> {
    let bad = |ev: &mut Eval, what: String, shown: String| {
        let f = ev
            .finding(FindingCode::CookiesNotArray, what)
            .evidence(format!("cookies = {}", clip(&shown)));
        ev.fail(f, true);
    };
    match v {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => {
            if items.iter().all(Value::is_string) {
                items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect()
            } else {
                bad(
                    ev,
                    "cookies holds a value that is not a string".into(),
                    Value::Array(items.clone()).to_string(),
                );
                Vec::new()
            }
        }
        Some(other) => {
            bad(
                ev,
                format!("cookies is {}, not an array of strings", kind(other)),
                other.to_string(),
            );
            Vec::new()
        }
    }
}

/// The `isBase64Encoded` flag (REST: `base64Encoded` wins when present).
pub(crate) fn base64_flag(ev: &mut Eval, obj: &serde_json::Map<String, Value>) -> bool {
    let rest = ev.ctx.api_type == ApiType::Rest;
    let (key, v) = match obj.get("base64Encoded") {
        Some(v) if rest => {
            let f = ev
                .finding(FindingCode::Base64EncodedKey, "REST reads the undocumented `base64Encoded` key, and it wins over isBase64Encoded")
                .evidence(format!("base64Encoded = {v}"));
            ev.push(f, false);
            ("base64Encoded", Some(v))
        }
        _ => ("isBase64Encoded", obj.get("isBase64Encoded")),
    };
    match v {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            let f = ev
                .finding(
                    FindingCode::Base64FlagNotBoolean,
                    format!("{key} is {}, not a boolean; read as false", kind(other)),
                )
                .evidence(format!("{key} = {other}"))
                .fix_args(&[("key", key)]);
            ev.push(f, NON_BOOL_BASE64_FLAG_IS_FALSE);
            false
        }
    }
}

pub fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Evidence stays one short line.
pub(crate) fn clip(s: &str) -> String {
    const MAX: usize = 120;
    if s.chars().count() <= MAX {
        return s.to_string();
    }
    let cut: String = s.chars().take(MAX).collect();
    format!("{cut}…")
}
