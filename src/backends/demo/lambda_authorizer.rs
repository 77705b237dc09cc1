//! The demo gateway's Lambda authorizers and REST resource policy, with API
//! Gateway's semantics from `engines::authz`: the event built for the
//! authorizer, 401 without invoking it when an identity source is missing,
//! the answer cached under the identity values for `resultTtlInSeconds`
//! (shared by every route of the authorizer, which is what makes the cache
//! pitfall reproducible), and the answer's policy evaluated against the
//! current method ARN.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::access_logging::ContextVars;
use super::config;
use super::lambda::InvokeResult;
use super::pipeline::{ApiRuntime, GatewayError, http_error, rest_error};
use crate::domain::{LambdaAuthorizerKind, Route, authorizer_function_arn};
use crate::engines::authz::answer::{self, Outcome};
use crate::engines::authz::condition::CallFacts;
use crate::engines::authz::event::{AuthorizerCall, build};
use crate::engines::authz::policy::PolicyDocument;
use crate::engines::authz::resource_policy::{PolicyVerdict, check};
use crate::engines::event_build::{AuthorizerData, EventInput};

/// Answers by `authorizer id + identity values`, with when they expire.
#[derive(Debug, Default)]
pub(crate) struct AuthorizerCache {
    entries: Mutex<HashMap<String, (Value, Instant)>>,
}

impl AuthorizerCache {
    fn get(&self, key: &str) -> Option<Value> {
        let mut m = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        match m.get(key) {
            Some((v, until)) if *until > Instant::now() => Some(v.clone()),
            Some(_) => {
                m.remove(key);
                None
            }
            None => None,
        }
    }

    fn put(&self, key: String, v: Value, ttl: Duration) {
        let mut m = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        m.insert(key, (v, Instant::now() + ttl));
    }
}

fn facts(input: &EventInput) -> CallFacts {
    CallFacts {
        source_ip: input.source_ip.parse().ok(),
        // The demo is reached over loopback, never through a VPC endpoint.
        vpc_keys_known: true,
        ..Default::default()
    }
}

/// The REST resource policy (before any authorizer): an explicit Deny, or
/// no Allow on a method without authorization, is the 403 AWS answers.
pub(crate) fn check_resource_policy(
    rt: &ApiRuntime,
    route: &Route,
    input: &EventInput,
    vars: &mut ContextVars,
) -> Result<(), GatewayError> {
    let Some(raw) = rt.demo.api.resource_policy.as_ref() else {
        return Ok(());
    };
    let Ok(policy) = PolicyDocument::from_value(raw) else {
        return Err(super::pipeline::internal(true));
    };
    let arn = crate::engines::authz::event::method_arn(input, config::REGION);
    let verdict = check(
        &policy,
        &arn,
        &facts(input),
        route.authorization_type.as_ref().map(|t| t.as_str()),
    )
    .verdict;
    match verdict {
        PolicyVerdict::Denied { body, .. } => {
            vars.insert("error.message", body.clone());
            Err(rest_error(
                403,
                &body,
                "AccessDeniedException",
                "ACCESS_DENIED",
            ))
        }
        PolicyVerdict::Passes | PolicyVerdict::DependsOn(_) | PolicyVerdict::CannotEvaluate(_) => {
            Ok(())
        }
    }
}

/// Run the route's Lambda authorizer for the request in `input`.
pub async fn authorize(
    rt: &ApiRuntime,
    route: &Route,
    input: &EventInput,
    vars: &mut ContextVars,
) -> Result<AuthorizerData, GatewayError> {
    let api = &rt.demo.api;
    let rest = !matches!(api.protocol(), crate::domain::Protocol::Http);
    let fail = |rest: bool, status: u16, body: &str, error_type, response_type| {
        if rest {
            rest_error(status, body, error_type, response_type)
        } else {
            http_error(status, body, response_type)
        }
    };
    let auth = route
        .authorizer_id
        .as_deref()
        .and_then(|id| api.authorizer(id));
    let (Some(auth), Some(kind)) = (
        auth,
        auth.and_then(|a| LambdaAuthorizerKind::of(api.protocol(), a)),
    ) else {
        return Err(super::pipeline::internal(rest));
    };
    let function = auth
        .authorizer_uri
        .as_deref()
        .and_then(authorizer_function_arn)
        .and_then(|arn| arn.rsplit(':').next().map(str::to_string))
        .unwrap_or_default();
    let (event, arn, identity) = match build(kind, &auth.identity_source, input, config::REGION) {
        // What AWS logs in `$context.authorizer.error` when the identity
        // source is missing, or the function throws `Unauthorized`, is not
        // documented: the demo leaves it empty in both cases.
        AuthorizerCall::NotInvoked { .. } => {
            return Err(fail(
                rest,
                401,
                r#"{"message":"Unauthorized"}"#,
                "UnauthorizedException",
                "UNAUTHORIZED",
            ));
        }
        AuthorizerCall::Invoke {
            event,
            method_arn,
            identity,
            ..
        } => (event, method_arn, identity),
    };
    let ttl = auth.result_ttl_in_seconds.unwrap_or(0).max(0) as u64;
    let key = format!(
        "{}|{}",
        auth.id,
        identity
            .iter()
            .map(|(_, v)| v.as_str())
            .collect::<Vec<_>>()
            .join("|")
    );
    let cached = (ttl > 0).then(|| rt.authorizer_cache.get(&key)).flatten();
    let answer = match cached {
        Some(a) => a,
        None => {
            let Some((_, running)) = rt.lambda.invoke(&function, event) else {
                return Err(super::pipeline::internal(rest));
            };
            let config_error = |msg: String, vars: &mut ContextVars| {
                vars.insert("authorizer.error", msg);
                fail(
                    rest,
                    500,
                    if rest {
                        r#"{"message": null}"#
                    } else {
                        r#"{"message":"Internal Server Error"}"#
                    },
                    "AuthorizerConfigurationException",
                    "AUTHORIZER_CONFIGURATION_ERROR",
                )
            };
            match tokio::time::timeout(Duration::from_secs(10), running).await {
                Ok(Ok(InvokeResult::Returned(bytes))) => {
                    match serde_json::from_slice::<Value>(&bytes) {
                        Ok(v) => v,
                        Err(e) => {
                            return Err(config_error(
                                format!("the authorizer's answer is not JSON: {e}"),
                                vars,
                            ));
                        }
                    }
                }
                Ok(Ok(InvokeResult::FunctionError(err))) => {
                    // `throw new Error("Unauthorized")` is API Gateway's 401 convention.
                    if err.get("errorMessage").and_then(Value::as_str) == Some("Unauthorized") {
                        return Err(fail(
                            rest,
                            401,
                            r#"{"message":"Unauthorized"}"#,
                            "UnauthorizedException",
                            "UNAUTHORIZED",
                        ));
                    }
                    return Err(config_error(format!("the authorizer failed: {err}"), vars));
                }
                _ => {
                    return Err(config_error(
                        "the authorizer did not answer in 10 s".into(),
                        vars,
                    ));
                }
            }
        }
    };
    let simple = auth.enable_simple_responses == Some(true);
    let verdict = answer::evaluate(kind, simple, &answer, &arn, &facts(input));
    if ttl > 0 && !matches!(verdict.outcome, Outcome::Malformed(_)) {
        rt.authorizer_cache
            .put(key, answer, Duration::from_secs(ttl));
    }
    if let Some(p) = &verdict.principal_id {
        vars.insert("authorizer.principalId", p.clone());
    }
    match verdict.outcome {
        Outcome::Allow => Ok(verdict.authorizer_data()),
        Outcome::Deny { .. } => {
            let body = verdict
                .body
                .unwrap_or_else(|| r#"{"message":"Forbidden"}"#.into());
            Err(fail(
                rest,
                403,
                &body,
                "AccessDeniedException",
                "ACCESS_DENIED",
            ))
        }
        Outcome::Malformed(why) | Outcome::CannotEvaluate(why) => {
            vars.insert("authorizer.error", why);
            Err(fail(
                rest,
                500,
                if rest {
                    r#"{"message": null}"#
                } else {
                    r#"{"message":"Internal Server Error"}"#
                },
                "AuthorizerConfigurationException",
                "AUTHORIZER_CONFIGURATION_ERROR",
            ))
        }
    }
}
