//! The browser's side: the Fetch standard's CORS check on a preflight answer
//! and on the actual response, each failure naming the header and value.

use crate::domain::FindingCode;
use crate::domain::{Certainty, Finding, header};

use super::{
    BrowserRequest, CorsEvaluation, Preflight, SAFELISTED_RESPONSE_HEADERS, SIMPLE_METHODS,
    needs_preflight, requested_headers,
};

/// The browser's CORS check on a preflight answer and on the actual response.
pub fn browser_verdict(
    req: &BrowserRequest,
    preflight: Option<&Preflight>,
    response_headers: &[(String, String)],
) -> CorsEvaluation {
    let mut findings = Vec::new();
    let mut allowed = true;
    let needed = needs_preflight(req);
    if needed && let Some(p) = preflight {
        allowed &= check_preflight(req, p, &mut findings);
    }
    if allowed {
        allowed &= check_origin(req, response_headers, "actual response", &mut findings);
    }
    if allowed {
        check_exposed(req, response_headers, &mut findings);
    }
    CorsEvaluation {
        allowed,
        preflight_needed: needed,
        preflight: preflight.cloned(),
        response_headers: response_headers
            .iter()
            .filter(|(k, _)| k.to_ascii_lowercase().starts_with("access-control-"))
            .cloned()
            .collect(),
        findings,
    }
}

fn check_preflight(req: &BrowserRequest, p: &Preflight, findings: &mut Vec<Finding>) -> bool {
    // The browser checks the origin first and reports that failure (Chromium names the
    // missing Access-Control-Allow-Origin of a 403 preflight, not its status); a non-2xx
    // preflight that does carry the origin fails on its status.
    let origin_ok = check_origin(req, &p.headers, "preflight", findings);
    if !(200..300).contains(&p.status) {
        findings.push(
            Finding::new(
                FindingCode::CorsPreflightStatus,
                Certainty::Evaluated,
                format!(
                    "The preflight was answered with {}, not 2xx: the browser reports a CORS error",
                    p.status
                ),
            )
            .evidence(format!("OPTIONS status: {}", p.status)),
        );
        return false;
    }
    if !origin_ok {
        return false;
    }
    let credentials = req.credentials;
    let method = req.method.to_ascii_uppercase();
    let methods = list(&p.headers, "access-control-allow-methods");
    let method_ok = SIMPLE_METHODS.contains(&method.as_str())
        || methods.iter().any(|m| m.eq_ignore_ascii_case(&method))
        || (!credentials && methods.iter().any(|m| m == "*"));
    let mut ok = true;
    if !method_ok {
        ok = false;
        findings.push(
            Finding::new(FindingCode::CorsMethodNotAllowed, Certainty::Evaluated, format!("Method {method} is not allowed by Access-Control-Allow-Methods in the preflight response"))
                .evidence(format!("access-control-allow-methods: {}", header(&p.headers, "access-control-allow-methods").unwrap_or("(absent)")))
                .fix_args(&[("method", &method)]),
        );
    }
    let allowed_headers = list(&p.headers, "access-control-allow-headers");
    let wildcard = !credentials && allowed_headers.iter().any(|h| h == "*");
    for h in requested_headers(req) {
        let listed = allowed_headers.iter().any(|a| a.eq_ignore_ascii_case(&h));
        // Fetch: `*` never covers Authorization.
        let by_wildcard = wildcard && h != "authorization";
        if !listed && !by_wildcard {
            ok = false;
            let mut f = Finding::new(FindingCode::CorsHeaderNotAllowed, Certainty::Evaluated, format!("Request header field {h} is not allowed by Access-Control-Allow-Headers in the preflight response"))
                .evidence(format!("access-control-allow-headers: {}", header(&p.headers, "access-control-allow-headers").unwrap_or("(absent)")));
            f = f.fix_with(
                (h == "authorization" && wildcard).then_some("wildcard_authorization"),
                &[("header", &h)],
            );
            findings.push(f);
        }
    }
    ok
}

fn check_origin(
    req: &BrowserRequest,
    headers: &[(String, String)],
    which: &str,
    findings: &mut Vec<Finding>,
) -> bool {
    let Some(acao) = header(headers, "access-control-allow-origin") else {
        findings.push(
            Finding::new(
                FindingCode::CorsOriginNotAllowed,
                Certainty::Evaluated,
                format!(
                    "No 'Access-Control-Allow-Origin' header on the {which} for origin {}",
                    req.origin
                ),
            )
            .evidence(format!("Origin: {}", req.origin)),
        );
        return false;
    };
    let acao = acao.trim();
    if acao.contains(',') || acao.contains(' ') {
        findings.push(
            Finding::new(FindingCode::CorsMultipleOrigins, Certainty::Evaluated, format!("Access-Control-Allow-Origin on the {which} holds several values; browsers accept exactly one"))
                .evidence(format!("access-control-allow-origin: {acao}")),
        );
        return false;
    }
    if acao == "*" && req.credentials {
        findings.push(
            Finding::new(FindingCode::CorsCredentialsWithWildcard, Certainty::Evaluated, format!("The {which} answers Access-Control-Allow-Origin: * but the request sends credentials"))
                .evidence("access-control-allow-origin: *"),
        );
        return false;
    }
    if acao != "*" && acao != req.origin {
        findings.push(
            Finding::new(FindingCode::CorsOriginMismatch, Certainty::Evaluated, format!("Access-Control-Allow-Origin on the {which} is {acao}, not the page's origin {}", req.origin))
                .evidence(format!("access-control-allow-origin: {acao}"))
                .evidence(format!("Origin: {}", req.origin)),
        );
        return false;
    }
    if req.credentials
        && header(headers, "access-control-allow-credentials").map(str::trim) != Some("true")
    {
        findings.push(
            Finding::new(FindingCode::CorsCredentialsNotAllowed, Certainty::Evaluated, format!("The request sends credentials but the {which} lacks Access-Control-Allow-Credentials: true"))
                .evidence(format!("access-control-allow-credentials: {}", header(headers, "access-control-allow-credentials").unwrap_or("(absent)"))),
        );
        return false;
    }
    true
}

/// Response headers the page reads but may not see: the fetch succeeds, yet
/// `response.headers.get(name)` answers null.
fn check_exposed(req: &BrowserRequest, headers: &[(String, String)], findings: &mut Vec<Finding>) {
    let exposed = list(headers, "access-control-expose-headers");
    let wildcard = !req.credentials && exposed.iter().any(|h| h == "*");
    for name in &req.read_headers {
        let name = name.trim().to_ascii_lowercase();
        if name.is_empty()
            || SAFELISTED_RESPONSE_HEADERS.contains(&name.as_str())
            || wildcard
            || exposed.iter().any(|e| e.eq_ignore_ascii_case(&name))
        {
            continue;
        }
        findings.push(
            Finding::new(FindingCode::CorsHeaderNotExposed, Certainty::Evaluated, format!("The page cannot read response header {name}: it is not in Access-Control-Expose-Headers (response.headers.get answers null)"))
                .evidence(format!("access-control-expose-headers: {}", header(headers, "access-control-expose-headers").unwrap_or("(absent)")))
                .fix_args(&[("header", name)]),
        );
    }
}

fn list(headers: &[(String, String)], name: &str) -> Vec<String> {
    header(headers, name)
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}
