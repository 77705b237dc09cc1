//! Ending quietly when the reader of standard output goes away.
//!
//! Rust starts every program with SIGPIPE ignored, so a write to a closed
//! pipe returns `BrokenPipe` and `println!` turns that into a panic:
//! `gatescope apis | head -1` would crash with a backtrace. A command-line
//! tool should do what `cat` and `grep` do: die silently from SIGPIPE, which
//! the shell understands. That only holds for the one-shot commands: the TUI
//! owns the terminal and must never be killed before it restores it, so it
//! keeps Rust's default.
//!
//! Network sockets are unaffected: the standard library sends with
//! `MSG_NOSIGNAL` (Linux) or sets `SO_NOSIGPIPE` (macOS), so a peer that hangs
//! up is still an ordinary error, never a signal.

/// Restore the default SIGPIPE action (terminate quietly). Call it before any
/// thread is started, and only for commands that do not run the TUI.
pub(crate) fn restore_default() {
    #[cfg(unix)]
    // SAFETY: `signal` with SIG_DFL installs no handler; it only changes the
    // disposition of SIGPIPE, and is called before the runtime's threads exist.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
