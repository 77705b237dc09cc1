//! One row per behaviour of reference §3 (CORS), plus the Fetch-standard checks.

use super::*;
use crate::domain::{Route, Severity, header};

fn cors() -> Cors {
    Cors {
        allow_origins: vec!["https://app.example.com".into()],
        allow_methods: vec!["GET".into(), "POST".into(), "PUT".into()],
        allow_headers: vec!["content-type".into(), "authorization".into()],
        expose_headers: vec!["x-request-id".into()],
        max_age: Some(300),
        allow_credentials: Some(true),
    }
}

fn req(method: &str, headers: &[&str], credentials: bool) -> BrowserRequest {
    BrowserRequest {
        origin: "https://app.example.com".into(),
        method: method.into(),
        headers: headers.iter().map(|h| h.to_string()).collect(),
        credentials,
        read_headers: Vec::new(),
    }
}

fn codes(e: &CorsEvaluation) -> Vec<&str> {
    e.findings.iter().map(|f| f.code.as_str()).collect()
}

fn route(key: &str, auth: &str) -> Route {
    Route {
        route_key: key.into(),
        authorization_type: Some(auth.into()),
        ..Default::default()
    }
}

// Fetch: simple method + safelisted headers → no preflight.
#[test]
fn simple_requests_need_no_preflight() {
    assert!(!needs_preflight(&req("GET", &["accept"], false)));
    assert!(!needs_preflight(&req("post", &[], false)));
    assert!(needs_preflight(&req("PUT", &[], false)));
    assert!(needs_preflight(&req("GET", &["Authorization"], false)));
    assert_eq!(
        requested_headers(&req("GET", &["X-B", "x-a", "Accept", "x-a"], false)),
        ["x-a", "x-b"]
    );
}

#[test]
fn preflight_request_carries_origin_method_and_headers() {
    let h = preflight_request_headers(&req("put", &["Content-Type", "Authorization"], false));
    assert_eq!(header(&h, "origin"), Some("https://app.example.com"));
    assert_eq!(header(&h, "access-control-request-method"), Some("PUT"));
    assert_eq!(
        header(&h, "access-control-request-headers"),
        Some("authorization,content-type")
    );
}

// §3.1 (1): API Gateway answers the preflight from CorsConfiguration.
#[test]
fn http_api_answers_preflight_from_configuration() {
    let p = http_api_preflight(&cors(), "https://app.example.com");
    assert_eq!(p.status, HTTP_API_PREFLIGHT_STATUS);
    assert_eq!(
        header(&p.headers, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        header(&p.headers, "access-control-allow-methods"),
        Some("GET,POST,PUT")
    );
    assert_eq!(header(&p.headers, "access-control-max-age"), Some("300"));
    assert_eq!(
        header(&p.headers, "access-control-allow-credentials"),
        Some("true")
    );
}

// §3.1 SAM model: unlisted origin → no CORS headers at all.
#[test]
fn unlisted_origin_gets_no_headers_and_is_blocked() {
    let mut r = req("PUT", &["content-type"], false);
    r.origin = "https://evil.example.com".into();
    let e = evaluate_http_api(&cors(), &r, &[]);
    assert!(!e.allowed);
    assert!(e.preflight.as_ref().unwrap().headers.is_empty());
    assert_eq!(codes(&e)[0], "CORS_ORIGIN_NOT_ALLOWED");
    assert!(
        e.findings[0]
            .evidence
            .iter()
            .any(|x| x.contains("AllowOrigins"))
    );
}

// §3.1: wildcard origin answers `*`.
#[test]
fn wildcard_origin_answers_star() {
    let c = Cors {
        allow_origins: vec!["*".into()],
        allow_credentials: None,
        ..cors()
    };
    let e = evaluate_http_api(&c, &req("GET", &[], false), &[]);
    assert!(e.allowed, "{:?}", e.findings);
    assert_eq!(
        header(&e.response_headers, "access-control-allow-origin"),
        Some("*")
    );
}

// §3.1 browser message: method missing from AllowMethods.
#[test]
fn method_not_in_allow_methods_is_named() {
    let e = evaluate_http_api(&cors(), &req("DELETE", &[], false), &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e), ["CORS_METHOD_NOT_ALLOWED"]);
    assert!(e.findings[0].title.contains("DELETE"));
}

// §3.1 browser message: header not in AllowHeaders.
#[test]
fn header_not_in_allow_headers_is_named() {
    let e = evaluate_http_api(&cors(), &req("POST", &["x-api-key"], false), &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e), ["CORS_HEADER_NOT_ALLOWED"]);
    assert!(e.findings[0].title.contains("x-api-key"));
}

// Fetch: `*` in Allow-Headers does not cover Authorization.
#[test]
fn wildcard_headers_do_not_cover_authorization() {
    let c = Cors {
        allow_headers: vec!["*".into()],
        allow_credentials: None,
        ..cors()
    };
    let e = evaluate_http_api(&c, &req("GET", &["authorization", "x-custom"], false), &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e)[0], "CORS_HEADER_NOT_ALLOWED");
    assert!(e.findings[0].title.contains("authorization"));
    assert!(codes(&e).contains(&"CORS_WILDCARD_HEADERS_NO_AUTHORIZATION"));
}

// §3.1: credentials with `*` origin (control plane rejects; browser rejects).
#[test]
fn credentials_with_wildcard_origin() {
    let c = Cors {
        allow_origins: vec!["*".into()],
        ..cors()
    };
    assert_eq!(lint_config(&c)[0].code, "CORS_CREDENTIALS_WITH_WILDCARD");
    let e = evaluate_http_api(&c, &req("GET", &[], true), &[]);
    assert!(!e.allowed);
    assert!(codes(&e).contains(&"CORS_CREDENTIALS_WITH_WILDCARD"));
}

#[test]
fn credentials_without_allow_credentials_header() {
    let c = Cors {
        allow_credentials: None,
        ..cors()
    };
    let e = evaluate_http_api(&c, &req("GET", &[], true), &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e), ["CORS_CREDENTIALS_NOT_ALLOWED"]);
}

// §3.1 (3): backend CORS headers are ignored when CORS is configured.
#[test]
fn backend_cors_headers_are_replaced_by_configuration() {
    let backend = vec![
        ("Access-Control-Allow-Origin".to_string(), "*".to_string()),
        ("content-type".to_string(), "text/plain".to_string()),
    ];
    let out = apply_http_api_cors(&cors(), Some("https://app.example.com"), &backend);
    assert_eq!(
        header(&out, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        out.iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("access-control-allow-origin"))
            .count(),
        1
    );
    assert_eq!(
        header(&out, "access-control-expose-headers"),
        Some("x-request-id")
    );
    let e = evaluate_http_api(&cors(), &req("GET", &[], false), &backend);
    assert!(codes(&e).contains(&"CORS_BACKEND_HEADERS_IGNORED"));
}

// §3.1 (4): preflight blocked by an authorizer → non-2xx preflight.
#[test]
fn preflight_with_401_is_a_cors_failure() {
    let p = Preflight {
        status: 401,
        headers: vec![],
    };
    let e = evaluate_passthrough(&req("GET", &["authorization"], false), Some(&p), &[]);
    assert!(!e.allowed);
    // The browser names the missing origin first; the status is the root cause.
    assert_eq!(
        codes(&e),
        ["CORS_ORIGIN_NOT_ALLOWED", "CORS_PREFLIGHT_STATUS"]
    );
}

// §3.2: REST proxy — the function must emit the headers itself.
#[test]
fn rest_function_headers_decide() {
    let r = req("GET", &[], false);
    let ok = vec![(
        "Access-Control-Allow-Origin".to_string(),
        "https://app.example.com".to_string(),
    )];
    assert!(evaluate_passthrough(&r, None, &ok).allowed);
    let e = evaluate_passthrough(&r, None, &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e), ["CORS_ORIGIN_NOT_ALLOWED"]);
    let wrong = vec![(
        "access-control-allow-origin".to_string(),
        "https://other.example.com".to_string(),
    )];
    assert_eq!(
        codes(&evaluate_passthrough(&r, None, &wrong)),
        ["CORS_ORIGIN_MISMATCH"]
    );
    let many = vec![(
        "access-control-allow-origin".to_string(),
        "https://a.com, https://b.com".to_string(),
    )];
    assert_eq!(
        codes(&evaluate_passthrough(&r, None, &many)),
        ["CORS_MULTIPLE_ORIGINS"]
    );
}

#[test]
fn rest_non_simple_request_without_options_method() {
    let e = evaluate_passthrough(&req("PUT", &[], false), None, &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e)[0], "CORS_NO_PREFLIGHT_ROUTE");
}

#[test]
fn origin_typos_are_linted() {
    let c = Cors {
        allow_origins: vec!["https://app.example.com/".into(), "app.example.com".into()],
        ..cors()
    };
    let l: Vec<String> = lint_config(&c)
        .into_iter()
        .map(|f| f.code.to_string())
        .collect();
    assert!(l.contains(&"CORS_ORIGIN_TRAILING_SLASH".to_string()));
    assert!(l.contains(&"CORS_ORIGIN_NO_SCHEME".to_string()));
    let c = Cors {
        max_age: Some(100_000),
        ..cors()
    };
    assert_eq!(lint_config(&c)[0].code, "CORS_MAX_AGE_RANGE");
}

#[test]
fn route_aware_lint() {
    let c = Cors {
        allow_headers: vec!["content-type".into()],
        allow_methods: vec!["GET".into()],
        ..cors()
    };
    let routes = vec![
        route("DELETE /items/{id}", "JWT"),
        route("$default", "JWT"),
        route("PATCH /x", "NONE"),
    ];
    let codes: Vec<String> = lint_with_routes(&c, &routes)
        .into_iter()
        .map(|f| f.code.to_string())
        .collect();
    assert!(codes.contains(&"CORS_METHODS_MISSING".to_string()));
    assert!(codes.contains(&"CORS_AUTHORIZATION_HEADER_MISSING".to_string()));
    assert!(codes.contains(&"CORS_PREFLIGHT_HITS_AUTHORIZER".to_string()));
    let mut fixed = routes.clone();
    fixed.push(route("OPTIONS /{proxy+}", "NONE"));
    let codes: Vec<String> = lint_with_routes(&c, &fixed)
        .into_iter()
        .map(|f| f.code.to_string())
        .collect();
    assert!(!codes.contains(&"CORS_PREFLIGHT_HITS_AUTHORIZER".to_string()));
}

#[test]
fn fully_allowed_request_with_credentials() {
    let e = evaluate_http_api(
        &cors(),
        &req("PUT", &["Content-Type", "Authorization"], true),
        &[],
    );
    assert!(e.allowed, "{:?}", e.findings);
    assert!(e.findings.is_empty());
}

// AWS documents `https://*` and `http://*` as "any origin that begins with ..." [DOC http-api-cors].
#[test]
fn prefix_wildcards_match_by_scheme_and_echo_the_origin() {
    let c = Cors {
        allow_origins: vec!["https://*".into()],
        ..cors()
    };
    let e = evaluate_http_api(&c, &req("GET", &[], true), &[]);
    assert!(e.allowed, "{:?}", codes(&e));
    assert_eq!(
        header(&e.response_headers, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    let plain = BrowserRequest {
        origin: "http://app.example.com".into(),
        ..req("PUT", &["content-type"], false)
    };
    let e = evaluate_http_api(&c, &plain, &[]);
    assert!(!e.allowed);
    assert_eq!(codes(&e)[0], "CORS_ORIGIN_NOT_ALLOWED");
    let http = Cors {
        allow_origins: vec!["http://*".into()],
        ..cors()
    };
    assert!(evaluate_http_api(&http, &plain, &[]).allowed);
    assert!(!prefix_wildcard_matches("https://*", "https://"));
    assert!(!prefix_wildcard_matches(
        "https://*.example.com",
        "https://a.example.com"
    ));
    // The documented forms are not lint findings; other wildcard forms are, unverified.
    assert!(lint_config(&c).is_empty(), "{:?}", lint_config(&c));
    let sub = Cors {
        allow_origins: vec!["https://*.example.com".into()],
        ..cors()
    };
    let lint = lint_config(&sub);
    assert_eq!(lint.len(), 1, "{lint:?}");
    assert_eq!(lint[0].code, "CORS_ORIGIN_WILDCARD_UNDOCUMENTED");
    assert!(lint[0].unverified);
}

// Chromium reports a 403 preflight without Access-Control-Allow-Origin as the missing
// header (measured by tests/cors_browser.rs), and a 401 that carries it as the status.
#[test]
fn preflight_origin_is_checked_before_its_status() {
    let r = req("PUT", &[], false);
    let bare = Preflight {
        status: 403,
        headers: vec![],
    };
    let e = browser_verdict(&r, Some(&bare), &[]);
    assert_eq!(
        codes(&e),
        ["CORS_ORIGIN_NOT_ALLOWED", "CORS_PREFLIGHT_STATUS"]
    );
    let with_origin = Preflight {
        status: 401,
        headers: vec![(
            "access-control-allow-origin".into(),
            "https://app.example.com".into(),
        )],
    };
    assert_eq!(
        codes(&browser_verdict(&r, Some(&with_origin), &[])),
        ["CORS_PREFLIGHT_STATUS"]
    );
}

// Fetch: a page reads only safelisted response headers and those in Expose-Headers
// (`*` covers all without credentials).
#[test]
fn unexposed_response_headers_are_reported_without_blocking() {
    let mut r = req("GET", &[], false);
    r.read_headers = vec!["X-Request-Id".into(), "content-type".into()];
    let acao = ("access-control-allow-origin".to_string(), r.origin.clone());
    let e = browser_verdict(&r, None, std::slice::from_ref(&acao));
    assert!(e.allowed);
    assert_eq!(codes(&e), ["CORS_HEADER_NOT_EXPOSED"]);
    assert_eq!(e.findings[0].severity, Severity::Warning);
    let listed = [
        acao.clone(),
        (
            "access-control-expose-headers".into(),
            "x-request-id".into(),
        ),
    ];
    assert!(browser_verdict(&r, None, &listed).findings.is_empty());
    let star = [
        acao.clone(),
        ("access-control-expose-headers".into(), "*".into()),
    ];
    assert!(browser_verdict(&r, None, &star).findings.is_empty());
    r.credentials = true;
    let star_creds = [
        star[0].clone(),
        star[1].clone(),
        ("access-control-allow-credentials".into(), "true".into()),
    ];
    assert_eq!(
        codes(&browser_verdict(&r, None, &star_creds)),
        ["CORS_HEADER_NOT_EXPOSED"]
    );
}

// The probe and the doctor build the browser request from the exchange the same way.
#[test]
fn browser_request_from_an_http_request() {
    let mut http = HttpRequest::new("post", "https://h.example/x");
    http.headers = vec![
        ("Origin".into(), "https://dash.example".into()),
        ("Content-Type".into(), "text/plain;charset=utf-8".into()),
        ("X-Trace".into(), "1".into()),
        ("Cookie".into(), "s=1".into()),
        ("Accept".into(), "*/*".into()),
    ];
    let b = BrowserRequest::from_http(&http, "https://dash.example");
    assert_eq!(b.method, "POST");
    assert_eq!(b.headers, ["x-trace"]);
    assert!(b.credentials);
    assert!(needs_preflight(&b));
}

// Issue 12 case 2: the probe evaluates the Origin the user set, like the doctor.
#[test]
fn the_probe_origin_is_the_requests_own_first() {
    let mut r = HttpRequest::new("GET", "https://h.example/x");
    r.headers = vec![("Origin".into(), "https://dashboard.example.org".into())];
    let c = cors();
    assert_eq!(
        probe_origin(&r, Some(&c)),
        (
            "https://dashboard.example.org".to_string(),
            OriginSource::RequestHeader
        )
    );
    r.headers.clear();
    assert_eq!(
        probe_origin(&r, Some(&c)),
        (
            "https://app.example.com".to_string(),
            OriginSource::AllowedOrigins
        )
    );
    let wild = Cors {
        allow_origins: vec!["*".into(), "https://*".into()],
        ..cors()
    };
    assert_eq!(probe_origin(&r, Some(&wild)).1, OriginSource::Placeholder);
    assert_eq!(probe_origin(&r, None).1, OriginSource::Placeholder);
}
