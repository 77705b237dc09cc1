//! Lambda authorizer answers and REST resource policies, evaluated for the
//! request with `engines::authz`: which statement denied, whether a cached
//! policy is too narrow for the other routes (the cache pitfall), which
//! context values do not reach the integration, and what gatescope could not
//! evaluate. `rules_auth` reads the 401/403 itself; these rules add the
//! evaluated cause.

use super::evidence::Evidence;
use super::fingerprint::{GatewayBody, body_excerpt, classify};
use super::text::clip;
use crate::domain::{Authorizer, Certainty, Finding, FindingCode, LambdaAuthorizerKind};
use crate::engines::authz::answer::{self, Outcome};
use crate::engines::authz::arn::MethodArn;
use crate::engines::authz::cache::narrow_cache;
use crate::engines::authz::condition::CallFacts;
use crate::engines::authz::identity::{is_route_specific, sources};
use crate::engines::authz::policy::{Caller, Decision, Effect, INVOKE, PolicyDocument};
use crate::engines::event_build::parse_execute_api_host;

fn route_authorizer(ev: &Evidence) -> Option<&Authorizer> {
    let id = ev.route()?.authorizer_id.as_deref()?;
    ev.api.as_ref()?.authorizer(id)
}

fn call_facts(ev: &Evidence) -> CallFacts {
    let source_ip = ev
        .source_ip
        .clone()
        .or_else(|| {
            ev.access_logs
                .iter()
                .find_map(|r| r.source_ip.as_ref().map(|s| s.to_string()))
        })
        .and_then(|s| s.parse().ok());
    CallFacts {
        caller: if ev.is_signed() {
            Caller::Iam {
                arn: None,
                account: None,
            }
        } else {
            Caller::Anonymous
        },
        source_ip,
        ..Default::default()
    }
}

/// The method ARN of the request: from the 403 body when API Gateway named
/// it, else rebuilt from the URL, the stage and the API (account and region
/// taken from the policy's own ARNs when the URL does not tell).
fn request_arn(
    ev: &Evidence,
    named: Option<&str>,
    policy: Option<&PolicyDocument>,
) -> Option<MethodArn> {
    if let Some(a) = named.and_then(MethodArn::parse) {
        return Some(a);
    }
    let req = ev.request.as_ref()?;
    let api = ev.api.as_ref()?;
    let url = url::Url::parse(&req.url).ok()?;
    let region = url
        .host_str()
        .and_then(parse_execute_api_host)
        .map(|(_, r)| r);
    let from_policy = policy.and_then(|p| {
        p.statements
            .iter()
            .flat_map(|s| s.resource.iter())
            .find_map(|r| MethodArn::parse(r).filter(|a| a.api_id == api.id))
    });
    let stage = ev
        .stage_config()
        .map(|s| s.stage_name.clone())
        .or(ev.stage.clone())?;
    let path = url.path();
    let path = path
        .strip_prefix(&format!("/{stage}"))
        .filter(|p| p.is_empty() || p.starts_with('/'))
        .unwrap_or(path);
    Some(MethodArn::new(
        &region.or_else(|| from_policy.as_ref().map(|a| a.region.clone()))?,
        &from_policy
            .map(|a| a.account)
            .unwrap_or_else(|| "ACCOUNT".into()),
        &api.id,
        &stage,
        &req.method,
        path,
    ))
}

/// `... on resource: ARN[ with an explicit deny]` of a policy 403.
fn arn_in_message(msg: &str) -> Option<&str> {
    let rest = msg.split("on resource: ").nth(1)?;
    rest.split_whitespace().next()
}

/// Response-side: a resource-policy 403 names its statement; an implicit
/// authorizer deny on a cached, shared authorizer points at the cache.
pub fn check_response(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    let fp = classify(resp);
    let status = format!(
        "status {} body {}",
        resp.status,
        clip(&body_excerpt(resp), 200)
    );
    match fp.body {
        Some(GatewayBody::NotAuthorizedToInvoke { anonymous: true }) => {
            let msg = fp.message.clone().unwrap_or_default();
            resource_policy(ev, &msg, &status, out);
        }
        Some(GatewayBody::AuthorizerDeny { explicit: false }) => {
            if ev.authorizer_answer.is_none()
                && let Some(a) = route_authorizer(ev)
                && let Some(f) = cache_suspect(ev, a, &status)
            {
                out.push(f);
            }
        }
        _ => {}
    }
}

/// Without the policy, the configuration alone says whether a cached answer
/// can cross routes; the finding says the policy was not seen.
fn cache_suspect(ev: &Evidence, a: &Authorizer, status: &str) -> Option<Finding> {
    let ttl = a.result_ttl_in_seconds.filter(|t| *t > 0)?;
    if a.enable_simple_responses == Some(true) {
        return None;
    }
    let srcs = sources(&a.identity_source);
    if srcs.iter().any(|s| is_route_specific(s)) {
        return None;
    }
    let api = ev.api.as_ref()?;
    let shared: Vec<&str> = api
        .routes
        .iter()
        .filter(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()))
        .map(|r| r.route_key.as_str())
        .collect();
    Some(
        Finding::new(
            FindingCode::AuthorizerCachedPolicyTooNarrow,
            Certainty::FromResponse,
            format!(
                "Likely a cached policy: authorizer {} caches answers for {ttl} s keyed only on {}, shared by {} route(s); a policy written for another route denies this one",
                a.name,
                srcs.join(", "),
                shared.len()
            ),
        )
        .evidence(status.to_string())
        .evidence(format!("authorizer {} ({}): result TTL {ttl} s, identity sources {}", a.name, a.id, srcs.join(", ")))
        .evidence(format!("routes sharing the cached answer: {}", shared.join(", ")))
        .evidence("the authorizer's policy was not seen: evaluate its answer for this request with `gatescope authorizer API_ID METHOD URL --answer FILE` to confirm")
        .fix_args(&ev.fix_args())
        .unverified(),
    )
}

fn resource_policy(ev: &Evidence, msg: &str, status: &str, out: &mut Vec<Finding>) {
    let explicit = msg.contains("explicit deny");
    let Some(raw) = ev.api.as_ref().and_then(|a| a.resource_policy.as_ref()) else {
        return;
    };
    let policy = match raw {
        serde_json::Value::String(text) => PolicyDocument::parse_text(text),
        v => PolicyDocument::from_value(v),
    };
    let policy = match policy {
        Ok(p) => p,
        Err(e) => {
            out.push(
                Finding::new(
                    FindingCode::PolicyNotEvaluated,
                    Certainty::FromConfig,
                    "The REST API's resource policy could not be read",
                )
                .evidence(format!("policy: {e}")),
            );
            return;
        }
    };
    let Some(arn) = request_arn(ev, arn_in_message(msg), Some(&policy)) else {
        return;
    };
    let mut args = ev.fix_args();
    let facts = call_facts(ev);
    let decision = policy.evaluate(INVOKE, &arn, &facts);
    let finding = match (&decision, explicit) {
        (Decision::ExplicitDeny { by }, _) => {
            args.push(("statement", by.label()));
            Finding::new(
                FindingCode::ResourcePolicyDenied,
                Certainty::Evaluated,
                format!("The resource policy's {} denies this call", by.label()),
            )
            .evidence(status.to_string())
            .evidence(format!(
                "{}: Deny {} {}",
                by.label(),
                by.resources_text(),
                condition_text(by)
            ))
            .evidence(format!("method ARN {arn}"))
            .fix_variant("statement", &args)
        }
        (Decision::ImplicitDeny, false) => Finding::new(
            FindingCode::ResourcePolicyDenied,
            Certainty::Evaluated,
            "The resource policy has no Allow for this caller and method",
        )
        .evidence(status.to_string())
        .evidence(format!("method ARN {arn}: {}", decision.describe()))
        .fix_variant("no_allow", &args),
        _ => {
            // The response says explicit deny; name the Deny statements that
            // cover this ARN (their conditions decide, and gatescope could
            // not evaluate them all for this caller).
            let candidates: Vec<String> = policy
                .statements
                .iter()
                .filter(|s| s.effect == Effect::Deny)
                .filter(|s| {
                    let mut bare = (*s).clone();
                    bare.condition = None;
                    bare.principal = None;
                    PolicyDocument {
                        version: None,
                        statements: vec![bare],
                    }
                    .evaluate(INVOKE, &arn, &CallFacts::default())
                        != Decision::ImplicitDeny
                })
                .map(|s| {
                    format!(
                        "{}: Deny {} {}",
                        s.label(),
                        s.resources_text(),
                        condition_text(s)
                    )
                })
                .collect();
            let mut f = Finding::new(
                FindingCode::ResourcePolicyDenied,
                Certainty::FromResponse,
                "The resource policy denies this call",
            )
            .evidence(status.to_string())
            .evidence(format!("method ARN {arn}: {}", decision.describe()));
            for c in &candidates {
                f = f.evidence(c.clone());
            }
            if let [one] = candidates.as_slice() {
                args.push((
                    "statement",
                    one.split(':').next().unwrap_or_default().to_string(),
                ));
                f = f.fix_variant("statement", &args);
            } else {
                f = f.fix_args(&args);
            }
            f
        }
    };
    // This names the statement: it replaces rules_auth's generic reading
    // of the same body (same code; a merge would keep the generic fix).
    out.retain(|f| f.code != FindingCode::ResourcePolicyDenied);
    out.push(finding);
    if let Decision::CannotEvaluate { statement, reason } = &decision {
        out.push(
            Finding::new(
                FindingCode::PolicyNotEvaluated,
                Certainty::FromConfig,
                format!(
                    "The resource policy's {} could not be evaluated for this request",
                    statement.label()
                ),
            )
            .evidence(reason.clone()),
        );
    }
}

fn condition_text(s: &crate::engines::authz::policy::Statement) -> String {
    s.condition
        .as_ref()
        .map(|c| format!("when {c}"))
        .unwrap_or_default()
}

/// An authorizer answer seen for this request (an opt-in invoke): evaluate
/// it as API Gateway would and explain the outcome.
pub(crate) fn check_answer(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(seen) = ev.authorizer_answer.as_ref() else {
        return;
    };
    let Some(a) = route_authorizer(ev) else {
        return;
    };
    let Some(api) = ev.api.as_ref() else { return };
    let Some(kind) = LambdaAuthorizerKind::of(api.protocol(), a) else {
        return;
    };
    let Some(arn) = MethodArn::parse(&seen.method_arn) else {
        return;
    };
    let simple = a.enable_simple_responses == Some(true);
    let facts = call_facts(ev);
    let args = ev.fix_args();
    let answer_text = clip(&seen.answer.to_string(), 300);
    if let Some(kind_of_error) = &seen.function_error {
        // Its payload is an error object, never read as an answer.
        let message = seen
            .answer
            .get("errorMessage")
            .and_then(|m| m.as_str())
            .map(|m| clip(m, 200))
            .unwrap_or_else(|| answer_text.clone());
        if message == "Unauthorized" {
            // `throw new Error("Unauthorized")` is API Gateway's 401 convention.
            out.push(
                Finding::new(
                    FindingCode::AuthorizerUnauthorized,
                    Certainty::Evaluated,
                    format!(
                        "Authorizer {}'s function threw `Unauthorized`: API Gateway answers 401 {{\"message\":\"Unauthorized\"}}",
                        a.name
                    ),
                )
                .evidence(format!("function error ({kind_of_error}): Unauthorized"))
                .fix_args(&args),
            );
            return;
        }
        out.push(
            Finding::new(
                FindingCode::AuthorizerFailure,
                Certainty::Evaluated,
                format!(
                    "Authorizer {}'s function failed ({kind_of_error}): API Gateway answers 500 without calling the integration",
                    a.name
                ),
            )
            .evidence(format!("function error: {message}"))
            .evidence(format!("answer: {answer_text}"))
            .fix_args(&args),
        );
        return;
    }
    let v = answer::evaluate(kind, simple, &seen.answer, &arn, &facts);
    match &v.outcome {
        Outcome::Allow => {}
        Outcome::Deny { explicit } => {
            let mut f = Finding::new(
                FindingCode::AuthorizerDenied,
                Certainty::Evaluated,
                if *explicit {
                    format!(
                        "Authorizer {} answered an explicit Deny for this method",
                        a.name
                    )
                } else {
                    format!("Authorizer {}'s answer does not allow this method", a.name)
                },
            )
            .evidence(format!("answer: {answer_text}"))
            .evidence(format!("method ARN {arn}"));
            if let Some(d) = &v.decision {
                f = f.evidence(d.describe());
            }
            if let (Some(s), Some(b)) = (v.status, &v.body) {
                f = f.evidence(format!("API Gateway answers {s} {b}"));
            }
            if v.unverified {
                f = f.unverified();
            }
            // An explicit Deny is a decision about this caller, not a too narrow Allow.
            out.push(f.fix_with((!*explicit).then_some("policy"), &args));
        }
        Outcome::Malformed(why) => out.push(
            Finding::new(
                FindingCode::AuthorizerFailure,
                Certainty::Evaluated,
                format!(
                    "Authorizer {}'s answer is not a valid authorizer response: {why}",
                    a.name
                ),
            )
            .evidence(format!("answer: {answer_text}"))
            .fix_args(&args),
        ),
        Outcome::CannotEvaluate(why) => out.push(
            Finding::new(
                FindingCode::PolicyNotEvaluated,
                Certainty::Evaluated,
                format!(
                    "Authorizer {}'s policy could not be evaluated for this method",
                    a.name
                ),
            )
            .evidence(why.clone())
            .evidence(format!("method ARN {arn}")),
        ),
    }
    if !v.dropped_context.is_empty() {
        let keys: Vec<String> = v
            .dropped_context
            .iter()
            .map(|(k, why)| format!("{k}: {why}"))
            .collect();
        out.push(
            Finding::new(
                FindingCode::AuthorizerContextNotPassed,
                Certainty::Evaluated,
                format!(
                    "{} context value(s) of authorizer {} do not reach the integration",
                    keys.len(),
                    a.name
                ),
            )
            .evidence(keys.join("; ")),
        );
    }
    if v.outcome == Outcome::Allow
        && let Ok(answer::AuthorizerAnswer::Policy { policy, .. }) =
            answer::parse(kind, simple, &seen.answer)
        && let Some(route_key) = ev.route().map(|r| r.route_key.clone())
        && let Some(n) = narrow_cache(api, a, &policy, &arn, &route_key, &facts)
    {
        let denied: Vec<&str> = n.denied.iter().map(|(k, _)| k.as_str()).collect();
        out.push(
            Finding::new(
                FindingCode::AuthorizerCachedPolicyTooNarrow,
                Certainty::Evaluated,
                format!(
                    "Authorizer {}'s answer is cached {} s for every route, but it allows only {}: {} would get 403 from the cache",
                    a.name,
                    n.ttl_seconds,
                    n.allowed_resources.join(", "),
                    denied.join(", ")
                ),
            )
            .evidence(format!("result TTL {} s; identity sources {}", n.ttl_seconds, sources(&a.identity_source).join(", ")))
            .evidence(format!("Allow Resource: {}", n.allowed_resources.join(", ")))
            .evidence(format!("denied from the cache: {}", n.denied.iter().map(|(k, arn)| format!("{k} ({arn})")).collect::<Vec<_>>().join(", ")))
            .fix_args(&args),
        );
    }
}
