//! One row per behaviour of reference §4.1 (HTTP API JWT authorizer).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::*;
use crate::engines::jwt_keys::Signer;

const NOW: i64 = 1_750_000_000;
const ISS: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc";

fn claims(v: Value) -> Map<String, Value> {
    v.as_object().unwrap().clone()
}

fn good() -> Map<String, Value> {
    claims(
        json!({"iss": ISS, "aud": "app-client", "exp": NOW + 600, "iat": NOW - 10, "scope": "orders/read orders/write", "sub": "u1"}),
    )
}

fn unsigned(c: &Map<String, Value>) -> String {
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#);
    let p = URL_SAFE_NO_PAD.encode(Value::Object(c.clone()).to_string());
    format!("{h}.{p}.c2ln")
}

fn rule(scopes: &[&str]) -> JwtRule {
    JwtRule {
        issuer: Some(ISS.into()),
        audience: vec!["app-client".into()],
        scopes: scopes.iter().map(|s| s.to_string()).collect(),
    }
}

fn codes(e: &JwtEvaluation) -> Vec<&str> {
    e.findings.iter().map(|f| f.code.as_str()).collect()
}

fn eval(c: Map<String, Value>, r: &JwtRule) -> JwtEvaluation {
    evaluate_token(Some(&unsigned(&c)), r, NOW, None)
}

#[test]
fn decode_accepts_bearer_prefix_and_padding() {
    let t = unsigned(&good());
    assert!(decode(&format!("Bearer {t}")).is_ok());
    assert!(decode(&format!("bearer   {t}")).is_ok());
    let padded = t.replacen('.', "==.", 1);
    assert!(decode(&padded).is_ok(), "{padded}");
}

#[test]
fn decode_rejects_garbage_without_panicking() {
    assert_eq!(decode(""), Err(JwtError::Empty));
    assert_eq!(decode("a.b"), Err(JwtError::Parts(2)));
    assert_eq!(decode("!!.e30.x"), Err(JwtError::Base64("header")));
    let not_obj = format!(
        "{}.{}.x",
        URL_SAFE_NO_PAD.encode("[1]"),
        URL_SAFE_NO_PAD.encode("{}")
    );
    assert_eq!(decode(&not_obj), Err(JwtError::NotJsonObject("header")));
    for s in ["...", "a.b.c.d", "\u{0}.\u{1}.\u{2}", "ey.ey.ey"] {
        let _ = decode(s);
    }
}

// §4.1 step 4: all checks pass → the integration is called.
#[test]
fn valid_token_passes_with_signature_not_verified_note() {
    let e = eval(good(), &rule(&["orders/read"]));
    assert_eq!(e.outcome, Outcome::Pass);
    assert_eq!(e.signature, SignatureCheck::NotVerified);
    assert_eq!(codes(&e), ["JWT_SIGNATURE_NOT_VERIFIED"]);
}

// §4.1: "iss must match the configured issuer (exact string, so trailing / matters)".
#[test]
fn issuer_trailing_slash_is_a_mismatch() {
    let mut c = good();
    c.insert("iss".into(), json!(format!("{ISS}/")));
    let e = eval(c, &rule(&[]));
    assert_eq!(e.outcome, Outcome::Unauthorized);
    assert!(codes(&e).contains(&"JWT_ISSUER_MISMATCH"));
    assert!(e.findings[0].fix.as_deref().unwrap().contains("trailing"));
}

// §4.1: "aud or client_id must match one of the configured audiences".
#[test]
fn audience_matches_aud_array_or_client_id() {
    let mut c = good();
    c.insert("aud".into(), json!(["other", "app-client"]));
    assert_eq!(eval(c, &rule(&[])).outcome, Outcome::Pass);
    let mut c = good();
    c.remove("aud");
    c.insert("client_id".into(), json!("app-client"));
    assert_eq!(eval(c, &rule(&[])).outcome, Outcome::Pass);
}

// §4.1 + troubleshooting doc: wrong audience → 401 "the token does not have a valid audience".
#[test]
fn wrong_audience_gives_documented_www_authenticate() {
    let mut c = good();
    c.insert("aud".into(), json!("someone-else"));
    let e = eval(c, &rule(&["orders/read"]));
    assert_eq!(e.outcome, Outcome::Unauthorized);
    assert_eq!(
        e.www_authenticate.as_deref(),
        Some(
            r#"Bearer scope="orders/read" error="invalid_token" error_description="the token does not have a valid audience""#
        )
    );
    assert!(codes(&e).contains(&"JWT_AUDIENCE_MISMATCH"));
    let verified = e
        .findings
        .iter()
        .find(|f| f.code == "JWT_AUDIENCE_MISMATCH")
        .unwrap();
    assert!(!verified.unverified);
}

#[test]
fn missing_audience_claim_has_its_own_code() {
    let mut c = good();
    c.remove("aud");
    assert!(codes(&eval(c, &rule(&[]))).contains(&"JWT_NO_AUDIENCE_CLAIM"));
}

// §4.1: "exp must be after now" → 401 "the token has expired".
#[test]
fn expired_token_is_401_with_expired_description() {
    let mut c = good();
    c.insert("exp".into(), json!(NOW - 90));
    let e = eval(c, &rule(&[]));
    assert_eq!(e.outcome, Outcome::Unauthorized);
    assert_eq!(e.reason.as_deref(), Some("the token has expired"));
    let f = e.findings.iter().find(|f| f.code == "JWT_EXPIRED").unwrap();
    assert!(f.title.contains("1m30s"), "{}", f.title);
}

#[test]
fn exp_equal_to_now_is_expired_and_string_exp_is_read() {
    let mut c = good();
    c.insert("exp".into(), json!(NOW));
    assert_eq!(eval(c, &rule(&[])).outcome, Outcome::Unauthorized);
    let mut c = good();
    c.insert("exp".into(), json!((NOW + 5).to_string()));
    assert_eq!(eval(c, &rule(&[])).outcome, Outcome::Pass);
}

// §4.1: "nbf must be before now; iat must be before now" (wording [UNVERIFIED]).
#[test]
fn nbf_and_iat_in_the_future_fail_and_are_marked_unverified() {
    let mut c = good();
    c.insert("nbf".into(), json!(NOW + 60));
    c.insert("iat".into(), json!(NOW + 60));
    let e = eval(c, &rule(&[]));
    assert_eq!(e.outcome, Outcome::Unauthorized);
    assert!(codes(&e).contains(&"JWT_NOT_YET_VALID"));
    assert!(codes(&e).contains(&"JWT_ISSUED_IN_FUTURE"));
    assert!(
        e.findings
            .iter()
            .filter(|f| f.code.as_str().starts_with("JWT_NOT") || f.code == "JWT_ISSUED_IN_FUTURE")
            .all(|f| f.unverified)
    );
}

// §4.1: scope or scp must contain one of the route scopes; mismatch → 403 [OBS].
#[test]
fn scopes_from_scope_or_scp_and_403_when_none_match() {
    assert_eq!(
        eval(good(), &rule(&["orders/write", "admin"])).outcome,
        Outcome::Pass
    );
    let mut c = good();
    c.remove("scope");
    c.insert("scp".into(), json!(["admin"]));
    assert_eq!(eval(c, &rule(&["admin"])).outcome, Outcome::Pass);
    let e = eval(good(), &rule(&["admin"]));
    assert_eq!(e.outcome, Outcome::Forbidden);
    assert_eq!(e.www_authenticate, None);
    assert!(codes(&e).contains(&"JWT_SCOPE_MISSING"));
}

// §4.4: 401 failures win over 403 scope failures (checks stop at the first 401).
#[test]
fn unauthorized_wins_over_forbidden_and_all_problems_are_listed() {
    let mut c = good();
    c.insert("exp".into(), json!(NOW - 1));
    let e = eval(c, &rule(&["admin"]));
    assert_eq!(e.outcome, Outcome::Unauthorized);
    assert!(codes(&e).contains(&"JWT_EXPIRED") && codes(&e).contains(&"JWT_SCOPE_MISSING"));
}

// §4.4: missing token → 401.
#[test]
fn missing_or_empty_token_is_401() {
    for raw in [None, Some(""), Some("Bearer ")] {
        let e = evaluate_token(raw, &rule(&[]), NOW, None);
        assert_eq!(e.outcome, Outcome::Unauthorized);
        assert_eq!(codes(&e), ["JWT_MISSING"]);
    }
    let e = evaluate_token(Some("not-a-jwt"), &rule(&[]), NOW, None);
    assert_eq!(codes(&e), ["JWT_MALFORMED"]);
}

// §4.1 step 3: only RSA algorithms.
#[test]
fn hs256_is_rejected() {
    let h = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256"}"#);
    let p = URL_SAFE_NO_PAD.encode(Value::Object(good()).to_string());
    let e = evaluate_token(Some(&format!("{h}.{p}.c2ln")), &rule(&[]), NOW, None);
    assert!(codes(&e).contains(&"JWT_ALG_NOT_RSA"));
}

// §4.1 step 3 + 4 (kid must match a key in jwks_uri).
#[test]
fn signature_verification_with_jwks() {
    let signer = Signer::generate("k1").unwrap();
    let token = signer.sign(&good());
    let jwks = signer.jwks();
    let e = evaluate_token(Some(&token), &rule(&[]), NOW, Some(&jwks));
    assert_eq!(e.signature, SignatureCheck::Valid);
    assert_eq!(e.outcome, Outcome::Pass);
    assert!(e.findings.is_empty());

    // Tampered claims.
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    let mut c = good();
    c.insert("sub".into(), json!("admin"));
    parts[1] = URL_SAFE_NO_PAD.encode(Value::Object(c).to_string());
    let e = evaluate_token(Some(&parts.join(".")), &rule(&[]), NOW, Some(&jwks));
    assert!(matches!(e.signature, SignatureCheck::Invalid(_)));
    assert!(codes(&e).contains(&"JWT_SIGNATURE_INVALID"));

    // Another key set.
    let other = Signer::generate("k2").unwrap().jwks();
    let e = evaluate_token(Some(&token), &rule(&[]), NOW, Some(&other));
    assert!(codes(&e).contains(&"JWT_KID_NOT_FOUND"));
}

#[test]
fn claims_are_stringified_like_the_authorizer_context() {
    let jwt = decode(&unsigned(&good())).unwrap();
    let s = jwt.claims_as_strings();
    assert_eq!(s["exp"], json!((NOW + 600).to_string()));
    assert_eq!(jwt.expires_in(NOW), Some(600));
    assert_eq!(jwt.scopes(), ["orders/read", "orders/write"]);
}

#[test]
fn id_tokens_and_unconfigured_audience_are_noted() {
    let mut c = good();
    c.insert("token_use".into(), json!("id"));
    let r = JwtRule {
        audience: vec![],
        ..rule(&[])
    };
    let e = eval(c, &r);
    assert!(codes(&e).contains(&"JWT_ID_TOKEN"));
    assert!(codes(&e).contains(&"JWT_AUDIENCE_NOT_CONFIGURED"));
}

proptest::proptest! {
    #[test]
    fn decode_never_panics(s in "\\PC*") {
        let _ = decode(&s);
    }

    #[test]
    fn evaluate_never_panics_on_random_claims(k in "[a-z]{1,5}", v in proptest::num::i64::ANY) {
        let mut c = good();
        c.insert(k, json!(v));
        let _ = eval(c, &rule(&["x"]));
    }
}

#[test]
fn without_an_authorizer_only_the_token_is_checked() {
    let e = eval(good(), &JwtRule::default());
    assert_eq!(e.outcome, Outcome::Pass);
    let mut c = good();
    c.insert("exp".into(), json!(NOW - 1));
    assert_eq!(eval(c, &JwtRule::default()).outcome, Outcome::Unauthorized);
}
