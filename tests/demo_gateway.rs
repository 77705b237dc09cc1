//! The demo gateway over real HTTP: the headless binary's scenarios answer as declared,
//! and every request leaves a correlated access-log record and Lambda lines in the
//! demo's log store (read through the `LogSource` trait of an in-process demo backend).

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gatescope::backends::Backend;
use gatescope::backends::demo::{self, Scenario};
use gatescope::backends::log_source::FilterRequest;
use serde_json::Value;

/// The headless gateway process, killed on drop.
struct Served {
    child: Child,
    scenarios: Vec<Scenario>,
    human: Vec<String>,
    /// Its data dir (the demo state file goes there, not into the user's).
    _home: tempfile::TempDir,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    // Quiet: background traffic would share the throttled routes' buckets.
    let mut child = Command::new(support::gatescope_bin())
        .args(["demo", "--serve", "--port", "0", "--quiet"])
        .env("GATESCOPE_HOME", home.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start gatescope demo --serve");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().expect("a first line").expect("utf-8");
    let v: Value = serde_json::from_str(&first).expect("the first line is one JSON object");
    for s in v["scenarios"].as_array().unwrap() {
        for key in [
            "name",
            "description",
            "method",
            "url",
            "headers",
            "body",
            "expectStatus",
        ] {
            assert!(s.get(key).is_some(), "scenario lacks {key}: {s}");
        }
    }
    let scenarios: Vec<Scenario> = serde_json::from_value(v["scenarios"].clone()).unwrap();
    // The human part: base URLs, issuer, state file, traffic, then a comment and a curl
    // line per scenario.
    let human: Vec<String> = lines
        .by_ref()
        .take(8 + 2 * scenarios.len())
        .map(|l| l.unwrap())
        .collect();
    Served {
        child,
        scenarios,
        human,
        _home: home,
    }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

struct Answer {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: String,
}

async fn send(c: &reqwest::Client, s: &Scenario) -> Answer {
    let mut last = None;
    for _ in 0..s.repeat {
        let method = reqwest::Method::from_bytes(s.method.as_bytes()).unwrap();
        let mut req = c.request(method, &s.url);
        for (k, v) in &s.headers {
            req = req.header(k, v);
        }
        if let Some(b) = &s.body {
            req = req.body(b.clone());
        }
        let resp = req
            .send()
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", s.name));
        last = Some(Answer {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body: resp.text().await.unwrap(),
        });
    }
    last.unwrap()
}

fn check(s: &Scenario, a: &Answer) {
    let ctx = format!("scenario {} ({} {})", s.name, s.method, s.url);
    assert_eq!(a.status, s.expect_status, "{ctx}: body {}", a.body);
    for (h, want) in &s.expect_headers {
        let got = a.headers.get(h).map(|v| v.to_str().unwrap().to_string());
        let got = got.unwrap_or_else(|| panic!("{ctx}: no {h} header in {:?}", a.headers));
        assert!(
            got.contains(want.as_str()),
            "{ctx}: {h}: {got:?} lacks {want:?}"
        );
    }
    for h in &s.absent_headers {
        assert!(
            a.headers.get(h).is_none(),
            "{ctx}: unexpected {h}: {:?}",
            a.headers.get(h)
        );
    }
    for want in &s.expect_body {
        assert!(
            a.body.contains(want.as_str()),
            "{ctx}: body {:?} lacks {want:?}",
            a.body
        );
    }
    // API Gateway's request id header is on every answer.
    let id = a
        .headers
        .get("apigw-requestid")
        .or_else(|| a.headers.get("x-amzn-requestid"));
    assert!(id.is_some(), "{ctx}: no request id header");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headless_binary_serves_every_scenario_as_declared() {
    let served = serve();
    assert!(served.scenarios.len() >= 20);
    let text = served.human.join("\n");
    assert!(text.contains("Ctrl-C"), "{text}");
    for s in &served.scenarios {
        assert!(
            text.contains(&demo::scenario_curl(s)),
            "no curl line for {}",
            s.name
        );
    }
    let c = client();
    for s in &served.scenarios {
        let a = send(&c, s).await;
        check(s, &a);
    }
}

/// Poll the log source until `pred` holds for the events of `group` that contain `needle`.
async fn wait_for_events(
    backend: &Backend,
    group: &str,
    needle: &str,
    pred: impl Fn(&[String]) -> bool,
) -> Vec<String> {
    let started = Instant::now();
    loop {
        let page = backend
            .logs
            .filter_events(FilterRequest {
                log_group: group.into(),
                filter_pattern: Some(format!("\"{needle}\"")),
                ..Default::default()
            })
            .await
            .unwrap();
        let msgs: Vec<String> = page.events.into_iter().map(|e| e.message).collect();
        if pred(&msgs) || started.elapsed() > Duration::from_secs(5) {
            return msgs;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_leaves_correlated_access_and_lambda_logs() {
    let (backend, gw) = demo::start(None).await.unwrap();
    assert!(backend.info.demo);
    let apis = backend.control.list_apis().await.unwrap();
    let c = client();
    let mut lambda_checked = 0;
    let mut exec_checked = 0;
    for s in gw.scenarios().to_vec() {
        let a = send(&c, &s).await;
        check(&s, &a);
        let rid = a
            .headers
            .get("apigw-requestid")
            .or_else(|| a.headers.get("x-amzn-requestid"))
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        let api = apis.iter().find(|x| x.id == s.api_id).unwrap();
        // Through the custom domain, the mapping names the stage.
        let mapped = s.headers.get("host").and_then(|host| {
            let d = api.domains.iter().find(|d| &d.domain_name == host)?;
            let first = s.url.splitn(4, '/').nth(3)?.split('/').next()?;
            let m = d.mappings.iter().find(|m| m.base_path == first)?;
            api.stage(m.stage.as_deref()?)
        });
        let stage = mapped.or_else(|| {
            api.stages.iter().find(|st| {
                st.invoke_url
                    .as_deref()
                    .is_some_and(|u| s.url.starts_with(u))
            })
        });
        let Some(stage) = stage else {
            // No stage took the request (the path lacks the stage segment, or no mapping
            // of the custom domain covers it): nothing to log to.
            assert!(
                ["no-stage-prefix", "domain-no-mapping"].contains(&s.name.as_str()),
                "{}",
                s.name
            );
            continue;
        };
        // REST stages with logging on also keep an execution log of the request.
        if stage.writes_execution_logs() {
            let group = format!("API-Gateway-Execution-Logs_{}/{}", api.id, stage.stage_name);
            let exec = wait_for_events(&backend, &group, &rid, |m| {
                m.iter()
                    .any(|l| l.contains("Method completed with status: "))
            })
            .await;
            let status = format!("({rid}) Method completed with status: {}", a.status);
            assert!(exec.iter().any(|l| l == &status), "{}: {exec:#?}", s.name);
            assert!(
                exec.iter()
                    .all(|l| !l.contains("gsdemo-") && !l.contains("Bearer allow")),
                "{}: a key or token reached the execution log: {exec:#?}",
                s.name
            );
            exec_checked += 1;
        }
        let group = stage
            .access_log_settings
            .as_ref()
            .unwrap()
            .log_group_name()
            .unwrap();
        let records = wait_for_events(&backend, &group, &rid, |m| !m.is_empty()).await;
        assert_eq!(records.len(), 1, "{}: one access record for {rid}", s.name);
        let rec: Value = serde_json::from_str(&records[0]).expect("access log is JSON");
        assert_eq!(rec["requestId"], rid.as_str());
        assert_eq!(rec["status"], a.status.to_string(), "{}", s.name);
        let lambda_id = rec["integrationRequestId"].as_str().unwrap();
        if lambda_id == "-" {
            continue;
        }
        // Find the function behind the matched route, and its log group.
        let route = api
            .routes
            .iter()
            .find(|r| {
                rec["routeKey"] == r.route_key.as_str()
                    || (rec["resourcePath"] == r.path().unwrap_or("")
                        && rec["method"] == r.method())
            })
            .unwrap_or_else(|| panic!("{}: no route for {rec}", s.name));
        let arn = route.integration.as_ref().unwrap().lambda_arn().unwrap();
        let lgroup = backend.logs.lambda_log_group(arn.as_str()).await.unwrap();
        let lines = wait_for_events(&backend, &lgroup, lambda_id, |m| {
            m.iter().any(|l| l.starts_with("REPORT"))
        })
        .await;
        let has = |p: &str| lines.iter().any(|l| l.starts_with(p));
        assert!(has("START RequestId: "), "{}: {lines:?}", s.name);
        assert!(has("END RequestId: "), "{}: {lines:?}", s.name);
        assert!(has("REPORT RequestId: "), "{}: {lines:?}", s.name);
        let event = lines
            .iter()
            .find(|l| l.contains("\tINFO\tEvent: "))
            .unwrap_or_else(|| panic!("{}: no Event line in {lines:?}", s.name));
        // The logged event carries API Gateway's request id: the second join key.
        assert!(event.contains(&rid), "{}: event lacks {rid}", s.name);
        lambda_checked += 1;
    }
    assert!(
        lambda_checked >= 12,
        "only {lambda_checked} scenarios reached a Lambda"
    );
    assert!(
        exec_checked >= 15,
        "only {exec_checked} scenarios left an execution log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn issuer_serves_discovery_and_jwks_and_insights_counts_requests() {
    let (backend, gw) = demo::start(None).await.unwrap();
    let c = client();
    let get_json = async |url: String| -> Value {
        let text = c.get(url).send().await.unwrap().text().await.unwrap();
        serde_json::from_str(&text).unwrap()
    };
    let disco = get_json(format!(
        "{}/.well-known/openid-configuration",
        gw.issuer_url()
    ))
    .await;
    assert_eq!(disco["issuer"], gw.issuer_url());
    let jwks = get_json(disco["jwks_uri"].as_str().unwrap().to_string()).await;
    assert_eq!(jwks["keys"][0]["alg"], "RS256");
    let tokens = demo::demo_tokens();
    let names: Vec<&str> = tokens.iter().map(|t| t.name.as_str()).collect();
    assert!(
        names.contains(&"valid") && names.contains(&"missing_scope"),
        "{names:?}"
    );

    let base = gw.base_url("demohttp01").unwrap().to_string();
    for path in ["/prod/orders", "/prod/orders", "/prod/report", "/prod/nope"] {
        c.get(format!("{base}{path}")).send().await.unwrap();
    }
    let now = chrono::Utc::now().timestamp();
    let id = backend
        .logs
        .start_query(gatescope::backends::log_source::QueryRequest {
            log_groups: vec!["/aws/apigateway/demo-orders-http/prod".into()],
            query: "stats count(*) as n by status | sort status".into(),
            start_s: now - 60,
            end_s: now + 60,
            limit: None,
        })
        .await
        .unwrap();
    let r = backend.logs.query_results(&id).await.unwrap();
    let rows: Vec<(String, String)> = r
        .rows
        .iter()
        .map(|row| (row[0].1.clone(), row[1].1.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("200".to_string(), "2".to_string()),
            ("404".to_string(), "1".to_string()),
            ("500".to_string(), "1".to_string())
        ]
    );
}
