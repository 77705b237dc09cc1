//! What the event builder needs: one plain struct the CLI, the demo gateway
//! and the doctor fill in, plus helpers to fill it from a URL.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::{ApiType, Headers, PayloadFormat};

/// Who the authorizer said the caller is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AuthorizerData {
    #[default]
    None,
    /// HTTP API JWT authorizer: the token's claims as decoded (any JSON
    /// types; the builder turns them into strings as API Gateway does) and
    /// the scopes (`None`: taken from the `scope`/`scp` claim).
    Jwt {
        claims: Map<String, Value>,
        #[serde(default)]
        scopes: Option<Vec<String>>,
    },
    /// Lambda authorizer: `principalId` (REST and simple-response-less HTTP)
    /// and the `context` object.
    Lambda {
        #[serde(default)]
        principal_id: Option<String>,
        #[serde(default)]
        context: Map<String, Value>,
    },
    /// IAM (SigV4) caller.
    Iam {
        #[serde(default)]
        access_key: Option<String>,
        #[serde(default)]
        account_id: Option<String>,
        #[serde(default)]
        caller_id: Option<String>,
        #[serde(default)]
        user_arn: Option<String>,
        #[serde(default)]
        user_id: Option<String>,
        #[serde(default)]
        principal_org_id: Option<String>,
    },
    /// REST Cognito user-pool authorizer claims.
    Cognito { claims: Map<String, Value> },
}

/// Everything that ends up in a proxy event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventInput {
    pub api_type: ApiType,
    /// REST is always 1.0; HTTP APIs take the integration's format.
    pub payload: PayloadFormat,
    pub method: String,
    /// The path as requested, stage prefix included (`rawPath`), without query.
    pub path: String,
    /// Raw query string without `?` (`rawQueryString`).
    pub query: String,
    /// Request headers as sent, in order, repeats kept.
    pub headers: Headers,
    #[serde(with = "crate::domain::request::body_serde")]
    pub body: Vec<u8>,
    /// `GET /items/{id}`, `ANY /{proxy+}` or `$default`.
    pub route_key: String,
    /// Path variables in route order.
    pub path_parameters: Vec<(String, String)>,
    /// Stage name (`$default` for HTTP APIs without a stage prefix).
    pub stage: String,
    pub stage_variables: BTreeMap<String, String>,
    pub api_id: String,
    pub account_id: String,
    /// `Host` the client used (execute-api host or custom domain).
    pub domain_name: String,
    pub request_id: String,
    /// REST `extendedRequestId` (HTTP API 1.0 has it too).
    pub extended_request_id: String,
    /// `x-amzn-trace-id` added by [`EventInput::with_gateway_headers`].
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub trace_id: String,
    pub time_epoch_ms: i64,
    pub source_ip: String,
    pub protocol: String,
    pub authorizer: AuthorizerData,
    /// REST only: content types treated as binary.
    pub binary_media_types: Vec<String>,
    /// REST resource id (`requestContext.resourceId`).
    pub resource_id: Option<String>,
    /// REST API key used (`identity.apiKey` / `apiKeyId`).
    pub api_key: Option<String>,
    pub api_key_id: Option<String>,
}

impl Default for EventInput {
    fn default() -> Self {
        EventInput {
            api_type: ApiType::Http,
            payload: PayloadFormat::V2,
            method: "GET".into(),
            path: "/".into(),
            query: String::new(),
            headers: Vec::new(),
            body: Vec::new(),
            route_key: "$default".into(),
            path_parameters: Vec::new(),
            stage: "$default".into(),
            stage_variables: BTreeMap::new(),
            api_id: "abcdef1234".into(),
            account_id: "123456789012".into(),
            domain_name: "abcdef1234.execute-api.us-east-1.amazonaws.com".into(),
            request_id: String::new(),
            extended_request_id: String::new(),
            trace_id: String::new(),
            time_epoch_ms: 0,
            source_ip: "127.0.0.1".into(),
            protocol: "HTTP/1.1".into(),
            authorizer: AuthorizerData::None,
            binary_media_types: Vec::new(),
            resource_id: None,
            api_key: None,
            api_key_id: None,
        }
    }
}

/// The clock reading and the random bytes an event needs, handed in so the
/// engine stays pure (`app::seed` reads the real ones; tests pass fixed ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seed {
    /// "Now", epoch milliseconds.
    pub now_ms: i64,
    /// Request id, extended request id and trace id bytes, 16 each.
    pub random: [u8; 48],
}

impl EventInput {
    /// Start from a method and a URL (`https://host/path?query` or just
    /// `/path?query`). The API id comes from an execute-api host; request ids
    /// and the trace id come from `seed`'s random bytes, the time from its clock.
    pub fn from_url(
        api_type: ApiType,
        payload: PayloadFormat,
        method: &str,
        url: &str,
        seed: Seed,
    ) -> Self {
        let part = |i: usize| -> [u8; 16] {
            let mut b = [0u8; 16];
            b.copy_from_slice(&seed.random[i * 16..(i + 1) * 16]);
            b
        };
        let mut input = EventInput {
            api_type,
            payload: if api_type == ApiType::Rest {
                PayloadFormat::V1
            } else {
                payload
            },
            method: method.trim().to_ascii_uppercase(),
            request_id: request_id(api_type, part(0)),
            extended_request_id: request_id(ApiType::Http, part(1)),
            trace_id: trace_id(seed.now_ms, part(2)),
            time_epoch_ms: seed.now_ms,
            ..Default::default()
        };
        let (host, path, query) = split_url(url);
        if let Some(h) = host {
            if let Some((id, _region)) = parse_execute_api_host(&h) {
                input.api_id = id;
            }
            input.domain_name = h;
        }
        input.path = if path.is_empty() { "/".into() } else { path };
        input.query = query;
        input
    }

    /// Add the headers API Gateway's front end adds when the client did not
    /// send them: `host`, `content-length`, `x-amzn-trace-id`,
    /// `x-forwarded-for/port/proto` (as in real captures, reference §1.2).
    pub fn with_gateway_headers(mut self) -> Self {
        let has = |h: &Headers, n: &str| h.iter().any(|(k, _)| k.eq_ignore_ascii_case(n));
        let mut add = |name: &str, value: String| {
            if !has(&self.headers, name) {
                self.headers.push((name.to_string(), value));
            }
        };
        add("host", self.domain_name.clone());
        if !self.body.is_empty() || matches!(self.method.as_str(), "POST" | "PUT" | "PATCH") {
            add("content-length", self.body.len().to_string());
        }
        let trace = if self.trace_id.is_empty() {
            trace_id(self.time_epoch_ms, [0; 16])
        } else {
            self.trace_id.clone()
        };
        add("x-amzn-trace-id", trace);
        add("x-forwarded-for", self.source_ip.clone());
        add("x-forwarded-port", "443".into());
        add("x-forwarded-proto", "https".into());
        self
    }

    /// Region of an execute-api `domain_name`, when it is one.
    pub fn region(&self) -> Option<String> {
        parse_execute_api_host(&self.domain_name).map(|(_, r)| r)
    }
}

/// `(api_id, region)` from `{id}.execute-api.{region}.amazonaws.com[:port]`
/// (also the `{id}-{vpce}` private form).
pub fn parse_execute_api_host(host: &str) -> Option<(String, String)> {
    let host = host.split(':').next()?.to_ascii_lowercase();
    let mut labels = host.split('.');
    let first = labels.next()?;
    if labels.next()? != "execute-api" {
        return None;
    }
    let region = labels.next()?.to_string();
    let id = first.split('-').next()?.to_string();
    (!id.is_empty() && !region.is_empty()).then_some((id, region))
}

/// `(host, path, query)`; host is `None` for a bare path.
pub(crate) fn split_url(url: &str) -> (Option<String>, String, String) {
    let url = url.trim();
    let rest = match url.find("://") {
        Some(i) => &url[i + 3..],
        None => url,
    };
    let (host, path_query) = if url.contains("://") || !rest.starts_with('/') {
        match rest.find(['/', '?']) {
            Some(i) => (Some(rest[..i].to_string()), &rest[i..]),
            None => (Some(rest.to_string()), ""),
        }
    } else {
        (None, rest)
    };
    let path_query = path_query.split('#').next().unwrap_or("");
    let (path, query) = match path_query.split_once('?') {
        Some((p, q)) => (p, q),
        None => (path_query, ""),
    };
    let path = if path.is_empty() { "/" } else { path };
    (
        host.filter(|h| !h.is_empty()),
        path.to_string(),
        query.to_string(),
    )
}

/// A request id in the style of the API type from 16 random bytes: HTTP
/// APIs use 14 base64-ish characters plus `=` (`LV7fzho-PHcEJPw=`), REST a
/// UUID (reference §8).
pub fn request_id(api_type: ApiType, random: [u8; 16]) -> String {
    let id = uuid::Builder::from_random_bytes(random).into_uuid();
    match api_type {
        ApiType::Rest => id.to_string(),
        ApiType::Http => {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&id.as_bytes()[..11]);
            format!("{}=", &b64[..14])
        }
    }
}

/// An `x-amzn-trace-id` value (`Root=1-{epoch hex}-{24 hex}`) from 16 random bytes.
pub fn trace_id(epoch_ms: i64, random: [u8; 16]) -> String {
    let hex: String = uuid::Builder::from_random_bytes(random)
        .into_uuid()
        .simple()
        .to_string();
    format!("Root=1-{:08x}-{}", epoch_ms / 1000, &hex[..24])
}
