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
