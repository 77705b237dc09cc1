//! REST usage plans and API keys: what the doctor needs to explain a 403 or
//! 429 that API Gateway answered before any integration ran (reference §13).
//!
//! API key *values* have no field here on purpose: the backend drops them
//! where AWS returns them (`GetUsagePlanKeys`), so no cache, log or output
//! can carry one.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A throttle: token-bucket rate (requests per second) and burst.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Throttle {
    pub rate_limit: Option<f64>,
    pub burst_limit: Option<i32>,
}

/// A usage plan's quota: `limit` requests per `period` (DAY, WEEK, MONTH).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Quota {
    pub limit: i32,
    pub period: String,
    #[serde(default)]
    pub offset: i32,
}

/// One API stage a plan covers, with per-method throttles keyed
/// `/resource/METHOD` (`//GET` for the root resource).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PlanStage {
    pub api_id: String,
    pub stage: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub method_throttles: BTreeMap<String, Throttle>,
}

/// An API key by name and id: never its value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyRef {
    pub id: String,
    pub name: Option<String>,
    /// From `GetApiKeys`; `None` when only the plan's key list was read.
    pub enabled: Option<bool>,
}

/// A REST usage plan with the stages it covers and the keys attached to it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UsagePlan {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    #[serde(default)]
    pub api_stages: Vec<PlanStage>,
    pub throttle: Option<Throttle>,
    pub quota: Option<Quota>,
    #[serde(default)]
    pub keys: Vec<ApiKeyRef>,
}

impl UsagePlan {
    /// Whether this plan covers `api_id`'s stage `stage`.
    pub fn covers(&self, api_id: &str, stage: &str) -> bool {
        self.api_stages
            .iter()
            .any(|s| s.api_id == api_id && s.stage == stage)
    }

    /// The per-method throttle for `METHOD /path` on that stage, if any.
    pub fn method_throttle(
        &self,
        api_id: &str,
        stage: &str,
        method: &str,
        resource_path: &str,
    ) -> Option<Throttle> {
        let key = format!(
            "{}/{}",
            if resource_path == "/" {
                "/"
            } else {
                resource_path
            },
            method
        );
        self.api_stages
            .iter()
            .find(|s| s.api_id == api_id && s.stage == stage)
            .and_then(|s| s.method_throttles.get(&key).copied())
    }
}

/// The usage plans and API keys of the account, as far as they could be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct UsagePlans {
    pub plans: Vec<UsagePlan>,
    /// Every API key (from `GetApiKeys` with `includeValues=false`).
    #[serde(default)]
    pub keys: Vec<ApiKeyRef>,
}
