use super::*;
use crate::domain::{LambdaLineKind, MatchKey, RawLogEvent};
use crate::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP};
use crate::engines::lambda_log::parse_line;

const L1: &str = "11111111-1111-1111-1111-111111111111";
const L2: &str = "22222222-2222-2222-2222-222222222222";
const L3: &str = "33333333-3333-3333-3333-333333333333";

fn access(req: &str, lambda: &str, status: u16) -> AccessLogRecord {
    let line = format!(
        r#"{{"requestId":"{req}","routeKey":"GET /pets","method":"GET","path":"/pets","status":"{status}","integrationStatus":"200","integrationRequestId":"{lambda}","stage":"prod"}}"#
    );
    AccessLogFormat::new(RECOMMENDED_HTTP)
        .parse(&line, 1000)
        .unwrap()
}

fn lines(id: &str, t: i64) -> Vec<LambdaLine> {
    [
        format!("START RequestId: {id} Version: $LATEST"),
        format!("2024-01-01T00:00:00.000Z\t{id}\tINFO\tworking"),
        format!("END RequestId: {id}"),
        format!("REPORT RequestId: {id}\tDuration: 5.00 ms\tBilled Duration: 5 ms\tMemory Size: 128 MB\tMax Memory Used: 60 MB"),
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| parse_line("/aws/lambda/f", t + i as i64, m))
    .collect()
}

#[test]
fn joins_by_integration_request_id_and_reports_orphans() {
    let mut all = lines(L1, 10);
    all.extend(lines(L3, 20));
    let c = correlate(
        vec![access("A=", L1, 200), access("B=", L2, 502)],
        all,
        &CorrelateOptions::default(),
    );
    let a = &c.records[0];
    assert!(!a.unmatched);
    assert_eq!(a.matched_by, Some(MatchKey::IntegrationRequestId));
    assert_eq!(a.lambda_lines.len(), 4);
    assert_eq!(a.report.as_ref().unwrap().duration_ms, Some(5.0));
    assert_eq!(a.lambda_request_id.as_deref(), Some(L1));
    // No logged event: rebuilt from the access fields, and labelled.
    let ev = a.event.as_ref().unwrap();
    assert!(ev.reconstructed);
    assert_eq!(ev.request_id.as_deref(), Some("A="));

    let b = &c.records[1];
    assert!(b.unmatched);
    assert_eq!(b.matched_by, None);
    assert_eq!(
        b.lambda_request_id.as_deref(),
        Some(L2),
        "known even unmatched"
    );
    assert_eq!(c.orphans.len(), 1);
    assert_eq!(c.orphans[0].request_id, L3);
}

#[test]
fn logged_event_joins_when_the_format_lacks_the_integration_id() {
    let mut all = lines(L1, 10);
    all.insert(
        1,
        parse_line(
            "/aws/lambda/f",
            11,
            &format!(
                "2024-01-01T00:00:00.000Z\t{L1}\tINFO\tEvent: {}",
                r#"{"version":"2.0","routeKey":"GET /pets","rawPath":"/pets","requestContext":{"requestId":"A=","http":{"method":"GET"}}}"#
            ),
        ),
    );
    let mut rec = access("A=", "-", 200);
    rec.integration_request_id = None;
    let c = correlate(vec![rec], all, &CorrelateOptions::default());
    let r = &c.records[0];
    assert_eq!(r.matched_by, Some(MatchKey::LoggedEvent));
    assert_eq!(r.lambda_request_id.as_deref(), Some(L1));
    let ev = r.event.as_ref().unwrap();
    assert!(!ev.reconstructed, "the logged event wins");
    assert!(c.orphans.is_empty());
}

#[test]
fn timeouts_are_flagged() {
    let mut all = lines(L1, 10);
    all.insert(
        2,
        parse_line(
            "/aws/lambda/f",
            12,
            &format!("2024-01-01T00:00:03.000Z {L1} Task timed out after 3.00 seconds"),
        ),
    );
    let c = correlate(
        vec![access("A=", L1, 503)],
        all,
        &CorrelateOptions::default(),
    );
    assert!(c.records[0].timed_out);
    assert!(
        c.records[0]
            .lambda_lines
            .iter()
            .any(|l| matches!(l.kind, LambdaLineKind::Timeout { .. }))
    );
}

#[test]
fn out_of_order_lines_are_sorted_and_live_index_is_kept() {
    let mut all = lines(L1, 10);
    all.reverse();
    let mut index = InvocationIndex::new();
    for l in all {
        index.add(l);
    }
    let r = correlate_one(&access("A=", L1, 200), &index, &CorrelateOptions::default());
    let ts: Vec<i64> = r.lambda_lines.iter().map(|l| l.timestamp_ms).collect();
    assert_eq!(ts, vec![10, 11, 12, 13]);
    assert_eq!(index.len(), 1, "correlate_one leaves the index intact");
}

#[test]
fn reconstruction_respects_lambda_routes_and_payload() {
    let mut opts = CorrelateOptions {
        lambda_routes: Some(["GET /other".to_string()].into()),
        ..Default::default()
    };
    let c = correlate(vec![access("A=", L1, 200)], vec![], &opts);
    assert!(c.records[0].event.is_none());
    opts.lambda_routes = Some(["GET /pets".to_string()].into());
    opts.payload_by_route
        .insert("GET /pets".into(), PayloadFormat::V1);
    let c = correlate(vec![access("A=", L1, 200)], vec![], &opts);
    assert_eq!(
        c.records[0].event.as_ref().unwrap().kind,
        crate::domain::EventKind::HttpV1
    );
    // A 404 with no integration fields and no route list: nothing to rebuild.
    let mut rec = access("C=", "-", 404);
    rec.integration_status = None;
    rec.integration_request_id = None;
    let c = correlate(vec![rec], vec![], &CorrelateOptions::default());
    assert!(c.records[0].event.is_none());
}

#[test]
fn response_headers_find_their_record() {
    let c = correlate(
        vec![access("A=", L1, 200), access("B=", L2, 502)],
        vec![],
        &CorrelateOptions::default(),
    );
    let resp = HttpResponse {
        status: 502,
        headers: vec![("apigw-requestid".into(), "B=".into())],
        ..Default::default()
    };
    assert_eq!(
        find_for_response(&c.records, &resp)
            .unwrap()
            .access
            .request_id
            .as_deref(),
        Some("B=")
    );
    let rest = HttpResponse {
        headers: vec![("x-amzn-RequestId".into(), "A=".into())],
        ..Default::default()
    };
    assert!(matches_response(&c.records[0].access, &rest));
    let none = HttpResponse::default();
    assert!(find_for_response(&c.records, &none).is_none());
}

#[test]
fn stream_parser_feeds_the_index() {
    let mut parser = crate::engines::lambda_log::LambdaLogParser::new();
    let mut index = InvocationIndex::new();
    for (i, m) in [
        format!("START RequestId: {L1} Version: $LATEST"),
        "print without id".to_string(),
        format!("REPORT RequestId: {L1}\tDuration: 1 ms"),
    ]
    .iter()
    .enumerate()
    {
        index.add(parser.parse(&RawLogEvent {
            log_group: "/aws/lambda/f".into(),
            log_stream: Some("s".into()),
            timestamp_ms: i as i64,
            message: m.clone(),
            ..Default::default()
        }));
    }
    assert_eq!(index.get(L1).unwrap().lines.len(), 3);
    assert_eq!(index.unattributed().count(), 0);
}

/// Issue 12 case 7: a request the authorizer rejected on a Lambda route never reached
/// the function, so no event is rebuilt for it (the function received none).
#[test]
fn no_event_is_rebuilt_for_a_request_the_gateway_answered_itself() {
    let opts = CorrelateOptions {
        lambda_routes: Some(["GET /pets".to_string()].into()),
        ..Default::default()
    };
    let line = r#"{"requestId":"R=","routeKey":"GET /pets","method":"GET","path":"/pets","status":"401","integrationStatus":"-","integrationRequestId":"-","authorizerError":"the token has expired","errorType":"UNAUTHORIZED","stage":"prod"}"#;
    let rec = AccessLogFormat::new(RECOMMENDED_HTTP)
        .parse(line, 1000)
        .unwrap();
    let c = correlate(vec![rec.clone()], vec![], &opts);
    assert!(c.records[0].event.is_none(), "{:?}", c.records[0].event);
    // The same route reached by the integration does get its rebuilt event.
    let c = correlate(vec![access("A=", L1, 200)], vec![], &opts);
    assert!(c.records[0].event.is_some());
}

/// The index keeps lines as text and parses them again when asked: what
/// comes back is what arrived (kind, message, logged event, REPORT figures,
/// the invocation's request id on lines that carried none).
#[test]
fn an_invocation_asked_for_is_the_one_that_arrived() {
    let mut parser = crate::engines::lambda_log::LambdaLogParser::new();
    let mut index = InvocationIndex::new();
    let event = r#"{"version":"2.0","routeKey":"GET /pets","rawPath":"/pets","requestContext":{"requestId":"APIGW=","http":{"method":"GET","path":"/pets"}}}"#;
    let mut arrived = Vec::new();
    for (i, m) in [
        format!("START RequestId: {L1} Version: $LATEST"),
        format!("2026-11-25T09:41:05.000Z\t{L1}\tINFO\t{event}"),
        "print without id".to_string(),
        format!("{{\"level\":\"ERROR\",\"message\":\"boom\",\"requestId\":\"{L1}\"}}"),
        format!("REPORT RequestId: {L1}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 50 MB\tStatus: timeout"),
    ]
    .iter()
    .enumerate()
    {
        let mut line = parser.parse(&RawLogEvent {
            log_group: "/aws/lambda/f".into(),
            log_stream: Some("s".into()),
            timestamp_ms: i as i64,
            message: format!("{m}\n"),
            ..Default::default()
        });
        index.add(line.clone());
        line.request_id = Some(L1.into());
        arrived.push(line);
    }
    let inv = index.get(L1).unwrap();
    assert_eq!(inv.lines, arrived);
    assert!(
        inv.lines[1].event.is_some(),
        "the logged event is decoded again"
    );
    assert_eq!(
        inv.event.as_ref().unwrap().request_id.as_deref(),
        Some("APIGW=")
    );
    let LambdaLineKind::Report(r) = &arrived[4].kind else {
        panic!("REPORT line: {:?}", arrived[4].kind)
    };
    assert_eq!(inv.report.as_ref(), Some(&**r));
    assert!(inv.timed_out);
    // The logged event's request id joins an access record without an integration id.
    let mut a = access("APIGW=", "-", 200);
    a.integration_request_id = None;
    assert_eq!(
        index.lambda_id_for(&a).map(|(id, k)| (id.to_string(), k)),
        Some((L1.to_string(), MatchKey::LoggedEvent))
    );
}
