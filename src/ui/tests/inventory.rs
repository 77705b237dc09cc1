//! Inventory views: drill in, tabs, route and stage detail, partial failures.

use super::fixtures;
use crate::ui::action::Action;
use crate::ui::testing::{FakeControl, fake_backend, harness};
use crate::ui::views::api_detail::{ApiDetailPage, Tab};
use crate::ui::views::api_list::ApiListPage;
use crate::ui::views::route_detail::RouteDetailPage;
use crate::ui::views::stage_detail::StageDetailPage;

const W: u16 = 120;
const H: u16 = 18;

async fn on_orders() -> crate::ui::testing::Harness {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.keys(&["<Enter>"]);
    assert!(
        h.app.top_as::<ApiDetailPage>().is_some(),
        "Enter opens the API"
    );
    h
}

#[tokio::test]
async fn api_detail_tabs() {
    let mut h = on_orders().await;
    assert_eq!(h.app.titles(), vec!["APIs", "orders-api"]);
    insta::assert_snapshot!("routes_tab", h.render(W, H));
    for (tab, name) in [
        (Tab::Integrations, "integrations_tab"),
        (Tab::Authorizers, "authorizers_tab"),
        (Tab::Stages, "stages_tab"),
        (Tab::Domains, "domains_tab"),
        (Tab::Cors, "cors_tab"),
    ] {
        h.keys(&["<Tab>"]);
        assert_eq!(h.app.top_as::<ApiDetailPage>().unwrap().tab, tab);
        insta::assert_snapshot!(name, h.render(W, H));
    }
    h.keys(&["<Tab>"]);
    assert_eq!(h.app.top_as::<ApiDetailPage>().unwrap().tab, Tab::Routes);
    h.keys(&["<S-Tab>"]);
    assert_eq!(h.app.top_as::<ApiDetailPage>().unwrap().tab, Tab::Cors);
}

#[tokio::test]
async fn route_detail_shows_target_auth_and_invoke_urls() {
    let mut h = on_orders().await;
    h.keys(&["j", "<Enter>"]);
    let page = h.app.top_as::<RouteDetailPage>().expect("route detail");
    assert_eq!(page.route_key, "GET /orders/{id}");
    let screen = h.render(W, 30);
    assert!(
        screen.contains("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev/orders/{id}"),
        "{screen}"
    );
    assert!(screen.contains("orders/read"), "{screen}");
    insta::assert_snapshot!(screen);
    // Esc goes back to the same tab and selection.
    h.keys(&["<Esc>"]);
    let detail = h.app.top_as::<ApiDetailPage>().unwrap();
    assert_eq!(detail.list().unwrap().selected(), Some(1));
}

#[tokio::test]
async fn route_without_integration_is_flagged() {
    let mut h = on_orders().await;
    h.keys(&["G", "<Enter>"]);
    let screen = h.render(W, 24);
    assert!(screen.contains("DELETE /orders/{id}"), "{screen}");
    assert!(screen.contains("no integration"), "{screen}");
}

#[tokio::test]
async fn stage_detail_pretty_prints_the_access_log_format() {
    let mut h = on_orders().await;
    h.update(Action::NextTab);
    h.update(Action::NextTab);
    h.update(Action::NextTab);
    h.keys(&["<Enter>"]);
    assert_eq!(
        h.app.top_as::<StageDetailPage>().unwrap().stage_name,
        "$default"
    );
    insta::assert_snapshot!(h.render(W, 30));
    // The dev stage has logging off.
    h.keys(&["<Esc>", "j", "<Enter>"]);
    let screen = h.render(W, 24);
    assert!(
        screen.contains("off: failed requests leave no access-log record"),
        "{screen}"
    );
}

#[tokio::test]
async fn filter_on_a_tab_then_drill_in() {
    let mut h = on_orders().await;
    h.keys(&["/"]);
    h.type_text("post");
    h.keys(&["<Enter>", "<Enter>"]);
    assert_eq!(
        h.app.top_as::<RouteDetailPage>().unwrap().route_key,
        "POST /orders"
    );
    h.keys(&["q"]);
    assert_eq!(
        h.app.top().filter(),
        "post",
        "the filter survives going back"
    );
    h.keys(&["<Esc>"]);
    assert_eq!(h.app.top().filter(), "");
    h.keys(&["<Esc>"]);
    assert!(h.app.top_as::<ApiListPage>().is_some());
    h.keys(&["q"]);
    assert!(h.app.quit);
}

#[tokio::test]
async fn partial_failure_is_shown_not_fatal() {
    let control = FakeControl {
        fail_details: vec!["p9q8r7s6t5".into()],
        ..fixtures::control()
    };
    let mut h = harness(fake_backend(control));
    h.start().await;
    let screen = h.render(W, 10);
    assert!(screen.contains("partial"), "{screen}");
    h.keys(&["j", "<Enter>"]);
    let screen = h.render(W, 12);
    assert!(
        screen.contains("details could not be loaded: connection reset"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[tokio::test]
async fn stale_inventory_is_marked() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h.app.shared.inventory.start_refresh();
    let screen = h.render(W, 8);
    assert!(screen.contains("cached — refreshing"), "{screen}");
}

#[tokio::test]
async fn mouse_clicks_select_rows_tabs_and_crumbs() {
    let mut h = on_orders().await;
    h.render(W, H);
    // Click the "Stages" tab label (find it on screen).
    let screen = h.render(W, H);
    let (row, line) = screen
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("Stages (2)"))
        .unwrap();
    let col = line.find("Stages").unwrap() as u16;
    h.update(Action::Click {
        column: col + 1,
        row: row as u16,
    });
    assert_eq!(h.app.top_as::<ApiDetailPage>().unwrap().tab, Tab::Stages);
    // Click the breadcrumb "APIs" pops back to the list.
    let col = screen.lines().next().unwrap().find("APIs").unwrap() as u16;
    h.app.handle_event(crate::ui::event::Event::Input(
        crossterm::event::Event::Mouse(crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: col,
            row: 0,
            modifiers: crossterm::event::KeyModifiers::NONE,
        }),
    ));
    assert!(h.app.top_as::<ApiListPage>().is_some());
    // Click the third data row of the API list, then scroll the wheel.
    h.render(W, H);
    h.update(Action::Click { column: 5, row: 5 });
    assert_eq!(
        h.app.top_as::<ApiListPage>().unwrap().list.selected(),
        Some(2)
    );
}
