//! End to end: the real binary in a pseudo-terminal on the built-in demo.
//! Start `gatescope demo`, browse, quit, and check the terminal was restored.

mod pty;

use std::time::Duration;

use pty::PtyApp;

const T: Duration = Duration::from_secs(20);

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp GATESCOPE_HOME")
}

#[test]
fn demo_starts_lists_apis_and_quits_restoring_the_terminal() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo"], home.path());
    let screen = app.wait_for("demo-orders-http", T);
    assert!(screen.contains("DEMO"), "{screen}");
    assert!(screen.contains("APIs"), "{screen}");
    // `?` shows help generated from the keymap; Esc closes it.
    app.press("?");
    app.wait_for("Fuzzy filter the list", T);
    app.press("Esc");
    app.wait_until("help closed", T, |s| !s.contains("Fuzzy filter the list"));
    // Drill into the first API, then back out and quit with q.
    app.press("Enter");
    app.wait_for("Routes (", T);
    app.press("Esc");
    app.wait_until("back on the list", T, |s| !s.contains("Routes ("));
    app.press("q");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}

#[test]
fn ctrl_c_quits_from_the_command_bar_and_restores_the_terminal() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo"], home.path());
    app.wait_for("demo-orders-http", T);
    app.press(":");
    app.type_text("bogus");
    app.press("Enter");
    app.wait_for("unknown command `:bogus`", T);
    app.press(":");
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    app.assert_restored();
}

#[test]
fn sigterm_leaves_cleanly_and_restores_the_terminal() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo"], home.path());
    app.wait_for("demo-orders-http", T);
    let pid = app.pid().expect("child pid");
    let status = std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("run kill");
    assert!(status.success());
    assert!(app.wait_exit(T), "gatescope should exit 0 on SIGTERM");
    app.assert_restored();
}
