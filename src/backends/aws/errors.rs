//! SDK errors turned into one sentence with a fix.
//!
//! The SDK's errors are deep chains (dispatch failure → connector error → io
//! error; identity resolution → provider chain → SSO token error). We render
//! the whole chain once and classify it, so the user reads "the SSO session of
//! profile dev has expired (run `aws sso login --profile dev`)" instead of a
//! debug dump.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::backends::{BackendError, BackendInfo, ErrorKind};

/// The control-plane call that failed, for messages (`GetRoutes` on
/// `/apis/abc/routes`).
#[derive(Debug, Clone)]
pub struct Call {
    pub operation: &'static str,
    /// Resource path as used in IAM ARNs: `/apis`, `/restapis/abc/resources`.
    pub resource: String,
}

impl Call {
    pub fn new(operation: &'static str, resource: impl Into<String>) -> Self {
        Call {
            operation,
            resource: resource.into(),
        }
    }
}

/// Which stage of a request failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The service answered with an error.
    Service,
    /// The request never got an answer (connection, credentials, DNS).
    Dispatch,
    Timeout,
    /// The request could not be built (e.g. no region for the endpoint).
    Construction,
    /// The answer could not be read.
    Response,
}

/// What we know about one failed call, independent of the SDK's types so the
/// classification is a pure, unit-tested function.
#[derive(Debug, Clone)]
pub struct ErrorFacts {
    pub failure: Failure,
    pub code: Option<String>,
    pub message: Option<String>,
    pub status: Option<u16>,
    /// Every message of the error chain, joined.
    pub chain: String,
}

impl ErrorFacts {
    pub(crate) fn from_sdk<E, R>(err: &SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        let failure = match err {
            SdkError::ServiceError(_) => Failure::Service,
            SdkError::DispatchFailure(_) => Failure::Dispatch,
            SdkError::TimeoutError(_) => Failure::Timeout,
            SdkError::ConstructionFailure(_) => Failure::Construction,
            _ => Failure::Response,
        };
        ErrorFacts {
            failure,
            code: err.code().map(str::to_string),
            message: err.message().map(str::to_string),
            status: err.raw_response().and_then(HasStatus::status_code),
            chain: DisplayErrorContext(err).to_string(),
        }
    }

    /// Throttling the caller should retry after a pause.
    pub(crate) fn is_throttling(&self) -> bool {
        let code = self.code.as_deref().unwrap_or("");
        matches!(
            code,
            "TooManyRequestsException"
                | "ThrottlingException"
                | "Throttling"
                | "LimitExceededException"
                | "RequestLimitExceeded"
        ) || self.status == Some(429)
    }

    /// Transient server trouble worth one more try (not 500: moto answers 500
    /// for calls it does not implement, and retrying those only adds delay).
    pub(crate) fn is_transient(&self) -> bool {
        matches!(self.status, Some(502..=504)) || self.is_garbled_success()
    }

    /// A 2xx whose body could not be read or parsed (cut short, an HTML
    /// page from a proxy): the next try usually reads it whole.
    /// (The SDK reports it as a response or an unhandled service error;
    /// either way a call that failed with a 2xx status was not read.)
    pub(crate) fn is_garbled_success(&self) -> bool {
        matches!(self.failure, Failure::Response | Failure::Service)
            && matches!(self.status, Some(200..=299))
    }

    /// The call got no answer in time (retried once only: each try costs
    /// the whole timeout).
    pub(crate) fn is_timeout(&self) -> bool {
        self.failure == Failure::Timeout
    }
}

/// The HTTP status of a raw response, whatever its type.
pub(crate) trait HasStatus {
    fn status_code(&self) -> Option<u16>;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

fn profile_flag(info: &BackendInfo) -> String {
    match &info.profile {
        Some(p) => format!(" --profile {p}"),
        None => String::new(),
    }
}

/// Classify a failed call into one sentence and a fix.
pub fn classify(call: &Call, facts: &ErrorFacts, info: &BackendInfo) -> BackendError {
    let chain = facts.chain.to_ascii_lowercase();
    let code = facts.code.as_deref().unwrap_or("");
    let op = call.operation;
    let profile = info.profile.as_deref().unwrap_or("default");

    // Credentials first: they surface as dispatch failures of any call.
    if chain.contains("sso")
        && (chain.contains("expired")
            || chain.contains("unauthorizedexception")
            || chain.contains("cached sso token")
            || chain.contains("token file"))
    {
        return BackendError::new(
            ErrorKind::Auth,
            format!("the SSO session of profile {profile} has expired or was never started"),
        )
        .with_fix(format!("run `aws sso login{}`", profile_flag(info)));
    }
    if code == "ExpiredTokenException"
        || chain.contains("security token included in the request is expired")
    {
        return BackendError::new(ErrorKind::Auth, "the AWS session credentials have expired")
            .with_fix(format!(
                "refresh them (e.g. `aws sso login{}` or re-export AWS_SESSION_TOKEN)",
                profile_flag(info)
            ));
    }
    if chain.contains("no providers in chain provided credentials")
        || chain.contains("the credential provider was not enabled")
        || chain.contains("no credentials")
    {
        return BackendError::new(ErrorKind::Auth, "no AWS credentials were found").with_fix(
            "set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pick a profile with --profile, \
             or run `aws configure` / `aws sso login`",
        );
    }
    if chain.contains("credential_process") || chain.contains("credential process") {
        return BackendError::new(
            ErrorKind::Auth,
            format!("the credential_process of profile {profile} failed"),
        )
        .with_fix("run the command from ~/.aws/config by hand to see why");
    }
    if chain.contains("error occurred while loading credentials")
        || chain.contains("credentials provider was not properly configured")
    {
        return BackendError::new(
            ErrorKind::Auth,
            format!("the credentials of profile {profile} could not be loaded"),
        )
        .with_fix("check the profile in ~/.aws/config and ~/.aws/credentials");
    }

    match facts.failure {
        Failure::Service => classify_service(call, facts, info, code),
        Failure::Construction if chain.contains("region") => no_region(),
        Failure::Timeout => BackendError::new(
            ErrorKind::Network,
            format!("{op} timed out talking to {}", endpoint_name(info)),
        )
        .with_fix("check the network, or --endpoint-url if you use an emulator"),
        Failure::Dispatch if chain.contains("connection refused") => BackendError::new(
            ErrorKind::Network,
            format!("connection refused by {}", endpoint_name(info)),
        )
        .with_fix(match &info.endpoint {
            Some(_) => "is the emulator running? check --endpoint-url / AWS_ENDPOINT_URL",
            None => "check your network or proxy settings",
        }),
        Failure::Dispatch
            if chain.contains("dns")
                || chain.contains("failed to lookup")
                || chain.contains("name or service not known") =>
        {
            BackendError::new(
                ErrorKind::Network,
                format!("cannot resolve the host of {}", endpoint_name(info)),
            )
            .with_fix("check the region name and --endpoint-url, and your network")
        }
        Failure::Dispatch => BackendError::new(
            ErrorKind::Network,
            format!("{op} could not reach {}", endpoint_name(info)),
        )
        .with_fix("check the network, or --endpoint-url if you use an emulator"),
        Failure::Construction | Failure::Response => BackendError::new(
            ErrorKind::Other,
            format!("{op} failed: {}", first_line(&facts.chain)),
        ),
    }
}

fn classify_service(
    call: &Call,
    facts: &ErrorFacts,
    info: &BackendInfo,
    code: &str,
) -> BackendError {
    let op = call.operation;
    let msg = facts.message.as_deref().map(first_line).unwrap_or_default();
    if code == "AccessDeniedException" || code == "AccessDenied" || facts.status == Some(403) {
        if matches!(
            code,
            "UnrecognizedClientException" | "InvalidSignatureException" | "InvalidClientTokenId"
        ) || msg.contains("security token")
            || msg.contains("signature")
        {
            return BackendError::new(
                ErrorKind::Auth,
                format!("AWS rejected the credentials ({})", non_empty(code, "403")),
            )
            .with_fix("check the access key / session token or pick another --profile");
        }
        let region = info.region.as_deref().unwrap_or("*");
        return BackendError::new(
            ErrorKind::Auth,
            format!(
                "access denied: {op} needs apigateway:GET on arn:aws:apigateway:{region}::{}",
                call.resource
            ),
        )
        .with_fix(format!(
            "allow apigateway:GET on arn:aws:apigateway:{region}::/* for this identity, or use another --profile"
        ));
    }
    if matches!(
        code,
        "UnrecognizedClientException" | "InvalidSignatureException" | "InvalidClientTokenId"
    ) {
        return BackendError::new(
            ErrorKind::Auth,
            format!("AWS rejected the credentials ({code})"),
        )
        .with_fix("check the access key / session token or pick another --profile");
    }
    if code == "NotFoundException" || facts.status == Some(404) {
        return BackendError::new(
            ErrorKind::NotFound,
            format!("{op}: {} was not found", call.resource),
        );
    }
    if facts.is_throttling() {
        return BackendError::new(
            ErrorKind::Throttled,
            format!("{op} was throttled by API Gateway even after retries"),
        )
        .with_fix("wait a moment and refresh; API Gateway allows about 10 control-plane reads/s per account");
    }
    let status = facts
        .status
        .map(|s| format!("HTTP {s}"))
        .unwrap_or_default();
    let what = [non_empty(code, ""), status, msg]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ");
    BackendError::new(ErrorKind::Other, format!("{op} failed ({what})"))
}

/// The error for a missing region (also used before any call is made).
pub(crate) fn no_region() -> BackendError {
    BackendError::new(ErrorKind::Config, "no AWS region is configured")
        .with_fix("pass --region, set AWS_REGION, or set `region` in the profile")
}

fn endpoint_name(info: &BackendInfo) -> String {
    match (&info.endpoint, &info.region) {
        (Some(e), _) => e.clone(),
        (None, Some(r)) => format!("apigateway.{r}.amazonaws.com"),
        (None, None) => "API Gateway".into(),
    }
}

fn non_empty(s: &str, fallback: &str) -> String {
    if s.is_empty() { fallback } else { s }.to_string()
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or("").trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(failure: Failure, code: Option<&str>, status: Option<u16>, chain: &str) -> ErrorFacts {
        ErrorFacts {
            failure,
            code: code.map(str::to_string),
            message: None,
            status,
            chain: chain.into(),
        }
    }

    fn info(profile: Option<&str>, endpoint: Option<&str>) -> BackendInfo {
        BackendInfo {
            profile: profile.map(str::to_string),
            region: Some("eu-west-1".into()),
            endpoint: endpoint.map(str::to_string),
            demo: false,
        }
    }

    fn call() -> Call {
        Call::new("GetRoutes", "/apis/abc/routes")
    }

    #[test]
    fn expired_sso_token_says_sso_login_with_the_profile() {
        let f = facts(
            Failure::Dispatch,
            None,
            None,
            "dispatch failure: an error occurred while loading credentials: the SSO token has expired and cannot be refreshed",
        );
        let e = classify(&call(), &f, &info(Some("dev"), None));
        assert_eq!(e.kind, ErrorKind::Auth);
        assert!(e.message.contains("profile dev"), "{e}");
        assert_eq!(e.fix.as_deref(), Some("run `aws sso login --profile dev`"));
    }

    #[test]
    fn missing_credentials_name_the_ways_to_provide_them() {
        let f = facts(
            Failure::Dispatch,
            None,
            None,
            "dispatch failure: other: no providers in chain provided credentials",
        );
        let e = classify(&call(), &f, &info(None, None));
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(e.message, "no AWS credentials were found");
        assert!(e.fix.unwrap().contains("--profile"));
    }

    #[test]
    fn access_denied_names_the_permission_and_resource() {
        let f = facts(
            Failure::Service,
            Some("AccessDeniedException"),
            Some(403),
            "",
        );
        let e = classify(&call(), &f, &info(None, None));
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(
            e.message,
            "access denied: GetRoutes needs apigateway:GET on arn:aws:apigateway:eu-west-1::/apis/abc/routes"
        );
    }

    #[test]
    fn bad_signature_is_a_credentials_problem_not_a_permission() {
        let mut f = facts(
            Failure::Service,
            Some("InvalidSignatureException"),
            Some(403),
            "",
        );
        f.message = Some("The request signature we calculated does not match".into());
        let e = classify(&call(), &f, &info(None, None));
        assert!(e.message.starts_with("AWS rejected the credentials"), "{e}");
    }

    #[test]
    fn connection_refused_points_at_the_endpoint() {
        let f = facts(
            Failure::Dispatch,
            None,
            None,
            "dispatch failure: io error: client error (Connect): tcp connect error: Connection refused (os error 111)",
        );
        let e = classify(&call(), &f, &info(None, Some("http://127.0.0.1:9")));
        assert_eq!(e.kind, ErrorKind::Network);
        assert_eq!(e.message, "connection refused by http://127.0.0.1:9");
        assert!(e.fix.unwrap().contains("--endpoint-url"));
    }

    #[test]
    fn missing_region_at_construction_says_how_to_set_it() {
        let f = facts(
            Failure::Construction,
            None,
            None,
            "failed to construct request: Invalid Configuration: Missing Region",
        );
        let e = classify(&call(), &f, &info(None, None));
        assert_eq!(e.kind, ErrorKind::Config);
        assert!(e.fix.unwrap().contains("--region"));
    }

    #[test]
    fn throttling_and_other_service_errors_are_one_line() {
        let f = facts(
            Failure::Service,
            Some("TooManyRequestsException"),
            Some(429),
            "",
        );
        assert!(f.is_throttling());
        assert_eq!(
            classify(&call(), &f, &info(None, None)).kind,
            ErrorKind::Throttled
        );
        let mut f = facts(Failure::Service, Some("InternalFailure"), Some(500), "");
        f.message = Some("not implemented\nsecond line".into());
        let e = classify(&call(), &f, &info(None, None));
        assert_eq!(
            e.message,
            "GetRoutes failed (InternalFailure, HTTP 500, not implemented)"
        );
        assert!(!f.is_transient());
    }
}
