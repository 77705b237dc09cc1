//! What came back from a sent request.

use serde::{Deserialize, Serialize};

use super::request::{Headers, header};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Timing {
    #[serde(serialize_with = "tenth_ms")]
    pub total_ms: f64,
    /// Time until the response head arrived, when measurable.
    #[serde(serialize_with = "tenth_ms_opt")]
    pub first_byte_ms: Option<f64>,
    /// TCP+TLS connect time, when measurable.
    #[serde(serialize_with = "tenth_ms_opt")]
    pub connect_ms: Option<f64>,
}

/// Durations are written to 0.1 ms: the clock is not finer than that in
/// any way that matters, and `0.8047059999999999` is noise.
fn round_tenth(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

fn tenth_ms<S: serde::Serializer>(ms: &f64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(round_tenth(*ms))
}

fn tenth_ms_opt<S: serde::Serializer>(ms: &Option<f64>, s: S) -> Result<S::Ok, S::Error> {
    match ms {
        Some(v) => s.serialize_some(&round_tenth(*v)),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod timing_tests {
    use super::Timing;

    #[test]
    fn durations_serialize_to_a_tenth_of_a_millisecond() {
        let t = Timing {
            total_ms: 12.345_678,
            first_byte_ms: Some(0.804_705_999_999_999_9),
            connect_ms: None,
        };
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"totalMs":12.3,"firstByteMs":0.8,"connectMs":null}"#
        );
    }
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
