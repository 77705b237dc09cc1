//! Pieces shared by the 1.0 and 2.0 builders: header and query grouping,
//! the base64 decision, CLF time, claim stringification. Behaviours the
//! reference marks [UNVERIFIED] or [OBS] are named constants here.

use serde_json::{Map, Value};

/// HTTP API request bodies arrive as plain text only for these content types;
/// everything else (also no content type) is base64-encoded. [OBS] reference §1.5.
pub(crate) const HTTP_TEXT_CONTENT_TYPES: &[&str] = &[
    "text/*",
    "application/json",
    "application/xml",
    "application/javascript",
];

/// Whether the raw `cookie` header is kept in 2.0 `headers` besides `cookies`.
/// [UNVERIFIED] reference §9 item 7.
pub(crate) const V2_KEEPS_COOKIE_HEADER: bool = false;

/// HTTP API payload 1.0 header names are lower-cased like 2.0. [UNVERIFIED]
/// (AWS's 1.0 example uses lower-case names).
pub(crate) const HTTP_V1_LOWERCASES_HEADERS: bool = true;

/// Query values are percent-decoded in `queryStringParameters`. [UNVERIFIED]
/// reference §1.2.
pub(crate) const DECODE_QUERY_VALUES: bool = true;

/// How a JWT claim that is an array becomes a string in `authorizer.jwt.claims`:
/// Go-style `[a b c]`. [UNVERIFIED]; objects become compact JSON.
pub(crate) const JWT_ARRAY_CLAIM_STYLE: ArrayClaimStyle = ArrayClaimStyle::GoBrackets;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArrayClaimStyle {
    /// `[a b c]`
    GoBrackets,
    /// `["a","b","c"]`
    #[allow(
        dead_code,
        reason = "the other answer to an [UNVERIFIED] rule: JWT_ARRAY_CLAIM_STYLE switches to it if AWS is seen sending JSON arrays"
    )]
    Json,
}

/// Group headers by name (case-insensitive, first spelling kept), values in order.
pub(crate) fn group_headers(
    headers: &[(String, String)],
    lowercase: bool,
) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in headers {
        let name = if lowercase {
            k.to_ascii_lowercase()
        } else {
            k.clone()
        };
        match out.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            Some((_, vals)) => vals.push(v.clone()),
            None => out.push((name, vec![v.clone()])),
        }
    }
    out
}

/// Parse a raw query string into `(key, value)` pairs in order.
pub(crate) fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    if DECODE_QUERY_VALUES {
        let s = s.replace('+', " ");
        percent_encoding::percent_decode_str(&s)
            .decode_utf8_lossy()
            .into_owned()
    } else {
        s.to_string()
    }
}

/// Group `(key, value)` pairs by key, keeping first-seen order.
pub(crate) fn group_pairs(pairs: Vec<(String, String)>) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for (k, v) in pairs {
        match out.iter_mut().find(|(n, _)| *n == k) {
            Some((_, vals)) => vals.push(v),
            None => out.push((k, vec![v])),
        }
    }
    out
}

/// `{k: "v1,v2"}` (2.0 style) from grouped values.
pub(crate) fn joined_map(groups: &[(String, Vec<String>)]) -> Value {
    Value::Object(
        groups
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.join(","))))
            .collect(),
    )
}

/// `{k: "last"}` (1.0 single-value style).
pub(crate) fn last_value_map(groups: &[(String, Vec<String>)]) -> Value {
    Value::Object(
        groups
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Value::String(v.last().cloned().unwrap_or_default()),
                )
            })
            .collect(),
    )
}

/// `{k: ["v1", "v2"]}` (1.0 multi-value style).
pub(crate) fn multi_map(groups: &[(String, Vec<String>)]) -> Value {
    Value::Object(
        groups
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    Value::Array(v.iter().cloned().map(Value::String).collect()),
                )
            })
            .collect(),
    )
}

/// Media type without parameters, lower-cased.
pub(crate) fn media_type(content_type: &str) -> String {
    content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Does `media` match a pattern list entry (`a/b`, `a/*`, `*/*`)?
pub(crate) fn media_matches(pattern: &str, media: &str) -> bool {
    let pattern = pattern.trim().to_ascii_lowercase();
    if pattern == "*/*" || pattern == media {
        return true;
    }
    match pattern.strip_suffix("/*") {
        Some(prefix) => media.split('/').next() == Some(prefix),
        None => false,
    }
}

/// HTTP API rule (§1.5): base64 unless the content type is in the text list.
pub(crate) fn http_body_is_binary(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else { return true };
    let media = media_type(ct);
    !HTTP_TEXT_CONTENT_TYPES
        .iter()
        .any(|p| media_matches(p, &media))
}

/// REST rule (§1.5): base64 only when the content type matches `binaryMediaTypes`.
pub(crate) fn rest_body_is_binary(
    content_type: Option<&str>,
    binary_media_types: &[String],
) -> bool {
    let Some(ct) = content_type else { return false };
    let media = media_type(ct);
    binary_media_types.iter().any(|p| media_matches(p, &media))
}

/// The `body` value and `isBase64Encoded` flag.
pub(crate) fn body_value(body: &[u8], binary: bool, absent: Value) -> (Value, bool) {
    use base64::Engine;
    if body.is_empty() {
        return (absent, false);
    }
    if binary {
        (
            Value::String(base64::engine::general_purpose::STANDARD.encode(body)),
            true,
        )
    } else {
        (
            Value::String(String::from_utf8_lossy(body).into_owned()),
            false,
        )
    }
}

/// API Gateway's CLF time: `21/Apr/2020:15:08:21 +0000`.
pub(crate) fn clf_time(epoch_ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(epoch_ms)
        .unwrap_or_default()
        .format("%d/%b/%Y:%H:%M:%S +0000")
        .to_string()
}

/// A claim value as the JWT authorizer passes it: always a string.
pub(crate) fn claim_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Bool(_) | Value::Number(_) => v.to_string(),
        Value::Array(items) => match JWT_ARRAY_CLAIM_STYLE {
            ArrayClaimStyle::GoBrackets => format!(
                "[{}]",
                items.iter().map(claim_string).collect::<Vec<_>>().join(" ")
            ),
            ArrayClaimStyle::Json => v.to_string(),
        },
        Value::Object(_) => v.to_string(),
    }
}

pub(crate) fn stringify_claims(claims: &Map<String, Value>) -> Value {
    Value::Object(
        claims
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(claim_string(v))))
            .collect(),
    )
}

/// Scopes from the `scope` claim (space-separated) or `scp` (array or string).
pub(crate) fn scopes_from_claims(claims: &Map<String, Value>) -> Option<Vec<String>> {
    let from = |v: &Value| -> Vec<String> {
        match v {
            Value::String(s) => s.split_whitespace().map(str::to_string).collect(),
            Value::Array(a) => a
                .iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect(),
            _ => Vec::new(),
        }
    };
    claims
        .get("scope")
        .or_else(|| claims.get("scp"))
        .map(from)
        .filter(|s| !s.is_empty())
}

/// `null` for an empty map (1.0 style), the map otherwise.
pub(crate) fn map_or_null(groups: Value) -> Value {
    match &groups {
        Value::Object(m) if m.is_empty() => Value::Null,
        _ => groups,
    }
}

/// First label of a domain name (`domainPrefix`).
pub(crate) fn domain_prefix(domain: &str) -> String {
    domain.split('.').next().unwrap_or("").to_string()
}
