//! The proxy event a Lambda receives from API Gateway, built field for field
//! from a request (reference §1): payload 2.0 for HTTP APIs, 1.0 for REST and
//! for HTTP APIs with `PayloadFormatVersion=1.0`. Keys come out in the order
//! of AWS's examples (serde_json keeps insertion order).

mod input;
mod parts;
mod v1;
mod v2;

pub use input::{
    AuthorizerData, EventInput, Seed, parse_execute_api_host, request_id, split_url, trace_id,
};
pub use parts::{
    ArrayClaimStyle, DECODE_QUERY_VALUES, HTTP_TEXT_CONTENT_TYPES, HTTP_V1_LOWERCASES_HEADERS,
    JWT_ARRAY_CLAIM_STYLE, V2_KEEPS_COOKIE_HEADER, claim_string, clf_time, http_body_is_binary,
    media_matches, rest_body_is_binary, scopes_from_claims,
};
pub use v1::{HTTP_V1_PATH_STRIPS_STAGE, strip_stage};

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
