//! Minting RS256 tokens and their JWKS: used by the demo's issuer and by
//! tests that need a real signature to verify. Keys live only in memory.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::jwt::{Jwk, Jwks};

/// An RSA key pair that signs JWTs with RS256.
pub struct Signer {
    kid: String,
    key: RsaKeyPair,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// A fresh 2048-bit key.
    pub fn generate(kid: &str) -> Result<Signer, String> {
        let key = RsaKeyPair::generate(KeySize::Rsa2048)
            .map_err(|e| format!("cannot generate an RSA key: {e}"))?;
        Ok(Signer {
            kid: kid.to_string(),
            key,
        })
    }

    /// A key from PKCS#8 DER bytes.
    pub fn from_pkcs8(kid: &str, der: &[u8]) -> Result<Signer, String> {
        let key = RsaKeyPair::from_pkcs8(der).map_err(|e| format!("not an RSA PKCS#8 key: {e}"))?;
        Ok(Signer {
            kid: kid.to_string(),
            key,
        })
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// `header.claims.signature` with `{"alg":"RS256","typ":"JWT","kid":...}`.
    pub fn sign(&self, claims: &Map<String, Value>) -> String {
        let header = json!({"alg": "RS256", "typ": "JWT", "kid": self.kid});
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(Value::Object(claims.clone()).to_string())
        );
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        // Signing with an in-memory key only fails on a programming error (wrong buffer size).
        self.key
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                input.as_bytes(),
                &mut sig,
            )
            .expect("RSA signing with a correctly sized buffer");
        format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// The public half as a JWKS document.
    pub fn jwks(&self) -> Jwks {
        let parts: PublicKeyComponents<Vec<u8>> = self.key.public_key().into();
        Jwks {
            keys: vec![Jwk {
                kty: "RSA".into(),
                kid: Some(self.kid.clone()),
                alg: Some("RS256".into()),
                n: Some(URL_SAFE_NO_PAD.encode(&parts.n)),
                e: Some(URL_SAFE_NO_PAD.encode(&parts.e)),
            }],
        }
    }
}
