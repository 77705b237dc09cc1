//! JWT keys: JWKS documents, RSA signature verification, and minting RS256
//! tokens (the demo's issuer and tests that need a real signature). Keys
//! live only in memory.

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicKeyComponents};
use aws_lc_rs::signature::{KeyPair, RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::jwt::{DecodedJwt, SignatureCheck, b64};

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

/// A JSON Web Key Set (RSA keys only; others are ignored).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Jwks {
    pub keys: Vec<Jwk>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Jwk {
    #[serde(default)]
    pub kty: String,
    pub kid: Option<String>,
    pub alg: Option<String>,
    pub n: Option<String>,
    pub e: Option<String>,
}

impl Jwks {
    pub fn parse(json: &str) -> Result<Jwks, String> {
        serde_json::from_str(json).map_err(|e| format!("not a JWKS document: {e}"))
    }

    /// Verify the token's RSA signature with the key named by its `kid`.
    pub fn verify(&self, jwt: &DecodedJwt) -> SignatureCheck {
        use aws_lc_rs::signature as sig;
        let alg: &'static sig::RsaParameters = match jwt.alg() {
            Some("RS256") => &sig::RSA_PKCS1_2048_8192_SHA256,
            Some("RS384") => &sig::RSA_PKCS1_2048_8192_SHA384,
            Some("RS512") => &sig::RSA_PKCS1_2048_8192_SHA512,
            Some("PS256") => &sig::RSA_PSS_2048_8192_SHA256,
            Some("PS384") => &sig::RSA_PSS_2048_8192_SHA384,
            Some("PS512") => &sig::RSA_PSS_2048_8192_SHA512,
            other => {
                return SignatureCheck::Invalid(format!(
                    "unsupported algorithm {}",
                    other.unwrap_or("(none)")
                ));
            }
        };
        let kid = jwt.kid();
        let Some(key) = self
            .keys
            .iter()
            .find(|k| k.kty == "RSA" && (kid.is_none() || k.kid.as_deref() == kid))
        else {
            return SignatureCheck::Invalid(format!(
                "no RSA key with kid {} in the JWKS",
                kid.unwrap_or("(none)")
            ));
        };
        let (Some(n), Some(e)) = (
            key.n.as_deref().and_then(b64),
            key.e.as_deref().and_then(b64),
        ) else {
            return SignatureCheck::Invalid("the JWKS key lacks a valid n or e".into());
        };
        let public = sig::RsaPublicKeyComponents { n: &n, e: &e };
        match public.verify(alg, jwt.signing_input.as_bytes(), &jwt.signature) {
            Ok(()) => SignatureCheck::Valid,
            Err(_) => SignatureCheck::Invalid("the signature does not match the key".into()),
        }
    }
}
