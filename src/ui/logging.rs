//! gatescope's own log goes to `<log dir>/gatescope.log`, never to the
//! terminal (it would tear the UI). `GATESCOPE_LOG` sets the filter.

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Start file logging; keep the guard alive until exit so lines are flushed.
/// Returns `None` (no logging) if the folder cannot be created.
pub fn init() -> Option<WorkerGuard> {
    let dir = crate::paths::log_dir();
    std::fs::create_dir_all(&dir).ok()?;
    let appender = tracing_appender::rolling::never(&dir, "gatescope.log");
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("GATESCOPE_LOG")
        .unwrap_or_else(|_| EnvFilter::new("gatescope=info,warn"));
    tracing_subscriber::fmt()
        .with_writer(writer)
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init()
        .ok()?;
    Some(guard)
}
