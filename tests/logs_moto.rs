//! Logs against moto: an HTTP API whose stage logs to a CloudWatch group,
//! access-log and Lambda lines put with boto3, then read back through the
//! AWS log source (FilterLogEvents, Logs Insights, live tail with the host
//! prefix disabled), parsed and correlated.

mod support;

use std::sync::Arc;
use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use gatescope::app::logs::fetch::{fetch_window, rows_to_events};
use gatescope::app::logs::{InsightsConfig, InsightsRunner, LogBook, discover};
use gatescope::backends::LogSource;
use gatescope::backends::log_source::QueryRequest;
use gatescope::domain::{AccessLogSettings, Api, Integration, MatchKey, Protocol, Route, Stage};
use gatescope::engines::access_log::RECOMMENDED_HTTP;
use serde_json::Value;

const L1: &str = "11111111-aaaa-4bbb-8ccc-000000000001";
const L2: &str = "11111111-aaaa-4bbb-8ccc-000000000002";
const FN_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:pets";

const SEED: &str = r#"
import boto3, json, sys
spec = json.loads(sys.argv[1])
logs = boto3.client("logs")
for g, events in spec["groups"].items():
    logs.create_log_group(logGroupName=g)
    logs.create_log_stream(logGroupName=g, logStreamName="s1")
    logs.put_log_events(logGroupName=g, logStreamName="s1",
        logEvents=[{"timestamp": t, "message": m} for t, m in events])
v2 = boto3.client("apigatewayv2")
api = v2.create_api(Name="pets", ProtocolType="HTTP")
uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + spec["fn"] + "/invocations"
integ = v2.create_integration(ApiId=api["ApiId"], IntegrationType="AWS_PROXY",
    IntegrationUri=uri, PayloadFormatVersion="2.0")
v2.create_route(ApiId=api["ApiId"], RouteKey="GET /pets", Target="integrations/" + integ["IntegrationId"])
v2.create_stage(ApiId=api["ApiId"], StageName="prod",
    AccessLogSettings={"DestinationArn": spec["dest"], "Format": spec["format"]})
stage = v2.get_stage(ApiId=api["ApiId"], StageName="prod")
print(json.dumps({"apiId": api["ApiId"], "uri": uri,
    "dest": stage["AccessLogSettings"]["DestinationArn"],
    "format": stage["AccessLogSettings"]["Format"]}))
"#;

fn access_line(req: &str, lambda: &str, status: u16) -> String {
    format!(
        r#"{{"requestId":"{req}","routeKey":"GET /pets","method":"GET","path":"/pets","status":"{status}","integrationStatus":"200","integrationRequestId":"{lambda}","integrationError":"-","responseLatency":"12","stage":"prod"}}"#
    )
}

struct Seeded {
    moto: support::Moto,
    api: Api,
    t0: i64,
}

fn seed() -> Seeded {
    let moto = support::Moto::start();
    let t0 = chrono::Utc::now().timestamp_millis() - 120_000;
    let lambda = |id: &str, t: i64| {
        vec![
            (t, format!("START RequestId: {id} Version: $LATEST\n")),
            (
                t + 1,
                format!(
                    "2026-11-25T09:00:00.000Z\t{id}\tINFO\tEvent: {}\n",
                    r#"{"version":"2.0","routeKey":"GET /pets","rawPath":"/pets","requestContext":{"requestId":"B=","http":{"method":"GET"}}}"#
                ),
            ),
            (t + 2, format!("END RequestId: {id}\n")),
            (
                t + 3,
                format!(
                    "REPORT RequestId: {id}\tDuration: 7.50 ms\tBilled Duration: 8 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 120.00 ms\t\n"
                ),
            ),
        ]
    };
    let mut lam = lambda(L1, t0);
    lam.extend(lambda(L2, t0 + 100));
    // The second invocation logged the event of request B=, whose access
    // line lacks the integration id: joined through the logged event.
    lam[5] = (
        t0 + 101,
        format!(
            "2026-11-25T09:00:00.000Z\t{L2}\tINFO\tEvent: {}\n",
            r#"{"version":"2.0","routeKey":"GET /pets","rawPath":"/pets","requestContext":{"requestId":"B=","http":{"method":"GET"}}}"#
        ),
    );
    lam[1] = (
        t0 + 1,
        format!("2026-11-25T09:00:00.000Z\t{L1}\tINFO\thandling\n"),
    );
    let access = vec![
        (t0 + 10, access_line("A=", L1, 200)),
        (t0 + 110, access_line("B=", "-", 200)),
        (
            t0 + 120,
            access_line("C=", "99999999-aaaa-4bbb-8ccc-000000000009", 502),
        ),
    ];
    let spec = serde_json::json!({
        "groups": {"/apigw/pets-prod": access, "/aws/lambda/pets": lam},
        "fn": FN_ARN,
        "dest": "arn:aws:logs:us-east-1:123456789012:log-group:/apigw/pets-prod",
        "format": RECOMMENDED_HTTP,
    });
    let out = moto.python(SEED, &[&spec.to_string()]);
    let v: Value = serde_json::from_str(out.trim()).expect("seed output");
    // The API as the inventory would load it, from what moto returned.
    let api = Api {
        id: v["apiId"].as_str().unwrap().into(),
        name: "pets".into(),
        protocol: Some(Protocol::Http),
        routes: vec![Route {
            route_key: "GET /pets".into(),
            integration: Some(Integration {
                integration_type: Some("AWS_PROXY".into()),
                uri: Some(v["uri"].as_str().unwrap().into()),
                payload_format_version: Some("2.0".into()),
                ..Default::default()
            }),
            ..Default::default()
        }],
        stages: vec![Stage {
            stage_name: "prod".into(),
            access_log_settings: Some(AccessLogSettings {
                destination_arn: Some(v["dest"].as_str().unwrap().into()),
                format: Some(v["format"].as_str().unwrap().into()),
            }),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    };
    Seeded { moto, api, t0 }
}

async fn source(moto: &support::Moto) -> Arc<dyn LogSource> {
    let conf = aws_config::defaults(BehaviorVersion::latest())
        .endpoint_url(moto.url())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("testing", "testing", None, None, "test"))
        .load()
        .await;
    gatescope::backends::aws::logs::logs_source(&conf)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filter_events_parsed_and_correlated() {
    let s = seed();
    let src = source(&s.moto).await;
    let targets = discover(&s.api, "prod", src.as_ref()).await.unwrap();
    assert_eq!(targets.access_group.as_deref(), Some("/apigw/pets-prod"));
    assert!(targets.advice.is_ok(), "{:?}", targets.advice);
    // moto has no such function: the default group name is used.
    assert_eq!(targets.lambda_groups(), vec!["/aws/lambda/pets"]);

    let got = fetch_window(
        src.as_ref(),
        &targets.all_groups(),
        s.t0 - 1000,
        None,
        None,
        usize::MAX,
    )
    .await;
    assert!(got.problems.is_empty(), "{:?}", got.problems);
    assert_eq!(got.events.len(), 11);
    let mut book = LogBook::new(&targets, 1000);
    book.ingest(&got.events);
    let recs = book.correlate_all();
    assert_eq!(recs.len(), 3);

    let a = &recs[0];
    assert_eq!(a.access.request_id.as_deref(), Some("A="));
    assert_eq!(a.matched_by, Some(MatchKey::IntegrationRequestId));
    assert_eq!(a.lambda_lines.len(), 4);
    let r = a.report.as_ref().unwrap();
    assert_eq!(
        (
            r.duration_ms,
            r.billed_ms,
            r.memory_mb,
            r.max_memory_mb,
            r.init_ms
        ),
        (Some(7.5), Some(8.0), Some(128), Some(64), Some(120.0))
    );
    assert!(
        a.event.as_ref().unwrap().reconstructed,
        "no logged event for A="
    );

    let b = &recs[1];
    assert_eq!(b.matched_by, Some(MatchKey::LoggedEvent));
    assert_eq!(b.lambda_request_id.as_deref(), Some(L2));
    assert!(
        !b.event.as_ref().unwrap().reconstructed,
        "B='s event was logged"
    );

    let c = &recs[2];
    assert!(c.unmatched);
    assert_eq!(c.access.status, Some(502));
    assert!(book.orphans().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn insights_rows_feed_the_same_pipeline() {
    let s = seed();
    let src = source(&s.moto).await;
    let targets = discover(&s.api, "prod", src.as_ref()).await.unwrap();
    let runner = InsightsRunner::new(src.clone(), InsightsConfig::default());
    let (_h, cancel) = tokio::sync::watch::channel(false);
    let now_s = chrono::Utc::now().timestamp();
    let out = runner
        .run(
            QueryRequest {
                log_groups: vec!["/apigw/pets-prod".into()],
                query: "fields @timestamp, @message, @log | sort @timestamp desc | limit 50".into(),
                start_s: now_s - 3600,
                end_s: now_s + 60,
                limit: Some(50),
            },
            None,
            cancel,
        )
        .await
        .unwrap();
    assert_eq!(out.rows.len(), 3, "{:?}", out.rows);
    let events = rows_to_events(&out.rows, "/apigw/pets-prod");
    assert_eq!(events.len(), 3);
    assert!(events.iter().all(|e| e.log_group == "/apigw/pets-prod"));
    let mut book = LogBook::new(&targets, 100);
    book.ingest(&events);
    let ids: Vec<_> = book
        .records()
        .filter_map(|r| r.request_id.clone())
        .collect();
    assert_eq!(ids, vec!["A=", "B=", "C="]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_tail_reaches_moto_without_the_host_prefix() {
    use futures::StreamExt;
    let s = seed();
    let src = source(&s.moto).await;
    let mut stream = src
        .live_tail(&["/aws/lambda/pets".to_string()], None)
        .await
        .expect("StartLiveTail against the endpoint override");
    let mut got = Vec::new();
    while let Ok(Some(batch)) = tokio::time::timeout(Duration::from_secs(10), stream.next()).await {
        got.extend(batch.expect("batch"));
    }
    // moto sends one batch of the existing events and closes.
    assert_eq!(got.len(), 8, "{got:?}");
    assert!(got.iter().all(|e| e.log_group == "/aws/lambda/pets"));
}

fn gatescope(moto: &support::Moto, args: &[&str]) -> (bool, String, String) {
    let home = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(support::gatescope_bin())
        .args(args)
        .envs(moto.env())
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// CloudWatch fields carry attacker-influenced text (paths, error strings):
/// ESC / BEL / CR / U+202E in the access log reach neither output raw.
#[test]
fn cli_logs_escapes_hostile_log_fields() {
    const HOSTILE: &str = "x\u{1b}[2J\u{7}\rover\u{202E}gnp";
    let moto = support::Moto::start();
    let t0 = chrono::Utc::now().timestamp_millis() - 60_000;
    let line = serde_json::json!({
        "requestId": "E=", "routeKey": HOSTILE, "method": "GET", "path": HOSTILE,
        "status": "502", "integrationStatus": "-", "integrationRequestId": "-",
        "integrationError": HOSTILE, "errorMessage": HOSTILE, "responseLatency": "1", "stage": "prod",
    })
    .to_string();
    let spec = serde_json::json!({
        "groups": {"/apigw/pets-prod": [[t0, line]], "/aws/lambda/pets": [[t0, format!("START RequestId: {HOSTILE}\n")]]},
        "fn": FN_ARN,
        "dest": "arn:aws:logs:us-east-1:123456789012:log-group:/apigw/pets-prod",
        "format": RECOMMENDED_HTTP,
    });
    let v: Value = serde_json::from_str(moto.python(SEED, &[&spec.to_string()]).trim()).unwrap();
    let id = v["apiId"].as_str().unwrap();
    for output in ["table", "json"] {
        let (ok, out, err) = gatescope(
            &moto,
            &[
                "logs", id, "--stage", "prod", "--since", "1h", "--output", output,
            ],
        );
        assert!(ok, "{err}");
        assert!(out.contains("502"), "{output}: {out}");
        for (stream, text) in [("stdout", &out), ("stderr", &err)] {
            let raw: Vec<char> = text
                .chars()
                .filter(|c| ['\u{1b}', '\u{7}', '\r', '\u{202E}'].contains(c))
                .collect();
            assert!(raw.is_empty(), "{output} {stream}: {raw:?} raw:\n{text}");
        }
        if output == "json" {
            let _: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        }
    }
}

#[test]
fn cli_logs_prints_correlated_json_and_table() {
    let s = seed();
    let (ok, out, err) = gatescope(
        &s.moto,
        &[
            "logs", &s.api.id, "--stage", "prod", "--since", "1h", "--output", "json",
        ],
    );
    assert!(ok, "{err}");
    let v: Vec<Value> = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(v.len(), 3);
    let a = &v[0];
    assert_eq!(a["requestId"], "A=");
    assert_eq!(a["routeKey"], "GET /pets");
    assert_eq!(a["status"], 200);
    assert_eq!(a["integrationStatus"], 200);
    assert_eq!(a["latencyMs"], 12.0);
    assert_eq!(a["lambdaRequestId"], L1);
    assert_eq!(a["lambda"]["lines"].as_array().unwrap().len(), 4);
    assert_eq!(a["lambda"]["report"]["durationMs"], 7.5);
    assert_eq!(a["lambda"]["report"]["billedMs"], 8.0);
    assert_eq!(a["lambda"]["report"]["memoryMb"], 128);
    assert_eq!(a["lambda"]["report"]["maxMemoryMb"], 64);
    assert_eq!(a["lambda"]["report"]["initMs"], 120.0);
    assert_eq!(a["event"]["reconstructed"], true);
    assert_eq!(v[1]["event"]["reconstructed"], false);
    assert_eq!(v[1]["matchedBy"], "loggedEvent");
    assert_eq!(v[2]["status"], 502);
    assert_eq!(v[2]["matched"], false);
    assert!(v[2]["errorMessage"].is_null());

    let (ok, out, err) = gatescope(
        &s.moto,
        &["logs", &s.api.id, "--stage", "prod", "--query", "recent"],
    );
    assert!(ok, "{err}");
    assert!(out.starts_with("TIME"), "{out}");
    assert_eq!(out.lines().count(), 4, "{out}");
    assert!(out.contains("502"), "{out}");
    assert!(
        out.contains("8ms/64MB cold") || out.contains("ms/64MB cold"),
        "{out}"
    );

    let (ok, _, err) = gatescope(&s.moto, &["logs", &s.api.id, "--stage", "nope"]);
    assert!(!ok);
    assert!(err.contains("prod"), "{err}");
}

#[test]
fn cli_logs_follow_streams_ndjson() {
    use std::io::BufRead;
    let s = seed();
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(support::gatescope_bin())
        .args([
            "logs", &s.api.id, "--stage", "prod", "--since", "1h", "--follow", "--output", "json",
        ])
        .envs(s.moto.env())
        .env("GATESCOPE_HOME", home.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            let _ = tx.send(line);
        }
    });
    let mut lines = Vec::new();
    while lines.len() < 3 {
        match rx.recv_timeout(Duration::from_secs(40)) {
            Ok(l) => lines.push(l),
            Err(_) => break,
        }
    }
    // Nothing more (no repeats from overlapping polls / re-sent live batches).
    while let Ok(l) = rx.recv_timeout(Duration::from_secs(4)) {
        lines.push(l);
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let ids: Vec<String> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap_or_else(|e| panic!("{e}: {l}"))["requestId"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(
        ids,
        vec!["A=", "B=", "C="],
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let first: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(first["lambda"]["lines"].as_array().unwrap().len(), 4);
}
