//! The finding vocabulary: every code any engine, lint or the doctor can emit,
//! with its stable string (scripts match it), default severity, title, what
//! its evidence shows, and its fix template. This registry is the ONLY place
//! a fix text lives: rules pick a code (and, where the remedy differs by API
//! type or situation, a named variant) and fill the template's `{slots}`.
//!
//! A slot the rule does not fill renders as its upper-case name (`{api_id}` →
//! `API_ID`), the placeholder convention of AWS CLI examples, so a fix is
//! never printed with a raw `{slot}` in it.

mod catalog_auth;
mod catalog_config;
mod catalog_cors;
mod catalog_gateway;
mod catalog_response;
#[cfg(test)]
pub mod readme;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Severity;

macro_rules! codes {
    ($($variant:ident = $s:literal,)*) => {
        /// One finding code. Its string form is stable: scripts match on it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FindingCode { $($variant,)* }

        impl FindingCode {
            /// Every code, in registry order.
            pub const ALL: &'static [FindingCode] = &[$(FindingCode::$variant,)*];

            /// The stable SCREAMING_SNAKE string.
            pub const fn as_str(self) -> &'static str {
                match self { $(FindingCode::$variant => $s,)* }
            }
        }
    };
}

codes! {
    // --- gateway: 5xx, the integration and the function ---
    IntegrationResponseRejected = "INTEGRATION_RESPONSE_REJECTED",
    IntegrationInvokeFailed = "INTEGRATION_INVOKE_FAILED",
    HttpApiInternalError = "HTTP_API_INTERNAL_ERROR",
    MalformedProxyResponse = "MALFORMED_PROXY_RESPONSE",
    FunctionError = "FUNCTION_ERROR",
    FunctionTimeout = "FUNCTION_TIMEOUT",
    FunctionOutOfMemory = "FUNCTION_OUT_OF_MEMORY",
    MissingInvokePermission = "MISSING_INVOKE_PERMISSION",
    LambdaThrottled = "LAMBDA_THROTTLED",
    IntegrationTimeout = "INTEGRATION_TIMEOUT",
    ServiceUnavailable = "SERVICE_UNAVAILABLE",
    IntegrationLatencyNearTimeout = "INTEGRATION_LATENCY_NEAR_TIMEOUT",
    FunctionReturnedStatus = "FUNCTION_RETURNED_STATUS",
    ColdStart = "COLD_START",
    ApiTypeMismatch = "API_TYPE_MISMATCH",
    RoutedToUnexpectedRoute = "ROUTED_TO_UNEXPECTED_ROUTE",
    NotInAccessLog = "NOT_IN_ACCESS_LOG",
    // --- routing ---
    RestNoSuchResource = "REST_NO_SUCH_RESOURCE",
    NoRouteMatched = "NO_ROUTE_MATCHED",
    RouteMethodMismatch = "ROUTE_METHOD_MISMATCH",
    StagePrefixMissing = "STAGE_PREFIX_MISSING",
    StagePrefixUnexpected = "STAGE_PREFIX_UNEXPECTED",
    StageNotFound = "STAGE_NOT_FOUND",
    ExecuteApiEndpointDisabled = "EXECUTE_API_ENDPOINT_DISABLED",
    CustomDomainNoMapping = "CUSTOM_DOMAIN_NO_MAPPING",
    CustomDomainStageInPath = "CUSTOM_DOMAIN_STAGE_IN_PATH",
    // --- throttling and limits ---
    RouteThrottled = "ROUTE_THROTTLED",
    StageThrottled = "STAGE_THROTTLED",
    GatewayThrottled = "GATEWAY_THROTTLED",
    AccountThrottled = "ACCOUNT_THROTTLED",
    UsagePlanQuotaExceeded = "USAGE_PLAN_QUOTA_EXCEEDED",
    UsagePlanThrottled = "USAGE_PLAN_THROTTLED",
    PayloadTooLarge = "PAYLOAD_TOO_LARGE",
    LambdaPayloadLimit = "LAMBDA_PAYLOAD_LIMIT",
    // --- authorizers, JWT, IAM, API keys ---
    AuthorizerFailure = "AUTHORIZER_FAILURE",
    AuthorizerPermission = "AUTHORIZER_PERMISSION",
    AuthorizerIdentityMissing = "AUTHORIZER_IDENTITY_MISSING",
    AuthorizerUnauthorized = "AUTHORIZER_UNAUTHORIZED",
    AuthorizerDenied = "AUTHORIZER_DENIED",
    AuthorizerCachedPolicyTooNarrow = "AUTHORIZER_CACHED_POLICY_TOO_NARROW",
    AuthorizerContextNotPassed = "AUTHORIZER_CONTEXT_NOT_PASSED",
    PolicyNotEvaluated = "POLICY_NOT_EVALUATED",
    JwtMissing = "JWT_MISSING",
    JwtMalformed = "JWT_MALFORMED",
    JwtAlgNotRsa = "JWT_ALG_NOT_RSA",
    JwtKidNotFound = "JWT_KID_NOT_FOUND",
    JwtSignatureInvalid = "JWT_SIGNATURE_INVALID",
    JwtSignatureNotVerified = "JWT_SIGNATURE_NOT_VERIFIED",
    JwtIssuerMismatch = "JWT_ISSUER_MISMATCH",
    JwtAudienceMismatch = "JWT_AUDIENCE_MISMATCH",
    JwtNoAudienceClaim = "JWT_NO_AUDIENCE_CLAIM",
    JwtExpired = "JWT_EXPIRED",
    JwtNoExp = "JWT_NO_EXP",
    JwtNotYetValid = "JWT_NOT_YET_VALID",
    JwtIssuedInFuture = "JWT_ISSUED_IN_FUTURE",
    JwtInvalid = "JWT_INVALID",
    JwtScopeMissing = "JWT_SCOPE_MISSING",
    JwtIdToken = "JWT_ID_TOKEN",
    IamNotSigned = "IAM_NOT_SIGNED",
    IamSignatureMismatch = "IAM_SIGNATURE_MISMATCH",
    IamExpiredCredentials = "IAM_EXPIRED_CREDENTIALS",
    IamAccessDenied = "IAM_ACCESS_DENIED",
    ResourcePolicyDenied = "RESOURCE_POLICY_DENIED",
    ApiKeyInvalid = "API_KEY_INVALID",
    ApiKeyIgnoredByHttpApi = "API_KEY_IGNORED_BY_HTTP_API",
    AccessDenied = "ACCESS_DENIED",
    // --- CORS ---
    CorsOriginNotAllowed = "CORS_ORIGIN_NOT_ALLOWED",
    CorsOriginMismatch = "CORS_ORIGIN_MISMATCH",
    CorsMultipleOrigins = "CORS_MULTIPLE_ORIGINS",
    CorsMethodNotAllowed = "CORS_METHOD_NOT_ALLOWED",
    CorsHeaderNotAllowed = "CORS_HEADER_NOT_ALLOWED",
    CorsCredentialsWithWildcard = "CORS_CREDENTIALS_WITH_WILDCARD",
    CorsCredentialsNotAllowed = "CORS_CREDENTIALS_NOT_ALLOWED",
    CorsPreflightStatus = "CORS_PREFLIGHT_STATUS",
    CorsNoPreflightRoute = "CORS_NO_PREFLIGHT_ROUTE",
    CorsBackendHeadersIgnored = "CORS_BACKEND_HEADERS_IGNORED",
    CorsHeaderNotExposed = "CORS_HEADER_NOT_EXPOSED",
    CorsOriginWildcardUndocumented = "CORS_ORIGIN_WILDCARD_UNDOCUMENTED",
    CorsOriginTrailingSlash = "CORS_ORIGIN_TRAILING_SLASH",
    CorsOriginNoScheme = "CORS_ORIGIN_NO_SCHEME",
    CorsMaxAgeRange = "CORS_MAX_AGE_RANGE",
    CorsWildcardHeadersNoAuthorization = "CORS_WILDCARD_HEADERS_NO_AUTHORIZATION",
    CorsMethodsMissing = "CORS_METHODS_MISSING",
    CorsAuthorizationHeaderMissing = "CORS_AUTHORIZATION_HEADER_MISSING",
    CorsPreflightHitsAuthorizer = "CORS_PREFLIGHT_HITS_AUTHORIZER",
    CorsMissingOnError = "CORS_MISSING_ON_ERROR",
    CorsNotConfigured = "CORS_NOT_CONFIGURED",
    CorsSigv4HeadersMissing = "CORS_SIGV4_HEADERS_MISSING",
    CorsProxyHeadersMissing = "CORS_PROXY_HEADERS_MISSING",
    // --- configuration lint ---
    RouteNoIntegration = "ROUTE_NO_INTEGRATION",
    IntegrationTimeoutOutOfRange = "INTEGRATION_TIMEOUT_OUT_OF_RANGE",
    LambdaTimeoutExceedsIntegration = "LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION",
    LambdaConfigUnreadable = "LAMBDA_CONFIG_UNREADABLE",
    PayloadFormat10OnHttpApi = "PAYLOAD_FORMAT_1_0_ON_HTTP_API",
    PayloadFormatMissing = "PAYLOAD_FORMAT_MISSING",
    PayloadFormatMismatch = "PAYLOAD_FORMAT_MISMATCH",
    AuthorizerNotFound = "AUTHORIZER_NOT_FOUND",
    JwtIssuerNotHttps = "JWT_ISSUER_NOT_HTTPS",
    JwtIssuerTrailingSlash = "JWT_ISSUER_TRAILING_SLASH",
    JwtAudienceNotConfigured = "JWT_AUDIENCE_NOT_CONFIGURED",
    AccessLoggingOff = "ACCESS_LOGGING_OFF",
    ExecutionLoggingOff = "EXECUTION_LOGGING_OFF",
    ExecutionDataTraceOn = "EXECUTION_DATA_TRACE_ON",
    AccessLogMissingFields = "ACCESS_LOG_MISSING_FIELDS",
    PublicRouteNotThrottled = "PUBLIC_ROUTE_NOT_THROTTLED",
    ThrottleBlocksAll = "THROTTLE_BLOCKS_ALL",
    DefaultRouteOnly = "DEFAULT_ROUTE_ONLY",
    DefaultRouteUnreachable = "DEFAULT_ROUTE_UNREACHABLE",
    StageNotDeployed = "STAGE_NOT_DEPLOYED",
    NoStages = "NO_STAGES",
    DetailsIncomplete = "DETAILS_INCOMPLETE",
    // --- triage (health) ---
    DetailedMetricsOff = "DETAILED_METRICS_OFF",
    // --- response interpreter ---
    ResponseNotJson = "RESPONSE_NOT_JSON",
    ResponseNotObject = "RESPONSE_NOT_OBJECT",
    ResponseTooLargeLambda = "RESPONSE_TOO_LARGE_LAMBDA",
    ResponseTooLargeApigw = "RESPONSE_TOO_LARGE_APIGW",
    ResponseNearLimit = "RESPONSE_NEAR_LIMIT",
    RestUnknownKey = "REST_UNKNOWN_KEY",
    UnknownKeyIgnored = "UNKNOWN_KEY_IGNORED",
    StatusCodeMissing = "STATUS_CODE_MISSING",
    StatusCodeDefaulted = "STATUS_CODE_DEFAULTED",
    StatusCodeInvalid = "STATUS_CODE_INVALID",
    StatusCodeString = "STATUS_CODE_STRING",
    StatusCodeOutOfRange = "STATUS_CODE_OUT_OF_RANGE",
    V2InferredResponse = "V2_INFERRED_RESPONSE",
    V2StatusCodeMissingWrapped = "V2_STATUS_CODE_MISSING_WRAPPED",
    BodyNotString = "BODY_NOT_STRING",
    HeadersNotObject = "HEADERS_NOT_OBJECT",
    HeaderValueNotString = "HEADER_VALUE_NOT_STRING",
    HeaderValueCoerced = "HEADER_VALUE_COERCED",
    MultiValueHeadersNotObject = "MULTI_VALUE_HEADERS_NOT_OBJECT",
    MultiValueHeaderNotArray = "MULTI_VALUE_HEADER_NOT_ARRAY",
    MultiValueHeadersIgnored = "MULTI_VALUE_HEADERS_IGNORED",
    HeadersMerged = "HEADERS_MERGED",
    CookiesNotArray = "COOKIES_NOT_ARRAY",
    SetCookieInHeaders = "SET_COOKIE_IN_HEADERS",
    Base64FlagNotBoolean = "BASE64_FLAG_NOT_BOOLEAN",
    Base64Invalid = "BASE64_INVALID",
    Base64NotDecoded = "BASE64_NOT_DECODED",
    Base64EncodedKey = "BASE64_ENCODED_KEY",
}

/// What kind of change a fix asks for. A fix must not name the remedy of
/// another class (a scope code whose fix talks about signatures is wrong
/// advice); the registry test checks it with [`Remedy::markers`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Several causes are possible; the fix says how to tell them apart.
    Triage,
    /// Change the function's code or what it returns.
    FunctionCode,
    /// Change the function's configuration (timeout, memory, concurrency).
    FunctionConfig,
    /// Let API Gateway invoke the function or authorizer.
    InvokePermission,
    /// Fix the request's method, path or stage, or the routes.
    Routing,
    /// Deploy or create a stage.
    Deployment,
    /// Change throttling limits or the request rate.
    Throttling,
    /// Send less data.
    PayloadSize,
    /// A Lambda authorizer's decision or answer.
    LambdaAuthorizer,
    /// The token's claims (issuer, audience, times) or its presence.
    JwtToken,
    /// The token's signature, key id or algorithm.
    JwtSignature,
    /// The route's authorization scopes.
    JwtScope,
    /// The JWT authorizer's configuration (issuer, audience).
    JwtConfig,
    /// SigV4 signing and IAM permissions.
    Iam,
    /// The REST resource policy.
    ResourcePolicy,
    /// API keys and usage plans.
    ApiKey,
    /// CORS configuration or CORS headers.
    Cors,
    /// Access logging.
    Logging,
    /// Integration settings (timeout, payload format, target).
    Integration,
    /// CloudWatch metrics settings of a stage.
    Monitoring,
}

impl Remedy {
    /// Words that only fixes of this class use (whole words, any case).
    #[cfg(test)]
    pub(crate) fn markers(self) -> &'static [&'static str] {
        match self {
            Remedy::JwtSignature => &["jwks", "kid", "jwks_uri"],
            Remedy::JwtScope => &["scope", "scopes", "authorizationscopes"],
            Remedy::Iam => &["sigv4", "execute-api:invoke"],
            Remedy::ApiKey => &["x-api-key", "usage plan", "update-usage-plan"],
            Remedy::Cors => &[
                "allowheaders",
                "alloworigins",
                "allowmethods",
                "allowcredentials",
                "access-control-allow-origin",
            ],
            Remedy::InvokePermission => &["add-permission", "get-policy"],
            Remedy::Throttling => &["throttlingratelimit", "ratelimit", "backoff"],
            Remedy::FunctionConfig => &["--memory-size", "reserved concurrency"],
            Remedy::Logging => &["--access-log-settings", "accesslogsettings"],
            Remedy::ResourcePolicy => &["resource policy"],
            _ => &[],
        }
    }
}

/// Where a code is documented in the README's Finding codes section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Gateway,
    Routing,
    Limits,
    Auth,
    Cors,
    Config,
    Response,
}

impl Group {
    #[cfg(test)]
    pub const ALL: &'static [Group] = &[
        Group::Gateway,
        Group::Routing,
        Group::Limits,
        Group::Auth,
        Group::Cors,
        Group::Config,
        Group::Response,
    ];

    #[cfg(test)]
    pub fn heading(self) -> &'static str {
        match self {
            Group::Gateway => "5xx: the integration and the function",
            Group::Routing => "routing",
            Group::Limits => "throttling and limits",
            Group::Auth => "authorizers, JWT, IAM, API keys",
            Group::Cors => "CORS",
            Group::Config => "configuration lint",
            Group::Response => "response interpreter (`check-response`, doctor)",
        }
    }
}

/// Everything the registry knows about one code.
#[derive(Debug)]
pub struct Entry {
    pub code: FindingCode,
    pub group: Group,
    pub severity: Severity,
    pub remedy: Remedy,
    /// The rule rests (at least in part) on behaviour the reference marks [UNVERIFIED].
    pub unverified: bool,
    /// What the code means, one line.
    pub title: &'static str,
    /// What the finding cites as evidence.
    pub evidence: &'static str,
    /// The fix template (`{slot}` filled by the rule).
    pub fix: &'static str,
    /// Named alternatives where the remedy depends on the API type or situation.
    pub variants: &'static [(&'static str, &'static str)],
}

fn catalogs() -> impl Iterator<Item = &'static Entry> {
    catalog_gateway::ENTRIES
        .iter()
        .chain(catalog_auth::ENTRIES)
        .chain(catalog_cors::ENTRIES)
        .chain(catalog_config::ENTRIES)
        .chain(catalog_response::ENTRIES)
}

/// Stands in for a code missing from the catalogs (the registry test fails then).
static MISSING: Entry = Entry {
    code: FindingCode::AccessDenied,
    group: Group::Gateway,
    severity: Severity::Error,
    remedy: Remedy::Triage,
    unverified: false,
    title: "",
    evidence: "",
    fix: "",
    variants: &[],
};

impl FindingCode {
    /// The registry entry of this code.
    pub fn entry(self) -> &'static Entry {
        catalogs().find(|e| e.code == self).unwrap_or(&MISSING)
    }

    pub fn severity(self) -> Severity {
        self.entry().severity
    }

    pub fn title(self) -> &'static str {
        self.entry().title
    }

    /// The fix template of `variant` (`None` = the default one).
    pub(crate) fn fix_template(self, variant: Option<&str>) -> Option<&'static str> {
        let e = self.entry();
        match variant {
            None => Some(e.fix),
            Some(v) => e.variants.iter().find(|(k, _)| *k == v).map(|(_, t)| *t),
        }
    }

    /// Every template of this code, default first.
    pub(crate) fn fix_templates(self) -> impl Iterator<Item = &'static str> {
        let e = self.entry();
        std::iter::once(e.fix).chain(e.variants.iter().map(|(_, t)| *t))
    }

    /// Render a fix: `variant` picks a template, `args` fill its slots.
    pub(crate) fn render_fix(self, variant: Option<&str>, args: &[(&str, &str)]) -> String {
        let template = self.fix_template(variant).unwrap_or_else(|| {
            debug_assert!(false, "{} has no fix variant {variant:?}", self.as_str());
            self.entry().fix
        });
        render(template, args)
    }

    /// True when `fix` is one of this code's templates with its slots filled:
    /// the check that a finding carries the fix registered for its code.
    pub fn is_registered_fix(self, fix: &str) -> bool {
        self.fix_templates().any(|t| template_matches(t, fix))
    }

    /// Parse the stable string (old names of merged codes included).
    pub fn parse(s: &str) -> Option<FindingCode> {
        match s {
            "ROUTE_WITHOUT_INTEGRATION" => Some(FindingCode::RouteNoIntegration),
            "CORS_CREDENTIALS_WITH_WILDCARD_ORIGIN" => {
                Some(FindingCode::CorsCredentialsWithWildcard)
            }
            _ => Self::ALL.iter().copied().find(|c| c.as_str() == s),
        }
    }
}

/// The `{slot}` names of a template, in order (a slot is `{` + `[a-z_]+` + `}`).
pub(crate) fn slots(template: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(i) = rest.find('{') {
        let after = &rest[i + 1..];
        let len = after
            .find(|c: char| !(c.is_ascii_lowercase() || c == '_'))
            .unwrap_or(after.len());
        if len > 0 && after[len..].starts_with('}') {
            out.push(&after[..len]);
            rest = &after[len + 1..];
        } else {
            rest = after;
        }
    }
    out
}

/// Fill a template's slots; unfilled slots become their upper-case name.
pub fn render(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for slot in slots(template) {
        let value = args
            .iter()
            .find(|(k, _)| *k == slot)
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| slot.to_ascii_uppercase());
        out = out.replacen(&format!("{{{slot}}}"), &value, 1);
    }
    out
}

/// Whether `text` is `template` with its slots replaced by anything.
fn template_matches(template: &str, text: &str) -> bool {
    let mut pieces: Vec<&str> = Vec::new();
    let mut rest = template;
    for slot in slots(template) {
        let marker = format!("{{{slot}}}");
        if let Some(i) = rest.find(&marker) {
            pieces.push(&rest[..i]);
            rest = &rest[i + marker.len()..];
        }
    }
    pieces.push(rest);
    if pieces.len() == 1 {
        return text == template;
    }
    let Some(mut at) = text.strip_prefix(pieces[0]).map(|_| pieces[0].len()) else {
        return false;
    };
    let last = pieces.len() - 1;
    for (n, piece) in pieces.iter().enumerate().skip(1) {
        if n == last {
            return text.len() >= at + piece.len() && text.ends_with(piece);
        }
        match text[at..].find(piece) {
            Some(i) => at += i + piece.len(),
            None => return false,
        }
    }
    true
}

impl std::fmt::Display for FindingCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<str> for FindingCode {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for FindingCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<FindingCode> for &str {
    fn eq(&self, other: &FindingCode) -> bool {
        *self == other.as_str()
    }
}

impl Serialize for FindingCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FindingCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        FindingCode::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {s}")))
    }
}
