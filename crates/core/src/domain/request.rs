//! An HTTP request as gatescope composes, sends, stores and exports it.

use serde::{Deserialize, Serialize};

/// Ordered, case-preserving header list: order and repeats matter for
/// signing, for payload 1.0 `multiValueHeaders` and for faithful exports.
pub type Headers = Vec<(String, String)>;

/// Case-insensitive lookup of the first header with this name.
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HttpRequest {
    pub method: String,
    /// Full URL including the query string.
    pub url: String,
    #[serde(default)]
    pub headers: Headers,
    /// Raw body bytes (JSON-serialised as base64 by [`crate::domain::request::body_serde`]).
    #[serde(default, with = "body_serde")]
    pub body: Vec<u8>,
}

impl HttpRequest {
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        HttpRequest {
            method: method.into(),
            url: url.into(),
            ..Default::default()
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// How a request is authenticated. Secrets live only in memory; persisted
/// forms go through redaction first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AuthMode {
    #[default]
    None,
    /// AWS SigV4 for service `execute-api` with the ambient credential chain.
    Sigv4 { region: Option<String> },
    /// `Authorization: Bearer <token>`.
    Jwt { token: String },
    /// `x-api-key: <key>`.
    ApiKey { key: String },
}

/// Serialises bodies as UTF-8 text when they are, base64 otherwise, so saved
/// requests stay readable.
pub mod body_serde {
    use base64::Engine;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Repr {
        Text(String),
        B64 { base64: String },
    }

    pub(crate) fn serialize<S: Serializer>(body: &[u8], s: S) -> Result<S::Ok, S::Error> {
        match std::str::from_utf8(body) {
            Ok(t) => Repr::Text(t.to_string()).serialize(s),
            Err(_) => Repr::B64 {
                base64: base64::engine::general_purpose::STANDARD.encode(body),
            }
            .serialize(s),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        match Repr::deserialize(d)? {
            Repr::Text(t) => Ok(t.into_bytes()),
            Repr::B64 { base64 } => base64::engine::general_purpose::STANDARD
                .decode(base64)
                .map_err(serde::de::Error::custom),
        }
    }
}
