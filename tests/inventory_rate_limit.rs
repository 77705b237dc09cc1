//! The inventory against a fake control plane that enforces API Gateway's
//! account limits (429 beyond 10/s burst 40, GetResources 5 per 2 s):
//! gatescope's limiter keeps under them, adapts when the account's budget
//! is smaller than documented (another client spends part of it), and loses
//! nothing either way. Timing targets are the benchmark's job
//! (`benches/inventory_rate.rs`); here only call counts are checked.

mod support;

use std::sync::Arc;

use gatescope::app::inventory::Loader;
use gatescope::backends::ControlPlane;
use gatescope::engines::rate_limit::Limits;
use support::fake_control_plane::{FakeControlPlane, ServerLimits, calls_for, lost};

async fn load(fake: &FakeControlPlane, limits: Limits, http: usize, rest: usize) -> u64 {
    let cp = support::aws::control_plane(&fake.url, None)
        .await
        .with_rate_limits(limits);
    let limiter = cp.rate_limiter().expect("a limiter was set");
    let cp: Arc<dyn ControlPlane> = Arc::new(cp);
    let (inv, problems) = Loader::new(cp).load().await.unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(lost(&inv, http, rest), Vec::<String>::new(), "nothing lost");
    limiter.stats().throttled
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_limiter_stays_within_the_documented_limits() {
    // 2 + 4 x 12 + 3 x 4 = 62 calls: the burst and then ~2 s at the rate,
    // with 4 GetResources (under their own burst of 5).
    let (http, rest) = (12, 4);
    let fake = FakeControlPlane::start(http, rest, ServerLimits::AWS).await;
    let throttled = load(&fake, Limits::AWS, http, rest).await;
    let counts = fake.counts();
    let (calls, _) = calls_for(http, rest);
    assert_eq!(counts.answered, calls, "each call answered once");
    // The headroom absorbs jitter; a 429 or two on a loaded machine is
    // tolerated (the target is under 5 %), a flood is not.
    assert!(
        counts.throttled * 20 <= calls,
        "throttled {} of {calls}",
        counts.throttled
    );
    assert_eq!(throttled, counts.throttled, "the limiter saw every 429");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_resources_keeps_to_five_every_two_seconds() {
    // 8 REST APIs: 8 GetResources, 3 beyond their burst.
    let (http, rest) = (0, 8);
    let fake = FakeControlPlane::start(http, rest, ServerLimits::AWS).await;
    load(&fake, Limits::AWS, http, rest).await;
    let counts = fake.counts();
    assert_eq!(counts.get_resources, rest as u64);
    assert!(counts.throttled <= 1, "throttled {}", counts.throttled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_smaller_budget_than_assumed_is_found_and_nothing_is_lost() {
    // Another client of the account spends half of its budget: 5 requests/s
    // and a burst of 20 are left where gatescope assumes 10 and 40.
    // 2 + 4 x 30 + 3 x 2 = 128 calls; at the assumed rate about half of
    // those past the burst would be refused, round after round.
    let server = ServerLimits {
        rate: 5.0,
        burst: 20.0,
        ..ServerLimits::AWS
    };
    let (http, rest) = (30, 2);
    let fake = FakeControlPlane::start(http, rest, server).await;
    let throttled = load(&fake, Limits::AWS, http, rest).await;
    let counts = fake.counts();
    assert!(throttled > 0, "the fake did throttle");
    assert_eq!(throttled, counts.throttled);
    let (calls, _) = calls_for(http, rest);
    assert_eq!(counts.answered, calls, "retried until answered");
    // The first burst (37 sent, 20 allowed) is refused in part before any
    // answer came back; after that the halved rate fits.
    assert!(
        throttled * 4 < calls,
        "throttled {throttled} of {calls} calls"
    );
}
