//! The Doctor pane confirms its diagnosis with the request's logs, in the
//! running app on the demo backend: send the malformed-body request from the
//! composer, see the response-only finding while the logs are gathered, then
//! the log-confirmed one. Also: no logs within the wait, a stale run after a
//! resend, and copying a finding (pane and `:doctor` lint view).

use crate::domain::FindingCode;
use std::time::Duration;

use super::page::{CorsVerdict, Focus, ResponsePage};
use crate::app::diagnose::{ConfirmJob, Exchange, Progress};
use crate::backends::demo;
use crate::domain::{Certainty, Finding, HttpRequest, HttpResponse, Severity};
use crate::engines::compose;
use crate::ui::page::Effect;
use crate::ui::testing::{Harness, harness};
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::response::log_confirm::LogConfirm;

const API: &str = "demohttp01";
const WAIT: Duration = Duration::from_secs(15);

/// The demo app with `demohttp01`'s details loaded (stages, routes).
async fn demo_app() -> (Harness, crate::backends::Backend) {
    let (backend, gw) = demo::start(None).await.expect("demo gateway");
    // Warm the report function: a cold start would add a COLD_START finding
    // whose timings change from run to run (and the snapshot with them).
    let url = format!("{}/prod/report", gw.base_url(API).expect("demo API"));
    reqwest::get(&url).await.expect("demo gateway answers");
    let mut h = harness(backend.clone());
    h.start().await;
    h.app
        .apply(None, vec![Effect::Push(Box::new(ApiDetailPage::new(API)))]);
    h.pump_until(WAIT, |app| {
        app.shared
            .inventory
            .api(API)
            .is_some_and(|a| a.details_loaded)
    })
    .await;
    (h, backend)
}

fn pane_codes(h: &Harness) -> Vec<(String, Certainty)> {
    let p = h
        .app
        .top_as::<ResponsePage>()
        .expect("response page on top");
    p.doctor
        .findings
        .iter()
        .map(|f| (f.code.to_string(), f.certainty))
        .collect()
}

/// Mask what changes between runs (request ids, ports, times, seconds),
/// keeping each match's width so the borders stay where they were.
fn stable(screen: &str, id: &str) -> String {
    let mut s = screen.replace(id, &format!("{:<w$}", "<reqid>", w = id.len()));
    let masks = [
        (r"127\.0\.0\.1:\d+", "127.0.0.1:<port>"),
        (r"\(\d+s, up to", "(<n>s, up to"),
        (r"\d+(\.\d+)? ?ms\b", "<n> ms"),
        (r"\w{3}, \d{2} \w{3} \d{4} [0-9:]+ GMT", "<date>"),
    ];
    for (re, with) in masks {
        s = regex::Regex::new(re)
            .expect("mask")
            .replace_all(&s, |c: &regex::Captures| {
                format!("{with:<w$}", w = c[0].len())
            })
            .into_owned();
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_body_is_confirmed_by_the_logs() {
    let (mut h, _backend) = demo_app().await;
    let api = h.app.shared.inventory.api(API).unwrap().clone();
    let route = api.route("GET /report").expect("the body-object route");
    let draft = compose::draft_for_route(&api, route, api.stage("prod"));
    let mut composer = ComposePage::from_draft(&draft);
    composer.record_history = false;
    h.app.apply(None, vec![Effect::Push(Box::new(composer))]);
    h.keys(&["<C-s>"]);
    h.pump_until(WAIT, |app| app.top_as::<ResponsePage>().is_some())
        .await;

    // Before the logs: the response alone, and the search under way.
    let page = h.app.top_as::<ResponsePage>().unwrap();
    assert_eq!(page.response.status, 500);
    let id = page.response.request_id().expect("request id").to_string();
    assert!(page.logs.is_active(), "a log search runs");
    let before = pane_codes(&h);
    assert!(
        before
            .iter()
            .any(|(c, k)| c == "HTTP_API_INTERNAL_ERROR" && *k == Certainty::FromResponse),
        "{before:?}"
    );
    let screen = h.render(150, 30);
    assert!(
        screen.contains(&format!("gathering logs for {id}…")),
        "{screen}"
    );
    insta::assert_snapshot!("before_logs", stable(&screen, &id));

    // The demo writes the access record and Lambda lines as it answers.
    h.pump_until(WAIT, |app| {
        app.top_as::<ResponsePage>()
            .is_some_and(|p| p.logs.confirmed)
    })
    .await;
    let after = pane_codes(&h);
    assert!(
        after
            .iter()
            .any(|(c, k)| c == "MALFORMED_PROXY_RESPONSE" && *k == Certainty::ConfirmedByLogs),
        "{after:?}"
    );
    let screen = h.render(150, 30);
    assert!(screen.contains("confirmed by logs"), "{screen}");
    assert!(
        screen.contains(&format!("logs of {id}: 1 access record(s)")),
        "{screen}"
    );
    insta::assert_snapshot!("after_logs", stable(&screen, &id));

    // Closing the page cancels nothing visible, but must not panic or leak
    // a report onto the composer.
    h.keys(&["<Esc>"]);
    h.pump_for(Duration::from_millis(100)).await;
    assert!(h.app.top_as::<ComposePage>().is_some());
}

fn job(backend: &crate::backends::Backend, api: &crate::domain::Api, wait: Duration) -> ConfirmJob {
    let response = HttpResponse {
        status: 500,
        headers: vec![("apigw-requestid".into(), "Zz-no-such-request=".into())],
        body: br#"{"message":"Internal Server Error"}"#.to_vec(),
        ..Default::default()
    };
    let request = HttpRequest {
        method: "GET".into(),
        url: "http://127.0.0.1:9/prod/report".into(),
        ..Default::default()
    };
    let mut job = ConfirmJob::new(
        backend,
        Exchange {
            api: Some(api.clone()),
            stage: Some("prod".into()),
            route_key: Some("GET /report".into()),
            request,
            response,
            sent_ms: chrono::Utc::now().timestamp_millis(),
        },
    )
    .expect("the demo stage has access logging");
    job.wait = wait;
    job
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_logs_within_the_wait_keeps_the_response_findings() {
    let (mut h, backend) = demo_app().await;
    let api = h.app.shared.inventory.api(API).unwrap().clone();
    let job = job(&backend, &api, Duration::from_secs(1));
    let mut page = ResponsePage::new(
        Some(job.exchange.request.clone()),
        job.exchange.response.clone(),
    );
    let original = Finding::new(
        FindingCode::HttpApiInternalError,
        Certainty::FromResponse,
        "t",
    );
    page.doctor.set_findings(vec![original.clone()]);
    page.logs = LogConfirm::pending(job);
    let feed = page.start_log_confirm();
    assert_eq!(feed.len(), 1);
    h.app
        .apply(None, vec![Effect::PushWith(Box::new(page), feed)]);
    h.pump_until(WAIT, |app| {
        app.top_as::<ResponsePage>().is_some_and(|p| {
            p.doctor
                .banner
                .as_deref()
                .is_some_and(|b| b.starts_with("no logs arrived within 1 s"))
        })
    })
    .await;
    let page = h.app.top_as::<ResponsePage>().unwrap();
    assert_eq!(page.doctor.findings, vec![original]);
    assert!(!page.logs.is_active() && !page.logs.confirmed);
    let screen = h.render(150, 30);
    assert!(
        screen.contains("no logs arrived within 1 s for Zz-no-such-request="),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_run_never_reaches_a_resent_response() {
    let (h, backend) = demo_app().await;
    let api = h.app.shared.inventory.api(API).unwrap().clone();
    let mut page = ResponsePage::new(None, HttpResponse::default());
    page.logs = LogConfirm::pending(job(&backend, &api, Duration::from_secs(30)));
    let _feed = page.start_log_confirm();
    // A resend replaces the page (and its run): the old run's id is unknown.
    let mut resent = ResponsePage::new(None, HttpResponse::default());
    resent.logs = LogConfirm::pending(job(&backend, &api, Duration::from_secs(30)));
    let _feed2 = resent.start_log_confirm();
    drop(page);
    // A tick of the current run moves the clock in the banner.
    let run = resent.logs.run().expect("running");
    resent.apply_confirm(run, Progress::Waiting { elapsed_s: 3 });
    let banner = resent.doctor.banner.clone().unwrap();
    assert!(
        banner.starts_with("gathering logs for Zz-no-such-request=… (3s, up to 30s)"),
        "{banner}"
    );
    let before = resent.doctor.clone();
    let stale = Progress::Confirmed {
        findings: vec![Finding::new(
            FindingCode::FunctionError,
            Certainty::ConfirmedByLogs,
            "x",
        )],
        access: 1,
        lines: 1,
        notes: vec![],
    };
    // Run ids are handed out in order; the first page's was one less.
    let stale_run = resent.logs.run().expect("running") - 1;
    resent.apply_confirm(stale_run, stale);
    assert_eq!(resent.doctor, before);
    assert!(!resent.logs.confirmed);

    // The current run's report replaces the doctor's findings but keeps
    // what a CORS probe added meanwhile.
    let probe = Finding::new(FindingCode::CorsPreflightStatus, Certainty::Evaluated, "p");
    resent.cors = Some(CorsVerdict {
        preflight_status: Some(403),
        allowed: false,
        reasons: vec![],
        findings: vec![probe.clone()],
    });
    let run = resent.logs.run().unwrap();
    resent.apply_confirm(
        run,
        Progress::Confirmed {
            findings: vec![Finding::new(
                FindingCode::MalformedProxyResponse,
                Certainty::ConfirmedByLogs,
                "m",
            )],
            access: 1,
            lines: 4,
            notes: vec![],
        },
    );
    let codes: Vec<&str> = resent
        .doctor
        .findings
        .iter()
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(codes, ["MALFORMED_PROXY_RESPONSE", "CORS_PREFLIGHT_STATUS"]);
    assert!(resent.logs.confirmed && !resent.logs.is_active());
    assert!(
        resent
            .doctor
            .banner
            .as_deref()
            .unwrap()
            .contains("1 access record(s), 4 Lambda line(s)")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_api_with_access_logging_and_request_id_gets_a_job() {
    let (h, backend) = demo_app().await;
    let api = h.app.shared.inventory.api(API).unwrap().clone();
    let req = HttpRequest::default();
    let with_id = HttpResponse {
        headers: vec![("x-amzn-RequestId".into(), "abc".into())],
        ..Default::default()
    };
    let exchange =
        |api: Option<&crate::domain::Api>, stage: Option<&str>, resp: &HttpResponse| Exchange {
            api: api.cloned(),
            stage: stage.map(str::to_string),
            route_key: None,
            request: req.clone(),
            response: resp.clone(),
            sent_ms: 0,
        };
    let why = |api: Option<&crate::domain::Api>, stage: Option<&str>, resp: &HttpResponse| {
        ConfirmJob::new(&backend, exchange(api, stage, resp))
            .err()
            .unwrap_or_default()
    };
    assert!(why(None, Some("prod"), &with_id).contains("not in the inventory"));
    assert!(why(Some(&api), None, &with_id).contains("no known stage"));
    assert!(why(Some(&api), Some("prod"), &HttpResponse::default()).contains("x-amzn-RequestId"));
    let mut unlogged = api.clone();
    for s in &mut unlogged.stages {
        s.access_log_settings = None;
    }
    assert!(
        why(Some(&unlogged), Some("prod"), &with_id).contains("stage prod has no access logging")
    );
    let job = ConfirmJob::new(&backend, exchange(Some(&api), Some("prod"), &with_id))
        .expect("a job for a logged stage");
    assert_eq!(job.request_id(), "abc");
}

#[tokio::test]
async fn copy_keys_confirm_in_the_status_line() {
    let (mut h, _backend) = demo_app().await;
    // The response page's Doctor pane: Tab to it, y.
    let mut page = ResponsePage::new(None, HttpResponse::default());
    page.doctor.set_findings(vec![
        Finding::new(
            FindingCode::BodyNotString,
            Certainty::ConfirmedByLogs,
            "body is an object",
        )
        .severity(Severity::Error),
    ]);
    page.focus = Focus::Doctor;
    h.app.apply(None, vec![Effect::Push(Box::new(page))]);
    h.keys(&["y"]);
    let screen = h.render(150, 30);
    assert!(
        screen.contains("copied finding BODY_NOT_STRING"),
        "{screen}"
    );
    // The `:doctor` lint view: y copies the selected finding, Y all of them.
    h.keys(&["<Esc>", ":"]);
    h.type_text("doctor");
    h.keys(&["<Enter>"]);
    h.settle().await;
    h.keys(&["y"]);
    let screen = h.render(150, 30);
    assert!(screen.contains("copied the finding"), "{screen}");
    h.keys(&["Y"]);
    let screen = h.render(150, 30);
    assert!(screen.contains("copied all findings"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_guard_stops_the_search() {
    use futures::StreamExt;
    let (h, backend) = demo_app().await;
    let api = h.app.shared.inventory.api(API).unwrap().clone();
    // A request id that never shows up: the search would poll for 30 s.
    let (guard, reports) = job(&backend, &api, Duration::from_secs(30)).start();
    drop(guard);
    let got = tokio::time::timeout(Duration::from_secs(3), reports.collect::<Vec<_>>())
        .await
        .expect("the stream ends as soon as the page lets go");
    assert!(
        got.iter().all(|r| matches!(r, Progress::Waiting { .. })),
        "{got:?}"
    );
}
