//! The browser-style CORS probe: send the `OPTIONS` preflight a browser would
//! send before a request, then (when the preflight passes) the request itself
//! with `Origin`, and let `engines::cors::browser_verdict` say what the
//! browser decides, with findings naming the header at fault.

use serde::Serialize;

use super::sender::{SendError, Sender};
use crate::domain::{HttpRequest, HttpResponse};
use crate::engines::cors::{self, BrowserRequest, CorsEvaluation, Preflight};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CorsProbe {
    pub origin: String,
    /// False for a "simple" request: a browser would send it directly, and
    /// only the actual response's `access-control-allow-origin` matters.
    pub preflight_needed: bool,
    /// The preflight as sent.
    pub preflight: HttpRequest,
    /// The answer to the preflight.
    pub response: HttpResponse,
    /// The answer to the actual request sent with `Origin` (when it was sent:
    /// an actual request was given and the preflight did not already fail).
    pub actual_response: Option<HttpResponse>,
    /// What a browser would decide.
    pub verdict: CorsEvaluation,
}

/// The non-safelisted header names of `req`, lower-cased, sorted, joined
/// with `,` (what Chrome and Firefox put in `Access-Control-Request-Headers`).
pub(crate) fn request_headers_list(req: &HttpRequest) -> Vec<String> {
    cors::page_headers(req)
}

/// Would a browser preflight this request?
pub fn needs_preflight(req: &HttpRequest) -> bool {
    !matches!(req.method.as_str(), "GET" | "HEAD" | "POST") || !request_headers_list(req).is_empty()
}

/// The preflight a browser on `origin` sends before `req`.
pub(crate) fn preflight_for(req: &HttpRequest, origin: &str) -> HttpRequest {
    let mut pre = HttpRequest::new("OPTIONS", req.url.clone());
    pre.headers.push(("origin".into(), origin.to_string()));
    pre.headers
        .push(("access-control-request-method".into(), req.method.clone()));
    let names = request_headers_list(req);
    if !names.is_empty() {
        pre.headers
            .push(("access-control-request-headers".into(), names.join(",")));
    }
    pre
}

/// Probe CORS for `req` as a page on `origin` would: the preflight is built
/// from the unsigned request (browsers never sign preflights); `actual` is
/// the request to send afterwards (typically the signed one), `None` to stop
/// after the preflight.
pub async fn probe(
    sender: &Sender,
    req: &HttpRequest,
    actual: Option<&HttpRequest>,
    origin: &str,
) -> Result<CorsProbe, SendError> {
    let preflight = preflight_for(req, origin);
    let response = sender.send(&preflight).await?;
    let browser = BrowserRequest::from_http(req, origin);
    let answer = Preflight {
        status: response.status,
        headers: response.headers.clone(),
    };
    let preflight_verdict = cors::browser_verdict(&browser, Some(&answer), &response.headers);
    let preflight_failed = !preflight_verdict.allowed && needs_preflight(req);
    let actual_response = match actual {
        Some(a) if !preflight_failed => {
            let mut a = a.clone();
            a.headers.retain(|(k, _)| !k.eq_ignore_ascii_case("origin"));
            a.headers.push(("origin".into(), origin.to_string()));
            Some(sender.send(&a).await?)
        }
        _ => None,
    };
    let verdict = match &actual_response {
        Some(r) => cors::browser_verdict(&browser, Some(&answer), &r.headers),
        None => preflight_verdict,
    };
    Ok(CorsProbe {
        origin: origin.to_string(),
        preflight_needed: needs_preflight(req),
        preflight,
        response,
        actual_response,
        verdict,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, headers: &[(&str, &str)]) -> HttpRequest {
        HttpRequest {
            method: method.into(),
            url: "https://h.example/x".into(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: vec![],
        }
    }

    #[test]
    fn simple_requests_need_no_preflight() {
        assert!(!needs_preflight(&req("GET", &[("Accept", "*/*")])));
        assert!(!needs_preflight(&req(
            "POST",
            &[("Content-Type", "text/plain; charset=utf-8")]
        )));
        assert!(needs_preflight(&req(
            "POST",
            &[("Content-Type", "application/json")]
        )));
        assert!(needs_preflight(&req("DELETE", &[])));
    }

    #[test]
    fn preflight_lists_non_safelisted_headers_sorted_lowercase() {
        let r = req(
            "PUT",
            &[
                ("X-B", "1"),
                ("Authorization", "Bearer x"),
                ("content-type", "application/json"),
                ("Accept", "*/*"),
                ("x-b", "2"),
                ("Cookie", "a=b"),
            ],
        );
        let p = preflight_for(&r, "https://app.example");
        assert_eq!(p.method, "OPTIONS");
        assert_eq!(p.header("origin"), Some("https://app.example"));
        assert_eq!(p.header("access-control-request-method"), Some("PUT"));
        assert_eq!(
            p.header("access-control-request-headers"),
            Some("authorization,content-type,x-b")
        );
        assert!(p.body.is_empty());
    }
}
