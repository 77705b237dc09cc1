//! Pre-send JWT checks, shown as warnings (never blocking).
//!
//! HOOK(authz): the full evaluation (issuer, audience/client_id, scopes,
//! expiry with API Gateway's exact rules) belongs to `engines::jwt`
//! (`decode` + `evaluate`), owned by the authz work. Until it lands in main,
//! this file does the minimum a sender needs: is it a JWT at all, has it
//! expired, do `iss` / `aud` / scopes obviously not match the authorizer.
//! When `engines::jwt` lands, `warnings` should map its findings instead.

use std::time::SystemTime;

use base64::Engine;
use serde_json::Value;

use crate::domain::Authorizer;

/// Human sentences about why the authorizer would probably reject `token`.
pub fn warnings(
    token: &str,
    authorizer: Option<&Authorizer>,
    route_scopes: &[String],
    now: SystemTime,
) -> Vec<String> {
    let mut out = Vec::new();
    let Some(claims) = claims(token) else {
        out.push(
            "the token is not a JWT (expected three base64url parts, the second a JSON object)"
                .into(),
        );
        return out;
    };
    let now_s = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if let Some(exp) = claims.get("exp").and_then(Value::as_i64)
        && exp <= now_s
    {
        out.push(format!("the JWT expired {} ago (exp)", ago(now_s - exp)));
    }
    if let Some(nbf) = claims.get("nbf").and_then(Value::as_i64)
        && nbf > now_s
    {
        out.push(format!(
            "the JWT is not valid for another {} (nbf)",
            ago(nbf - now_s)
        ));
    }
    let Some(cfg) = authorizer.and_then(|a| a.jwt_configuration.as_ref()) else {
        return out;
    };
    if let Some(want) = cfg.issuer.as_deref() {
        let got = claims.get("iss").and_then(Value::as_str).unwrap_or("");
        if got.trim_end_matches('/') != want.trim_end_matches('/') {
            out.push(format!(
                "iss is {got:?} but the authorizer expects {want:?}"
            ));
        }
    }
    if !cfg.audience.is_empty() {
        let mut auds: Vec<&str> = match claims.get("aud") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if let Some(c) = claims.get("client_id").and_then(Value::as_str) {
            auds.push(c);
        }
        if !auds.iter().any(|a| cfg.audience.iter().any(|w| w == a)) {
            out.push(format!(
                "neither aud nor client_id ({}) is one of the authorizer's audiences ({})",
                if auds.is_empty() {
                    "absent".into()
                } else {
                    auds.join(", ")
                },
                cfg.audience.join(", ")
            ));
        }
    }
    if !route_scopes.is_empty() {
        let have: Vec<&str> = match claims.get("scope").or_else(|| claims.get("scp")) {
            Some(Value::String(s)) => s.split_whitespace().collect(),
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        if !route_scopes.iter().any(|s| have.contains(&s.as_str())) {
            out.push(format!(
                "the route needs one of the scopes [{}]; the token has [{}]",
                route_scopes.join(", "),
                have.join(", ")
            ));
        }
    }
    out
}

fn claims(token: &str) -> Option<serde_json::Map<String, Value>> {
    let mut parts = token.split('.');
    let (_h, p, _s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(p.trim_end_matches('='))
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(m) => Some(m),
        _ => None,
    }
}

fn ago(secs: i64) -> String {
    humantime::format_duration(std::time::Duration::from_secs(secs.max(0) as u64)).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::JwtConfiguration;
    use std::time::Duration;

    fn jwt(claims: &str) -> String {
        let e = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
        format!("{}.{}.sig", e(r#"{"alg":"RS256"}"#), e(claims))
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
            r#"{"iss":"https://issuer.example/","aud":["app"],"exp":2000,"scope":"read write"}"#,
        );
        assert!(warnings(&t, Some(&authorizer()), &["write".into()], at(1000)).is_empty());
    }

    #[test]
    fn expiry_issuer_audience_and_scopes_are_reported() {
        let t = jwt(r#"{"iss":"https://other","client_id":"x","exp":900,"scp":["read"]}"#);
        let w = warnings(&t, Some(&authorizer()), &["write".into()], at(1000));
        assert_eq!(w.len(), 4, "{w:?}");
        assert!(w[0].contains("expired 1m 40s ago"));
        assert!(w[1].contains("iss"));
        assert!(w[2].contains("client_id (x)"));
        assert!(w[3].contains("scopes [write]"));
    }

    #[test]
    fn garbage_is_not_a_jwt() {
        assert_eq!(warnings("abc", None, &[], at(0)).len(), 1);
        assert_eq!(warnings("a.b.c", None, &[], at(0)).len(), 1);
    }
}
