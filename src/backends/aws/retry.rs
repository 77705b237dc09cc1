//! Retrying throttled control-plane calls with exponential backoff.
//!
//! The SDK's own retries are switched off for the API Gateway clients: the
//! standard strategy also retries HTTP 500, and an emulator (or a denied call)
//! answering 500 would then cost seconds per API. Here only throttling,
//! 502-504 and 2xx answers that could not be read (cut short, HTML) are
//! retried, with full-jitter backoff, and a timeout once (each try costs the
//! whole timeout); every attempt is logged.

use std::future::Future;
use std::hash::{BuildHasher, RandomState};
use std::time::Duration;

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::{Call, ErrorFacts, HasStatus};

#[derive(Debug, Clone, Copy)]
pub struct RetryPolicy {
    /// Total tries, first one included.
    pub max_attempts: u32,
    pub base_delay: Duration,
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        // API Gateway allows ~10 reads/s per account with a burst of 40: a
        // crawl of hundreds of APIs does get throttled, so be patient.
        RetryPolicy {
            max_attempts: 8,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The pause before retry number `attempt` (1-based): a random duration
    /// between half and all of `base * 2^(attempt-1)`, capped.
    pub(crate) fn delay(&self, attempt: u32) -> Duration {
        let exp = self
            .base_delay
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        let ceiling = exp.min(self.max_delay);
        let half = ceiling / 2;
        // Jitter keeps concurrent tasks from retrying in lockstep.
        let r = RandomState::new().hash_one(attempt) % 1000;
        half + half.mul_f64(r as f64 / 1000.0)
    }
}

/// Run `f` until it succeeds, fails for a reason other than throttling, or
/// the attempts run out. Returns the facts of the last error.
pub(crate) async fn with_retry<T, E, R, F, Fut>(
    policy: &RetryPolicy,
    call: &Call,
    mut f: F,
) -> Result<T, ErrorFacts>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, SdkError<E, R>>>,
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + HasStatus,
{
    let mut attempt = 1;
    loop {
        match f().await {
            Ok(v) => return Ok(v),
            Err(e) => {
                let facts = ErrorFacts::from_sdk(&e);
                let retryable = retryable(&facts, attempt);
                if !retryable || attempt >= policy.max_attempts {
                    tracing::debug!(op = call.operation, resource = %call.resource, attempt, error = %facts.chain, "call failed");
                    return Err(facts);
                }
                let delay = policy.delay(attempt);
                tracing::debug!(op = call.operation, resource = %call.resource, attempt, ?delay, "throttled, retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
        }
    }
}

/// Whether a call that failed on try `attempt` is worth another try.
fn retryable(facts: &ErrorFacts, attempt: u32) -> bool {
    facts.is_throttling() || facts.is_transient() || (facts.is_timeout() && attempt < 2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::aws::errors::Failure;

    fn facts(failure: Failure, status: Option<u16>, code: Option<&str>) -> ErrorFacts {
        ErrorFacts {
            failure,
            code: code.map(str::to_string),
            message: None,
            status,
            chain: String::new(),
        }
    }

    #[test]
    fn what_is_retried() {
        // Throttling and gateway errors: every try.
        assert!(retryable(
            &facts(
                Failure::Service,
                Some(429),
                Some("TooManyRequestsException")
            ),
            7
        ));
        assert!(retryable(&facts(Failure::Service, Some(503), None), 7));
        // A 200 that could not be parsed (truncated, HTML): every try.
        assert!(retryable(&facts(Failure::Response, Some(200), None), 7));
        // A timeout: once.
        assert!(retryable(&facts(Failure::Timeout, None, None), 1));
        assert!(!retryable(&facts(Failure::Timeout, None, None), 2));
        // Denied, not found, a 500, no connection: never.
        assert!(!retryable(
            &facts(Failure::Service, Some(403), Some("AccessDeniedException")),
            1
        ));
        assert!(!retryable(&facts(Failure::Service, Some(500), None), 1));
        assert!(!retryable(&facts(Failure::Dispatch, None, None), 1));
        assert!(!retryable(&facts(Failure::Response, Some(500), None), 1));
    }

    #[test]
    fn delays_grow_and_stay_capped() {
        let p = RetryPolicy::default();
        for attempt in 1..20 {
            let d = p.delay(attempt);
            let ceiling = (p.base_delay * 2u32.pow((attempt - 1).min(16))).min(p.max_delay);
            assert!(d >= ceiling / 2 && d <= ceiling, "attempt {attempt}: {d:?}");
        }
        assert!(p.delay(20) <= p.max_delay);
    }
}
