//! The rule book of the response interpreter: finding codes (stable strings,
//! documented in the README), limits, and the behaviours the reference marks
//! [UNVERIFIED], each a named constant so it is easy to change.

/// Lambda's synchronous response limit as its error message states it
/// ("exceeded maximum allowed payload size (6291556 bytes)"); reference §2.4.
pub const LAMBDA_RESPONSE_LIMIT: usize = 6_291_556;
/// API Gateway payload limit, 10 MB (reference §2.4).
pub const APIGW_PAYLOAD_LIMIT: usize = 10 * 1024 * 1024;
/// Warn when the function output uses this share of the Lambda limit.
pub const NEAR_LIMIT_SHARE: f64 = 0.8;

/// REST: a missing `statusCode` is treated as 200 (emulators do; AWS docs call
/// it required). [UNVERIFIED] reference §2.1 / §9 item 5.
pub const REST_MISSING_STATUS_DEFAULTS_TO_200: bool = true;
/// REST: whether a top-level `cookies` key is allowed (SAM allows it).
/// [UNVERIFIED] reference §2.1; when false it is an unknown key.
pub const REST_ALLOWS_COOKIES_KEY: bool = false;
/// Status codes outside this range are rejected. [UNVERIFIED].
pub const STATUS_RANGE: std::ops::RangeInclusive<i64> = 100..=599;
/// A numeric string `statusCode` ("200") is accepted (SAM: int()).
/// [UNVERIFIED] for HTTP APIs.
pub const NUMERIC_STRING_STATUS_ACCEPTED: bool = true;
/// HTTP APIs turn number/boolean header values into strings. [UNVERIFIED].
pub const HTTP_COERCES_SCALAR_HEADER_VALUES: bool = true;
/// REST accepts boolean header values (LocalStack parity code); numbers are
/// rejected. [OBS] reference §2.1.
pub const REST_ACCEPTS_BOOL_HEADER_VALUES: bool = true;
/// Invalid base64 with `isBase64Encoded: true` fails the request. [UNVERIFIED].
pub const INVALID_BASE64_FAILS: bool = true;
/// A non-boolean `isBase64Encoded` is read as false. [UNVERIFIED].
pub const NON_BOOL_BASE64_FLAG_IS_FALSE: bool = true;

/// Top-level keys REST accepts (reference §2.1, SAM allow-list).
pub const REST_ALLOWED_KEYS: &[&str] = &[
    "statusCode",
    "body",
    "headers",
    "multiValueHeaders",
    "isBase64Encoded",
    "base64Encoded",
];
/// Keys HTTP API payload 1.0 reads; others are ignored.
pub const HTTP_V1_KNOWN_KEYS: &[&str] = &[
    "statusCode",
    "body",
    "headers",
    "multiValueHeaders",
    "isBase64Encoded",
];
/// Keys HTTP API payload 2.0 reads; others are ignored.
pub const HTTP_V2_KNOWN_KEYS: &[&str] = &[
    "statusCode",
    "body",
    "headers",
    "cookies",
    "isBase64Encoded",
];
/// Keys of what Lambda returns when the function throws (reference §2.3).
pub const THROWN_ERROR_KEYS: &[&str] = &[
    "errorMessage",
    "errorType",
    "stackTrace",
    "requestId",
    "cause",
    "trace",
];

pub const REST_ERROR_BODY: &str = r#"{"message": "Internal server error"}"#;
pub const HTTP_ERROR_BODY: &str = r#"{"message":"Internal Server Error"}"#;

/// Finding codes with a one-line meaning (the README table is generated from this).
pub mod codes {
    pub const RESPONSE_NOT_JSON: &str = "RESPONSE_NOT_JSON";
    pub const RESPONSE_NOT_OBJECT: &str = "RESPONSE_NOT_OBJECT";
    pub const FUNCTION_ERROR: &str = "FUNCTION_ERROR";
    pub const FUNCTION_TIMEOUT: &str = "FUNCTION_TIMEOUT";
    pub const RESPONSE_TOO_LARGE_LAMBDA: &str = "RESPONSE_TOO_LARGE_LAMBDA";
    pub const RESPONSE_TOO_LARGE_APIGW: &str = "RESPONSE_TOO_LARGE_APIGW";
    pub const RESPONSE_NEAR_LIMIT: &str = "RESPONSE_NEAR_LIMIT";
    pub const REST_UNKNOWN_KEY: &str = "REST_UNKNOWN_KEY";
    pub const UNKNOWN_KEY_IGNORED: &str = "UNKNOWN_KEY_IGNORED";
    pub const STATUS_CODE_MISSING: &str = "STATUS_CODE_MISSING";
    pub const STATUS_CODE_DEFAULTED: &str = "STATUS_CODE_DEFAULTED";
    pub const STATUS_CODE_INVALID: &str = "STATUS_CODE_INVALID";
    pub const STATUS_CODE_STRING: &str = "STATUS_CODE_STRING";
    pub const STATUS_CODE_OUT_OF_RANGE: &str = "STATUS_CODE_OUT_OF_RANGE";
    pub const V2_INFERRED_RESPONSE: &str = "V2_INFERRED_RESPONSE";
    pub const V2_STATUS_CODE_MISSING_WRAPPED: &str = "V2_STATUS_CODE_MISSING_WRAPPED";
    pub const BODY_NOT_STRING: &str = "BODY_NOT_STRING";
    pub const HEADERS_NOT_OBJECT: &str = "HEADERS_NOT_OBJECT";
    pub const HEADER_VALUE_NOT_STRING: &str = "HEADER_VALUE_NOT_STRING";
    pub const HEADER_VALUE_COERCED: &str = "HEADER_VALUE_COERCED";
    pub const MULTI_VALUE_HEADERS_NOT_OBJECT: &str = "MULTI_VALUE_HEADERS_NOT_OBJECT";
    pub const MULTI_VALUE_HEADER_NOT_ARRAY: &str = "MULTI_VALUE_HEADER_NOT_ARRAY";
    pub const MULTI_VALUE_HEADERS_IGNORED: &str = "MULTI_VALUE_HEADERS_IGNORED";
    pub const HEADERS_MERGED: &str = "HEADERS_MERGED";
    pub const COOKIES_NOT_ARRAY: &str = "COOKIES_NOT_ARRAY";
    pub const SET_COOKIE_IN_HEADERS: &str = "SET_COOKIE_IN_HEADERS";
    pub const BASE64_FLAG_NOT_BOOLEAN: &str = "BASE64_FLAG_NOT_BOOLEAN";
    pub const BASE64_INVALID: &str = "BASE64_INVALID";
    pub const BASE64_NOT_DECODED: &str = "BASE64_NOT_DECODED";
    pub const BASE64_ENCODED_KEY: &str = "BASE64_ENCODED_KEY";
}

/// Every code with its meaning, for the README and `--help` style listings.
pub const FINDING_CODES: &[(&str, &str)] = &[
    (
        codes::RESPONSE_NOT_JSON,
        "the function output is not JSON → REST 502 / HTTP 500",
    ),
    (
        codes::RESPONSE_NOT_OBJECT,
        "a bare string/number/array/null where an object is required (REST, HTTP 1.0)",
    ),
    (
        codes::FUNCTION_ERROR,
        "the function threw (errorMessage/errorType) → REST 502 / HTTP 500",
    ),
    (
        codes::FUNCTION_TIMEOUT,
        "the function hit its own Lambda timeout (Task timed out after …)",
    ),
    (
        codes::RESPONSE_TOO_LARGE_LAMBDA,
        "output over Lambda's 6 MB response limit → the invoke fails",
    ),
    (
        codes::RESPONSE_TOO_LARGE_APIGW,
        "body over API Gateway's 10 MB payload limit",
    ),
    (
        codes::RESPONSE_NEAR_LIMIT,
        "output above 80 % of the 6 MB Lambda limit",
    ),
    (
        codes::REST_UNKNOWN_KEY,
        "REST rejects unknown top-level keys → 502",
    ),
    (
        codes::UNKNOWN_KEY_IGNORED,
        "HTTP APIs ignore unknown top-level keys",
    ),
    (
        codes::STATUS_CODE_MISSING,
        "HTTP API payload 1.0 requires statusCode → 500",
    ),
    (
        codes::STATUS_CODE_DEFAULTED,
        "REST without statusCode answers 200 [UNVERIFIED]",
    ),
    (
        codes::STATUS_CODE_INVALID,
        "statusCode is not an integer (or numeric string)",
    ),
    (
        codes::STATUS_CODE_STRING,
        "statusCode given as a numeric string; accepted",
    ),
    (
        codes::STATUS_CODE_OUT_OF_RANGE,
        "statusCode outside 100–599 [UNVERIFIED]",
    ),
    (
        codes::V2_INFERRED_RESPONSE,
        "2.0 output without statusCode: 200 with the whole JSON as body",
    ),
    (
        codes::V2_STATUS_CODE_MISSING_WRAPPED,
        "2.0 output looks like a proxy response but lacks statusCode: the whole object becomes the body",
    ),
    (
        codes::BODY_NOT_STRING,
        "body is not a string (serialise it) → REST 502 / HTTP 500",
    ),
    (codes::HEADERS_NOT_OBJECT, "headers is not an object"),
    (
        codes::HEADER_VALUE_NOT_STRING,
        "a header value is not a string",
    ),
    (
        codes::HEADER_VALUE_COERCED,
        "a number/boolean header value is sent as text [UNVERIFIED on HTTP]",
    ),
    (
        codes::MULTI_VALUE_HEADERS_NOT_OBJECT,
        "multiValueHeaders is not an object",
    ),
    (
        codes::MULTI_VALUE_HEADER_NOT_ARRAY,
        "a multiValueHeaders value is not an array of strings",
    ),
    (
        codes::MULTI_VALUE_HEADERS_IGNORED,
        "2.0 has no multiValueHeaders; they are ignored",
    ),
    (
        codes::HEADERS_MERGED,
        "a header is in both headers and multiValueHeaders",
    ),
    (
        codes::COOKIES_NOT_ARRAY,
        "2.0 cookies is not an array of strings [UNVERIFIED outcome]",
    ),
    (
        codes::SET_COOKIE_IN_HEADERS,
        "2.0 set-cookie in headers instead of cookies",
    ),
    (
        codes::BASE64_FLAG_NOT_BOOLEAN,
        "isBase64Encoded is not a boolean [UNVERIFIED outcome]",
    ),
    (
        codes::BASE64_INVALID,
        "isBase64Encoded is true but body is not valid base64 [UNVERIFIED outcome]",
    ),
    (
        codes::BASE64_NOT_DECODED,
        "REST returns the base64 text: no binaryMediaTypes entry matches",
    ),
    (
        codes::BASE64_ENCODED_KEY,
        "REST honours the undocumented base64Encoded key over isBase64Encoded",
    ),
];
