//! A frozen control plane (issue 13): `inspect` and `apis` say on stderr
//! what they wait for instead of staying silent, and end with a truthful
//! exit code: 2 and one line when nothing could be listed, 1 with the
//! missing items named when part of the load hung. `--aws-timeout` / `GATESCOPE_AWS_TIMEOUT` shorten
//! the 30 s per-call timeout so this takes seconds.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use support::fake_control_plane::{FakeControlPlane, Fault, ServerLimits};

fn command(url: &str, home: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(support::gatescope_bin());
    c.args(args)
        .env("GATESCOPE_HOME", home)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .env_remove("GATESCOPE_AWS_TIMEOUT")
        .stdin(Stdio::null());
    c
}

/// Run the binary off the runtime's threads (the fake serves on them).
async fn run(mut c: Command) -> (Output, Duration) {
    tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = c.output().unwrap();
        (out, started.elapsed())
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_endpoint_is_reported_while_waiting_then_fails_in_one_line() {
    let fake = FakeControlPlane::start(2, 1, ServerLimits::AWS).await;
    fake.set_fault(Fault::Frozen);
    let home = tempfile::tempdir().unwrap();
    let c = command(
        &fake.url,
        home.path(),
        &["inspect", "--output", "json", "--aws-timeout", "1.5"],
    );
    let (out, took) = run(c).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    // Each list call: 1.5 s, retried once; both run at once.
    assert!(took < Duration::from_secs(15), "took {took:?}: {err}");
    assert!(
        err.contains("gatescope: listing the APIs: waiting 2 s for GetApis / GetRestApis"),
        "{err}"
    );
    assert!(err.contains("cannot list APIs"), "{err}");
    assert!(
        err.contains("timed out") || err.contains("timeout"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing claims to be the inventory");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_api_is_named_while_waiting_and_in_the_problems() {
    let fake = FakeControlPlane::start(3, 1, ServerLimits::AWS).await;
    fake.set_fault(Fault::HangDetails);
    let home = tempfile::tempdir().unwrap();
    // The environment variable works like the flag.
    let mut c = command(&fake.url, home.path(), &["apis"]);
    c.env("GATESCOPE_AWS_TIMEOUT", "2");
    let (out, took) = run(c).await;
    let text = String::from_utf8_lossy(&out.stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{text}\n{err}");
    assert!(took < Duration::from_secs(20), "took {took:?}: {err}");
    assert!(
        err.contains("3 of 4 APIs loaded; waiting 2 s for the details (routes, integrations, authorizers, stages) of h1"),
        "{err}"
    );
    // The other APIs are listed; h1 is named as not fully loaded.
    assert!(text.contains("http-0") && text.contains("http-2"), "{text}");
    assert!(
        err.lines()
            .any(|l| l.contains("h1") && l.contains("could not be loaded")),
        "{err}"
    );
}

#[tokio::test]
async fn a_bad_timeout_is_a_one_line_error() {
    let home = tempfile::tempdir().unwrap();
    for (flag, env) in [(Some("0"), None), (Some("301"), None), (None, Some("soon"))] {
        let mut c = command("http://127.0.0.1:9", home.path(), &["apis"]);
        if let Some(f) = flag {
            c.args(["--aws-timeout", f]);
        }
        if let Some(e) = env {
            c.env("GATESCOPE_AWS_TIMEOUT", e);
        }
        let (out, _) = run(c).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("--aws-timeout"), "{err}");
        assert!(err.contains("at most 300"), "{err}");
    }
}
