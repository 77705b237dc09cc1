//! A whole triage run through the real AWS backend code for what moto
//! cannot answer: percentile stats through GetMetricData (two pages, the
//! first call throttled) and Logs Insights `stats` rows for the top causes
//! (Scheduled → Running → Complete polling, Failed, throttled StartQuery and
//! GetQueryResults), from `tests/support/fake_cloudwatch.rs`; the control
//! plane, the Lambda configurations and the functions' REPORT lines come
//! from moto behind the fake. Checked: the Health report (`app::health`) and
//! `gatescope health --output json` with its `--max-5xx-rate` exit codes.

mod support;

use std::process::Command;
use std::sync::Arc;
use std::time::Duration;

use gatescope::app::health::{self, HealthConfig, HealthRequest};
use gatescope::app::logs::InsightsConfig;
use gatescope::backends::Backend;
use gatescope::backends::aws::metrics::AwsMetrics;
use gatescope::domain::FindingCode;
use gatescope::domain::health::HealthReport;
use gatescope::engines::health::plan::calls_needed;
use serde_json::Value;
use support::fake_cloudwatch::{EXAMPLE_REQUEST, FakeCloudWatch, Script};

/// An HTTP API `shop` (GET /crash → crash, GET /orders → orders) whose stage
/// `prod` has detailed metrics and a JSON access log; the functions' log
/// groups hold REPORT lines (crash: 3 invocations, one cold, one timed out).
const SEED: &str = r#"
import boto3, json, sys, time
now = int(time.time() * 1000) - 120000
logs = boto3.client("logs")
logs.create_log_group(logGroupName="/aws/apigw/shop")
lines = {
    "crash": [
        "START RequestId: c1 Version: $LATEST",
        "REPORT RequestId: c1\tDuration: 812.50 ms\tBilled Duration: 813 ms\tMemory Size: 128 MB\tMax Memory Used: 71 MB\tInit Duration: 240.10 ms",
        "REPORT RequestId: c2\tDuration: 20.00 ms\tBilled Duration: 20 ms\tMemory Size: 128 MB\tMax Memory Used: 75 MB",
        "2026-12-05T09:00:00.000Z 6f1c2a9e-3b4d-4e5f-8a7b-9c0d1e2f3a4b Task timed out after 3.00 seconds",
        "REPORT RequestId: c3\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 80 MB",
    ],
    "orders": [
        "REPORT RequestId: o1\tDuration: 8.00 ms\tBilled Duration: 8 ms\tMemory Size: 256 MB\tMax Memory Used: 60 MB",
    ],
}
arns = {}
for name, msgs in lines.items():
    arns[name] = create_function(name, timeout=3)
    g = "/aws/lambda/" + name
    logs.create_log_group(logGroupName=g)
    logs.create_log_stream(logGroupName=g, logStreamName="s")
    logs.put_log_events(logGroupName=g, logStreamName="s",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(msgs)])
v2 = boto3.client("apigatewayv2")
api = v2.create_api(Name="shop", ProtocolType="HTTP")
for route, fn in [("GET /crash", "crash"), ("GET /orders", "orders")]:
    uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + arns[fn] + "/invocations"
    i = v2.create_integration(ApiId=api["ApiId"], IntegrationType="AWS_PROXY",
        IntegrationUri=uri, PayloadFormatVersion="2.0")
    v2.create_route(ApiId=api["ApiId"], RouteKey=route, Target="integrations/" + i["IntegrationId"])
fmt = json.dumps({"requestId": "$context.requestId", "status": "$context.status",
    "routeKey": "$context.routeKey", "integrationError": "$context.integrationErrorMessage"})
v2.create_stage(ApiId=api["ApiId"], StageName="prod",
    DefaultRouteSettings={"DetailedMetricsEnabled": True},
    AccessLogSettings={"DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:/aws/apigw/shop",
        "Format": fmt})
print(api["ApiId"])
"#;

struct World {
    moto: support::Moto,
    api_id: String,
}

fn world() -> World {
    let moto = support::Moto::start();
    let api_id = moto.python_with_functions(SEED, &[]).trim().to_string();
    World { moto, api_id }
}

async fn backend(url: &str) -> Backend {
    let sdk = support::aws::sdk_config(url, false).await;
    let info = support::aws::backend_info(url);
    Backend {
        control: support::aws::shared_control_plane(url, Some(support::aws::fast_retry(4))).await,
        logs: gatescope::backends::aws::logs::logs_source(&sdk),
        metrics: Arc::new(
            AwsMetrics::new(&sdk, info.clone()).with_retry_policy(support::aws::fast_retry(4)),
        ),
        calls: Arc::new(gatescope::backends::real_calls::NoRealCalls),
        credentials: None,
        info,
    }
}

fn fast() -> HealthConfig {
    HealthConfig {
        insights: InsightsConfig {
            poll_interval: Duration::from_millis(10),
            max_wait: Duration::from_secs(20),
            max_backoff: Duration::from_millis(40),
            start_attempts: 3,
        },
        ..HealthConfig::default()
    }
}

/// The report and what could not be read (the problems `gatescope health`
/// reports with exit 1).
fn run(url: &str, api_id: &str) -> (HealthReport, Vec<String>) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let backend = backend(url).await;
        let req = HealthRequest::last(Some(api_id.into()), None, Duration::from_secs(3600));
        let (report, problems) = health::run_for(
            &backend,
            &req,
            &fast(),
            tokio_util::sync::CancellationToken::new(),
        )
        .await
        .expect("health run");
        (report, problems)
    })
}

fn last3(s: &[Option<f64>]) -> Vec<Option<f64>> {
    s[s.len() - 3..].to_vec()
}

#[test]
fn percentiles_causes_and_invocation_health_through_the_aws_backend() {
    let w = world();
    let fake = FakeCloudWatch::start(
        &w.moto.url(),
        Script {
            throttle_metrics: 1,
            throttle_start_query: 1,
            throttle_results: 1,
            ..Script::default()
        },
    );
    let (report, problems) = run(&fake.url(), &w.api_id);
    assert!(problems.is_empty(), "{problems:?}");
    let seen = fake.seen();

    // Metrics: one GetMetricData call for every query (ceil(n/500)), after
    // one throttled attempt, answered in two pages.
    let n = report.calls.metric_queries;
    assert_eq!(report.calls.get_metric_data, calls_needed(n));
    assert_eq!(seen.queries_per_call, vec![n]);
    assert_eq!((seen.metric_throttled, seen.metric_calls), (1, 2));
    // Latency p50/p99 for the stage and two routes, Duration p50/p99 for
    // two functions, asked by their wire names.
    assert_eq!(seen.stats.get("p50"), Some(&5), "{:?}", seen.stats);
    assert_eq!(seen.stats.get("p99"), Some(&5), "{:?}", seen.stats);
    assert_eq!(seen.stats.get("Maximum"), Some(&2), "{:?}", seen.stats);
    assert!(report.notes.is_empty(), "{:?}", report.notes);

    let api = &report.apis[0];
    assert_eq!(api.api_name, "shop");
    let stage = &api.stages[0];
    assert!(stage.detailed_metrics);
    assert!(stage.findings.is_empty(), "{:?}", stage.findings);
    assert_eq!(
        (
            stage.traffic.total_requests,
            stage.traffic.total_4xx,
            stage.traffic.total_5xx
        ),
        (90.0, 6.0, 18.0)
    );
    assert_eq!(stage.traffic.worst_p99_ms, Some(1000.0));
    // Routes by failure: the 5xx route first though it has fewer requests.
    let keys: Vec<&str> = stage.routes.iter().map(|r| r.route_key.as_str()).collect();
    assert_eq!(keys, vec!["GET /crash", "GET /orders"]);
    let crash = &stage.routes[0].traffic;
    assert_eq!(crash.rate_5xx(), Some(0.6));
    assert_eq!(
        last3(&crash.latency_p99),
        vec![Some(900.0), Some(950.0), Some(1000.0)]
    );
    assert_eq!(last3(&crash.latency_p50), vec![Some(20.0); 3]);
    assert_eq!(last3(&crash.errors_5xx), vec![Some(6.0); 3]);
    let orders = &stage.routes[1].traffic;
    assert_eq!(orders.worst_p99_ms, Some(80.0));

    // Functions: CloudWatch numbers and the REPORT lines (read from moto).
    let f = |name: &str| {
        stage
            .functions
            .iter()
            .find(|f| f.function == name)
            .unwrap_or_else(|| panic!("no function {name}: {:?}", stage.functions))
    };
    let c = f("crash");
    assert_eq!((c.total_invocations, c.total_errors), (30.0, 18.0));
    assert_eq!(last3(&c.duration_p99), vec![Some(850.0); 3]);
    assert_eq!(c.max_concurrency, Some(3.0));
    let inv = c.invocation.as_ref().expect("crash's REPORT lines");
    assert_eq!((inv.invocations, inv.cold_starts, inv.timeouts), (3, 1, 1));
    assert_eq!(inv.init_p50_ms, Some(240.1));
    assert_eq!(inv.max_memory_used_mb, Some(80));
    assert_eq!(inv.memory_size_mb, Some(128));
    assert_eq!(inv.function_timeout_s, Some(3.0));
    assert_eq!(
        f("orders").invocation.as_ref().map(|i| i.invocations),
        Some(1)
    );

    // Causes: the stats query built from the stage's format, polled through
    // Scheduled and Running (and a throttled poll) to Complete.
    assert_eq!(report.calls.insights_queries, 1);
    let q = stage.causes_info.query.as_deref().expect("a causes query");
    assert!(
        q.contains("stats count(*) as requests by status, routeKey, integrationError"),
        "{q}"
    );
    assert!(
        stage
            .causes_info
            .missing_fields
            .contains(&"$context.authorizer.error".to_string()),
        "{:?}",
        stage.causes_info.missing_fields
    );
    assert_eq!((seen.start_throttled, seen.start_query), (1, 2));
    assert_eq!(seen.results_throttled, 1);
    assert!(seen.results_calls >= 4, "{seen:?}");
    let causes: Vec<String> = stage
        .causes
        .iter()
        .map(|c| format!("{} {:?} {:?} {:?}", c.count, c.status, c.route_key, c.code))
        .collect();
    assert_eq!(
        causes,
        vec![
            format!(
                "18 Some(500) Some(\"GET /crash\") {:?}",
                Some(FindingCode::FunctionError)
            ),
            format!("6 Some(404) None {:?}", Some(FindingCode::NoRouteMatched)),
        ]
    );

    // The doctor key's example: the most recent request of the 500 cause.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (found, none) = rt.block_on(async {
        let backend = backend(&fake.url()).await;
        let (apis, _) = health::load_apis(&backend, Some(&w.api_id)).await.unwrap();
        let window = report.window.unwrap();
        let cfg = fast();
        let ex = |i: usize| {
            health::example_request(&backend, &apis[0], "prod", &stage.causes[i], &window, &cfg)
        };
        (ex(0).await.unwrap(), ex(1).await.unwrap())
    });
    assert_eq!(found.as_deref(), Some(EXAMPLE_REQUEST));
    assert_eq!(none, None, "the 404 cause has no example in the fake");
}

#[test]
fn a_failed_causes_query_and_denied_metrics_are_said_not_hidden() {
    let w = world();
    let fake = FakeCloudWatch::start(
        &w.moto.url(),
        Script {
            // More throttling than the retry policy waits out.
            throttle_metrics: 100,
            insights_fail: true,
            ..Script::default()
        },
    );
    let (report, problems) = run(&fake.url(), &w.api_id);
    let stage = &report.apis[0].stages[0];
    // Both are problems: what was asked for could not be read.
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("metrics could not be read") && p.contains("throttl")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains(" prod: the causes of errors: ")),
        "{problems:?}"
    );
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.starts_with("metrics:") && n.contains("throttl")),
        "{:?}",
        report.notes
    );
    assert_eq!(
        fake.seen().metric_throttled,
        4,
        "four attempts, then a note"
    );
    // No numbers rather than zeros.
    assert_eq!(stage.traffic.total_requests, 0.0);
    assert!(stage.traffic.requests.iter().all(Option::is_none));
    assert!(stage.causes.is_empty());
    let note = stage.causes_info.note.as_deref().unwrap_or("");
    assert!(note.contains("failed"), "{note}");
    // The REPORT lines still tell the functions' story.
    let crash = stage
        .functions
        .iter()
        .find(|f| f.function == "crash")
        .unwrap();
    assert_eq!(crash.invocation.as_ref().map(|i| i.invocations), Some(3));
}

fn cli(url: &str, args: &[&str]) -> (Option<i32>, Value, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(support::gatescope_bin())
        .args(["health"])
        .args(args)
        .args(["--output", "json"])
        .env("GATESCOPE_HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run gatescope health");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json: Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}"));
    (
        out.status.code(),
        json,
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn gatescope_health_json_gates_on_the_5xx_rate() {
    let w = world();
    let fake = FakeCloudWatch::start(&w.moto.url(), Script::default());
    let url = fake.url();

    // 60% of GET /crash failed: a 5% gate fails the run.
    let (code, json, stderr) = cli(&url, &[&w.api_id, "--max-5xx-rate", "5%"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(json["max5xxRate"], 0.05);
    let breaches = json["breaches"].as_array().unwrap();
    assert_eq!(breaches.len(), 1, "{breaches:?}");
    assert_eq!(breaches[0]["routeKey"], "GET /crash");
    assert_eq!(breaches[0]["rate"], 0.6);
    assert!(
        stderr.contains("GET /crash: 5xx rate 60.0% is above 5.0%"),
        "{stderr}"
    );
    let stage = &json["apis"][0]["stages"][0];
    assert_eq!(stage["traffic"]["worstP99Ms"], 1000.0);
    assert_eq!(stage["causes"][0]["code"], "FUNCTION_ERROR");
    assert_eq!(stage["causes"][0]["count"], 18);
    assert_eq!(
        stage["functions"][0]["invocation"]["coldStarts"], 1,
        "{stage}"
    );

    // A 70% gate passes; no gate at all passes too.
    let (code, json, stderr) = cli(&url, &[&w.api_id, "--max-5xx-rate", "0.7"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(json["breaches"].as_array().map(Vec::len), Some(0));
    let (code, _, stderr) = cli(&url, &[&w.api_id]);
    assert_eq!(code, Some(0), "{stderr}");

    // No API named: the region's (here one API, so in full), same gate.
    let (code, json, stderr) = cli(&url, &["--max-5xx-rate", "10%"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(json["apis"][0]["stages"][0]["traffic"]["total5xx"], 18.0);
}

#[test]
fn gatescope_health_exits_1_and_names_what_could_not_be_read() {
    let w = world();
    let fake = FakeCloudWatch::start(
        &w.moto.url(),
        Script {
            throttle_metrics: 100,
            insights_fail: true,
            ..Script::default()
        },
    );
    let (code, json, stderr) = cli(&fake.url(), &[&w.api_id]);
    assert_eq!(code, Some(1), "{stderr}");
    // stdout keeps its shape; stderr carries the problems document.
    assert!(
        json["apis"][0]["stages"][0]["traffic"].is_object(),
        "{json}"
    );
    let doc = stderr
        .lines()
        .find(|l| l.starts_with("{\"problems\""))
        .unwrap_or_else(|| panic!("no problems document: {stderr}"));
    let doc: Value = serde_json::from_str(doc).unwrap();
    let messages: Vec<&str> = doc["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["message"].as_str())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("metrics could not be read")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("the causes of errors")),
        "{messages:?}"
    );
}
