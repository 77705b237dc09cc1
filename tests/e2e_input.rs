//! End to end, the input model a Postman or k9s user expects, typed into the
//! real binary on the demo (issue 14's sequences): a printable key in a field
//! is text, Esc keeps the composer's draft for `:send`, typed JSON goes out
//! as `application/json` (as the demo's logged event shows), Esc on the logs
//! page clears the filter first, an error goes with navigation, `:save`
//! confirms.

mod pty;

use std::time::Duration;

use pty::PtyApp;

const T: Duration = Duration::from_secs(20);
const PAGE_DOWN: &str = "\x1b[6~";

fn home() -> tempfile::TempDir {
    tempfile::tempdir().expect("temp GATESCOPE_HOME")
}

/// Open the demo's orders API and select the route `method path`.
fn open_orders_route(app: &mut PtyApp, method: &str, path: &str) {
    app.wait_for("demo-orders-http", T);
    app.press("/");
    app.type_text("demo-orders-http");
    app.press("Enter");
    app.wait_until("the API list filtered", T, |s| {
        s.lines()
            .any(|l| l.contains('›') && l.contains("demo-orders-http"))
    });
    app.press("Enter");
    app.wait_for("Routes (", T);
    app.press("/");
    app.type_text(&format!("{method} {path}"));
    app.press("Enter");
    app.wait_until("the route selected", T, |s| {
        s.lines()
            .any(|l| l.contains('›') && l.contains(method) && l.trim_end().ends_with_route(path))
    });
}

trait EndsWithRoute {
    fn ends_with_route(&self, path: &str) -> bool;
}

impl EndsWithRoute for str {
    /// The row's route column is `path` exactly (not `/orders/{id}` for `/orders`).
    fn ends_with_route(&self, path: &str) -> bool {
        self.split_whitespace().any(|w| w == path)
    }
}

#[test]
fn composer_fields_take_every_key_drafts_survive_and_json_goes_out_as_json() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo"], home.path());
    open_orders_route(&mut app, "POST", "/orders");
    app.press(":");
    app.type_text("send");
    app.press("Enter");
    // The route opens with the demo scenario's body, typed as JSON.
    let screen = app.wait_for("send POST /orders", T);
    assert!(screen.contains("Body json"), "{screen}");

    // Auth tab, API key, edit: `k3y-abc` lands verbatim (the 3 does not
    // pick a demo token, b and c do not edit the base URL).
    for _ in 0..3 {
        app.press("Tab");
    }
    app.wait_for("▶Auth", T);
    app.press("A");
    app.wait_for("Auth API key", T);
    app.press("e");
    app.wait_for("typing into x-api-key", T);
    app.type_text("k3y-abc");
    let screen = app.wait_for("k3y-abc", T);
    assert!(screen.contains("Auth API key"), "{screen}");
    assert!(!screen.contains("/prodc"), "{screen}");
    app.press("Enter");
    app.wait_until("the field left", T, |s| !s.contains("typing into"));

    // Esc leaves the composer; :send on the same route brings the draft back.
    app.press("Esc");
    app.wait_until("back on the API", T, |s| !s.contains("send POST /orders"));
    app.press(":");
    app.type_text("send");
    app.press("Enter");
    let screen = app.wait_for("your unsent draft is back", T);
    assert!(screen.contains("Auth API key"), "{screen}");

    // The valid demo token, and send: the example body makes it a 201. (In API key
    // mode the numbers pick the demo's API keys: `A` leaves it first.)
    app.press("A");
    app.wait_for("Auth none", T);
    app.press("1");
    app.wait_for("Auth JWT bearer", T);
    app.press("Ctrl-S");
    let screen = app.wait_for("201 Created", T);
    assert!(
        screen.contains("content-type: application/json"),
        "{screen}"
    );
    // The request as sent, below the received headers: which auth went out.
    app.press("BackTab");
    app.press("G");
    app.wait_for("auth: jwt:valid", T);

    // `:save x` confirms in the status line.
    app.press(":");
    app.type_text("save x");
    app.press("Enter");
    app.wait_for("saved `x`", T);

    // The demo's logged event shows the content type that went out.
    app.press("L");
    app.wait_for("Logs ·", T);
    app.wait_for("── Lambda", T);
    app.press("Tab");
    app.press("o");
    let mut seen = false;
    for _ in 0..12 {
        let screen = app.screen();
        if screen.contains("\"content-type\": \"application/json\"") {
            seen = true;
            break;
        }
        app.press(PAGE_DOWN);
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        seen,
        "the logged event has no application/json:\n{}",
        app.screen()
    );
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    app.assert_restored();
}

#[test]
fn esc_clears_the_logs_filter_and_errors_go_with_navigation() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo"], home.path());
    app.wait_for("demo-orders-http", T);
    // An error shows, and goes once the user moves to another page.
    app.press(":");
    app.type_text("foo");
    app.press("Enter");
    app.wait_for("unknown command", T);
    app.press("Enter");
    let screen = app.wait_for("Routes (", T);
    assert!(!screen.contains("unknown command"), "{screen}");

    // On the logs page, Esc clears a filter and stays; the next Esc leaves.
    app.press(":");
    app.type_text("logs");
    app.press("Enter");
    app.wait_for("Logs ·", T);
    app.press("/");
    app.type_text("error");
    app.press("Enter");
    app.wait_for("filter error", T);
    app.press("Esc");
    let screen = app.wait_until("the filter cleared", T, |s| !s.contains("filter error"));
    assert!(
        screen.contains("Logs ·"),
        "still on the logs page:\n{screen}"
    );
    app.press("Esc");
    app.wait_until("left the logs page", T, |s| !s.contains("Logs ·"));
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    app.assert_restored();
}
