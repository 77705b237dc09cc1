//! The logs page in the running app, on the demo backend: `:logs` opens it
//! and its feed tails the demo's in-memory CloudWatch Logs; requests sent to
//! the demo gateway over real HTTP show up as correlated records.

use std::sync::Arc;
use std::time::Duration;

use super::page::{Connection, LogsPage};
use crate::backends::demo::{self, DemoGateway};
use crate::domain::{
    AccessLogSettings, Api, DraftTarget, HttpResponse, Protocol, RequestDraft, Stage,
};
use crate::ui::action::Action;
use crate::ui::app::App;
use crate::ui::page::Effect;
use crate::ui::testing::{FakeControl, Harness, fake_backend, harness};
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::response::page::ResponsePage;
use crate::ui::views::route_detail::RouteDetailPage;
use crate::ui::views::stage_detail::StageDetailPage;

const API: &str = "demohttp01";
pub(super) const WAIT: Duration = Duration::from_secs(10);

pub(super) async fn demo_app() -> (Harness, Arc<DemoGateway>) {
    let (backend, gw) = demo::start(None).await.expect("demo gateway");
    let mut h = harness(backend);
    h.start().await;
    h.app
        .apply(None, vec![Effect::Push(Box::new(ApiDetailPage::new(API)))]);
    (h, gw)
}

fn page(h: &Harness) -> &LogsPage {
    h.app.top_as::<LogsPage>().expect("the logs page is on top")
}

fn records(app: &App) -> usize {
    app.top_as::<LogsPage>().map_or(0, |p| p.store.total())
}

/// Send a request through the demo gateway; returns its API Gateway request id.
pub(super) async fn send(gw: &DemoGateway, path: &str) -> (u16, String, HttpResponse) {
    let url = format!("{}/prod{path}", gw.base_url(API).expect("demo API"));
    let resp = reqwest::get(&url).await.expect("demo gateway answers");
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp.bytes().await.expect("body").to_vec();
    let http = HttpResponse {
        status,
        headers,
        body_size: body.len() as u64,
        body,
        ..Default::default()
    };
    let id = http.request_id().expect("apigw-requestid").to_string();
    (status, id, http)
}

/// Mask what changes from run to run (clock, latencies, ids, ports).
pub(super) fn stable(screen: &str, ids: &[&str]) -> String {
    let mut s = screen.to_string();
    for (i, id) in ids.iter().enumerate() {
        s = s.replace(id, &format!("<req{i}>"));
    }
    let masks = [
        (r"\d{2}:\d{2}:\d{2}\.\d{3}", "hh:mm:ss.mmm"),
        (r"\d{4}-\d{2}-\d{2}T[0-9:.]+Z", "<time>"),
        (r"\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} \+0000", "<time>"),
        (r"\b1\d{12}\b", "<epoch>"),
        (
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
            "<uuid>",
        ),
        (r"[0-9a-f]{8}-[0-9a-f-]{1,27}", "<uuid>"),
        (r"127\.0\.0\.1:\d+", "127.0.0.1:<port>"),
        (r"lag \d+\.\d s", "lag <lag>"),
        (r"\b\d+(\.\d+)? ?ms\b", "<n>ms"),
        (r"[A-Za-z0-9_-]{15}=", "<id>"),
    ];
    for (re, with) in masks {
        s = regex::Regex::new(re)
            .unwrap()
            .replace_all(&s, with)
            .into_owned();
    }
    // Masked values have other widths than the real ones: normalise the
    // padding around them.
    regex::Regex::new(" {2,}")
        .unwrap()
        .replace_all(&s, "  ")
        .into_owned()
}

#[tokio::test]
async fn logs_command_tails_the_demo_and_correlates_live() {
    let (mut h, gw) = demo_app().await;
    h.keys(&[":"]);
    h.type_text("logs prod");
    h.keys(&["<Enter>"]);
    assert_eq!(page(&h).title, "demo-orders-http (demohttp01) / prod");
    assert_eq!(h.app.titles().last().unwrap(), "logs prod");
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.tail.connection == Connection::LiveTail)
    })
    .await;

    let (s1, id1, _) = send(&gw, "/orders").await;
    let (s2, id2, _) = send(&gw, "/report").await;
    assert_eq!((s1, s2), (200, 500));
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>().is_some_and(|p| {
            [&id1, &id2].iter().all(|id| {
                p.store
                    .find_request_id(id)
                    .and_then(|seq| p.store.get(seq))
                    .is_some_and(|r| !r.unmatched() && r.to_record().report.is_some())
            })
        })
    })
    .await;
    let p = page(&h);
    assert_eq!(p.store.total(), 2);
    let rec = p
        .store
        .get(p.store.find_request_id(&id2).unwrap())
        .unwrap()
        .to_record();
    assert_eq!(rec.access.route_key.as_deref(), Some("GET /report"));
    assert_eq!(rec.access.status, Some(500));
    assert!(rec.event.is_some(), "the proxy event is shown");
    assert!(
        (0..p.store.total()).all(|i| p.store.view_get(i).is_some_and(|(_, r)| r.is_parsed())),
        "the demo's records are kept as their lines and parsed again when opened"
    );
    assert!(p.tail.groups.len() > 1, "access log and Lambda groups");
    // The newest record is selected: the 500, with the doctor's verdict.
    insta::assert_snapshot!(stable(&h.render(160, 40), &[&id1, &id2]));
}

#[tokio::test]
async fn rest_api_records_and_r_reconnects() {
    let (backend, gw) = demo::start(None).await.expect("demo gateway");
    let mut h = harness(backend);
    h.start().await;
    let rest = "demorest01";
    let api = h
        .app
        .shared
        .inventory
        .api(rest)
        .expect("the demo REST API")
        .clone();
    let stage = &api.stages[0].stage_name;
    h.app
        .apply(None, vec![Effect::Push(Box::new(ApiDetailPage::new(rest)))]);
    h.keys(&["L"]);
    assert_eq!(
        page(&h).selection.stage_name.as_deref(),
        Some(stage.as_str())
    );
    let url = format!("{}/{stage}/orders", gw.base_url(rest).unwrap());
    assert_eq!(reqwest::get(&url).await.unwrap().status(), 200);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.store.view_get(0).is_some_and(|(_, r)| !r.unmatched()))
    })
    .await;
    let old = page(&h).feed.as_ref().unwrap().liveness();
    h.keys(&["r"]);
    assert_eq!(records(&h.app), 0);
    // The old feed stops, the new one reads the same record again.
    h.pump_until(WAIT, |app| old.upgrade().is_none() && records(app) == 1)
        .await;
    let (_, rec) = page(&h).selected_record().unwrap();
    assert_eq!(rec.access.http_method.as_deref(), Some("GET"));
    assert!(rec.event.is_some());
}

#[tokio::test]
async fn l_on_a_route_opens_its_apis_logs() {
    let (mut h, _gw) = demo_app().await;
    h.app.apply(
        None,
        vec![Effect::Push(Box::new(RouteDetailPage::new(
            API,
            "GET /orders",
        )))],
    );
    h.keys(&["?"]);
    assert!(h.render(120, 30).contains("Logs of this route's API"));
    h.keys(&["<Esc>", "L"]);
    let p = page(&h);
    assert_eq!(p.selection.api_id.as_deref(), Some(API));
    assert_eq!(p.selection.stage_name.as_deref(), Some("prod"));
}

#[tokio::test]
async fn see_its_logs_selects_the_request_when_it_arrives() {
    let (mut h, gw) = demo_app().await;
    // An earlier request, then the one whose logs we want.
    send(&gw, "/orders").await;
    let (_, id, resp) = send(&gw, "/crash").await;
    send(&gw, "/orders").await;
    let mut response = ResponsePage::new(None, resp);
    response.draft = Some(RequestDraft {
        method: "GET".into(),
        target: DraftTarget {
            api_id: Some(API.into()),
            route_key: Some("GET /crash".into()),
            stage: Some("prod".into()),
            region: None,
            auth_label: None,
        },
        ..Default::default()
    });
    h.app.apply(None, vec![Effect::Push(Box::new(response))]);
    h.keys(&["L"]);
    let p = page(&h);
    assert_eq!(p.waiting_for.as_deref(), Some(id.as_str()));
    assert!(
        h.render(160, 12)
            .contains(&format!("waiting for request {id}…")),
        "the wait is visible"
    );
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.waiting_for.is_none() && p.store.total() == 3)
    })
    .await;
    let (_, rec) = page(&h).selected_record().expect("a record is selected");
    assert_eq!(rec.access.request_id.as_deref(), Some(id.as_str()));
    assert_eq!(rec.access.route_key.as_deref(), Some("GET /crash"));
    // Esc goes back to the response.
    h.keys(&["<Esc>"]);
    assert!(h.app.top_as::<ResponsePage>().is_some());
}

#[tokio::test]
async fn pause_holds_new_records_until_resume_and_esc_stops_the_tail() {
    let (mut h, gw) = demo_app().await;
    h.app.apply(
        None,
        vec![Effect::Push(Box::new(StageDetailPage::new(API, "prod")))],
    );
    h.keys(&["L"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.tail.connection == Connection::LiveTail)
    })
    .await;
    send(&gw, "/orders").await;
    h.pump_until(WAIT, |app| records(app) == 1).await;

    h.keys(&["p"]);
    assert!(page(&h).paused);
    send(&gw, "/orders").await;
    send(&gw, "/report").await;
    h.pump_for(Duration::from_millis(600)).await;
    assert_eq!(records(&h.app), 1, "nothing new while paused");
    assert!(h.render(120, 8).contains("‖ paused"));

    h.keys(&["p"]);
    h.pump_until(WAIT, |app| records(app) == 3).await;

    let alive = page(&h).feed.as_ref().unwrap().liveness();
    assert!(alive.upgrade().is_some());
    h.keys(&["<Esc>"]);
    assert!(h.app.top_as::<StageDetailPage>().is_some());
    h.pump_until(WAIT, |_| alive.upgrade().is_none()).await;
}

#[tokio::test]
async fn insights_results_replace_the_tail_until_resume() {
    let (mut h, gw) = demo_app().await;
    h.update(Action::Command("logs".into()));
    for path in ["/orders", "/report", "/orders"] {
        send(&gw, path).await;
    }
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.store.total() == 3 && p.targets.is_some())
    })
    .await;
    h.keys(&["i", "<F5>"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>().is_some_and(|p| p.showing_query)
    })
    .await;
    let p = page(&h);
    let progress = p.insights.progress.clone().unwrap();
    assert_eq!(progress.status, "Complete");
    assert_eq!(progress.records_matched, Some(3.0));
    assert!(progress.bytes_scanned.unwrap() > 0.0);
    assert_eq!(p.tail.connection, Connection::Query);
    assert_eq!(p.store.total(), 3);
    assert!(
        (0..3).all(|i| !p.store.view_get(i).unwrap().1.unmatched()),
        "query results are correlated with the Lambda lines too"
    );
    let screen = h.render(160, 30);
    assert!(screen.contains("matched 3"), "{screen}");
    // Back to the tail: Esc leaves the pane, p resumes (replaying the book).
    h.keys(&["<Esc>", "p"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| !p.showing_query && p.store.total() == 3 && !p.paused)
    })
    .await;
}

#[tokio::test]
async fn insights_cancel_stops_the_query() {
    let src = Arc::new({
        let mut s = crate::app::logs::MemoryLogSource::new();
        *s.query_script.get_mut().unwrap() =
            vec![crate::backends::log_source::QueryStatus::Running];
        s.create_group("/apigw/orders");
        s
    });
    let mut backend = fake_backend(control());
    backend.logs = src.clone();
    let mut h = harness(backend);
    h.start().await;
    // The list selects its first row once drawn.
    h.render(100, 10);
    h.update(Action::Command("logs prod".into()));
    assert_eq!(h.app.shared.status.error, None);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.targets.is_some())
    })
    .await;
    h.keys(&["i", "<F5>"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .and_then(|p| p.insights.progress.as_ref())
            .is_some_and(|p| p.status == "Running")
    })
    .await;
    assert!(page(&h).query.is_some());
    assert!(h.render(120, 24).contains("Running"));
    h.keys(&["<C-x>"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .and_then(|p| p.insights.progress.as_ref())
            .is_some_and(|p| p.status == "Cancelled")
    })
    .await;
    assert_eq!(src.calls("StopQuery"), 1);
    let p = page(&h);
    assert!(p.query.is_none());
    assert!(
        !p.showing_query,
        "a cancelled query leaves the tail's records"
    );
}

/// Two APIs: one whose only stage has no access log, one with two stages.
fn control() -> FakeControl {
    let stage = |name: &str, group: Option<&str>| Stage {
        stage_name: name.into(),
        access_log_settings: group.map(|g| AccessLogSettings {
            destination_arn: Some(format!("arn:aws:logs:eu-west-1:123456789012:log-group:{g}")),
            format: None,
        }),
        ..Default::default()
    };
    let api = |id: &str, name: &str, stages| Api {
        id: id.into(),
        name: name.into(),
        protocol: Some(Protocol::Http),
        stages,
        details_loaded: true,
        ..Default::default()
    };
    FakeControl {
        apis: vec![
            api(
                "a1",
                "orders",
                vec![stage("dev", None), stage("prod", Some("/apigw/orders"))],
            ),
            api("p1", "payments", vec![stage("prod", None)]),
        ],
        ..Default::default()
    }
}

#[tokio::test]
async fn logs_without_api_or_access_logging_is_a_one_line_error() {
    let mut h = harness(fake_backend(control()));
    h.start().await;
    // The payments API (second in the list) has one stage, without access logs.
    h.keys(&["j"]);
    h.update(Action::Command("logs".into()));
    let err = h.app.shared.status.error.clone().unwrap();
    assert!(
        err.starts_with("access logging is off for stage prod: enable it with this format"),
        "{err}"
    );
    assert!(err.contains("$context.integration.requestId"), "{err}");
    assert!(!err.contains('\n'));
    assert!(h.app.top_as::<LogsPage>().is_none());
    // A stage argument that is not a stage of an API with several stages.
    h.keys(&["k"]);
    h.update(Action::Command("logs prd".into()));
    let err = h.app.shared.status.error.clone().unwrap();
    assert!(err.contains("has no stage \"prd\""), "{err}");

    // No API at all: the list is empty.
    let mut h = harness(fake_backend(Default::default()));
    h.start().await;
    h.update(Action::Command("logs".into()));
    let err = h.app.shared.status.error.clone().unwrap();
    assert!(err.starts_with("no API selected"), "{err}");
    insta::assert_snapshot!(h.render(110, 6));
}

#[tokio::test]
async fn esc_clears_the_filter_first_and_stays_on_the_page() {
    let mut h = harness(fake_backend(control()));
    h.start().await;
    h.render(100, 10);
    h.update(Action::Command("logs prod".into()));
    assert!(h.app.top_as::<LogsPage>().is_some());
    let depth = h.app.depth();
    h.keys(&["/"]);
    h.type_text("error");
    h.keys(&["<Enter>"]);
    assert_eq!(h.app.top().filter(), "error");
    h.keys(&["<Esc>"]);
    assert_eq!(h.app.depth(), depth, "Esc cleared the filter, not the page");
    assert_eq!(h.app.top().filter(), "");
    h.keys(&["<Esc>"]);
    assert_eq!(h.app.depth(), depth - 1, "the next Esc leaves");
}
