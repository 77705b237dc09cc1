//! What the user reads when AWS access is not set up: one line, with the fix,
//! exit code 2. The binary runs in a clean environment (temp HOME, no AWS
//! variables) so the developer's own configuration cannot leak in.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn gatescope(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(support::gatescope_bin());
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("GATESCOPE_HOME", home.join("gatescope"))
        .env("AWS_CONFIG_FILE", home.join(".aws/config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join(".aws/credentials"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// Exit code 2, nothing on stdout, exactly one line on stderr.
fn one_line_error(out: &Output) -> String {
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert!(
        out.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A slow load reports progress after 2 s (a loaded machine, retries):
    // those lines are not the error, which stays one line.
    let lines: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("listing the APIs: waiting") && !l.contains("APIs loaded; waiting"))
        .collect();
    assert_eq!(lines.len(), 1, "{err}");
    assert!(lines[0].starts_with("gatescope: "), "{err}");
    lines[0].to_string()
}

const KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
    ("AWS_SECRET_ACCESS_KEY", "secret"),
];

#[test]
fn no_region_says_how_to_set_one() {
    let home = tempfile::tempdir().unwrap();
    let out = gatescope(home.path(), &KEYS, &["inspect", "--output", "json"]);
    let err = one_line_error(&out);
    assert!(err.contains("no AWS region is configured"), "{err}");
    assert!(
        err.contains("--region") && err.contains("AWS_REGION"),
        "{err}"
    );
}

#[test]
fn connection_refused_names_the_endpoint() {
    let home = tempfile::tempdir().unwrap();
    let endpoint = format!("http://127.0.0.1:{}", support::free_port());
    let out = gatescope(
        home.path(),
        &[KEYS[0], KEYS[1], ("AWS_REGION", "eu-west-1")],
        &["--endpoint-url", &endpoint, "apis"],
    );
    let err = one_line_error(&out);
    assert!(
        err.contains(&format!("connection refused by {endpoint}")),
        "{err}"
    );
    assert!(err.contains("is the emulator running?"), "{err}");
}

#[test]
fn no_credentials_lists_the_ways_to_provide_them() {
    let home = tempfile::tempdir().unwrap();
    let endpoint = format!("http://127.0.0.1:{}", support::free_port());
    let out = gatescope(
        home.path(),
        &[("AWS_REGION", "eu-west-1"), ("AWS_ENDPOINT_URL", &endpoint)],
        &["inspect"],
    );
    let err = one_line_error(&out);
    assert!(err.contains("no AWS credentials were found"), "{err}");
    assert!(err.contains("--profile"), "{err}");
}

#[test]
fn expired_sso_session_says_aws_sso_login_with_the_profile() {
    let home = tempfile::tempdir().unwrap();
    let aws = home.path().join(".aws");
    std::fs::create_dir_all(aws.join("sso/cache")).unwrap();
    std::fs::write(
        aws.join("config"),
        "[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\nregion = eu-west-1\n\n\
         [sso-session corp]\nsso_region = eu-west-1\nsso_start_url = https://corp.awsapps.com/start\n",
    )
    .unwrap();
    // The SDK looks the token up by the SHA-1 of the session name.
    let sha1 = support::run_python(
        "import hashlib;print(hashlib.sha1(b'corp').hexdigest())",
        &[],
        &[],
    );
    std::fs::write(
        aws.join(format!("sso/cache/{}.json", sha1.trim())),
        r#"{"accessToken":"expired","expiresAt":"2020-01-01T00:00:00Z","region":"eu-west-1","startUrl":"https://corp.awsapps.com/start"}"#,
    )
    .unwrap();
    let endpoint = format!("http://127.0.0.1:{}", support::free_port());
    let out = gatescope(
        home.path(),
        &[],
        &["--profile", "dev", "--endpoint-url", &endpoint, "apis"],
    );
    let err = one_line_error(&out);
    assert!(
        err.contains("the SSO session of profile dev has expired"),
        "{err}"
    );
    assert!(err.contains("run `aws sso login --profile dev`"), "{err}");
}
