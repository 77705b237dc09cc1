//! Throttling (429) and size limits (413, Lambda's 6 MB) — reference §2.4, §2.5.

use super::evidence::Evidence;
use super::fingerprint::{GatewayBody, body_excerpt, classify};
use super::text::bytes;
use crate::domain::FindingCode;
use crate::domain::{Certainty, Finding, HttpResponse, Route, RouteSettings, Stage};

/// API Gateway's payload limit (both API types).
pub(crate) const GATEWAY_PAYLOAD_LIMIT: u64 = 10 * 1024 * 1024;
/// Lambda's synchronous invoke payload limit.
pub(crate) const LAMBDA_PAYLOAD_LIMIT: u64 = 6 * 1024 * 1024;
/// Request line + headers limit.
pub(crate) const HEADER_LIMIT: u64 = 10240;

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    request_sizes(ev, out);
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    match resp.status {
        429 => throttled(ev, resp, out),
        413 => too_large(ev, resp, out),
        _ => {}
    }
}

fn request_sizes(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(req) = ev.request.as_ref() else {
        return;
    };
    let body = req.body.len() as u64;
    let head = (req.method.len() + req.url.len() + 12) as u64
        + req
            .headers
            .iter()
            .map(|(k, v)| (k.len() + v.len() + 4) as u64)
            .sum::<u64>();
    let certainty = Certainty::Evaluated;
    if body > GATEWAY_PAYLOAD_LIMIT || head > HEADER_LIMIT {
        let mut f = Finding::new(
            FindingCode::PayloadTooLarge,
            certainty,
            "The request exceeds API Gateway's size limits (413)",
        );
        if body > GATEWAY_PAYLOAD_LIMIT {
            f = f.evidence(format!("body {} > 10 MB", bytes(body)));
        }
        if head > HEADER_LIMIT {
            f = f.evidence(format!("request line + headers about {head} bytes > 10240"));
        }
        out.push(f);
        return;
    }
    if !lambda_integration(ev) {
        return;
    }
    // Binary bodies reach the function base64-encoded: a third larger.
    let binary = !is_text(req.header("content-type"));
    let in_event = if binary { body.div_ceil(3) * 4 } else { body };
    if in_event > LAMBDA_PAYLOAD_LIMIT {
        out.push(
            Finding::new(
                FindingCode::LambdaPayloadLimit,
                certainty,
                "The body passes API Gateway but exceeds Lambda's 6 MB invoke limit",
            )
            .evidence(format!(
                "body {}{} > 6 MB",
                bytes(body),
                if binary {
                    format!(" ({} once base64-encoded in the event)", bytes(in_event))
                } else {
                    String::new()
                }
            )),
        );
    }
}

fn lambda_integration(ev: &Evidence) -> bool {
    match ev.route().and_then(|r| r.integration.as_ref()) {
        Some(i) => i.is_lambda_proxy() || i.lambda_arn().is_some(),
        None => true,
    }
}

fn is_text(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let ct = ct.to_ascii_lowercase();
    ct.starts_with("text/") || ["json", "xml", "javascript"].iter().any(|t| ct.contains(t))
}

fn too_large(ev: &Evidence, resp: &HttpResponse, out: &mut Vec<Finding>) {
    let fp = classify(resp);
    if !fp.from_gateway() {
        return;
    }
    let mut f = Finding::new(
        FindingCode::PayloadTooLarge,
        Certainty::FromResponse,
        "API Gateway refused the request as too large (413)",
    )
    .evidence(format!("status 413 body {}", body_excerpt(resp)));
    if let Some(req) = ev.request.as_ref() {
        f = f.evidence(format!("request body {}", bytes(req.body.len() as u64)));
    }
    out.push(f);
}

/// Throttling settings that apply to a route on a stage: the route's own
/// entry, else the stage default.
pub(crate) fn throttle_settings<'a>(
    stage: &'a Stage,
    route: Option<&Route>,
) -> Option<(&'a RouteSettings, bool)> {
    let own = route
        .and_then(|r| route_settings(stage, r))
        .filter(|s| has_throttle(s));
    if let Some(s) = own {
        return Some((s, true));
    }
    stage
        .default_route_settings
        .as_ref()
        .filter(|s| has_throttle(s))
        .map(|s| (s, false))
}

pub(crate) fn has_throttle(s: &RouteSettings) -> bool {
    s.throttling_rate_limit.is_some() || s.throttling_burst_limit.is_some()
}

/// A route's entry in the stage's per-route settings. HTTP APIs key by route
/// key; REST by `{resource_path}/{METHOD}`, written with or without the
/// leading `/` and with `/` escaped as `~1` depending on the source.
fn route_settings<'a>(stage: &'a Stage, route: &Route) -> Option<&'a RouteSettings> {
    if let Some(s) = stage.route_settings.get(&route.route_key) {
        return Some(s);
    }
    let path = route.path()?;
    let method = route.method();
    let candidates = [
        format!("{path}/{method}"),
        format!("{}/{method}", path.trim_start_matches('/')),
        format!("{}/{method}", path.replace('/', "~1")),
    ];
    candidates.iter().find_map(|k| stage.route_settings.get(k))
}

fn limits_text(s: &RouteSettings) -> String {
    let show = |v: Option<String>| v.unwrap_or_else(|| "unset".into());
    format!(
        "rate {} req/s, burst {}",
        show(s.throttling_rate_limit.map(|r| r.to_string())),
        show(s.throttling_burst_limit.map(|b| b.to_string()))
    )
}

pub(crate) fn blocks_all(s: &RouteSettings) -> bool {
    s.throttling_rate_limit == Some(0.0) || s.throttling_burst_limit == Some(0)
}

fn throttled(ev: &Evidence, resp: &HttpResponse, out: &mut Vec<Finding>) {
    let fp = classify(resp);
    if !fp.from_gateway() {
        return; // FUNCTION_RETURNED_STATUS covers it
    }
    let status = format!(
        "status 429 body {}{}",
        body_excerpt(resp),
        fp.error_type
            .as_deref()
            .map(|t| format!(" x-amzn-ErrorType: {t}"))
            .unwrap_or_default()
    );
    const FROM: Certainty = Certainty::FromResponse;
    if fp.body == Some(GatewayBody::LimitExceeded) {
        out.push(
            Finding::new(
                FindingCode::UsagePlanQuotaExceeded,
                FROM,
                "The API key's usage-plan quota is used up (`Limit Exceeded`)",
            )
            .evidence(status)
            .unverified(),
        );
        return;
    }
    let route = ev.route();
    let stage = ev.stage_config();
    let settings = stage.and_then(|s| throttle_settings(s, route));
    let stage_name = stage
        .map(|s| s.stage_name.clone())
        .unwrap_or_else(|| "STAGE".into());
    let finding = match (stage, settings) {
        (Some(_), Some((s, true))) => {
            let key = route.map(|r| r.route_key.clone()).unwrap_or_default();
            Finding::new(
                FindingCode::RouteThrottled,
                FROM,
                if blocks_all(s) {
                    format!("Route `{key}` is throttled to zero: every request gets 429")
                } else {
                    format!("Route `{key}` hit its throttling limit")
                },
            )
            .evidence(status)
            .evidence(format!(
                "stage {stage_name} route settings for `{key}`: {}",
                limits_text(s)
            ))
            .fix_with(
                ev.is_rest().then_some("rest"),
                &throttle_args(ev, &stage_name, Some(&key)),
            )
        }
        (Some(_), Some((s, false))) => Finding::new(
            FindingCode::StageThrottled,
            FROM,
            if blocks_all(s) {
                format!("Stage {stage_name} is throttled to zero: every request gets 429")
            } else {
                format!("Stage {stage_name} hit its default throttling limit")
            },
        )
        .evidence(status)
        .evidence(format!(
            "stage {stage_name} default route settings: {}",
            limits_text(s)
        ))
        .fix_with(
            ev.is_rest().then_some("rest"),
            &throttle_args(ev, &stage_name, None),
        ),
        (Some(_), None) => {
            let mut f = Finding::new(FindingCode::AccountThrottled, FROM, "429 with no stage or route limit configured: the account's Region-wide limit (10,000 req/s, burst 5,000, shared by all APIs)")
            .evidence(status)
            .evidence(format!("stage {stage_name} has no throttling settings"));
            if ev.is_rest() && route.is_some_and(|r| r.api_key_required) {
                f = f.evidence(
                    "the method requires an API key: its usage plan's throttle may apply instead",
                );
            }
            f.unverified()
        }
        (None, _) => Finding::new(
            FindingCode::GatewayThrottled,
            FROM,
            "API Gateway throttled the request (stage, route, usage-plan or account limit)",
        )
        .evidence(status),
    };
    out.push(finding);
}

fn throttle_args<'a>(
    ev: &'a Evidence,
    stage: &'a str,
    route_key: Option<&'a str>,
) -> Vec<(&'static str, &'a str)> {
    let mut args = vec![("stage", stage)];
    if let Some(api) = ev.api.as_ref() {
        args.push(("api_id", api.id.as_str()));
    }
    if let Some(k) = route_key {
        args.push(("route_key", k));
    }
    args
}

/// Which throttling code explains a 429 for this evidence (shared with the
/// log-side rules so both name the same limit).
pub(crate) fn throttle_code(ev: &Evidence) -> FindingCode {
    match ev.stage_config() {
        Some(stage) => match throttle_settings(stage, ev.route()) {
            Some((_, true)) => FindingCode::RouteThrottled,
            Some((_, false)) => FindingCode::StageThrottled,
            None => FindingCode::AccountThrottled,
        },
        None => FindingCode::GatewayThrottled,
    }
}
