//! Parity and the scenario matrix: for every demo scenario, `gatescope doctor API
//! METHOD URL` (its command path, in process) and the TUI's Doctor pane (the
//! composer sends the same draft, TestBackend) report the same finding codes in the
//! same order, and both answer what `assets/demo/scenarios.toml` says the doctor
//! must (`doctor`, `doctorAlso`): the expected code first ("none": no error or
//! warning), each fix the one registered for its code, and no unrelated error or
//! warning. Both go through `app::send` and `app::diagnose`; this test is what keeps
//! a front end from growing its own pipeline again.

use std::time::Duration;

use clap::Parser;

use crate::backends::Backend;
use crate::backends::demo::{self, Scenario};
use crate::cli::doctor;
use crate::domain::{Finding, Severity};
use crate::ui::page::Effect;
use crate::ui::testing::{Harness, harness};
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::logs::page::LogsPage;
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

async fn cli_findings(backend: &Backend, s: &Scenario) -> Vec<Finding> {
    let args = args(s);
    let api = doctor::load_api(backend, &s.api_id).await.expect("API");
    let stage = doctor::pick_stage(&api, None).expect("stage");
    let draft = doctor::request_draft(&args, &api, stage).expect("draft");
    let (report, _) =
        doctor::diagnose_draft(&draft, &args, backend, &api, backend.info.region.as_deref())
            .await
            .expect("doctor");
    report.findings
}

async fn tui_findings(h: &mut Harness, backend: &Backend, s: &Scenario) -> Vec<Finding> {
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
    page.doctor.findings.clone()
}

/// `L` on the response page: the findings the logs detail shows for the request's
/// own record once it arrived (what `LogsPage` renders in its Doctor section).
async fn logs_detail_findings(h: &mut Harness) -> Vec<Finding> {
    h.keys(&["L"]);
    h.pump_until(Duration::from_secs(30), |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.waiting_for.is_none() && p.selected_record().is_some())
    })
    .await;
    let page = h.app.top_as::<LogsPage>().expect("logs page");
    let (_, record) = page.selected_record().expect("the request's record");
    let diagnose = page
        .diagnose
        .as_ref()
        .expect("the logs page diagnoses records");
    diagnose(&record)
}

fn codes(f: &[Finding]) -> Vec<String> {
    f.iter().map(|f| f.code.to_string()).collect()
}

/// What is wrong with one front end's answer for a scenario, against its row of the
/// matrix; empty when it answers right.
fn matrix_row(s: &Scenario, findings: &[Finding]) -> Vec<String> {
    let mut wrong = Vec::new();
    let serious = |f: &&Finding| f.severity != Severity::Info;
    match (s.doctor, findings.first()) {
        (Some(want), Some(first)) if first.code == want => {}
        (Some(want), first) => wrong.push(format!(
            "primary {:?}, want {want}",
            first.map(|f| f.code.as_str())
        )),
        (None, _) => {
            if let Some(f) = findings.iter().find(serious) {
                wrong.push(format!(
                    "{} ({:?}) where none was expected",
                    f.code, f.severity
                ));
            }
        }
    }
    for f in findings {
        if let Some(fix) = f.fix.as_deref()
            && !f.code.is_registered_fix(fix)
        {
            wrong.push(format!("{}: fix is not its registered one: {fix}", f.code));
        }
    }
    for f in findings.iter().filter(serious) {
        if Some(f.code) != s.doctor && !s.doctor_also.contains(&f.code) {
            wrong.push(format!(
                "unrelated {} {:?}: {}",
                f.code, f.severity, f.title
            ));
        }
    }
    wrong
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
    let mut matrix = Vec::new();
    let mut scope_logs = Vec::new();
    let mut diagnosed = 0;
    for s in &scenarios {
        raw(s, s.repeat - 1).await;
        let cli_f = cli_findings(&backend, s).await;
        raw(s, s.repeat - 1).await;
        let tui_f = tui_findings(&mut h, &backend, s).await;
        for (front, found) in [("cli", &cli_f), ("tui", &tui_f)] {
            let wrong = matrix_row(s, found);
            if !wrong.is_empty() {
                matrix.push(format!("{} ({front}): {}", s.name, wrong.join("; ")));
            }
        }
        if s.name == "jwt-missing-scope" {
            scope_logs = logs_detail_findings(&mut h).await;
        }
        let (cli, tui) = (codes(&cli_f), codes(&tui_f));
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
        matrix.is_empty(),
        "{} matrix row(s) wrong:\n{}",
        matrix.len(),
        matrix.join("\n")
    );
    // Issue 12 case 1: the logs detail of the missing-scope request repeats the scope
    // fix (it once carried the signature fix) and no JWT_MISSING.
    let codes_in_logs = codes(&scope_logs);
    assert_eq!(
        codes_in_logs.first().map(String::as_str),
        Some("JWT_SCOPE_MISSING"),
        "{scope_logs:#?}"
    );
    assert!(
        !codes_in_logs.iter().any(|c| c == "JWT_MISSING"),
        "{codes_in_logs:?}"
    );
    let fix = scope_logs[0].fix.as_deref().unwrap_or_default();
    assert!(scope_logs[0].code.is_registered_fix(fix), "{fix}");
    assert!(fix.contains("scope"), "{fix}");
    assert!(
        diagnosed >= scenarios.len() / 2,
        "most scenarios have findings"
    );
}
