//! Escape sequences from data never reach the terminal raw: each command
//! that prints outside text (check-response, jwt, cors, send; logs in
//! logs_moto.rs) is fed ESC / BEL / CR / U+202E through its inputs, in table
//! and JSON output, and stdout must hold none of them raw.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use base64::Engine;
use support::fake_http::serve_in_thread;

/// Clear screen, bell, carriage return, right-to-left override.
const HOSTILE: &str = "pwn\u{1b}[2J\u{1b}]0;title\u{7}\rover\u{202E}gnp.exe";
const RAW: &[char] = &['\u{1b}', '\u{7}', '\r', '\u{202E}'];

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut child = Command::new(support::gatescope_bin())
        .args(args)
        .env("GATESCOPE_HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input
        .write_all(stdin.unwrap_or_default().as_bytes())
        .unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

/// Counts inputs that reached stdout / stderr raw; the test sums them.
fn assert_clean(what: &str, out: &Output) {
    assert_ne!(out.status.code(), Some(101), "{what}: panicked");
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let raw: Vec<char> = text.chars().filter(|c| RAW.contains(c)).collect();
        assert!(
            raw.is_empty(),
            "{what}: {stream} carries {raw:?} raw:\n{text}"
        );
    }
    assert!(!out.stdout.is_empty(), "{what}: printed nothing");
}

fn both_outputs(what: &str, args: &[&str], stdin: Option<&str>) -> (String, String) {
    let mut table = args.to_vec();
    table.extend(["--output", "table"]);
    let t = run(&table, stdin);
    assert_clean(&format!("{what} (table)"), &t);
    let mut json = args.to_vec();
    json.extend(["--output", "json"]);
    let j = run(&json, stdin);
    assert_clean(&format!("{what} (json)"), &j);
    let json_text = String::from_utf8(j.stdout).unwrap();
    // JSON output stays valid JSON with the same strings.
    let v: serde_json::Value = serde_json::from_str(&json_text)
        .unwrap_or_else(|e| panic!("{what}: json output does not parse ({e}):\n{json_text}"));
    (String::from_utf8(t.stdout).unwrap(), v.to_string())
}

#[test]
fn check_response_escapes_body_headers_and_error_messages() {
    let proxy = serde_json::json!({
        "statusCode": 500,
        "headers": {"x-evil": HOSTILE, HOSTILE: "v"},
        "body": HOSTILE,
    })
    .to_string();
    let (table, json) = both_outputs(
        "check-response proxy",
        &["check-response", "-", "--api-type", "http"],
        Some(&proxy),
    );
    assert!(table.contains("\\u{1b}[2J"), "{table}");
    assert!(json.contains("\\u001b[2J"), "{json}");
    let thrown = serde_json::json!({"errorMessage": HOSTILE, "errorType": HOSTILE}).to_string();
    both_outputs(
        "check-response error",
        &[
            "check-response",
            "-",
            "--api-type",
            "rest",
            "--function-error",
        ],
        Some(&thrown),
    );
    // Not JSON at all: shown as text.
    let t = run(
        &["check-response", "-", "--api-type", "http"],
        Some(HOSTILE),
    );
    assert_clean("check-response text", &t);
}

#[test]
fn jwt_escapes_the_header_and_claims_of_an_untrusted_token() {
    let b64 = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let token = format!(
        "{}.{}.c2ln",
        b64(serde_json::json!({"alg": "RS256", "kid": HOSTILE, "typ": HOSTILE})),
        b64(serde_json::json!({"sub": HOSTILE, "iss": HOSTILE, "aud": HOSTILE, "exp": 1})),
    );
    let (table, _) = both_outputs("jwt", &["jwt", &token], None);
    assert!(table.contains("\\u{202e}"), "{table}");
}

#[test]
fn cors_escapes_configuration_values() {
    let config = serde_json::json!({
        "AllowOrigins": [HOSTILE, "https://app.example"],
        "AllowMethods": [HOSTILE],
        "AllowHeaders": [HOSTILE],
        "ExposeHeaders": [HOSTILE],
    })
    .to_string();
    both_outputs(
        "cors",
        &[
            "cors",
            "--config",
            "-",
            "--origin",
            "https://app.example",
            "--method",
            "PUT",
        ],
        Some(&config),
    );
}

#[test]
fn send_escapes_response_headers_and_bodies() {
    use axum::http::{HeaderName, HeaderValue};
    // Header values cannot hold ESC / CR, but can hold U+202E (obs-text).
    let app = axum::Router::new().fallback(|| async {
        let mut h = axum::http::HeaderMap::new();
        h.insert(
            HeaderName::from_static("x-evil"),
            HeaderValue::from_bytes(HOSTILE.replace(['\u{1b}', '\u{7}', '\r'], "").as_bytes())
                .unwrap(),
        );
        (h, HOSTILE.to_string())
    });
    let addr = serve_in_thread(app);
    let url = format!("http://{addr}/x");
    let (table, _) = both_outputs("send", &["send", "GET", &url, "--no-history"], None);
    assert!(table.contains("\\u{202e}"), "{table}");
}
