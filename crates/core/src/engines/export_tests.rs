use super::*;
use std::process::{Command, Stdio};

fn req(method: &str, url: &str, headers: &[(&str, &str)], body: &[u8]) -> HttpRequest {
    HttpRequest {
        method: method.into(),
        url: url.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: body.to_vec(),
    }
}

/// Run `command` with `sh -c`, where `tool` is a shell function printing
/// each argument NUL-terminated, then `STDIN`, then what it read on stdin.
fn run_in_sh(tool: &str, command: &str, env: &[(&str, &str)]) -> (Vec<Vec<u8>>, Vec<u8>) {
    let script = format!(
        "{tool}() {{ for a in \"$@\"; do printf '%s\\000' \"$a\"; done; printf 'STDIN\\000'; cat; }}\n{command}"
    );
    let mut cmd = Command::new("sh");
    cmd.arg("-c").arg(&script).stdin(Stdio::null()).env_clear();
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run sh");
    assert!(
        out.status.success(),
        "sh failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut parts: Vec<Vec<u8>> = Vec::new();
    let mut rest = out.stdout.as_slice();
    loop {
        let i = rest
            .iter()
            .position(|b| *b == 0)
            .expect("NUL-terminated args");
        let arg = rest[..i].to_vec();
        rest = &rest[i + 1..];
        if arg == b"STDIN" {
            return (parts, rest.to_vec());
        }
        parts.push(arg);
    }
}

fn s(v: &[u8]) -> String {
    String::from_utf8_lossy(v).into_owned()
}

const NASTY: &str = "it's \"q\" $HOME `id` \\ % \t ü 😀 \u{202E}";

#[test]
fn curl_round_trips_any_header_and_text_body_through_sh() {
    let body = format!("{{\"k\": \"{NASTY}\"}}\nline2 \u{1b}[31m red");
    let r = req(
        "PUT",
        "https://h.example/a%20b?q=%27x%27",
        &[
            ("x-nasty", NASTY),
            ("content-type", "application/json"),
            ("x-empty", ""),
        ],
        body.as_bytes(),
    );
    let cmd = curl(&r, &AuthMode::None, &ExportOptions::default());
    assert!(!cmd.contains('\u{1b}'), "raw escape byte in {cmd:?}");
    let (args, stdin) = run_in_sh("curl", &cmd, &[]);
    let args: Vec<String> = args.iter().map(|a| s(a)).collect();
    assert_eq!(
        args[..3],
        ["-X", "PUT", "https://h.example/a%20b?q=%27x%27"]
    );
    assert!(args.contains(&format!("x-nasty: {NASTY}")), "{args:?}");
    assert!(args.contains(&"x-empty;".to_string()));
    // Control bytes in the body force stdin.
    let i = args.iter().position(|a| a == "--data-binary").unwrap();
    assert_eq!(args[i + 1], "@-");
    assert_eq!(stdin, body.as_bytes());
}

#[test]
fn binary_bodies_go_through_stdin_byte_exact() {
    let body: Vec<u8> = (0u8..=255).chain([b'\'', b'%', b'\\', b'\n']).collect();
    let r = req(
        "POST",
        "http://127.0.0.1:9/u",
        &[("content-type", "application/octet-stream")],
        &body,
    );
    for format in ExportFormat::ALL {
        let cmd = export(format, &r, &AuthMode::None, &ExportOptions::default());
        assert!(cmd.starts_with("printf '"), "{format:?}: {cmd}");
        assert!(cmd.is_ascii(), "non-ASCII in {format:?} export");
        let tool = match format {
            ExportFormat::Curl => "curl",
            ExportFormat::Httpie => "http",
            ExportFormat::Awscurl => "awscurl",
        };
        let (_args, stdin) = run_in_sh(tool, &cmd, &[]);
        assert_eq!(stdin, body, "{format:?}");
    }
}

#[test]
fn text_bodies_are_single_arguments() {
    let body = "{\"a\": \"it's\"}\n";
    let r = req("POST", "http://127.0.0.1:9/u", &[], body.as_bytes());
    let cmd = curl(&r, &AuthMode::None, &ExportOptions::default());
    let (args, stdin) = run_in_sh("curl", &cmd, &[]);
    let args: Vec<String> = args.iter().map(|a| s(a)).collect();
    assert_eq!(
        args,
        [
            "http://127.0.0.1:9/u",
            "-H",
            "content-type:",
            "--data-binary",
            body
        ]
    );
    assert!(stdin.is_empty());
    // A body starting with @ would be read as a file name by curl.
    let r = req("POST", "http://127.0.0.1:9/u", &[], b"@etc/passwd");
    let cmd = curl(&r, &AuthMode::None, &ExportOptions::default());
    let (_, stdin) = run_in_sh("curl", &cmd, &[]);
    assert_eq!(stdin, b"@etc/passwd");
}

#[test]
fn sigv4_exports_read_credentials_from_the_environment() {
    let r = req(
        "GET",
        "https://a.execute-api.eu-west-1.amazonaws.com/p/x",
        &[],
        b"",
    );
    let auth = AuthMode::Sigv4 { region: None };
    let opts = ExportOptions {
        region: Some("eu-west-1".into()),
        ..Default::default()
    };
    let cmd = curl(&r, &auth, &opts);
    assert_eq!(
        cmd,
        "curl https://a.execute-api.eu-west-1.amazonaws.com/p/x --aws-sigv4 aws:amz:eu-west-1:execute-api \
         --user \"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY\" -H \"x-amz-security-token: $AWS_SESSION_TOKEN\""
    );
    let env = [
        ("AWS_ACCESS_KEY_ID", "AKID"),
        ("AWS_SECRET_ACCESS_KEY", "s/k"),
        ("AWS_SESSION_TOKEN", "tok"),
    ];
    let (args, _) = run_in_sh("curl", &cmd, &env);
    assert!(args.contains(&b"AKID:s/k".to_vec()));
    assert!(args.contains(&b"x-amz-security-token: tok".to_vec()));
    let aws = awscurl(&r, &auth, &opts);
    assert!(
        aws.starts_with("awscurl --service execute-api --region eu-west-1 -X GET "),
        "{aws}"
    );
    let h = httpie(&r, &auth, &opts);
    assert!(
        h.starts_with("http --auth-type aws4 --auth service=execute-api,region=eu-west-1 "),
        "{h}"
    );
}

#[test]
fn jwt_and_api_key_are_env_references_unless_literal_is_asked() {
    let r = req("GET", "http://127.0.0.1:9/x", &[], b"");
    let jwt = AuthMode::Jwt {
        token: "aaa.bbb.ccc".into(),
    };
    let cmd = curl(&r, &jwt, &ExportOptions::default());
    assert!(!cmd.contains("aaa.bbb.ccc"));
    let (args, _) = run_in_sh("curl", &cmd, &[(TOKEN_VAR, "aaa.bbb.ccc")]);
    assert!(args.contains(&b"Authorization: Bearer aaa.bbb.ccc".to_vec()));
    let key = AuthMode::ApiKey {
        key: "k3y'x".into(),
    };
    let literal = ExportOptions {
        literal_secrets: true,
        ..Default::default()
    };
    for format in ExportFormat::ALL {
        let cmd = export(format, &r, &key, &ExportOptions::default());
        assert!(!cmd.contains("k3y"), "{format:?}: {cmd}");
        assert!(export(format, &r, &key, &literal).contains("k3y'\\''x"));
    }
}

#[test]
fn httpie_puts_headers_as_items_and_text_bodies_raw() {
    let r = req("PATCH", "http://127.0.0.1:9/x", &[("x-a", "1 2")], b"{}");
    let cmd = httpie(&r, &AuthMode::None, &ExportOptions::default());
    assert_eq!(cmd, "http --raw '{}' PATCH http://127.0.0.1:9/x 'x-a:1 2'");
    let r = req("GET", "http://127.0.0.1:9/x", &[], b"");
    assert_eq!(
        httpie(&r, &AuthMode::None, &ExportOptions::default()),
        "http --ignore-stdin GET http://127.0.0.1:9/x"
    );
}

mod any_input {
    use super::*;
    use crate::engines::shell::{printf_command, quote};
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// Any argument without NUL (argv cannot hold one) comes back exactly.
        #[test]
        fn quoted_arguments_round_trip_through_sh(arg in "[^\u{0}]{0,40}") {
            let cmd = format!("curl {}", quote(&arg));
            prop_assert!(!cmd.chars().any(|c| c.is_control() && c != '\n' && c != '\t'));
            let (args, _) = run_in_sh("curl", &cmd, &[]);
            prop_assert_eq!(args, vec![arg.into_bytes()]);
        }

        /// Any byte string comes back exactly through printf.
        #[test]
        fn printf_reproduces_any_bytes(body in proptest::collection::vec(any::<u8>(), 0..200)) {
            let cmd = format!("{} | curl", printf_command(&body));
            prop_assert!(cmd.is_ascii());
            let (_, stdin) = run_in_sh("curl", &cmd, &[]);
            prop_assert_eq!(stdin, body);
        }
    }
}
