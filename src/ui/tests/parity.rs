//! Parity: for every demo scenario, `gatescope doctor API METHOD URL` (its
//! command path, in process) and the TUI's Doctor pane (the composer sends
//! the same draft, TestBackend) report the same finding codes in the same
//! order. Both go through `app::send` and `app::diagnose`; this test is what
//! keeps a front end from growing its own pipeline again.

use std::time::Duration;

use clap::Parser;

use crate::backends::Backend;
use crate::backends::demo::{self, Scenario};
use crate::cli::doctor;
use crate::ui::page::Effect;
use crate::ui::testing::{Harness, harness};
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::response::page::ResponsePage;

/// The command line as clap parses it.
#[derive(Parser)]
struct Cmd {
    #[command(flatten)]
    args: doctor::Args,
}

fn args(s: &Scenario) -> doctor::Args {
    let mut argv = vec![
        "doctor".to_string(),
        s.api_id.clone(),
        s.method.clone(),
        s.url.clone(),
    ];
    for (k, v) in &s.headers {
        argv.push("-H".into());
        argv.push(format!("{k}: {v}"));
    }
    if let Some(b) = &s.body {
        argv.push("-d".into());
        argv.push(b.clone());
    }
    argv.extend(["--wait".into(), "20s".into()]);
    Cmd::try_parse_from(argv).expect("doctor arguments").args
}

/// Send the scenario's request `n` times straight to the gateway (warm-up,
/// and the requests before the last of a throttling scenario).
async fn raw(s: &Scenario, n: u32) {
    let client = reqwest::Client::new();
    for _ in 0..n {
        let method = reqwest::Method::from_bytes(s.method.as_bytes()).expect("method");
        let mut req = client.request(method, &s.url);
        for (k, v) in &s.headers {
            req = req.header(k, v);
        }
        if let Some(b) = &s.body {
            req = req.body(b.clone());
        }
        req.send().await.expect("the demo gateway answers");
    }
}

async fn cli_codes(backend: &Backend, s: &Scenario) -> Vec<String> {
    let args = args(s);
    let api = doctor::load_api(backend, &s.api_id).await.expect("API");
    let stage = doctor::pick_stage(&api, None).expect("stage");
    let draft = doctor::request_draft(&args, &api, stage).expect("draft");
    let (report, _) =
        doctor::diagnose_draft(&draft, &args, backend, &api, backend.info.region.as_deref())
            .await
            .expect("doctor");
    report
        .findings
        .into_iter()
        .map(|f| f.code.to_string())
        .collect()
}

async fn tui_codes(h: &mut Harness, backend: &Backend, s: &Scenario) -> Vec<String> {
    let api = doctor::load_api(backend, &s.api_id).await.expect("API");
    let stage = doctor::pick_stage(&api, None).expect("stage");
    let draft = doctor::request_draft(&args(s), &api, stage).expect("draft");
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
    page.doctor
        .findings
        .iter()
        .map(|f| f.code.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_and_tui_report_the_same_codes_for_every_demo_scenario() {
    let (backend, gw) = demo::start(None).await.expect("demo gateway");
    let mut h = harness(backend.clone());
    h.start().await;
    for id in ["demohttp01", "demorest01"] {
        h.app
            .apply(None, vec![Effect::Push(Box::new(ApiDetailPage::new(id)))]);
        h.pump_until(Duration::from_secs(15), |app| {
            app.shared
                .inventory
                .api(id)
                .is_some_and(|a| a.details_loaded)
        })
        .await;
    }
    let scenarios = gw.scenarios().to_vec();
    assert!(scenarios.len() >= 20, "the demo ships its scenarios");
    // Warm every function: a cold start is a finding only the first
    // request of a function gets.
    for s in &scenarios {
        raw(s, 1).await;
    }
    let mut differ = Vec::new();
    let mut diagnosed = 0;
    for s in &scenarios {
        raw(s, s.repeat - 1).await;
        let cli = cli_codes(&backend, s).await;
        raw(s, s.repeat - 1).await;
        let tui = tui_codes(&mut h, &backend, s).await;
        if s.name == "jwt-expired" {
            // The composer's token reaches the doctor (it once saw the
            // request before auth and reported JWT_MISSING).
            assert!(!tui.iter().any(|c| c == "JWT_MISSING"), "{tui:?}");
        }
        diagnosed += usize::from(!cli.is_empty());
        if cli != tui {
            differ.push(format!("{}: cli {cli:?} tui {tui:?}", s.name));
        }
    }
    assert!(differ.is_empty(), "{}", differ.join("\n"));
    assert!(
        diagnosed >= scenarios.len() / 2,
        "most scenarios have findings"
    );
}
