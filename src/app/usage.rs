//! An API key's usage against its plan's quota (REST): `apigateway:GetUsage`
//! for the key the user names by id, or for the key they *sent* — matched
//! inside the backend against the keys of the stage's plans, so its value
//! is never printed, logged or stored; only the id and name come back.
//! The numbers explain a `429 Limit Exceeded` (quota used up) and tell it
//! from a `403 Forbidden` (the key is in no plan of the stage).

use chrono::{Days, NaiveDate};
use serde::Serialize;

use super::authorizer::RealCallError;
use crate::backends::Backend;
use crate::backends::real_calls::{KeyUsage, PlanKey};
use crate::domain::{Api, Quota, Throttle};

/// Which key.
#[derive(Clone)]
pub(crate) enum KeyChoice {
    /// A key id, as the inventory lists it.
    Id(String),
    /// The value the client sends in `x-api-key` (never shown).
    Sent(String),
}

impl std::fmt::Debug for KeyChoice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeyChoice::Id(id) => write!(f, "Id({id})"),
            KeyChoice::Sent(_) => f.write_str("Sent(****)"),
        }
    }
}

/// The usage report of one key.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct UsageReport {
    pub real_call: &'static str,
    pub api_id: String,
    pub stage: String,
    pub plan_id: String,
    pub plan_name: String,
    pub quota: Option<Quota>,
    pub throttle: Option<Throttle>,
    pub key: PlanKey,
    /// `false` when the account's key list says the key is disabled.
    pub key_enabled: Option<bool>,
    pub usage: KeyUsage,
    /// Requests used on the last day of the range.
    pub used_last_day: Option<i64>,
    /// What is left of the quota period, as of the last day of the range.
    pub remaining: Option<i64>,
    /// The API's `apiKeySource` (`HEADER` when AWS reports none).
    pub key_source: String,
    /// What the numbers do not say (one sentence each).
    pub notes: Vec<String>,
}

/// Whether the API reads its key from the Lambda authorizer's
/// `usageIdentifierKey` (`apiKeySource` `AUTHORIZER`) rather than `x-api-key`.
pub fn key_from_authorizer(api: &Api) -> bool {
    api.api_key_source.as_deref() == Some("AUTHORIZER")
}

/// Why "the key you send" names no key on an API whose key comes from its
/// authorizer (`None`: it does).
pub fn sent_key_problem(api: &Api) -> Option<String> {
    key_from_authorizer(api).then(|| {
        format!(
            "API {} takes its API key from its Lambda authorizer's usageIdentifierKey (apiKeySource AUTHORIZER), not from the x-api-key you send: name the key with --key-id ID (gatescope cannot tell which key the authorizer returns for you: it never reads key values)",
            api.id
        )
    })
}

impl UsageReport {
    /// One sentence: is the quota used up?
    pub fn verdict(&self) -> String {
        match (&self.quota, self.remaining) {
            (Some(q), Some(r)) if r <= 0 => format!(
                "the quota of {} requests per {} is used up: API Gateway answers 429 {{\"message\":\"Limit Exceeded\"}} until the period resets",
                q.limit,
                q.period.to_ascii_lowercase()
            ),
            (Some(q), Some(r)) => format!(
                "{r} of {} requests per {} left",
                q.limit,
                q.period.to_ascii_lowercase()
            ),
            (None, _) => "the plan has no quota (only its throttle limits the key)".into(),
            (Some(_), None) => "GetUsage returned no days for this key in the range".into(),
        }
    }
}

/// A REAL CALL: the usage of `key` under the plan covering `api`'s
/// `stage`, over the `days` days ending `today` (UTC). `api` must carry
/// its usage plans (the inventory attaches them).
pub(crate) async fn key_usage(
    backend: &Backend,
    api: &Api,
    stage: &str,
    key: &KeyChoice,
    today: NaiveDate,
    days: u32,
) -> Result<UsageReport, RealCallError> {
    if let (KeyChoice::Sent(_), Some(why)) = (key, sent_key_problem(api)) {
        return Err(RealCallError::NotApplicable(why));
    }
    let plans: Vec<_> = api.plans_for_stage(stage).collect();
    if plans.is_empty() {
        return Err(RealCallError::NotApplicable(format!(
            "no usage plan covers {}/{stage}: API keys are not checked against a quota there",
            api.id
        )));
    }
    let found = match key {
        KeyChoice::Id(id) => plans.iter().find_map(|p| {
            p.keys.iter().find(|k| &k.id == id).map(|k| PlanKey {
                plan_id: p.id.clone(),
                key_id: k.id.clone(),
                name: k.name.clone(),
            })
        }),
        KeyChoice::Sent(value) => {
            let mut hit = None;
            for p in &plans {
                if let Some(k) = backend.calls.plan_key_for_value(&p.id, value).await? {
                    hit = Some(k);
                    break;
                }
            }
            hit
        }
    };
    let Some(found) = found else {
        let plan_names: Vec<String> = plans
            .iter()
            .map(|p| format!("{} ({})", p.name, p.id))
            .collect();
        let which = match key {
            KeyChoice::Id(id) => format!("API key {id} is"),
            KeyChoice::Sent(_) => "the API key you sent is".to_string(),
        };
        return Err(RealCallError::NotApplicable(format!(
            "{which} in no usage plan of {}/{stage} (plans: {}): API Gateway answers 403 {{\"message\":\"Forbidden\"}} to it on methods that require a key",
            api.id,
            plan_names.join(", ")
        )));
    };
    let plan = plans
        .iter()
        .find(|p| p.id == found.plan_id)
        .expect("the key was found in one of these plans");
    let start = today
        .checked_sub_days(Days::new(u64::from(days.max(1) - 1)))
        .unwrap_or(today);
    let usage = backend
        .calls
        .usage(
            &found.plan_id,
            &found.key_id,
            &start.format("%Y-%m-%d").to_string(),
            &today.format("%Y-%m-%d").to_string(),
        )
        .await?;
    let key_enabled = plan
        .keys
        .iter()
        .find(|k| k.id == found.key_id)
        .and_then(|k| k.enabled);
    let mut notes = Vec::new();
    if key_from_authorizer(api) {
        notes.push(format!(
            "API {} takes its key from its Lambda authorizer (apiKeySource AUTHORIZER): these numbers count the requests whose authorizer answer named this key's value as usageIdentifierKey, whatever x-api-key they carried; gatescope does not know which key the authorizer returns for a given caller (it never reads key values)",
            api.id
        ));
    }
    Ok(UsageReport {
        key_source: api
            .api_key_source
            .clone()
            .unwrap_or_else(|| "HEADER".into()),
        notes,
        real_call: "apigateway:GetUsage",
        api_id: api.id.clone(),
        stage: stage.to_string(),
        plan_id: plan.id.clone(),
        plan_name: plan.name.clone(),
        quota: plan.quota.clone(),
        throttle: plan.throttle,
        used_last_day: usage.days.last().map(|d| d.0),
        remaining: usage.days.last().map(|d| d.1),
        key: found,
        key_enabled,
        usage,
    })
}
