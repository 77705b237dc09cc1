//! Response-side CORS (reference §3): what a browser would make of the
//! response to a request that carried `Origin`. The verdict itself comes from
//! `engines::cors`, on the origin the request actually sent (the probe uses the
//! same one); this file adds what only the doctor knows — that the response was
//! an error API Gateway generated, that nobody configured CORS, or that the
//! API's CorsConfiguration replaced the headers the function returned.

use super::evidence::Evidence;
use super::fingerprint::classify;
use crate::domain::FindingCode;
use crate::domain::{Certainty, Cors, Finding, HttpResponse, Severity, header};
use crate::engines::cors::{self, BrowserRequest, Preflight};
use crate::engines::lambda_log::find_response_headers;
use crate::engines::routing::{Mismatch, Router};

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let (Some(req), Some(resp)) = (ev.request.as_ref(), ev.response.as_ref()) else {
        return;
    };
    let Some(origin) = req.header("origin").map(str::to_string) else {
        return; // not a browser request: CORS does not apply
    };
    let preflight_method = req.header("access-control-request-method");
    let is_preflight = req.method.eq_ignore_ascii_case("OPTIONS") && preflight_method.is_some();
    let mut browser = BrowserRequest::from_http(req, &origin);
    if let Some(m) = preflight_method.filter(|_| is_preflight) {
        browser.method = m.to_ascii_uppercase();
        browser.headers = req
            .header("access-control-request-headers")
            .map(|h| {
                h.split(',')
                    .map(|s| s.trim().to_ascii_lowercase())
                    .collect()
            })
            .unwrap_or_default();
    }
    let acao = resp.header("access-control-allow-origin");
    let fp = classify(resp);
    if is_preflight
        && resp.status >= 400
        && fp.from_gateway()
        && let Some(f) = no_preflight_route(ev, req, resp, &origin)
    {
        out.push(f);
        return;
    }
    if acao.is_none() && resp.status >= 400 && fp.from_gateway() {
        out.push(missing_on_error(ev, resp));
        return;
    }
    if acao.is_none() && !ev.is_rest() && ev.api.as_ref().is_some_and(|a| a.cors.is_none()) {
        out.push(
            Finding::new(FindingCode::CorsNotConfigured, Certainty::FromResponse, "A browser request got no CORS headers and the HTTP API has no CORS configuration")
            .evidence(format!("Origin: {origin} (the request's Origin header); response has no access-control-allow-origin"))
            .fix_args(&[("api_id", ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or("API_ID")), ("origin", origin.as_str())]),
        );
        return;
    }
    if acao.is_none() && ev.is_rest() && !is_preflight {
        out.push(
            Finding::new(FindingCode::CorsProxyHeadersMissing, Certainty::FromResponse, "REST proxy integration: the function's answer lacks Access-Control-Allow-Origin")
            .evidence(format!("Origin: {origin} (the request's Origin header); response has no access-control-allow-origin")),
        );
        return;
    }
    let eval = if is_preflight {
        let p = Preflight {
            status: resp.status,
            headers: resp.headers.clone(),
        };
        cors::browser_verdict(&browser, Some(&p), &resp.headers)
    } else {
        // The actual request: the preflight (if any) was not observed here.
        let mut simple = browser.clone();
        simple.headers.clear();
        cors::browser_verdict(&simple, None, &resp.headers)
    };
    let mut findings: Vec<Finding> = eval
        .findings
        .into_iter()
        .map(|mut f| {
            f.certainty = Certainty::FromResponse;
            // Say where the evaluated origin came from.
            for e in &mut f.evidence {
                if *e == format!("Origin: {origin}") {
                    e.push_str(" (the request's Origin header)");
                }
            }
            f
        })
        .collect();
    let configured = ev
        .api
        .as_ref()
        .and_then(|a| a.cors.as_ref())
        .filter(|_| !ev.is_rest());
    if let (Some(config), false) = (configured, is_preflight) {
        explain_configuration(ev, config, &browser, resp, &mut findings);
    }
    out.extend(findings);
}

/// A preflight API Gateway refused because nothing answers OPTIONS on a path that
/// exists for other methods (REST without an OPTIONS method: 403 `Missing
/// Authentication Token`; an HTTP API without CorsConfiguration: 404). The cause is
/// the missing preflight route, not a missing resource, and CORS headers on the
/// error would not help: a preflight needs a 2xx answer.
fn no_preflight_route(
    ev: &Evidence,
    req: &crate::domain::HttpRequest,
    resp: &HttpResponse,
    origin: &str,
) -> Option<Finding> {
    let api = ev.api.as_ref()?;
    if !ev.is_rest() && api.cors.is_some() {
        return None; // an HTTP API with CorsConfiguration answers preflights itself
    }
    let path = url::Url::parse(&req.url).ok()?.path().to_string();
    let res = Router::from_api(api).resolve("OPTIONS", &path);
    if res.matched.is_some() {
        return None; // OPTIONS routes: a failing preflight is another story
    }
    let methods: Vec<String> = res
        .others
        .iter()
        .filter_map(|o| match &o.reason {
            Mismatch::MethodDiffers { route, .. } => Some(format!("{route} (`{}`)", o.route_key)),
            _ => None,
        })
        .collect();
    if methods.is_empty() {
        return None; // no such path at all: the routing rules say so
    }
    let wanted = req
        .header("access-control-request-method")
        .unwrap_or_default();
    Some(
        Finding::new(
            FindingCode::CorsNoPreflightRoute,
            Certainty::Evaluated,
            format!("The browser's preflight (OPTIONS {path} for {wanted}) reaches no OPTIONS method: API Gateway answers {} and the browser blocks the request", resp.status),
        )
        .evidence(format!("Origin: {origin} (the request's Origin header); Access-Control-Request-Method: {wanted}"))
        .evidence(format!("status {} body {}", resp.status, super::fingerprint::body_excerpt(resp)))
        .evidence(format!("routes for this path: {} (no OPTIONS)", methods.join(", "))),
    )
}

/// An HTTP API with a CorsConfiguration answered: the configuration, not the
/// function, decided the CORS headers. Say so with the configuration as
/// evidence, and — when the function's own answer can be seen in its logs —
/// show that its CORS headers were replaced (`CORS_BACKEND_HEADERS_IGNORED`),
/// the primary finding when they would have let the page in.
fn explain_configuration(
    ev: &Evidence,
    config: &Cors,
    browser: &BrowserRequest,
    resp: &HttpResponse,
    findings: &mut Vec<Finding>,
) {
    let api_id = ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or("API_ID");
    let origin_rejected = findings.iter().any(|f| f.code == "CORS_ORIGIN_NOT_ALLOWED");
    let allow_origins = format!(
        "CorsConfiguration.AllowOrigins: {}",
        if config.allow_origins.is_empty() {
            "(none)".to_string()
        } else {
            config.allow_origins.join(", ")
        }
    );
    let fix_args = [
        ("api_id", api_id.to_string()),
        ("origin", browser.origin.clone()),
        ("cors_json", cors::with_origin_json(config, &browser.origin)),
    ];
    if origin_rejected {
        for f in findings
            .iter_mut()
            .filter(|f| f.code == "CORS_ORIGIN_NOT_ALLOWED")
        {
            f.evidence.push(allow_origins.clone());
            f.evidence.push("the function's own Access-Control-* headers, if any, are ignored while the API has a CorsConfiguration".into());
            *f = f.clone().fix_variant("http", &fix_args);
        }
    }
    let Some((function_headers, source)) = function_cors_headers(ev) else {
        return;
    };
    let function_verdict = cors::browser_verdict(
        &BrowserRequest {
            headers: Vec::new(),
            ..browser.clone()
        },
        None,
        &function_headers,
    );
    let answered: Vec<String> = resp
        .headers
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("access-control-"))
        .map(|(k, v)| format!("{}: {v}", k.to_ascii_lowercase()))
        .collect();
    let returned: Vec<String> = function_headers
        .iter()
        .map(|(k, v)| format!("{k}: {v}"))
        .collect();
    let decisive = origin_rejected && function_verdict.allowed;
    let mut f = Finding::new(FindingCode::CorsBackendHeadersIgnored, Certainty::ConfirmedByLogs, if decisive {
            format!(
                "The function allows origin {} itself, but the API's CorsConfiguration replaces its Access-Control-* headers and does not allow that origin: the browser blocks the response",
                browser.origin
            )
        } else {
            "The function's own Access-Control-* headers are ignored: the API's CorsConfiguration wins".to_string()
        }).severity(if decisive {
            Severity::Error
        } else {
            Severity::Info
        })
    .evidence(format!("the function returned ({source}): {}", returned.join("; ")))
    .evidence(format!(
        "API Gateway answered: {}",
        if answered.is_empty() {
            "no Access-Control-* headers".to_string()
        } else {
            answered.join("; ")
        }
    ))
    .evidence(allow_origins);
    f = if decisive {
        f.evidence(format!(
            "Origin: {} (the request's Origin header)",
            browser.origin
        ))
        .fix_variant("decisive", &fix_args)
    } else {
        f
    };
    if decisive {
        // One symptom, one explanation: this finding carries the origin rejection.
        findings.retain(|x| x.code != "CORS_ORIGIN_NOT_ALLOWED");
        findings.insert(0, f);
    } else {
        findings.push(f);
    }
}

/// The `Access-Control-*` headers the function itself returned, with where they were
/// seen: its raw output (when known) or a response it logged in this invocation.
fn function_cors_headers(ev: &Evidence) -> Option<(Vec<(String, String)>, String)> {
    let cors_only = |h: Vec<(String, String)>| -> Vec<(String, String)> {
        h.into_iter()
            .filter(|(k, _)| k.starts_with("access-control-"))
            .collect()
    };
    if let Some(h) = ev
        .function_output
        .as_deref()
        .and_then(find_response_headers)
    {
        let h = cors_only(h);
        return (!h.is_empty()).then(|| (h, "its output".to_string()));
    }
    // Only this invocation's lines: the access record names the Lambda request id.
    let invocation = ev
        .access_logs
        .iter()
        .find_map(|r| r.integration_request_id.as_deref());
    ev.lambda_lines
        .iter()
        .filter(|l| match (invocation, l.request_id.as_deref()) {
            (Some(want), Some(got)) => want == got,
            _ => true,
        })
        .find_map(|l| {
            let h = cors_only(find_response_headers(&l.message)?);
            (!h.is_empty()).then(|| {
                let id = l
                    .request_id
                    .as_deref()
                    .map(|r| format!(", Lambda request id {r}"))
                    .unwrap_or_default();
                (h, format!("a response it logged in {}{id}", l.log_group))
            })
        })
}

fn missing_on_error(ev: &Evidence, resp: &HttpResponse) -> Finding {
    let mut f = Finding::new(
        FindingCode::CorsMissingOnError,
        Certainty::FromResponse,
        format!(
            "API Gateway's own {} carries no CORS headers: a browser reports a CORS error instead",
            resp.status
        ),
    )
    .evidence(format!(
        "status {} without access-control-allow-origin{}",
        resp.status,
        header(&resp.headers, "x-amzn-errortype")
            .map(|t| format!(" (x-amzn-ErrorType: {t})"))
            .unwrap_or_default()
    ))
    .fix_with(ev.is_rest().then_some("rest"), &ev.fix_args());
    if !ev.is_rest() {
        // Whether HTTP APIs add CORS headers to their own errors is [UNVERIFIED].
        f = f.unverified();
    }
    f
}

#[cfg(test)]
#[path = "rules_cors_tests.rs"]
mod tests;
