//! A reader that closes the pipe early (`gatescope demo apis | head -1`) ends
//! the CLI quietly: no panic, no backtrace, no error line.

mod support;

use std::io::Read;
use std::process::{Command, Stdio};

/// Run gatescope with its stdout closed before it prints anything, and return
/// (how it ended, what it wrote on stderr).
fn run_into_closed_pipe(args: &[&str]) -> (std::process::ExitStatus, String) {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(support::gatescope_bin())
        .args(args)
        .env("GATESCOPE_HOME", home.path())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Closing the read end now makes the child's first write hit a closed pipe
    // (the demo backend takes a while to start, so nothing is written yet).
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    (child.wait().unwrap(), err)
}

/// Nothing on stderr but the note that no demo was running and one was started for the
/// command (what `gatescope demo SUBCOMMAND` says without `gatescope demo --serve`).
fn quiet_stderr(err: &str) -> bool {
    err.lines()
        .all(|l| l.starts_with("gatescope: note: no demo is running; started one for this command"))
}

/// Ended by SIGPIPE (what `cat` does) or exited 0: both are quiet.
fn ended_quietly(status: std::process::ExitStatus) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        const SIGPIPE: i32 = 13; // the same on Linux, macOS and the BSDs
        if status.signal() == Some(SIGPIPE) {
            return true;
        }
    }
    status.success()
}

#[test]
fn listing_into_a_closed_pipe_ends_quietly() {
    for args in [
        &["demo", "apis"][..],
        &["demo", "apis", "--output", "json"],
        &["demo", "inspect", "--output", "json"],
        &["demo", "inspect"],
        &["demo", "doctor", "demohttp01", "--output", "json"],
    ] {
        let (status, err) = run_into_closed_pipe(args);
        assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
        assert!(
            quiet_stderr(&err),
            "{args:?} wrote more than the demo note on stderr: {err}"
        );
        assert!(ended_quietly(status), "{args:?} ended with {status:?}");
    }
}

#[test]
fn head_reads_the_first_line_of_a_long_listing() {
    // The shell's own pipeline, as a user types it; `head` closes after one
    // line while gatescope may still be writing the rest.
    let bin = support::gatescope_bin();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' demo inspect --output json | head -n 1; \
             '{}' demo inspect | head -n 1",
            bin.display(),
            bin.display()
        ))
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(quiet_stderr(&err), "stderr: {err}");
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(text.lines().count(), 2, "{text}");
}
