//! Table tests of the triage engines: planning per API kind, batching,
//! the causes query per access-log format, cause ranking and the report.

use super::assemble::{assemble, breaches};
use super::causes::{query_for, rank};
use super::plan::{Depth, MAX_QUERIES_PER_CALL, calls_needed, plan};
use crate::domain::health::{MetricSeries, SeriesStatus, Stat, Window};
use crate::domain::{
    AccessLogSettings, Api, ApiType, FindingCode, Integration, Protocol, Route, RouteSettings,
    Stage,
};

const FN_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders-fn";

fn route(key: &str) -> Route {
    Route {
        route_key: key.into(),
        integration: Some(Integration {
            integration_type: Some("AWS_PROXY".into()),
            uri: Some(FN_ARN.into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn api(id: &str, protocol: Protocol, detailed: bool) -> Api {
    Api {
        id: id.into(),
        name: format!("{id}-name"),
        protocol: Some(protocol),
        routes: vec![route("GET /orders"), route("POST /orders")],
        stages: vec![Stage {
            stage_name: "prod".into(),
            default_route_settings: Some(RouteSettings {
                detailed_metrics_enabled: Some(detailed),
                ..Default::default()
            }),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

fn window() -> Window {
    Window {
        start_s: 6000,
        end_s: 6000 + 5 * 60,
        period_s: 60,
    }
}

#[test]
fn http_stage_and_route_queries_use_api_id_and_route_dimensions() {
    let p = plan(
        &[api("a1", Protocol::Http, true)],
        None,
        &window(),
        Depth::Full,
    );
    // 5 stage + 2 routes x 5 + 6 for the one function.
    assert_eq!(p.queries.len(), 5 + 10 + 6);
    let metrics: Vec<(&str, &str)> = p.queries[..5]
        .iter()
        .map(|q| (q.query.metric.as_str(), q.query.stat.as_str()))
        .collect();
    assert_eq!(
        metrics,
        [
            ("Count", "Sum"),
            ("4xx", "Sum"),
            ("5xx", "Sum"),
            ("Latency", "p50"),
            ("Latency", "p99")
        ]
    );
    let r = &p.queries[5].query;
    assert_eq!(r.namespace, "AWS/ApiGateway");
    assert_eq!(r.dimension("ApiId"), Some("a1"));
    assert_eq!(r.dimension("Stage"), Some("prod"));
    assert_eq!(r.dimension("Route"), Some("GET /orders"));
    let f = p
        .queries
        .iter()
        .find(|q| q.query.namespace == "AWS/Lambda")
        .unwrap();
    assert_eq!(f.query.dimension("FunctionName"), Some("orders-fn"));
    assert!(p.findings.is_empty());
    // Ids are unique, start with a lower-case letter, and index the plan.
    for (i, q) in p.queries.iter().enumerate() {
        assert_eq!(q.query.id, format!("q{i}"));
        assert_eq!(p.by_id(&q.query.id), Some(q));
        assert_eq!(q.query.period_s, 60);
    }
}

#[test]
fn rest_and_websocket_use_their_own_names_and_dimensions() {
    let p = plan(
        &[api("r1", Protocol::Rest, true)],
        None,
        &window(),
        Depth::Full,
    );
    let names: Vec<&str> = p.queries[..3]
        .iter()
        .map(|q| q.query.metric.as_str())
        .collect();
    assert_eq!(names, ["Count", "4XXError", "5XXError"]);
    assert_eq!(p.queries[0].query.dimension("ApiName"), Some("r1-name"));
    assert_eq!(p.queries[0].query.dimension("ApiId"), None);
    let r = &p.queries[5].query;
    assert_eq!(
        (r.dimension("Method"), r.dimension("Resource")),
        (Some("GET"), Some("/orders"))
    );

    let mut ws = api("w1", Protocol::Websocket, false);
    ws.routes = vec![route("$connect")];
    let p = plan(&[ws], None, &window(), Depth::Stages);
    let names: Vec<&str> = p.queries.iter().map(|q| q.query.metric.as_str()).collect();
    assert_eq!(
        names,
        [
            "MessageCount",
            "ClientError",
            "IntegrationError",
            "ExecutionError",
            "IntegrationLatency",
            "IntegrationLatency"
        ]
    );
}

#[test]
fn detailed_metrics_off_gives_stage_totals_and_a_finding() {
    let mut a = api("a1", Protocol::Http, false);
    // One route turned on by its own settings.
    a.stages[0].route_settings.insert(
        "GET /orders".into(),
        RouteSettings {
            detailed_metrics_enabled: Some(true),
            ..Default::default()
        },
    );
    let p = plan(&[a], None, &window(), Depth::Full);
    assert!(
        p.queries
            .iter()
            .any(|q| q.query.dimension("Route") == Some("GET /orders"))
    );
    assert!(
        !p.queries
            .iter()
            .any(|q| q.query.dimension("Route") == Some("POST /orders"))
    );
    let (api_id, stage, f) = &p.findings[0];
    assert_eq!((api_id.as_str(), stage.as_str()), ("a1", "prod"));
    assert_eq!(f.code, FindingCode::DetailedMetricsOff);
    assert!(f.title.contains("1 of 2 routes"), "{}", f.title);
    assert!(f.unverified);
    let fix = f.fix.as_deref().unwrap();
    assert!(fix.contains("--api-id a1 --stage-name prod"), "{fix}");
    assert!(f.code.is_registered_fix(fix));

    let rest = plan(
        &[api("r1", Protocol::Rest, false)],
        None,
        &window(),
        Depth::Full,
    );
    let fix = rest.findings[0].2.fix.as_deref().unwrap();
    assert!(
        fix.contains("--rest-api-id r1") && fix.contains("/*/*/metrics/enabled"),
        "{fix}"
    );
}

#[test]
fn batches_hold_at_most_500_queries_forty_apis_of_twenty_routes() {
    let apis: Vec<Api> = (0..40)
        .map(|i| {
            let mut a = api(&format!("api{i:02}"), Protocol::Http, true);
            a.routes = (0..20).map(|r| route(&format!("GET /r{r}"))).collect();
            a
        })
        .collect();
    let p = plan(&apis, None, &window(), Depth::Full);
    // 40 x (5 stage + 20 x 5 route) + 6 for the one shared function.
    assert_eq!(p.queries.len(), 40 * 105 + 6);
    let batches = p.batches();
    assert_eq!(batches.len(), calls_needed(p.queries.len()));
    assert_eq!(batches.len(), 9);
    assert!(batches.iter().all(|b| b.len() <= MAX_QUERIES_PER_CALL));
    assert_eq!(batches.iter().map(Vec::len).sum::<usize>(), p.queries.len());
    for (n, c) in [(0, 0), (1, 1), (500, 1), (501, 2), (1000, 2)] {
        assert_eq!(calls_needed(n), c, "{n}");
    }
}

#[test]
fn stage_filter_narrows_the_plan() {
    let mut a = api("a1", Protocol::Http, true);
    a.stages.push(Stage {
        stage_name: "dev".into(),
        ..Default::default()
    });
    let p = plan(
        std::slice::from_ref(&a),
        Some("dev"),
        &window(),
        Depth::Full,
    );
    assert!(p.queries.iter().all(|q| q.query.namespace == "AWS/Lambda" || q.query.dimension("Stage") == Some("dev")));
    // dev has no detailed metrics: a finding, and only stage totals.
    assert_eq!(p.findings.len(), 1);
}

const HTTP_FORMAT: &str = r#"{"requestId":"$context.requestId","routeKey":"$context.routeKey","status":"$context.status","integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error","errorType":"$context.error.responseType","functionStatus":"$context.integration.status","integrationStatus":"$context.integrationStatus","errorMessage":"$context.error.message"}"#;

#[test]
fn the_causes_query_groups_by_the_fields_the_format_has() {
    let q = query_for(Some(HTTP_FORMAT), ApiType::Http).unwrap();
    assert!(q.missing.is_empty(), "{:?}", q.missing);
    assert_eq!(
        q.query,
        "filter status >= 400\n| stats count(*) as requests by status, routeKey, integrationError, authorizerError, errorType, functionStatus, integrationStatus, errorMessage\n| sort requests desc\n| limit 50"
    );
    // The console's JSON preset lacks the error fields: say which.
    let preset = crate::engines::access_log::presets::HTTP_JSON;
    let q = query_for(Some(preset), ApiType::Http).unwrap();
    assert!(
        q.missing
            .contains(&"$context.integrationErrorMessage".to_string()),
        "{:?}",
        q.missing
    );
    assert!(q.missing.contains(&"$context.authorizer.error".to_string()));
    // REST groups by resource path and method.
    let rest = r#"{"s":"$context.status","rp":"$context.resourcePath","m":"$context.httpMethod","a-b":"$context.authorizer.error"}"#;
    let q = query_for(Some(rest), ApiType::Rest).unwrap();
    assert!(q.query.contains("by s, rp, m, `a-b`"), "{}", q.query);
    // What cannot run says why.
    for (fmt, why) in [
        (None, "off"),
        (Some("$context.requestId $context.status"), "not JSON"),
        (
            Some(r#"{"id":"$context.requestId"}"#),
            "lacks $context.status",
        ),
    ] {
        let e = query_for(fmt, ApiType::Http).unwrap_err();
        assert!(e.contains(why), "{e}");
    }
}

fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn each_cause_row_gets_the_doctors_code() {
    let q = query_for(Some(HTTP_FORMAT), ApiType::Http).unwrap();
    let rows = vec![
        row(&[
            ("status", "502"),
            ("routeKey", "GET /orders"),
            ("integrationStatus", "200"),
            (
                "integrationError",
                "The Lambda function returned the following error: boom. Unhandled.",
            ),
            ("requests", "7"),
        ]),
        row(&[
            ("status", "401"),
            ("routeKey", "GET /me"),
            ("authorizerError", "The token has expired"),
            ("requests", "12"),
        ]),
        row(&[
            ("status", "404"),
            ("routeKey", "-"),
            ("errorType", "RESOURCE_NOT_FOUND"),
            ("requests", "3"),
        ]),
        row(&[
            ("status", "418"),
            ("routeKey", "GET /tea"),
            ("functionStatus", "418"),
            ("requests", "1"),
        ]),
        row(&[("status", "500"), ("requests", "not a number")]),
    ];
    let a = api("a1", Protocol::Http, true);
    let causes = rank(&rows, &q, Some(&a), "prod");
    let got: Vec<(u64, Option<u16>, Option<&str>)> = causes
        .iter()
        .map(|c| (c.count, c.status, c.code.map(FindingCode::as_str)))
        .collect();
    assert_eq!(
        got,
        [
            (12, Some(401), Some("JWT_EXPIRED")),
            (7, Some(502), Some("FUNCTION_ERROR")),
            (3, Some(404), Some("NO_ROUTE_MATCHED")),
            (1, Some(418), Some("FUNCTION_RETURNED_STATUS")),
        ]
    );
    assert_eq!(causes[1].route_key.as_deref(), Some("GET /orders"));
    assert!(!causes[1].title.is_empty());
}

fn series(id: &str, points: &[(i64, f64)]) -> MetricSeries {
    MetricSeries {
        id: id.into(),
        points: points.to_vec(),
        status: SeriesStatus::Complete,
        message: None,
    }
}

#[test]
fn the_report_sorts_routes_by_failure_and_the_gate_finds_breaches() {
    let apis = vec![
        api("calm", Protocol::Http, true),
        api("burning", Protocol::Http, true),
    ];
    let w = window();
    let p = plan(&apis, None, &w, Depth::Full);
    let mut answers = Vec::new();
    for q in &p.queries {
        let d = &q.query;
        let burning = d.dimension("ApiId") == Some("burning");
        let post = d.dimension("Route") == Some("POST /orders");
        let v = match (d.metric.as_str(), d.stat) {
            ("Count", _) => 10.0,
            ("5xx", _) if burning && (post || d.dimension("Route").is_none()) => 4.0,
            ("4xx", _) if burning => 1.0,
            ("Latency", Stat::P99) => 900.0,
            ("Latency", Stat::P50) => 40.0,
            ("Errors", _) => 2.0,
            _ => 0.0,
        };
        answers.push(series(&d.id, &[(w.start_s, v), (w.start_s + 60, v)]));
    }
    // A failed query is a note, not an error.
    answers[0].status = SeriesStatus::Forbidden;
    answers[0].message = Some("denied".into());
    let mut notes = Vec::new();
    let report = assemble(&apis, None, &p, &answers, &w, &mut notes);
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("denied"));
    assert_eq!(report[0].api_id, "burning");
    let s = &report[0].stages[0];
    assert_eq!(s.traffic.total_5xx, 8.0);
    assert_eq!(s.traffic.requests.len(), 5);
    assert_eq!(s.traffic.requests[..3], [Some(10.0), Some(10.0), None]);
    assert_eq!(s.traffic.worst_p99_ms, Some(900.0));
    assert_eq!(s.routes[0].route_key, "POST /orders");
    assert_eq!(s.routes[0].traffic.rate_5xx(), Some(0.4));
    assert_eq!(s.functions.len(), 1);
    assert_eq!(s.functions[0].function, "orders-fn");
    assert_eq!(s.functions[0].routes, ["GET /orders", "POST /orders"]);
    assert_eq!(s.functions[0].total_errors, 4.0);
    let b = breaches(&report, 0.1);
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].route_key.as_deref(), Some("POST /orders"));
    assert!(breaches(&report, 0.5).is_empty());
}

#[test]
fn a_function_whose_metrics_failed_is_still_listed_without_numbers() {
    let apis = vec![api("a1", Protocol::Http, true)];
    let w = window();
    let p = plan(&apis, None, &w, Depth::Full);
    let mut notes = Vec::new();
    // No answers at all (the GetMetricData call was denied).
    let report = assemble(&apis, None, &p, &[], &w, &mut notes);
    let f = &report[0].stages[0].functions;
    assert_eq!(f.len(), 1, "its REPORT lines can still be read");
    assert_eq!(f[0].function, "orders-fn");
    assert_eq!(f[0].invocations, vec![None; w.buckets()]);
    // A plan of stage totals asks nothing about functions: none listed.
    let p = plan(&apis, None, &w, Depth::Stages);
    let report = assemble(&apis, None, &p, &[], &w, &mut notes);
    assert!(report[0].stages[0].functions.is_empty());
}

#[test]
fn windows_round_to_whole_periods() {
    let w = Window::ending_at(3_601, 3600, 60);
    assert_eq!((w.start_s, w.end_s, w.buckets()), (60, 3660, 60));
    assert_eq!(w.bucket_of(59), None);
    assert_eq!(w.bucket_of(60), Some(0));
    assert_eq!(w.bucket_of(3_601), Some(59));
    assert_eq!(w.bucket_of(3_660), None);
}

#[test]
fn a_stage_with_access_logs_off_says_so() {
    let mut a = api("a1", Protocol::Http, true);
    a.stages[0].access_log_settings = Some(AccessLogSettings {
        destination_arn: None,
        format: None,
    });
    let fmt = a.stages[0]
        .access_log_settings
        .as_ref()
        .and_then(|s| s.format.as_deref());
    assert!(query_for(fmt, ApiType::Http).unwrap_err().contains("off"));
}

#[test]
fn the_example_query_finds_one_request_of_the_cause() {
    let q = query_for(Some(HTTP_FORMAT), ApiType::Http).unwrap();
    let cause = crate::domain::health::Cause {
        status: Some(502),
        route_key: Some("GET /orders/{id}".into()),
        ..Default::default()
    };
    assert_eq!(
        super::causes::example_query(&q, &cause),
        "fields @timestamp, @message\n| filter status = 502 and routeKey = \"GET /orders/{id}\"\n| sort @timestamp desc\n| limit 1"
    );
    let rest = r#"{"s":"$context.status","rp":"$context.resourcePath","m":"$context.httpMethod"}"#;
    let q = query_for(Some(rest), ApiType::Rest).unwrap();
    let cause = crate::domain::health::Cause {
        status: Some(404),
        route_key: Some("GET /a\"b".into()),
        ..Default::default()
    };
    assert!(
        super::causes::example_query(&q, &cause)
            .contains("filter s = 404 and rp = \"/a\\\"b\" and m = \"GET\""),
        "{}",
        super::causes::example_query(&q, &cause)
    );
}
