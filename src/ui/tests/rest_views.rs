//! The REST views (issue 18): the API page's Authorizers, Usage plans,
//! Resource policy, Gateway responses and Domains tabs, the detail page of
//! each row, and the composer's Authorizer tab and URL choice; each at
//! 160x45 and 80x24. Every snapshot was reviewed by reading it.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;

use super::rest_fixtures::{self, API_ID};
use crate::engines::event_build::Seed;
use crate::ui::testing::{Harness, fake_backend, harness};
use crate::ui::theme::Theme;
use crate::ui::views::api_detail::{ApiDetailPage, Tab};
use crate::ui::views::authorizer_detail::AuthorizerDetailPage;
use crate::ui::views::compose::page::{ComposePage, Tab as ComposeTab};
use crate::ui::views::rest_detail::{RestDetailPage, Subject};

const SIZES: [(u16, u16); 2] = [(160, 45), (80, 24)];
const SEED: Seed = Seed {
    now_ms: 1_764_892_800_000,
    random: [0x5a; 48],
};

async fn on_api() -> Harness {
    let mut h = harness(fake_backend(rest_fixtures::control()));
    h.start().await;
    h.keys(&["<Enter>"]);
    assert!(h.app.top_as::<ApiDetailPage>().is_some());
    h
}

fn go_to(h: &mut Harness, tab: Tab) {
    for _ in 0..Tab::ALL.len() {
        if h.app.top_as::<ApiDetailPage>().unwrap().tab == tab {
            return;
        }
        h.keys(&["<Tab>"]);
    }
    panic!("no tab {tab:?}");
}

/// Snapshot the screen at both sizes after checking each fits, the wide
/// one holds `texts` and the narrow one those it has room for (`narrow`).
fn snap(h: &mut Harness, name: &str, texts: &[&str], narrow: &[&str]) {
    for (w, ht) in SIZES {
        let screen = h.render(w, ht);
        for line in screen.lines() {
            assert!(line.chars().count() <= w as usize, "wider than {w}: {line}");
        }
        let expected = if w == SIZES[0].0 { texts } else { narrow };
        for t in expected {
            assert!(screen.contains(t), "{name} {w}x{ht} lacks {t:?}:\n{screen}");
        }
        insta::assert_snapshot!(format!("{name}_{w}x{ht}"), screen);
    }
}

#[tokio::test]
async fn rest_api_has_the_rest_tabs_and_http_apis_do_not() {
    let mut h = on_api().await;
    let mut seen = vec![h.app.top_as::<ApiDetailPage>().unwrap().tab];
    for _ in 0..8 {
        h.keys(&["<Tab>"]);
        seen.push(h.app.top_as::<ApiDetailPage>().unwrap().tab);
    }
    assert_eq!(seen, Tab::ALL.to_vec());
    h.keys(&["<Tab>"]);
    assert_eq!(h.app.top_as::<ApiDetailPage>().unwrap().tab, Tab::Routes);
    assert_eq!(
        Tab::for_protocol(crate::domain::Protocol::Http),
        vec![
            Tab::Routes,
            Tab::Integrations,
            Tab::Authorizers,
            Tab::Stages,
            Tab::Domains,
            Tab::Cors
        ]
    );
    // All nine labels fit 160 columns in full; 80 columns get short ones.
    let wide = h.render(160, 45);
    assert!(wide.contains("Gateway responses (3)"), "{wide}");
    let narrow = h.render(80, 24);
    assert!(narrow.contains("GwResp"), "{narrow}");
}

#[tokio::test]
async fn authorizers_tab_and_the_token_authorizer_detail() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::Authorizers);
    snap(
        &mut h,
        "rest_authorizers_tab",
        &[
            "users-token",
            "tenant-request",
            "REQUEST",
            "300 s",
            "2: GET /me, GET /me/orders",
        ],
        &["users-token", "tenant-request"],
    );
    h.keys(&["<Enter>"]);
    let page = h.app.top_as_mut::<AuthorizerDetailPage>().expect("detail");
    assert_eq!(page.authorizer_id, "tok01");
    page.seed = SEED;
    // The route's plain request has no Authorization header: a 401
    // without invocation, said in words.
    snap(
        &mut h,
        "rest_authorizer_detail_missing_token",
        &["users-token", "TOKEN", "300 s", "GET /me/orders", "401"],
        &["users-token", "TOKEN", "300 s", "GET /me/orders"],
    );
    let wide = h.render(160, 45);
    assert!(
        wide.contains("A missing identity source is a 401 without invocation"),
        "{wide}"
    );
    // n builds the event for the next route it guards.
    h.keys(&["n"]);
    assert_eq!(
        h.app.top_as::<AuthorizerDetailPage>().unwrap().route,
        1,
        "n moves to the second route"
    );
    let screen = h.render(160, 45);
    assert!(
        screen.contains("Authorizer event for GET /me/orders"),
        "{screen}"
    );
    h.keys(&["N", "N"]);
    assert_eq!(h.app.top_as::<AuthorizerDetailPage>().unwrap().route, 1);
}

#[tokio::test]
async fn the_detail_uses_the_composer_draft_and_builds_the_request_event() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::Authorizers);
    // The REQUEST authorizer, on GET /reports.
    h.keys(&["j", "<Enter>"]);
    h.app.top_as_mut::<AuthorizerDetailPage>().unwrap().seed = SEED;
    let screen = h.render(160, 45);
    assert!(screen.contains("tenant-request"), "{screen}");
    assert!(
        screen.contains("method.request.header.x-tenant is missing"),
        "{screen}"
    );
    assert!(screen.contains("0 s: not cached"), "{screen}");
    // `s` composes the route's request; a header and a query value later
    // the event is built, and the detail page uses that draft.
    h.keys(&["s"]);
    assert!(
        h.app.top_as::<ComposePage>().is_some(),
        "s opens the composer"
    );
    assert_eq!(
        h.app.top_as::<ComposePage>().unwrap().tab,
        ComposeTab::Query
    );
    h.keys(&["a"]);
    h.type_text("region");
    h.keys(&["<Enter>"]);
    h.type_text("eu");
    h.keys(&["<Enter>", "<Tab>", "a"]);
    h.type_text("x-tenant");
    h.keys(&["<Enter>"]);
    h.type_text("acme");
    h.keys(&["<Enter>"]);
    let page = h.app.top_as_mut::<ComposePage>().unwrap();
    page.authz_seed = SEED;
    // Headers, Body, Auth, then the Authorizer tab.
    h.keys(&["<Tab>", "<Tab>", "<Tab>"]);
    assert_eq!(
        h.app.top_as::<ComposePage>().unwrap().tab,
        ComposeTab::Authorizer
    );
    snap(
        &mut h,
        "rest_compose_request_event",
        &["methodArn", "REQUEST", "acme | eu"],
        &["methodArn", "REQUEST"],
    );
    let screen = h.render(160, 45);
    assert!(screen.contains("\"x-tenant\": \"acme\""), "{screen}");
    // The query string is further down: a taller window shows it.
    let screen = h.render(160, 100);
    assert!(screen.contains("\"region\": \"eu\""), "{screen}");
    // Back on the authorizer page (the draft is kept on leaving).
    h.keys(&["<Esc>"]);
    let screen = h.render(160, 45);
    assert!(screen.contains("your composer draft"), "{screen}");
    assert!(
        screen.contains("arn:aws:execute-api:eu-west-1:123456789012:r5t1u2v3w4/dev/GET/reports"),
        "{screen}"
    );
}

#[tokio::test]
async fn composer_targets_the_custom_domain_and_shows_the_token_event() {
    let mut h = on_api().await;
    h.keys(&[":"]);
    h.type_text("send");
    h.keys(&["<Enter>"]);
    let page = h
        .app
        .top_as_mut::<ComposePage>()
        .expect("composer on GET /me");
    assert_eq!(page.target.route_key.as_deref(), Some("GET /me"));
    page.authz_seed = SEED;
    // Authorization comes from the headers tab: Query, then Headers.
    h.keys(&["<Tab>", "a"]);
    h.type_text("Authorization");
    h.keys(&["<Enter>"]);
    h.type_text("Bearer allow-alice");
    h.keys(&["<Enter>"]);
    // u: the custom-domain URL of the stage; u again: back to execute-api.
    h.keys(&["u"]);
    assert_eq!(
        h.app.top_as::<ComposePage>().unwrap().base.text(),
        "https://api.example.com/v2"
    );
    h.keys(&["<Tab>", "<Tab>", "<Tab>"]);
    assert_eq!(
        h.app.top_as::<ComposePage>().unwrap().tab,
        ComposeTab::Authorizer
    );
    snap(
        &mut h,
        "rest_compose_token_event_via_domain",
        &[
            "https://api.example.com/v2/me",
            "allow-alice",
            "CACHED_POLICY_TOO_NARROW",
        ],
        &["https://api.example.com/v2/me", "allow-alice"],
    );
    let wide = h.render(160, 45);
    assert!(wide.contains("mapped by `v2`"), "{wide}");
    assert!(
        wide.contains(
            "\"methodArn\": \"arn:aws:execute-api:eu-west-1:123456789012:r5t1u2v3w4/dev/GET/me\""
        ),
        "{wide}"
    );
    h.keys(&["u"]);
    assert_eq!(
        h.app.top_as::<ComposePage>().unwrap().base.text(),
        format!("https://{API_ID}.execute-api.eu-west-1.amazonaws.com/dev")
    );
}

#[tokio::test]
async fn usage_plans_tab_and_plan_detail_show_limits_and_keys_by_name() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::UsagePlans);
    snap(
        &mut h,
        "rest_usage_plans_tab",
        &[
            "gold",
            "free",
            "1000 per MONTH",
            "key required on POST /orders",
            "old-key (disabled)",
        ],
        &["gold", "free", "1000 per MONTH", "key source HEADER"],
    );
    h.keys(&["<Enter>"]);
    let page = h.app.top_as::<RestDetailPage>().expect("plan detail");
    assert_eq!(page.subject, Subject::Plan("gold01".into()));
    snap(
        &mut h,
        "rest_usage_plan_detail",
        &["alice-key", "key1alice", "disabled", "/orders/POST"],
        &["10 rps / 5 burst", "/orders/POST"],
    );
    let wide = h.render(160, 45);
    assert!(wide.contains("Too Many Requests"), "{wide}");
    assert!(wide.contains("Limit Exceeded"), "{wide}");
    assert!(wide.contains("never fetches or shows key values"), "{wide}");
}

#[tokio::test]
async fn resource_policy_tab_names_each_statement() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::Policy);
    snap(
        &mut h,
        "rest_resource_policy_tab",
        &["statement 2 (Sid \"DenyOffice\")", "\"Effect\": \"Deny\""],
        &["statement 2 (Sid \"DenyOffice\")", "203.0.113.0/24"],
    );
    // A text tab scrolls; it has no filter.
    h.keys(&["j"]);
    assert!(!crate::ui::page::Page::filterable(
        h.app.top_as::<ApiDetailPage>().unwrap()
    ));
}

#[tokio::test]
async fn gateway_responses_tab_and_detail() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::Responses);
    snap(
        &mut h,
        "rest_gateway_responses_tab",
        &["ACCESS_DENIED", "customised", "DEFAULT_4XX", "default"],
        &["ACCESS_DENIED", "customised", "DEFAULT_4XX", "default"],
    );
    h.keys(&["<Enter>"]);
    snap(
        &mut h,
        "rest_gateway_response_detail",
        &[
            "ACCESS_DENIED",
            "Access-Control-Allow-Origin",
            "application/json",
        ],
        &[
            "ACCESS_DENIED",
            "Access-Control-Allow-Origin",
            "application/json",
        ],
    );
}

#[tokio::test]
async fn domains_tab_and_detail_show_the_mappings_and_urls() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::Domains);
    snap(
        &mut h,
        "rest_domains_tab",
        &["api.example.com", "/v2", "https://api.example.com/v2"],
        &["api.example.com", "/v2", "https://api.example.com/v2"],
    );
    h.keys(&["<Enter>"]);
    snap(
        &mut h,
        "rest_domain_detail",
        &["d-abc123", "/v2", "this API", "stage dev"],
        &["d-abc123", "/v2", "this API", "stage dev"],
    );
}

#[tokio::test]
async fn stage_and_route_detail_list_the_custom_domain_urls() {
    let mut h = on_api().await;
    go_to(&mut h, Tab::Stages);
    h.keys(&["<Enter>"]);
    let screen = h.render(160, 45);
    assert!(screen.contains("https://api.example.com/v2"), "{screen}");
    // Only this API's mappings are attached to it.
    assert!(!screen.contains("other9999"), "{screen}");
    h.keys(&["<Esc>"]);
    go_to(&mut h, Tab::Routes);
    h.keys(&["<Enter>"]);
    let screen = h.render(160, 45);
    assert!(screen.contains("https://api.example.com/v2/me"), "{screen}");
    // The authorizer's function by name, not the invocation URI around it.
    let function = screen
        .lines()
        .find(|l| l.contains("function "))
        .unwrap_or_default();
    assert!(function.contains("λ users-authorizer"), "{screen}");
}

/// Under NO_COLOR the theme has no colours: the active tab and the
/// selected row must still stand out (reversed video), and the route an
/// authorizer event is built for is marked with ▶.
#[tokio::test]
async fn focus_is_visible_without_colour() {
    let mut h = on_api().await;
    h.app.shared.theme = Theme::defaults().without_colour();
    go_to(&mut h, Tab::UsagePlans);
    let mut terminal = Terminal::new(TestBackend::new(160, 45)).unwrap();
    terminal.draw(|f| h.app.render(f)).unwrap();
    let buffer = terminal.backend().buffer().clone();
    let row_of = |text: &str| {
        (0..buffer.area.height)
            .find(|&y| {
                let line: String = (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect();
                line.contains(text)
            })
            .unwrap_or_else(|| panic!("{text} not on screen"))
    };
    let reversed_in_row = |y: u16, text: &str| {
        let line: String = (0..buffer.area.width)
            .map(|x| buffer[(x, y)].symbol())
            .collect();
        let x = line.find(text).unwrap() as u16;
        buffer[(x, y)].modifier.contains(Modifier::REVERSED)
    };
    let tabs = row_of("Usage plans (2)");
    assert!(reversed_in_row(tabs, "Usage plans (2)"), "active tab");
    assert!(!reversed_in_row(tabs, "Routes (5)"), "inactive tab");
    assert!(
        reversed_in_row(row_of("1000 per MONTH"), "gold"),
        "selected row"
    );
    assert!(!reversed_in_row(row_of("5 per DAY"), "free"), "other row");
    // The authorizer page marks the event's route by shape.
    go_to(&mut h, Tab::Authorizers);
    h.keys(&["<Enter>"]);
    let screen = h.render(160, 45);
    assert!(screen.contains("▶ GET /me"), "{screen}");
}
