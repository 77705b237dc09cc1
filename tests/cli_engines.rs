//! `gatescope event` and `gatescope check-response` through the real binary.

mod support;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(support::gatescope_bin())
        .args(args)
        .env(
            "GATESCOPE_HOME",
            std::env::temp_dir().join("gatescope-cli-engines"),
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut pipe = child.stdin.take().unwrap();
    if let Some(s) = stdin {
        pipe.write_all(s.as_bytes()).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

#[test]
fn event_v2_from_an_execute_api_url() {
    let o = run(
        &[
            "event",
            "POST",
            "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/items/42?a=1&a=2",
            "--route",
            "POST /items/{id}",
            "--stage",
            "prod",
            "-H",
            "Content-Type: application/json",
            "-H",
            "Cookie: s=1; t=2",
            "-d",
            r#"{"n":1}"#,
            "--time",
            "1587481701067",
            "--request-id",
            "REQ=",
            "--stage-var",
            "env=prod",
            "--output",
            "json",
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let ev = json(&o);
    assert_eq!(ev["version"], "2.0");
    assert_eq!(ev["routeKey"], "POST /items/{id}");
    assert_eq!(ev["rawPath"], "/prod/items/42");
    assert_eq!(ev["rawQueryString"], "a=1&a=2");
    assert_eq!(ev["queryStringParameters"]["a"], "1,2");
    assert_eq!(ev["cookies"], serde_json::json!(["s=1", "t=2"]));
    assert_eq!(ev["pathParameters"]["id"], "42");
    assert_eq!(ev["stageVariables"]["env"], "prod");
    assert_eq!(ev["body"], r#"{"n":1}"#);
    let ctx = &ev["requestContext"];
    assert_eq!(ctx["apiId"], "abc123defg");
    assert_eq!(ctx["stage"], "prod");
    assert_eq!(ctx["requestId"], "REQ=");
    assert_eq!(ctx["time"], "21/Apr/2020:15:08:21 +0000");
    assert_eq!(ctx["timeEpoch"], 1587481701067i64);
    assert_eq!(
        ev["headers"]["host"],
        "abc123defg.execute-api.eu-west-1.amazonaws.com"
    );
}

#[test]
fn event_rest_strips_the_stage_and_reports() {
    let o = run(
        &[
            "event",
            "--api-type",
            "rest",
            "GET",
            "https://r1.execute-api.us-east-1.amazonaws.com/dev/pets/7",
            "--route",
            "GET /pets/{petId}",
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("REST (payload 1.0)"), "{text}");
    assert!(text.contains("region us-east-1"), "{text}");
    assert!(text.contains("petId=7"), "{text}");
    assert!(text.contains(r#""path": "/pets/7""#), "{text}");
}

#[test]
fn event_explains_a_route_miss_in_one_line() {
    let o = run(
        &["event", "GET", "/items/1/2", "--route", "GET /items/{id}"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("404") && err.contains("too many segments"),
        "{err}"
    );
    let o = run(&["event", "GET", "/a", "--payload", "3.0"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn check_response_json_contract() {
    let o = run(
        &[
            "check-response",
            "--api-type",
            "rest",
            "--output",
            "json",
            "-",
        ],
        Some(r#"{"statusCode":200,"body":{"a":1}}"#),
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(v["clientStatus"], 502);
    assert_eq!(v["clientBody"], r#"{"message": "Internal server error"}"#);
    let f = &v["findings"][0];
    assert_eq!(f["code"], "BODY_NOT_STRING");
    assert_eq!(f["severity"], "error");
    assert!(f["message"].as_str().unwrap().contains("not a string"));
    assert!(f["fix"].as_str().unwrap().contains("JSON.stringify"));

    let o = run(
        &[
            "check-response",
            "--api-type",
            "http",
            "--payload",
            "2.0",
            "--output",
            "json",
            "-",
        ],
        Some(r#"{"statusCode":201,"cookies":["a=1","b=2"],"body":"ok"}"#),
    );
    assert!(o.status.success());
    let v = json(&o);
    assert_eq!(v["clientStatus"], 201);
    assert_eq!(
        v["clientHeaders"],
        serde_json::json!([["set-cookie", "a=1"], ["set-cookie", "b=2"]])
    );
}

#[test]
fn check_response_reads_a_file_and_reports() {
    let dir = std::env::temp_dir().join(format!("gatescope-engines-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("out.json");
    std::fs::write(&file, r#"{"errorMessage":"boom","errorType":"TypeError"}"#).unwrap();
    let o = run(
        &[
            "check-response",
            "--api-type",
            "http",
            "--payload",
            "1.0",
            file.to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("API Gateway answers 500"), "{text}");
    assert!(text.contains("FUNCTION_ERROR"), "{text}");
    // The published proxy response fixture passes on REST.
    let fx = support::shared_fixture("aws-lambda-events/example-apigw-response.json");
    let o = run(
        &[
            "check-response",
            "--api-type",
            "rest",
            "--output",
            "json",
            fx.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success());
    assert_eq!(json(&o)["clientBody"], "Hello World");
    // A missing file is a one-line error.
    let o = run(
        &[
            "check-response",
            "--api-type",
            "rest",
            "/nonexistent/x.json",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
}
