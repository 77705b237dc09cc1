//! REST operations around the integration (reference §12 – §14): usage
//! plans and API keys, custom domains and their mappings, gateway responses
//! an API customised, and the execution log as evidence.
//!
//! Two of these rewrite the evidence before the other rules run, so every
//! rule keeps matching API Gateway's own answers: a response produced by a
//! customised gateway response is read as the default one it replaces, and a
//! request to a custom domain is read as the execute-api URL its mapping
//! leads to. Each rewrite leaves a sentence that joins the findings'
//! evidence.

use super::evidence::Evidence;
use super::fingerprint::{GatewayBody, body_excerpt, classify};
use crate::domain::{
    Api, Certainty, CustomDomain, DomainMapping, ExecSummary, Finding, FindingCode,
    GatewayResponse, HttpResponse, Protocol, Severity, Throttle, UsagePlanVerdict,
};

/// A gateway response type's default status and `message`.
fn default_of(response_type: &str) -> Option<(u16, &'static str)> {
    Some(match response_type {
        "ACCESS_DENIED" => (403, "User is not authorized to access this resource"),
        "API_CONFIGURATION_ERROR" => (500, "Internal server error"),
        "EXPIRED_TOKEN" => (403, "The security token included in the request is expired"),
        "INTEGRATION_TIMEOUT" => (504, "Endpoint request timed out"),
        "INVALID_API_KEY" => (403, "Forbidden"),
        "INVALID_SIGNATURE" => (
            403,
            "The request signature we calculated does not match the signature you provided.",
        ),
        "MISSING_AUTHENTICATION_TOKEN" => (403, "Missing Authentication Token"),
        "QUOTA_EXCEEDED" => (429, "Limit Exceeded"),
        "REQUEST_TOO_LARGE" => (413, "Request Too Long"),
        "THROTTLED" => (429, "Too Many Requests"),
        "UNAUTHORIZED" => (401, "Unauthorized"),
        "WAF_FILTERED" => (403, "Forbidden"),
        _ => return None,
    })
}

/// Whether `body` is what `template` renders to: literal text must match,
/// each `$variable` (`$context.error.messageString`, `$stageVariables.x`)
/// may stand for anything.
fn renders_to(template: &str, body: &str) -> bool {
    let mut pattern = String::from("(?s)^");
    let mut rest = template.trim();
    while let Some(i) = rest.find('$') {
        pattern.push_str(&regex::escape(&rest[..i]));
        let var_end = rest[i + 1..]
            .find(|c: char| {
                !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '{' || c == '}')
            })
            .map(|n| i + 1 + n)
            .unwrap_or(rest.len());
        pattern.push_str(".*?");
        rest = &rest[var_end..];
    }
    pattern.push_str(&regex::escape(rest));
    pattern.push('$');
    regex::Regex::new(&pattern).is_ok_and(|r| r.is_match(body.trim()))
}

/// The one customised gateway response that produced `resp`, if exactly one fits.
fn customised_match<'a>(api: &'a Api, resp: &HttpResponse) -> Option<&'a GatewayResponse> {
    let body = String::from_utf8_lossy(&resp.body);
    let fits = |g: &&GatewayResponse| {
        let status = g
            .status_code
            .as_deref()
            .and_then(|s| s.parse::<u16>().ok())
            .or_else(|| default_of(&g.response_type).map(|d| d.0));
        status == Some(resp.status)
            && default_of(&g.response_type).is_some()
            && (g.response_templates.is_empty()
                || g.response_templates.values().any(|t| renders_to(t, &body)))
    };
    let mut found = api
        .gateway_responses
        .iter()
        .filter(|g| !g.default_response)
        .filter(fits);
    let one = found.next()?;
    found.next().is_none().then_some(one)
}

/// Read a response a customised gateway response produced as the default
/// answer it replaces, so the other rules recognise it.
pub(crate) fn undo_gateway_response(ev: &Evidence) -> Option<(Evidence, String)> {
    let api = ev.api.as_ref()?;
    let resp = ev.response.as_ref()?;
    if api.protocol() != Protocol::Rest || classify(resp).body.is_some() {
        return None;
    }
    let g = customised_match(api, resp)?;
    let (status, message) = default_of(&g.response_type)?;
    let note = format!(
        "API {} customises gateway response {}: its {} {} stands for API Gateway's {status} {{\"message\":\"{message}\"}}",
        api.id,
        g.response_type,
        resp.status,
        body_excerpt(resp)
    );
    let mut normal = resp.clone();
    normal.status = status;
    normal.body = serde_json::json!({ "message": message })
        .to_string()
        .into_bytes();
    normal.body_size = normal.body.len() as u64;
    Some((
        Evidence {
            response: Some(normal),
            ..ev.clone()
        },
        note,
    ))
}

/// Host and path of the request URL. An explicit `Host` header wins over the URL's
/// host: it is what API Gateway picks the custom domain by (a request sent to the
/// domain's target name or an IP with `Host: api.example.com`, as curl `--resolve`-style
/// tests and the demo's loopback domain listener do).
fn host_path(ev: &Evidence) -> Option<(String, String, String)> {
    let req = ev.request.as_ref()?;
    let url = url::Url::parse(&req.url).ok()?;
    let host = match req.header("host") {
        Some(h) => h.rsplit_once(':').map_or(h, |(name, port)| {
            if port.chars().all(|c| c.is_ascii_digit()) {
                name
            } else {
                h
            }
        }),
        None => url.host_str()?,
    };
    Some((
        host.trim().to_ascii_lowercase(),
        url.path().to_string(),
        url.query().map(|q| format!("?{q}")).unwrap_or_default(),
    ))
}

/// The mapping a path selects on a domain: the longest base path that is a
/// whole-segment prefix, else the `(none)` mapping (reference §14.2).
fn select<'a>(d: &'a CustomDomain, path: &str) -> Option<&'a DomainMapping> {
    let p = path.trim_start_matches('/');
    d.mappings
        .iter()
        .filter(|m| {
            m.base_path.is_empty()
                || p == m.base_path
                || p.starts_with(&format!("{}/", m.base_path))
        })
        .max_by_key(|m| m.base_path.len())
}

/// What a request to one of the API's custom domains means.
pub enum DomainCall<'a> {
    /// The mapping leads to this API: the execute-api URL it stands for.
    Mapped { url: String, note: String },
    /// No mapping of the domain covers the path (API Gateway answers itself).
    Unmapped {
        domain: &'a CustomDomain,
        path: String,
    },
}

/// Read a request to a custom domain of the API.
pub fn custom_domain_call(ev: &Evidence) -> Option<DomainCall<'_>> {
    let api = ev.api.as_ref()?;
    let (host, path, query) = host_path(ev)?;
    let domain = api
        .domains
        .iter()
        .find(|d| d.domain_name.eq_ignore_ascii_case(&host))?;
    let Some(m) = select(domain, &path).filter(|m| m.api_id == api.id) else {
        return Some(DomainCall::Unmapped { domain, path });
    };
    let endpoint = api.endpoint.as_deref()?;
    let rest = path
        .trim_start_matches('/')
        .strip_prefix(m.base_path.as_str())
        .unwrap_or("")
        .trim_start_matches('/');
    // A mapping without a stage leaves the stage in the path.
    let url = match m.stage.as_deref() {
        Some("$default") => format!("{}/{rest}{query}", endpoint.trim_end_matches('/')),
        Some(stage) => format!("{}/{stage}/{rest}{query}", endpoint.trim_end_matches('/')),
        None => format!("{}/{rest}{query}", endpoint.trim_end_matches('/')),
    };
    let note = format!(
        "https://{}{path} is mapped by `{}` to {} of API {}: read as {url}",
        domain.domain_name,
        if m.base_path.is_empty() {
            "(none)"
        } else {
            m.base_path.as_str()
        },
        m.stage.as_deref().unwrap_or("(stage from the path)"),
        api.id
    );
    Some(DomainCall::Mapped { url, note })
}

/// The custom-domain finding for a request no mapping covers, or for a
/// mapped request that repeats the stage name after the base path.
pub(crate) fn custom_domain_findings(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    let Some(api) = ev.api.as_ref() else { return };
    let Some(call) = custom_domain_call(ev) else {
        return;
    };
    let rest = api.protocol() == Protocol::Rest;
    let gateway_refusal = match classify(resp).body {
        Some(GatewayBody::Forbidden) | Some(GatewayBody::MissingAuthenticationToken) => rest,
        Some(GatewayBody::NotFound) => !rest,
        _ => false,
    } || (resp.status == 403 && rest && resp.body.is_empty());
    if !gateway_refusal {
        return;
    }
    let status = format!("status {} body {}", resp.status, body_excerpt(resp));
    let listing = |d: &CustomDomain| {
        d.mappings
            .iter()
            .map(|m| {
                format!(
                    "`{}` → {} {}",
                    if m.base_path.is_empty() {
                        "(none)"
                    } else {
                        &m.base_path
                    },
                    m.api_id,
                    m.stage.as_deref().unwrap_or("(stage in path)")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    match call {
        DomainCall::Unmapped { domain, path } => {
            let first = api
                .domains
                .iter()
                .find(|d| d.domain_name == domain.domain_name)
                .and_then(|d| d.mappings.iter().find(|m| m.api_id == api.id));
            out.push(
                Finding::new(
                    FindingCode::CustomDomainNoMapping,
                    Certainty::Evaluated,
                    format!(
                        "No mapping of {} covers {path}: API Gateway answers before any API",
                        domain.domain_name
                    ),
                )
                .evidence(status)
                .evidence(format!(
                    "{} mappings of this API: {}",
                    domain.domain_name,
                    listing(domain)
                ))
                .evidence("4xx for unmapped custom-domain paths leave no access log or metrics: only the response and the mappings tell")
                .fix_with((!rest).then_some("http"), &[
                    ("domain", domain.domain_name.as_str()),
                    ("base_path", first.map(|m| m.base_path.as_str()).unwrap_or("BASE")),
                    ("api_id", api.id.as_str()),
                    (
                        "stage",
                        first.and_then(|m| m.stage.as_deref()).unwrap_or("STAGE"),
                    ),
                ])
                .unverified(),
            );
        }
        DomainCall::Mapped { .. } => {
            // The mapping names the stage: a stage name right after the base
            // path is part of the resource path, which rarely exists.
            let Some((host, path, _)) = host_path(ev) else {
                return;
            };
            let Some(d) = api
                .domains
                .iter()
                .find(|d| d.domain_name.eq_ignore_ascii_case(&host))
            else {
                return;
            };
            let Some(m) = select(d, &path) else { return };
            let after = path
                .trim_start_matches('/')
                .strip_prefix(m.base_path.as_str())
                .unwrap_or("")
                .trim_start_matches('/');
            let first = after.split('/').next().unwrap_or("");
            let Some(stage) = m.stage.as_deref() else {
                return;
            };
            if first != stage {
                return;
            }
            out.push(
                Finding::new(
                    FindingCode::CustomDomainStageInPath,
                    Certainty::Evaluated,
                    format!(
                        "The URL repeats the stage `{stage}` after the base path; the mapping already names it"
                    ),
                )
                .evidence(status)
                .evidence(format!("{} mappings of this API: {}", d.domain_name, listing(d)))
                .fix_args(&[
                    ("domain", d.domain_name.as_str()),
                    ("base_path", m.base_path.as_str()),
                    ("api_id", api.id.as_str()),
                    ("stage", stage),
                ]),
            );
        }
    }
}

/// `x-api-key` sent to an HTTP API: ignored there.
pub(crate) fn api_key_ignored(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(req) = ev.request.as_ref() else {
        return;
    };
    if ev.protocol() != Some(Protocol::Http) || req.header("x-api-key").is_none() {
        return;
    }
    out.push(
        Finding::new(
            FindingCode::ApiKeyIgnoredByHttpApi,
            Certainty::Evaluated,
            "The request sends x-api-key to an HTTP API, which has no API keys: the header is ignored",
        )
        .severity(Severity::Warning)
        .evidence(format!(
            "API {} is an HTTP API; the request carries an x-api-key header",
            ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or_default()
        )),
    );
}

fn throttle_text(rate: Option<f64>, burst: Option<i32>) -> String {
    let show = |v: Option<String>| v.unwrap_or_else(|| "unset".into());
    format!(
        "rate {} req/s, burst {}",
        show(rate.map(|r| r.to_string())),
        show(burst.map(|b| b.to_string()))
    )
}

/// The plans covering the request's stage, described with their numbers.
fn plans_text(ev: &Evidence) -> Vec<String> {
    let (Some(api), Some(stage)) = (ev.api.as_ref(), ev.stage_config()) else {
        return Vec::new();
    };
    let route = ev.route();
    api.plans_for_stage(&stage.stage_name)
        .map(|p| {
            let mut t = format!(
                "usage plan `{}` ({}) covers stage {}",
                p.name, p.id, stage.stage_name
            );
            if let Some(q) = &p.quota {
                t.push_str(&format!(": quota {} per {}", q.limit, q.period));
            }
            if let Some(th) = &p.throttle {
                t.push_str(&format!(
                    ", throttle {}",
                    throttle_text(th.rate_limit, th.burst_limit)
                ));
            }
            if let Some(r) = route
                && let (Some(path), method) = (r.path(), r.method())
                && let Some(th) = p.method_throttle(&api.id, &stage.stage_name, method, path)
            {
                t.push_str(&format!(
                    ", `{}` {}",
                    r.route_key,
                    throttle_text(th.rate_limit, th.burst_limit)
                ));
            }
            let keys: Vec<String> = p
                .keys
                .iter()
                .map(|k| {
                    format!(
                        "{} ({}{})",
                        k.name.as_deref().unwrap_or("unnamed"),
                        k.id,
                        match k.enabled {
                            Some(false) => ", DISABLED",
                            _ => "",
                        }
                    )
                })
                .collect();
            t.push_str(&format!(
                "; keys: {}",
                if keys.is_empty() {
                    "none".to_string()
                } else {
                    keys.join(", ")
                }
            ));
            t
        })
        .collect()
}

/// Add the usage plans' numbers to the API-key and quota findings, and the
/// per-key throttle as a cause of a 429 on a method that requires a key.
pub(crate) fn usage_plan_numbers(ev: &Evidence, found: &mut Vec<Finding>) {
    let Some(api) = ev.api.as_ref() else { return };
    if api.protocol() != Protocol::Rest {
        return;
    }
    let plans = plans_text(ev);
    let stage = ev.stage_config().map(|s| s.stage_name.clone());
    let key_sent = ev.request.as_ref().map(|r| r.header("x-api-key").is_some());
    for f in found.iter_mut() {
        match f.code {
            FindingCode::ApiKeyInvalid => {
                if let Some(source) = api.api_key_source.as_deref() {
                    f.evidence.push(format!("API key source: {source}"));
                }
                let from_authorizer = api.api_key_source.as_deref() == Some("AUTHORIZER");
                match key_sent {
                    _ if from_authorizer => f.evidence.push(
                        "the key is the Lambda authorizer's usageIdentifierKey, not the request's x-api-key (ignored here); gatescope does not know which key the authorizer returned for this caller (it never reads key values): the execution log names it masked, and `gatescope usage API_ID --key-id ID` shows a key's usage".into(),
                    ),
                    Some(true) => f.evidence.push(
                        "the request sent an x-api-key (gatescope never reads key values, so it cannot tell which key it is: the execution log names it masked)".into(),
                    ),
                    Some(false) => f.evidence.push("the request sent no x-api-key".into()),
                    None => {}
                }
                if plans.is_empty() {
                    if let Some(s) = &stage {
                        f.evidence.push(format!(
                            "no usage plan covers stage {s} of API {}: every key gets 403",
                            api.id
                        ));
                    }
                } else {
                    f.evidence.extend(plans.iter().cloned());
                }
            }
            FindingCode::UsagePlanQuotaExceeded => f.evidence.extend(plans.iter().cloned()),
            _ => {}
        }
    }
    let throttled_429 = ev
        .response
        .as_ref()
        .is_some_and(|r| r.status == 429 && classify(r).body == Some(GatewayBody::TooManyRequests));
    let route = ev.route();
    let key_route = route.is_some_and(|r| r.api_key_required);
    let (Some(stage_name), true, true) = (stage.as_deref(), throttled_429, key_route) else {
        return;
    };
    // Each covering plan's per-key limits for this method: its method throttle, else its own.
    let limited: Vec<(&crate::domain::UsagePlan, Throttle)> = api
        .plans_for_stage(stage_name)
        .filter_map(|p| {
            let method =
                route.and_then(|r| p.method_throttle(&api.id, stage_name, r.method(), r.path()?));
            Some((p, method.or(p.throttle)?))
        })
        .collect();
    if limited.is_empty() {
        return;
    }
    // The stage's (or route's) own limits: a plan below them is the likelier cause of the
    // 429 than the stage, whose finding is then replaced (API Gateway applies the
    // per-key limits first, reference §13.3).
    let stage_limits = ev
        .stage_config()
        .and_then(|s| super::rules_limits::throttle_settings(s, route))
        .map(|(s, _)| (s.throttling_rate_limit, s.throttling_burst_limit));
    let below = |t: &Throttle| match stage_limits {
        None => true,
        Some((rate, burst)) => {
            matches!((t.rate_limit, rate), (Some(a), Some(b)) if a < b)
                || matches!((t.burst_limit, burst), (Some(a), Some(b)) if a < b)
        }
    };
    let stricter: Vec<&(&crate::domain::UsagePlan, Throttle)> =
        limited.iter().filter(|(_, t)| below(t)).collect();
    let named: Vec<String> = limited
        .iter()
        .map(|(p, t)| {
            format!(
                "`{}` {}",
                p.name,
                throttle_text(t.rate_limit, t.burst_limit)
            )
        })
        .collect();
    let (title, plan_id) = match stricter.as_slice() {
        [(p, t)] => (
            format!(
                "The API key may have hit usage plan `{}`'s throttle ({})",
                p.name,
                throttle_text(t.rate_limit, t.burst_limit)
            ),
            p.id.as_str(),
        ),
        // Which plan holds the key is not known without its value (never read).
        _ => (
            "The API key may have hit its usage plan's throttle".to_string(),
            if limited.len() == 1 {
                limited[0].0.id.as_str()
            } else {
                "PLAN_ID"
            },
        ),
    };
    let mut f = Finding::new(
        FindingCode::UsagePlanThrottled,
        Certainty::FromResponse,
        title,
    )
    .evidence("status 429 `Too Many Requests` on a method that requires an API key")
    .evidence(format!(
        "per-key limits of the plans covering stage {stage_name} for this method: {}",
        named.join(", ")
    ))
    .evidence(plans.join("; "));
    if let Some((rate, burst)) = stage_limits {
        f = f.evidence(format!(
            "the stage's own limits for this method: {}",
            throttle_text(rate, burst)
        ));
    }
    if !stricter.is_empty() {
        f = f.evidence(
            "which plan holds the key is not known (gatescope never reads key values): the execution log's `Key throttle limit exceeded` line names the limits",
        );
        found.retain(|x| {
            !matches!(
                x.code,
                FindingCode::StageThrottled
                    | FindingCode::RouteThrottled
                    | FindingCode::AccountThrottled
                    | FindingCode::GatewayThrottled
            )
        });
        // The execution log's account (if read) is better evidence than this guess.
        let f = match found
            .iter()
            .position(|x| x.code == FindingCode::UsagePlanThrottled)
        {
            Some(i) => found.remove(i),
            None => f
                .fix_args(&[
                    ("plan_id", plan_id),
                    ("api_id", api.id.as_str()),
                    ("stage", stage_name),
                ])
                .unverified(),
        };
        found.insert(0, f);
    } else if !found
        .iter()
        .any(|x| x.code == FindingCode::UsagePlanThrottled)
    {
        found.push(
            f.fix_args(&[
                ("plan_id", plan_id),
                ("api_id", api.id.as_str()),
                ("stage", stage_name),
            ])
            .unverified(),
        );
    }
}

/// Findings the REST execution log confirms.
pub(crate) fn from_execution_log(ev: &Evidence, out: &mut Vec<Finding>) {
    for s in &ev.exec_logs {
        exec_summary(ev, s, out);
    }
}

fn exec_summary(ev: &Evidence, s: &ExecSummary, out: &mut Vec<Finding>) {
    const LOGS: Certainty = Certainty::ConfirmedByLogs;
    let rid = if s.request_id.is_empty() {
        "?"
    } else {
        s.request_id.as_str()
    };
    let status = s
        .status
        .map(|n| format!("execution log ({rid}): Method completed with status: {n}"))
        .unwrap_or_else(|| format!("execution log ({rid})"));
    match &s.usage_plan {
        Some(UsagePlanVerdict::NotAuthorized { reason }) => out.push(
            Finding::new(
                FindingCode::ApiKeyInvalid,
                LOGS,
                "API Gateway refused the API key (execution log)",
            )
            .evidence(status.clone())
            .evidence(format!(
                "API Key {} not authorized because {reason}",
                s.api_key_masked.as_deref().unwrap_or("(none)")
            ))
            .fix_args(&ev.fix_args()),
        ),
        Some(UsagePlanVerdict::Throttled {
            rate_limit,
            burst_limit,
        }) => out.push(
            Finding::new(
                FindingCode::UsagePlanThrottled,
                LOGS,
                "The API key hit its usage plan's throttle (execution log)",
            )
            .evidence(status.clone())
            .evidence(format!(
                "Key throttle limit exceeded for key {}: limit {} req/s, burst {}",
                s.api_key_masked.as_deref().unwrap_or("(none)"),
                rate_limit
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "?".into()),
                burst_limit
                    .map(|b| b.to_string())
                    .unwrap_or_else(|| "?".into())
            ))
            .fix_args(&{
                let mut a = ev.fix_args();
                if let (Some(api), Some(stage)) = (ev.api.as_ref(), ev.stage_config())
                    && let Some(p) = api.plans_for_stage(&stage.stage_name).next()
                {
                    a.push(("plan_id", p.id.clone()));
                }
                a
            }),
        ),
        _ => {}
    }
    if let Some(err) = &s.configuration_error {
        let code = if err.contains("Malformed Lambda proxy response") {
            Some(FindingCode::MalformedProxyResponse)
        } else if err.contains("Invalid permissions on Lambda function") {
            Some(if s.authorizer_id.is_some() {
                FindingCode::AuthorizerPermission
            } else {
                FindingCode::MissingInvokePermission
            })
        } else {
            None
        };
        if let Some(code) = code {
            out.push(
                Finding::new(
                    code,
                    LOGS,
                    format!("Execution failed due to configuration error: {err}"),
                )
                .evidence(status.clone())
                .evidence(format!(
                    "execution log: Execution failed due to configuration error: {err}"
                ))
                .fix_args(&ev.fix_args()),
            );
        }
    }
    if let Some(msg) = &s.function_error {
        let timeout = msg.contains("Task timed out after");
        out.push(
            Finding::new(
                if timeout {
                    FindingCode::FunctionTimeout
                } else {
                    FindingCode::FunctionError
                },
                LOGS,
                if timeout {
                    "The function timed out (execution log)".to_string()
                } else {
                    "The function failed (execution log)".to_string()
                },
            )
            .evidence(status)
            .evidence(format!(
                "customer function error: {}{}",
                msg.lines().next().unwrap_or_default(),
                s.lambda_request_id
                    .as_deref()
                    .map(|id| format!(" (Lambda request id {id})"))
                    .unwrap_or_default()
            ))
            .fix_args(&ev.fix_args()),
        );
    }
}
