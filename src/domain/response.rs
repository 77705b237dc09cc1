//! What came back from a sent request.

use serde::{Deserialize, Serialize};

use super::request::{Headers, header};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    pub total_ms: f64,
    /// Time until the response head arrived, when measurable.
    pub first_byte_ms: Option<f64>,
    /// TCP+TLS connect time, when measurable.
    pub connect_ms: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct HttpResponse {
    pub status: u16,
    /// Header names lower-cased, in arrival order, repeats kept.
    pub headers: Headers,
    /// Body bytes kept (possibly cut, see `truncated`).
    #[serde(with = "super::request::body_serde")]
    pub body: Vec<u8>,
    /// Full size as received on the wire, even when `body` was cut.
    pub body_size: u64,
    pub truncated: bool,
    pub timing: Timing,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    /// API Gateway's request id: `apigw-requestid` (HTTP API) or
    /// `x-amzn-RequestId` (REST).
    pub fn request_id(&self) -> Option<&str> {
        self.header("apigw-requestid")
            .or_else(|| self.header("x-amzn-requestid"))
    }
}
