//! End to end: `gatescope demo` in a pseudo-terminal, `:logs prod`, then
//! requests sent to the demo gateway from outside (plain HTTP over
//! loopback) appear in the logs page live, correlated; Esc closes it.

#[path = "pty/mod.rs"]
mod pty;

use std::time::Duration;

use pty::{PtyApp, http_get as get};

const T: Duration = Duration::from_secs(20);

#[test]
fn requests_to_the_demo_show_up_in_logs_live() {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
    let screen = app.wait_for("demo-orders-http", T);
    // The status line names the first API's loopback endpoint.
    let addr = screen
        .split("endpoint http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo endpoint in the status line")
        .to_string();
    app.press(":");
    app.type_text("logs prod");
    app.press("Enter");
    app.wait_for("● live tail", T);
    assert_eq!(get(&addr, "/prod/orders"), 200);
    assert_eq!(get(&addr, "/prod/report"), 500);
    let screen = app.wait_for("Records 2/2", T);
    assert!(screen.contains("GET /report"), "{screen}");
    assert!(screen.contains("Malformed Lambda proxy"), "{screen}");
    // The newest record is selected: its logged event is at the end of the
    // detail beside it (after the doctor and the Lambda lines), folded.
    app.press("Tab");
    app.press("G");
    app.wait_for("as logged by the function", T);
    app.press("Esc"); // out of the detail pane
    app.press("Esc");
    app.wait_until("back on the list", T, |s| !s.contains("Records 2/2"));
    app.press("q");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}
