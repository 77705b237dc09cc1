//! End to end, the triage's promise: from the first screen of `gatescope
//! demo`, the failing route, its cause, an example request's diagnosis and
//! its logs in at most four key presses. Failing requests are sent to the
//! demo gateway from outside (plain HTTP over loopback, background traffic
//! off so the counts are exact); then `H` (every API ranked by 5xx), Enter
//! (the worst API: routes by failure, causes with finding codes), `d` (the
//! most recent request of the top cause, opened in the logs with the
//! doctor's diagnosis) — three keys. Enter on a cause opens the logs
//! filtered to it.

#[path = "pty/mod.rs"]
mod pty;

use std::time::Duration;

use pty::{PtyApp, http_get as get};

const T: Duration = Duration::from_secs(20);

/// The demo's first screen, and the HTTP API's gateway address (from the
/// status line), after sending it three function errors, two malformed
/// answers, one unknown route and two successes.
fn failing_demo(home: &std::path::Path) -> PtyApp {
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home);
    let screen = app.wait_for("demo-orders-http", T);
    let addr = screen
        .split("endpoint http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .expect("the demo endpoint in the status line")
        .to_string();
    for (path, status, times) in [
        ("/prod/crash", 500, 3),
        ("/prod/report", 500, 2),
        ("/prod/no-such-route", 404, 1),
        ("/prod/orders", 200, 2),
    ] {
        for _ in 0..times {
            assert_eq!(get(&addr, path), status, "{path}");
        }
    }
    app
}

/// The ranking has its numbers (5 of 8 requests failed), the failing API selected.
fn ranked(s: &str) -> bool {
    s.contains("APIs by 5xx")
        && s.lines()
            .any(|l| l.contains('›') && l.contains("demo-orders-http") && l.contains("62.5%"))
}

/// The screen's row holding `needle`.
fn row_of<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle}:\n{screen}"))
}

#[test]
fn failing_route_cause_diagnosis_and_logs_in_three_keys() {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    let mut app = failing_demo(home.path());

    // 1. H: every API ranked by 5xx, the failing one first and selected.
    app.press("H");
    let screen = app.wait_until("the ranking", T, ranked);
    let http = screen.find("demo-orders-http").unwrap();
    let rest = screen.rfind("demo-orders-rest").unwrap();
    assert!(http < rest, "the API with 5xx ranks first:\n{screen}");

    // 2. Enter: its routes by failure and the top causes with their codes;
    //    the top cause (3 function errors) is selected.
    app.press("Enter");
    let screen = app.wait_until("the causes", T, |s| {
        [
            "FUNCTION_ERROR",
            "MALFORMED_PROXY_RESPONSE",
            "NO_ROUTE_MATCHED",
        ]
        .iter()
        .all(|c| s.contains(c))
    });
    let crash = screen.find("GET /crash").expect("the failing route");
    let orders = screen.find("GET /orders").unwrap_or(usize::MAX);
    assert!(
        crash < orders,
        "GET /crash ranks above GET /orders:\n{screen}"
    );
    let top = row_of(&screen, "FUNCTION_ERROR");
    assert!(
        top.contains('›') && top.contains("500") && top.contains('3'),
        "the top cause is selected: {top}\n{screen}"
    );

    // 3. d: its most recent request, opened in the logs with the doctor's
    //    diagnosis of it.
    app.press("d");
    let screen = app.wait_until("the example's diagnosis in the logs", T, |s| {
        s.contains("its record shows the doctor's diagnosis")
            && s.contains("GET /crash")
            && s.contains("The function threw an error")
    });
    assert!(
        screen.contains("status:500 route:/crash"),
        "the logs are filtered to the cause:\n{screen}"
    );

    app.press("Ctrl-C");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}

#[test]
fn enter_on_a_cause_opens_its_logs_filtered() {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    let mut app = failing_demo(home.path());
    app.press("H");
    app.wait_until("the ranking", T, ranked);
    app.press("Enter");
    app.wait_for("MALFORMED_PROXY_RESPONSE", T);
    // The second cause: the malformed answers of GET /report.
    app.press("Down");
    app.press("Enter");
    let screen = app.wait_until("the cause's logs", T, |s| {
        s.contains("Records 2/8 · filter status:500 route:/report") && !s.contains("top causes")
    });
    assert!(
        !screen.contains("GET /crash"),
        "only the cause's requests are listed:\n{screen}"
    );
    app.press("Ctrl-C");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}
