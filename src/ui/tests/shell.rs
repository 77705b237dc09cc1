//! The shell: navigation, prompt, help, status line, quitting.

use super::fixtures;
use crate::ui::action::Action;
use crate::ui::testing::{FakeControl, fake_backend, harness};
use crate::ui::views::api_list::ApiListPage;

#[tokio::test]
async fn api_list_shows_every_api_with_flags() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    assert_eq!(h.app.shared.inventory.apis.len(), 3);
    assert!(h.app.shared.inventory.apis.iter().all(|a| a.details_loaded));
    insta::assert_snapshot!(h.render(110, 10));
}

#[tokio::test]
async fn filter_narrows_the_list_and_esc_clears_it() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&["/"]);
    h.type_text("pay");
    let page = h.app.top_as::<ApiListPage>().unwrap();
    assert_eq!(page.list.visible().len(), 1);
    insta::assert_snapshot!(h.render(110, 10));
    h.keys(&["<Enter>"]);
    assert!(h.app.prompt.is_none());
    assert_eq!(h.app.top().filter(), "pay");
    h.keys(&["<Esc>"]);
    assert_eq!(h.app.top().filter(), "");
    assert_eq!(
        h.app.top_as::<ApiListPage>().unwrap().list.visible().len(),
        3
    );
}

#[tokio::test]
async fn unknown_command_is_a_one_line_error() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&[":"]);
    h.type_text("bogus");
    let screen = h.render(110, 10);
    assert!(screen.contains(":bogus"), "{screen}");
    h.keys(&["<Enter>"]);
    assert!(
        h.app
            .shared
            .status
            .error
            .as_deref()
            .unwrap()
            .contains("unknown command `:bogus`")
    );
    insta::assert_snapshot!(h.render(110, 10));
}

#[tokio::test]
async fn help_lists_keys_from_the_keymap_and_commands() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&["?"]);
    let screen = h.render(100, 40);
    assert!(screen.contains("Fuzzy filter the list"), "{screen}");
    assert!(screen.contains(":region <region>"), "{screen}");
    insta::assert_snapshot!(screen);
    h.keys(&["<Esc>"]);
    assert!(h.app.help.is_none());
}

#[tokio::test]
async fn q_quits_at_the_top_and_ctrl_c_always() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&["q"]);
    assert!(h.app.quit);
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&[":"]);
    h.keys(&["<C-c>"]);
    assert!(h.app.quit);
    let mut h = harness(fake_backend(fixtures::control()));
    h.update(Action::Command("q".into()));
    assert!(h.app.quit);
}

#[tokio::test]
async fn listing_failure_shows_the_error_in_list_and_status() {
    let control = FakeControl {
        fail_list: Some("The SSO session has expired".into()),
        ..Default::default()
    };
    let mut h = harness(fake_backend(control));
    h.start().await;
    insta::assert_snapshot!(h.render(110, 8));
}

#[tokio::test]
async fn region_is_refused_in_the_demo() {
    let mut backend = fake_backend(fixtures::control());
    backend.info.demo = true;
    let mut h = harness(backend);
    h.start().await;
    h.update(Action::Command("region us-east-1".into()));
    assert!(
        h.app
            .shared
            .status
            .error
            .as_deref()
            .unwrap()
            .contains("demo")
    );
    let screen = h.render(110, 8);
    assert!(screen.contains("DEMO"), "{screen}");
}

#[tokio::test]
async fn prompt_keeps_every_key_and_edits_like_readline() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&[":"]);
    // Backspace on an empty prompt does nothing: the prompt stays open and
    // the letters typed next go into it, never to the page as commands.
    h.keys(&["<Backspace>", "<Backspace>"]);
    assert!(h.app.prompt.is_some());
    h.type_text("unmatched");
    assert_eq!(h.app.prompt.as_ref().unwrap().text(), "unmatched");
    assert_eq!(h.app.depth(), 1, "no letter acted as a command");
    h.keys(&["<C-w>"]);
    assert_eq!(h.app.prompt.as_ref().unwrap().text(), "");
    h.type_text("send GET x");
    h.keys(&["<C-a>"]);
    h.type_text("re");
    h.keys(&["<C-e>"]);
    h.type_text("y");
    assert_eq!(h.app.prompt.as_ref().unwrap().text(), "resend GET xy");
    h.keys(&["<C-u>"]);
    assert_eq!(h.app.prompt.as_ref().unwrap().text(), "");
    assert!(h.app.prompt.is_some());
    h.keys(&["<Esc>"]);
    assert!(h.app.prompt.is_none());
}

#[tokio::test]
async fn tab_completes_command_arguments() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&[":"]);
    h.type_text("regi");
    h.keys(&["<Tab>"]);
    h.type_text("eu-central-");
    h.keys(&["<Tab>"]);
    assert_eq!(h.app.prompt.as_ref().unwrap().text(), "region eu-central-");
    let listed = h.app.shared.status.info.clone().unwrap_or_default();
    assert!(listed.contains("eu-central-1  eu-central-2"), "{listed}");
    h.type_text("1");
    h.keys(&["<Tab>"]);
    assert_eq!(
        h.app.prompt.as_ref().unwrap().text(),
        "region eu-central-1 "
    );
}

#[tokio::test]
async fn status_messages_expire_and_errors_go_with_navigation() {
    use std::time::{Duration, Instant};
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.render(110, 10);
    h.keys(&[":"]);
    h.type_text("foo");
    h.keys(&["<Enter>"]);
    assert!(h.app.shared.status.error.is_some());
    let t0 = Instant::now();
    h.app.expire_status(t0);
    h.app.expire_status(t0 + Duration::from_secs(5));
    assert!(h.app.shared.status.error.is_some(), "errors stay ~8 s");
    h.app.expire_status(t0 + Duration::from_secs(9));
    assert!(h.app.shared.status.error.is_none());

    h.app.shared.status.info = Some("saved".into());
    h.app.expire_status(t0);
    h.app.expire_status(t0 + Duration::from_secs(5));
    assert!(h.app.shared.status.info.is_none(), "notes go after ~4 s");

    // An error is gone once the user navigates to another page.
    h.keys(&[":"]);
    h.type_text("foo");
    h.keys(&["<Enter>"]);
    assert!(h.app.shared.status.error.is_some());
    h.keys(&["<Enter>"]);
    assert_eq!(h.app.depth(), 2);
    assert!(h.app.shared.status.error.is_none());
}

#[tokio::test]
async fn long_errors_wrap_instead_of_being_cut() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.app.shared.status.error = Some(format!(
        "sending failed: error sending request: client error (Connect): {} the end",
        "tcp connect error ".repeat(4)
    ));
    let screen = h.render(80, 12);
    assert!(screen.contains("the end"), "{screen}");
}

#[tokio::test]
async fn help_scrolls_within_its_content_and_g_keys_do_not_close_it() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&["?", "G"]);
    assert!(h.app.help.is_some(), "G scrolls, it does not close help");
    let bottom = h.render(60, 20);
    let scroll = h.app.help.unwrap();
    assert!(
        scroll > 0 && scroll < 200,
        "clamped to the content: {scroll}"
    );
    assert!(bottom.contains(":save"), "{bottom}");
    h.keys(&["j", "j"]);
    h.render(60, 20);
    assert_eq!(h.app.help, Some(scroll), "no scrolling into blank space");
    h.keys(&["g"]);
    assert_eq!(h.app.help, Some(0));
    h.keys(&["<Esc>"]);
    assert!(h.app.help.is_none());
}

#[tokio::test]
async fn a_long_breadcrumb_elides_from_the_left() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.render(60, 10);
    h.keys(&["<Enter>"]);
    h.render(60, 10);
    h.keys(&[":"]);
    h.type_text("send");
    h.keys(&["<Enter>"]);
    let screen = h.render(34, 10);
    let top = screen.lines().next().unwrap();
    assert!(top.contains("…") && top.contains("send"), "{top}");
    assert!(!top.contains("APIs"), "{top}");
}

#[tokio::test]
async fn a_message_too_long_for_three_rows_points_to_messages_which_keeps_it_whole() {
    use std::time::{Duration, Instant};
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    let long = format!(
        "sending failed: {} the very end",
        "client error (Connect): tcp connect error: Connection refused (os error 111); ".repeat(5)
    );
    h.app.shared.status.error = Some(long.clone());
    let screen = h.render(80, 14);
    assert!(screen.contains("(:messages shows it in full)"), "{screen}");
    assert!(!screen.contains("the very end"), "{screen}");

    // It expires from the status line but stays in the log.
    h.keys(&["j"]);
    let t0 = Instant::now();
    h.app.expire_status(t0);
    h.app.expire_status(t0 + Duration::from_secs(9));
    assert!(h.app.shared.status.error.is_none());
    h.app.shared.status.info = Some("saved as orders/get-one".into());
    h.app.expire_status(Instant::now()); // what follows every event
    h.keys(&[":"]);
    h.type_text("messages");
    h.keys(&["<Enter>"]);
    let screen = h.render(80, 30);
    assert!(screen.contains("Messages (2, newest first)"), "{screen}");
    assert!(screen.contains("the very end"), "{screen}");
    let newest = screen
        .find("saved as orders/get-one")
        .expect("the note is listed");
    let older = screen
        .find("✗ sending failed")
        .expect("the error is listed");
    assert!(newest < older, "newest first:\n{screen}");
}
