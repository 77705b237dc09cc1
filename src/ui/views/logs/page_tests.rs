//! Snapshots and key-driven tests of the logs page.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::page::{Connection, Focus, LogsEffect, LogsPage};
use super::store::RecordStore;
use crate::domain::{
    AccessLogRecord, Certainty, CorrelatedRecord, DecodedEvent, EventKind, Finding, FindingCode,
    LambdaLine, LambdaLineKind, LambdaReport, Severity,
};
use crate::ui::components::styles::BodyStyles;
use crate::ui::views::response::test_render::render;

fn key(c: KeyCode) -> KeyEvent {
    KeyEvent::new(c, KeyModifiers::NONE)
}

const T0: i64 = 1_764_064_800_000; // 2025-11-25T10:00:00Z

pub(crate) fn record(i: usize) -> CorrelatedRecord {
    let status = match i % 7 {
        3 => 502,
        5 => 404,
        _ => 200,
    };
    let route = if status == 404 {
        "-"
    } else {
        "GET /orders/{id}"
    };
    let lambda_id = format!("5f0c{i:04}-aaaa-bbbb-cccc-000000000000");
    let error = (status == 502).then(|| {
        "The response from the Lambda function doesn't match the format that API Gateway expects."
            .to_string()
    });
    let lines = if status == 404 {
        vec![]
    } else {
        let line = |dt: i64, kind: LambdaLineKind, msg: &str| LambdaLine {
            timestamp_ms: T0 + i as i64 * 1000 + dt,
            log_group: "/aws/lambda/orders".into(),
            request_id: Some(lambda_id.clone().into()),
            kind,
            message: msg.into(),
            event: None,
            raw: msg.into(),
        };
        vec![
            line(
                1,
                LambdaLineKind::Start {
                    version: Some("$LATEST".into()),
                },
                &format!("START RequestId: {lambda_id} Version: $LATEST"),
            ),
            line(
                2,
                LambdaLineKind::Log {
                    level: Some("INFO".into()),
                },
                "loading order 42",
            ),
            line(
                9,
                LambdaLineKind::End,
                &format!("END RequestId: {lambda_id}"),
            ),
        ]
    };
    let report = (status != 404).then_some(LambdaReport {
        duration_ms: Some(12.34),
        billed_ms: Some(13.0),
        memory_mb: Some(128),
        max_memory_mb: Some(71),
        init_ms: None,
        status: None,
    });
    let event = (status != 404).then(|| DecodedEvent {
        kind: EventKind::HttpV2,
        method: Some("GET".into()),
        path: Some("/orders/42".into()),
        route_key: Some(route.into()),
        stage: Some("prod".into()),
        request_id: Some(format!("Req{i:05}=")),
        source_ip: None,
        body_text: None,
        body_was_base64: false,
        claims: None,
        scopes: vec![],
        raw: serde_json::json!({
            "version": "2.0",
            "routeKey": route,
            "rawPath": "/prod/orders/42",
            "pathParameters": {"id": "42"},
            "requestContext": {"http": {"method": "GET"}, "requestId": format!("Req{i:05}=")},
            "isBase64Encoded": false
        }),
        reconstructed: i.is_multiple_of(2),
    });
    CorrelatedRecord {
        access: AccessLogRecord {
            timestamp_ms: T0 + i as i64 * 1000,
            request_id: Some(format!("Req{i:05}=").into()),
            route_key: Some(route.into()),
            http_method: Some("GET".into()),
            path: Some("/prod/orders/42".into()),
            stage: Some("prod".into()),
            status: Some(status),
            integration_status: (status != 404).then_some(200),
            latency_ms: Some(20.0 + (i % 11) as f64 * 37.0),
            integration_latency_ms: Some(12.0),
            integration_request_id: (status != 404).then(|| lambda_id.clone().into()),
            integration_error: error.map(Into::into),
            raw: format!("{{\"requestId\":\"Req{i:05}=\"}}").into(),
            ..Default::default()
        },
        lambda_lines: lines,
        report,
        event,
        unmatched: status == 404,
        lambda_request_id: None,
        matched_by: None,
        timed_out: false,
    }
}

fn page(n: usize) -> LogsPage {
    let mut p = LogsPage::new("orders-api (abc123) / prod", RecordStore::default());
    p.tail.connection = Connection::LiveTail;
    p.tail.lag_ms = Some(2400);
    p.tail.groups = vec!["access".into(), "/aws/lambda/orders".into()];
    p.add_records((0..n).map(record));
    p
}

fn draw(p: &mut LogsPage, w: u16, h: u16) -> String {
    let styles = BodyStyles::default();
    render(w, h, |f| p.render(f, f.area(), &styles))
}

#[test]
fn snapshot_side_by_side_502() {
    let mut p = page(12);
    p.diagnose = Some(Box::new(|r: &CorrelatedRecord| {
        if r.access.status == Some(502) {
            vec![
                Finding::new(
                    FindingCode::MalformedProxyResponse,
                    Certainty::ConfirmedByLogs,
                    "The function's answer is not a valid proxy response",
                )
                .severity(Severity::Error)
                .evidence("integrationErrorMessage in the access log"),
            ]
        } else {
            vec![]
        }
    }));
    assert!(p.select_request_id("Req00010="));
    insta::assert_snapshot!(draw(&mut p, 150, 40));
}

#[test]
fn snapshot_filtered_unmatched_record() {
    let mut p = page(12);
    p.handle_key(key(KeyCode::Char('/')));
    for c in "status:404".chars() {
        p.handle_key(key(KeyCode::Char(c)));
    }
    p.handle_key(key(KeyCode::Enter));
    assert_eq!(p.store.view_len(), 1);
    insta::assert_snapshot!(draw(&mut p, 120, 18));
}

#[test]
fn snapshot_paused_polling_with_insights() {
    let mut p = page(3);
    p.tail.connection = Connection::Polling { backoff_ms: 800 };
    assert_eq!(
        p.handle_key(key(KeyCode::Char('p'))),
        Some(LogsEffect::SetPaused(true))
    );
    p.handle_key(key(KeyCode::Char('i')));
    assert_eq!(p.focus, Focus::Insights);
    assert!(p.is_typing());
    insta::assert_snapshot!(draw(&mut p, 120, 22));
}

#[test]
fn snapshot_insights_with_custom_range() {
    let mut p = page(3);
    p.handle_key(key(KeyCode::Char('i')));
    p.handle_key(KeyEvent::new(KeyCode::Char('t'), KeyModifiers::CONTROL));
    for c in "2025-11-25 09:00..2025-11-25T10:30:00Z".chars() {
        p.handle_key(key(KeyCode::Char(c)));
    }
    p.handle_key(key(KeyCode::Enter));
    assert_eq!(
        p.insights.range.resolve(T0 / 1000 + 7200),
        Ok((T0 / 1000 - 3600, T0 / 1000 + 1800))
    );
    insta::assert_snapshot!(draw(&mut p, 120, 22));
}

#[test]
fn snapshot_empty() {
    let mut p = LogsPage::new("orders-api / prod", RecordStore::default());
    p.tail.connection =
        Connection::Failed("AccessDeniedException: not allowed to StartLiveTail".into());
    insta::assert_snapshot!(draw(&mut p, 80, 6));
}

#[test]
fn follow_selection_and_sort_keys() {
    let mut p = page(5);
    assert_eq!(
        p.selected_record().unwrap().1.access.request_id.as_deref(),
        Some("Req00004=")
    );
    p.handle_key(key(KeyCode::Char('k')));
    p.add_records([record(5)]);
    // Not following any more: the selection stays on the same record.
    assert_eq!(
        p.selected_record().unwrap().1.access.request_id.as_deref(),
        Some("Req00003=")
    );
    p.handle_key(key(KeyCode::Char('G')));
    p.add_records([record(6)]);
    assert_eq!(
        p.selected_record().unwrap().1.access.request_id.as_deref(),
        Some("Req00006=")
    );
    p.handle_key(key(KeyCode::Char('s')));
    p.handle_key(key(KeyCode::Char('S')));
    let (k, desc) = p.store.sort();
    assert_eq!((k.label(), desc), ("status", true));
    p.handle_key(key(KeyCode::Char('g')));
    assert_eq!(p.selected_record().unwrap().1.access.status, Some(502));
}

#[test]
fn esc_clears_the_filter_and_copy_gives_raw_line() {
    let mut p = page(8);
    p.handle_key(key(KeyCode::Char('/')));
    for c in "zzz".chars() {
        p.handle_key(key(KeyCode::Char(c)));
    }
    assert_eq!(p.store.view_len(), 0);
    p.handle_key(key(KeyCode::Esc));
    assert_eq!(p.store.view_len(), 8);
    let _ = draw(&mut p, 100, 20);
    match p.handle_key(key(KeyCode::Char('y'))) {
        Some(LogsEffect::Copy { text, .. }) => assert_eq!(text, "{\"requestId\":\"Req00007=\"}"),
        other => panic!("{other:?}"),
    }
}

/// The logs list and the record detail at the four sizes a user meets:
/// two panes from 100 columns, one pane (Tab switches) below; the detail
/// reads summary, doctor, Lambda lines, then the folded event.
#[test]
fn snapshot_list_and_detail_at_four_sizes() {
    for (w, h) in [(160, 45), (100, 30), (80, 24), (60, 20)] {
        let mut p = page(12);
        assert!(p.select_request_id("Req00010="));
        let list = draw(&mut p, w, h);
        p.handle_key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE));
        let detail = draw(&mut p, w, h);
        if w < 100 {
            assert!(
                list.contains("▶ Records") && !list.contains("Record─"),
                "{list}"
            );
            assert!(
                detail.contains("▶ Record") && !detail.contains("Records"),
                "{detail}"
            );
        }
        let event = detail.find("── Event").unwrap_or(usize::MAX);
        let lambda = detail.find("── Lambda").expect("Lambda section shown");
        let doctor = detail.find("── Doctor").expect("Doctor section shown");
        assert!(doctor < lambda && lambda < event, "{detail}");
        insta::assert_snapshot!(format!("logs_list_{w}x{h}"), list);
        insta::assert_snapshot!(format!("logs_detail_{w}x{h}"), detail);
    }
}

/// The store does not keep events rebuilt from access fields (a kilobyte or
/// two each, 100 k records): the page rebuilds the same event when the
/// record is opened. Logged events are kept as they are.
#[test]
fn rebuilt_events_are_dropped_from_the_store_and_rebuilt_when_opened() {
    use crate::app::logs::LogTargets;
    use crate::domain::ApiType;
    use crate::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP, check_format};
    use crate::engines::correlate::{CorrelateOptions, correlate};

    let targets = LogTargets {
        api_id: "a1b2c3".into(),
        stage: "prod".into(),
        api_type: ApiType::Http,
        access_group: Some("/access".into()),
        access_format: Some(RECOMMENDED_HTTP.into()),
        advice: check_format(Some(RECOMMENDED_HTTP), ApiType::Http),
        lambdas: vec![],
        payload_by_route: Default::default(),
        notes: vec![],
        domain_name: Some("a1b2c3.execute-api.eu-west-1.amazonaws.com".into()),
    };
    let line = r#"{"requestId":"R1=","routeKey":"GET /pets/{id}","method":"GET","path":"/pets/7","status":"200","integrationStatus":"200","integrationRequestId":"11111111-1111-1111-1111-111111111111","stage":"prod"}"#;
    let access = AccessLogFormat::new(RECOMMENDED_HTTP)
        .parse(line, T0)
        .unwrap();
    let opts: CorrelateOptions = targets.correlate_options();
    let rec = correlate(vec![access], vec![], &opts).records.remove(0);
    let rebuilt = rec
        .event
        .clone()
        .expect("an event rebuilt from the access fields");
    assert!(rebuilt.reconstructed);

    let mut p = LogsPage::new("t", RecordStore::with_capacity(10));
    p.targets = Some(targets);
    p.add_records([rec.clone(), record(1)]);
    assert!(
        p.store.get(0).unwrap().to_record().event.is_none(),
        "not kept in the store"
    );
    assert!(
        p.store.get(1).unwrap().to_record().event.is_some(),
        "a logged event stays"
    );
    p.wait_for_request("R1=");
    let (seq, opened) = p.selected_record().unwrap();
    assert_eq!(seq, 0);
    assert_eq!(opened, rec, "the record opened is the record that arrived");

    // Without the stage's options the page cannot rebuild: it keeps the event.
    let mut p = LogsPage::new("t", RecordStore::with_capacity(10));
    p.add_records([rec.clone()]);
    assert_eq!(p.store.get(0).unwrap().to_record().event, Some(rebuilt));
}
