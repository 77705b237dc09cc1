//! Triage metrics against moto: datapoints put with boto3 `PutMetricData`
//! (API Gateway's per-route dimensions, as AWS publishes them with detailed
//! metrics on), read back through the real AWS [`MetricSource`]
//! (`GetMetricData` over the wire, AWS Query protocol) with `Sum`, `Average`
//! and `Maximum`, and assembled into the per-route report. Percentiles are
//! left to `health_fake.rs`: moto 5.2.5 fails a whole call that asks for one.

mod support;

use gatescope::backends::aws::metrics::AwsMetrics;
use gatescope::backends::metric_source::MetricSource;
use gatescope::domain::health::{MetricQuery, MetricSeries, SeriesStatus, Stat, Window};
use gatescope::domain::{Api, Integration, Protocol, Route, RouteSettings, Stage};
use gatescope::engines::health::assemble::assemble;
use gatescope::engines::health::plan::{Depth, MAX_QUERIES_PER_CALL, plan};

/// Puts the spec's datapoints: `[[metric, {dim: value}, epoch_s, [values]], ...]`.
const SEED: &str = r#"
import boto3, datetime, json, sys
cw = boto3.client("cloudwatch")
data = []
for metric, dims, t, values in json.loads(sys.argv[1]):
    data.append({"MetricName": metric,
        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
        "Timestamp": datetime.datetime.fromtimestamp(t, datetime.timezone.utc),
        "Values": values})
for i in range(0, len(data), 20):
    cw.put_metric_data(Namespace="AWS/ApiGateway", MetricData=data[i:i + 20])
"#;

const API: &str = "a1b2c3";

fn route_dims(route: &str) -> serde_json::Value {
    serde_json::json!({"ApiId": API, "Stage": "prod", "Route": route})
}

fn stage_dims() -> serde_json::Value {
    serde_json::json!({"ApiId": API, "Stage": "prod"})
}

/// A window of ten minutes ending at the current minute, and its start.
fn window() -> Window {
    Window::ending_at(chrono::Utc::now().timestamp(), 600, 60)
}

/// Seeds, per period `b` (minute starts from the window's start):
/// `GET /pets` 3 requests in b+1 (as 1 + 2 datapoints), 2 in b+2, one 5xx in
/// b+1 and latencies 10/30/50 ms in b+1; `POST /pets` 4 requests in b+3, no
/// errors; stage totals to match.
fn seed(moto: &support::Moto, w: &Window) {
    let b = w.start_s;
    let spec = serde_json::json!([
        ["Count", route_dims("GET /pets"), b + 60 + 5, [1.0]],
        ["Count", route_dims("GET /pets"), b + 60 + 30, [2.0]],
        ["Count", route_dims("GET /pets"), b + 120 + 1, [2.0]],
        ["5xx", route_dims("GET /pets"), b + 60 + 40, [1.0]],
        ["4xx", route_dims("GET /pets"), b + 60 + 40, [0.0]],
        [
            "Latency",
            route_dims("GET /pets"),
            b + 60 + 10,
            [10.0, 30.0, 50.0]
        ],
        ["Count", route_dims("POST /pets"), b + 180 + 2, [4.0]],
        ["5xx", route_dims("POST /pets"), b + 180 + 2, [0.0]],
        ["Count", stage_dims(), b + 60 + 5, [3.0]],
        ["Count", stage_dims(), b + 120 + 1, [2.0]],
        ["Count", stage_dims(), b + 180 + 2, [4.0]],
        ["5xx", stage_dims(), b + 60 + 40, [1.0]],
    ]);
    moto.python(SEED, &[&spec.to_string()]);
}

async fn source(moto: &support::Moto) -> AwsMetrics {
    let url = moto.url();
    AwsMetrics::new(
        &support::aws::sdk_config(&url, false).await,
        support::aws::backend_info(&url),
    )
}

fn query(id: &str, metric: &str, route: &str, stat: Stat) -> MetricQuery {
    MetricQuery {
        id: id.into(),
        namespace: "AWS/ApiGateway".into(),
        metric: metric.into(),
        dimensions: vec![
            ("ApiId".into(), API.into()),
            ("Stage".into(), "prod".into()),
            ("Route".into(), route.into()),
        ],
        stat,
        period_s: 60,
    }
}

fn by_id<'a>(answers: &'a [MetricSeries], id: &str) -> &'a MetricSeries {
    answers
        .iter()
        .find(|s| s.id == id)
        .unwrap_or_else(|| panic!("no series {id} in {answers:?}"))
}

#[tokio::test(flavor = "multi_thread")]
async fn sum_average_and_maximum_per_route_come_back_per_period() {
    let moto = support::Moto::start();
    let w = window();
    seed(&moto, &w);
    let metrics = source(&moto).await;
    let queries = vec![
        query("getcount", "Count", "GET /pets", Stat::Sum),
        query("get5xx", "5xx", "GET /pets", Stat::Sum),
        query("getavg", "Latency", "GET /pets", Stat::Average),
        query("getmax", "Latency", "GET /pets", Stat::Maximum),
        query("postcount", "Count", "POST /pets", Stat::Sum),
        query("postmax", "Count", "POST /pets", Stat::Maximum),
        // A route nobody called: an empty series, still complete.
        query("idle", "Count", "DELETE /pets", Stat::Sum),
    ];
    let answers = metrics
        .get_metric_data(&queries, w.start_s, w.end_s)
        .await
        .expect("GetMetricData on moto");
    assert_eq!(answers.len(), queries.len(), "one series per query");
    let b = w.start_s;
    let points = |id: &str| by_id(&answers, id).points.clone();
    // Datapoints of one period are summed; timestamps are period starts.
    assert_eq!(points("getcount"), vec![(b + 60, 3.0), (b + 120, 2.0)]);
    assert_eq!(points("get5xx"), vec![(b + 60, 1.0)]);
    assert_eq!(points("getavg"), vec![(b + 60, 30.0)]);
    assert_eq!(points("getmax"), vec![(b + 60, 50.0)]);
    assert_eq!(points("postcount"), vec![(b + 180, 4.0)]);
    assert_eq!(points("postmax"), vec![(b + 180, 4.0)]);
    assert!(points("idle").is_empty());
    for s in &answers {
        assert_eq!(s.status, SeriesStatus::Complete, "{s:?}");
    }
    // Another route's dimensions never leak into a series: a window that
    // ends before POST's datapoint has none of it.
    let early = metrics
        .get_metric_data(&queries[4..5], w.start_s, b + 180)
        .await
        .expect("GetMetricData on moto");
    assert!(early[0].points.is_empty(), "{early:?}");
}

fn pets_api() -> Api {
    let route = |key: &str| Route {
        route_key: key.into(),
        integration: Some(Integration {
            integration_type: Some("AWS_PROXY".into()),
            uri: Some("arn:aws:lambda:us-east-1:123456789012:function:pets".into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    Api {
        id: API.into(),
        name: "pets".into(),
        protocol: Some(Protocol::Http),
        routes: vec![route("POST /pets"), route("GET /pets")],
        stages: vec![Stage {
            stage_name: "prod".into(),
            default_route_settings: Some(RouteSettings {
                detailed_metrics_enabled: Some(true),
                ..Default::default()
            }),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

/// The triage's own plan (its dimension names and values) fetched through
/// the AWS source and assembled: routes sorted by failure with the seeded
/// totals. Only the percentile queries are dropped (moto cannot answer them).
#[tokio::test(flavor = "multi_thread")]
async fn the_planned_queries_assemble_into_routes_sorted_by_failure() {
    let moto = support::Moto::start();
    let w = window();
    seed(&moto, &w);
    let metrics = source(&moto).await;
    let apis = vec![pets_api()];
    let p = plan(&apis, None, &w, Depth::Full);
    let asked: Vec<MetricQuery> = p
        .queries
        .iter()
        .filter(|q| !matches!(q.query.stat, Stat::P50 | Stat::P90 | Stat::P99))
        .map(|q| q.query.clone())
        .collect();
    assert!(
        asked.len() < p.queries.len(),
        "the plan asks for percentiles"
    );
    let mut answers = Vec::new();
    for batch in asked.chunks(MAX_QUERIES_PER_CALL) {
        answers.extend(
            metrics
                .get_metric_data(batch, w.start_s, w.end_s)
                .await
                .expect("GetMetricData on moto"),
        );
    }
    let mut notes = Vec::new();
    let report = assemble(&apis, None, &p, &answers, &w, &mut notes);
    assert!(notes.is_empty(), "{notes:?}");
    let stage = &report[0].stages[0];
    assert!(stage.detailed_metrics);
    assert_eq!(stage.traffic.total_requests, 9.0);
    assert_eq!(stage.traffic.total_5xx, 1.0);
    let routes: Vec<(&str, f64, f64)> = stage
        .routes
        .iter()
        .map(|r| {
            (
                r.route_key.as_str(),
                r.traffic.total_requests,
                r.traffic.total_5xx,
            )
        })
        .collect();
    // GET has the 5xx: first, although POST has more requests.
    assert_eq!(
        routes,
        vec![("GET /pets", 5.0, 1.0), ("POST /pets", 4.0, 0.0)]
    );
    let get = &stage.routes[0].traffic;
    assert_eq!(get.requests.len(), w.buckets());
    assert_eq!(&get.requests[..3], &[None, Some(3.0), Some(2.0)]);
    assert_eq!(get.errors_5xx[1], Some(1.0));
    assert_eq!(get.rate_5xx(), Some(0.2));
}
