//! Sending against a real local HTTP server (axum) that records exactly what
//! arrived, through the library and through the `gatescope send` binary;
//! and a signed + JWT + API-key session whose files must hold no secret.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, Method, Response, Uri};
use gatescope::backends::http::{AuthContext, SendError, SendOptions, Sender, prepare, probe};
use gatescope::domain::{AuthMode, ContentType, Field, RequestDraft};
use gatescope::engines::compose;

#[derive(Debug, Clone)]
struct Seen {
    method: String,
    /// Path and query exactly as received.
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

type Log = Arc<Mutex<Vec<Seen>>>;

async fn handler(
    log: Log,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response<Body> {
    log.lock().unwrap().push(Seen {
        method: method.to_string(),
        target: uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        headers: headers
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect(),
        body: body.to_vec(),
    });
    let path = uri.path();
    let mut resp = Response::builder();
    if method == Method::OPTIONS {
        let allow = path.starts_with("/cors-ok");
        resp = resp.status(204);
        if allow {
            resp = resp
                .header("access-control-allow-origin", "https://app.example")
                .header("access-control-allow-methods", "GET,PUT")
                .header("access-control-allow-headers", "content-type,x-custom");
        }
        return resp.body(Body::empty()).unwrap();
    }
    match path {
        "/big" => {
            // 3 MiB in 64 KiB chunks, streamed.
            let chunks =
                (0..48).map(|_| Ok::<_, std::io::Error>(Bytes::from(vec![b'x'; 64 * 1024])));
            resp.body(Body::from_stream(futures::stream::iter(chunks)))
                .unwrap()
        }
        "/slow" => {
            tokio::time::sleep(Duration::from_secs(10)).await;
            resp.body(Body::empty()).unwrap()
        }
        "/bin" => resp
            .header("content-type", "application/octet-stream")
            .body(Body::from(vec![0u8, 0x9f, 0x92, 0x96, 0xff]))
            .unwrap(),
        _ => resp
            .status(if path.starts_with("/cors") { 200 } else { 201 })
            .header("content-type", "application/json")
            .header("apigw-requestid", "Ab1cDEfGhI=")
            .header("Set-Cookie", "a=1")
            .header("x-amzn-ErrorType", "none")
            .header("set-cookie", "b=2")
            .header("access-control-allow-origin", "https://app.example")
            .body(Body::from(r#"{"ok":true,"n":[1,2]}"#))
            .unwrap(),
    }
}

/// A recording server on its own thread and runtime (so the binary can use it too).
struct Server {
    url: String,
    log: Log,
}

impl Server {
    fn start() -> Server {
        let log: Log = Arc::default();
        let (tx, rx) = std::sync::mpsc::channel();
        let l = log.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                let app = axum::Router::new().fallback(
                    move |m: Method, u: Uri, h: HeaderMap, b: Bytes| handler(l.clone(), m, u, h, b),
                );
                axum::serve(listener, app).await.unwrap();
            });
        });
        let addr = rx.recv().unwrap();
        Server {
            url: format!("http://{addr}"),
            log,
        }
    }

    fn seen(&self) -> Vec<Seen> {
        self.log.lock().unwrap().clone()
    }

    fn last(&self) -> Seen {
        self.seen().pop().expect("the server saw a request")
    }
}

fn header<'a>(seen: &'a Seen, name: &str) -> Option<&'a str> {
    seen.headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn creds() -> SharedCredentialsProvider {
    SharedCredentialsProvider::new(Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        Some("SessionTokenValue123".into()),
        None,
        "test",
    ))
}

#[tokio::test(flavor = "multi_thread")]
async fn a_signed_route_request_arrives_exactly_as_composed() {
    let server = Server::start();
    let draft = RequestDraft {
        method: "PUT".into(),
        base_url: format!("{}/prod", server.url),
        path: "/u/{name}/f/{proxy+}".into(),
        path_params: vec![
            Field::new("name", "a/b c"),
            Field::new("proxy", "dir one/ü/x.txt"),
        ],
        query: vec![
            Field::new("q", "x y+z"),
            Field::new("q", "2"),
            Field::new("e", "é"),
        ],
        headers: vec![
            Field::new("X-Custom", "v1"),
            Field::new("x-multi", "1"),
            Field::new("X-Multi", "2"),
        ],
        content_type: ContentType::Json,
        body: br#"{"k": "v"}"#.to_vec(),
        auth: AuthMode::Sigv4 {
            region: Some("eu-west-1".into()),
        },
        ..Default::default()
    };
    let req = compose::build(&draft).unwrap();
    let p = creds();
    let ctx = AuthContext {
        credentials: Some(&p),
        ..Default::default()
    };
    let prepared = prepare(req, &draft.auth, &ctx).await.unwrap();
    assert!(prepared.signing.as_ref().unwrap().verified);
    let sender = Sender::new(SendOptions::default()).unwrap();
    let resp = sender.send(&prepared.request).await.unwrap();

    let seen = server.last();
    assert_eq!(seen.method, "PUT");
    assert_eq!(
        seen.target,
        "/prod/u/a%2Fb%20c/f/dir%20one/%C3%BC/x.txt?q=x%20y%2Bz&q=2&e=%C3%A9"
    );
    assert_eq!(seen.body, br#"{"k": "v"}"#);
    assert_eq!(header(&seen, "content-type"), Some("application/json"));
    assert_eq!(header(&seen, "x-custom"), Some("v1"));
    let multi: Vec<&str> = seen
        .headers
        .iter()
        .filter(|(k, _)| k == "x-multi")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(multi, ["1", "2"]);
    assert_eq!(
        header(&seen, "x-amz-security-token"),
        Some("SessionTokenValue123")
    );
    assert_eq!(
        header(&seen, "x-amz-date"),
        prepared.request.header("x-amz-date")
    );
    let auth = header(&seen, "authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/"),
        "{auth}"
    );
    assert!(auth.contains("/eu-west-1/execute-api/aws4_request"));
    assert!(
        auth.contains(
            "SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-custom;x-multi"
        ),
        "{auth}"
    );

    assert_eq!(resp.status, 201);
    assert_eq!(resp.body, br#"{"ok":true,"n":[1,2]}"#);
    assert_eq!(resp.request_id(), Some("Ab1cDEfGhI="));
    let names: Vec<&str> = resp.headers.iter().map(|(k, _)| k.as_str()).collect();
    assert!(names.iter().all(|n| *n == n.to_ascii_lowercase()));
    let cookies: Vec<&str> = resp
        .headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(cookies, ["a=1", "b=2"]);
    assert!(resp.timing.total_ms >= resp.timing.first_byte_ms.unwrap());
    let connect = resp.timing.connect_ms.expect("a fresh connection is timed");
    assert!(connect <= resp.timing.first_byte_ms.unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn big_bodies_are_capped_but_counted() {
    let server = Server::start();
    let sender = Sender::new(SendOptions {
        body_cap: 1024 * 1024,
        ..Default::default()
    })
    .unwrap();
    let req =
        compose::build(&compose::draft_from_url("GET", &format!("{}/big", server.url)).unwrap())
            .unwrap();
    let resp = sender.send(&req).await.unwrap();
    assert!(resp.truncated);
    assert_eq!(resp.body.len(), 1024 * 1024);
    assert_eq!(resp.body_size, 3 * 1024 * 1024);
}

#[tokio::test(flavor = "multi_thread")]
async fn timeouts_cancellation_and_refused_connections_are_reported() {
    let server = Server::start();
    let slow =
        compose::build(&compose::draft_from_url("GET", &format!("{}/slow", server.url)).unwrap())
            .unwrap();
    let sender = Sender::new(SendOptions {
        timeout: Duration::from_millis(300),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(
        sender.send(&slow).await.unwrap_err(),
        SendError::TimedOut(Duration::from_millis(300))
    );

    let patient = Sender::new(SendOptions::default()).unwrap();
    let handle = patient.spawn(slow.clone());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = std::time::Instant::now();
    handle.cancel();
    assert_eq!(handle.outcome().await.unwrap_err(), SendError::Cancelled);
    assert!(started.elapsed() < Duration::from_secs(2));

    let port = support::free_port();
    let refused = compose::build(
        &compose::draft_from_url("GET", &format!("http://127.0.0.1:{port}/")).unwrap(),
    )
    .unwrap();
    match patient.send(&refused).await.unwrap_err() {
        SendError::Failed(e) => {
            assert!(e.message.contains("127.0.0.1"), "{e}");
            assert!(e.fix.is_some());
        }
        other => panic!("expected a network failure, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_cors_probe_sends_the_browser_preflight_and_judges_it() {
    let server = Server::start();
    let sender = Sender::new(SendOptions::default()).unwrap();
    let mut req = compose::build(
        &compose::draft_from_url("PUT", &format!("{}/cors-ok/x", server.url)).unwrap(),
    )
    .unwrap();
    req.headers
        .push(("Content-Type".into(), "application/json".into()));
    req.headers.push(("X-Custom".into(), "1".into()));
    let ok = probe(&sender, &req, Some(&req), "https://app.example")
        .await
        .unwrap();
    assert!(ok.verdict.allowed, "{:?}", ok.verdict.findings);
    let seen = server.seen();
    let pre = &seen[seen.len() - 2];
    assert_eq!(pre.method, "OPTIONS");
    assert_eq!(header(pre, "origin"), Some("https://app.example"));
    assert_eq!(header(pre, "access-control-request-method"), Some("PUT"));
    assert_eq!(
        header(pre, "access-control-request-headers"),
        Some("content-type,x-custom")
    );
    assert_eq!(
        header(&seen[seen.len() - 1], "origin"),
        Some("https://app.example")
    );

    let mut blocked_req = req.clone();
    blocked_req.url = format!("{}/cors-no/x", server.url);
    let blocked = probe(
        &sender,
        &blocked_req,
        Some(&blocked_req),
        "https://app.example",
    )
    .await
    .unwrap();
    assert!(!blocked.verdict.allowed);
    assert!(
        blocked.actual_response.is_none(),
        "a failed preflight stops the browser"
    );
    assert!(!blocked.verdict.findings.is_empty());
}

fn gatescope(home: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(support::gatescope_bin());
    cmd.args(args)
        .env("GATESCOPE_HOME", home)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "AWS_PROFILE",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_REGION",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn the_cli_prints_one_json_object_and_records_history() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    let body = home.path().join("body.json");
    std::fs::write(&body, br#"{"from": "file"}"#).unwrap();
    let url = format!("{}/items?x=1", server.url);
    let out = gatescope(
        home.path(),
        &[
            "send",
            "POST",
            &url,
            "-H",
            "X-One: 1",
            "-d",
            &format!("@{}", body.display()),
            "--output",
            "json",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["status"], 201);
    assert_eq!(v["headers"]["content-type"], "application/json");
    assert_eq!(
        v["headers"]["set-cookie"],
        serde_json::json!(["a=1", "b=2"])
    );
    assert_eq!(v["body"], r#"{"ok":true,"n":[1,2]}"#);
    assert!(v.get("bodyEncoding").is_none());
    assert!(v["timing"]["totalMs"].as_f64().unwrap() > 0.0);
    assert_eq!(v["requestId"], "Ab1cDEfGhI=");
    let seen = server.last();
    assert_eq!(seen.body, br#"{"from": "file"}"#);
    assert_eq!(header(&seen, "content-type"), Some("application/json"));
    assert_eq!(header(&seen, "x-one"), Some("1"));

    let out = gatescope(
        home.path(),
        &[
            "send",
            "GET",
            &format!("{}/bin", server.url),
            "--output",
            "json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["bodyEncoding"], "base64");
    assert_eq!(v["body"], "AJ+Slv8=");

    let history = std::fs::read_dir(home.path().join("data/history"))
        .unwrap()
        .filter(|e| {
            // Each history has a `.json.lock` beside it (the writers'
            // lock); its newest entries are lines of its journal (`.jsonl`).
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".jsonl")
        })
        .count();
    assert_eq!(history, 1, "both sends go to the same host's history");
    let err = gatescope(home.path(), &["send", "GET", "ftp://x/"], &[]);
    assert_eq!(err.status.code(), Some(2));
    let line = String::from_utf8_lossy(&err.stderr);
    assert!(
        line.starts_with("gatescope: ") && line.trim().lines().count() == 1,
        "{line}"
    );
}

#[test]
fn a_json_file_that_is_not_json_is_sent_with_a_warning() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    let body = home.path().join("bad.json");
    std::fs::write(&body, br#"{"item": "widget",}"#).unwrap();
    let url = format!("{}/items", server.url);
    let data = format!("@{}", body.display());
    let out = gatescope(
        home.path(),
        &[
            "send",
            "POST",
            &url,
            "-d",
            &data,
            "--output",
            "json",
            "--no-history",
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let warnings = v["warnings"].to_string();
    assert!(warnings.contains("not valid JSON"), "{warnings}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: the body is sent as JSON but is not valid JSON"),
        "{stderr}"
    );
    // Durations are rounded to 0.1 ms.
    let total = v["timing"]["totalMs"].as_f64().unwrap();
    assert_eq!((total * 10.0).round() / 10.0, total, "{total}");
    // Sent anyway, as typed.
    assert_eq!(server.last().body, br#"{"item": "widget",}"#);
    let out = gatescope(
        home.path(),
        &["send", "POST", &url, "-d", &data, "--no-history"],
        &[],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("not valid JSON"),
        "text output warns too: {stderr}"
    );
}

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[test]
fn no_secret_reaches_any_file_gatescope_writes() {
    let server = Server::start();
    let home = tempfile::tempdir().unwrap();
    let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjF9.c2lnbmF0dXJlLXZhbHVl";
    let api_key = "ApiKeyValue-7b1f9c";
    let (ak, sk, token) = (
        "AKIAQWERTYUIOPASDFGH",
        "SecretAccessKeyValue/abc+def",
        "SessionTokenValue/xyz+123=",
    );
    let aws = [
        ("AWS_ACCESS_KEY_ID", ak),
        ("AWS_SECRET_ACCESS_KEY", sk),
        ("AWS_SESSION_TOKEN", token),
    ];
    let url = format!("{}/items?page=1&access_token={jwt}", server.url);
    // A JWT is recognised anywhere; the session token is known to the signer.
    let body = format!(r#"{{"token": "{jwt}", "echo": "{token}"}}"#);
    let runs: Vec<Vec<String>> = vec![
        vec![
            "--auth".into(),
            "sigv4:eu-west-1".into(),
            "-d".into(),
            body.clone(),
        ],
        vec![
            "--auth".into(),
            format!("jwt:{jwt}"),
            "-H".into(),
            "Cookie: session=CookieSecret99".into(),
        ],
        vec![
            "--auth".into(),
            format!("apikey:{api_key}"),
            "--output".into(),
            "json".into(),
        ],
        vec![
            "--auth".into(),
            "sigv4:eu-west-1".into(),
            "--as".into(),
            "curl".into(),
        ],
        vec![
            "--auth".into(),
            format!("jwt:{jwt}"),
            "--as".into(),
            "httpie".into(),
        ],
        vec![
            "--auth".into(),
            format!("apikey:{api_key}"),
            "--as".into(),
            "awscurl".into(),
        ],
    ];
    let mut signatures = BTreeSet::new();
    for extra in &runs {
        let mut args = vec!["send", "POST", url.as_str()];
        args.extend(extra.iter().map(String::as_str));
        let out = gatescope(home.path(), &args, &aws);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let printed = String::from_utf8_lossy(&out.stdout);
        if extra.contains(&"--as".to_string()) {
            // Exports refer to the environment, never to the values (the
            // JWT the user put in the URL stays in the URL, and only there).
            for secret in [ak, sk, token, api_key] {
                assert!(
                    !printed.contains(secret),
                    "{args:?} printed a secret: {printed}"
                );
            }
            assert_eq!(printed.matches(jwt).count(), 1, "{printed}");
        }
    }
    for seen in server.seen() {
        if let Some(a) = header(&seen, "authorization")
            && let Some(sig) = a.split("Signature=").nth(1)
        {
            signatures.insert(sig.to_string());
        }
    }
    assert_eq!(signatures.len(), 1, "the signed run reached the server");
    assert_eq!(server.seen().len(), 3, "exports send nothing");

    let written = files(home.path());
    assert!(!written.is_empty(), "history was written");
    let mut secrets: Vec<&str> = vec![ak, sk, token, jwt, api_key, "CookieSecret99"];
    secrets.extend(signatures.iter().map(String::as_str));
    for file in &written {
        let text = String::from_utf8_lossy(&std::fs::read(file).unwrap()).into_owned();
        for secret in &secrets {
            assert!(
                !text.contains(secret),
                "{} contains {secret}",
                file.display()
            );
        }
        // Also not percent-encoded (URLs) or JSON-escaped (`/` as `\/`).
        for secret in [sk, token] {
            let enc = secret
                .replace('/', "%2F")
                .replace('+', "%2B")
                .replace('=', "%3D");
            assert!(
                !text.contains(&enc),
                "{} contains an encoded secret",
                file.display()
            );
        }
    }
}
