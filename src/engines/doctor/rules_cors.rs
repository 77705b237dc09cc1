//! Response-side CORS (reference §3): what a browser would make of the
//! response to a request that carried `Origin`. The verdict itself comes from
//! `engines::cors`; this file adds what only the doctor knows — that the
//! response was an error API Gateway generated, or that nobody configured CORS.

use super::codes;
use super::evidence::Evidence;
use super::fingerprint::classify;
use crate::domain::{Certainty, Finding, HttpResponse, Severity, header};
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
                codes::CORS_NOT_CONFIGURED,
                Severity::Error,
                Certainty::FromResponse,
                "A browser request got no CORS headers and the HTTP API has no CORS configuration",
            )
            .evidence(format!("Origin: {origin}; response has no access-control-allow-origin"))
            .fix(format!(
                "aws apigatewayv2 update-api --api-id {} --cors-configuration AllowOrigins={origin},AllowMethods=GET,POST,AllowHeaders=content-type,authorization",
                ev.api.as_ref().map(|a| a.id.as_str()).unwrap_or("API_ID")
            )),
        );
        return;
    }
    if acao.is_none() && ev.is_rest() && !is_preflight {
        out.push(
            Finding::new(
                codes::CORS_PROXY_HEADERS_MISSING,
                Severity::Error,
                Certainty::FromResponse,
                "REST proxy integration: the function's answer lacks Access-Control-Allow-Origin",
            )
            .evidence(format!("Origin: {origin}; response has no access-control-allow-origin"))
            .fix("With Lambda proxy the function must return Access-Control-Allow-Origin (and -Allow-Credentials when needed) on every response, its own errors included."),
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
    let fix = if ev.is_rest() {
        "Add CORS headers to the gateway responses: aws apigateway put-gateway-response --rest-api-id API_ID --response-type DEFAULT_4XX --response-parameters '{\"gatewayresponse.header.Access-Control-Allow-Origin\":\"'\"'\"'*'\"'\"'\"}' (and DEFAULT_5XX), then redeploy. Fix the underlying error first."
    } else {
        "Fix the underlying error first; the browser hides it behind a CORS message because API Gateway's own error carries no CORS headers."
    };
    let mut f = Finding::new(
        codes::CORS_MISSING_ON_ERROR,
        Severity::Warning,
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
    .fix(fix);
    if !ev.is_rest() {
        // Whether HTTP APIs add CORS headers to their own errors is [UNVERIFIED].
        f = f.unverified();
    }
    f
}
