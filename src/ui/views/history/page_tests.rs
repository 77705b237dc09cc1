//! The history page in the shell: snapshots of both tabs, filter, re-open
//! (with the redacted-secret reminder), delete, send again to a loopback
//! server, and `:save` through the command bar.

use std::path::Path;
use std::sync::Arc;

use super::page::{HistoryPage, HistoryTab};
use crate::app::history::{Store, save};
use crate::domain::{AuthMode, ContentType, Field, HttpRequest, RequestDraft};
use crate::engines::compose::draft_from_url;
use crate::engines::redact::Redactor;
use crate::store::{FileStore, History, HistoryEntry, Outcome, StoreOptions};
use crate::ui::testing::{FakeControl, Harness, fake_backend, harness};
use crate::ui::views::compose::page::{ComposePage, Tab};
use crate::ui::views::response::page::ResponsePage;

const KEY: &str = "127.0.0.1_9";

fn draft(base: &str, method: &str, path: &str) -> RequestDraft {
    let mut d = draft_from_url(method, &format!("{base}{path}")).unwrap();
    d.content_type = ContentType::Json;
    d
}

/// Record `draft` as sent with `outcome` in `dir`'s history for `key`.
fn record(dir: &Path, key: &str, d: &RequestDraft, outcome: Outcome) {
    let sent = crate::engines::compose::build(d).unwrap();
    let sent = HttpRequest {
        headers: sent.headers,
        ..HttpRequest::new(&sent.method, &sent.url)
    };
    History::append_in(
        dir,
        key,
        StoreOptions::default(),
        HistoryEntry::new(d, &sent, outcome),
        &Redactor::for_auth(&d.auth),
    )
    .unwrap();
}

fn status(code: u16, ms: f64) -> Outcome {
    Outcome {
        status: Some(code),
        total_ms: Some(ms),
        ..Default::default()
    }
}

fn store_in(dir: &Path) -> Store {
    Arc::new(FileStore::under(dir, StoreOptions::default()))
}

/// A history of three requests (one failed, one with a JWT) and a page on it.
async fn setup(base: &str) -> (tempfile::TempDir, Harness) {
    let tmp = tempfile::tempdir().unwrap();
    let dirs = FileStore::under(tmp.path(), StoreOptions::default());
    let key = History::key_for(&draft(base, "GET", "/"));
    record(
        &dirs.history,
        &key,
        &draft(base, "GET", "/orders?status=open"),
        status(200, 12.0),
    );
    let mut post = draft(base, "POST", "/orders");
    post.body = br#"{"item":"widget"}"#.to_vec();
    post.auth = AuthMode::Jwt {
        token: "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.c2ln".into(),
    };
    record(&dirs.history, &key, &post, status(401, 3.4));
    record(
        &dirs.history,
        &key,
        &draft(base, "GET", "/slow"),
        Outcome::from_error("timed out after 30 s"),
    );
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut page = HistoryPage::new(&key, &key, store_in(tmp.path()));
    page.record_history = false;
    h.app.apply(None, vec![page.open()]);
    // The files are read by a task, off the UI loop.
    assert!(h.app.top_as::<HistoryPage>().unwrap().loading);
    h.settle().await;
    let page = h.app.top_as_mut::<HistoryPage>().unwrap();
    assert!(!page.loading);
    page.now_ms = Some(page.entries[0].sent_at_ms + 5_000);
    (tmp, h)
}

fn page(h: &Harness) -> &HistoryPage {
    h.app.top_as::<HistoryPage>().expect("on the history page")
}

#[tokio::test]
async fn snapshot_sent_and_saved_tabs_and_filter() {
    let (tmp, mut h) = setup("http://127.0.0.1:9").await;
    insta::assert_snapshot!("history_sent", h.render(100, 12));
    // `/` filters; the title says how many are shown.
    h.keys(&["/"]);
    h.type_text("orders");
    h.keys(&["<Enter>"]);
    let screen = h.render(100, 12);
    assert!(screen.contains("/orders (2 shown)"), "{screen}");
    assert!(!screen.contains("/slow"), "{screen}");
    h.keys(&["<Esc>"]);
    assert_eq!(page(&h).filter(), "");
    // A saved request shows on the other tab after `r`.
    let mut d = draft("http://127.0.0.1:9", "PUT", "/");
    d.path = "/orders/{id}".into();
    d.path_params = vec![Field::new("id", "42")];
    let note = save(store_in(tmp.path()).as_ref(), "smoke/put order", &d).unwrap();
    assert_eq!(
        note,
        "saved `put order` in collection smoke (secrets redacted)"
    );
    h.keys(&["r", "<Tab>"]);
    h.settle().await;
    assert_eq!(page(&h).tab, HistoryTab::Saved);
    let mut screen = h.render(100, 8);
    // Relative time of the save depends on the clock; pin it.
    screen = screen.replace(
        &super::rows::ago(
            page(&h).now_ms.unwrap(),
            page(&h).saved[0].request.saved_at_ms,
        ),
        "(when)",
    );
    insta::assert_snapshot!("history_saved", screen);
    h.keys(&["<Enter>"]);
    let c = h.app.top_as::<ComposePage>().expect("composer");
    assert_eq!(c.draft().method, "PUT");
    assert_eq!(c.draft().path_params, d.path_params);
}

use crate::ui::page::Page as _;

#[tokio::test]
async fn enter_reopens_and_says_which_secrets_to_reenter() {
    let (_tmp, mut h) = setup("http://127.0.0.1:9").await;
    h.keys(&["j", "<Enter>"]);
    let c = h.app.top_as::<ComposePage>().expect("composer");
    assert_eq!(c.method, "POST");
    assert_eq!(c.body.bytes(), br#"{"item":"widget"}"#);
    assert_eq!(c.tab, Tab::Auth);
    let screen = h.render(110, 16);
    assert!(
        screen.contains("re-enter auth token before sending"),
        "{screen}"
    );
    // Sending the placeholder is refused.
    h.keys(&["<C-s>"]);
    let c = h.app.top_as::<ComposePage>().unwrap();
    assert!(c.sending.is_none());
    assert!(
        h.app
            .shared
            .status
            .error
            .as_deref()
            .unwrap_or("")
            .contains("re-enter auth token")
    );
    // `s` on that entry opens the composer too, without sending.
    h.keys(&["<Esc>"]);
    h.keys(&["s"]);
    assert!(h.app.top_as::<ComposePage>().is_some());
    assert!(h.app.shared.status.running.is_empty(), "nothing was sent");
}

#[tokio::test]
async fn d_deletes_the_entry_from_the_file() {
    let (tmp, mut h) = setup("http://127.0.0.1:9").await;
    assert_eq!(page(&h).entries.len(), 3);
    let gone = page(&h).entries[0].id.clone();
    // One `d` only asks; moving away forgets the question.
    h.keys(&["d"]);
    assert!(
        h.render(100, 12)
            .contains("press d again to delete GET /slow")
    );
    h.keys(&["j", "k", "d"]);
    assert_eq!(page(&h).entries.len(), 3, "one d never deletes");
    h.keys(&["d"]);
    h.settle().await;
    assert_eq!(page(&h).entries.len(), 2);
    let on_disk = History::open_in(&tmp.path().join("history"), KEY).unwrap();
    assert!(on_disk.get(&gone).is_none());
    assert_eq!(on_disk.entries().len(), 2);
    let screen = h.render(100, 12);
    assert!(screen.contains("deleted GET /slow"), "{screen}");
}

async fn server() -> String {
    let app = axum::Router::new().route(
        "/{*rest}",
        axum::routing::any(|uri: axum::http::Uri| async move {
            (
                [("apigw-requestid", "again=")],
                format!("you asked for {uri}"),
            )
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn s_sends_again_and_shows_the_composer_under_the_response() {
    let base = server().await;
    let (_tmp, mut h) = setup(&base).await;
    let depth = h.app.depth();
    // The first row is GET /slow; the last one is GET /orders?status=open.
    h.keys(&["G", "s"]);
    assert!(page(&h).sending.is_some());
    h.settle().await;
    let resp = h.app.top_as::<ResponsePage>().expect("the response");
    assert_eq!(resp.response.status, 200);
    assert_eq!(
        String::from_utf8_lossy(&resp.response.body),
        "you asked for /orders?status=open"
    );
    assert_eq!(h.app.depth(), depth + 2, "composer, then the response");
    // `e` on the response goes back to the composer with that request.
    h.keys(&["e"]);
    let c = h.app.top_as::<ComposePage>().expect("composer");
    assert_eq!(c.draft().query, vec![Field::new("status", "open")]);
}

#[tokio::test]
async fn save_command_needs_a_request_on_screen() {
    let mut h = harness(fake_backend(FakeControl::default()));
    h.app.run_command("save x");
    let e = h.app.shared.status.error.clone().unwrap_or_default();
    assert!(e.contains("nothing to save here"), "{e}");
    // In the history, `:save` takes the selected row (checked in the dir
    // through `save_draft`: the command itself writes under GATESCOPE_HOME).
    let (_tmp, h) = setup("http://127.0.0.1:9").await;
    let draft = page(&h).request_draft().unwrap();
    assert_eq!(draft.path, "/slow");
    let tmp = tempfile::tempdir().unwrap();
    let mut jwt = draft.clone();
    jwt.auth = AuthMode::Jwt {
        token: "aaaa.bbbb.cccc".into(),
    };
    let store = store_in(tmp.path());
    save(store.as_ref(), "mine", &jwt).unwrap();
    let text = std::fs::read_to_string(tmp.path().join("collections/default.json")).unwrap();
    assert!(!text.contains("aaaa.bbbb.cccc"), "{text}");
    assert!(save(store.as_ref(), "  ", &jwt).is_err());
    assert!(save(store.as_ref(), "c/", &jwt).is_err());
}

/// A server that answers with the size of the body it got.
async fn size_server() -> String {
    let app = axum::Router::new().route(
        "/{*rest}",
        axum::routing::any(|body: axum::body::Bytes| async move { format!("{}", body.len()) }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn a_body_stored_cut_is_never_resent_without_a_second_key() {
    use crate::store::history::BODY_CAP;
    let base = size_server().await;
    let tmp = tempfile::tempdir().unwrap();
    let mut big = draft(&base, "POST", "/upload");
    big.body = vec![b'x'; BODY_CAP + 10_000];
    let key = History::key_for(&big);
    record(&tmp.path().join("history"), &key, &big, status(200, 5.0));
    let mut h = harness(fake_backend(FakeControl::default()));
    let mut history = HistoryPage::new(&key, &key, store_in(tmp.path()));
    history.record_history = false;
    h.app.apply(None, vec![history.open()]);
    h.settle().await;
    assert_eq!(
        page(&h).entries[0].body_truncated_from,
        Some((BODY_CAP + 10_000) as u64)
    );

    // `s` warns and sends nothing; a second `s` sends the stored part.
    h.keys(&["s"]);
    assert!(page(&h).sending.is_none(), "nothing was sent");
    let e = h.app.shared.status.error.clone().unwrap_or_default();
    assert!(
        e.contains("the history kept only the first 256.0 KB of this 265.8 KB body")
            && e.contains("press s again"),
        "{e}"
    );
    // Moving away forgets the question.
    h.keys(&["j", "s"]);
    assert!(page(&h).sending.is_none(), "one s never sends a cut body");
    h.keys(&["s"]);
    assert!(page(&h).sending.is_some());
    h.settle().await;
    let resp = h.app.top_as::<ResponsePage>().expect("the response");
    assert_eq!(
        String::from_utf8_lossy(&resp.response.body),
        BODY_CAP.to_string()
    );

    // Re-opened in the composer, the first send warns too.
    h.keys(&["<Esc>", "<Esc>"]);
    assert!(h.app.top_as::<HistoryPage>().is_some());
    h.keys(&["<Enter>"]);
    let screen = h.render(120, 16);
    assert!(
        screen.contains("the history kept only the first"),
        "{screen}"
    );
    h.keys(&["<C-s>"]);
    assert!(h.app.top_as::<ComposePage>().unwrap().sending.is_none());
    let e = h.app.shared.status.error.clone().unwrap_or_default();
    assert!(e.contains("send again to send it anyway"), "{e}");
    h.keys(&["<C-s>"]);
    assert!(h.app.top_as::<ComposePage>().unwrap().sending.is_some());
    h.settle().await;
    assert!(h.app.top_as::<ResponsePage>().is_some());
}

#[tokio::test]
async fn history_and_save_commands_reach_the_store_in_tasks() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = harness(fake_backend(FakeControl::default()));
    h.app.shared.store = store_in(tmp.path());
    // Nothing sent yet: the task says so.
    h.app.run_command("history");
    h.settle().await;
    let e = h.app.shared.status.error.clone().unwrap_or_default();
    assert!(e.contains("nothing has been sent yet"), "{e}");
    let d = draft("http://127.0.0.1:9", "GET", "/a");
    record(
        &tmp.path().join("history"),
        "127.0.0.1_9",
        &d,
        status(204, 1.0),
    );
    h.app.run_command("history");
    h.settle().await;
    let p = page(&h);
    assert_eq!(p.key, "127.0.0.1_9");
    assert_eq!(p.entries.len(), 1);
    // `:save` on the history row writes through the same store.
    h.app.run_command("save smoke/again");
    h.settle().await;
    let info = h.app.shared.status.info.clone().unwrap_or_default();
    assert_eq!(info, "saved `again` in collection smoke (secrets redacted)");
    assert!(tmp.path().join("collections/smoke.json").exists());
}
