//! The built-in local API Gateway used by `gatescope demo`.

use super::{Backend, BackendError, ErrorKind};

/// Start the demo gateway in-process on a loopback port and return a backend
/// pointed at it.
pub async fn backend() -> Result<Backend, BackendError> {
    Err(BackendError::new(
        ErrorKind::Unsupported,
        "the demo is not built yet",
    ))
}
