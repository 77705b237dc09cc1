//! The data-plane side of gatescope: apply auth to a composed request
//! (SigV4 / JWT / API key), send it, read the answer, probe CORS.
//!
//! The usual flow (TUI and `gatescope send` alike):
//! 1. `engines::compose::build(&draft)` → unsigned [`HttpRequest`](crate::domain::HttpRequest);
//! 2. [`prepare`] applies the draft's [`AuthMode`](crate::domain::AuthMode) → [`Prepared`]
//!    (signed request, debug view, warnings, a redactor that knows the secrets);
//! 3. [`Sender::send`] / [`Sender::spawn`] → [`HttpResponse`](crate::domain::HttpResponse);
//! 4. `store::History::record` keeps it (redacted).
//!
//! `app::send` does 1-4 in one call (cancellable with a token), after
//! resolving the route, stage and authorizer the request meets.

pub mod auth;
mod connect_timing;
pub mod cors_probe;
pub mod credentials;
pub mod sender;
pub mod sign;

pub(crate) use auth::Prepared;
pub(crate) use auth::signing_region;
pub use auth::{AuthContext, prepare};
pub(crate) use cors_probe::CorsProbe;
pub use cors_probe::probe;
pub(crate) use sender::DEFAULT_BODY_CAP;
pub use sender::{SendError, SendOptions, Sender};
pub(crate) use sign::SigningDebug;
pub use sign::{canonical_request, sign_request};

/// Read a body from a file, with a clear message when it cannot be read.
pub(crate) fn body_from_file(path: &std::path::Path) -> Result<Vec<u8>, super::BackendError> {
    use std::io::Read;
    let fail = |why: String| {
        super::BackendError::new(
            super::ErrorKind::Other,
            format!("cannot read the body file {}: {why}", path.display()),
        )
    };
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let mut buf = Vec::new();
    file.take(MAX_BODY_FILE_BYTES + 1)
        .read_to_end(&mut buf)
        .map_err(|e| fail(e.to_string()))?;
    if buf.len() as u64 > MAX_BODY_FILE_BYTES {
        return Err(fail(format!(
            "larger than the {} MiB limit of a request body",
            MAX_BODY_FILE_BYTES / (1024 * 1024)
        )));
    }
    Ok(buf)
}

/// The largest request body read from a file (`-d @FILE`, the composer):
/// 64 MiB, far above API Gateway's 10 MB payload limit; `/dev/zero` or a
/// stray disk image ends with this error instead of filling memory.
pub(crate) const MAX_BODY_FILE_BYTES: u64 = 64 * 1024 * 1024;
