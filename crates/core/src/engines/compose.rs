//! From a route (or a free URL) to an editable [`RequestDraft`], and from a
//! draft to the exact [`HttpRequest`] that gets signed and sent.
//!
//! The URL is built in one canonical form (RFC 3986 unreserved characters
//! left alone, everything else percent-encoded, `%20` for spaces, `%2B` for
//! plus signs) because that is the form SigV4 canonicalises to: what goes on
//! the wire is then byte-for-byte what was signed.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::domain::{
    Api, AuthMode, AuthorizationType, DraftTarget, Field, HttpRequest, RequestDraft, Route, Stage,
};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`).
pub const STRICT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Why a draft cannot become a request. One sentence each, naming the culprit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ComposeError {
    #[error("the method {0:?} is not a valid HTTP method")]
    BadMethod(String),
    #[error("the URL {url:?} is not valid: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("only http:// and https:// URLs can be sent, not {0:?}")]
    BadScheme(String),
    #[error("path parameter {{{0}}} has no value")]
    MissingPathParam(String),
    #[error("the header name {0:?} is not valid")]
    BadHeaderName(String),
    #[error(
        "the value of header {0:?} contains a character HTTP does not allow (line break or control character)"
    )]
    BadHeaderValue(String),
}

/// A `{name}` or `{name+}` segment of a route path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathField {
    pub name: String,
    /// `{name+}`: matches several segments; slashes in the value are kept.
    pub greedy: bool,
}

/// The `{param}` fields of a route path, in order.
pub fn path_fields(template: &str) -> Vec<PathField> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        let inner = &rest[start + 1..start + len];
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(n) => (n, true),
            None => (inner, false),
        };
        if !name.is_empty() && !out.iter().any(|f: &PathField| f.name == name) {
            out.push(PathField {
                name: name.to_string(),
                greedy,
            });
        }
        rest = &rest[start + len + 1..];
    }
    out
}

/// The base URL to call `stage` of `api`: the stage's own invoke URL when
/// known, else `{endpoint}/{stage}` (no stage segment for `$default`).
pub fn invoke_url(api: &Api, stage: &Stage) -> Option<String> {
    if let Some(u) = stage.invoke_url.as_deref().filter(|u| !u.is_empty()) {
        return Some(u.trim_end_matches('/').to_string());
    }
    let endpoint = api.endpoint.as_deref()?.trim_end_matches('/');
    if stage.stage_name == "$default" {
        Some(endpoint.to_string())
    } else {
        Some(format!(
            "{endpoint}/{}",
            utf8_percent_encode(&stage.stage_name, STRICT)
        ))
    }
}

/// `{region}` of an `*.execute-api.{region}.amazonaws.com` (or `.vpce.`) host
/// inside `url`; `None` for any other host (custom domains, loopback).
pub fn region_from_url(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let i = labels.iter().position(|l| *l == "execute-api")?;
    let region = labels.get(i + 1)?;
    let looks_like_region = region.split('-').count() >= 3 && region.ends_with(char::is_numeric);
    looks_like_region.then(|| region.to_string())
}

/// `{apiId}` of an execute-api host (the first label, without a `-vpce-…` suffix).
pub(crate) fn api_id_from_url(url: &str) -> Option<String> {
    let host = url::Url::parse(url).ok()?.host_str()?.to_ascii_lowercase();
    if !host.contains(".execute-api.") {
        return None;
    }
    let first = host.split('.').next()?;
    Some(first.split('-').next().unwrap_or(first).to_string())
}

/// A draft for `route` on `stage`: method preset (`ANY` becomes `GET`), one
/// field per path parameter, auth preset from the route's authorization type.
pub fn draft_for_route(api: &Api, route: &Route, stage: Option<&Stage>) -> RequestDraft {
    let base_url = stage
        .and_then(|s| invoke_url(api, s))
        .or_else(|| api.endpoint.clone())
        .unwrap_or_default();
    let method = match route.method() {
        "ANY" | "$default" => "GET".to_string(),
        m => m.to_string(),
    };
    let path = route.path().unwrap_or("/").to_string();
    let path_params = path_fields(&path)
        .into_iter()
        .map(|f| Field::new(f.name, ""))
        .collect();
    let region = region_from_url(&base_url);
    let auth = match route.authorization_type {
        Some(AuthorizationType::AwsIam) => AuthMode::Sigv4 {
            region: region.clone(),
        },
        Some(AuthorizationType::Jwt | AuthorizationType::CognitoUserPools) => AuthMode::Jwt {
            token: String::new(),
        },
        _ if route.api_key_required => AuthMode::ApiKey { key: String::new() },
        _ => AuthMode::None,
    };
    RequestDraft {
        method,
        base_url,
        path,
        path_params,
        auth,
        target: DraftTarget {
            api_id: Some(api.id.clone()),
            route_key: Some(route.route_key.clone()),
            stage: stage.map(|s| s.stage_name.clone()),
            region,
            auth_label: None,
        },
        ..Default::default()
    }
}

/// The JWT authorizer guarding `route` (for the pre-send token checks).
pub fn route_jwt_authorizer<'a>(
    api: &'a Api,
    route: &Route,
) -> Option<&'a crate::domain::Authorizer> {
    let auth = api.authorizer(route.authorizer_id.as_deref()?)?;
    auth.jwt_configuration.is_some().then_some(auth)
}

/// A draft for a free URL (no inventory): the query string is split into
/// decoded fields (`+` read as a space, as browsers and API Gateway do).
pub fn draft_from_url(method: &str, url: &str) -> Result<RequestDraft, ComposeError> {
    let parsed = parse_http_url(url)?;
    let mut base_url = format!("{}://{}", parsed.scheme(), parsed.host_str().unwrap_or(""));
    if let Some(port) = parsed.port() {
        base_url.push_str(&format!(":{port}"));
    }
    let query = parsed
        .query_pairs()
        .map(|(k, v)| Field::new(k.into_owned(), v.into_owned()))
        .collect();
    Ok(RequestDraft {
        method: method.to_ascii_uppercase(),
        base_url,
        path: parsed.path().to_string(),
        query,
        target: DraftTarget {
            api_id: api_id_from_url(url),
            region: region_from_url(url),
            ..Default::default()
        },
        ..Default::default()
    })
}

fn parse_http_url(url: &str) -> Result<url::Url, ComposeError> {
    let parsed = url::Url::parse(url.trim()).map_err(|e| ComposeError::BadUrl {
        url: url.to_string(),
        reason: e.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(ComposeError::BadScheme(parsed.scheme().to_string()));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(ComposeError::BadUrl {
            url: url.to_string(),
            reason: "it has no host".into(),
        });
    }
    Ok(parsed)
}

/// Percent-encode a literal path: keep what RFC 3986 allows in a path and
/// existing `%XX` escapes, encode the rest (spaces, quotes, `?`, `#`, unicode).
pub(crate) fn encode_literal_path(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let keep = b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/".contains(&b);
        let escape = b == b'%'
            && bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
            && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
        if keep || escape {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
        i += 1;
    }
    out
}

/// Substitute `{name}` / `{name+}` with the draft's values: a plain parameter
/// is encoded whole (a `/` becomes `%2F`), a greedy one segment by segment.
fn substitute_path(template: &str, params: &[Field]) -> Result<String, ComposeError> {
    let mut out = String::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        out.push_str(&encode_literal_path(&rest[..start]));
        let inner = &rest[start + 1..start + len];
        let (name, greedy) = match inner.strip_suffix('+') {
            Some(n) => (n, true),
            None => (inner, false),
        };
        let value = params
            .iter()
            .find(|f| f.enabled && f.name == name)
            .map(|f| f.value.as_str())
            .filter(|v| !v.is_empty())
            .ok_or_else(|| ComposeError::MissingPathParam(inner.to_string()))?;
        if greedy {
            let segments: Vec<String> = value
                .trim_start_matches('/')
                .split('/')
                .map(|s| utf8_percent_encode(s, STRICT).to_string())
                .collect();
            out.push_str(&segments.join("/"));
        } else {
            out.push_str(&utf8_percent_encode(value, STRICT).to_string());
        }
        rest = &rest[start + len + 1..];
    }
    out.push_str(&encode_literal_path(rest));
    Ok(out)
}

/// The query string (without `?`) of enabled fields, strictly encoded.
pub(crate) fn encode_query(fields: &[Field]) -> String {
    fields
        .iter()
        .filter(|f| f.enabled && !f.name.is_empty())
        .map(|f| {
            format!(
                "{}={}",
                utf8_percent_encode(&f.name, STRICT),
                utf8_percent_encode(&f.value, STRICT)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// Re-encode the query of a complete URL in the canonical form (see the
/// module docs); a URL without a query is returned as it was parsed.
#[cfg(test)]
pub(crate) fn canonical_url(url: &str) -> Result<String, ComposeError> {
    let draft = draft_from_url("GET", url)?;
    let mut out = format!("{}{}", draft.base_url, draft.path);
    let query = encode_query(&draft.query);
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    Ok(out)
}

/// Turn a draft into the request to sign and send.
pub fn build(draft: &RequestDraft) -> Result<HttpRequest, ComposeError> {
    let method = draft.method.trim().to_ascii_uppercase();
    if method.is_empty() || http::Method::from_bytes(method.as_bytes()).is_err() {
        return Err(ComposeError::BadMethod(draft.method.clone()));
    }
    let base = draft.base_url.trim().trim_end_matches('/');
    let path = substitute_path(&draft.path, &draft.path_params)?;
    let mut url = format!(
        "{base}{}{path}",
        if path.starts_with('/') { "" } else { "/" }
    );
    let query = encode_query(&draft.query);
    if !query.is_empty() {
        url.push('?');
        url.push_str(&query);
    }
    // Let the url crate resolve dot segments the same way reqwest will, so
    // the signed URL is the sent URL.
    let url = parse_http_url(&url)?.to_string();

    let mut headers = Vec::new();
    for f in draft
        .headers
        .iter()
        .filter(|f| f.enabled && !f.name.is_empty())
    {
        let name = f.name.trim();
        if http::HeaderName::from_bytes(name.as_bytes()).is_err() {
            return Err(ComposeError::BadHeaderName(f.name.clone()));
        }
        if http::HeaderValue::from_bytes(f.value.as_bytes()).is_err() {
            return Err(ComposeError::BadHeaderValue(name.to_string()));
        }
        headers.push((name.to_string(), f.value.clone()));
    }
    if let Some(mime) = draft.content_type.mime()
        && crate::domain::header(&headers, "content-type").is_none()
    {
        headers.push(("content-type".to_string(), mime.to_string()));
    }
    Ok(HttpRequest {
        method,
        url,
        headers,
        body: draft.body.clone(),
    })
}

/// The header an auth mode puts on the request (`Authorization: Bearer`,
/// `x-api-key`), `None` when its value is empty; SigV4 headers come from
/// signing, later.
pub fn auth_header(auth: &AuthMode) -> Option<(&'static str, String)> {
    match auth {
        AuthMode::Jwt { token } => {
            let t = token.trim();
            let t = t.strip_prefix("Bearer ").unwrap_or(t).trim();
            (!t.is_empty()).then(|| ("authorization", format!("Bearer {t}")))
        }
        AuthMode::ApiKey { key } => {
            (!key.trim().is_empty()).then(|| ("x-api-key", key.trim().to_string()))
        }
        AuthMode::None | AuthMode::Sigv4 { .. } => None,
    }
}

/// For JSON validation as the user types: `None` when the body is empty or
/// valid JSON, else serde_json's message (it names the line and column).
pub fn json_problem(body: &[u8]) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    serde_json::from_slice::<serde::de::IgnoredAny>(body)
        .err()
        .map(|e| e.to_string())
}

#[cfg(test)]
#[path = "compose_tests.rs"]
mod tests;
