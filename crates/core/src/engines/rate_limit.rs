//! A client-side limiter shaped like API Gateway's documented control-plane
//! limits (reference §control-plane rate limits, [DOC limits]): per account,
//! 10 requests/s with a burst of 40 for all calls, and `GetResources` at 5
//! requests every 2 seconds on top.
//!
//! Callers *reserve* a slot and wait until it comes: reservations are served
//! in the order they were made, so the API list and the first APIs' details
//! (reserved first) go first, and no caller spins. The rate adapts: a
//! throttled answer halves it (at most once a second: the other calls in
//! flight were sent at the same rate and their 429s say nothing new) and
//! empties the burst (AWS's real budget is shared with other clients of the
//! account); each success gives back a hundredth of the nominal rate, up to
//! the nominal rate.
//!
//! Pure: the caller passes the clock (seconds as `f64` since any origin).

/// A token bucket: `capacity` tokens, refilled at `rate` per second.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bucket {
    pub capacity: f64,
    pub rate: f64,
    /// May go negative: slots already promised to waiting callers.
    tokens: f64,
    last: f64,
}

impl Bucket {
    /// A full bucket at time `now`.
    pub fn new(capacity: f64, rate: f64, now: f64) -> Self {
        Bucket {
            capacity,
            rate,
            tokens: capacity,
            last: now,
        }
    }

    fn refill(&mut self, now: f64) {
        if now > self.last {
            self.tokens = (self.tokens + (now - self.last) * self.rate).min(self.capacity);
            self.last = now;
        }
    }

    /// Take one token; returns the seconds to wait until it is really there.
    pub fn reserve(&mut self, now: f64) -> f64 {
        self.refill(now);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            0.0
        } else {
            -self.tokens / self.rate
        }
    }

    /// Tokens available now (negative: promised ahead).
    #[cfg(test)]
    fn available(&mut self, now: f64) -> f64 {
        self.refill(now);
        self.tokens
    }

    /// Forget the burst: whatever is left is not to be trusted.
    fn drain(&mut self, now: f64) {
        self.refill(now);
        self.tokens = self.tokens.min(0.0);
    }
}

/// The documented limits of one account (all of them per account and region).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Requests per second for all control-plane calls.
    pub rate: f64,
    /// Burst for all calls.
    pub burst: f64,
    /// `GetResources`: requests per second and burst (5 every 2 s).
    pub get_resources_rate: f64,
    pub get_resources_burst: f64,
    /// The adaptive rate never goes below this fraction of `rate`.
    pub min_fraction: f64,
    /// Tokens of the burst left unspent: AWS counts a call when it arrives,
    /// we when we send it, and network jitter between the two would otherwise
    /// turn a call sent right on time into a 429.
    pub headroom: f64,
}

impl Limits {
    /// API Gateway's documented account-level control-plane limits.
    pub const AWS: Limits = Limits {
        rate: 10.0,
        burst: 40.0,
        get_resources_rate: 2.5,
        get_resources_burst: 5.0,
        min_fraction: 0.1,
        headroom: 3.0,
    };
}

/// Every control-plane call of one account + region goes through one of these.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    limits: Limits,
    all: Bucket,
    get_resources: Bucket,
    /// Throttled answers seen (for reports and the benchmark).
    pub throttled: u64,
    pub reserved: u64,
    /// When the rate was last halved.
    last_cut: Option<f64>,
    /// How many times it was halved: a caller that reserved before a cut
    /// reserves again (its slot was timed at the old rate).
    pub cuts: u64,
}

impl RateLimiter {
    pub fn new(limits: Limits, now: f64) -> Self {
        RateLimiter {
            all: Bucket::new((limits.burst - limits.headroom).max(1.0), limits.rate, now),
            get_resources: Bucket::new(
                // Its calls are 0.4 s apart: one token absorbs the jitter.
                (limits.get_resources_burst - limits.headroom.min(1.0)).max(1.0),
                limits.get_resources_rate,
                now,
            ),
            limits,
            throttled: 0,
            reserved: 0,
            last_cut: None,
            cuts: 0,
        }
    }

    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The current (adapted) rate of all calls, per second.
    pub fn rate(&self) -> f64 {
        self.all.rate
    }

    /// Reserve a slot for `operation`; returns the seconds to wait before
    /// sending it.
    pub fn reserve(&mut self, operation: &str, now: f64) -> f64 {
        self.reserved += 1;
        let mut wait = 0.0f64;
        if operation == "GetResources" {
            wait = self.get_resources.reserve(now);
        }
        // Both slots are taken now; the call goes when both are there.
        wait.max(self.all.reserve(now))
    }

    /// A call came back throttled: halve the rate and stop bursting.
    pub fn on_throttled(&mut self, operation: &str, now: f64) {
        self.throttled += 1;
        self.all.drain(now);
        if operation == "GetResources" {
            self.get_resources.drain(now);
        }
        if self.last_cut.is_some_and(|t| now - t < 1.0) {
            return;
        }
        self.last_cut = Some(now);
        self.cuts += 1;
        let floor = self.limits.rate * self.limits.min_fraction;
        self.all.refill(now);
        self.all.rate = (self.all.rate / 2.0).max(floor);
        if operation == "GetResources" {
            let floor = self.limits.get_resources_rate * self.limits.min_fraction;
            self.get_resources.refill(now);
            self.get_resources.rate = (self.get_resources.rate / 2.0).max(floor);
            self.get_resources.drain(now);
        }
    }

    /// A call succeeded: give back a hundredth of the nominal rate.
    pub fn on_success(&mut self, operation: &str, now: f64) {
        self.all.refill(now);
        self.all.rate = (self.all.rate + self.limits.rate / 100.0).min(self.limits.rate);
        if operation == "GetResources" {
            self.get_resources.refill(now);
            self.get_resources.rate = (self.get_resources.rate
                + self.limits.get_resources_rate / 100.0)
                .min(self.limits.get_resources_rate);
        }
    }
}

/// The least time `calls` calls can take under `limits` (the burst is spent
/// at once, the rest at the rate): the benchmark's bound.
pub fn bound_seconds(limits: &Limits, calls: u64, get_resources_calls: u64) -> f64 {
    let all = (calls as f64 - limits.burst).max(0.0) / limits.rate;
    let gr = (get_resources_calls as f64 - limits.get_resources_burst).max(0.0)
        / limits.get_resources_rate;
    all.max(gr)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// When each of `n` calls reserved at `t = 0` may go.
    fn schedule(l: &mut RateLimiter, op: &str, n: usize) -> Vec<f64> {
        (0..n).map(|_| l.reserve(op, 0.0)).collect()
    }

    const EXACT: Limits = Limits {
        headroom: 0.0,
        ..Limits::AWS
    };

    #[test]
    fn the_burst_goes_at_once_then_one_call_per_tenth_of_a_second() {
        let mut l = RateLimiter::new(EXACT, 0.0);
        let waits = schedule(&mut l, "GetRoutes", 45);
        assert!(waits[..40].iter().all(|w| *w == 0.0), "{waits:?}");
        for (k, w) in waits[40..].iter().enumerate() {
            assert!((w - 0.1 * (k as f64 + 1.0)).abs() < 1e-9, "{k}: {w}");
        }
    }

    #[test]
    fn get_resources_has_its_own_five_per_two_seconds() {
        let mut l = RateLimiter::new(EXACT, 0.0);
        let waits = schedule(&mut l, "GetResources", 7);
        assert_eq!(&waits[..5], &[0.0; 5]);
        assert!((waits[5] - 0.4).abs() < 1e-9 && (waits[6] - 0.8).abs() < 1e-9);
        // Other operations are not held back by GetResources' own limit.
        assert_eq!(l.reserve("GetStages", 0.0), 0.0);
    }

    #[test]
    fn a_throttle_halves_the_rate_and_successes_bring_it_back() {
        let mut l = RateLimiter::new(EXACT, 0.0);
        schedule(&mut l, "GetRoutes", 40);
        l.on_throttled("GetRoutes", 0.0);
        assert_eq!(l.rate(), 5.0);
        assert!((l.reserve("GetRoutes", 0.0) - 0.2).abs() < 1e-9);
        // The other calls in flight come back throttled too: one cut per second.
        l.on_throttled("GetRoutes", 0.5);
        assert_eq!(l.rate(), 5.0);
        for t in 1..5 {
            l.on_throttled("GetRoutes", t as f64);
        }
        assert_eq!(l.rate(), 1.0, "never below the floor");
        for _ in 0..90 {
            l.on_success("GetRoutes", 5.0);
        }
        assert!((l.rate() - 10.0).abs() < 1e-9, "{}", l.rate());
        l.on_success("GetRoutes", 5.0);
        assert_eq!(l.rate(), 10.0, "back to the nominal rate, not above");
        assert_eq!((l.throttled, l.cuts), (6, 5));
    }

    #[test]
    fn headroom_keeps_part_of_the_burst_unspent() {
        let mut l = RateLimiter::new(Limits::AWS, 0.0);
        let waits = schedule(&mut l, "GetStages", 38);
        assert_eq!(waits.iter().filter(|w| **w == 0.0).count(), 37);
        let mut g = RateLimiter::new(Limits::AWS, 0.0);
        let waits = schedule(&mut g, "GetResources", 5);
        assert_eq!(waits.iter().filter(|w| **w == 0.0).count(), 4);
    }

    #[test]
    fn an_idle_bucket_refills_to_the_burst_only() {
        let mut b = Bucket::new(40.0, 10.0, 0.0);
        for _ in 0..40 {
            b.reserve(0.0);
        }
        assert_eq!(b.available(0.0), 0.0);
        assert_eq!(b.available(1.0), 10.0);
        assert_eq!(b.available(100.0), 40.0);
    }

    #[test]
    fn the_bound_counts_calls_beyond_the_burst() {
        assert_eq!(bound_seconds(&Limits::AWS, 30, 0), 0.0);
        assert!((bound_seconds(&Limits::AWS, 192, 10) - 15.2).abs() < 1e-9);
        assert!((bound_seconds(&Limits::AWS, 50, 30) - 10.0).abs() < 1e-9);
    }
}
