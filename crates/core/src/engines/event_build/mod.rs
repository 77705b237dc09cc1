//! The proxy event a Lambda receives from API Gateway, built field for field
//! from a request (reference §1): payload 2.0 for HTTP APIs, 1.0 for REST and
//! for HTTP APIs with `PayloadFormatVersion=1.0`. Keys come out in the order
//! of AWS's examples (serde_json keeps insertion order).

mod input;
mod parts;
mod v1;
mod v2;

pub use input::{AuthorizerData, EventInput, Seed, parse_execute_api_host, request_id, trace_id};

pub(crate) use parts::media_matches;
pub use v1::strip_stage;

use serde_json::Value;

use crate::domain::{ApiType, PayloadFormat};

/// Build the event for `input` (REST is always payload 1.0).
pub fn build_event(input: &EventInput) -> Value {
    match (input.api_type, input.payload) {
        (ApiType::Http, PayloadFormat::V2) => v2::build(input),
        _ => v1::build(input),
    }
}

#[cfg(test)]
mod tests;
