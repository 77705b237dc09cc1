//! The authorizer cache pitfall (`AUTHORIZER_CACHED_POLICY_TOO_NARROW`).
//!
//! With `authorizerResultTtlInSeconds > 0` API Gateway caches the answer
//! under the identity-source values only, and reuses it for **every** route
//! that shares the authorizer [DOC]. A policy whose `Resource` names just the
//! method that was first called then turns the caller's next request to
//! another route into a 403 from the cache [OBS serverless#6176].

use super::arn::MethodArn;
use super::condition::CallFacts;
use super::identity::{is_route_specific, sources};
use super::policy::{INVOKE, PolicyDocument};
use crate::domain::{Api, Authorizer};

/// A cached policy that allows the first call and denies others.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NarrowCache {
    pub ttl_seconds: i32,
    /// The resources the answer allowed, as written.
    pub allowed_resources: Vec<String>,
    /// `(route key, method ARN checked)` the cached policy denies.
    pub denied: Vec<(String, String)>,
}

/// Check the cached `policy` (the answer to the call to `arn`) against the
/// other routes of `api` that use `auth`. `route_key` is the route of `arn`.
pub(crate) fn narrow_cache(
    api: &Api,
    auth: &Authorizer,
    policy: &PolicyDocument,
    arn: &MethodArn,
    route_key: &str,
    call: &CallFacts,
) -> Option<NarrowCache> {
    let ttl = auth.result_ttl_in_seconds.filter(|t| *t > 0)?;
    // A simple response caches a yes/no that holds for every route.
    if auth.enable_simple_responses == Some(true) {
        return None;
    }
    let srcs = sources(&auth.identity_source);
    if srcs.iter().any(|s| is_route_specific(s)) {
        return None;
    }
    if !policy.evaluate(INVOKE, arn, call).is_allow() {
        return None;
    }
    let mut denied = Vec::new();
    for r in api
        .routes
        .iter()
        .filter(|r| r.authorizer_id.as_deref() == Some(auth.id.as_str()))
    {
        let Some(path) = r.path() else { continue };
        // A template path stands for "any value": an ARN naming one value
        // does not cover it. ANY routes are checked as GET.
        let method = match r.method() {
            "ANY" => "GET",
            m => m,
        };
        let other = arn.with_route(method, path);
        if r.route_key == route_key && other == *arn {
            continue;
        }
        if !policy.evaluate(INVOKE, &other, call).is_allow() {
            denied.push((r.route_key.clone(), other.to_string()));
        }
    }
    if denied.is_empty() {
        return None;
    }
    let allowed_resources = policy
        .statements
        .iter()
        .filter(|s| s.effect == super::policy::Effect::Allow)
        .map(|s| s.resources_text())
        .collect();
    Some(NarrowCache {
        ttl_seconds: ttl,
        allowed_resources,
        denied,
    })
}
