//! The README tour's CORS step, as the user makes it (issue 12, case 3): `GET /widgets`
//! on the demo HTTP API from `https://dashboard.example.org`. The function allows that
//! origin itself, the API's CorsConfiguration does not and wins: the doctor must say
//! exactly that, with both header sets, and a fix that keeps the configuration.

mod support;

use std::process::Command;

use serde_json::Value;

fn demo(args: &[&str]) -> (Option<i32>, Value) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(support::gatescope_bin())
        .arg("demo")
        .args(args)
        .args(["--output", "json"])
        .env("GATESCOPE_HOME", home.path())
        .env_remove("AWS_ENDPOINT_URL")
        .output()
        .unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON from demo {args:?} ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), json)
}

#[test]
fn the_tours_cors_failure_names_the_ignored_function_headers() {
    let (code, v) = demo(&[
        "doctor",
        "demohttp01",
        "GET",
        "/prod/widgets",
        "-H",
        "Origin: https://dashboard.example.org",
        "--wait",
        "5s",
    ]);
    assert_eq!(code, Some(1), "{v:#}");
    let findings = v["findings"].as_array().unwrap();
    let first = &findings[0];
    assert_eq!(first["code"], "CORS_BACKEND_HEADERS_IGNORED", "{v:#}");
    assert_eq!(first["severity"], "error");
    let evidence: Vec<&str> = first["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e.as_str().unwrap())
        .collect();
    let ev = evidence.join("\n");
    // The function's own headers (read from the response it logged) ...
    assert!(
        ev.contains("the function returned (a response it logged in /aws/lambda/demo-widgets"),
        "{ev}"
    );
    assert!(
        ev.contains("access-control-allow-origin: https://dashboard.example.org"),
        "{ev}"
    );
    // ... and what API Gateway answered under its configuration.
    assert!(ev.contains("API Gateway answered: "), "{ev}");
    assert!(
        ev.contains("CorsConfiguration.AllowOrigins: https://app.example.com"),
        "{ev}"
    );
    let fix = first["fix"].as_str().unwrap();
    assert!(fix.contains("update-api --api-id demohttp01"), "{fix}");
    assert!(
        fix.contains(
            r#""AllowOrigins":["https://app.example.com","https://dashboard.example.org"]"#
        ),
        "{fix}"
    );
    assert!(
        !fix.contains("return the header from the function"),
        "{fix}"
    );
    // One explanation: no second finding telling the function to send the header.
    assert!(
        !findings
            .iter()
            .any(|f| f["code"] == "CORS_ORIGIN_NOT_ALLOWED"),
        "{v:#}"
    );
}

#[test]
fn the_allowed_origin_passes_and_the_ignored_headers_are_information() {
    let (code, v) = demo(&[
        "doctor",
        "demohttp01",
        "GET",
        "/prod/widgets",
        "-H",
        "Origin: https://app.example.com",
        "--wait",
        "5s",
    ]);
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.iter().any(|f| f["severity"] == "error"), "{v:#}");
    assert_eq!(code, Some(0));
    let ignored = findings
        .iter()
        .find(|f| f["code"] == "CORS_BACKEND_HEADERS_IGNORED")
        .unwrap_or_else(|| panic!("{v:#}"));
    assert_eq!(ignored["severity"], "info");
}
