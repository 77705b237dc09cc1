//! REST API keys and usage plans as the demo gateway enforces them (reference §13): on a
//! method with `apiKeyRequired`, the `x-api-key` header must name an enabled key that is
//! in a usage plan covering the stage, else `403 {"message":"Forbidden"}`; the plan's
//! per-key throttle (a method throttle over the plan's own) gives `429 Too Many
//! Requests`; its quota gives `429 {"message":"Limit Exceeded"}`. Rejected requests do not
//! use up quota (observed on AWS by one client; reference §13.2).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Instant;

use super::access_logging::ContextVars;
use super::config::{DemoAccount, DemoApiKey};
use super::pipeline::{GatewayError, rest_error};
use super::throttle::Throttler;
use crate::domain::{Api, Quota, Route, Throttle, UsagePlan, header};

/// The account's keys with the state the plans keep: requests admitted per day, per-key
/// token buckets. One per demo gateway (plans are account-wide).
#[derive(Debug, Default)]
pub(crate) struct UsagePlanState {
    pub account: DemoAccount,
    /// `plan id|key id` → day → requests admitted that day (the quota and GetUsage read them).
    daily: Mutex<HashMap<String, BTreeMap<chrono::NaiveDate, i64>>>,
    buckets: Throttler,
}

impl UsagePlanState {
    pub fn new(account: DemoAccount) -> Self {
        UsagePlanState {
            account,
            ..Default::default()
        }
    }

    /// Admit one request of `key` under `plan` on `day`: counted unless the
    /// plan's quota for the period is used up (check and count under one lock,
    /// so concurrent requests cannot both take the last one). The same counts
    /// answer GetUsage.
    fn take_quota(&self, plan: &UsagePlan, key: &DemoApiKey, day: chrono::NaiveDate) -> bool {
        let mut daily = self.daily.lock().unwrap_or_else(|e| e.into_inner());
        let counts = daily.entry(format!("{}|{}", plan.id, key.id)).or_default();
        if let Some(q) = &plan.quota
            && used_in_period(counts, q, day) >= i64::from(q.limit)
        {
            return false;
        }
        *counts.entry(day).or_default() += 1;
        true
    }

    /// `GetUsage` as API Gateway answers it: for each day of `start..=end`,
    /// `[used that day, left of the quota period as of that day]` (without a quota,
    /// what is left is reported as 0). `None` when the plan is not the account's.
    pub fn usage(
        &self,
        plan_id: &str,
        key_id: &str,
        start: chrono::NaiveDate,
        end: chrono::NaiveDate,
    ) -> Option<Vec<(i64, i64)>> {
        let plan = self
            .account
            .resources
            .usage_plans
            .plans
            .iter()
            .find(|p| p.id == plan_id)?;
        let daily = self.daily.lock().unwrap_or_else(|e| e.into_inner());
        let counts = daily.get(&format!("{plan_id}|{key_id}"));
        let used_on = |d: chrono::NaiveDate| counts.and_then(|c| c.get(&d)).copied().unwrap_or(0);
        let mut out = Vec::new();
        let mut day = start;
        while day <= end {
            let left = plan.quota.as_ref().map_or(0, |q| {
                let used = counts.map_or(0, |c| used_in_period(c, q, day));
                (i64::from(q.limit) - used).max(0)
            });
            out.push((used_on(day), left));
            let Some(next) = day.succ_opt() else { break };
            day = next;
        }
        Some(out)
    }
}

/// Requests counted in `day`'s quota period up to and including `day`.
fn used_in_period(
    counts: &BTreeMap<chrono::NaiveDate, i64>,
    quota: &Quota,
    day: chrono::NaiveDate,
) -> i64 {
    let period = period_of(quota, midnight(day));
    counts
        .range(..=day)
        .filter(|(d, _)| period_of(quota, midnight(**d)) == period)
        .map(|(_, n)| n)
        .sum()
}

fn midnight(day: chrono::NaiveDate) -> chrono::DateTime<chrono::Utc> {
    day.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc()
}

/// The quota period a moment falls in (`DAY` 2026-12-05, `WEEK` 2026-W49, `MONTH` 2026-12);
/// periods start at 00:00 UTC, as AWS's do (the plan's `offset` is not modelled).
fn period_of(quota: &Quota, now: chrono::DateTime<chrono::Utc>) -> String {
    match quota.period.to_ascii_uppercase().as_str() {
        "WEEK" => now.format("%G-W%V").to_string(),
        "MONTH" => now.format("%Y-%m").to_string(),
        _ => now.format("%Y-%m-%d").to_string(),
    }
}

/// `****…Bf0001`: how API Gateway prints a key (the last 6 characters).
pub(crate) fn masked_key(value: &str) -> String {
    let n = value.chars().count();
    let tail: String = value.chars().skip(n.saturating_sub(6)).collect();
    format!("****{tail}")
}

/// Why a key is refused, in the execution log's words (reference §12.2 #4b).
pub(crate) fn refusal_reason(
    api: &Api,
    stage: &str,
    route: &Route,
    key: Option<&DemoApiKey>,
) -> String {
    let method = format!("{} {}", route.method(), route.path().unwrap_or("/"));
    let base = format!("method '{method}' requires API Key and API Key");
    match key {
        // The wording for a missing, unknown or disabled key is [UNVERIFIED]; the
        // not-in-a-plan wording is observed.
        None => format!("{base} is missing or unknown"),
        Some(k) if !k.enabled => format!("{base} is disabled"),
        Some(_) => format!(
            "{base} is not associated with a Usage Plan for API Stage {}/{stage}: No Usage Plan found for key and API Stage",
            api.id
        ),
    }
}

/// The plan covering `stage` that holds `key`, if any (one plan per stage per key).
pub(crate) fn plan_of<'a>(api: &'a Api, stage: &'a str, key: &DemoApiKey) -> Option<&'a UsagePlan> {
    api.plans_for_stage(stage)
        .find(|p| p.keys.iter().any(|k| k.id == key.id))
}

/// The per-key limits for a method: the plan's method throttle, else its own.
pub fn limits(api: &Api, stage: &str, plan: &UsagePlan, route: &Route) -> Option<Throttle> {
    route
        .path()
        .and_then(|p| plan.method_throttle(&api.id, stage, route.method(), p))
        .or(plan.throttle)
}

/// Enforce the API key and the usage plan for a method that requires a key (REST,
/// `apiKeySource` HEADER). Sets `$context.identity.apiKey` (masked: the demo never
/// writes a key value to a log) and `$context.identity.apiKeyId`.
pub(crate) fn enforce(
    state: &UsagePlanState,
    api: &Api,
    stage: &str,
    route: &Route,
    headers: &[(String, String)],
    vars: &mut ContextVars,
) -> Result<(), GatewayError> {
    if !route.api_key_required {
        return Ok(());
    }
    let sent = header(headers, "x-api-key");
    if let Some(v) = sent {
        vars.insert("identity.apiKey", masked_key(v));
    }
    let key = sent.and_then(|v| state.account.key_by_value(v));
    if let Some(k) = key {
        vars.insert("identity.apiKeyId", k.id.clone());
    }
    let forbidden = || {
        rest_error(
            403,
            r#"{"message":"Forbidden"}"#,
            "ForbiddenException",
            "INVALID_API_KEY",
        )
    };
    let Some(key) = key.filter(|k| k.enabled) else {
        return Err(forbidden());
    };
    let Some(plan) = plan_of(api, stage, key) else {
        return Err(forbidden());
    };
    if let Some(t) = limits(api, stage, plan, route)
        && let (Some(rate), Some(burst)) = (t.rate_limit, t.burst_limit)
    {
        let bucket = format!("{}|{}|{}", plan.id, key.id, route.route_key);
        let admitted =
            state
                .buckets
                .admit(&bucket, Some((rate, burst.max(0) as u32)), Instant::now());
        if !admitted {
            // [UNVERIFIED] the body of a per-key throttle 429 (reference §13.2): the
            // THROTTLED gateway response's `Too Many Requests` is assumed.
            return Err(rest_error(
                429,
                r#"{"message":"Too Many Requests"}"#,
                "TooManyRequestsException",
                "THROTTLED",
            ));
        }
    }
    if !state.take_quota(plan, key, chrono::Utc::now().date_naive()) {
        return Err(rest_error(
            429,
            r#"{"message":"Limit Exceeded"}"#,
            "LimitExceededException",
            "QUOTA_EXCEEDED",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::demo::config;

    fn demo() -> (UsagePlanState, Api) {
        let functions = config::load_functions(config::FUNCTIONS_TOML).unwrap();
        let apis = config::load_apis(config::APIS_TOML, "", &functions).unwrap();
        let account = config::load_account(config::APIS_TOML).unwrap();
        let rest = apis.into_iter().find(|a| a.api.id == "demorest01").unwrap();
        (UsagePlanState::new(account), rest.api)
    }

    fn call(state: &UsagePlanState, api: &Api, key: Option<&str>) -> Result<(), u16> {
        let route = api.route("GET /partner/orders").unwrap();
        let headers: Vec<(String, String)> = key
            .map(|k| vec![("x-api-key".to_string(), k.to_string())])
            .unwrap_or_default();
        let mut vars = ContextVars::new();
        enforce(state, api, "dev", route, &headers, &mut vars).map_err(|e| e.status())
    }

    fn value(state: &UsagePlanState, name: &str) -> String {
        let k = state.account.keys.iter().find(|k| k.name == name);
        k.unwrap().value.clone()
    }

    #[test]
    fn keys_plans_quota_and_throttle_answer_as_api_gateway() {
        let (state, api) = demo();
        assert_eq!(call(&state, &api, None), Err(403));
        assert_eq!(call(&state, &api, Some("not-a-demo-key-at-all")), Err(403));
        assert_eq!(
            call(&state, &api, Some(&value(&state, "revoked"))),
            Err(403)
        );
        let demo_key = value(&state, "demo");
        for _ in 0..5 {
            assert_eq!(call(&state, &api, Some(&demo_key)), Ok(()));
        }
        let trial = value(&state, "trial");
        for _ in 0..3 {
            assert_eq!(call(&state, &api, Some(&trial)), Ok(()));
        }
        assert_eq!(call(&state, &api, Some(&trial)), Err(429));
        let burst = value(&state, "burst");
        assert_eq!(call(&state, &api, Some(&burst)), Ok(()));
        assert_eq!(call(&state, &api, Some(&burst)), Err(429));
        // A method without apiKeyRequired ignores keys and plans.
        let open = api.route("GET /orders").unwrap();
        let mut vars = ContextVars::new();
        assert!(enforce(&state, &api, "dev", open, &[], &mut vars).is_ok());
    }

    /// GetUsage counts what was admitted (refusals use no quota) and what is left.
    #[test]
    fn usage_reports_admitted_requests_per_day_and_the_quota_left() {
        let (state, api) = demo();
        let trial = value(&state, "trial");
        let key_id = state.account.key_by_value(&trial).unwrap().id.clone();
        let plan_id = plan_of(&api, "dev", state.account.key_by_value(&trial).unwrap())
            .unwrap()
            .id
            .clone();
        let today = chrono::Utc::now().date_naive();
        let yesterday = today.pred_opt().unwrap();
        assert_eq!(
            state.usage(&plan_id, &key_id, yesterday, today),
            Some(vec![(0, 3), (0, 3)])
        );
        for _ in 0..5 {
            let _ = call(&state, &api, Some(&trial));
        }
        // 3 admitted, 2 refused with 429 Limit Exceeded: the quota of 3 a day is used up.
        assert_eq!(
            state.usage(&plan_id, &key_id, yesterday, today),
            Some(vec![(0, 3), (3, 0)])
        );
        assert_eq!(state.usage("no-such-plan", &key_id, today, today), None);
    }

    #[test]
    fn keys_are_logged_masked_and_refusals_say_why() {
        let (state, api) = demo();
        let route = api.route("GET /partner/orders").unwrap();
        let key = value(&state, "revoked");
        let mut vars = ContextVars::new();
        let headers = vec![("x-api-key".to_string(), key.clone())];
        let _ = enforce(&state, &api, "dev", route, &headers, &mut vars);
        let shown = &vars["identity.apiKey"];
        assert!(!shown.contains(&key) && shown.ends_with(&key[key.len() - 6..]));
        assert_eq!(vars["identity.apiKeyId"], "demokey04");
        let k = state.account.key_by_value(&key);
        assert!(refusal_reason(&api, "dev", route, k).contains("disabled"));
        let week = Quota {
            limit: 1,
            period: "WEEK".into(),
            offset: 0,
        };
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z").unwrap();
        assert_eq!(period_of(&week, t.into()), "2026-W49");
    }
}
