//! Route throttling as API Gateway describes it: a token bucket per route holding up to
//! `burst` tokens, refilled at `rate` tokens per second; a request without a token gets 429.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Instant;

use crate::domain::{RouteSettings, Stage};

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: Instant,
}

impl TokenBucket {
    /// A full bucket.
    pub fn new(rate: f64, burst: u32, now: Instant) -> Self {
        TokenBucket {
            rate: rate.max(0.0),
            burst: burst as f64,
            tokens: burst as f64,
            last: now,
        }
    }

    /// Take one token if there is one.
    pub(crate) fn try_take(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        self.tokens = (self.tokens + elapsed * self.rate).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The effective limits of one route: its own route settings over the stage default;
/// `None` when neither sets both values (account limits apply, i.e. effectively none here).
pub(crate) fn limits_for(stage: &Stage, settings_key: &[String]) -> Option<(f64, u32)> {
    let own = settings_key
        .iter()
        .find_map(|k| stage.route_settings.get(k));
    let pick = |f: fn(&RouteSettings) -> Option<f64>| {
        own.and_then(f)
            .or_else(|| stage.default_route_settings.as_ref().and_then(f))
    };
    let rate = pick(|s| s.throttling_rate_limit)?;
    let burst = pick(|s| s.throttling_burst_limit.map(f64::from))?;
    Some((rate, burst.max(0.0) as u32))
}

/// Buckets keyed by stage and route, created on first use.
#[derive(Debug, Default)]
pub(crate) struct Throttler {
    buckets: Mutex<HashMap<String, TokenBucket>>,
}

impl Throttler {
    /// True when the request may pass.
    pub(crate) fn admit(&self, key: &str, limits: Option<(f64, u32)>, now: Instant) -> bool {
        let Some((rate, burst)) = limits else {
            return true;
        };
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        buckets
            .entry(key.to_string())
            .or_insert_with(|| TokenBucket::new(rate, burst, now))
            .try_take(now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn bucket_allows_burst_then_refills_at_rate() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(2.0, 3, t0);
        assert!(b.try_take(t0));
        assert!(b.try_take(t0));
        assert!(b.try_take(t0));
        assert!(!b.try_take(t0), "burst of 3 exhausted");
        assert!(!b.try_take(t0 + Duration::from_millis(400)), "0.8 token");
        assert!(
            b.try_take(t0 + Duration::from_millis(500)),
            "1 token after 0.5 s"
        );
        // A long pause refills to the burst, not beyond.
        let later = t0 + Duration::from_secs(60);
        assert!((0..3).all(|_| b.try_take(later)));
        assert!(!b.try_take(later));
    }

    #[test]
    fn zero_burst_rejects_everything() {
        let t0 = Instant::now();
        let mut b = TokenBucket::new(10.0, 0, t0);
        assert!(!b.try_take(t0 + Duration::from_secs(5)));
    }

    #[test]
    fn route_settings_override_stage_defaults() {
        let mut stage = Stage {
            default_route_settings: Some(RouteSettings {
                throttling_rate_limit: Some(100.0),
                throttling_burst_limit: Some(50),
                ..Default::default()
            }),
            ..Default::default()
        };
        stage.route_settings.insert(
            "GET /limited".into(),
            RouteSettings {
                throttling_burst_limit: Some(1),
                ..Default::default()
            },
        );
        assert_eq!(
            limits_for(&stage, &["GET /limited".into()]),
            Some((100.0, 1))
        );
        assert_eq!(
            limits_for(&stage, &["GET /other".into()]),
            Some((100.0, 50))
        );
        assert_eq!(limits_for(&Stage::default(), &["x".into()]), None);
    }

    #[test]
    fn throttler_keeps_one_bucket_per_key() {
        let t = Throttler::default();
        let now = Instant::now();
        assert!(t.admit("a", Some((0.0, 1)), now));
        assert!(!t.admit("a", Some((0.0, 1)), now));
        assert!(t.admit("b", Some((0.0, 1)), now));
        assert!(t.admit("c", None, now));
    }
}
