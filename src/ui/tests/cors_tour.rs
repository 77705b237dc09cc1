//! The README tour's CORS step in the TUI (issue 12, cases 2 and 3): the composer sends
//! `GET /widgets` with `Origin: https://dashboard.example.org` to the demo HTTP API; once
//! the request's logs arrive the Doctor pane names the function's replaced CORS headers,
//! and the CORS probe (`o`) evaluates that same origin and says where it came from.

use std::time::Duration;

use clap::Parser;

use crate::backends::demo;
use crate::cli::doctor;
use crate::ui::page::Effect;
use crate::ui::testing::harness;
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::response::page::ResponsePage;

#[derive(Parser)]
struct Cmd {
    #[command(flatten)]
    args: doctor::Args,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_doctor_and_the_probe_evaluate_the_origin_the_user_set() {
    let (backend, _gw) = demo::start(None).await.expect("demo gateway");
    let mut h = harness(backend.clone());
    h.start().await;
    h.app.apply(
        None,
        vec![Effect::Push(Box::new(ApiDetailPage::new("demohttp01")))],
    );
    h.pump_until(Duration::from_secs(15), |app| {
        app.shared
            .inventory
            .api("demohttp01")
            .is_some_and(|a| a.details_loaded)
    })
    .await;
    let args = Cmd::try_parse_from([
        "doctor",
        "demohttp01",
        "GET",
        "/prod/widgets",
        "-H",
        "Origin: https://dashboard.example.org",
    ])
    .expect("arguments")
    .args;
    let api = doctor::load_api(&backend, "demohttp01").await.expect("API");
    let stage = doctor::pick_stage(&api, None).expect("stage");
    let draft = doctor::request_draft(&args, &api, stage).expect("draft");
    let mut composer = ComposePage::from_draft(&draft);
    composer.record_history = false;
    h.app.apply(None, vec![Effect::Root(Box::new(composer))]);
    h.keys(&["<C-s>"]);
    h.pump_until(Duration::from_secs(60), |app| {
        app.top_as::<ResponsePage>()
            .is_some_and(|p| !p.logs.is_active())
    })
    .await;
    let page = h.app.top_as::<ResponsePage>().expect("response page");
    let codes: Vec<&str> = page
        .doctor
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(codes[0], "CORS_BACKEND_HEADERS_IGNORED", "{codes:?}");
    assert!(!codes.contains(&"CORS_ORIGIN_NOT_ALLOWED"), "{codes:?}");

    h.keys(&["o"]);
    h.pump_until(Duration::from_secs(30), |app| {
        app.top_as::<ResponsePage>()
            .is_some_and(|p| p.cors.is_some())
    })
    .await;
    let page = h.app.top_as::<ResponsePage>().expect("response page");
    let probe = page.cors.as_ref().expect("probe verdict");
    assert!(!probe.allowed);
    assert_eq!(
        probe.reasons[0],
        "origin https://dashboard.example.org (the request's Origin header)"
    );
    assert!(
        probe
            .findings
            .iter()
            .all(|f| f.title.contains("https://dashboard.example.org")
                || !f.title.contains("origin ")),
        "{:?}",
        probe.findings
    );
    // The probe agrees with the doctor and adds no second explanation.
    let codes: Vec<&str> = page
        .doctor
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(codes[0], "CORS_BACKEND_HEADERS_IGNORED", "{codes:?}");
    assert!(!codes.contains(&"CORS_ORIGIN_NOT_ALLOWED"), "{codes:?}");
    let screen = h.render(260, 50);
    assert!(
        screen.contains("origin https://dashboard.example.org (the request's Origin header)"),
        "{screen}"
    );
}
