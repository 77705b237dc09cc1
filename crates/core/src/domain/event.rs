//! Proxy events: the JSON a Lambda receives from API Gateway.

use serde::{Deserialize, Serialize};

/// HTTP API or REST API (decides 500 vs 502, allowed response keys, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ApiType {
    #[default]
    Http,
    Rest,
}

impl From<super::api::Protocol> for ApiType {
    fn from(p: super::api::Protocol) -> Self {
        match p {
            super::api::Protocol::Rest => ApiType::Rest,
            _ => ApiType::Http,
        }
    }
}

/// Lambda proxy payload format version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum PayloadFormat {
    #[serde(rename = "1.0")]
    V1,
    #[default]
    #[serde(rename = "2.0")]
    V2,
}

impl PayloadFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "1.0" | "1" => Some(PayloadFormat::V1),
            "2.0" | "2" => Some(PayloadFormat::V2),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PayloadFormat::V1 => "1.0",
            PayloadFormat::V2 => "2.0",
        }
    }
}

/// Which kind of event a JSON object is, as detected by the decoder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum EventKind {
    /// HTTP API payload format 2.0.
    HttpV2,
    /// HTTP API payload format 1.0 (`version: "1.0"`).
    HttpV1,
    /// REST API proxy event (no `version`).
    Rest,
}

/// A proxy event decoded for display: the raw JSON plus the facts a person
/// looks for first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecodedEvent {
    pub kind: EventKind,
    pub method: Option<String>,
    pub path: Option<String>,
    pub route_key: Option<String>,
    pub stage: Option<String>,
    pub request_id: Option<String>,
    pub source_ip: Option<String>,
    /// Body as text after base64 decoding (lossy UTF-8), when present.
    pub body_text: Option<String>,
    pub body_was_base64: bool,
    /// JWT claims from `requestContext.authorizer.jwt.claims` or `.claims`.
    pub claims: Option<serde_json::Value>,
    pub scopes: Vec<String>,
    /// The event as received.
    pub raw: serde_json::Value,
    /// True when gatescope rebuilt it from access-log fields instead of reading a logged event.
    pub reconstructed: bool,
}
