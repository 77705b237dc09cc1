//! Response-side CORS (reference §3): what a browser would make of the
//! response to a request that carried `Origin`. The verdict itself comes from
//! `engines::cors`; this file adds what only the doctor knows — that the
//! response was an error API Gateway generated, or that nobody configured CORS.

use super::evidence::Evidence;
use super::fingerprint::classify;
use crate::domain::FindingCode;
use crate::domain::{Certainty, Finding, HttpResponse, header};
use crate::engines::cors::{self, BrowserRequest, Preflight};

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let (Some(req), Some(resp)) = (ev.request.as_ref(), ev.response.as_ref()) else {
        return;
    };
    let Some(origin) = req.header("origin").map(str::to_string) else {
        return; // not a browser request: CORS does not apply
    };
    let preflight_method = req.header("access-control-request-method");
    let is_preflight = req.method.eq_ignore_ascii_case("OPTIONS") && preflight_method.is_some();
    let browser = BrowserRequest {
        origin: origin.clone(),
        method: preflight_method.unwrap_or(&req.method).to_string(),
        headers: if is_preflight {
            req.header("access-control-request-headers")
                .map(|h| h.split(',').map(|s| s.trim().to_string()).collect())
                .unwrap_or_default()
        } else {
            req.headers.iter().map(|(k, _)| k.clone()).collect()
        },
        credentials: req.header("cookie").is_some(),
        read_headers: Vec::new(),
    };
    let acao = resp.header("access-control-allow-origin");
    let fp = classify(resp);
    if acao.is_none() && resp.status >= 400 && fp.from_gateway() {
        out.push(missing_on_error(ev, resp));
        return;
    }
    if acao.is_none() && !ev.is_rest() && ev.api.as_ref().is_some_and(|a| a.cors.is_none()) {
        out.push(
            Finding::new(
                FindingCode::CorsNotConfigured,
                Certainty::FromResponse,
                "A browser request got no CORS headers and the HTTP API has no CORS configuration",
            )
            .evidence(format!(
                "Origin: {origin}; response has no access-control-allow-origin"
            ))
            .fix_args(&[
                (
                    "api_id",
                    ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or("API_ID"),
                ),
                ("origin", origin.as_str()),
            ]),
        );
        return;
    }
    if acao.is_none() && ev.is_rest() && !is_preflight {
        out.push(
            Finding::new(
                FindingCode::CorsProxyHeadersMissing,
                Certainty::FromResponse,
                "REST proxy integration: the function's answer lacks Access-Control-Allow-Origin",
            )
            .evidence(format!(
                "Origin: {origin}; response has no access-control-allow-origin"
            )),
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
        let mut simple = browser.clone();
        // The actual request: the preflight (if any) was not observed here.
        simple.headers.clear();
        cors::browser_verdict(&simple, None, &resp.headers)
    };
    out.extend(eval.findings.into_iter().map(|mut f| {
        f.certainty = Certainty::FromResponse;
        f
    }));
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
