//! Background traffic, so a demo is alive when it opens: a few requests a second across
//! the demo's routes, some of them failing, sent over loopback like any client would
//! (so they leave access-log lines and Lambda logs). Requests are the demo's own
//! scenarios (`assets/demo/scenarios.toml`), a fixed subset that creates nothing and
//! does not touch the throttled or slow routes. They carry the user agent
//! [`USER_AGENT`], so the logs tell them apart from yours. `--quiet` turns them off.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::scenarios::Scenario;

/// The `User-Agent` of background requests (the access log's `ua`).
pub(crate) const USER_AGENT: &str = "gatescope-demo-traffic";

/// Scenarios sent in turn: successes, 4xx and 5xx on both APIs.
const ROTATION: &[&str] = &[
    "orders-list",
    "body-object",
    "orders-get",
    "jwt-expired",
    "rest-orders-list",
    "function-error",
    "orders-get-missing",
    "cors-function-headers-ignored",
    "rest-body-object",
    "jwt-missing-scope",
    "missing-status-code",
    "no-route",
];

/// Time between two background requests (about 2.5 a second).
pub(crate) const INTERVAL: Duration = Duration::from_millis(400);

/// The scenarios of [`ROTATION`] that exist, in its order.
pub(crate) fn rotation(scenarios: &[Scenario]) -> Vec<Scenario> {
    ROTATION
        .iter()
        .filter_map(|name| scenarios.iter().find(|s| s.name == *name).cloned())
        .collect()
}

/// Send the rotation until `stop` is cancelled. Failures to connect are ignored: the
/// gateway is in this process and stops with it.
pub fn spawn(scenarios: &[Scenario], stop: CancellationToken) {
    let plan = rotation(scenarios);
    if plan.is_empty() {
        return;
    }
    tokio::spawn(async move {
        // Built in the task, off the first frame's path; plain http to
        // loopback only, so no TLS roots are loaded (reading the system's CA
        // store was a twentieth of the demo's start-up CPU).
        let Ok(client) = reqwest::Client::builder()
            .timeout(Duration::from_secs(10))
            .no_proxy()
            .tls_certs_only([])
            .user_agent(USER_AGENT)
            .build()
        else {
            return;
        };
        let mut tick = tokio::time::interval(INTERVAL);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        for s in plan.iter().cycle() {
            tokio::select! {
                _ = stop.cancelled() => return,
                _ = tick.tick() => {}
            }
            let Ok(method) = http::Method::from_bytes(s.method.as_bytes()) else {
                continue;
            };
            let mut req = client.request(method, &s.url);
            for (k, v) in &s.headers {
                req = req.header(k, v);
            }
            if let Some(b) = &s.body {
                req = req.body(b.clone());
            }
            // Not awaited in line: one slow answer must not stall the rotation.
            tokio::spawn(async move {
                if let Err(e) = req.send().await {
                    tracing::debug!("demo background request failed: {e}");
                }
            });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_names_existing_scenarios_with_failures_and_no_side_effects() {
        let tokens = super::super::tokens::Issuer::new("http://127.0.0.1:9").demo_tokens(0);
        let bases = [
            ("demohttp01".to_string(), "http://127.0.0.1:1".to_string()),
            ("demorest01".to_string(), "http://127.0.0.1:2".to_string()),
            (
                "api.gatescope-demo.example".to_string(),
                "http://127.0.0.1:3".to_string(),
            ),
        ]
        .into();
        let keys = super::super::config::load_account(super::super::config::APIS_TOML)
            .unwrap()
            .keys;
        let all = super::super::scenarios::load(
            super::super::config::SCENARIOS_TOML,
            &bases,
            &tokens,
            &keys,
        )
        .unwrap();
        let plan = rotation(&all);
        assert_eq!(
            plan.len(),
            ROTATION.len(),
            "a name in ROTATION is not a scenario"
        );
        assert!(plan.iter().any(|s| s.expect_status < 300));
        assert!(plan.iter().any(|s| (400..500).contains(&s.expect_status)));
        assert!(plan.iter().any(|s| s.expect_status >= 500));
        // Nothing that creates data, waits for a timeout or trips the throttle.
        assert!(plan.iter().all(|s| s.expect_status != 201 && s.repeat == 1));
        assert!(
            plan.iter()
                .all(|s| !s.url.contains("/slow") && !s.url.contains("/limited"))
        );
    }
}
