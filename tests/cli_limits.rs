//! Flags and inputs at and past their limits: one-line errors naming the
//! flag and the limit, never a panic (exit 101), a hang or unbounded memory.

mod support;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::fake_http::serve_in_thread;

fn run(args: &[&str], stdin: Stdio) -> (Output, Duration) {
    let home = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = Command::new(support::gatescope_bin())
        .args(args)
        .env("GATESCOPE_HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdin(stdin)
        .output()
        .unwrap();
    (out, started.elapsed())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_refused(what: &str, o: &Output, needle: &str) {
    let err = stderr(o);
    assert_ne!(o.status.code(), Some(101), "{what}: panicked: {err}");
    assert!(!o.status.success(), "{what}: accepted");
    assert!(err.contains(needle), "{what}: {err}");
    assert!(!err.contains("panicked"), "{what}: {err}");
}

#[test]
fn send_timeouts_out_of_range_are_refused() {
    for t in ["1e20", "1.85e19", "99999999999999999999", "0", "-3", "NaN"] {
        let flag = format!("--timeout={t}");
        let (o, _) = run(
            &["send", "GET", "http://127.0.0.1:9/", &flag],
            Stdio::null(),
        );
        assert_refused(&format!("--timeout {t}"), &o, "--timeout");
        assert_eq!(o.status.code(), Some(2), "--timeout {t}");
    }
}

#[test]
fn doctor_waits_out_of_range_are_refused() {
    for w in ["5000000000000000h", "25h"] {
        let (o, _) = run(
            &["demo", "doctor", "demohttp01", "GET /x", "--wait", w],
            Stdio::null(),
        );
        assert_refused(&format!("--wait {w}"), &o, "limit of 24h");
    }
}

#[test]
fn dev_zero_as_input_ends_fast_with_the_limit_named() {
    let (o, took) = run(
        &["check-response", "--api-type", "rest", "/dev/zero"],
        Stdio::null(),
    );
    assert_refused("check-response /dev/zero", &o, "64 MiB limit");
    assert!(took < Duration::from_secs(2), "{took:?}");

    let (o, took) = run(
        &["send", "POST", "http://127.0.0.1:9/", "-d", "@/dev/zero"],
        Stdio::null(),
    );
    assert_refused("send -d @/dev/zero", &o, "64 MiB limit");
    assert!(took < Duration::from_secs(2), "{took:?}");

    let zero = std::fs::File::open("/dev/zero").unwrap();
    let (o, took) = run(
        &["send", "POST", "http://127.0.0.1:9/", "-d", "@-"],
        Stdio::from(zero),
    );
    assert_refused("send -d @- < /dev/zero", &o, "64 MiB limit");
    assert!(took < Duration::from_secs(2), "{took:?}");
}

#[test]
fn a_response_with_1000_headers_is_read() {
    let app = axum::Router::new().fallback(|| async {
        let mut h = axum::http::HeaderMap::new();
        for i in 0..990 {
            h.insert(
                axum::http::HeaderName::try_from(format!("x-h{i}")).unwrap(),
                axum::http::HeaderValue::from_static("v"),
            );
        }
        (h, "ok")
    });
    let addr = serve_in_thread(app);
    let (o, _) = run(
        &[
            "send",
            "GET",
            &format!("http://{addr}/"),
            "--no-history",
            "--output",
            "json",
        ],
        Stdio::null(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["headers"]["x-h989"], "v");
}

#[test]
fn logs_ranges_past_their_limits_blame_the_right_flag() {
    let logs = |extra: &[&str]| {
        let mut a = vec!["demo", "logs", "demohttp01", "--stage", "prod"];
        a.extend(extra);
        run(&a, Stdio::null()).0
    };
    let o = logs(&["--since", "9999999999999999999s"]);
    assert_refused(
        "--since 10^19 s",
        &o,
        "--since: the range starts before 1970",
    );
    let o = logs(&["--until", "1969-01-01"]);
    assert_refused("--until 1969", &o, "--until: 1969-01-01 is not after 1970");
    assert_eq!(stderr(&o).trim().lines().count(), 1, "{}", stderr(&o));
}
