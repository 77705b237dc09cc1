//! "Nothing matched": HTTP API 404 `Not Found` and REST 403 `Missing
//! Authentication Token` (which means "no such resource or method", or an
//! unsigned call to an IAM method). The request is replayed through
//! `engines::routing` to name the nearest routes and the stage-prefix mistake
//! (reference §4.3, §7.3, §7.4).

use super::evidence::Evidence;
use super::fingerprint::{GatewayBody, body_excerpt, classify};
use crate::domain::{Api, Certainty, Finding, HttpResponse, Severity};
use crate::domain::{AuthorizationType, FindingCode};
use crate::engines::routing::{self, Mismatch, Outcome, Resolution, Router};

const FROM: Certainty = Certainty::FromResponse;
const EVAL: Certainty = Certainty::Evaluated;

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    let fp = classify(resp);
    match (fp.body, resp.status) {
        (Some(GatewayBody::MissingAuthenticationToken), 403) => missing_token(ev, resp, out),
        (Some(GatewayBody::NotFound), 404) => not_found(ev, resp, out),
        (Some(GatewayBody::Forbidden), 403) if endpoint_disabled(ev) => {
            out.push(disabled_finding(ev, resp))
        }
        _ => {}
    }
}

/// The request as sent, when one is in the evidence: what routing sees.
struct Sent {
    /// Upper case, as API Gateway matches it.
    method: String,
    path: String,
    host: String,
}

fn sent(ev: &Evidence) -> Option<Sent> {
    let req = ev.request.as_ref()?;
    let url = url::Url::parse(&req.url).ok()?;
    Some(Sent {
        method: req.method.to_ascii_uppercase(),
        path: url.path().to_string(),
        host: url.host_str().unwrap_or_default().to_string(),
    })
}

fn default_host(host: &str) -> bool {
    host.contains(".execute-api.") && host.ends_with(".amazonaws.com")
}

fn endpoint_disabled(ev: &Evidence) -> bool {
    ev.api
        .as_ref()
        .is_some_and(|a| a.disable_execute_api_endpoint)
        && sent(ev).is_some_and(|s| default_host(&s.host))
}

fn disabled_finding(ev: &Evidence, resp: &HttpResponse) -> Finding {
    Finding::new(
        FindingCode::ExecuteApiEndpointDisabled,
        Certainty::FromConfig,
        "The API's default execute-api endpoint is disabled",
    )
    .evidence(format!(
        "status {} body {}",
        resp.status,
        body_excerpt(resp)
    ))
    .evidence(format!(
        "API {} has disableExecuteApiEndpoint: true",
        ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or_default()
    ))
}

fn not_found(ev: &Evidence, resp: &HttpResponse, out: &mut Vec<Finding>) {
    if endpoint_disabled(ev) {
        out.push(disabled_finding(ev, resp));
        return;
    }
    let status = format!("status 404 body {}", body_excerpt(resp));
    let (Some(api), Some(req)) = (ev.api.as_ref(), sent(ev)) else {
        out.push(
            Finding::new(
                FindingCode::NoRouteMatched,
                FROM,
                "No stage or route matched the request (HTTP API 404)",
            )
            .evidence(status),
        );
        return;
    };
    analyse(ev, api, &req, status, out, FindingCode::NoRouteMatched);
}

fn missing_token(ev: &Evidence, resp: &HttpResponse, out: &mut Vec<Finding>) {
    let status = format!("status 403 body {}", body_excerpt(resp));
    let (Some(api), Some(req)) = (ev.api.as_ref(), sent(ev)) else {
        out.push(
            Finding::new(FindingCode::RestNoSuchResource, FROM, "REST `Missing Authentication Token`: usually no resource/method matches the URL (not an auth problem)")
            .evidence(status),
        );
        return;
    };
    let (method, path) = (&req.method, &req.path);
    let router = Router::from_api(api);
    let res = router.resolve(method, path);
    if let Some(m) = res.matched.as_ref() {
        let route = api.route(&m.route_key);
        let iam = route.is_some_and(|r| r.authorized_by(&AuthorizationType::AwsIam));
        if iam && !ev.is_signed() {
            out.push(
                Finding::new(
                    FindingCode::IamNotSigned,
                    EVAL,
                    format!(
                        "`{}` uses AWS_IAM and the request is not signed",
                        m.route_key
                    ),
                )
                .evidence(status)
                .evidence(format!(
                    "{method} {path} matches `{}` (authorizationType AWS_IAM)",
                    m.route_key
                )),
            );
            return;
        }
    }
    analyse(ev, api, &req, status, out, FindingCode::RestNoSuchResource);
}

fn analyse(
    ev: &Evidence,
    api: &Api,
    req: &Sent,
    status: String,
    out: &mut Vec<Finding>,
    miss_code: FindingCode,
) {
    let (method, path, host) = (req.method.as_str(), req.path.as_str(), req.host.as_str());
    let router = Router::from_api(api);
    let res = router.resolve(method, path);
    let custom_domain = custom_domain(host);
    let mut miss = Finding::new(
        miss_code,
        FROM,
        if miss_code == FindingCode::RestNoSuchResource {
            format!(
                "REST `Missing Authentication Token`: no resource/method matches {method} {path}"
            )
        } else {
            format!("No route matched {method} {path}")
        },
    )
    .severity(Severity::Error)
    .evidence(status)
    .evidence(format!("routing: {}", res.summary()));
    if custom_domain {
        miss = miss.evidence(format!(
            "called through {host}: the custom domain's base-path mapping strips its own prefix first"
        ));
    }
    if res.outcome == Outcome::Matched {
        // The loaded configuration would serve it: the live deployment differs.
        let m = res
            .matched
            .as_ref()
            .map(|m| m.route_key.clone())
            .unwrap_or_default();
        miss = miss
            .evidence(format!("the loaded configuration routes it to `{m}`"))
            .fix_variant("not_deployed", &ev.fix_args());
        out.push(miss);
        return;
    }
    for near in routing::nearest(&router, method, path, 3) {
        let hint = if near.hint.is_empty() {
            String::new()
        } else {
            format!(" ({})", near.hint)
        };
        miss = miss.evidence(format!("nearest route: `{}`{hint}", near.route_key));
    }
    miss = miss.fix_variant("nearest", &ev.fix_args());
    out.push(miss);
    let before = out.len();
    stage_prefix(ev, api, &router, &res, method, path, out);
    if res.outcome == Outcome::NoStage && out.len() == before {
        let first = path
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default();
        out.push(
            Finding::new(FindingCode::StageNotFound, EVAL, format!("No stage takes the request: `/{first}` is not a stage and there is no `$default` stage"))
            .evidence(format!("stages: {}", stage_names(api))),
        );
    }
    method_mismatch(&res, method, out);
}

/// The stage-prefix mistake in both directions.
fn stage_prefix(
    ev: &Evidence,
    api: &Api,
    router: &Router,
    res: &Resolution,
    method: &str,
    path: &str,
    out: &mut Vec<Finding>,
) {
    // Missing: the path would route if a named stage's segment were added.
    if res.outcome == Outcome::NoStage || res.stage.as_deref() == Some(routing::DEFAULT_STAGE) {
        for s in api
            .stages
            .iter()
            .filter(|s| s.stage_name != routing::DEFAULT_STAGE)
        {
            let with = format!("/{}{}", s.stage_name, if path == "/" { "" } else { path });
            let r = router.resolve(method, &with);
            if r.outcome == Outcome::Matched
                && r.matched.as_ref().is_some_and(|m| !m.is_default_route)
            {
                out.push(
                    Finding::new(
                        FindingCode::StagePrefixMissing,
                        EVAL,
                        format!("The URL lacks the stage segment: {method} {with} would match"),
                    )
                    .evidence(format!("{method} {path}: {}", res.summary()))
                    .evidence(format!("{method} {with}: {}", r.summary()))
                    .fix_args(&[("url", format!("{}{with}", base_url(ev)))]),
                );
                return;
            }
        }
    }
    // Unexpected: it would route without the first segment. (With no stage
    // at all the router marks every route so; STAGE_NOT_FOUND covers that.)
    if res.outcome == Outcome::NoStage {
        return;
    }
    for o in &res.others {
        if let Mismatch::StagePrefix { segment } = &o.reason {
            out.push(
                Finding::new(
                    FindingCode::StagePrefixUnexpected,
                    EVAL,
                    format!(
                        "`/{segment}` is not a stage of this API; without it `{}` would match",
                        o.route_key
                    ),
                )
                .evidence(format!("stages: {}", stage_names(api)))
                .evidence(o.explanation.clone())
                .fix_args(&[("segment", segment)]),
            );
            return;
        }
    }
}

fn method_mismatch(res: &Resolution, method: &str, out: &mut Vec<Finding>) {
    let methods: Vec<String> = res
        .others
        .iter()
        .filter_map(|o| match &o.reason {
            Mismatch::MethodDiffers { route, .. } => Some(format!("{route} (`{}`)", o.route_key)),
            _ => None,
        })
        .collect();
    if methods.is_empty() {
        return;
    }
    out.push(
        Finding::new(
            FindingCode::RouteMethodMismatch,
            EVAL,
            format!("The path exists, but not for {method}"),
        )
        .evidence(format!("routes for this path: {}", methods.join(", ")))
        .fix_args(&[("method", method)]),
    );
}

fn stage_names(api: &Api) -> String {
    let v: Vec<&str> = api.stages.iter().map(|s| s.stage_name.as_str()).collect();
    if v.is_empty() {
        "(none)".into()
    } else {
        v.join(", ")
    }
}

fn base_url(ev: &Evidence) -> String {
    ev.request
        .as_ref()
        .and_then(|r| url::Url::parse(&r.url).ok())
        .map(|u| {
            let port = u.port().map(|p| format!(":{p}")).unwrap_or_default();
            format!(
                "{}://{}{port}",
                u.scheme(),
                u.host_str().unwrap_or_default()
            )
        })
        .unwrap_or_default()
}

/// A custom domain: a DNS name that is not execute-api (loopback and IP
/// literals are local gateways, not domain mappings).
fn custom_domain(host: &str) -> bool {
    !default_host(host)
        && host != "localhost"
        && host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_err()
}
