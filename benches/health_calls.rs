//! Triage call counts and time to the first sparkline (`cargo bench --bench
//! health_calls`): 40 HTTP APIs x 20 routes with detailed metrics, through
//! the real AWS metric source against the fake CloudWatch of the tests
//! (`tests/support/fake_cloudwatch.rs`: loopback, every answer in two pages).
//!
//! 1. Every query a full triage of the 40 APIs plans (stages, routes,
//!    functions): GetMetricData calls made vs `ceil(queries/500)`, and the
//!    peer in the same run: one call per query (what GetMetricStatistics,
//!    one metric and stat a call, would need).
//! 2. The API list's sparklines once the inventory is in
//!    (`app::health::totals`): time to the data, against the peer of one
//!    GetMetricData call per API, measured in the same run.

#[path = "../tests/support/fake_cloudwatch.rs"]
mod fake_cloudwatch;
#[path = "../tests/support/fake_http.rs"]
#[allow(dead_code)]
mod fake_http;

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_cloudwatch::{FakeCloudWatch, Script};
use futures::StreamExt;
use gatescope::app::health::{self, HealthConfig, HealthRequest};
use gatescope::backends::aws::metrics::AwsMetrics;
use gatescope::backends::{Backend, BackendInfo, MetricSource};
use gatescope::domain::health::Window;
use gatescope::domain::{Api, Integration, Protocol, Route, RouteSettings, Stage};
use gatescope::engines::health::plan::{Depth, calls_needed, plan};

const APIS: usize = 40;
const ROUTES: usize = 20;
const RUNS: usize = 5;

fn apis() -> Vec<Api> {
    (0..APIS)
        .map(|i| Api {
            id: format!("a{i:05}"),
            name: format!("bench-{i}"),
            protocol: Some(Protocol::Http),
            routes: (0..ROUTES)
                .map(|r| Route {
                    route_key: format!("GET /r{r}/{{id}}"),
                    integration: Some(Integration {
                        integration_type: Some("AWS_PROXY".into()),
                        uri: Some(format!(
                            "arn:aws:lambda:us-east-1:123456789012:function:bench-{i}"
                        )),
                        ..Integration::default()
                    }),
                    ..Route::default()
                })
                .collect(),
            stages: vec![Stage {
                stage_name: "prod".into(),
                default_route_settings: Some(RouteSettings {
                    detailed_metrics_enabled: Some(true),
                    ..RouteSettings::default()
                }),
                ..Stage::default()
            }],
            details_loaded: true,
            ..Api::default()
        })
        .collect()
}

async fn sdk(url: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "bench",
        ))
        .load()
        .await
}

fn info(url: &str) -> BackendInfo {
    BackendInfo {
        region: Some("us-east-1".into()),
        endpoint: Some(url.into()),
        ..BackendInfo::default()
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    // `cargo test --benches` runs this with `--bench` absent: do nothing then.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let apis = apis();
        let window = Window::ending_at(chrono::Utc::now().timestamp(), 3600, 60);

        // 1. Call count of a full plan.
        let full = plan(&apis, None, &window, Depth::Full);
        let n = full.queries.len();
        let fake = FakeCloudWatch::start("http://127.0.0.1:9", Script::default());
        let url = fake.url();
        let metrics: Arc<dyn MetricSource> = Arc::new(AwsMetrics::new(&sdk(&url).await, info(&url)));
        let t = Instant::now();
        let answers: Vec<_> = futures::stream::iter(full.batches())
            .map(|b| {
                let m = metrics.clone();
                async move { m.get_metric_data(&b, window.start_s, window.end_s).await }
            })
            .buffer_unordered(4)
            .collect()
            .await;
        let took = t.elapsed();
        let series: usize = answers.iter().map(|a| a.as_ref().map_or(0, Vec::len)).sum();
        let seen = fake.seen();
        let calls = seen.queries_per_call.len();
        println!(
            "full triage of {APIS} APIs x {ROUTES} routes: {n} metric queries, {calls} GetMetricData calls \
             (ceil(n/500) = {}; {} pages), {series} series back, {:.0} ms",
            calls_needed(n),
            seen.metric_calls,
            ms(took)
        );
        assert_eq!(calls, calls_needed(n), "batched at 500 queries a call");
        assert_eq!(series, n, "one series per query");
        println!(
            "peer, one call per query: {n} calls => {:.0}x fewer calls",
            n as f64 / calls as f64
        );

        // 2. Sparklines after the inventory: batched vs one call per API.
        let backend = Backend {
            info: info(&url),
            control: Arc::new(gatescope::backends::aws::AwsControlPlane::new(
                &sdk(&url).await,
                info(&url),
            )),
            logs: gatescope::backends::aws::logs::logs_source(&sdk(&url).await),
            metrics: metrics.clone(),
            calls: Arc::new(gatescope::backends::real_calls::NoRealCalls),
            credentials: None,
        };
        let req = HealthRequest::last(None, None, Duration::from_secs(3600));
        let cfg = HealthConfig::default();
        let mut ours = Vec::new();
        let mut peer = Vec::new();
        for _ in 0..RUNS {
            let before = fake.seen().queries_per_call.len();
            let t = Instant::now();
            let r = health::totals(
                &backend,
                &apis,
                &req,
                &cfg,
                tokio_util::sync::CancellationToken::new(),
            )
            .await
            .expect("totals");
            ours.push(ms(t.elapsed()));
            assert_eq!(r.apis.len(), APIS);
            assert!(r.apis.iter().all(|a| a.total_requests() > 0.0));
            let made = fake.seen().queries_per_call.len() - before;
            assert_eq!(made, calls_needed(r.calls.metric_queries));

            // The peer: the same stage totals, one GetMetricData call per API
            // (4 at a time, as ours).
            let stage_plan = plan(&apis, None, &window, Depth::Stages);
            let per_api: Vec<Vec<_>> = apis
                .iter()
                .map(|a| {
                    stage_plan
                        .queries
                        .iter()
                        .filter(|q| q.query.dimension("ApiId") == Some(a.id.as_str()))
                        .map(|q| q.query.clone())
                        .collect()
                })
                .collect();
            let t = Instant::now();
            let done: Vec<_> = futures::stream::iter(per_api)
                .map(|b| {
                    let m = metrics.clone();
                    async move { m.get_metric_data(&b, window.start_s, window.end_s).await }
                })
                .buffer_unordered(4)
                .collect()
                .await;
            peer.push(ms(t.elapsed()));
            assert!(done.iter().all(Result::is_ok));
        }
        let (ours, peer) = (median(ours), median(peer));
        println!(
            "first sparkline after the inventory ({APIS} APIs, median of {RUNS}): {ours:.1} ms \
             in {} call(s); peer, one call per API: {peer:.1} ms in {APIS} calls => {:.1}x",
            calls_needed(APIS * 5),
            peer / ours
        );
        assert!(ours < 1000.0, "the first sparkline within 1 s of the inventory");
    });
}
