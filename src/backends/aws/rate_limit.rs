//! The control-plane limiter shared by every inventory call of one account +
//! region (see [`crate::engines::rate_limit`] for its shape): callers reserve
//! a slot, sleep until it comes, and report throttled answers back so the rate
//! adapts.
//!
//! The account is not known without an extra STS call, so the key is the
//! profile + region + endpoint the process was started with: two control
//! planes built from the same configuration share one budget, as they share
//! one account at AWS.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use crate::engines::rate_limit::{Limits, RateLimiter};

/// One account's limiter, with the clock it reads.
#[derive(Debug)]
pub struct SharedLimiter {
    inner: Mutex<RateLimiter>,
    origin: Instant,
}

/// What a limiter saw, for the benchmark and debug logs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterStats {
    pub calls: u64,
    pub throttled: u64,
    /// The adapted rate of all calls, per second.
    pub rate: f64,
}

impl SharedLimiter {
    pub fn new(limits: Limits) -> Arc<Self> {
        Arc::new(SharedLimiter {
            inner: Mutex::new(RateLimiter::new(limits, 0.0)),
            origin: Instant::now(),
        })
    }

    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, RateLimiter> {
        // A panic while holding the lock leaves plain numbers behind: keep going.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for this call's slot (reserved now, so earlier callers go
    /// first). A slot timed before the rate was cut is reserved again.
    pub(crate) async fn acquire(&self, operation: &str) {
        loop {
            let (wait, cuts) = {
                let now = self.now();
                let mut l = self.lock();
                (l.reserve(operation, now), l.cuts)
            };
            if wait <= 0.0 {
                return;
            }
            tokio::time::sleep(Duration::from_secs_f64(wait)).await;
            if self.lock().cuts == cuts {
                return;
            }
        }
    }

    pub fn on_throttled(&self, operation: &str) {
        let now = self.now();
        let mut l = self.lock();
        l.on_throttled(operation, now);
        tracing::debug!(
            operation,
            rate = l.rate(),
            "throttled: control-plane rate lowered"
        );
    }

    pub fn on_success(&self, operation: &str) {
        let now = self.now();
        self.lock().on_success(operation, now);
    }

    pub fn stats(&self) -> LimiterStats {
        let l = self.lock();
        LimiterStats {
            calls: l.reserved,
            throttled: l.throttled,
            rate: l.rate(),
        }
    }
}

/// The limiter of one account + region, created on first use with AWS's
/// documented limits.
pub(crate) fn for_account(profile: Option<&str>, region: Option<&str>) -> Arc<SharedLimiter> {
    static ALL: OnceLock<Mutex<HashMap<String, Arc<SharedLimiter>>>> = OnceLock::new();
    let key = format!("{}\n{}", profile.unwrap_or(""), region.unwrap_or(""));
    let mut all = ALL
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner());
    all.entry(key)
        .or_insert_with(|| SharedLimiter::new(Limits::AWS))
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_limiter_per_profile_and_region() {
        let a = for_account(Some("p"), Some("eu-west-1"));
        let b = for_account(Some("p"), Some("eu-west-1"));
        let c = for_account(Some("p"), Some("us-east-1"));
        assert!(Arc::ptr_eq(&a, &b));
        assert!(!Arc::ptr_eq(&a, &c));
    }

    #[tokio::test]
    async fn callers_past_the_burst_wait_their_turn() {
        let l = SharedLimiter::new(Limits {
            burst: 2.0,
            rate: 20.0,
            ..Limits::AWS
        });
        let start = Instant::now();
        for _ in 0..4 {
            l.acquire("GetStages").await;
        }
        // Two at once, then one every 50 ms.
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(95), "{waited:?}");
        l.on_throttled("GetStages");
        assert_eq!(l.stats().throttled, 1);
        assert_eq!(l.stats().calls, 4);
        assert_eq!(l.stats().rate, 10.0);
    }
}
