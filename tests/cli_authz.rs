//! `gatescope cors` and `gatescope jwt` through the real binary.

mod support;

use std::process::{Command, Output, Stdio};

use gatescope::engines::jwt_keys::Signer;
use serde_json::{Value, json};

fn gatescope(args: &[&str]) -> Output {
    Command::new(support::gatescope_bin())
        .args(args)
        .env(
            "GATESCOPE_HOME",
            std::env::temp_dir().join("gatescope-cli-authz"),
        )
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn json_out(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

fn temp_file(name: &str, content: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("gatescope-authz-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, content).unwrap();
    p
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

const CORS: &str = r#"{"AllowOrigins":["https://app.example.com"],"AllowMethods":["GET","POST"],"AllowHeaders":["content-type"],"MaxAge":600,"AllowCredentials":false}"#;

#[test]
fn cors_config_file_blocks_unlisted_header_with_exit_1() {
    let f = temp_file("cors.json", CORS);
    let o = gatescope(&[
        "cors",
        "--config",
        f.to_str().unwrap(),
        "--origin",
        "https://app.example.com",
        "--method",
        "POST",
        "--headers",
        "content-type,authorization",
        "--output",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_out(&o);
    assert_eq!(v["allowed"], json!(false));
    assert_eq!(v["preflight"]["status"], json!(204));
    assert_eq!(
        v["preflight"]["headers"]["access-control-allow-origin"],
        json!("https://app.example.com")
    );
    assert_eq!(codes(&v), ["CORS_HEADER_NOT_ALLOWED"]);
    assert!(
        v["findings"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("authorization")
    );
}

#[test]
fn cors_allowed_request_exits_0_and_table_output_is_readable() {
    let f = temp_file("cors-ok.json", CORS);
    let o = gatescope(&[
        "cors",
        "--config",
        f.to_str().unwrap(),
        "--origin",
        "https://app.example.com",
        "--method",
        "POST",
        "--headers",
        "content-type",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("ALLOWED"), "{text}");
    assert!(text.contains("access-control-max-age: 600"), "{text}");
}

#[test]
fn cors_bad_file_is_a_one_line_error() {
    let f = temp_file("cors-bad.json", "{not json");
    let o = gatescope(&[
        "cors",
        "--config",
        f.to_str().unwrap(),
        "--origin",
        "https://a.com",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with("gatescope: the CORS configuration is not valid JSON"),
        "{err}"
    );
}

fn token(signer: &Signer, exp: i64, aud: &str) -> String {
    let claims = json!({"iss": "https://issuer.example.com", "aud": aud, "exp": exp, "iat": 1_000, "scope": "orders/read"});
    signer.sign(claims.as_object().unwrap())
}

#[test]
fn jwt_expired_token_is_401_with_www_authenticate() {
    let s = Signer::generate("k1").unwrap();
    let t = token(&s, 2_000, "app");
    let o = gatescope(&[
        "jwt",
        &t,
        "--issuer",
        "https://issuer.example.com",
        "--audience",
        "app",
        "--now",
        "3000",
        "--output",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let v = json_out(&o);
    assert_eq!(v["outcome"], json!("401"));
    assert_eq!(v["reason"], json!("the token has expired"));
    assert_eq!(v["expiresInSeconds"], json!(-1000));
    assert_eq!(v["claims"]["aud"], json!("app"));
    assert_eq!(v["header"]["alg"], json!("RS256"));
    assert!(codes(&v).contains(&"JWT_EXPIRED".to_string()));
    assert_eq!(v["signature"]["status"], json!("notVerified"));
}

#[test]
fn jwt_scopes_and_audience_lists() {
    let s = Signer::generate("k1").unwrap();
    let t = token(&s, 5_000, "app");
    let o = gatescope(&[
        "jwt",
        &t,
        "--issuer",
        "https://issuer.example.com",
        "--audience",
        "other,app",
        "--scopes",
        "admin",
        "--now",
        "3000",
        "--output",
        "json",
    ]);
    let v = json_out(&o);
    assert_eq!(v["outcome"], json!("403"));
    assert!(codes(&v).contains(&"JWT_SCOPE_MISSING".to_string()));
    let o = gatescope(&[
        "jwt",
        &t,
        "--issuer",
        "https://issuer.example.com",
        "--audience",
        "app",
        "--audience",
        "x",
        "--scopes",
        "orders/read",
        "--now",
        "3000",
        "--output",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(json_out(&o)["outcome"], json!("pass"));
}

/// `gatescope jwt TOKEN` against the test issuer with a JWKS file, as JSON.
fn jwt_with_jwks(token: &str, jwks: &std::path::Path) -> Value {
    json_out(&gatescope(&[
        "jwt",
        token,
        "--issuer",
        "https://issuer.example.com",
        "--audience",
        "app",
        "--now",
        "3000",
        "--jwks",
        jwks.to_str().unwrap(),
        "--output",
        "json",
    ]))
}

#[test]
fn jwt_signature_checked_with_jwks_file() {
    let s = Signer::generate("k1").unwrap();
    let t = token(&s, 5_000, "app");
    let jwks = temp_file("jwks.json", &serde_json::to_string(&s.jwks()).unwrap());
    let v = jwt_with_jwks(&t, &jwks);
    assert_eq!(v["signature"]["status"], json!("valid"));
    assert_eq!(v["outcome"], json!("pass"));
    let other = temp_file(
        "jwks2.json",
        &serde_json::to_string(&Signer::generate("k1").unwrap().jwks()).unwrap(),
    );
    let v = jwt_with_jwks(&t, &other);
    assert_eq!(v["signature"]["status"], json!("invalid"));
    assert_eq!(v["outcome"], json!("401"));
}

/// Issue 12 case 8c: "what would API Gateway answer" has an answer for a token that
/// does not decode: 401, with the decode error as the reason, exit 1 as for any 401.
#[test]
fn jwt_malformed_token_is_a_401_with_the_decode_error() {
    let o = gatescope(&["jwt", "abc.def", "--output", "json"]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = json_out(&o);
    assert_eq!(v["outcome"], json!("401"));
    assert_eq!(
        v["reason"],
        json!("the token is malformed: a JWT has three dot-separated parts; this one has 2")
    );
    assert_eq!(codes(&v), ["JWT_MALFORMED"]);
    assert_eq!(v["claims"], Value::Null);

    let o = gatescope(&["jwt", "definitely.not-a.jwt!"]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("401 Unauthorized: the token is malformed: the header is not valid base64url"),
        "{out}"
    );
    assert!(out.contains("JWT_MALFORMED"), "{out}");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}
