//! CloudWatch Logs / Lambda SDK errors → [`BackendError`] (one sentence + fix).

use aws_sdk_cloudwatchlogs::error::{ProvideErrorMetadata, SdkError};

use crate::backends::{BackendError, ErrorKind};

/// Map an SDK error of operation `op` (e.g. "FilterLogEvents") on `what`.
pub(crate) fn map_sdk_error<E, R>(op: &str, what: &str, err: SdkError<E, R>) -> BackendError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match &err {
        SdkError::DispatchFailure(d) => {
            let msg = if d.is_timeout() {
                format!("{op} timed out talking to CloudWatch Logs")
            } else {
                format!("{op} could not reach CloudWatch Logs")
            };
            BackendError::new(ErrorKind::Network, msg)
                .with_fix("check the network, the region and --endpoint-url")
        }
        SdkError::TimeoutError(_) => {
            BackendError::new(ErrorKind::Network, format!("{op} timed out"))
        }
        SdkError::ServiceError(se) => {
            let code = se.err().code().unwrap_or("");
            let message = se.err().message().unwrap_or("").trim().to_string();
            classify(op, what, code, &message)
        }
        other => {
            let text = other.to_string();
            // moto answers unimplemented calls without a parsable error shape.
            if text.contains("not yet implemented") || text.contains("not implemented") {
                return BackendError::unsupported(op);
            }
            BackendError::new(ErrorKind::Other, format!("{op} failed: {text}"))
        }
    }
}

/// The service error code decides the kind; the fix says what to do.
pub fn classify(op: &str, what: &str, code: &str, message: &str) -> BackendError {
    let detail = if message.is_empty() {
        code.to_string()
    } else {
        message.to_string()
    };
    match code {
        "ThrottlingException" | "LimitExceededException" | "TooManyRequestsException" => {
            BackendError::new(
                ErrorKind::Throttled,
                format!("{op} was throttled: {detail}"),
            )
            .with_fix("wait a moment; gatescope backs off by itself")
        }
        "AccessDeniedException"
        | "AccessDenied"
        | "UnrecognizedClientException"
        | "ExpiredTokenException"
        | "InvalidSignatureException" => BackendError::new(
            ErrorKind::Auth,
            format!("{op} on {what} was denied: {detail}"),
        )
        .with_fix(format!(
            "allow logs:{op} for these credentials, or refresh them"
        )),
        "ResourceNotFoundException" => {
            BackendError::new(ErrorKind::NotFound, format!("{what} does not exist"))
                .with_fix("check the region, or whether logging ever wrote to it")
        }
        "MalformedQueryException" => BackendError::new(
            ErrorKind::Other,
            format!("the query does not compile: {detail}"),
        )
        .with_fix("fix the Logs Insights query syntax"),
        "InvalidOperationException" | "NotImplemented" | "UnknownOperationException" => {
            BackendError::new(
                ErrorKind::Unsupported,
                format!("{op} is not available: {detail}"),
            )
        }
        _ => BackendError::new(ErrorKind::Other, format!("{op} on {what} failed: {detail}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_map_to_kinds() {
        assert_eq!(
            classify("StartQuery", "g", "LimitExceededException", "").kind,
            ErrorKind::Throttled
        );
        assert_eq!(
            classify("X", "g", "AccessDeniedException", "no").kind,
            ErrorKind::Auth
        );
        assert_eq!(
            classify("X", "g", "ResourceNotFoundException", "").kind,
            ErrorKind::NotFound
        );
        let e = classify(
            "StartQuery",
            "g",
            "MalformedQueryException",
            "bad token at 3",
        );
        assert!(e.message.contains("bad token at 3"));
        assert!(e.fix.is_some());
        assert_eq!(classify("X", "g", "Weird", "").kind, ErrorKind::Other);
    }
}
