//! `gatescope health` against control-plane fault modes (issue 13): what
//! could not be loaded exits 1 with each missing item named in the JSON
//! `problems` on stderr, and the report on stdout keeps its shape.

mod support;

use std::process::{Command, Output, Stdio};

use serde_json::Value;
use support::fake_control_plane::{FakeControlPlane, Fault, ServerLimits};

async fn health(url: &str, args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    let mut c = Command::new(support::gatescope_bin());
    c.arg("health")
        .args(args)
        .args(["--output", "json", "--aws-timeout", "2"])
        .env("GATESCOPE_HOME", home.path())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ENDPOINT_URL", url)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null());
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

/// The `message`s of the `{"problems": [...]}` line on stderr.
fn problems(out: &Output) -> Vec<String> {
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("{\"problems\""))
        .unwrap_or_else(|| panic!("no problems document on stderr: {err}"));
    let v: Value = serde_json::from_str(line).unwrap();
    v["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{} {}", p["subject"].as_str().unwrap_or(""), p["message"]))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_down_and_hung_apis_are_exit_1_with_each_api_named() {
    for (fault, lost) in [
        (Fault::DetailsDown, vec!["h0", "h1", "r0"]),
        (Fault::HardThrottle, vec!["h1"]),
        (Fault::HangDetails, vec!["h1"]),
    ] {
        let fake = FakeControlPlane::start(2, 1, ServerLimits::AWS).await;
        fake.set_fault(fault);
        let out = health(&fake.url, &[]).await;
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{fault:?}: {err}");
        let report: Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{fault:?}: stdout is not JSON ({e})"));
        assert!(report["apis"].is_array(), "{report}");
        let found = problems(&out);
        for id in lost {
            assert!(
                found.iter().any(|p| p.contains(id)),
                "{fault:?}: {id} not named in {found:?}"
            );
        }
        // This fake serves no CloudWatch: for the APIs that did load, that
        // is named too, not hidden.
        if fault != Fault::DetailsDown {
            assert!(
                found
                    .iter()
                    .any(|p| p.contains("metrics could not be read")),
                "{fault:?}: {found:?}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_listing_is_exit_1_and_a_frozen_one_fails_in_one_line() {
    let fake = FakeControlPlane::start(2, 1, ServerLimits::AWS).await;
    fake.set_fault(Fault::ListHtml);
    let out = health(&fake.url, &[]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let found = problems(&out);
    assert!(
        found
            .iter()
            .any(|p| p.contains("HTTP and WebSocket APIs are missing")),
        "{found:?}"
    );

    fake.set_fault(Fault::Frozen);
    let out = health(&fake.url, &[]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty());
    assert_eq!(
        err.lines().filter(|l| l.starts_with("gatescope: ")).count(),
        1,
        "{err}"
    );
    assert!(err.contains("timed out"), "{err}");
}
