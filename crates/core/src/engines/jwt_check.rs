//! Pre-send JWT checks, shown as warnings (never blocking): the token is run
//! through `engines::jwt` against the route's JWT authorizer (issuer,
//! audience / client_id, scopes, expiry), exactly as the `jwt` command does.
//! The signature is not verified here (no JWKS is fetched before a send).

use std::time::SystemTime;

use crate::domain::{Authorizer, Finding, Severity};
use crate::engines::jwt::{self, JwtRule};

/// The authorizer's findings about `token` that would make it reject the
/// request, as one sentence each.
pub fn warnings(
    token: &str,
    authorizer: Option<&Authorizer>,
    route_scopes: &[String],
    now: SystemTime,
) -> Vec<String> {
    findings(token, authorizer, route_scopes, now)
        .iter()
        .map(|f| match &f.fix {
            Some(fix) => format!("{} ({}; fix: {fix})", f.title, f.code),
            None => format!("{} ({})", f.title, f.code),
        })
        .collect()
}

/// The error and warning findings (notes such as "signature not verified" are left out).
pub fn findings(
    token: &str,
    authorizer: Option<&Authorizer>,
    route_scopes: &[String],
    now: SystemTime,
) -> Vec<Finding> {
    let rule = match authorizer.and_then(|a| a.jwt_configuration.as_ref()) {
        Some(cfg) => JwtRule::from_config(cfg, route_scopes),
        None => JwtRule {
            scopes: route_scopes.to_vec(),
            ..Default::default()
        },
    };
    let now = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    jwt::evaluate_token(Some(token), &rule, now, None)
        .findings
        .into_iter()
        .filter(|f| f.severity <= Severity::Warning)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::JwtConfiguration;
    use base64::Engine;
    use std::time::Duration;

    fn jwt(claims: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.c2ln", e(r#"{"alg":"RS256","kid":"k"}"#), e(claims))
    }

    fn authorizer() -> Authorizer {
        Authorizer {
            jwt_configuration: Some(JwtConfiguration {
                issuer: Some("https://issuer.example".into()),
                audience: vec!["app".into()],
            }),
            ..Default::default()
        }
    }

    fn at(s: u64) -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(s)
    }

    #[test]
    fn a_matching_token_has_no_warnings() {
        let t = jwt(
            r#"{"iss":"https://issuer.example","aud":"app","exp":2000,"iat":900,"scope":"read write"}"#,
        );
        let w = warnings(&t, Some(&authorizer()), &["write".into()], at(1000));
        assert!(w.is_empty(), "{w:?}");
    }

    #[test]
    fn expiry_issuer_audience_and_scopes_are_reported() {
        let t = jwt(r#"{"iss":"https://other","client_id":"x","exp":900,"scope":"read"}"#);
        let codes: Vec<String> = findings(&t, Some(&authorizer()), &["write".into()], at(1000))
            .into_iter()
            .map(|f| f.code.to_string())
            .collect();
        for code in [
            "JWT_EXPIRED",
            "JWT_ISSUER_MISMATCH",
            "JWT_AUDIENCE_MISMATCH",
            "JWT_SCOPE_MISSING",
        ] {
            assert!(
                codes.iter().any(|c| c == code),
                "{code} missing from {codes:?}"
            );
        }
    }

    #[test]
    fn garbage_is_reported_as_malformed() {
        let w = warnings("abc", None, &[], at(0));
        assert_eq!(w.len(), 1);
        assert!(w[0].contains("JWT_MALFORMED"), "{w:?}");
    }
}
