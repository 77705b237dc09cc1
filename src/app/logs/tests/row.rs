//! A row kept as its line gives back, when opened, exactly the record that
//! arrived: for the bench's format, the demo's HTTP and REST formats, Logs
//! Insights results, and lines the row cannot hold (kept whole instead).

use std::sync::Arc;

use super::*;
use crate::app::logs::fetch::rows_to_events;
use crate::app::logs::{LogBook, LogTargets};
use crate::backends::demo::access_logging::{ContextVars, render};
use crate::domain::{ApiType, LambdaLineKind, QueryRow, RawLogEvent};
use crate::engines::access_log::{RECOMMENDED_HTTP, check_format};
use crate::ui::views::logs::page::LogsPage;
use crate::ui::views::logs::store::RecordStore;

const ACCESS: &str = "/aws/apigateway/t";
const LAMBDA: &str = "/aws/lambda/f";

fn targets(format: &str, api_type: ApiType) -> LogTargets {
    LogTargets {
        api_id: "abc".into(),
        stage: "prod".into(),
        api_type,
        access_group: Some(ACCESS.into()),
        access_format: Some(format.into()),
        advice: check_format(Some(format), api_type),
        lambdas: vec![],
        payload_by_route: Default::default(),
        notes: vec![],
        domain_name: Some("abc.execute-api.eu-west-1.amazonaws.com".into()),
    }
}

fn ev(group: &str, ts: i64, message: &str) -> RawLogEvent {
    RawLogEvent {
        log_group: group.into(),
        log_stream: Some("2026/11/25/[$LATEST]abc".into()),
        timestamp_ms: ts,
        message: message.into(),
        ..Default::default()
    }
}

/// A line as `scripts/bench-logs` writes it.
fn bench_line(i: usize, lambda_id: &str) -> String {
    let st = if i.is_multiple_of(50) { 502 } else { 200 };
    let err = if st == 502 {
        "The Lambda function returned the following error: boom"
    } else {
        "-"
    };
    format!(
        r#"{{"requestId":"R{i:013}=","time":"25/Nov/2026:09:41:05 +0000","epochMs":"{}","routeKey":"GET /pets/{{id}}","method":"GET","path":"/prod/pets/{i}","status":"{st}","protocol":"HTTP/1.1","ip":"203.0.113.9","ua":"curl/8.5.0","responseLength":"35","responseLatency":"41","integrationLatency":"38","integrationStatus":"200","functionStatus":"{st}","integrationRequestId":"{lambda_id}","integrationError":"{err}","authorizerError":"-","errorMessage":"-","errorType":"-","domain":"abc.execute-api.eu-west-1.amazonaws.com","stage":"prod"}}"#,
        1_795_599_665_000 + i
    )
}

/// The four lines of one invocation, as the bench writes them.
fn invocation(id: &str, i: usize) -> Vec<String> {
    vec![
        format!("START RequestId: {id} Version: $LATEST"),
        format!("2026-11-25T09:41:05.000Z\t{id}\tINFO\tfetched pet {i}"),
        format!("END RequestId: {id}"),
        format!(
            "REPORT RequestId: {id}\tDuration: 2.13 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t"
        ),
    ]
}

fn lambda_id(i: usize) -> String {
    format!("{i:08}-1111-4111-8111-111111111111")
}

/// Each record as a row with the book's format: kept as its line when
/// `parsed`, and opened it is the record that arrived.
fn check_rows(records: &[CorrelatedRecord], format: &Arc<AccessLogFormat>, parsed: bool) {
    assert!(!records.is_empty());
    for rec in records {
        let row = Row::new(rec.clone(), Some(format));
        assert_eq!(row.is_parsed(), parsed, "{}", rec.access.raw);
        assert_eq!(&row.to_record(), rec, "{}", rec.access.raw);
        // What the table and the filter read is what the record holds.
        let a = &rec.access;
        assert_eq!(row.timestamp_ms(), a.timestamp_ms);
        assert_eq!(row.status(), a.status);
        assert_eq!(row.integration_status(), a.integration_status);
        assert_eq!(row.latency_ms(), a.latency_ms);
        assert_eq!(row.route_key(), a.route_key.as_deref());
        assert_eq!(row.http_method(), a.http_method.as_deref());
        assert_eq!(row.path(), a.path.as_deref());
        assert_eq!(row.request_id(), a.request_id.as_deref());
        assert_eq!(
            row.integration_request_id(),
            a.integration_request_id.as_deref()
        );
        assert_eq!(row.integration_error(), a.integration_error.as_deref());
        assert_eq!(row.authorizer_error(), a.authorizer_error.as_deref());
        assert_eq!(row.error_message(), a.error_message.as_deref());
        assert_eq!(row.raw(), a.raw.as_str());
        assert_eq!(row.unmatched(), rec.unmatched);
    }
}

#[test]
fn a_row_is_small() {
    // The point of the type: 100 k ring slots stay small.
    let size = std::mem::size_of::<Row>();
    assert!(size <= 160, "{size} bytes");
}

#[test]
fn bench_format_rows_give_back_what_arrived() {
    let t = targets(RECOMMENDED_HTTP, ApiType::Http);
    let format = Arc::new(t.format());
    let mut book = LogBook::new(&t, 100);
    // Access lines first (unmatched as they arrive), then the Lambda lines
    // of the first five: those records come back re-correlated.
    let access: Vec<RawLogEvent> = (0..10)
        .map(|i| {
            let id = if i < 5 { lambda_id(i) } else { "-".into() };
            ev(ACCESS, 1000 + i as i64, &bench_line(i, &id))
        })
        .collect();
    let first = book.ingest_changes(&access);
    assert_eq!(first.len(), 10);
    check_rows(&first, &format, true);
    let lines: Vec<RawLogEvent> = (0..5)
        .flat_map(|i| invocation(&lambda_id(i), i))
        .enumerate()
        .map(|(n, l)| ev(LAMBDA, 2000 + n as i64, &l))
        .collect();
    let later = book.ingest_changes(&lines);
    assert_eq!(later.len(), 5);
    assert!(
        later
            .iter()
            .all(|r| !r.unmatched && r.lambda_lines.len() == 4)
    );
    assert!(
        later
            .iter()
            .all(|r| matches!(r.lambda_lines[3].kind, LambdaLineKind::Report(_)))
    );
    assert!(later[0].access.integration_error.is_some(), "a 502 row");
    check_rows(&later, &format, true);
}

/// The demo's stages: HTTP (the recommended format) and REST (route key
/// made of method and resource path, extended request id).
#[test]
fn demo_format_rows_give_back_what_arrived() {
    let apis = include_str!("../../../../assets/demo/apis.toml");
    let formats: Vec<&str> = apis
        .lines()
        .filter_map(|l| l.split_once("format = '")?.1.split_once("' }"))
        .map(|(f, _)| f)
        .collect();
    assert_eq!(formats.len(), 2, "the demo's HTTP and REST stages");
    for (format_src, api_type) in formats.into_iter().zip([ApiType::Http, ApiType::Rest]) {
        let t = targets(format_src, api_type);
        let format = Arc::new(t.format());
        let vars = |i: usize, status: &str| {
            let mut v = ContextVars::new();
            v.insert("requestId", format!("req-{i}="));
            v.insert("extendedRequestId", format!("ext{i}"));
            v.insert("requestTime", "25/Nov/2026:09:41:05 +0000".into());
            v.insert("requestTimeEpoch", format!("{}", 1_795_599_665_000 + i));
            v.insert("routeKey", "POST /orders".into());
            v.insert("resourcePath", "/orders".into());
            v.insert("httpMethod", "POST".into());
            v.insert("path", format!("/prod/orders/{i}"));
            v.insert("status", status.into());
            v.insert("responseLatency", "12".into());
            v.insert("integrationStatus", "200".into());
            v.insert("integration.requestId", lambda_id(i));
            v
        };
        let mut failing = vars(2, "502");
        failing.insert(
            "integrationErrorMessage",
            "Lambda function timed out".into(),
        );
        let lines = [vars(0, "200"), vars(1, "201"), failing].map(|v| render(format_src, &v));
        let mut book = LogBook::new(&t, 100);
        let events: Vec<RawLogEvent> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| ev(ACCESS, 10 + i as i64, l))
            .chain(
                invocation(&lambda_id(1), 1)
                    .iter()
                    .map(|l| ev(LAMBDA, 20, l)),
            )
            .collect();
        book.ingest(&events);
        let records = book.correlate_all();
        assert_eq!(records.len(), 3);
        assert!(!records[1].unmatched);
        if api_type == ApiType::Rest {
            assert_eq!(records[0].access.route_key.as_deref(), Some("POST /orders"));
        }
        check_rows(&records, &format, true);
    }
}

/// What the row cannot hold as offsets into its line, or cannot parse
/// again, is kept as it arrived: still the same record when opened.
#[test]
fn records_the_line_cannot_give_back_are_kept_whole() {
    let t = targets(RECOMMENDED_HTTP, ApiType::Http);
    let format = Arc::new(t.format());
    let mut book = LogBook::new(&t, 100);
    book.ingest(&[
        // An escaped quote: the value is not in the line verbatim.
        ev(
            ACCESS,
            1,
            r#"{"requestId":"E=","status":"502","integrationError":"bad \"body\""}"#,
        ),
        // A line the format does not fit at all.
        ev(ACCESS, 2, "not an access line"),
        // The latency the line says is not a number.
        ev(ACCESS, 3, r#"{"requestId":"N=","responseLatency":"NaN"}"#),
    ]);
    let records = book.correlate_all();
    check_rows(&records[..1], &format, false);
    // A line the format does not fit keeps its line only: that parses back.
    check_rows(&records[1..2], &format, true);
    // NaN is not equal to itself: compared as printed.
    let row = Row::new(records[2].clone(), Some(&format));
    assert!(!row.is_parsed());
    assert_eq!(
        format!("{:?}", row.to_record()),
        format!("{:?}", records[2])
    );
    assert!(row.latency_ms().is_some_and(f64::is_nan));

    // A record without a known format.
    let rec = records[1].clone();
    let row = Row::new(rec.clone(), None);
    assert!(!row.is_parsed());
    assert_eq!(row.to_record(), rec);

    // A record put together elsewhere (its fields are not its line's).
    let mut made = records[1].clone();
    made.access.status = Some(200);
    check_rows(&[made], &format, false);

    // Lambda lines of two invocations in one record.
    let mut book = LogBook::new(&t, 100);
    let line = bench_line(7, &lambda_id(7));
    let mut events = vec![ev(ACCESS, 1, &line)];
    events.extend(
        invocation(&lambda_id(7), 7)
            .iter()
            .map(|l| ev(LAMBDA, 2, l)),
    );
    book.ingest(&events);
    let mut mixed = book.correlate_all().remove(0);
    check_rows(std::slice::from_ref(&mixed), &format, true);
    mixed.lambda_lines[1].request_id = Some(lambda_id(8).into());
    check_rows(&[mixed], &format, false);
}

/// Logs Insights results reach the page as records the query put together
/// with a book of the stage's format (`@message` the line, `@timestamp`
/// the event's time): opened on the page, each is the record that arrived,
/// including a line without its own time.
#[test]
fn insights_records_open_as_they_arrived() {
    let no_time =
        r#"{"requestId":"$context.requestId","status":"$context.status","path":"$context.path"}"#;
    for (format_src, line) in [
        (RECOMMENDED_HTTP, bench_line(3, &lambda_id(3))),
        (
            no_time,
            r#"{"requestId":"Q=","status":"404","path":"/x"}"#.into(),
        ),
    ] {
        let t = targets(format_src, ApiType::Http);
        let row = |ts: &str, group: &str, msg: &str, ptr: &str| -> QueryRow {
            vec![
                ("@timestamp".into(), ts.into()),
                ("@message".into(), msg.into()),
                ("@log".into(), format!("123456789012:{group}")),
                ("@logStream".into(), "2026/11/25/[$LATEST]abc".into()),
                ("@ptr".into(), ptr.into()),
            ]
        };
        let mut rows = vec![row("2026-11-25 09:41:05.123", ACCESS, &line, "p0")];
        for (n, l) in invocation(&lambda_id(3), 3).iter().enumerate() {
            rows.push(row(
                "2026-11-25 09:41:05.200",
                LAMBDA,
                l,
                &format!("p{}", n + 1),
            ));
        }
        let events = rows_to_events(&rows, ACCESS);
        let mut book = LogBook::new(&t, 100);
        book.ingest(&events);
        let records = book.correlate_all();
        assert_eq!(records.len(), 1);
        if format_src == no_time {
            assert_eq!(records[0].access.timestamp_ms, events[0].timestamp_ms);
        } else {
            assert!(!records[0].unmatched);
        }

        let mut page = LogsPage::new("t", RecordStore::with_capacity(10));
        page.targets = Some(t);
        page.add_records(records.clone());
        assert!(page.store.get(0).is_some_and(Row::is_parsed));
        let id = records[0].access.request_id.as_deref().unwrap();
        page.wait_for_request(id);
        let (_, opened) = page.selected_record().unwrap();
        assert_eq!(opened, records[0], "{format_src}");
    }
}
