//! The demo's OpenID issuer: an RS256 signing key (a fixed demo key from
//! `assets/demo/`, so startup does not pay for RSA key generation), its JWKS, and the
//! tokens the scenarios and the TUI's auth pane use: valid, expired, wrong audience,
//! missing scope.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{self, KeyPair, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Serialize;
use serde_json::{Value, json};

/// Not a secret: a key generated for the demo and published with gatescope.
const SIGNING_KEY_PEM: &str = include_str!("../../../assets/demo/jwt-signing-key.pem");
pub const KEY_ID: &str = "gatescope-demo-key-1";
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

/// The demo issuer: signs tokens and verifies signatures.
pub struct Issuer {
    pub url: String,
    key: RsaKeyPair,
}

fn signing_key() -> RsaKeyPair {
    let der: String = SIGNING_KEY_PEM
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let der = STANDARD
        .decode(der)
        .expect("the embedded demo key is base64");
    RsaKeyPair::from_pkcs8(&der).expect("the embedded demo key is PKCS#8 RSA")
}

impl Issuer {
    pub fn new(url: impl Into<String>) -> Self {
        Issuer {
            url: url.into(),
            key: signing_key(),
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

    pub fn jwks(&self) -> Value {
        let pk = self.key.public_key();
        json!({"keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID,
            "n": URL_SAFE_NO_PAD.encode(pk.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(pk.exponent().big_endian_without_leading_zero()),
        }]})
    }

    /// Sign `claims` as an RS256 JWT.
    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": KEY_ID});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        self.key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                signing_input.as_bytes(),
                &mut sig,
            )
            .expect("RSA signing with a valid key cannot fail");
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// Check the token's `alg`, `kid` and RS256 signature against this issuer's JWKS,
    /// as API Gateway does before looking at the claims. `Err` is the reason.
    pub fn verify_signature(&self, token: &str) -> Result<(), String> {
        let mut parts = token.split('.');
        let (Some(h), Some(c), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err("the token is not a valid JWT".into());
        };
        let header: Value = URL_SAFE_NO_PAD
            .decode(h)
            .ok()
            .and_then(|b| serde_json::from_slice(&b).ok())
            .ok_or("the token header is not valid JSON")?;
        if header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err("the token is not signed with RS256".into());
        }
        if header.get("kid").and_then(Value::as_str) != Some(KEY_ID) {
            return Err("the token's kid does not match any key in the JWKS".into());
        }
        let sig = URL_SAFE_NO_PAD
            .decode(s)
            .map_err(|_| "the token signature is not base64url")?;
        let pk = self.key.public_key();
        let components = signature::RsaPublicKeyComponents {
            n: pk.modulus().big_endian_without_leading_zero(),
            e: pk.exponent().big_endian_without_leading_zero(),
        };
        components
            .verify(
                &signature::RSA_PKCS1_2048_8192_SHA256,
                format!("{h}.{c}").as_bytes(),
                &sig,
            )
            .map_err(|_| "the token signature is invalid".to_string())
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

    #[test]
    fn minted_tokens_verify_and_tampering_is_detected() {
        let issuer = Issuer::new("http://127.0.0.1:9");
        let tokens = issuer.demo_tokens(1_700_000_000);
        assert_eq!(tokens.len(), 4);
        for t in &tokens {
            issuer.verify_signature(&t.token).unwrap();
        }
        let t = &tokens[0].token;
        let mut parts: Vec<&str> = t.split('.').collect();
        let forged = URL_SAFE_NO_PAD.encode(r#"{"iss":"x","aud":"demo-orders-api"}"#);
        parts[1] = &forged;
        assert_eq!(
            issuer.verify_signature(&parts.join(".")).unwrap_err(),
            "the token signature is invalid"
        );
        assert!(issuer.verify_signature("garbage").is_err());
    }

    #[test]
    fn jwks_publishes_the_signing_key() {
        let issuer = Issuer::new("http://127.0.0.1:9");
        let jwks = issuer.jwks();
        assert_eq!(jwks["keys"][0]["kid"], KEY_ID);
        assert_eq!(jwks["keys"][0]["e"], "AQAB");
        assert_eq!(
            issuer.discovery()["jwks_uri"],
            "http://127.0.0.1:9/.well-known/jwks.json"
        );
    }
}
