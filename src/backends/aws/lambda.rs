//! Lambda `GetFunctionConfiguration` for the doctor: each function's own
//! timeout and memory, to compare with the integration in front of it.
//!
//! Read-only and best effort: a function that cannot be read (the identity
//! may only have API Gateway permissions, the function may live in another
//! account) is reported as unavailable with the reason, never as a failure of
//! the whole lint.

use futures::StreamExt;

use super::control_plane::AwsControlPlane;
use super::errors::{Call, ErrorFacts, classify};
use super::retry::with_retry;
use crate::backends::BackendInfo;
use crate::domain::FunctionArn;
use crate::domain::FunctionConfig;

/// Calls in flight at once: an API rarely has more than a handful of
/// functions, and Lambda's control plane throttles bursts (15 reads/s).
const CONCURRENCY: usize = 4;

/// The configuration of each distinct function in `functions`.
pub(super) async fn function_configs(
    cp: &AwsControlPlane,
    functions: &[String],
) -> Vec<FunctionConfig> {
    let mut unique: Vec<String> = functions.to_vec();
    unique.sort_unstable();
    unique.dedup();
    futures::stream::iter(unique)
        .map(|f| async move { one(cp, &f).await })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await
}

async fn one(cp: &AwsControlPlane, function: &str) -> FunctionConfig {
    if let Err(e) = cp.region() {
        return FunctionConfig::unavailable(function, e.to_string());
    }
    let call = Call::new(
        "GetFunctionConfiguration",
        format!("function:{}", FunctionArn::name_of(function)),
    );
    let result = with_retry(&cp.retry, &call, || {
        cp.lambda
            .get_function_configuration()
            .function_name(function)
            .send()
    })
    .await;
    match result {
        Ok(out) => FunctionConfig {
            arn: function.to_string(),
            timeout_s: out.timeout().map(f64::from),
            memory_mb: out.memory_size().and_then(|m| u64::try_from(m).ok()),
            unavailable: None,
        },
        Err(facts) => {
            FunctionConfig::unavailable(function, unreadable_reason(function, &facts, &cp.info))
        }
    }
}

/// Why a function's configuration could not be read, in one sentence.
/// Lambda's own denials get Lambda's permission name (the generic classifier
/// speaks of API Gateway permissions).
fn unreadable_reason(function: &str, facts: &ErrorFacts, info: &BackendInfo) -> String {
    let name = FunctionArn::name_of(function);
    let code = facts.code.as_deref().unwrap_or("");
    let credentials_rejected = matches!(
        code,
        "UnrecognizedClientException" | "InvalidSignatureException" | "ExpiredTokenException"
    );
    if !credentials_rejected
        && (code == "AccessDeniedException" || code == "AccessDenied" || facts.status == Some(403))
    {
        return format!(
            "access denied: reading function {name} needs lambda:GetFunctionConfiguration on {function}"
        );
    }
    if code == "ResourceNotFoundException" || facts.status == Some(404) {
        return format!("function {name} was not found (deleted, or in another account or region)");
    }
    let call = Call::new("GetFunctionConfiguration", format!("function:{name}"));
    classify(&call, facts, info).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::aws::errors::Failure;

    fn facts(code: Option<&str>, status: Option<u16>) -> ErrorFacts {
        ErrorFacts {
            failure: Failure::Service,
            code: code.map(str::to_string),
            message: None,
            status,
            chain: String::new(),
        }
    }

    const ARN: &str = "arn:aws:lambda:eu-west-1:123456789012:function:orders";

    #[test]
    fn access_denied_names_the_lambda_permission() {
        let r = unreadable_reason(
            ARN,
            &facts(Some("AccessDeniedException"), Some(403)),
            &BackendInfo::default(),
        );
        assert!(r.contains("lambda:GetFunctionConfiguration"), "{r}");
        assert!(r.contains("orders"), "{r}");
    }

    #[test]
    fn a_missing_function_says_so() {
        let r = unreadable_reason(
            ARN,
            &facts(Some("ResourceNotFoundException"), Some(404)),
            &BackendInfo::default(),
        );
        assert!(r.contains("not found"), "{r}");
    }

    #[test]
    fn rejected_credentials_are_not_called_a_missing_permission() {
        let r = unreadable_reason(
            ARN,
            &facts(Some("UnrecognizedClientException"), Some(403)),
            &BackendInfo::default(),
        );
        assert!(!r.contains("lambda:GetFunctionConfiguration"), "{r}");
        assert!(r.contains("credentials"), "{r}");
    }
}
