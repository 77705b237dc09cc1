//! One error type for every backend, shaped for humans: a sentence and a fix.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Credentials missing, expired, or access denied.
    Auth,
    /// Region or endpoint not configured.
    Config,
    NotFound,
    /// The service said "slow down" (after retries ran out).
    Throttled,
    /// Connection refused, DNS, TLS, timeout.
    Network,
    /// The call is not implemented / not available on this backend.
    Unsupported,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendError {
    pub kind: ErrorKind,
    /// One sentence, no debug dump.
    pub message: String,
    /// What to do about it, when known.
    pub fix: Option<String>,
}

impl BackendError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        BackendError {
            kind,
            message: message.into(),
            fix: None,
        }
    }

    pub(crate) fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn unsupported(what: &str) -> Self {
        BackendError::new(
            ErrorKind::Unsupported,
            format!("{what} is not supported by this backend"),
        )
    }
}

impl fmt::Display for BackendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let Some(fix) = &self.fix {
            write!(f, " ({fix})")?;
        }
        Ok(())
    }
}

impl std::error::Error for BackendError {}
