//! `gatescope demo SUBCOMMAND` with and without a running `gatescope demo --serve`: one
//! demo, many clients (a command uses the running demo, else starts one and says so), a
//! stale state file is detected, the URL forms of `demo send`, the named tokens.

mod support;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

const STARTED: &str = "gatescope: note: no demo is running; started one for this command";

fn demo(home: &Path, args: &[&str]) -> Output {
    Command::new(support::gatescope_bin())
        .arg("demo")
        .args(args)
        .env("GATESCOPE_HOME", home)
        .stdin(Stdio::null())
        .output()
        .expect("gatescope runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `demo --serve`, its base URLs, killed on drop.
struct Serve {
    child: Child,
    first_line: Value,
}

fn serve(home: &Path, quiet: bool) -> Serve {
    let mut cmd = Command::new(support::gatescope_bin());
    cmd.args(["demo", "--serve"]);
    if quiet {
        cmd.arg("--quiet");
    }
    let mut child = cmd
        .env("GATESCOPE_HOME", home)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    std::thread::spawn(move || for _ in lines {});
    Serve {
        child,
        first_line: serde_json::from_str(&first).unwrap(),
    }
}

impl Serve {
    /// The base of an API's scenarios (`http://127.0.0.1:PORT`).
    fn base(&self, api: &str) -> String {
        let s = self.first_line["scenarios"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["apiId"] == api)
            .unwrap();
        let url = s["url"].as_str().unwrap();
        url.split('/').take(3).collect::<Vec<_>>().join("/")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn without_a_running_demo_each_subcommand_starts_one_and_says_so() {
    let home = tempfile::tempdir().unwrap();
    let cases: &[(&[&str], &str)] = &[
        (&["apis"], "demo-orders-http"),
        (&["inspect", "--output", "json"], "demohttp01"),
        (&["send", "GET", "/prod/orders"], "HTTP 200 OK"),
        (
            &[
                "send",
                "GET",
                "https://demorest01.execute-api.us-east-1.amazonaws.com/dev/report",
            ],
            "HTTP 502 Bad Gateway",
        ),
        (
            &["send", "GET", "/nope", "--api", "demo-orders-rest"],
            "HTTP 403 Forbidden",
        ),
        (
            &["send", "POST", "/prod/orders", "--auth", "jwt:expired"],
            "HTTP 401",
        ),
        (&["tokens"], "missing_scope"),
        (&["logs", "demohttp01", "--stage", "prod"], ""),
        (
            &["doctor", "demorest01", "GET", "/dev/report"],
            "MALFORMED_PROXY_RESPONSE",
        ),
    ];
    for (args, want) in cases {
        let o = demo(home.path(), args);
        let (out, err) = (text(&o.stdout), text(&o.stderr));
        assert!(err.starts_with(STARTED), "{args:?}: {err}");
        assert!(out.contains(want), "{args:?}: {out}\n{err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // History is per API id, not per port.
    let names: Vec<String> = std::fs::read_dir(home.path().join("data/history"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| n.starts_with("demo")), "{names:?}");
    // Bad targets: one line, exit 2.
    for (args, want) in [
        (&["send", "GET", "/staging/x"][..], "--api"),
        (
            &[
                "send",
                "GET",
                "https://abc.execute-api.eu-west-1.amazonaws.com/p",
            ],
            "never sends to AWS",
        ),
        (&["send", "GET", "/prod", "--api", "nope"], "demohttp01"),
    ] {
        let o = demo(home.path(), args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = text(&o.stderr);
        let last = err.lines().last().unwrap_or_default();
        assert!(
            last.starts_with("gatescope: ") && last.contains(want),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn with_a_running_demo_every_subcommand_uses_it() {
    let home = tempfile::tempdir().unwrap();
    let served = serve(home.path(), true);
    let http = served.base("demohttp01");
    let o = demo(home.path(), &["apis", "--output", "json"]);
    assert_eq!(text(&o.stderr), "", "no note: the running demo was found");
    let apis: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        apis[0]["endpoint"],
        http.as_str(),
        "the same ports as the served demo"
    );
    // Every URL form reaches the served demo; its logs (another process) show them.
    for url in [
        format!("{http}/prod/orders"),
        "/prod/orders/ord-1001".to_string(),
        "https://demohttp01.execute-api.us-east-1.amazonaws.com/prod/orders/ord-9999".into(),
    ] {
        let o = demo(home.path(), &["send", "GET", &url]);
        assert!(o.status.success(), "{url}: {}", text(&o.stderr));
        assert_eq!(text(&o.stderr), "", "{url}");
    }
    // Named tokens are the served demo's: valid creates, missing_scope is refused.
    let o = demo(home.path(), &["tokens", "--output", "json"]);
    let creds: Value = serde_json::from_slice(&o.stdout).unwrap();
    let names = |list: &str| -> Vec<String> {
        creds[list]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["name"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        names("tokens"),
        ["valid", "expired", "wrong_audience", "missing_scope"]
    );
    assert_eq!(names("apiKeys"), ["demo", "trial", "burst", "revoked"]);
    // Named API keys: the route requiring one answers 200 with `demo`, 403 without.
    for (auth, status) in [
        ("apikey:demo", "HTTP 200"),
        ("apikey:revoked", "HTTP 403"),
        ("none", "HTTP 403"),
    ] {
        let o = demo(
            home.path(),
            &["send", "GET", "/dev/partner/orders", "--auth", auth],
        );
        assert!(
            text(&o.stdout).starts_with(status),
            "{auth}: {}",
            text(&o.stdout)
        );
    }
    // The custom domain: a mapped path reaches the HTTP API, a repeated stage is the
    // doctor's CUSTOM_DOMAIN_STAGE_IN_PATH (not "no mapping": the mapping matched).
    let o = demo(
        home.path(),
        &[
            "send",
            "GET",
            "https://api.gatescope-demo.example/v2/orders",
        ],
    );
    assert!(
        text(&o.stdout).starts_with("HTTP 200") && text(&o.stdout).contains("ord-1001"),
        "{}",
        text(&o.stdout)
    );
    let o = demo(
        home.path(),
        &[
            "doctor",
            "demorest01",
            "GET",
            "https://api.gatescope-demo.example/v1/dev/orders",
            "--wait",
            "2s",
        ],
    );
    assert!(
        text(&o.stdout).contains("CUSTOM_DOMAIN_STAGE_IN_PATH")
            && !text(&o.stdout).contains("leave no access log"),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    for (auth, status) in [
        ("jwt:valid", "HTTP 201"),
        ("jwt:missing_scope", "HTTP 403"),
        ("jwt:wrong_audience", "HTTP 401"),
    ] {
        let o = demo(
            home.path(),
            &[
                "send",
                "POST",
                "/prod/orders",
                "--auth",
                auth,
                "-d",
                r#"{"item":"widget","quantity":2}"#,
            ],
        );
        assert!(
            text(&o.stdout).starts_with(status),
            "{auth}: {}",
            text(&o.stdout)
        );
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    let logs = loop {
        let o = demo(
            home.path(),
            &["logs", "demohttp01", "--stage", "prod", "--output", "json"],
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let out = text(&o.stdout);
        if out.contains("ord-9999") && out.contains("POST /orders") || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(logs.contains("/prod/orders/ord-9999"), "{logs}");
    assert!(logs.contains("POST /orders"), "{logs}");
    let o = demo(
        home.path(),
        &[
            "doctor",
            "demohttp01",
            "GET",
            "/prod/report",
            "--output",
            "json",
        ],
    );
    assert_eq!(text(&o.stderr), "");
    assert!(
        text(&o.stdout).contains("MALFORMED_PROXY_RESPONSE"),
        "{}",
        text(&o.stdout)
    );
    // History: one file per API id, whichever URL form was used.
    // The base file and its journal (a send appends a line there).
    let stored = |stem: &str| -> String {
        ["json", "jsonl"]
            .iter()
            .filter_map(|ext| {
                std::fs::read_to_string(home.path().join(format!("data/history/{stem}.{ext}"))).ok()
            })
            .collect()
    };
    let history = stored("demohttp01");
    assert!(history.contains("\"stage\":\"prod\""), "{history}");
    assert!(!history.contains("eyJ"), "a JWT reached the history file");
    let history = stored("demorest01");
    assert!(history.contains("\"authLabel\":\"demo\""), "{history}");
    assert!(
        !history.contains("gsdemo-"),
        "an API key reached the history file"
    );
}

#[test]
fn a_stale_state_file_is_detected_and_serve_cleans_up_after_itself() {
    let home = tempfile::tempdir().unwrap();
    let served = serve(home.path(), true);
    let state = home.path().join("data/demo.json");
    let deadline = Instant::now() + Duration::from_secs(20);
    while !state.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    let written = std::fs::read_to_string(&state).expect("serve publishes its state");
    // SIGTERM: the file goes with the demo.
    let pid = served.child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while state.exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(!state.exists(), "demo.json outlived the demo");
    drop(served);
    // A demo killed without cleaning up (SIGKILL) leaves the file: it is stale.
    std::fs::write(&state, &written).unwrap();
    let o = demo(home.path(), &["apis"]);
    let err = text(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("is gone") && err.contains("started one"),
        "{err}"
    );
    assert!(!state.exists(), "the stale file is removed");
}

#[test]
fn background_traffic_fills_the_logs_unless_quiet() {
    let home = tempfile::tempdir().unwrap();
    let _served = serve(home.path(), false);
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let o = demo(
            home.path(),
            &["logs", "demohttp01", "--stage", "prod", "--output", "json"],
        );
        let out = text(&o.stdout);
        // Failing and succeeding requests nobody here sent.
        if out.contains("\"status\": 200") && out.contains("\"status\": 500") {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no background traffic in the logs:\n{out}"
        );
        std::thread::sleep(Duration::from_millis(300));
    }
}

/// Issue 12: `cors --api` names the API in its fixes (it printed an `API_ID`
/// placeholder although the user gave the id).
#[test]
fn cors_api_fixes_name_the_api() {
    let home = tempfile::tempdir().unwrap();
    let out = demo(
        home.path(),
        &[
            "cors",
            "--api",
            "demohttp01",
            "--origin",
            "https://dashboard.example.org",
            "--output",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let fixes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["fix"].as_str())
        .collect();
    assert!(
        fixes.iter().any(|f| f.contains("--api-id demohttp01")),
        "{fixes:?}"
    );
    assert!(fixes.iter().all(|f| !f.contains("API_ID")), "{fixes:?}");
}

/// `demo authorizer --invoke`: the demo runs its authorizer function for real
/// (lambda:Invoke of the demo's Lambda) and the answer is evaluated.
#[test]
fn demo_authorizer_invoke_runs_the_demo_function() {
    let home = tempfile::tempdir().unwrap();
    let run = |token: &str| {
        let auth = format!("Authorization: Bearer {token}");
        let o = demo(
            home.path(),
            &[
                "authorizer",
                "demorest01",
                "GET",
                "/dev/me",
                "-H",
                &auth,
                "--invoke",
                "--output",
                "json",
            ],
        );
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}\n{}", text(&o.stdout), text(&o.stderr)));
        (o.status.code(), v)
    };
    let codes = |v: &Value| -> Vec<String> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    let (_, v) = run("allow-alice");
    assert_eq!(v["realCall"]["realCall"], "lambda:Invoke");
    assert!(
        v["realCall"]["function"]
            .as_str()
            .unwrap()
            .ends_with(":function:demo-authorizer"),
        "{v:#}"
    );
    assert_eq!(v["verdict"]["outcome"], "allow", "{v:#}");
    assert!(
        codes(&v).contains(&"AUTHORIZER_CACHED_POLICY_TOO_NARROW".to_string()),
        "{v:#}"
    );
    let (code, v) = run("deny-bob");
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"]["outcome"], "explicitDeny", "{v:#}");
    let (code, v) = run("who-knows");
    assert_eq!(code, Some(1));
    assert_eq!(v["verdict"]["status"], 401, "{v:#}");
    assert_eq!(codes(&v), ["AUTHORIZER_UNAUTHORIZED"]);
}

/// `demo usage` reads the serving demo's own counts (GetUsage through the control
/// port): three trial calls admitted and one refused leave 0 of the quota of 3; the
/// key sent (`--sent-key`) is matched inside the demo. Without a running demo the
/// command starts one, says so, and reports an untouched quota.
#[test]
fn demo_usage_reads_the_running_demos_quota() {
    let home = tempfile::tempdir().unwrap();
    let fresh = demo(
        home.path(),
        &[
            "usage",
            "demorest01",
            "--key-id",
            "demokey02",
            "--days",
            "1",
        ],
    );
    assert!(
        text(&fresh.stderr).contains(STARTED),
        "{}",
        text(&fresh.stderr)
    );
    assert!(
        text(&fresh.stdout).contains("3 of 3 requests per day left"),
        "{}{}",
        text(&fresh.stdout),
        text(&fresh.stderr)
    );

    let _served = serve(home.path(), true);
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let o = demo(
            home.path(),
            &[
                "send",
                "GET",
                "/dev/partner/orders",
                "--api",
                "demorest01",
                "--auth",
                "apikey:trial",
            ],
        );
        statuses.push(
            text(&o.stdout)
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        );
    }
    assert!(statuses[2].starts_with("HTTP 200"), "{statuses:?}");
    assert!(statuses[3].starts_with("HTTP 429"), "{statuses:?}");
    let o = demo(
        home.path(),
        &[
            "usage",
            "demorest01",
            "--key-id",
            "demokey02",
            "--days",
            "2",
            "--output",
            "json",
        ],
    );
    assert!(!text(&o.stderr).contains(STARTED), "{}", text(&o.stderr));
    let v: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}{}", text(&o.stdout), text(&o.stderr)));
    assert_eq!(v["usedLastDay"], 3, "{v}");
    assert_eq!(v["remaining"], 0, "{v}");
    assert_eq!(v["usage"]["days"].as_array().unwrap().len(), 2, "{v}");

    // The value sent is compared inside the demo; only the id and name come back.
    let keys: Value =
        serde_json::from_slice(&demo(home.path(), &["tokens", "--output", "json"]).stdout).unwrap();
    let trial = keys["apiKeys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["name"] == "trial")
        .unwrap()["value"]
        .as_str()
        .unwrap()
        .to_string();
    let o = Command::new(support::gatescope_bin())
        .args(["demo", "usage", "demorest01", "--sent-key", "--days", "1"])
        .env("GATESCOPE_HOME", home.path())
        .env("GATESCOPE_API_KEY", &trial)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let out = text(&o.stdout);
    assert!(
        out.contains("demokey02 (trial)"),
        "{out}{}",
        text(&o.stderr)
    );
    assert!(out.contains("used        3"), "{out}");
    assert!(!out.contains(&trial), "the key's value was printed: {out}");
}
