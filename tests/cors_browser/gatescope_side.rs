//! gatescope's side: `gatescope cors` on what the user knows, and the live probe
//! against the gateway, each as a verdict in the browser's vocabulary.

use std::path::Path;
use std::process::Command;

use gatescope::backends::http::{Sender, probe};
use gatescope::domain::{HttpRequest, Severity};
use serde_json::Value;

use super::browser::Verdict;
use super::cases::{Api, Case};
use super::gateway::{fill_value, headers_of, id};

/// gatescope's first error finding → what it blames (same vocabulary as [`browser_blame`]).
pub(crate) fn gatescope_blame(code: &str, title: &str) -> String {
    let stage = if title.contains("preflight") {
        "preflight"
    } else {
        "response"
    };
    // The request header / method the title names (`... header field x-foo is ...`).
    let named = |after: &str| -> String {
        title
            .split(after)
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    match code {
        "CORS_PREFLIGHT_STATUS" => "preflight status".into(),
        // Nothing answers OPTIONS: API Gateway's own 403 (REST) / 404 (HTTP API) carries no
        // Access-Control-Allow-Origin, and that is what the browser names first.
        "CORS_NO_PREFLIGHT_ROUTE" => "access-control-allow-origin: absent (preflight)".into(),
        "CORS_HEADER_NOT_ALLOWED" => {
            format!("access-control-allow-headers ({})", named("header field "))
        }
        "CORS_METHOD_NOT_ALLOWED" => format!("access-control-allow-methods ({})", named("Method ")),
        "CORS_CREDENTIALS_NOT_ALLOWED" => format!("access-control-allow-credentials ({stage})"),
        "CORS_CREDENTIALS_WITH_WILDCARD" => {
            format!("access-control-allow-origin: * with credentials ({stage})")
        }
        "CORS_MULTIPLE_ORIGINS" => format!("access-control-allow-origin: several values ({stage})"),
        "CORS_ORIGIN_MISMATCH" => format!("access-control-allow-origin: another origin ({stage})"),
        "CORS_ORIGIN_NOT_ALLOWED" => format!("access-control-allow-origin: absent ({stage})"),
        other => format!("UNEXPECTED CODE {other}: {title}"),
    }
}

pub(crate) fn first_error(
    findings: &[(String, String, String)],
) -> Option<&(String, String, String)> {
    findings.iter().find(|(_, sev, _)| sev == "error")
}

/// `gatescope cors` on what the user knows: the CorsConfiguration (HTTP API), or the
/// function's headers and the OPTIONS answer (REST, HTTP API without configuration).
pub(crate) fn cli_verdict(c: &Case, page: &str, dir: &Path, i: usize) -> (Verdict, Vec<String>) {
    let config = dir.join(format!("{}.json", id(i)));
    let mut args: Vec<String> = vec![
        "cors".into(),
        "--origin".into(),
        page.into(),
        "--method".into(),
        c.method.into(),
    ];
    // A text/plain content type is CORS-safelisted: the page's script sets no other header.
    let names: Vec<&str> = c
        .headers
        .iter()
        .filter(|(k, v)| !(*k == "content-type" && *v == "text/plain"))
        .map(|(k, _)| *k)
        .collect();
    if !names.is_empty() {
        args.push("--headers".into());
        args.push(names.join(","));
    }
    if c.credentials {
        args.push("--credentials".into());
    }
    if let Some(r) = c.read {
        args.push("--read-header".into());
        args.push(r.into());
    }
    // The CLI never sees the status: only headers decide a CORS verdict.
    let (cfg, function, options) = match &c.api {
        Api::Http { cors, function } => (
            cors.as_ref()
                .map(|v| fill_value(v, page))
                .unwrap_or(Value::Null),
            *function,
            None,
        ),
        Api::Rest {
            function, options, ..
        } => (Value::Null, *function, *options),
    };
    std::fs::write(&config, cfg.to_string()).unwrap();
    args.push("--config".into());
    args.push(config.display().to_string());
    for (k, v) in headers_of(function, page) {
        args.push("--response-header".into());
        args.push(format!("{k}: {v}"));
    }
    args.push("--response-header".into());
    args.push("x-request-id: req-1".into());
    if let Some(o) = options {
        for (k, v) in headers_of(o, page) {
            args.push("--preflight-header".into());
            args.push(format!("{k}: {v}"));
        }
    }
    args.push("--output".into());
    args.push("json".into());
    let out = Command::new(env!("CARGO_BIN_EXE_gatescope"))
        .args(&args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run gatescope cors");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: gatescope cors {args:?} printed no JSON ({e}):\n{}\n{}",
            c.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let allowed = v["allowed"].as_bool().unwrap();
    assert_eq!(
        out.status.code(),
        Some(if allowed { 0 } else { 1 }),
        "{}: exit code of gatescope cors",
        c.name
    );
    let findings: Vec<(String, String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["code"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_ascii_lowercase(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let codes = findings.iter().map(|f| f.0.clone()).collect();
    let blame = (!allowed).then(|| match first_error(&findings) {
        Some((code, _, title)) => gatescope_blame(code, title),
        None => "BLOCKED WITHOUT AN ERROR FINDING".into(),
    });
    let read_visible = (allowed && c.read.is_some())
        .then(|| !findings.iter().any(|f| f.0 == "CORS_HEADER_NOT_EXPOSED"));
    (
        Verdict {
            allowed,
            blame,
            read_visible,
        },
        codes,
    )
}

/// The live probe (`o` on the response page, `gatescope send --preflight`) against the
/// gateway: the preflight a browser sends, then the request with its Origin.
pub(crate) async fn probe_verdict(c: &Case, url: &str, page: &str, sender: &Sender) -> Verdict {
    let mut req = HttpRequest::new(c.method, url.to_string());
    for (k, v) in c.headers {
        req.headers.push((k.to_string(), v.to_string()));
    }
    if c.credentials {
        // What makes the probe (and the doctor) evaluate a credentialed request.
        req.headers.push(("cookie".into(), "session=1".into()));
    }
    req.headers.push(("origin".into(), page.to_string()));
    let p = probe(sender, &req, Some(&req), page)
        .await
        .expect("probe the gateway");
    assert_eq!(
        p.origin, page,
        "{}: the probe evaluated another origin",
        c.name
    );
    let blame = (!p.verdict.allowed).then(|| {
        match p
            .verdict
            .findings
            .iter()
            .find(|f| f.severity == Severity::Error)
        {
            Some(f) => gatescope_blame(f.code.as_str(), &f.title),
            None => "BLOCKED WITHOUT AN ERROR FINDING".into(),
        }
    });
    Verdict {
        allowed: p.verdict.allowed,
        blame,
        // The probe does not know what the page reads.
        read_visible: None,
    }
}
