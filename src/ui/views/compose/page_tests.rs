//! The composer in the shell: snapshot, key-driven edits, a real send to a
//! loopback server (the UI keeps running while it is in flight), cancel.

use std::time::Duration;

use crate::domain::{ContentType, Field, RequestDraft};
use crate::ui::testing::{FakeControl, fake_backend, harness};
use crate::ui::views::compose::page::{ComposePage, Tab};
use crate::ui::views::response::page::ResponsePage;

fn draft(url_base: &str) -> RequestDraft {
    RequestDraft {
        method: "POST".into(),
        base_url: url_base.into(),
        path: "/orders/{id}".into(),
        path_params: vec![Field::new("id", "42")],
        query: vec![Field::new("expand", "items")],
        headers: vec![Field::new("x-debug", "1")],
        content_type: ContentType::Json,
        body: br#"{"qty": 2}"#.to_vec(),
        ..Default::default()
    }
}

#[tokio::test]
async fn snapshot_composer_and_edits() {
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = ComposePage::from_draft(&draft(
        "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
    ));
    page.record_history = false;
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    insta::assert_snapshot!(h.render(100, 16));
    // Headers tab, add a row, type it, method cycles.
    h.keys(&["<Tab>", "<Tab>", "a"]);
    h.type_text("accept");
    h.keys(&["<Enter>"]);
    h.type_text("application/json");
    h.keys(&["<Enter>", "m"]);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(p.tab, Tab::Headers);
    assert_eq!(p.method, "PUT");
    let d = p.draft();
    assert_eq!(d.headers[1], Field::new("accept", "application/json"));
    // The body tab shows the JSON check.
    h.keys(&["<Tab>"]);
    let screen = h.render(100, 16);
    assert!(screen.contains("✓ valid JSON"), "{screen}");
}

async fn server(delay: Duration) -> String {
    use axum::routing::any;
    let app = axum::Router::new().route(
        "/{*rest}",
        any(move |body: String| async move {
            tokio::time::sleep(delay).await;
            (
                [
                    ("content-type", "application/json"),
                    ("apigw-requestid", "test-req="),
                ],
                format!("{{\"got\": {}}}", serde_json::Value::String(body)),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn send_opens_the_response_page() {
    let base = server(Duration::ZERO).await;
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = ComposePage::from_draft(&draft(&base));
    page.record_history = false;
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    h.keys(&["<C-s>"]);
    assert!(h.app.top_as::<ComposePage>().unwrap().sending.is_some());
    h.settle().await;
    let resp = h
        .app
        .top_as::<ResponsePage>()
        .expect("response page pushed");
    assert_eq!(resp.response.status, 200);
    assert_eq!(resp.response.request_id(), Some("test-req="));
    let screen = h.render(110, 20);
    assert!(screen.contains("200 OK"), "{screen}");
    assert!(screen.contains("\"got\": \"{\\\"qty\\\": 2}\""), "{screen}");
    // c copies as curl and confirms.
    h.keys(&["c"]);
    let status = h.render(110, 20);
    assert!(status.contains("copied the curl command"), "{status}");
}

#[tokio::test]
async fn esc_cancels_a_slow_send() {
    let base = server(Duration::from_secs(30)).await;
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = ComposePage::from_draft(&draft(&base));
    page.record_history = false;
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    h.keys(&["<C-s>"]);
    // The UI still renders while the request is in flight.
    let screen = h.render(100, 16);
    assert!(screen.contains("sending… Esc cancels"), "{screen}");
    h.keys(&["<Esc>"]);
    h.settle().await;
    let p = h
        .app
        .top_as::<ComposePage>()
        .expect("still on the composer");
    assert!(p.sending.is_none());
    assert!(
        p.message.as_deref().unwrap_or("").contains("cancel"),
        "{:?}",
        p.message
    );
}

#[tokio::test]
async fn e_runs_the_editor_and_validates_what_it_saved() {
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = ComposePage::from_draft(&draft("http://127.0.0.1:9"));
    page.record_history = false;
    // The "editor" breaks the JSON: the body takes it and the check says so.
    page.editor = Some("sed -i s/2}/2,/".into());
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    // While typing the body, E is text and Ctrl-G opens the editor.
    h.keys(&["<Tab>", "<Tab>", "<Tab>"]);
    assert_eq!(h.app.top_as::<ComposePage>().unwrap().tab, Tab::Body);
    h.keys(&["<Enter>", "E", "<BackSpace>"]);
    assert!(!h.app.wants_terminal(), "E typed while editing is text");
    h.keys(&["<C-g>"]);
    assert!(
        h.app.wants_terminal(),
        "C-g asks the shell for the terminal"
    );
    assert!(h.run_suspended().await);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(p.tab, Tab::Body);
    assert_eq!(p.body.bytes(), br#"{"qty": 2,"#);
    let screen = h.render(100, 16);
    assert!(screen.contains("body updated from the editor"), "{screen}");
    assert!(!screen.contains("✓ valid JSON"), "{screen}");
}

#[tokio::test]
async fn a_failing_editor_is_one_status_line_and_keeps_the_body() {
    for editor in ["false", "/no/such/editor --wait"] {
        let mut h = harness(fake_backend(FakeControl::default()));
        let mut page = ComposePage::from_draft(&draft("http://127.0.0.1:9"));
        page.editor = Some(editor.into());
        h.app
            .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
        h.keys(&["E"]);
        assert!(h.run_suspended().await);
        let p = h.app.top_as::<ComposePage>().unwrap();
        assert_eq!(p.body.bytes(), br#"{"qty": 2}"#, "{editor}");
        let error = h.app.shared.status.error.clone().expect("an error line");
        assert!(!error.contains('\n'), "{error}");
        assert!(
            error.contains("left unchanged") || error.contains("cannot start"),
            "{error}"
        );
        // The next key works as usual: the app is not stuck waiting.
        assert!(!h.app.wants_terminal());
    }
}

fn open(h: &mut crate::ui::testing::Harness, d: &RequestDraft) {
    let mut page = ComposePage::from_draft(d);
    page.record_history = false;
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
}

fn bare(method: &str) -> RequestDraft {
    RequestDraft {
        method: method.into(),
        base_url: "https://abc.execute-api.eu-west-1.amazonaws.com/prod".into(),
        path: "/orders".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn typed_json_sets_the_type_and_the_header_unless_one_is_set() {
    let mut h = harness(fake_backend(FakeControl::default()));
    open(&mut h, &bare("POST"));
    h.keys(&["<Tab>", "<Tab>", "<Enter>"]);
    h.type_text(r#"{"item":"widget"}"#);
    h.keys(&["<Esc>"]);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(
        p.content_type,
        ContentType::Json,
        "the type follows the text"
    );
    let req = crate::engines::compose::build(&p.draft()).unwrap();
    assert_eq!(
        crate::domain::header(&req.headers, "content-type"),
        Some("application/json")
    );
    let screen = h.render(100, 16);
    assert!(screen.contains("Body json"), "{screen}");
    assert!(screen.contains("✓ valid JSON"), "{screen}");
    // A type the user picks wins; JSON under XML is a warning, not "invalid JSON".
    h.keys(&["t", "t", "t"]);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(p.content_type, ContentType::Xml);
    let screen = h.render(100, 16);
    assert!(!screen.contains("invalid JSON"), "{screen}");
    assert!(
        screen.contains("the body is JSON but is sent as xml"),
        "{screen}"
    );
}

#[tokio::test]
async fn a_printable_key_in_a_field_is_text_never_a_command() {
    let mut h = harness(fake_backend(FakeControl::default()));
    open(&mut h, &bare("GET"));
    // Auth tab, cycle to "API key", edit the field and type a key with a
    // digit (digits pick demo tokens outside a field).
    h.keys(&["<S-Tab>", "A", "A", "A", "e"]);
    let screen = h.render(100, 16);
    assert!(screen.contains("typing into x-api-key"), "{screen}");
    h.type_text("k3y-abc");
    let screen = h.render(100, 16);
    assert!(screen.contains("k3y-abc"), "{screen}");
    h.keys(&["<Enter>"]);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(
        p.draft().auth,
        crate::domain::AuthMode::ApiKey {
            key: "k3y-abc".into()
        }
    );
    assert_eq!(
        p.base.text(),
        bare("GET").base_url,
        "no letter went to the URL"
    );
}

#[tokio::test]
async fn a_draft_survives_leaving_and_send_on_the_same_route_restores_it() {
    use crate::ui::testing::fake_backend;
    let control = crate::ui::tests::fixtures::control();
    let mut h = harness(fake_backend(control));
    h.start().await;
    h.render(110, 12);
    h.keys(&["<Enter>"]);
    h.render(110, 12);
    h.keys(&[":"]);
    h.type_text("send");
    h.keys(&["<Enter>"]);
    let route = h
        .app
        .top_as::<ComposePage>()
        .expect("composer")
        .target
        .clone();
    h.keys(&["p", "<C-e>"]);
    h.type_text("/draft");
    h.keys(&["<Enter>"]);
    // The crumb names what will be sent, not the route the composer opened on.
    let screen = h.render(110, 12);
    let crumb = screen.lines().next().unwrap_or_default();
    assert!(crumb.contains("/draft"), "{screen}");
    h.keys(&["<Esc>"]);
    assert!(
        h.app.top_as::<ComposePage>().is_none(),
        "Esc left the composer"
    );
    h.keys(&[":"]);
    h.type_text("send");
    h.keys(&["<Enter>"]);
    let p = h.app.top_as::<ComposePage>().expect("composer again");
    assert_eq!(p.target, route);
    assert!(p.path.text().ends_with("/draft"), "{}", p.path.text());
    // C clears it back to the route's request.
    h.keys(&["C"]);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert!(!p.path.text().contains("draft"), "{}", p.path.text());
}

/// Each tab of the composer at 160x45, 100x30, 80x24 and 60x20: the field
/// labels, the URL and the hint line stay readable; nothing is wider than
/// the window. Each snapshot was reviewed by reading it.
#[tokio::test]
async fn every_tab_at_each_size() {
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = ComposePage::from_draft(&draft(
        "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
    ));
    page.record_history = false;
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    for tab in super::page::TABS {
        for (w, ht) in [(160, 45), (100, 30), (80, 24), (60, 20)] {
            let screen = h.render(w, ht);
            for line in screen.lines() {
                assert!(line.chars().count() <= w as usize, "{line}");
            }
            assert_eq!(h.app.top_as::<ComposePage>().unwrap().tab, tab);
            insta::assert_snapshot!(format!("composer_{tab:?}_{w}x{ht}"), screen);
        }
        h.keys(&["<Tab>"]);
    }
}

#[tokio::test]
async fn a_body_file_is_read_by_a_task_not_on_the_ui_loop() {
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = ComposePage::from_draft(&draft("http://127.0.0.1:9"));
    page.record_history = false;
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("order.json");
    std::fs::write(&file, br#"{"from": "file"}"#).unwrap();
    h.keys(&["F"]);
    h.type_text(&file.to_string_lossy());
    h.keys(&["<Enter>"]);
    // Nothing is read until the task runs.
    assert_eq!(h.app.shared.status.running, ["reading the body file"]);
    h.settle().await;
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(p.body.bytes(), br#"{"from": "file"}"#);
    assert_eq!(p.content_type, ContentType::Json);
    let info = h.app.shared.status.info.clone().unwrap_or_default();
    assert!(info.starts_with("body read from"), "{info}");
    // A missing file is a one-line error; the body stays.
    h.keys(&["F", "<C-u>"]);
    h.type_text("/no/such/file");
    h.keys(&["<Enter>"]);
    h.settle().await;
    let e = h.app.shared.status.error.clone().unwrap_or_default();
    assert!(e.contains("cannot read the body file /no/such/file"), "{e}");
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(p.body.bytes(), br#"{"from": "file"}"#);
}

/// The auth tab in API key mode lists the offered keys (the demo's: name, id, what the
/// demo answers for it); a number picks one, which the draft then names (history keeps
/// the name, never the value). Snapshot reviewed by reading it.
#[tokio::test]
async fn api_key_mode_offers_the_named_keys_and_a_number_picks_one() {
    use crate::domain::AuthMode;
    use crate::ui::views::compose::auth_pane::KeyOffer;
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut d = bare("GET");
    d.auth = AuthMode::ApiKey { key: String::new() };
    let mut page = ComposePage::from_draft(&d);
    page.record_history = false;
    page.tab = Tab::Auth;
    page.auth.key_offers = [
        (
            "demo",
            "demokey01",
            true,
            "in usage plan demo-standard: 200",
        ),
        (
            "trial",
            "demokey02",
            true,
            "quota 3 a day: the 4th call gets 429",
        ),
        ("revoked", "demokey04", false, "disabled: 403 Forbidden"),
    ]
    .iter()
    .map(|(name, id, enabled, description)| KeyOffer {
        name: name.to_string(),
        id: id.to_string(),
        description: description.to_string(),
        enabled: *enabled,
        value: format!("value-of-the-{name}-key"),
    })
    .collect();
    h.app
        .apply(None, vec![crate::ui::page::Effect::Push(Box::new(page))]);
    h.keys(&["2"]);
    let screen = h.render(100, 20);
    insta::assert_snapshot!(screen);
    assert!(!screen.contains("value-of-the-trial-key"), "{screen}");
    let p = h.app.top_as::<ComposePage>().unwrap();
    let d = p.draft();
    assert_eq!(
        d.auth,
        AuthMode::ApiKey {
            key: "value-of-the-trial-key".into()
        }
    );
    assert_eq!(d.auth_summary(), "api-key:trial");
    // A number with no key behind it changes nothing.
    h.keys(&["4"]);
    let p = h.app.top_as::<ComposePage>().unwrap();
    assert_eq!(p.draft().auth_summary(), "api-key:trial");
}
