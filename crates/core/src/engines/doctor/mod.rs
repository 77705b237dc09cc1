//! The doctor: turns evidence (configuration, request, response, access-log
//! records, Lambda lines, logged events) into findings that name the cause,
//! show the evidence and give the fix.
//!
//! Rules are pure functions over [`Evidence`]. Response-side rules guess
//! (`Certainty::FromResponse`); log-side rules confirm or overturn those
//! guesses (`Certainty::ConfirmedByLogs`); [`reconcile`] merges them so one
//! symptom ends with one explanation. [`lint`] checks a configuration with no
//! request at all.
//!
//! ```
//! use gatescope_core::domain::HttpResponse;
//! use gatescope_core::domain::FindingCode;
//! use gatescope_core::engines::doctor::{self, Evidence};
//! let resp = HttpResponse { status: 502, body: br#"{"message": "Internal server error"}"#.to_vec(), ..Default::default() };
//! let findings = doctor::diagnose(&Evidence { response: Some(resp), ..Default::default() });
//! assert_eq!(findings[0].code, FindingCode::IntegrationResponseRejected);
//! ```

mod evidence;
pub mod fingerprint;
mod glance;
mod jwt_eval;
mod lint;
pub mod report;
mod rules_auth;
mod rules_authz;
mod rules_cors;
mod rules_lambda;
mod rules_limits;
mod rules_logs;
mod rules_output;
mod rules_rest_ops;
mod rules_route;
mod rules_server;
mod text;

pub use evidence::{AuthorizerAnswerSeen, Evidence, FunctionConfig};
pub use glance::{GlanceFinding, glance};
pub use lint::{lambda_functions, lint, lint_api};
pub use report::{Report, render};
pub use rules_rest_ops::{DomainCall, custom_domain_call};

use crate::domain::{Certainty, Finding, FindingCode, Severity};

/// Diagnose one request: response-side rules, then log-side rules, then the
/// configuration lint of the route involved, reconciled and sorted (errors
/// first, best-evidenced first).
pub fn diagnose(ev: &Evidence) -> Vec<Finding> {
    // A response a customised gateway response produced is read as the
    // default it replaces, so every rule below still recognises it.
    if let Some((normal, note)) = rules_rest_ops::undo_gateway_response(ev) {
        let mut found = diagnose(&normal);
        for f in &mut found {
            if f.certainty != Certainty::FromConfig {
                f.evidence.push(note.clone());
            }
        }
        return found;
    }
    match rules_rest_ops::custom_domain_call(ev) {
        // A request through a custom domain is read as the execute-api URL
        // its mapping leads to (the default endpoint's switch does not apply).
        Some(rules_rest_ops::DomainCall::Mapped { url, note }) => {
            let mut through = ev.clone();
            if let Some(req) = through.request.as_mut() {
                req.url = url;
                // The Host named the domain; the rewritten URL is on the API's own host.
                req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("host"));
            }
            if let Some(api) = through.api.as_mut() {
                api.disable_execute_api_endpoint = false;
            }
            let mut found = diagnose_one(&through);
            for f in &mut found {
                if GATEWAY_ANSWERED.contains(&f.code) {
                    f.evidence.push(note.clone());
                }
            }
            let mut own = Vec::new();
            rules_rest_ops::custom_domain_findings(ev, &mut own);
            if !own.is_empty() {
                // The URL repeats the mapping's stage: that is why no route matched, so
                // the routing guesses give way to the domain's explanation.
                found.retain(|f| {
                    !matches!(
                        f.code,
                        FindingCode::NoRouteMatched
                            | FindingCode::RestNoSuchResource
                            | FindingCode::StagePrefixMissing
                            | FindingCode::StagePrefixUnexpected
                            | FindingCode::StageNotFound
                            | FindingCode::NotInAccessLog
                    )
                });
                own.extend(found);
                found = own;
            }
            fill_fix_names(ev, &mut found);
            reconcile(found)
        }
        // No mapping covers the path: API Gateway answered for the domain,
        // so guesses about routes, stages and auth of the API do not apply.
        Some(rules_rest_ops::DomainCall::Unmapped { .. }) => {
            let mut found = diagnose_one(ev);
            let mut own = Vec::new();
            rules_rest_ops::custom_domain_findings(ev, &mut own);
            if !own.is_empty() {
                found.retain(|f| {
                    matches!(
                        f.certainty,
                        Certainty::ConfirmedByLogs | Certainty::FromConfig
                    ) && f.code != FindingCode::NotInAccessLog
                        || !(group_of(f.code).is_some()
                            || GATEWAY_ANSWERED.contains(&f.code)
                            || f.code == FindingCode::NotInAccessLog)
                });
                found.extend(own);
            }
            fill_fix_names(ev, &mut found);
            reconcile(found)
        }
        None => diagnose_one(ev),
    }
}

fn diagnose_one(ev: &Evidence) -> Vec<Finding> {
    let mut found = Vec::new();
    rules_rest_ops::api_key_ignored(ev, &mut found);
    rules_rest_ops::from_execution_log(ev, &mut found);
    if ev.response.is_some() {
        rules_server::check(ev, &mut found);
        rules_auth::check(ev, &mut found);
        rules_authz::check_response(ev, &mut found);
        rules_route::check(ev, &mut found);
        rules_limits::check(ev, &mut found);
        rules_cors::check(ev, &mut found);
    } else if ev.request.is_some() {
        // Without a response the request can still be judged (size limits).
        rules_limits::check(ev, &mut found);
    }
    rules_output::check(ev, &mut found);
    rules_authz::check_answer(ev, &mut found);
    rules_logs::check(ev, &mut found);
    // A request no stage accepted is never in a stage's access log.
    if found
        .iter()
        .any(|f| f.code == FindingCode::StagePrefixMissing || f.code == FindingCode::StageNotFound)
    {
        found.retain(|f| f.code != FindingCode::NotInAccessLog);
    }
    rules_rest_ops::usage_plan_numbers(ev, &mut found);
    fill_fix_names(ev, &mut found);
    reconcile(found)
}

/// Fill the slots of fixes with the names the evidence knows (API, stage, route,
/// the route's function and authorizer). The text stays the code's registered one;
/// slots a rule filled itself are kept, the ones it could not fill are filled here.
fn fill_fix_names(ev: &Evidence, found: &mut [Finding]) {
    let args = ev.fix_args();
    for f in found {
        if f.fix.as_deref() == Some(f.code.render_fix(None, &[]).as_str()) {
            *f = f.clone().fix_args(&args);
        } else {
            for (slot, value) in &args {
                f.fill_slot(slot, value);
            }
        }
    }
}

/// The doctor's findings joined by a CORS probe's (the response page's `o`). Both
/// evaluate the request's own Origin, so a code found twice is one finding; and an
/// origin rejection the doctor already explains by the function's replaced headers
/// (`CORS_BACKEND_HEADERS_IGNORED`, error) is not added again.
pub fn with_probe(found: Vec<Finding>, probe: &[Finding]) -> Vec<Finding> {
    let explained = found
        .iter()
        .any(|f| f.code == "CORS_BACKEND_HEADERS_IGNORED" && f.severity == Severity::Error);
    let mut all = found;
    all.extend(
        probe
            .iter()
            .filter(|f| !(explained && f.code == "CORS_ORIGIN_NOT_ALLOWED"))
            .cloned(),
    );
    reconcile(all)
}

/// True when any finding has error severity (the CLI exits 1 then).
pub fn has_errors(findings: &[Finding]) -> bool {
    findings.iter().any(|f| f.severity == Severity::Error)
}

/// How much a certainty weighs: logs beat local evaluation beat the response
/// alone beat configuration alone.
pub(crate) fn certainty_rank(c: Certainty) -> u8 {
    match c {
        Certainty::ConfirmedByLogs => 0,
        Certainty::Evaluated => 1,
        Certainty::FromResponse => 2,
        Certainty::FromConfig => 3,
    }
}

/// Alternative explanations of one symptom. When a stronger piece of evidence
/// names one of them, the weaker guesses in the same group are dropped.
const CAUSE_GROUPS: &[&[FindingCode]] = &[
    &[
        FindingCode::IntegrationResponseRejected,
        FindingCode::IntegrationInvokeFailed,
        FindingCode::HttpApiInternalError,
        FindingCode::MalformedProxyResponse,
        FindingCode::FunctionError,
        FindingCode::FunctionTimeout,
        FindingCode::FunctionOutOfMemory,
        FindingCode::MissingInvokePermission,
        FindingCode::LambdaThrottled,
        FindingCode::IntegrationTimeout,
        FindingCode::ServiceUnavailable,
        FindingCode::AuthorizerFailure,
        FindingCode::AuthorizerPermission,
        FindingCode::LambdaPayloadLimit,
    ],
    &[
        FindingCode::JwtMissing,
        FindingCode::JwtMalformed,
        FindingCode::JwtIssuerMismatch,
        FindingCode::JwtAudienceMismatch,
        FindingCode::JwtExpired,
        FindingCode::JwtNotYetValid,
        FindingCode::JwtInvalid,
        FindingCode::AuthorizerIdentityMissing,
        FindingCode::AuthorizerUnauthorized,
        // Codes of `engines::jwt` for the same symptom.
        FindingCode::JwtNoAudienceClaim,
        FindingCode::JwtNoExp,
        FindingCode::JwtIssuedInFuture,
        FindingCode::JwtAlgNotRsa,
        FindingCode::JwtKidNotFound,
        FindingCode::JwtSignatureInvalid,
    ],
    &[
        FindingCode::AccessDenied,
        FindingCode::AuthorizerDenied,
        FindingCode::JwtScopeMissing,
        FindingCode::IamNotSigned,
        FindingCode::IamAccessDenied,
        FindingCode::IamSignatureMismatch,
        FindingCode::IamExpiredCredentials,
        FindingCode::ResourcePolicyDenied,
        FindingCode::ApiKeyInvalid,
    ],
    &[
        FindingCode::RouteThrottled,
        FindingCode::StageThrottled,
        FindingCode::AccountThrottled,
        FindingCode::GatewayThrottled,
        FindingCode::UsagePlanQuotaExceeded,
        FindingCode::UsagePlanThrottled,
    ],
];

/// Findings that say API Gateway itself answered, besides the cause groups.
const GATEWAY_ANSWERED: &[FindingCode] = &[
    FindingCode::NoRouteMatched,
    FindingCode::RestNoSuchResource,
    FindingCode::StagePrefixMissing,
    FindingCode::StagePrefixUnexpected,
    FindingCode::RouteMethodMismatch,
    FindingCode::StageNotFound,
    FindingCode::ExecuteApiEndpointDisabled,
    FindingCode::CustomDomainNoMapping,
    FindingCode::CustomDomainStageInPath,
    FindingCode::CorsMissingOnError,
    FindingCode::PayloadTooLarge,
];

/// A finding that names a symptom's cause more precisely than others: when it is
/// present, those are dropped (they would lead with a vaguer cause and a fix that
/// does not help). A preflight refused for want of an OPTIONS method is also "no
/// resource/method matched" and "an error without CORS headers", but adding CORS
/// headers to the error would not make a preflight pass.
const SUPERSEDES: &[(FindingCode, &[FindingCode])] = &[(
    FindingCode::CorsNoPreflightRoute,
    &[
        FindingCode::RestNoSuchResource,
        FindingCode::NoRouteMatched,
        FindingCode::RouteMethodMismatch,
        FindingCode::CorsMissingOnError,
    ],
)];

fn group_of(code: FindingCode) -> Option<usize> {
    CAUSE_GROUPS.iter().position(|g| g.contains(&code))
}

/// Merge duplicates (same code about the same subject: evidence joined, strongest
/// certainty and severity kept), drop guesses that stronger evidence overturned, and
/// sort. Findings of one code about two functions (routes, authorizers...) stay two:
/// merged, one title would carry the other's evidence.
pub(crate) fn reconcile(found: Vec<Finding>) -> Vec<Finding> {
    let mut merged: Vec<Finding> = Vec::new();
    for f in found {
        match merged
            .iter_mut()
            .find(|m| m.code == f.code && m.same_subject(&f))
        {
            Some(m) => merge_into(m, f),
            None => merged.push(f),
        }
    }
    // Per group, the best certainty present; guesses weaker than a
    // response-or-better rival in the same group are overturned. Config-only
    // findings are never overturned: they describe the configuration.
    let best: Vec<Option<u8>> = CAUSE_GROUPS
        .iter()
        .enumerate()
        .map(|(gi, _)| {
            merged
                .iter()
                .filter(|f| group_of(f.code) == Some(gi))
                .map(|f| certainty_rank(f.certainty))
                .min()
        })
        .collect();
    merged.retain(|f| match group_of(f.code) {
        Some(gi) => {
            let rank = certainty_rank(f.certainty);
            let best = best[gi].unwrap_or(rank);
            rank <= best || f.certainty == Certainty::FromConfig || best >= 2
        }
        None => true,
    });
    // The logs show the function chose the status itself: every guess that
    // API Gateway produced the answer (routing, auth, throttling, 5xx) falls.
    let function_answered = merged.iter().any(|f| {
        f.code == FindingCode::FunctionReturnedStatus && f.certainty == Certainty::ConfirmedByLogs
    });
    for (precise, vaguer) in SUPERSEDES {
        if merged.iter().any(|f| f.code == *precise) {
            merged.retain(|f| !vaguer.contains(&f.code));
        }
    }
    if function_answered {
        merged.retain(|f| {
            f.certainty == Certainty::ConfirmedByLogs
                || f.certainty == Certainty::FromConfig
                || !(group_of(f.code).is_some() || GATEWAY_ANSWERED.contains(&f.code))
        });
    }
    merged.sort_by(|a, b| {
        (a.severity, certainty_rank(a.certainty), a.code.as_str()).cmp(&(
            b.severity,
            certainty_rank(b.certainty),
            b.code.as_str(),
        ))
    });
    merged
}

fn merge_into(m: &mut Finding, f: Finding) {
    // Severity orders Error < Warning < Info: `min` keeps the most severe.
    let severity = m.severity.min(f.severity);
    let unverified = m.unverified && f.unverified;
    let subject = m.subject.clone().or_else(|| f.subject.clone());
    let stronger = certainty_rank(f.certainty) < certainty_rank(m.certainty);
    // The stronger finding's evidence leads; the other's follows, deduplicated.
    let (mut evidence, rest) = if stronger {
        (f.evidence.clone(), std::mem::take(&mut m.evidence))
    } else {
        (std::mem::take(&mut m.evidence), f.evidence.clone())
    };
    for e in rest {
        if !evidence.contains(&e) {
            evidence.push(e);
        }
    }
    if stronger {
        let fix = m.fix.take();
        *m = f;
        if m.fix.is_none() {
            m.fix = fix;
        }
    } else if m.fix.is_none() {
        m.fix = f.fix;
    }
    m.severity = severity;
    m.unverified = unverified;
    m.evidence = evidence;
    m.subject = subject;
}

#[cfg(test)]
mod props;
#[cfg(test)]
mod scenarios_auth;
#[cfg(test)]
mod scenarios_authz;
#[cfg(test)]
mod scenarios_lint;
#[cfg(test)]
mod scenarios_logs;
#[cfg(test)]
mod scenarios_rest_ops;
#[cfg(test)]
mod scenarios_server;
#[cfg(test)]
mod subject_tests;
#[cfg(test)]
mod test_support;

#[cfg(test)]
mod reconcile_tests {
    use super::*;

    fn f(code: FindingCode, c: Certainty, e: &str) -> Finding {
        Finding::new(code, c, "t")
            .severity(Severity::Error)
            .evidence(e)
    }

    #[test]
    fn same_code_merges_evidence_and_keeps_the_strongest_certainty() {
        let out = reconcile(vec![
            f(
                FindingCode::IntegrationTimeout,
                Certainty::FromResponse,
                "status 504",
            ),
            f(
                FindingCode::IntegrationTimeout,
                Certainty::ConfirmedByLogs,
                "latency 29 s",
            ),
        ]);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].certainty, Certainty::ConfirmedByLogs);
        assert_eq!(out[0].evidence, vec!["latency 29 s", "status 504"]);
    }

    #[test]
    fn logs_overturn_a_response_guess_of_the_same_symptom() {
        let out = reconcile(vec![
            f(
                FindingCode::IntegrationResponseRejected,
                Certainty::FromResponse,
                "502",
            ),
            f(
                FindingCode::FunctionError,
                Certainty::ConfirmedByLogs,
                "boom",
            ),
            f(
                FindingCode::CorsMissingOnError,
                Certainty::FromResponse,
                "no ACAO",
            ),
        ]);
        let codes: Vec<&str> = out.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![FindingCode::FunctionError, FindingCode::CorsMissingOnError]
        );
    }

    #[test]
    fn response_guesses_stand_side_by_side_without_stronger_evidence() {
        let out = reconcile(vec![
            f(FindingCode::JwtInvalid, Certainty::FromResponse, "401"),
            f(
                FindingCode::AuthorizerUnauthorized,
                Certainty::FromResponse,
                "401",
            ),
        ]);
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn errors_sort_first_then_by_certainty() {
        let mut info = f(FindingCode::ColdStart, Certainty::ConfirmedByLogs, "init");
        info.severity = Severity::Info;
        let out = reconcile(vec![
            info,
            f(FindingCode::AccessLoggingOff, Certainty::FromConfig, "cfg"),
            f(
                FindingCode::FunctionError,
                Certainty::ConfirmedByLogs,
                "boom",
            ),
        ]);
        let codes: Vec<&str> = out.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(
            codes,
            vec![
                FindingCode::FunctionError,
                FindingCode::AccessLoggingOff,
                FindingCode::ColdStart
            ]
        );
        assert!(has_errors(&out));
    }
}
