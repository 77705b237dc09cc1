//! CORS mistakes visible in the configuration alone (and with the API's
//! routes), without a request.

use crate::domain::FindingCode;
use crate::domain::{AuthorizationType, Certainty, Cors, Finding, Route};

use super::{PREFIX_WILDCARDS, SIMPLE_METHODS};

/// `allowCredentials: true` with a `*` origin: the control plane rejects it
/// and browsers refuse credentialed responses for a wildcard origin.
pub fn credentials_with_wildcard(cors: &Cors) -> Option<Finding> {
    let wildcard = cors.allow_origins.iter().any(|o| o.trim() == "*");
    (wildcard && cors.allow_credentials == Some(true)).then(|| {
        Finding::new(
            FindingCode::CorsCredentialsWithWildcard,
            Certainty::FromConfig,
            "AllowCredentials=true with AllowOrigins=* (API Gateway rejects this; browsers too)",
        )
        .evidence("AllowOrigins: *, AllowCredentials: true")
    })
}

/// Mistakes visible in the configuration alone.
pub(crate) fn lint_config(cors: &Cors) -> Vec<Finding> {
    let mut out: Vec<Finding> = credentials_with_wildcard(cors).into_iter().collect();
    for o in &cors.allow_origins {
        if o == "*" || PREFIX_WILDCARDS.contains(&o.as_str()) {
            continue;
        }
        if o.contains('*') {
            out.push(
                Finding::new(FindingCode::CorsOriginWildcardUndocumented, Certainty::FromConfig, format!("Allowed origin {o} uses a wildcard form AWS does not document (only `*`, `https://*` and `http://*` are): gatescope treats it as a literal origin no browser sends"))
                .evidence(format!("AllowOrigins: {o}"))
                .unverified(),
            );
            continue;
        }
        if o.ends_with('/') {
            out.push(
                Finding::new(FindingCode::CorsOriginTrailingSlash, Certainty::FromConfig, format!("Allowed origin {o} ends with '/': a browser's Origin never does, so it never matches"))
                    .evidence(format!("AllowOrigins: {o}"))
                    .fix_args(&[("suggested", o.trim_end_matches('/'))]),
            );
        }
        if !o.starts_with("http://") && !o.starts_with("https://") {
            out.push(
                Finding::new(
                    FindingCode::CorsOriginNoScheme,
                    Certainty::FromConfig,
                    format!("Allowed origin {o} has no scheme: origins are scheme://host[:port]"),
                )
                .evidence(format!("AllowOrigins: {o}"))
                .fix_args(&[("suggested", format!("https://{}", o.trim_end_matches('/')))]),
            );
        }
    }
    if let Some(age) = cors.max_age.filter(|a| !(-1..=86400).contains(a)) {
        out.push(Finding::new(
            FindingCode::CorsMaxAgeRange,
            Certainty::FromConfig,
            format!("MaxAge {age} is outside -1..86400"),
        ));
    }
    if cors.allow_headers.iter().any(|h| h == "*")
        && !cors
            .allow_headers
            .iter()
            .any(|h| h.eq_ignore_ascii_case("authorization"))
    {
        out.push(Finding::new(
            FindingCode::CorsWildcardHeadersNoAuthorization,
            Certainty::FromConfig,
            "AllowHeaders is `*`: browsers do not let `*` cover the Authorization header",
        ));
    }
    out
}

/// Configuration lint that needs the routes too: methods and headers the
/// routes need but CORS omits, and authorizers that would reject preflights.
pub fn lint_with_routes(cors: &Cors, routes: &[Route]) -> Vec<Finding> {
    let mut out = lint_config(cors);
    let methods_wild = cors.allow_methods.iter().any(|m| m == "*");
    let mut missing: Vec<String> = Vec::new();
    for r in routes {
        let m = r.method().to_ascii_uppercase();
        if m == "ANY" || m == "OPTIONS" || SIMPLE_METHODS.contains(&m.as_str()) || methods_wild {
            continue;
        }
        if !cors
            .allow_methods
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&m))
            && !missing.contains(&m)
        {
            missing.push(m);
        }
    }
    if !missing.is_empty() {
        out.push(
            Finding::new(
                FindingCode::CorsMethodsMissing,
                Certainty::FromConfig,
                format!(
                    "Routes use {} but AllowMethods omits it: browsers will fail the preflight",
                    missing.join(", ")
                ),
            )
            .evidence(format!("AllowMethods: {}", cors.allow_methods.join(", ")))
            .fix_args(&[("methods", missing.join(", "))]),
        );
    }
    let needs_auth_header = routes.iter().any(|r| {
        matches!(
            r.authorization_type,
            Some(AuthorizationType::Jwt | AuthorizationType::Custom)
        )
    });
    let has_auth = cors
        .allow_headers
        .iter()
        .any(|h| h.eq_ignore_ascii_case("authorization"));
    if needs_auth_header && !has_auth {
        out.push(
            Finding::new(
                FindingCode::CorsAuthorizationHeaderMissing,
                Certainty::FromConfig,
                "Routes use an authorizer but AllowHeaders does not list `authorization`",
            )
            .evidence(format!("AllowHeaders: {}", cors.allow_headers.join(", "))),
        );
    }
    let catch_all_with_auth = routes.iter().any(|r| {
        // §3.1 (4): `$default` also catches OPTIONS; an OPTIONS route is hit by preflights by definition.
        let catch_all = r.route_key == "$default" || r.route_key.starts_with("OPTIONS ");
        catch_all
            && r.authorization_type
                .as_ref()
                .is_some_and(AuthorizationType::guards)
    });
    let open_options = routes
        .iter()
        .any(|r| r.route_key == "OPTIONS /{proxy+}" && !r.authorization().guards());
    if catch_all_with_auth && !open_options {
        out.push(
            Finding::new(FindingCode::CorsPreflightHitsAuthorizer, Certainty::FromConfig, "A catch-all route with an authorizer also catches OPTIONS: unauthenticated preflights get 401/403"),
        );
    }
    out
}
