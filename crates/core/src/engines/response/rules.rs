//! The rule book of the response interpreter: limits, and the behaviours the reference marks
//! [UNVERIFIED], each a named constant so it is easy to change.

/// Lambda's synchronous response limit as its error message states it
/// ("exceeded maximum allowed payload size (6291556 bytes)"); reference §2.4.
pub(crate) const LAMBDA_RESPONSE_LIMIT: usize = 6_291_556;
/// API Gateway payload limit, 10 MB (reference §2.4).
pub(crate) const APIGW_PAYLOAD_LIMIT: usize = 10 * 1024 * 1024;
/// Warn when the function output uses this share of the Lambda limit.
pub(crate) const NEAR_LIMIT_SHARE: f64 = 0.8;

/// REST: a missing `statusCode` is treated as 200 (emulators do; AWS docs call
/// it required). [UNVERIFIED] reference §2.1 / §9 item 5.
pub(crate) const REST_MISSING_STATUS_DEFAULTS_TO_200: bool = true;
/// REST: whether a top-level `cookies` key is allowed (SAM allows it).
/// [UNVERIFIED] reference §2.1; when false it is an unknown key.
pub(crate) const REST_ALLOWS_COOKIES_KEY: bool = false;
/// Status codes outside this range are rejected. [UNVERIFIED].
pub(crate) const STATUS_RANGE: std::ops::RangeInclusive<i64> = 100..=599;
/// A numeric string `statusCode` ("200") is accepted (SAM: int()).
/// [UNVERIFIED] for HTTP APIs.
pub(crate) const NUMERIC_STRING_STATUS_ACCEPTED: bool = true;
/// HTTP APIs turn number/boolean header values into strings. [UNVERIFIED].
pub(crate) const HTTP_COERCES_SCALAR_HEADER_VALUES: bool = true;
/// REST accepts boolean header values (LocalStack parity code); numbers are
/// rejected. [OBS] reference §2.1.
pub(crate) const REST_ACCEPTS_BOOL_HEADER_VALUES: bool = true;
/// REST Lambda proxy responses with `isBase64Encoded: true` become binary when the
/// FIRST media type of the request's `Accept` matches `binaryMediaTypes` (`*/*` there
/// matches every request); the response's `Content-Type` alone does not decide it.
/// Source: the API Gateway developer guide, "Binary media types for REST APIs",
/// section "Lambda proxy integrations" [DOC]. Quoted in the finding's evidence.
pub(crate) const BINARY_BY_FIRST_ACCEPT_SOURCE: &str = "rule: \"API Gateway uses the first Accept header from clients to determine if a response should return binary media\" (AWS API Gateway developer guide, Binary media types for REST APIs, Lambda proxy integrations); binaryMediaTypes */* covers every request";
/// Invalid base64 with `isBase64Encoded: true` fails the request. [UNVERIFIED].
pub(crate) const INVALID_BASE64_FAILS: bool = true;
/// A non-boolean `isBase64Encoded` is read as false. [UNVERIFIED].
pub(crate) const NON_BOOL_BASE64_FLAG_IS_FALSE: bool = true;

/// Top-level keys REST accepts (reference §2.1, SAM allow-list).
pub(crate) const REST_ALLOWED_KEYS: &[&str] = &[
    "statusCode",
    "body",
    "headers",
    "multiValueHeaders",
    "isBase64Encoded",
    "base64Encoded",
];
/// Keys HTTP API payload 1.0 reads; others are ignored.
pub(crate) const HTTP_V1_KNOWN_KEYS: &[&str] = &[
    "statusCode",
    "body",
    "headers",
    "multiValueHeaders",
    "isBase64Encoded",
];
/// Keys HTTP API payload 2.0 reads; others are ignored.
pub(crate) const HTTP_V2_KNOWN_KEYS: &[&str] = &[
    "statusCode",
    "body",
    "headers",
    "cookies",
    "isBase64Encoded",
];
/// Keys of what Lambda returns when the function throws (reference §2.3).
pub(crate) const THROWN_ERROR_KEYS: &[&str] = &[
    "errorMessage",
    "errorType",
    "stackTrace",
    "requestId",
    "cause",
    "trace",
];

pub(crate) const REST_ERROR_BODY: &str = r#"{"message": "Internal server error"}"#;
pub(crate) const HTTP_ERROR_BODY: &str = r#"{"message":"Internal Server Error"}"#;
