//! JWT inspection and evaluation as an HTTP API JWT authorizer does it
//! (reference §4.1): decode, then issuer, audience / `client_id`, `exp`,
//! `nbf`, `iat`, and route scopes against `scope` / `scp`.
//!
//! Signature verification needs the issuer's JWKS; it is done only when keys
//! are supplied, and every result says whether it was ([`SignatureCheck`]).

use crate::domain::FindingCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::domain::{Certainty, Finding, JwtConfiguration, Severity};

pub use super::jwt_keys::Jwks;

/// Which part of the token failed to decode.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    #[error("the token is empty")]
    Empty,
    #[error("a JWT has three dot-separated parts; this one has {0}")]
    Parts(usize),
    #[error("the {0} is not valid base64url")]
    Base64(&'static str),
    #[error("the {0} is not a JSON object")]
    NotJsonObject(&'static str),
}

/// A decoded (not yet trusted) JWT.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedJwt {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `base64url(header).base64url(claims)`: what the signature covers.
    pub signing_input: String,
    pub signature: Vec<u8>,
}

/// Decode a token (a leading `Bearer ` is accepted, as API Gateway does).
/// Never panics, whatever the input.
pub fn decode(token: &str) -> Result<DecodedJwt, JwtError> {
    let token = strip_bearer(token);
    if token.is_empty() {
        return Err(JwtError::Empty);
    }
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return Err(JwtError::Parts(parts.len()));
    }
    let header = decode_object(parts[0], "header")?;
    let claims = decode_object(parts[1], "payload")?;
    let signature = b64(parts[2]).ok_or(JwtError::Base64("signature"))?;
    Ok(DecodedJwt {
        header,
        claims,
        signing_input: format!("{}.{}", parts[0], parts[1]),
        signature,
    })
}

/// `Bearer x` / `bearer x` → `x`, trimmed.
pub fn strip_bearer(value: &str) -> &str {
    let v = value.trim();
    match v.get(..6) {
        Some(p)
            if p.eq_ignore_ascii_case("bearer")
                && v[6..].chars().next().is_none_or(char::is_whitespace) =>
        {
            v[6..].trim()
        }
        _ => v,
    }
}

pub(super) fn b64(part: &str) -> Option<Vec<u8>> {
    // Tokens in the wild sometimes keep `=` padding; accept it.
    URL_SAFE_NO_PAD.decode(part.trim_end_matches('=')).ok()
}

fn decode_object(part: &str, name: &'static str) -> Result<Map<String, Value>, JwtError> {
    let bytes = b64(part).ok_or(JwtError::Base64(name))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(JwtError::NotJsonObject(name)),
    }
}

impl DecodedJwt {
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }

    /// A numeric date claim (`exp`, `nbf`, `iat`), also when sent as a numeric string.
    pub(crate) fn time_claim(&self, name: &str) -> Option<i64> {
        match self.claims.get(name)? {
            Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
            Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as i64),
            _ => None,
        }
    }

    /// Seconds until `exp` (negative once expired).
    pub fn expires_in(&self, now: i64) -> Option<i64> {
        self.time_claim("exp").map(|exp| exp - now)
    }

    /// `aud` as a list (it may be a string or an array).
    pub(crate) fn audiences(&self) -> Vec<String> {
        string_or_list(self.claims.get("aud"))
    }

    /// Scopes from `scope` (space-separated string) or `scp` (array or string).
    pub fn scopes(&self) -> Vec<String> {
        let mut out = Vec::new();
        for key in ["scope", "scp"] {
            match self.claims.get(key) {
                Some(Value::String(s)) => out.extend(s.split_whitespace().map(str::to_string)),
                Some(Value::Array(a)) => {
                    out.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)))
                }
                _ => {}
            }
        }
        out
    }

    /// Claims as API Gateway passes them to the integration: every value a string.
    #[cfg(test)]
    pub(crate) fn claims_as_strings(&self) -> Map<String, Value> {
        self.claims
            .iter()
            .map(|(k, v)| {
                let s = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                (k.clone(), Value::String(s))
            })
            .collect()
    }
}

fn string_or_list(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// What an authorizer checks the token against.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtRule {
    pub issuer: Option<String>,
    pub audience: Vec<String>,
    /// The route's `AuthorizationScopes` (empty = no scope check).
    pub scopes: Vec<String>,
}

impl JwtRule {
    /// No authorizer given: only the token itself (times, scopes) is checked.
    pub fn is_unset(&self) -> bool {
        self.issuer.is_none() && self.audience.is_empty()
    }

    pub fn from_config(config: &JwtConfiguration, route_scopes: &[String]) -> Self {
        JwtRule {
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
            scopes: route_scopes.to_vec(),
        }
    }
}

/// The authorizer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    #[serde(rename = "pass")]
    Pass,
    #[serde(rename = "401")]
    Unauthorized,
    #[serde(rename = "403")]
    Forbidden,
}

impl Outcome {
    pub fn status(self) -> Option<u16> {
        match self {
            Outcome::Pass => None,
            Outcome::Unauthorized => Some(401),
            Outcome::Forbidden => Some(403),
        }
    }
}

/// Whether the signature was checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "status", content = "detail")]
pub enum SignatureCheck {
    /// No JWKS was given: the signature is NOT verified.
    NotVerified,
    Valid,
    Invalid(String),
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JwtEvaluation {
    pub outcome: Outcome,
    /// The first reason API Gateway would give (its checks stop at the first failure).
    pub reason: Option<String>,
    /// The `www-authenticate` header API Gateway would send with a 401.
    pub www_authenticate: Option<String>,
    pub signature: SignatureCheck,
    /// Every problem found (not only the first), plus notes.
    pub findings: Vec<Finding>,
}

/// `error_description` texts. Two are quoted by AWS; the rest are
/// [UNVERIFIED] wording kept here so they are easy to change.
pub mod descriptions {
    pub const AUDIENCE: &str = "the token does not have a valid audience";
    pub const EXPIRED: &str = "the token has expired";
    pub const ISSUER: &str = "the token does not have a valid issuer";
    pub(crate) const NOT_BEFORE: &str = "the token is not valid yet";
    pub(crate) const ISSUED_AT: &str = "the token was issued in the future";
    pub(crate) const SIGNATURE: &str = "the token signature is invalid";
    pub const MALFORMED: &str = "the token is malformed";
    /// Descriptions AWS documents verbatim (the others are unverified).
    pub const VERIFIED: &[&str] = &[AUDIENCE, EXPIRED];
}

struct Failure {
    outcome: Outcome,
    description: &'static str,
    finding: Finding,
}

/// Evaluate a raw identity-source value (`None` = header absent).
pub fn evaluate_token(
    raw: Option<&str>,
    rule: &JwtRule,
    now: i64,
    jwks: Option<&Jwks>,
) -> JwtEvaluation {
    let Some(raw) = raw.filter(|r| !strip_bearer(r).is_empty()) else {
        let finding = Finding::new(
            FindingCode::JwtMissing,
            Certainty::Evaluated,
            "No token: the identity source (Authorization header) is missing or empty",
        )
        .evidence("Authorization header absent");
        return JwtEvaluation {
            outcome: Outcome::Unauthorized,
            reason: Some("the token is missing".into()),
            www_authenticate: None,
            signature: SignatureCheck::NotVerified,
            findings: vec![finding.unverified()],
        };
    };
    match decode(raw) {
        Ok(jwt) => evaluate(&jwt, rule, now, jwks),
        Err(e) => {
            let finding = Finding::new(
                FindingCode::JwtMalformed,
                Certainty::Evaluated,
                format!("The token cannot be decoded: {e}"),
            );
            JwtEvaluation {
                outcome: Outcome::Unauthorized,
                // What API Gateway says, then why (its own text is [UNVERIFIED]).
                reason: Some(format!("{}: {e}", descriptions::MALFORMED)),
                www_authenticate: Some(www_authenticate(&rule.scopes, descriptions::MALFORMED)),
                signature: SignatureCheck::NotVerified,
                findings: vec![finding],
            }
        }
    }
}

/// Evaluate a decoded token as the authorizer would, at time `now` (epoch s).
pub fn evaluate(jwt: &DecodedJwt, rule: &JwtRule, now: i64, jwks: Option<&Jwks>) -> JwtEvaluation {
    let mut failures: Vec<Failure> = Vec::new();
    let mut notes: Vec<Finding> = Vec::new();
    let e401 = |code: FindingCode, title: String, description: &'static str| Failure {
        outcome: Outcome::Unauthorized,
        description,
        finding: Finding::new(code, Certainty::Evaluated, title),
    };

    // Algorithm and signature (only RSA algorithms are accepted by HTTP APIs).
    let alg = jwt.alg().unwrap_or("");
    if !alg.starts_with("RS") && !alg.starts_with("PS") {
        failures.push(e401(FindingCode::JwtAlgNotRsa, format!("The token is signed with `{alg}`; HTTP API JWT authorizers accept only RSA algorithms"), descriptions::SIGNATURE));
    }
    let signature = match jwks {
        None => {
            notes.push(Finding::new(
                FindingCode::JwtSignatureNotVerified,
                Certainty::Evaluated,
                "Signature not verified (no JWKS given): claims are checked, authenticity is not",
            ));
            SignatureCheck::NotVerified
        }
        Some(keys) => {
            let check = keys.verify(jwt);
            if let SignatureCheck::Invalid(why) = &check {
                let code = if why.contains("kid") {
                    FindingCode::JwtKidNotFound
                } else {
                    FindingCode::JwtSignatureInvalid
                };
                failures.push(e401(
                    code,
                    format!("Signature check failed: {why}"),
                    descriptions::SIGNATURE,
                ));
            }
            check
        }
    };

    check_issuer(jwt, rule, &mut failures);
    if !rule.is_unset() {
        check_audience(jwt, rule, &mut failures, &mut notes);
    }
    check_times(jwt, now, &mut failures);
    check_scopes(jwt, rule, &mut failures);

    let first = failures
        .iter()
        .find(|f| f.outcome == Outcome::Unauthorized)
        .or(failures.first());
    let outcome = first.map_or(Outcome::Pass, |f| f.outcome);
    let reason = first.map(|f| f.description.to_string());
    let www = match outcome {
        Outcome::Unauthorized => reason.as_deref().map(|d| www_authenticate(&rule.scopes, d)),
        _ => None,
    };
    let mut findings: Vec<Finding> = failures
        .into_iter()
        .map(|f| {
            if descriptions::VERIFIED.contains(&f.description) || f.outcome == Outcome::Forbidden {
                f.finding
            } else {
                f.finding.unverified()
            }
        })
        .collect();
    findings.extend(notes);
    JwtEvaluation {
        outcome,
        reason,
        www_authenticate: www,
        signature,
        findings,
    }
}

/// `Bearer scope="a b" error="invalid_token" error_description="..."` as in AWS's examples.
pub fn www_authenticate(scopes: &[String], description: &str) -> String {
    format!(
        "Bearer scope=\"{}\" error=\"invalid_token\" error_description=\"{}\"",
        scopes.join(" "),
        description
    )
}

fn check_issuer(jwt: &DecodedJwt, rule: &JwtRule, failures: &mut Vec<Failure>) {
    let Some(want) = rule.issuer.as_deref() else {
        return;
    };
    let got = jwt.claims.get("iss").and_then(Value::as_str);
    if got == Some(want) {
        return;
    }
    let got_s = got.unwrap_or("(none)");
    let mut f = Finding::new(
        FindingCode::JwtIssuerMismatch,
        Certainty::Evaluated,
        "The token's issuer does not equal the authorizer's issuer (exact string match)",
    )
    .evidence(format!("token iss: {got_s}"))
    .evidence(format!("authorizer issuer: {want}"));
    f = f.fix_args(&[("token_issuer", got_s), ("issuer", want)]);
    if let Some(g) = got
        && g != want
        && (g.trim_end_matches('/') == want.trim_end_matches('/') || g.eq_ignore_ascii_case(want))
    {
        // The registered fix says "exactly (scheme, host, path, trailing
        // slash)"; the evidence shows which part differs.
        f = f.evidence("only a trailing `/` or letter case differs: the comparison is exact");
    }
    failures.push(Failure {
        outcome: Outcome::Unauthorized,
        description: descriptions::ISSUER,
        finding: f,
    });
}

fn check_audience(
    jwt: &DecodedJwt,
    rule: &JwtRule,
    failures: &mut Vec<Failure>,
    notes: &mut Vec<Finding>,
) {
    let mut presented = jwt.audiences();
    let client_id = jwt.claims.get("client_id").and_then(Value::as_str);
    presented.extend(client_id.map(str::to_string));
    if rule.audience.is_empty() {
        notes.push(
            Finding::new(
                FindingCode::JwtAudienceNotConfigured,
                Certainty::FromConfig,
                "The authorizer lists no audience, so no token can pass the audience check",
            )
            .severity(Severity::Warning),
        );
    }
    if !presented.iter().any(|a| rule.audience.contains(a)) {
        let code = if presented.is_empty() {
            FindingCode::JwtNoAudienceClaim
        } else {
            FindingCode::JwtAudienceMismatch
        };
        let f = Finding::new(
            code,
            Certainty::Evaluated,
            "Neither `aud` nor `client_id` matches one of the authorizer's audiences",
        )
        .evidence(format!(
            "token aud/client_id: {}",
            if presented.is_empty() {
                "(none)".into()
            } else {
                presented.join(", ")
            }
        ))
        .evidence(format!("authorizer audience: {}", rule.audience.join(", ")));
        failures.push(Failure {
            outcome: Outcome::Unauthorized,
            description: descriptions::AUDIENCE,
            finding: f,
        });
    }
    if jwt.claims.get("token_use").and_then(Value::as_str) == Some("id") && rule.scopes.is_empty() {
        notes.push(Finding::new(FindingCode::JwtIdToken, Certainty::Evaluated, "This is an ID token: API Gateway cannot tell ID from access tokens, so it passes when only the audience is checked"));
    }
}

fn check_times(jwt: &DecodedJwt, now: i64, failures: &mut Vec<Failure>) {
    match jwt.time_claim("exp") {
        Some(exp) if exp <= now => {
            let f = Finding::new(
                FindingCode::JwtExpired,
                Certainty::Evaluated,
                format!("The token expired {} ago", human_secs(now - exp)),
            )
            .evidence(format!("exp: {exp} ({})", iso(exp)))
            .evidence(format!("now: {now} ({})", iso(now)));
            failures.push(Failure {
                outcome: Outcome::Unauthorized,
                description: descriptions::EXPIRED,
                finding: f,
            });
        }
        None => {
            let f = Finding::new(
                FindingCode::JwtNoExp,
                Certainty::Evaluated,
                "The token has no valid `exp` claim",
            );
            failures.push(Failure {
                outcome: Outcome::Unauthorized,
                description: descriptions::EXPIRED,
                finding: f,
            });
        }
        _ => {}
    }
    if let Some(nbf) = jwt.time_claim("nbf").filter(|nbf| *nbf > now) {
        let f = Finding::new(
            FindingCode::JwtNotYetValid,
            Certainty::Evaluated,
            format!(
                "The token is not valid for another {}",
                human_secs(nbf - now)
            ),
        )
        .evidence(format!("nbf: {nbf} ({})", iso(nbf)));
        failures.push(Failure {
            outcome: Outcome::Unauthorized,
            description: descriptions::NOT_BEFORE,
            finding: f,
        });
    }
    if let Some(iat) = jwt.time_claim("iat").filter(|iat| *iat > now) {
        let f = Finding::new(
            FindingCode::JwtIssuedInFuture,
            Certainty::Evaluated,
            format!(
                "The token was issued {} in the future",
                human_secs(iat - now)
            ),
        )
        .evidence(format!("iat: {iat} ({})", iso(iat)));
        failures.push(Failure {
            outcome: Outcome::Unauthorized,
            description: descriptions::ISSUED_AT,
            finding: f,
        });
    }
}

fn check_scopes(jwt: &DecodedJwt, rule: &JwtRule, failures: &mut Vec<Failure>) {
    if rule.scopes.is_empty() {
        return;
    }
    let have = jwt.scopes();
    if rule.scopes.iter().any(|s| have.contains(s)) {
        return;
    }
    let f = Finding::new(
        FindingCode::JwtScopeMissing,
        Certainty::Evaluated,
        "The token carries none of the route's authorization scopes (403)",
    )
    .evidence(format!("route scopes: {}", rule.scopes.join(" ")))
    .evidence(format!(
        "token scope/scp: {}",
        if have.is_empty() {
            "(none)".into()
        } else {
            have.join(" ")
        }
    ));
    failures.push(Failure {
        outcome: Outcome::Forbidden,
        description: "insufficient_scope",
        finding: f,
    });
}

fn human_secs(s: i64) -> String {
    let s = s.unsigned_abs();
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{}s", s / 60, s % 60),
        3600..86400 => format!("{}h{}m", s / 3600, (s % 3600) / 60),
        _ => format!("{}d{}h", s / 86400, (s % 86400) / 3600),
    }
}

fn iso(epoch: i64) -> String {
    chrono::DateTime::from_timestamp(epoch, 0).map_or_else(
        || "out of range".into(),
        |t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
