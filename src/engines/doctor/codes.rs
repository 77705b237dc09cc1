//! The doctor's finding codes: stable SCREAMING_SNAKE strings that scripts may
//! match on. Every code is listed in [`CATALOG`] with its meaning; the README
//! table (`finding-codes-doctor`) is checked against it by a test.

macro_rules! codes {
    ($($name:ident => $meaning:literal,)*) => {
        $(pub const $name: &str = stringify!($name);)*
        /// Every doctor code with the one-line meaning the README documents.
        pub const CATALOG: &[(&str, &str)] = &[$((stringify!($name), $meaning),)*];
    };
}

codes! {
    // --- 5xx: the integration ---
    INTEGRATION_RESPONSE_REJECTED => "REST 502: the Lambda's answer was rejected (malformed proxy response or function error); logs tell which",
    INTEGRATION_INVOKE_FAILED => "REST 500: API Gateway could not invoke the Lambda (missing invoke permission or Lambda throttling); logs tell which",
    HTTP_API_INTERNAL_ERROR => "HTTP API 500: function error, malformed response, missing invoke permission or authorizer failure; logs tell which",
    MALFORMED_PROXY_RESPONSE => "The function returned something that is not a valid proxy response (REST 502 / HTTP API 500)",
    FUNCTION_ERROR => "The function threw or crashed (Invoke answered with a function error)",
    FUNCTION_TIMEOUT => "The function hit its own Lambda timeout (`Task timed out after N seconds`)",
    FUNCTION_OUT_OF_MEMORY => "The function used all its memory (Max Memory Used = Memory Size, or Runtime.OutOfMemory)",
    MISSING_INVOKE_PERMISSION => "API Gateway is not allowed to invoke the function (resource policy / credentials role)",
    LAMBDA_THROTTLED => "Lambda refused the invocation with 429 (reserved or account concurrency exhausted)",
    INTEGRATION_TIMEOUT => "API Gateway stopped waiting for the integration (29 s REST / 30 s HTTP API at most); the function may still be running",
    SERVICE_UNAVAILABLE => "503/504 without the latency of an integration timeout",
    INTEGRATION_LATENCY_NEAR_TIMEOUT => "The integration answered, but close to the integration timeout",
    FUNCTION_RETURNED_STATUS => "The function itself chose this status code; API Gateway is not the culprit",
    COLD_START => "The invocation included a cold start (Init Duration in the REPORT line)",
    API_TYPE_MISMATCH => "The error body looks like another API type than the one configured: the request probably reached another API",
    ROUTED_TO_UNEXPECTED_ROUTE => "The logged event shows another route than the one targeted (often `$default` or a greedy route)",
    NOT_IN_ACCESS_LOG => "No access-log record was found for the request (logging off, not yet delivered, or never logged)",
    // --- authorizers ---
    AUTHORIZER_FAILURE => "The Lambda authorizer crashed, timed out or returned a malformed answer (500)",
    AUTHORIZER_PERMISSION => "API Gateway is not allowed to invoke the Lambda authorizer",
    AUTHORIZER_IDENTITY_MISSING => "The authorizer's identity source is missing or empty, so it was not invoked (401)",
    AUTHORIZER_UNAUTHORIZED => "The authorizer rejected the caller's credentials (401)",
    AUTHORIZER_DENIED => "The Lambda authorizer denied the request (403)",
    JWT_MISSING => "The route needs a JWT but the request carries none (same code as `gatescope jwt`)",
    JWT_MALFORMED => "The bearer token is not a decodable JWT (same code as `gatescope jwt`)",
    JWT_ISSUER_MISMATCH => "The token's `iss` differs from the authorizer's issuer (exact string match) (same code as `gatescope jwt`)",
    JWT_AUDIENCE_MISMATCH => "Neither `aud` nor `client_id` of the token is in the authorizer's audience list (same code as `gatescope jwt`)",
    JWT_EXPIRED => "The token's `exp` is in the past (same code as `gatescope jwt`)",
    JWT_NOT_YET_VALID => "The token's `nbf` or `iat` is in the future (same code as `gatescope jwt`)",
    JWT_INVALID => "The JWT authorizer rejected the token for another reason (signature, kid, algorithm)",
    JWT_SCOPE_MISSING => "The token is valid but carries none of the route's authorization scopes (403) (same code as `gatescope jwt`)",
    // --- IAM, API keys, policies ---
    IAM_NOT_SIGNED => "The route uses AWS_IAM but the request is not SigV4-signed",
    IAM_SIGNATURE_MISMATCH => "The SigV4 signature does not match what API Gateway computed",
    IAM_EXPIRED_CREDENTIALS => "The signature or the session token has expired",
    IAM_ACCESS_DENIED => "The signing identity is not allowed `execute-api:Invoke` on this route",
    RESOURCE_POLICY_DENIED => "The API's resource policy denies the caller",
    API_KEY_INVALID => "The method requires an API key and the request's `x-api-key` is missing or not in a usage plan",
    ACCESS_DENIED => "403 whose cause the evidence does not narrow down",
    // --- routing ---
    REST_NO_SUCH_RESOURCE => "REST `Missing Authentication Token`: no resource/method matches (not an auth problem)",
    NO_ROUTE_MATCHED => "No route matched the method and path (404); the nearest routes are listed",
    ROUTE_METHOD_MISMATCH => "A route exists for the path but not for this method",
    STAGE_PREFIX_MISSING => "The URL lacks the stage segment (`/STAGE/...`) of a named stage",
    STAGE_PREFIX_UNEXPECTED => "The URL carries a stage segment that the routes do not expect",
    STAGE_NOT_FOUND => "No stage matched the URL and the API has no `$default` stage",
    EXECUTE_API_ENDPOINT_DISABLED => "The default execute-api endpoint is disabled; use the custom domain",
    // --- throttling and limits ---
    ROUTE_THROTTLED => "429 from the route's throttling settings",
    STAGE_THROTTLED => "429 from the stage's default throttling settings",
    GATEWAY_THROTTLED => "429 from API Gateway throttling; without the configuration the limit is unknown",
    ACCOUNT_THROTTLED => "429 with no stage/route limit configured: the account-level Region limit",
    USAGE_PLAN_QUOTA_EXCEEDED => "REST usage-plan quota or throttle for the API key (`Limit Exceeded`)",
    THROTTLE_BLOCKS_ALL => "A throttling rate or burst of 0 rejects every request",
    PAYLOAD_TOO_LARGE => "The request exceeds API Gateway's 10 MB payload or 10240-byte request line+headers limit (413)",
    LAMBDA_PAYLOAD_LIMIT => "The payload exceeds Lambda's 6 MB synchronous invoke limit (API Gateway accepts up to 10 MB)",
    // --- CORS ---
    CORS_MISSING_ON_ERROR => "An error response carries no CORS headers, so the browser reports a CORS error instead of the real status",
    CORS_NOT_CONFIGURED => "A browser request got no CORS headers and the API has no CORS configuration",
    CORS_SIGV4_HEADERS_MISSING => "IAM routes are called with SigV4 headers (authorization, x-amz-date, x-amz-security-token) that allowHeaders omits",
    CORS_PROXY_HEADERS_MISSING => "REST proxy integration: the function itself must return Access-Control-Allow-Origin",
    // --- configuration lint ---
    ROUTE_NO_INTEGRATION => "A route has no integration attached",
    INTEGRATION_TIMEOUT_OUT_OF_RANGE => "The integration timeout is outside what the API type allows",
    LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION => "The Lambda timeout is longer than the integration timeout: clients get 503/504 while the function keeps running",
    LAMBDA_CONFIG_UNREADABLE => "The function's configuration could not be read (e.g. lambda:GetFunctionConfiguration denied), so its timeout was not compared with the integration's",
    PAYLOAD_FORMAT_1_0_ON_HTTP_API => "An HTTP API Lambda integration uses payload format 1.0 (REST-shaped events, no rawPath/cookies)",
    PAYLOAD_FORMAT_MISSING => "An HTTP API Lambda integration has no payloadFormatVersion",
    PAYLOAD_FORMAT_MISMATCH => "The payload format does not fit the API type or the event the function received",
    AUTHORIZER_NOT_FOUND => "A route references an authorizer that does not exist",
    JWT_ISSUER_NOT_HTTPS => "The JWT issuer is not an https URL (OIDC discovery needs https)",
    JWT_ISSUER_TRAILING_SLASH => "The JWT issuer ends with `/`; tokens' `iss` usually does not (exact match)",
    ACCESS_LOGGING_OFF => "The stage has no access logging: errors cannot be confirmed from logs",
    ACCESS_LOG_MISSING_FIELDS => "The access-log format lacks fields needed to debug (requestId, integration error, authorizer error, ...)",
    PUBLIC_ROUTE_NOT_THROTTLED => "Routes without authorization have no stage or route throttling",
    DEFAULT_ROUTE_ONLY => "`$default` is the only route: every request, preflights included, goes to one integration",
    DEFAULT_ROUTE_UNREACHABLE => "Other routes catch every request, so `$default` never runs",
    STAGE_NOT_DEPLOYED => "The stage has auto-deploy off and no deployment: nothing is served or changes are not live",
    NO_STAGES => "The API has no stage, so it cannot be called",
}

/// Codes other engines define that the doctor passes through from their
/// evaluations (documented in their own README sections).
pub const PASSED_THROUGH: &[&str] = &[
    "CORS_ORIGIN_NOT_ALLOWED",
    "CORS_METHOD_NOT_ALLOWED",
    "CORS_HEADER_NOT_ALLOWED",
    "CORS_CREDENTIALS_WITH_WILDCARD",
    "CORS_ORIGIN_TRAILING_SLASH",
    "CORS_ORIGIN_NO_SCHEME",
    "CORS_METHODS_MISSING",
    "CORS_AUTHORIZATION_HEADER_MISSING",
    "CORS_PREFLIGHT_HITS_AUTHORIZER",
    "CORS_BACKEND_HEADERS_IGNORED",
    "JWT_AUDIENCE_NOT_CONFIGURED",
    "JWT_ALG_NOT_RSA",
    "JWT_KID_NOT_FOUND",
    "JWT_SIGNATURE_INVALID",
    "JWT_SIGNATURE_NOT_VERIFIED",
    "JWT_NO_AUDIENCE_CLAIM",
    "JWT_NO_EXP",
    "JWT_ISSUED_IN_FUTURE",
    "JWT_ID_TOKEN",
    "CORS_ORIGIN_MISMATCH",
    "CORS_MULTIPLE_ORIGINS",
    "CORS_CREDENTIALS_NOT_ALLOWED",
    "CORS_PREFLIGHT_STATUS",
    "CORS_MAX_AGE_RANGE",
    "CORS_WILDCARD_HEADERS_NO_AUTHORIZATION",
];

/// The meaning of a code, for `--explain`-style displays.
pub fn meaning(code: &str) -> Option<&'static str> {
    CATALOG.iter().find(|(c, _)| *c == code).map(|(_, m)| *m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_screaming_snake() {
        let mut seen = std::collections::BTreeSet::new();
        for (code, meaning) in CATALOG {
            assert!(seen.insert(*code), "duplicate {code}");
            assert!(
                code.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
                "{code}"
            );
            assert!(!meaning.is_empty());
        }
    }

    #[test]
    fn every_code_is_documented_in_the_readme() {
        let readme = include_str!("../../../README.md");
        let section = readme
            .split("<!-- section: finding-codes-doctor -->")
            .nth(1)
            .expect("README has the finding-codes-doctor section");
        let section = section.split("<!-- section:").next().unwrap_or(section);
        for (code, _) in CATALOG {
            assert!(
                section.contains(&format!("`{code}`")),
                "README finding-codes-doctor lacks `{code}`"
            );
        }
    }
}
