//! The record detail's execution log on the demo: the demo REST API's
//! stage writes execution logs (INFO, full request/response data), so a
//! request's `(request-id) ...` lines are read when its record is selected
//! and shown as steps beside the access record, the Lambda lines and the
//! event. An HTTP API has no execution log: no section, no read.

use super::app_tests::{WAIT, stable};
use super::exec::ExecState;
use super::page::LogsPage;
use crate::backends::demo;
use crate::ui::page::Effect;
use crate::ui::testing::harness;
use crate::ui::views::api_detail::ApiDetailPage;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rest_records_detail_shows_its_execution_log_steps() {
    let (backend, gw) = demo::start(None).await.expect("demo gateway");
    let mut h = harness(backend);
    h.start().await;
    let rest = "demorest01";
    h.app
        .apply(None, vec![Effect::Push(Box::new(ApiDetailPage::new(rest)))]);
    h.pump_until(WAIT, |app| {
        app.shared
            .inventory
            .api(rest)
            .is_some_and(|a| a.details_loaded)
    })
    .await;
    h.keys(&["L"]);
    let page = h.app.top_as::<LogsPage>().expect("logs page");
    assert_eq!(
        page.exec_logs.group(),
        Some("API-Gateway-Execution-Logs_demorest01/dev")
    );
    let url = format!("{}/dev/orders/42", gw.base_url(rest).unwrap());
    let resp = reqwest::get(&url).await.unwrap();
    let id = resp.headers()["x-amzn-requestid"]
        .to_str()
        .unwrap()
        .to_string();
    let found = |app: &crate::ui::app::App| {
        app.top_as::<LogsPage>().is_some_and(|p| {
            matches!(p.exec_logs.state(&id), Some(ExecState::Found(t)) if t.summary.status.is_some())
        })
    };
    h.pump_until(WAIT, |app| found(app)).await;
    let page = h.app.top_as::<LogsPage>().unwrap();
    let Some(ExecState::Found(trace)) = page.exec_logs.state(&id) else {
        panic!("no execution log read for {id}");
    };
    assert_eq!(trace.summary.status, Some(resp.status().as_u16()));
    assert!(trace.summary.lambda_request_id.is_some(), "{trace:#?}");
    // The detail: Tab into it; the execution log sits after the doctor.
    h.keys(&["<Tab>"]);
    let wrapped = h.render(160, 60);
    assert!(wrapped.contains("Execution log ·"), "{wrapped}");
    // Cut, not wrapped, for the snapshot: a wrapped id would escape its mask.
    h.keys(&["w"]);
    let screen = h.render(160, 60);
    for t in [
        "Execution log ·",
        "API-Gateway-Execution-Logs_demorest01/dev",
        "method request: path",
        "endpoint request: uri",
        "status",
    ] {
        assert!(screen.contains(t), "lacks {t:?}:\n{screen}");
    }
    let screen = regex::Regex::new(r"newest \d+\.\d s ago")
        .unwrap()
        .replace_all(&screen, "newest <n> s ago")
        .into_owned();
    insta::assert_snapshot!("rest_record_execution_log", stable(&screen, &[&id]));
    // Beside the Lambda lines and the event: the steps come before them.
    let tall = h.render(160, 150);
    let at = |t: &str| {
        tall.find(t)
            .unwrap_or_else(|| panic!("lacks {t:?}:\n{tall}"))
    };
    assert!(at("── Execution log") < at("── Lambda"), "{tall}");
    assert!(at("── Lambda") < at("── Event"), "{tall}");

    // An HTTP API's stage writes no execution log: nothing to read.
    h.keys(&["<Esc>", "<Esc>", "<Esc>"]);
    h.app.apply(
        None,
        vec![Effect::Push(Box::new(ApiDetailPage::new("demohttp01")))],
    );
    h.keys(&["L"]);
    let page = h.app.top_as::<LogsPage>().expect("logs page");
    assert_eq!(page.exec_logs.group(), None);
}
