//! What a client receives for a Lambda's output (reference §2): the status,
//! headers and body API Gateway builds from a proxy response, or the 502
//! (REST) / 500 (HTTP API) it turns into, with one finding per reason.

mod fields;
pub mod rules;

use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::domain::FindingCode;
use crate::domain::{ApiType, Certainty, Finding, Headers, PayloadFormat};
use crate::engines::event_build::media_matches;
use fields::Status;
use rules::*;

/// How the response is read: API type, payload format and, for REST binary
/// handling, the API's `binaryMediaTypes` and the request's `Accept`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ResponseContext {
    pub api_type: ApiType,
    /// Ignored for REST (always 1.0).
    pub payload: PayloadFormat,
    #[serde(default)]
    pub binary_media_types: Vec<String>,
    pub request_accept: Option<String>,
    /// Whether Lambda flagged the invoke with `X-Amz-Function-Error`; `None`:
    /// infer it from an `errorMessage`/`errorType` object.
    pub function_error: Option<bool>,
}

impl ResponseContext {
    pub fn new(api_type: ApiType, payload: PayloadFormat) -> Self {
        ResponseContext {
            api_type,
            payload: if api_type == ApiType::Rest {
                PayloadFormat::V1
            } else {
                payload
            },
            ..Default::default()
        }
    }
}

/// The verdict: what the client gets, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Interpretation {
    /// True when API Gateway passes the function's response through.
    pub ok: bool,
    pub client_status: u16,
    pub client_headers: Headers,
    /// Body as text (lossy UTF-8 for binary bodies).
    pub client_body: String,
    /// The body base64-encoded, when it is not valid UTF-8.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_body_base64: Option<String>,
    pub findings: Vec<Finding>,
}

/// Collects findings while the response is read.
pub(crate) struct Eval<'a> {
    ctx: &'a ResponseContext,
    findings: Vec<Finding>,
    failed: bool,
}

impl Eval<'_> {
    fn finding(&self, code: FindingCode, title: impl Into<String>) -> Finding {
        Finding::new(code, Certainty::Evaluated, title)
    }

    fn push(&mut self, f: Finding, unverified: bool) {
        self.findings
            .push(if unverified { f.unverified() } else { f });
    }

    /// An error that makes API Gateway answer 502/500.
    fn fail(&mut self, f: Finding, unverified: bool) {
        self.failed = true;
        self.push(f, unverified);
    }
}

/// Interpret raw function output bytes.
pub fn interpret(output: &[u8], ctx: &ResponseContext) -> Interpretation {
    let mut ev = Eval {
        ctx,
        findings: Vec::new(),
        failed: false,
    };
    let result = run(&mut ev, output);
    match result {
        Some((status, headers, body)) if !ev.failed => {
            if body.len() > APIGW_PAYLOAD_LIMIT {
                let f = ev.finding(
                    FindingCode::ResponseTooLargeApigw,
                    format!(
                        "the body is {} bytes, over API Gateway's 10 MB limit",
                        body.len()
                    ),
                );
                ev.fail(f, false);
                return failure(ev);
            }
            let (client_body, client_body_base64) = match String::from_utf8(body) {
                Ok(s) => (s, None),
                Err(e) => {
                    let bytes = e.into_bytes();
                    (
                        String::from_utf8_lossy(&bytes).into_owned(),
                        Some(base64::engine::general_purpose::STANDARD.encode(&bytes)),
                    )
                }
            };
            Interpretation {
                ok: true,
                client_status: status,
                client_headers: headers,
                client_body,
                client_body_base64,
                findings: ev.findings,
            }
        }
        _ => failure(ev),
    }
}

/// The answer API Gateway gives when it cannot use the output.
fn failure(ev: Eval) -> Interpretation {
    let (status, body, mut headers) = match ev.ctx.api_type {
        ApiType::Rest => (
            502,
            REST_ERROR_BODY,
            vec![(
                "x-amzn-ErrorType".to_string(),
                "InternalServerErrorException".to_string(),
            )],
        ),
        ApiType::Http => (500, HTTP_ERROR_BODY, Vec::new()),
    };
    headers.insert(0, ("content-type".into(), "application/json".into()));
    Interpretation {
        ok: false,
        client_status: status,
        client_headers: headers,
        client_body: body.to_string(),
        client_body_base64: None,
        findings: ev.findings,
    }
}

type Answer = (u16, Headers, Vec<u8>);

fn run(ev: &mut Eval, output: &[u8]) -> Option<Answer> {
    if output.len() > LAMBDA_RESPONSE_LIMIT {
        let f = ev
            .finding(FindingCode::ResponseTooLargeLambda, format!("the function returned {} bytes, over Lambda's 6 MB response limit: the invoke fails", output.len()))
            .evidence(format!("{} > {LAMBDA_RESPONSE_LIMIT} bytes", output.len()));
        ev.fail(f, false);
        return None;
    }
    if output.len() as f64 > LAMBDA_RESPONSE_LIMIT as f64 * NEAR_LIMIT_SHARE {
        let f = ev.finding(
            FindingCode::ResponseNearLimit,
            format!(
                "the output is {} bytes, close to Lambda's 6 MB limit",
                output.len()
            ),
        );
        ev.push(f, false);
    }
    let text = String::from_utf8_lossy(output);
    let value: Value = match serde_json::from_str(text.trim()) {
        Ok(v) => v,
        Err(e) => {
            let f = ev
                .finding(
                    FindingCode::ResponseNotJson,
                    "the function output is not JSON",
                )
                .evidence(format!("parse error: {e}"))
                .evidence(format!("output starts: {}", fields::clip(text.trim())));
            ev.fail(f, false);
            return None;
        }
    };
    if thrown(ev, &value) {
        return None;
    }
    match (ev.ctx.api_type, ev.ctx.payload) {
        (ApiType::Http, PayloadFormat::V2) => v2(ev, value, text.trim()),
        (api, _) => v1(ev, value, api == ApiType::Rest),
    }
}

/// A thrown error (Lambda's `{errorMessage, errorType, ...}`) fails the request.
fn thrown(ev: &mut Eval, v: &Value) -> bool {
    let looks_thrown = v.as_object().is_some_and(|o| {
        o.contains_key("errorMessage")
            && !o.contains_key("statusCode")
            && o.keys().all(|k| THROWN_ERROR_KEYS.contains(&k.as_str()))
    });
    let is_thrown = ev.ctx.function_error.unwrap_or(looks_thrown);
    if !is_thrown {
        return false;
    }
    let msg = v.get("errorMessage").and_then(Value::as_str).unwrap_or("");
    let typ = v.get("errorType").and_then(Value::as_str).unwrap_or("");
    let (code, title) = if msg.contains("Task timed out after") {
        (
            FindingCode::FunctionTimeout,
            format!("the function timed out inside Lambda: {msg}"),
        )
    } else {
        (
            FindingCode::FunctionError,
            format!(
                "the function threw {}: {}",
                if typ.is_empty() { "an error" } else { typ },
                fields::clip(msg)
            ),
        )
    };
    let mut f = ev.finding(code, title);
    if ev.ctx.function_error.is_none() {
        f = f.evidence("inferred from the errorMessage/errorType shape; if the function *returned* this object instead: REST → 502 (malformed), HTTP 2.0 → 200 with the object as body");
    } else {
        f = f.evidence("X-Amz-Function-Error was set on the invoke");
    }
    ev.fail(f, false);
    true
}

/// Payload 1.0: REST, or HTTP API with PayloadFormatVersion 1.0 (§2.1).
fn v1(ev: &mut Eval, value: Value, rest: bool) -> Option<Answer> {
    let Value::Object(obj) = value else {
        let f = ev
            .finding(
                FindingCode::ResponseNotObject,
                format!(
                    "the function returned {}, not a proxy response object",
                    fields::kind(&value)
                ),
            )
            .evidence(format!("output = {}", fields::clip(&value.to_string())));
        ev.fail(f, false);
        return None;
    };
    for k in obj.keys() {
        let allowed = if rest {
            REST_ALLOWED_KEYS
        } else {
            HTTP_V1_KNOWN_KEYS
        };
        if allowed.contains(&k.as_str()) || (rest && k == "cookies" && REST_ALLOWS_COOKIES_KEY) {
            continue;
        }
        if rest {
            let f = ev
                .finding(
                    FindingCode::RestUnknownKey,
                    format!("REST rejects the unknown top-level key `{k}`"),
                )
                .evidence(format!("allowed: {}", REST_ALLOWED_KEYS.join(", ")))
                .fix_with(
                    (k == "cookies").then_some("cookies"),
                    &[("key", k.as_str())],
                );
            ev.fail(f, k == "cookies");
        } else {
            let f = ev
                .finding(
                    FindingCode::UnknownKeyIgnored,
                    format!("HTTP APIs ignore the top-level key `{k}`"),
                )
                .fix_args(&[("key", k.as_str())]);
            ev.push(f, false);
        }
    }
    let status = match fields::status(ev, obj.get("statusCode")) {
        Status::Valid(s) => Some(s),
        Status::Invalid => None,
        Status::Missing if rest && REST_MISSING_STATUS_DEFAULTS_TO_200 => {
            let f = ev.finding(
                FindingCode::StatusCodeDefaulted,
                "statusCode is missing; REST answers 200",
            );
            ev.push(f, true);
            Some(200)
        }
        Status::Missing => {
            let f = ev.finding(
                FindingCode::StatusCodeMissing,
                format!(
                    "statusCode is missing; {} requires it",
                    if rest { "REST" } else { "HTTP API payload 1.0" }
                ),
            );
            ev.fail(f, rest);
            None
        }
    };
    let single = fields::headers(ev, obj.get("headers"));
    let multi = fields::multi_value_headers(ev, obj.get("multiValueHeaders"));
    let body = fields::body(ev, obj.get("body"));
    let b64 = fields::base64_flag(ev, &obj);
    let (status, body) = (status?, body?);
    let headers = merge_headers(ev, single, multi);
    let decode = b64 && (!rest || binary_match(ev));
    let body = decode_body(ev, body, decode)?;
    Some((status, headers, body))
}

/// Payload 2.0 (§2.2), with the inference rule for output without statusCode.
fn v2(ev: &mut Eval, value: Value, text: &str) -> Option<Answer> {
    let has_status = value
        .as_object()
        .is_some_and(|o| o.get("statusCode").is_some_and(|s| !s.is_null()));
    if !has_status {
        let looks_like_response = value.as_object().is_some_and(|o| {
            [
                "body",
                "headers",
                "cookies",
                "isBase64Encoded",
                "statusCode",
            ]
            .iter()
            .any(|k| o.contains_key(*k))
        });
        let f = if looks_like_response {
            ev.finding(FindingCode::V2StatusCodeMissingWrapped, "no statusCode: API Gateway sends 200 with the whole object as the body (headers/body are not applied)")
        } else {
            ev.finding(FindingCode::V2InferredResponse, "no statusCode: API Gateway answers 200, content-type application/json, with the returned JSON as body")
        };
        ev.push(f, false);
        let body = match &value {
            Value::String(s) => s.clone(),
            _ => text.to_string(),
        };
        return Some((
            200,
            vec![("content-type".into(), "application/json".into())],
            body.into_bytes(),
        ));
    }
    let obj = value.as_object()?;
    for (k, v) in obj {
        if HTTP_V2_KNOWN_KEYS.contains(&k.as_str()) {
            continue;
        }
        if k == "multiValueHeaders" {
            // lambda_http always sends `{}`: only mention a non-empty one.
            if v.as_object().is_some_and(|m| m.is_empty()) || v.is_null() {
                continue;
            }
            let f = ev
                .finding(
                    FindingCode::MultiValueHeadersIgnored,
                    "payload 2.0 has no multiValueHeaders: these headers are not sent",
                )
                .evidence(format!(
                    "multiValueHeaders = {}",
                    fields::clip(&v.to_string())
                ));
            ev.push(f, false);
            continue;
        }
        let f = ev
            .finding(
                FindingCode::UnknownKeyIgnored,
                format!("HTTP APIs ignore the top-level key `{k}`"),
            )
            .fix_args(&[("key", k.as_str())]);
        ev.push(f, false);
    }
    let status = fields::status(ev, obj.get("statusCode"));
    let mut headers = fields::headers(ev, obj.get("headers"));
    if headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
    {
        let f = ev.finding(
            FindingCode::SetCookieInHeaders,
            "set-cookie is in headers: in 2.0 only one value fits; use cookies",
        );
        ev.push(f, true);
    }
    let cookies = fields::cookies(ev, obj.get("cookies"));
    let body = fields::body(ev, obj.get("body"));
    let b64 = fields::base64_flag(ev, obj);
    let Status::Valid(status) = status else {
        return None;
    };
    headers.extend(cookies.into_iter().map(|c| ("set-cookie".to_string(), c)));
    let body = decode_body(ev, body?, b64)?;
    Some((status, headers, body))
}

/// Merge `headers` and `multiValueHeaders` (§2.1): a pair present in both
/// appears once (the multi-value one).
fn merge_headers(ev: &mut Eval, single: Headers, multi: Vec<(String, Vec<String>)>) -> Headers {
    let mut out: Headers = Vec::new();
    for (k, v) in &single {
        let in_multi = multi.iter().find(|(mk, _)| mk.eq_ignore_ascii_case(k));
        if let Some((mk, mvals)) = in_multi {
            let same = mvals.contains(v);
            let f = ev
                .finding(FindingCode::HeadersMerged, if same {
                    format!("`{k}` is in headers and multiValueHeaders; the client gets it once")
                } else {
                    format!("`{k}` is in headers and multiValueHeaders with different values; the client gets all of them")
                })
                .evidence(format!("headers.{k} = {v:?}; multiValueHeaders.{mk} = {mvals:?}"));
            ev.push(f, !same);
            if same {
                continue;
            }
        }
        out.push((k.clone(), v.clone()));
    }
    for (k, vals) in multi {
        out.extend(vals.into_iter().map(|v| (k.clone(), v)));
    }
    out
}

/// REST decodes base64 only when `binaryMediaTypes` match the response
/// content type or the request's Accept (§2.1).
/// REST Lambda proxy: whether a base64 body is decoded to binary. The rule is the
/// proxy-integration one (`rules::BINARY_BY_FIRST_ACCEPT`): only the FIRST media type
/// of the request's `Accept` is compared with `binaryMediaTypes` (`*/*` there covers
/// every request); the response's `Content-Type` alone does not decide it.
fn binary_match(ev: &mut Eval) -> bool {
    let first_accept = ev.ctx.request_accept.as_deref().and_then(|a| {
        a.split(',')
            .map(|m| {
                m.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            })
            .find(|m| !m.is_empty())
    });
    let types = &ev.ctx.binary_media_types;
    let hit = types
        .iter()
        .any(|t| t.trim() == "*/*" || first_accept.as_deref().is_some_and(|a| media_matches(t, a)));
    if !hit {
        let f = ev
            .finding(FindingCode::Base64NotDecoded, "isBase64Encoded is true but the request's first Accept media type matches no binaryMediaTypes entry: the client receives the base64 text")
            .evidence(format!(
                "binaryMediaTypes = {:?}; first Accept media type = {}",
                types,
                first_accept.as_deref().unwrap_or("(no Accept header)")
            ))
            .evidence(rules::BINARY_BY_FIRST_ACCEPT_SOURCE);
        ev.push(f, false);
    }
    hit
}

fn decode_body(ev: &mut Eval, body: String, decode: bool) -> Option<Vec<u8>> {
    if !decode {
        return Some(body.into_bytes());
    }
    match base64::engine::general_purpose::STANDARD.decode(body.trim()) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            let f = ev
                .finding(
                    FindingCode::Base64Invalid,
                    "isBase64Encoded is true but body is not valid base64",
                )
                .evidence(format!("{e}; body starts: {}", fields::clip(&body)));
            if INVALID_BASE64_FAILS {
                ev.fail(f, true);
                None
            } else {
                ev.push(f, true);
                Some(body.into_bytes())
            }
        }
    }
}

#[cfg(test)]
mod tests;
