//! The demo's OpenID issuer: an RS256 signing key (a fixed demo key from
//! `assets/demo/`, so startup does not pay for RSA key generation), its JWKS, and the
//! tokens the scenarios and the TUI's auth pane use: valid, expired, wrong audience,
//! missing scope.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use serde_json::{Value, json};

use crate::engines::jwt::Jwks;
use crate::engines::jwt_keys::Signer;

/// Not a secret: a key generated for the demo and published with gatescope.
const SIGNING_KEY_PEM: &str = include_str!("../../../assets/demo/jwt-signing-key.pem");
pub(crate) const KEY_ID: &str = "gatescope-demo-key-1";
/// The audience the demo's JWT authorizer accepts (see apis.toml).
pub const AUDIENCE: &str = "demo-orders-api";

/// One token the demo offers, with what it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoToken {
    /// `valid`, `expired`, `wrong_audience`, `missing_scope`.
    pub name: String,
    pub description: String,
    /// What the demo's JWT routes answer for it.
    pub expect_status: u16,
    pub token: String,
}

/// The demo issuer: signs tokens with the engines' RS256 signer; API Gateway's side
/// (signature and claims checks) is `engines::jwt`, fed with this issuer's JWKS.
pub struct Issuer {
    pub url: String,
    signer: Signer,
}

fn signer() -> Signer {
    let der: String = SIGNING_KEY_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD
        .decode(der)
        .expect("the embedded demo key is base64");
    Signer::from_pkcs8(KEY_ID, &der).expect("the embedded demo key is PKCS#8 RSA")
}

impl Issuer {
    pub fn new(url: impl Into<String>) -> Self {
        Issuer {
            url: url.into(),
            signer: signer(),
        }
    }

    /// `/.well-known/openid-configuration`.
    pub fn discovery(&self) -> Value {
        json!({
            "issuer": self.url,
            "jwks_uri": format!("{}/.well-known/jwks.json", self.url),
            "response_types_supported": ["token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
        })
    }

    pub fn jwks(&self) -> Jwks {
        self.signer.jwks()
    }

    /// Sign `claims` (a JSON object) as an RS256 JWT.
    pub fn sign(&self, claims: &Value) -> String {
        self.signer
            .sign(&claims.as_object().cloned().unwrap_or_default())
    }

    /// The four demo tokens, minted relative to `now_s` (epoch seconds).
    pub fn demo_tokens(&self, now_s: i64) -> Vec<DemoToken> {
        let claims = |aud: &str, scope: &str, iat: i64, exp: i64| {
            json!({
                "iss": self.url, "sub": "demo-user-42", "aud": aud,
                "scope": scope, "iat": iat, "exp": exp,
                "email": "ada@example.com", "token_use": "access",
            })
        };
        let day = 24 * 3600;
        let token = |name: &str, description: &str, expect_status: u16, c: Value| DemoToken {
            name: name.into(),
            description: description.into(),
            expect_status,
            token: self.sign(&c),
        };
        vec![
            token(
                "valid",
                "valid for a day, audience demo-orders-api, scopes orders/read orders/write",
                201,
                claims(AUDIENCE, "orders/read orders/write", now_s, now_s + day),
            ),
            token(
                "expired",
                "expired an hour ago",
                401,
                claims(
                    AUDIENCE,
                    "orders/read orders/write",
                    now_s - 2 * 3600,
                    now_s - 3600,
                ),
            ),
            token(
                "wrong_audience",
                "minted for audience some-other-api",
                401,
                claims(
                    "some-other-api",
                    "orders/read orders/write",
                    now_s,
                    now_s + day,
                ),
            ),
            token(
                "missing_scope",
                "valid, but only scope orders/read (the write routes need orders/write)",
                403,
                claims(AUDIENCE, "orders/read", now_s, now_s + day),
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::jwt::{self, JwtRule, Outcome, SignatureCheck};

    #[test]
    fn demo_tokens_get_the_documented_verdicts_from_the_jwt_engine() {
        let issuer = Issuer::new("http://127.0.0.1:9");
        let now = 1_700_000_000;
        let tokens = issuer.demo_tokens(now);
        let rule = JwtRule {
            issuer: Some(issuer.url.clone()),
            audience: vec![AUDIENCE.into()],
            scopes: vec!["orders/write".into()],
        };
        let jwks = issuer.jwks();
        for t in &tokens {
            let decoded = jwt::decode(&t.token).unwrap();
            assert_eq!(jwks.verify(&decoded), SignatureCheck::Valid, "{}", t.name);
            let v = jwt::evaluate_token(Some(&t.token), &rule, now, Some(&jwks));
            let status = v.outcome.status().unwrap_or(201);
            assert_eq!(status, t.expect_status, "{}: {:?}", t.name, v.reason);
        }
        let forged = format!("{}x", tokens[0].token.trim_end_matches('A'));
        let v = jwt::evaluate_token(Some(&forged), &rule, now, Some(&jwks));
        assert_eq!(v.outcome, Outcome::Unauthorized);
    }

    #[test]
    fn jwks_and_discovery_publish_the_key() {
        let issuer = Issuer::new("http://127.0.0.1:9");
        let jwks = serde_json::to_value(issuer.jwks()).unwrap();
        assert_eq!(jwks["keys"][0]["kid"], KEY_ID);
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
        assert_eq!(
            issuer.discovery()["jwks_uri"],
            "http://127.0.0.1:9/.well-known/jwks.json"
        );
    }
}
