//! `gatescope demo doctor` against the built-in demo gateway: each classic
//! failure the demo reproduces is sent for real, its logs are read from the
//! demo's log store, and the doctor must name the cause.

mod support;

use std::process::Command;

use serde_json::Value;

fn demo_doctor(args: &[&str]) -> (Option<i32>, Value, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(support::gatescope_bin())
        .args(["demo", "doctor"])
        .args(args)
        .args(["--wait", "3s", "--output", "json"])
        .env("GATESCOPE_HOME", home.path())
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let json: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON from demo doctor {args:?} ({e}): {}\n{stderr}",
            String::from_utf8_lossy(&out.stdout)
        )
    });
    (out.status.code(), json, stderr)
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

/// (api, method, path, extra args, codes that must be reported, exit code)
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    i32,
);

#[test]
fn demo_failures_are_explained() {
    let rows: &[Row] = &[
        (
            "demohttp01",
            "GET",
            "/prod/crash",
            &[],
            &["FUNCTION_ERROR"],
            1,
        ),
        (
            "demohttp01",
            "GET",
            "/prod/report",
            &[],
            &["MALFORMED_PROXY_RESPONSE"],
            1,
        ),
        (
            "demohttp01",
            "GET",
            "/prod/slow",
            &[],
            &["INTEGRATION_TIMEOUT"],
            1,
        ),
        (
            "demohttp01",
            "GET",
            "/prod/nope",
            &[],
            &["NO_ROUTE_MATCHED"],
            1,
        ),
        (
            "demohttp01",
            "GET",
            "/orders",
            &[],
            &["NO_ROUTE_MATCHED", "STAGE_PREFIX_MISSING"],
            1,
        ),
        (
            "demohttp01",
            "POST",
            "/prod/orders",
            &[
                "-H",
                "content-type: application/json",
                "-d",
                "{\"item\":\"w\",\"quantity\":1}",
            ],
            &["JWT_MISSING"],
            1,
        ),
        (
            "demohttp01",
            "GET",
            "/prod/orders/ord-9999",
            &[],
            &["FUNCTION_RETURNED_STATUS"],
            0,
        ),
        (
            "demorest01",
            "GET",
            "/dev/me",
            &["-H", "Authorization: Bearer deny-bob"],
            &["AUTHORIZER_DENIED"],
            1,
        ),
        (
            "demorest01",
            "GET",
            "/dev/me",
            &[],
            &["AUTHORIZER_IDENTITY_MISSING"],
            1,
        ),
        (
            "demorest01",
            "GET",
            "/dev/admin",
            &[],
            &["RESOURCE_POLICY_DENIED"],
            1,
        ),
        (
            "demorest01",
            "GET",
            "/dev/report",
            &[],
            &["MALFORMED_PROXY_RESPONSE"],
            1,
        ),
        (
            "demorest01",
            "GET",
            "/dev/crash",
            &[],
            &["FUNCTION_ERROR"],
            1,
        ),
        (
            "demorest01",
            "GET",
            "/dev/slow",
            &[],
            &["INTEGRATION_TIMEOUT"],
            1,
        ),
        (
            "demorest01",
            "GET",
            "/dev/nope",
            &[],
            &["REST_NO_SUCH_RESOURCE"],
            1,
        ),
    ];
    let mut failures = Vec::new();
    for (api, method, path, extra, want, exit) in rows {
        let mut args = vec![*api, *method, *path];
        args.extend_from_slice(extra);
        let (code, report, stderr) = demo_doctor(&args);
        let got = codes(&report);
        for w in *want {
            if !got.contains(&w.to_string()) {
                failures.push(format!("{method} {path}: want {w}, got {got:?} {stderr}"));
            }
        }
        if code != Some(*exit) {
            failures.push(format!("{method} {path}: exit {code:?}, want {exit}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn demo_lint_runs_without_a_request() {
    let (code, report, stderr) = demo_doctor(&["demohttp01"]);
    assert!(matches!(code, Some(0) | Some(1)), "{stderr}");
    assert!(report["findings"].is_array());
    // demo-slow may run 10 s (assets/demo/functions.toml) behind a 1 s
    // integration: the demo's function configuration reaches the lint, and the
    // finding about demo-slow is its own (issue 12 case 4: it was merged into
    // demo-orders', whose title and fix then carried demo-slow's evidence).
    let timeouts: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION")
        .collect();
    let slow = timeouts
        .iter()
        .find(|f| {
            f["subject"]["name"]
                .as_str()
                .is_some_and(|n| n.ends_with(":demo-slow"))
        })
        .unwrap_or_else(|| {
            panic!("no LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION about demo-slow in {report:#}")
        });
    assert_eq!(slow["subject"]["kind"], "function");
    assert!(
        slow["title"]
            .as_str()
            .unwrap()
            .contains("demo-slow may run 10 s but API Gateway waits only 1000 ms"),
        "{slow:#}"
    );
    assert_eq!(
        slow["evidence"],
        serde_json::json!([
            "function demo-slow timeout 10 s; integration int-slow timeoutInMillis 1000"
        ])
    );
    assert!(
        slow["fix"]
            .as_str()
            .unwrap()
            .contains("--function-name demo-slow"),
        "{slow:#}"
    );
    for other in timeouts.iter().filter(|f| f["subject"] != slow["subject"]) {
        assert!(!other.to_string().contains("demo-slow"), "{other:#}");
    }
}
