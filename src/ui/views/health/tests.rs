//! The Health page over fake metrics and a fake Logs Insights (both
//! deterministic: values depend on the period's place in the window, never
//! on the clock): the region ranking, one API's routes, causes and
//! functions at 160x45 and 80x24, Enter on a cause, numbers on demand.
//! Each snapshot was reviewed by reading it.

use std::sync::Arc;

use async_trait::async_trait;

use super::page::{HealthPage, Section};
use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, QueryRequest, QueryResults, QueryStats, QueryStatus,
};
use crate::backends::{BackendError, LogSource, MetricSource};
use crate::domain::health::{MetricQuery, MetricSeries, SeriesStatus};
use crate::domain::{RawLogEvent, RouteSettings};
use crate::ui::testing::{FakeControl, Harness, fake_backend, harness};
use crate::ui::tests::fixtures;
use crate::ui::views::logs::page::LogsPage;

const FORMAT: &str = r#"{"requestId":"$context.requestId","status":"$context.status","routeKey":"$context.routeKey","integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error","errorType":"$context.error.responseType","functionStatus":"$context.integration.status","integrationStatus":"$context.integrationStatus"}"#;

/// Metrics shaped by the period's place in the window: traffic all along,
/// `GET /orders/{id}` failing in the last ten minutes.
struct FakeMetrics;

#[async_trait]
impl MetricSource for FakeMetrics {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_s: i64,
        end_s: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        let periods = (end_s - start_s) / 60;
        Ok(queries
            .iter()
            .map(|q| {
                let route = q.dimension("Route");
                let failing = route.is_none_or(|r| r == "GET /orders/{id}")
                    && q.dimension("ApiId") == Some("a1b2c3d4e5");
                let points = (0..periods)
                    .filter_map(|i| {
                        let late = i >= periods - 10;
                        let v = match (q.metric.as_str(), q.stat.as_str()) {
                            ("Count", _) => 20.0 + (i % 5) as f64,
                            ("5xx", _) if failing && late => 4.0 + (i % 3) as f64,
                            ("4xx", _) if route.is_none_or(|r| r == "POST /orders") => {
                                (i % 4) as f64
                            }
                            ("Latency", "p50") => 40.0,
                            ("Latency", "p99") => {
                                if failing && late {
                                    2900.0
                                } else {
                                    300.0
                                }
                            }
                            ("Invocations", _) => 20.0,
                            ("Errors", _) if late => 4.0,
                            ("Duration", "p99") => 2800.0,
                            ("Duration", _) => 35.0,
                            _ => return None,
                        };
                        Some((start_s + i * 60, v))
                    })
                    .collect();
                MetricSeries {
                    id: q.id.clone(),
                    points,
                    status: SeriesStatus::Complete,
                    message: None,
                }
            })
            .collect())
    }
}

/// Logs Insights answering the stats query (after one Running poll), and
/// REPORT lines for every function.
#[derive(Default)]
struct FakeLogs {
    polls: std::sync::Mutex<usize>,
}

fn row(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[async_trait]
impl LogSource for FakeLogs {
    async fn filter_events(&self, req: FilterRequest) -> Result<FilterPage, BackendError> {
        let ev = |m: &str| RawLogEvent {
            log_group: req.log_group.clone(),
            log_stream: Some("s".into()),
            message: m.into(),
            ..Default::default()
        };
        Ok(FilterPage {
            events: vec![
                ev(
                    "REPORT RequestId: 00000000-0000-4000-8000-000000000001\tDuration: 2800.00 ms\tBilled Duration: 2800 ms\tMemory Size: 256 MB\tMax Memory Used: 90 MB\tInit Duration: 410.00 ms\t",
                ),
                ev(
                    "REPORT RequestId: 00000000-0000-4000-8000-000000000002\tDuration: 35.00 ms\tBilled Duration: 35 ms\tMemory Size: 256 MB\tMax Memory Used: 91 MB\t",
                ),
                ev(
                    r#"{"level":"INFO","message":"ok","service":"orders","cold_start":false,"function_request_id":"00000000-0000-4000-8000-000000000002"}"#,
                ),
            ],
            next_token: None,
        })
    }
    async fn start_query(&self, req: QueryRequest) -> Result<String, BackendError> {
        assert!(
            req.query
                .contains("stats count(*) as requests by status, routeKey"),
            "{}",
            req.query
        );
        Ok("q1".into())
    }
    async fn query_results(&self, _id: &str) -> Result<QueryResults, BackendError> {
        let mut polls = self.polls.lock().unwrap();
        *polls += 1;
        if *polls == 1 {
            return Ok(QueryResults {
                status: QueryStatus::Running,
                stats: QueryStats::default(),
                rows: vec![],
            });
        }
        Ok(QueryResults {
            status: QueryStatus::Complete,
            stats: QueryStats::default(),
            rows: vec![
                row(&[
                    ("status", "502"),
                    ("routeKey", "GET /orders/{id}"),
                    ("integrationStatus", "200"),
                    (
                        "integrationError",
                        "The Lambda function returned the following error: KeyError 'id'. Unhandled.",
                    ),
                    ("requests", "47"),
                ]),
                row(&[
                    ("status", "400"),
                    ("routeKey", "POST /orders"),
                    ("functionStatus", "400"),
                    ("requests", "12"),
                ]),
                row(&[
                    ("status", "404"),
                    ("routeKey", "-"),
                    ("errorType", "RESOURCE_NOT_FOUND"),
                    ("requests", "3"),
                ]),
            ],
        })
    }
    async fn stop_query(&self, _id: &str) -> Result<(), BackendError> {
        Ok(())
    }
    async fn live_tail(
        &self,
        _: &[String],
        _: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        Err(BackendError::unsupported("live tail"))
    }
    async fn lambda_log_group(&self, f: &str) -> Result<String, BackendError> {
        Ok(format!(
            "/aws/lambda/{}",
            crate::domain::FunctionArn::name_of(f)
        ))
    }
}

async fn started() -> Harness {
    let mut orders = fixtures::orders_api();
    let stage = &mut orders.stages[0];
    stage.default_route_settings = Some(RouteSettings {
        detailed_metrics_enabled: Some(true),
        ..Default::default()
    });
    if let Some(a) = stage.access_log_settings.as_mut() {
        a.format = Some(FORMAT.into());
    }
    let control = FakeControl {
        apis: vec![
            orders,
            fixtures::payments_api(),
            fixtures::legacy_rest_api(),
        ],
        ..Default::default()
    };
    let mut backend = fake_backend(control);
    backend.metrics = Arc::new(FakeMetrics);
    backend.logs = Arc::new(FakeLogs::default());
    let mut h = harness(backend);
    h.start().await;
    h
}

/// Filter the API list down to orders-api (selected).
fn select_orders(h: &mut Harness) {
    h.keys(&["/"]);
    h.type_text("orders-api");
    h.keys(&["<Enter>"]);
}

fn health(h: &Harness) -> &HealthPage {
    h.app
        .top_as::<HealthPage>()
        .expect("the health page is on top")
}

async fn until_done(h: &mut Harness) {
    h.pump_until(std::time::Duration::from_secs(10), |app| {
        app.top_as::<HealthPage>()
            .is_some_and(|p| p.progress.is_none())
    })
    .await;
    h.settle().await;
}

fn fits(screen: &str, w: u16) {
    for line in screen.lines() {
        assert!(line.chars().count() <= w as usize, "wider than {w}: {line}");
    }
}

#[tokio::test]
async fn the_region_ranks_apis_by_5xx_and_enter_opens_one() {
    let mut h = started().await;
    // H on the API list (the first screen): every API, ranked.
    h.render(160, 45);
    h.keys(&["H"]);
    until_done(&mut h).await;
    let p = health(&h);
    assert_eq!(p.section, Section::Apis);
    let r = p.report.as_ref().unwrap();
    assert_eq!(r.apis[0].api_id, "a1b2c3d4e5");
    assert!(r.apis[0].total_5xx() > 0.0);
    // Stage totals only: no Insights, no log reads.
    assert_eq!((r.calls.insights_queries, r.calls.log_reads), (0, 0));
    for (w, ht) in [(160, 45), (80, 24)] {
        let screen = h.render(w, ht);
        fits(&screen, w);
        assert!(screen.contains("orders-api"), "{screen}");
        insta::assert_snapshot!(format!("ranking_{w}x{ht}"), screen);
    }
    h.keys(&["<Enter>"]);
    until_done(&mut h).await;
    assert_eq!(health(&h).api_id.as_deref(), Some("a1b2c3d4e5"));
}

#[tokio::test]
async fn one_api_shows_routes_causes_and_functions() {
    let mut h = started().await;
    // `:health` on the API list: the selected API.
    select_orders(&mut h);
    h.app.run_command("health");
    until_done(&mut h).await;
    let p = health(&h);
    assert_eq!(p.error, None);
    let s = p.stage_health().unwrap();
    assert_eq!(s.routes[0].route_key, "GET /orders/{id}");
    let codes: Vec<&str> = s
        .causes
        .iter()
        .map(|c| c.code.map_or("-", |c| c.as_str()))
        .collect();
    assert_eq!(
        codes,
        [
            "FUNCTION_ERROR",
            "FUNCTION_RETURNED_STATUS",
            "NO_ROUTE_MATCHED"
        ]
    );
    assert_eq!(p.section, Section::Causes);
    let f = &s.functions[0];
    let inv = f.invocation.as_ref().unwrap();
    assert_eq!((inv.invocations, inv.cold_starts), (2, 1));
    for (w, ht) in [(160, 45), (80, 24)] {
        let screen = h.render(w, ht);
        fits(&screen, w);
        assert!(screen.contains("FUNCTION_ERROR"), "{w}x{ht}: {screen}");
        insta::assert_snapshot!(format!("api_{w}x{ht}"), screen);
    }
    // Numbers on demand.
    h.keys(&["<Tab>", "<Tab>", "<Tab>", "n"]);
    assert!(health(&h).numbers);
    let screen = h.render(160, 45);
    assert!(
        screen.contains("6 4 5"),
        "the last 5xx values as numbers: {screen}"
    );
    insta::assert_snapshot!("api_numbers_160x45", screen);
}

#[tokio::test]
async fn enter_on_a_cause_opens_the_logs_filtered_to_it() {
    let mut h = started().await;
    select_orders(&mut h);
    h.app.run_command("health");
    until_done(&mut h).await;
    h.keys(&["<Enter>"]);
    let logs = h.app.top_as::<LogsPage>().expect("the logs page opened");
    assert_eq!(
        crate::ui::page::Page::filter(logs),
        "status:502 route:/orders/{id}"
    );
}

#[test]
fn the_logs_filter_of_a_cause() {
    let c = crate::domain::health::Cause {
        status: Some(401),
        route_key: Some("$default".into()),
        ..Default::default()
    };
    assert_eq!(HealthPage::logs_filter(&c), "status:401");
    let c = crate::domain::health::Cause {
        status: Some(502),
        route_key: Some("GET /a/{b}".into()),
        ..Default::default()
    };
    assert_eq!(HealthPage::logs_filter(&c), "status:502 route:/a/{b}");
}

#[tokio::test]
async fn the_api_list_shows_sparklines_after_the_inventory() {
    let mut h = started().await;
    h.pump_until(std::time::Duration::from_secs(5), |app| {
        !app.shared.sparks.loading && !app.shared.sparks.by_api.is_empty()
    })
    .await;
    let sparks = &h.app.shared.sparks;
    let failing = sparks.get("a1b2c3d4e5").expect("orders-api's sparkline");
    // An hour of minutes; 5xx only in the last ten.
    assert_eq!(failing.requests.len(), 60);
    assert!(failing.errors_5xx[59].unwrap() > 0.0);
    assert_eq!(failing.errors_5xx[49], None);
    assert_eq!(sparks.problem, None);
    for (w, ht) in [(160, 45), (80, 24)] {
        let screen = h.render(w, ht);
        fits(&screen, w);
        insta::assert_snapshot!(format!("api_list_sparks_{w}x{ht}"), screen);
    }
    // Wide: both columns with their numbers; narrow: they go first, named.
    let wide = h.render(160, 45);
    assert!(
        wide.contains("REQUESTS 1H") && wide.contains("5XX 1H"),
        "{wide}"
    );
    let narrow = h.render(80, 24);
    let header = narrow.lines().nth(2).unwrap_or("");
    assert!(header.contains("5XX 1H"), "{narrow}");
    assert!(!header.contains("REQUESTS 1H"), "{narrow}");
    assert!(narrow.contains("hidden: ENDPOINT, REQUESTS 1H"), "{narrow}");
}

/// A metric source that never answers (CloudWatch hanging).
struct Stuck;

#[async_trait]
impl MetricSource for Stuck {
    async fn get_metric_data(
        &self,
        _: &[MetricQuery],
        _: i64,
        _: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        futures::future::pending().await
    }
}

#[tokio::test]
async fn metrics_that_never_answer_never_delay_the_api_list() {
    let control = FakeControl {
        apis: vec![fixtures::orders_api(), fixtures::payments_api()],
        ..Default::default()
    };
    let mut backend = fake_backend(control);
    backend.metrics = Arc::new(Stuck);
    let mut h = harness(backend);
    // Settles: the sparkline load is quiet and does not hold the list.
    h.start().await;
    assert!(h.app.shared.sparks.loading);
    let screen = h.render(160, 45);
    assert!(
        screen.contains("orders-api") && screen.contains("payments"),
        "{screen}"
    );
    assert!(
        !screen.contains("REQUESTS 1H"),
        "no empty columns: {screen}"
    );
}

/// [`FakeMetrics`], counting the GetMetricData calls.
#[derive(Default)]
struct Counting(std::sync::atomic::AtomicUsize);

#[async_trait]
impl MetricSource for Counting {
    async fn get_metric_data(
        &self,
        queries: &[MetricQuery],
        start_s: i64,
        end_s: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        FakeMetrics.get_metric_data(queries, start_s, end_s).await
    }
}

#[tokio::test]
async fn the_sparklines_refresh_every_minute_while_the_api_list_is_shown() {
    use crate::ui::api_sparks::REFRESH;
    use std::sync::atomic::Ordering;
    let control = FakeControl {
        apis: vec![fixtures::orders_api(), fixtures::payments_api()],
        ..Default::default()
    };
    let calls = Arc::new(Counting::default());
    let mut backend = fake_backend(control);
    backend.metrics = calls.clone();
    let mut h = harness(backend);
    h.start().await;
    let wait = std::time::Duration::from_secs(5);
    h.pump_until(wait, |app| {
        !app.shared.sparks.loading && !app.shared.sparks.by_api.is_empty()
    })
    .await;
    let first = calls.0.load(Ordering::SeqCst);
    assert!(first > 0, "the first load asked CloudWatch");
    let t0 = std::time::Instant::now();
    // Not yet a minute old: nothing is asked.
    assert!(!h.app.refresh_sparks(t0 + REFRESH / 2));
    assert_eq!(calls.0.load(Ordering::SeqCst), first);
    // A minute later the list asks again, once, and takes the new numbers.
    let generation = h.app.shared.inventory.generation;
    assert!(h.app.refresh_sparks(t0 + REFRESH));
    assert!(h.app.shared.sparks.loading);
    assert!(
        !h.app.refresh_sparks(t0 + REFRESH * 2),
        "a running load is not started twice"
    );
    h.pump_until(wait, |app| !app.shared.sparks.loading).await;
    let second = calls.0.load(Ordering::SeqCst);
    assert_eq!(
        second,
        2 * first,
        "one more run, as many calls as the first"
    );
    assert!(
        h.app.shared.inventory.generation > generation,
        "the list redraws"
    );
    assert!(h.app.shared.sparks.get("a1b2c3d4e5").is_some());
    // Another page on top: the sparklines are not looked at, not fetched.
    h.keys(&["<Enter>"]);
    assert!(
        h.app
            .top_as::<crate::ui::views::api_list::ApiListPage>()
            .is_none(),
        "Enter opened the API"
    );
    assert!(!h.app.refresh_sparks(t0 + REFRESH * 10));
    assert_eq!(calls.0.load(Ordering::SeqCst), second);
}

/// A metric source that refuses (no cloudwatch:GetMetricData permission).
struct Denied;

#[async_trait]
impl MetricSource for Denied {
    async fn get_metric_data(
        &self,
        _: &[MetricQuery],
        _: i64,
        _: i64,
    ) -> Result<Vec<MetricSeries>, BackendError> {
        Err(BackendError::new(
            crate::backends::ErrorKind::Auth,
            "GetMetricData: not authorized to perform cloudwatch:GetMetricData\u{1b}[31m",
        ))
    }
}

#[tokio::test]
async fn denied_metrics_leave_a_one_line_note_under_the_list() {
    let control = FakeControl {
        apis: vec![fixtures::orders_api()],
        ..Default::default()
    };
    let mut backend = fake_backend(control);
    backend.metrics = Arc::new(Denied);
    let mut h = harness(backend);
    h.start().await;
    h.pump_until(std::time::Duration::from_secs(5), |app| {
        !app.shared.sparks.loading
    })
    .await;
    let screen = h.render(160, 20);
    assert!(
        screen.contains("no sparklines: GetMetricData: not authorized"),
        "{screen}"
    );
    assert!(
        !screen.contains('\u{1b}'),
        "no raw escape reaches the screen"
    );
    assert!(!screen.contains("REQUESTS 1H"), "{screen}");
}
