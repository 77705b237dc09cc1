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
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
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
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
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
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
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

/// Codes the doctor may give for the malformed-body 500 from the response
/// alone (before the request's logs have been read).
const MALFORMED_BODY_CODES: &[&str] = &[
    "HTTP_API_INTERNAL_ERROR",
    "MALFORMED_PROXY_RESPONSE",
    "BODY_NOT_STRING",
];

/// The code once the pane has read the request's access-log record, whose
/// `integrationErrorMessage` names the malformed proxy response.
const LOG_CONFIRMED_CODE: &str = "MALFORMED_PROXY_RESPONSE";

/// Open `api` in the list and filter its routes down to `path`.
fn open_route(app: &mut PtyApp, api: &str, path: &str) {
    app.wait_for(api, T);
    app.press("/");
    app.type_text(api);
    app.press("Enter");
    // The filter is fuzzy: the best match comes first, selected.
    app.wait_until("the API list filtered", T, |s| {
        s.lines().any(|l| l.contains('›') && l.contains(api))
    });
    app.press("Enter");
    app.wait_for("Routes (", T);
    app.press("/");
    app.type_text(path);
    app.press("Enter");
    app.wait_until("the route selected", T, |s| {
        s.contains("(1 shown)") && s.lines().any(|l| l.contains('›') && l.contains(path))
    });
}

/// The demo scenario `name` from `assets/demo/scenarios.toml`, resolved to
/// what the TUI shows: (API name, method, route path, stage, expected status).
fn scenario(name: &str) -> (String, String, String, String, u16) {
    let s = pty::demo_scenario(name);
    (s.api_name, s.method, s.route, s.stage, s.status)
}

#[test]
fn demo_malformed_body_shows_the_500_and_the_log_confirmed_doctor_finding() {
    // The handler returning `body` as an object (scenario `body-object`).
    let (api, method, route, stage, status) = scenario("body-object");
    assert_eq!(
        status, 500,
        "the scenario changed: check the assertions below"
    );
    let home = home();
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
    open_route(&mut app, &api, &route);
    app.press(":");
    app.type_text("send");
    app.press("Enter");
    app.wait_until(&format!("the composer on {method} {route}"), T, |s| {
        s.contains(&format!("send {method} {route}")) && s.contains(&format!("/{stage}{route}"))
    });
    app.press("Ctrl-S");
    // Both in one frame: the status line can be drawn before the headers are.
    app.wait_until("the 500 with API Gateway's request id header", T, |s| {
        s.contains("500 Internal Server Error") && s.contains("apigw-requestid")
    });
    let screen = app.wait_until("the doctor's finding", T, |s| {
        // The demo writes its logs as it answers, so the confirmed finding
        // may already replace the response-only one in the first frame.
        s.contains("Doctor · ")
            && (MALFORMED_BODY_CODES.iter().any(|c| s.contains(c))
                || s.contains(LOG_CONFIRMED_CODE))
    });
    assert!(screen.contains("✗ error"), "{screen}");
    // Then the pane gathers the request's logs and confirms the cause.
    let screen = app.wait_until("the log-confirmed finding", T, |s| {
        s.contains(LOG_CONFIRMED_CODE) && s.contains("confirmed by logs")
    });
    assert!(screen.contains("access record(s)"), "{screen}");
    assert!(screen.contains("body is an object"), "{screen}");
    app.press(":");
    app.type_text("q");
    app.press("Enter");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}

/// A stand-in editor: records the terminal mode it got, shows a line, reads
/// one line from the terminal and saves it as the body. Exits 3 when the
/// file `fail` exists next to it.
fn fake_editor(dir: &std::path::Path) -> std::path::PathBuf {
    let script = dir.join("editor.sh");
    let d = dir.display();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n\
             [ -e '{d}/fail' ] && {{ echo 'editor says no' >&2; exit 3; }}\n\
             stty -a > '{d}/stty.txt'\n\
             printf 'FAKE EDITOR: type a word\\n'\n\
             read word\n\
             printf '{{\"typed\": \"%s\"}}\\n' \"$word\" > \"$1\"\n"
        ),
    )
    .expect("write the editor script");
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    script
}

#[test]
fn editor_gets_the_terminal_and_its_keystrokes_then_the_tui_comes_back() {
    let home = home();
    let script = fake_editor(home.path());
    let mut app = PtyApp::spawn_with_env(
        &["demo", "--quiet"],
        home.path(),
        &[("EDITOR", script.to_str().expect("utf-8 path"))],
    );
    app.wait_for("demo-orders-http", T);
    app.press(":");
    app.type_text("send POST http://127.0.0.1:9/items");
    app.press("Enter");
    app.wait_for("→ POST http://127.0.0.1:9/items", T);
    app.press("t"); // content type: JSON, so the body is checked
    app.press("E");
    app.wait_for("FAKE EDITOR: type a word", T);
    assert!(
        !app.alternate_screen(),
        "the editor runs on the main screen"
    );
    assert!(!app.cursor_hidden(), "the editor sees the cursor");
    // What we type reaches the editor, not gatescope's input reader.
    app.type_text("hello\r");
    let screen = app.wait_for(r#"{"typed": "hello"}"#, T);
    assert!(screen.contains("✓ valid JSON"), "{screen}");
    assert!(screen.contains("body updated from the editor"), "{screen}");
    assert!(app.alternate_screen(), "back on the alternate screen");
    assert!(app.cursor_hidden(), "cursor hidden again");
    assert_eq!(app.cooked_mode(), Some(false), "raw mode is back on");
    let stty = std::fs::read_to_string(home.path().join("stty.txt")).expect("stty output");
    let flags: Vec<&str> = stty.split_whitespace().collect();
    assert!(
        flags.contains(&"icanon") && flags.contains(&"echo"),
        "the editor got a raw terminal:\n{stty}"
    );

    // A failing editor: one status line, the body is kept, the TUI works.
    std::fs::write(home.path().join("fail"), "").expect("marker");
    app.press("E");
    let screen = app.wait_for("the body was left unchanged", T);
    assert!(screen.contains(r#"{"typed": "hello"}"#), "{screen}");
    assert!(app.alternate_screen(), "{screen}");
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    app.assert_restored();
}

#[test]
fn sent_requests_are_in_history_and_can_be_saved_and_reopened() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
    open_route(&mut app, "demo-orders-http", "/report");
    app.press(":");
    app.type_text("send");
    app.press("Enter");
    app.wait_for("send GET /report", T);
    app.press("1"); // the demo's first token: a JWT that must not be stored
    app.wait_for("Auth JWT bearer", T);
    app.press("Ctrl-S");
    app.wait_for("500 Internal Server Error", T);
    app.press(":");
    app.type_text("save demo/report-500");
    app.press("Enter");
    app.wait_for(
        "saved `report-500` in collection demo (secrets redacted)",
        T,
    );
    app.press(":");
    app.type_text("history");
    app.press("Enter");
    // The page opens at once and reads the files in a task.
    app.wait_for("Sent to demo-orders-http", T);
    app.wait_until("the sent row", T, |screen| {
        screen
            .lines()
            .any(|l| l.contains("GET") && l.contains("/prod/report") && l.contains("500"))
    });
    app.press("Tab");
    app.wait_for("report-500", T);
    app.press("Enter");
    // Stored with the token's name only (`jwt:valid`): the demo puts its own `valid`
    // token back, so nothing is left to re-enter. (Outside the demo the composer asks
    // for the token: `enter_reopens_and_says_which_secrets_to_reenter`.)
    let screen = app.wait_until("the saved request in the composer", T, |s| {
        s.contains("send GET /report") && s.contains("Auth JWT bearer")
    });
    assert!(!screen.contains("re-enter"), "{screen}");
    // Nothing gatescope wrote (history, collection, its log) holds a JWT.
    let files = walk(home.path());
    assert!(
        files
            .iter()
            .any(|f| f.to_string_lossy().contains("history")),
        "{files:?}"
    );
    for file in files {
        let text = String::from_utf8_lossy(&std::fs::read(&file).unwrap_or_default()).into_owned();
        assert!(
            !holds_a_jwt(&text),
            "{} holds a JWT:\n{text}",
            file.display()
        );
    }
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    app.assert_restored();
}

/// `eyJ…​.eyJ…​.`: a JWT's base64url JSON header and claims.
fn holds_a_jwt(text: &str) -> bool {
    let b64 = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    text.match_indices("eyJ").any(|(i, _)| {
        let rest = &text[i..];
        let header_len = rest.find(|c: char| !b64(c)).unwrap_or(rest.len());
        rest[header_len..].starts_with(".eyJ")
    })
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Issue 18: the REST API's Authorizers tab, and an authorizer opened on the
/// event its first route's request would produce (no token: the 401 without
/// invocation, said in words).
#[test]
fn demo_rest_api_authorizer_tab_opens_the_authorizer_with_its_event() {
    let home = home();
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
    let api = "demo-orders-rest";
    app.wait_for(api, T);
    app.press("/");
    app.type_text(api);
    app.press("Enter");
    app.wait_until("the API list filtered", T, |s| {
        s.lines().any(|l| l.contains('›') && l.contains(api))
    });
    app.press("Enter");
    // A REST API has the usage-plan, policy and gateway-response tabs
    // (short labels at 140 columns).
    let screen = app.wait_for("Plans (", T);
    assert!(
        screen.contains("Policy") && screen.contains("GwResp"),
        "{screen}"
    );
    app.press("Tab");
    app.press("Tab");
    app.wait_for("IDENTITY SOURCE", T);
    app.wait_for("demo-users", T);
    app.press("Enter");
    app.wait_for("authorizer demo-users", T);
    let screen = app.wait_for("A missing identity source is a 401 without invocation", T);
    assert!(screen.contains("REST TOKEN"), "{screen}");
    assert!(screen.contains("Authorizer event for GET /me"), "{screen}");
    // n: the event of the next route it guards.
    app.press("n");
    app.wait_for("Authorizer event for GET /me/orders", T);
    app.press("q");
    app.press("q");
    app.press("q");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}
