//! CORS as API Gateway and a browser see it (reference §3).
//!
//! HTTP APIs with a `CorsConfiguration` answer preflights themselves and add
//! the configured headers to actual responses, ignoring the integration's
//! own CORS headers. REST APIs (and HTTP APIs without a configuration) pass
//! whatever the integration returned. The browser's verdict then follows the
//! Fetch standard's CORS check; every failure names the header and value.

use crate::domain::FindingCode;
use serde::{Deserialize, Serialize};

use crate::domain::{Certainty, Cors, Finding, HttpRequest};

/// What a browser is about to do.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BrowserRequest {
    pub origin: String,
    pub method: String,
    /// Request header names the page sets (safelisted ones are ignored).
    #[serde(default)]
    pub headers: Vec<String>,
    /// `credentials: 'include'`.
    #[serde(default)]
    pub credentials: bool,
    /// Response header names the page's script reads (`response.headers.get(name)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub read_headers: Vec<String>,
}

impl BrowserRequest {
    /// The browser request behind `req` as sent from a page on `origin`: the headers the
    /// page set (those a browser sets itself and the CORS-safelisted ones left out), and
    /// credentials when a `Cookie` went along. The probe and the doctor both build it here,
    /// so they cannot disagree about what a browser would send.
    pub fn from_http(req: &HttpRequest, origin: &str) -> BrowserRequest {
        BrowserRequest {
            origin: origin.to_string(),
            method: req.method.to_ascii_uppercase(),
            headers: page_headers(req),
            credentials: req.header("cookie").is_some(),
            read_headers: Vec::new(),
        }
    }
}

/// Where the origin a CORS check evaluates came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum OriginSource {
    /// The `Origin` header the user set on the request.
    RequestHeader,
    /// No `Origin` header: the first concrete origin of the API's AllowOrigins.
    AllowedOrigins,
    /// Neither: a stand-in origin.
    Placeholder,
}

impl OriginSource {
    pub fn describe(self) -> &'static str {
        match self {
            OriginSource::RequestHeader => "the request's Origin header",
            OriginSource::AllowedOrigins => {
                "no Origin header: the first origin of the API's AllowOrigins"
            }
            OriginSource::Placeholder => {
                "no Origin header and no configured origin: a stand-in; set Origin on the request to check yours"
            }
        }
    }
}

/// The origin a browser check of `req` evaluates: the request's own `Origin` header
/// first (the doctor evaluates that one too, so a probe and a finding always name the
/// same origin), else the API's first concrete allowed origin, else a stand-in.
pub fn probe_origin(req: &HttpRequest, cors: Option<&Cors>) -> (String, OriginSource) {
    if let Some(o) = req
        .header("origin")
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        return (o.to_string(), OriginSource::RequestHeader);
    }
    let configured = cors.and_then(|c| c.allow_origins.iter().find(|o| !o.contains('*')));
    match configured {
        Some(o) => (o.clone(), OriginSource::AllowedOrigins),
        None => ("https://example.com".to_string(), OriginSource::Placeholder),
    }
}

/// Headers a browser sets itself; a page cannot send them, so they never appear in
/// `Access-Control-Request-Headers`.
const BROWSER_OWNED: &[&str] = &[
    "host",
    "origin",
    "content-length",
    "cookie",
    "connection",
    "user-agent",
    "referer",
    "accept-encoding",
];
/// `content-type` values a page may send without a preflight (Fetch).
const SIMPLE_CONTENT_TYPES: &[&str] = &[
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "text/plain",
];
/// Response headers a page can always read (Fetch "CORS-safelisted response-header names").
const SAFELISTED_RESPONSE_HEADERS: &[&str] = &[
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

/// The non-safelisted header names of `req`, lower-cased, sorted, deduplicated (what
/// Chrome and Firefox put in `Access-Control-Request-Headers`).
pub fn page_headers(req: &HttpRequest) -> Vec<String> {
    let mut names: Vec<String> = req
        .headers
        .iter()
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .filter(|(k, v)| {
            !(SAFELISTED_HEADERS.contains(&k.as_str())
                || BROWSER_OWNED.contains(&k.as_str())
                || (k == "content-type" && is_simple_content_type(v)))
        })
        .map(|(k, _)| k)
        .collect();
    names.sort();
    names.dedup();
    names
}

fn is_simple_content_type(v: &str) -> bool {
    let essence = v
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    SIMPLE_CONTENT_TYPES.contains(&essence.as_str())
}

/// A preflight response (as API Gateway would answer or as received).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preflight {
    pub status: u16,
    pub headers: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CorsEvaluation {
    /// Would the browser let the page read the response?
    pub allowed: bool,
    pub preflight_needed: bool,
    /// The preflight answer (when one is needed).
    pub preflight: Option<Preflight>,
    /// CORS headers on the actual response.
    pub response_headers: Vec<(String, String)>,
    pub findings: Vec<Finding>,
}

/// Status of a preflight answered by an HTTP API ([UNVERIFIED]: 204 is what
/// users report; AWS does not document it).
pub const HTTP_API_PREFLIGHT_STATUS: u16 = 204;

const SIMPLE_METHODS: &[&str] = &["GET", "HEAD", "POST"];
const SAFELISTED_HEADERS: &[&str] = &["accept", "accept-language", "content-language"];

/// Would a browser send a preflight for this request? (Fetch: non-simple
/// method, or a header outside the safelist; `content-type` counts when the
/// page names it, i.e. when its value is not form/plain text.)
pub fn needs_preflight(req: &BrowserRequest) -> bool {
    !SIMPLE_METHODS.contains(&req.method.to_ascii_uppercase().as_str())
        || !requested_headers(req).is_empty()
}

/// Lower-cased names that go into `Access-Control-Request-Headers`.
pub(crate) fn requested_headers(req: &BrowserRequest) -> Vec<String> {
    let mut v: Vec<String> = req
        .headers
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty() && !SAFELISTED_HEADERS.contains(&h.as_str()))
        .collect();
    v.sort();
    v.dedup();
    v
}

/// The headers of the preflight request a browser would send.
#[cfg(test)]
pub(crate) fn preflight_request_headers(req: &BrowserRequest) -> Vec<(String, String)> {
    let mut h = vec![
        ("Origin".to_string(), req.origin.clone()),
        (
            "Access-Control-Request-Method".to_string(),
            req.method.to_ascii_uppercase(),
        ),
    ];
    let names = requested_headers(req);
    if !names.is_empty() {
        h.push((
            "Access-Control-Request-Headers".to_string(),
            names.join(","),
        ));
    }
    h
}

/// The `Access-Control-Allow-Origin` an HTTP API sends for this origin: the origin
/// itself when listed or matched by a prefix wildcard, `*` when `*` is listed, none
/// otherwise. AWS documents the three wildcard forms `*`, `https://*` ("any origin that
/// begins with https://") and `http://*` [DOC http-api-cors]; which value answers a prefix
/// match is not documented, the origin itself being the only one a browser accepts
/// [UNVERIFIED]. The rest follows SAM's W3C model (AWS does not spell it out).
fn allowed_origin(cors: &Cors, origin: &str) -> Option<String> {
    if cors.allow_origins.iter().any(|o| o == origin)
        || cors
            .allow_origins
            .iter()
            .any(|o| prefix_wildcard_matches(o, origin))
    {
        Some(origin.to_string())
    } else if cors.allow_origins.iter().any(|o| o == "*") {
        Some("*".to_string())
    } else {
        None
    }
}

/// The prefix wildcards AWS documents for `allowOrigins`.
pub(crate) const PREFIX_WILDCARDS: &[&str] = &["https://*", "http://*"];

/// Does `pattern` (`https://*` or `http://*`) match `origin`? An origin is
/// `scheme://host[:port]`, so something must follow the scheme.
pub(crate) fn prefix_wildcard_matches(pattern: &str, origin: &str) -> bool {
    PREFIX_WILDCARDS.contains(&pattern)
        && origin
            .strip_prefix(pattern.trim_end_matches('*'))
            .is_some_and(|host| !host.is_empty())
}

/// The preflight an HTTP API with this configuration answers.
pub fn http_api_preflight(cors: &Cors, origin: &str) -> Preflight {
    let mut headers = Vec::new();
    if let Some(o) = allowed_origin(cors, origin) {
        headers.push(("access-control-allow-origin".into(), o));
        if !cors.allow_methods.is_empty() {
            headers.push((
                "access-control-allow-methods".into(),
                cors.allow_methods.join(","),
            ));
        }
        if !cors.allow_headers.is_empty() {
            headers.push((
                "access-control-allow-headers".into(),
                cors.allow_headers.join(","),
            ));
        }
        if let Some(age) = cors.max_age {
            headers.push(("access-control-max-age".into(), age.to_string()));
        }
        if cors.allow_credentials == Some(true) {
            headers.push(("access-control-allow-credentials".into(), "true".into()));
        }
    }
    Preflight {
        status: HTTP_API_PREFLIGHT_STATUS,
        headers,
    }
}

/// CORS headers an HTTP API puts on an actual response (the integration's
/// own `access-control-*` headers are dropped).
pub(crate) fn http_api_response_headers(
    cors: &Cors,
    origin: Option<&str>,
) -> Vec<(String, String)> {
    let Some(o) = origin.and_then(|o| allowed_origin(cors, o)) else {
        return Vec::new();
    };
    let mut headers = vec![("access-control-allow-origin".to_string(), o)];
    if !cors.expose_headers.is_empty() {
        headers.push((
            "access-control-expose-headers".into(),
            cors.expose_headers.join(","),
        ));
    }
    if cors.allow_credentials == Some(true) {
        headers.push(("access-control-allow-credentials".into(), "true".into()));
    }
    headers
}

/// Apply an HTTP API's CORS configuration to an integration response's headers.
pub fn apply_http_api_cors(
    cors: &Cors,
    origin: Option<&str>,
    backend: &[(String, String)],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = backend
        .iter()
        .filter(|(k, _)| !k.to_ascii_lowercase().starts_with("access-control-"))
        .cloned()
        .collect();
    out.extend(http_api_response_headers(cors, origin));
    out
}

/// Evaluate against an HTTP API's `CorsConfiguration`; `backend_headers` are
/// the integration's response headers when known (to flag ignored ones).
pub fn evaluate_http_api(
    cors: &Cors,
    req: &BrowserRequest,
    backend_headers: &[(String, String)],
) -> CorsEvaluation {
    let preflight_needed = needs_preflight(req);
    let preflight = preflight_needed.then(|| http_api_preflight(cors, &req.origin));
    let response_headers = http_api_response_headers(cors, Some(&req.origin));
    let mut eval = browser_verdict(req, preflight.as_ref(), &response_headers);
    eval.findings.extend(lint_config(cors));
    if backend_headers
        .iter()
        .any(|(k, _)| k.to_ascii_lowercase().starts_with("access-control-"))
    {
        eval.findings.push(
            Finding::new(FindingCode::CorsBackendHeadersIgnored, Certainty::Evaluated, "The function's own Access-Control-* headers are ignored: the API's CorsConfiguration wins"),
        );
    }
    if !allows_origin(cors, &req.origin)
        && let Some(f) = eval
            .findings
            .iter_mut()
            .find(|f| f.code == "CORS_ORIGIN_NOT_ALLOWED")
    {
        f.evidence.push(format!(
            "CorsConfiguration.AllowOrigins: {}",
            cors.allow_origins.join(", ")
        ));
        *f = f.clone().fix_variant(
            "http",
            &[
                ("origin", req.origin.clone()),
                ("cors_json", with_origin_json(cors, &req.origin)),
            ],
        );
    }
    eval
}

/// The CorsConfiguration JSON with `origin` added to AllowOrigins, for the fix
/// command: `update-api --cors-configuration` replaces the whole configuration, so
/// it repeats every configured field and following it changes nothing else.
pub(crate) fn with_origin_json(config: &Cors, origin: &str) -> String {
    let mut c = config.clone();
    if !c.allow_origins.iter().any(|o| o == origin) {
        c.allow_origins.push(origin.to_string());
    }
    let mut doc = serde_json::Map::new();
    doc.insert("AllowOrigins".into(), serde_json::json!(c.allow_origins));
    let lists = [
        ("AllowMethods", &c.allow_methods),
        ("AllowHeaders", &c.allow_headers),
        ("ExposeHeaders", &c.expose_headers),
    ];
    for (name, v) in lists {
        if !v.is_empty() {
            doc.insert(name.into(), serde_json::json!(v));
        }
    }
    if let Some(m) = c.max_age {
        doc.insert("MaxAge".into(), serde_json::json!(m));
    }
    if let Some(b) = c.allow_credentials {
        doc.insert("AllowCredentials".into(), serde_json::json!(b));
    }
    serde_json::Value::Object(doc).to_string()
}

fn allows_origin(cors: &Cors, origin: &str) -> bool {
    allowed_origin(cors, origin).is_some()
}

/// Evaluate a REST API (or an HTTP API without CorsConfiguration): the
/// integration's response headers are what the browser sees; `options` is the
/// answer of the resource's OPTIONS method when one was probed.
pub fn evaluate_passthrough(
    req: &BrowserRequest,
    options: Option<&Preflight>,
    response_headers: &[(String, String)],
) -> CorsEvaluation {
    let preflight_needed = needs_preflight(req);
    let mut eval = browser_verdict(req, options, response_headers);
    if preflight_needed && options.is_none() {
        eval.allowed = false;
        eval.findings.insert(
            0,
            Finding::new(
                FindingCode::CorsNoPreflightRoute,
                Certainty::Evaluated,
                "This request needs a preflight, but no OPTIONS answer is known for the resource",
            ),
        );
    }
    eval
}

mod lint;
mod verdict;

pub(crate) use lint::lint_config;
pub use lint::{credentials_with_wildcard, lint_with_routes};
pub use verdict::browser_verdict;

#[cfg(test)]
mod tests;
