//! Partial inventories tell the truth (issue 13, item 2): against the fake
//! control plane's fault modes the real binary exits 1 with the missing
//! items in `problems` (text and JSON), never says "no APIs" for a listing
//! that failed, and never replaces the cache with less than it held: a load
//! that lost something is merged with the previous file (what was lost kept
//! and marked stale), a killed load leaves the file untouched.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use support::fake_control_plane::{FakeControlPlane, Fault, ServerLimits};

const HTTP: usize = 4;
const REST: usize = 2;

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
        .stdin(Stdio::null());
    c
}

/// Run the binary off the runtime's threads (the fake serves on them).
async fn run(url: &str, home: &Path, args: &[&str]) -> Output {
    let mut c = command(url, home, args);
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

/// The inventory cache file(s) under `home`.
fn cache_files(home: &Path) -> Vec<PathBuf> {
    let dir = home.join("cache/inventory");
    let mut out: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    out.retain(|p| p.extension().is_some_and(|e| e == "json"));
    out
}

fn cached_apis(home: &Path) -> Vec<Value> {
    let files = cache_files(home);
    assert_eq!(files.len(), 1, "{files:?}");
    let v: Value = serde_json::from_slice(&std::fs::read(&files[0]).unwrap()).unwrap();
    v["inventory"]["apis"].as_array().unwrap().clone()
}

fn stderr_problems(out: &Output) -> Vec<Value> {
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err
        .lines()
        .find(|l| l.starts_with("{\"problems\""))
        .unwrap_or_else(|| panic!("no problems document on stderr: {err}"));
    let v: Value = serde_json::from_str(line).unwrap();
    v["problems"].as_array().unwrap().clone()
}

async fn fake() -> FakeControlPlane {
    FakeControlPlane::start(HTTP, REST, ServerLimits::AWS).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_http_listing_is_exit_1_not_no_apis() {
    for fault in [Fault::ListTruncated, Fault::ListHtml] {
        let fake = fake().await;
        fake.set_fault(fault);
        let home = tempfile::tempdir().unwrap();
        let out = run(&fake.url, home.path(), &["apis"]).await;
        let text = String::from_utf8_lossy(&out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{fault:?}: {text}\n{err}");
        // The REST APIs are shown; the HTTP ones are named as missing.
        assert!(
            text.contains("rest-0") && !text.contains("http-0"),
            "{text}"
        );
        assert!(err.contains("HTTP and WebSocket APIs are missing"), "{err}");
        assert!(err.contains("could not be loaded"), "{err}");
        assert!(!text.contains("no APIs in this account"), "{text}");
        // With no earlier file, what was loaded is cached as it is.
        let cached: Vec<String> = cached_apis(home.path())
            .iter()
            .map(|a| a["id"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(cached, ["r0", "r1"], "{fault:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hard_throttling_is_exit_1_with_each_api_named_in_json_problems() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let full = run(&fake.url, home.path(), &["inspect", "--output", "json"]).await;
    assert!(
        full.status.success(),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    let before = cached_apis(home.path());
    assert_eq!(before.len(), HTTP + REST);

    fake.set_fault(Fault::HardThrottle);
    let out = run(&fake.url, home.path(), &["inspect", "--output", "json"]).await;
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // stdout keeps its shape: the list of APIs.
    let apis: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(apis.len(), HTTP + REST);
    let problems = stderr_problems(&out);
    let named: Vec<&str> = problems
        .iter()
        .filter_map(|p| p["subject"].as_str())
        .collect();
    assert_eq!(named.len(), HTTP / 2, "{problems:?}");
    for odd in (1..HTTP).step_by(2) {
        assert!(
            named.iter().any(|s| s.starts_with(&format!("h{odd} "))),
            "h{odd} missing from {named:?}"
        );
    }
    // The cache kept the throttled APIs' routes from the complete load, marked stale.
    let after = cached_apis(home.path());
    let h1 = after.iter().find(|a| a["id"] == "h1").unwrap();
    assert_eq!(
        h1["routes"].as_array().unwrap().len(),
        support::fake_control_plane::ROUTES,
        "{h1}"
    );
    assert!(
        h1["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p.as_str().unwrap().starts_with("stale")),
        "{h1}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backend_that_dies_mid_load_leaves_the_cached_details() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let full = run(&fake.url, home.path(), &["inspect"]).await;
    assert!(
        full.status.success(),
        "{}",
        String::from_utf8_lossy(&full.stderr)
    );
    let routes_before: usize = cached_apis(home.path())
        .iter()
        .map(|a| a["routes"].as_array().unwrap().len())
        .sum();

    fake.set_fault(Fault::DetailsDown);
    let out = run(&fake.url, home.path(), &["inspect"]).await;
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains("item(s) could not be loaded"), "{err}");
    let after = cached_apis(home.path());
    assert_eq!(after.len(), HTTP + REST);
    let routes_after: usize = after
        .iter()
        .map(|a| a["routes"].as_array().unwrap().len())
        .sum();
    assert_eq!(routes_after, routes_before, "no route lost from the cache");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn inspect_killed_mid_load_leaves_the_cache_byte_for_byte() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let full = run(&fake.url, home.path(), &["inspect"]).await;
    assert!(full.status.success());
    let file = cache_files(home.path()).remove(0);
    let before = std::fs::read(&file).unwrap();

    // Details stall (503, retried with backoff): kill the load meanwhile.
    fake.set_fault(Fault::DetailsDown);
    let mut child = command(&fake.url, home.path(), &["inspect"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(
        child.try_wait().unwrap().is_none(),
        "still loading when killed"
    );
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(std::fs::read(&file).unwrap(), before);
    let left = std::fs::read_dir(home.path().join("cache/inventory"))
        .unwrap()
        .count();
    assert_eq!(left, 1, "no stray temp file");
}
