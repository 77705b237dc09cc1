//! Inventory at API Gateway's rate-limit bound (`cargo bench --bench
//! inventory_rate`): 40 HTTP + 10 REST APIs against a fake control plane
//! enforcing AWS's documented account limits (10 requests/s, burst 40;
//! GetResources 5 per 2 s; 429 beyond). Prints the time against the bound
//! (calls beyond the burst / rate), the throttled calls and the APIs lost,
//! for gatescope's limiter and, in the same run, for the loader without it
//! (the peer: what it did before, fixed concurrency and backoff on 429).

#[path = "../tests/support/fake_control_plane.rs"]
mod fake_control_plane;
#[path = "../tests/support/fake_http.rs"]
#[allow(dead_code)]
mod fake_http;

use std::sync::Arc;
use std::time::{Duration, Instant};

use fake_control_plane::{FakeControlPlane, ServerLimits, calls_for, lost};
use gatescope::app::inventory::Loader;
use gatescope::backends::aws::AwsControlPlane;
use gatescope::backends::{BackendInfo, ControlPlane};
use gatescope::engines::rate_limit::{Limits, bound_seconds};

const HTTP: usize = 40;
const REST: usize = 10;

async fn control_plane(url: &str) -> AwsControlPlane {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_credential_types::Credentials::new(
            "testing", "testing", None, None, "bench",
        ))
        .load()
        .await;
    let info = BackendInfo {
        region: Some("us-east-1".into()),
        endpoint: Some(url.into()),
        ..BackendInfo::default()
    };
    AwsControlPlane::new(&sdk, info)
}

struct Run {
    secs: f64,
    answered: u64,
    throttled: u64,
    lost: usize,
}

async fn run(fake: &FakeControlPlane, cp: AwsControlPlane) -> Run {
    fake.reset(ServerLimits::AWS);
    let cp: Arc<dyn ControlPlane> = Arc::new(cp);
    let t = Instant::now();
    let result = Loader::new(cp).load().await;
    let secs = t.elapsed().as_secs_f64();
    let counts = fake.counts();
    let lost = match &result {
        Ok((inv, _)) => lost(inv, HTTP, REST).len(),
        Err(_) => HTTP + REST,
    };
    Run {
        secs,
        answered: counts.answered,
        throttled: counts.throttled,
        lost,
    }
}

fn print(name: &str, r: &Run, bound: f64) {
    let sent = r.answered + r.throttled;
    println!(
        "{name:<28} {:>6.2} s  {:>5.2}x bound  {:>4} calls sent, {:>3} throttled ({:>4.1} %), {} of {} APIs lost",
        r.secs,
        r.secs / bound,
        sent,
        r.throttled,
        100.0 * r.throttled as f64 / sent as f64,
        r.lost,
        HTTP + REST
    );
}

fn main() {
    // `cargo test --benches` runs this binary too: do the real run only under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let fake = FakeControlPlane::start(HTTP, REST, ServerLimits::AWS).await;
        let (calls, get_resources) = calls_for(HTTP, REST);
        let bound = bound_seconds(&Limits::AWS, calls, get_resources);
        println!(
            "{HTTP} HTTP + {REST} REST APIs: {calls} calls ({get_resources} GetResources); bound {bound:.2} s \
             = ({calls} - burst 40) / 10 per s"
        );
        let paced = run(&fake, control_plane(&fake.url).await.with_rate_limits(Limits::AWS)).await;
        print("gatescope (rate limiter)", &paced, bound);
        // Let the fake's buckets refill as an idle account's would.
        tokio::time::sleep(Duration::from_secs(5)).await;
        let unpaced = run(&fake, control_plane(&fake.url).await).await;
        print("peer: no limiter", &unpaced, bound);
    });
}
