//! Chromium's side: the page that fetches every case, its server, the headless run,
//! and the verdict read back from the DOM and the console.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::cases::Case;

/// The page: every case's fetch in turn, each outcome a `RESULT` line in the DOM.
pub(crate) fn page_html(cases: &[Case], urls: &[String]) -> String {
    let list: Vec<Value> = cases
        .iter()
        .zip(urls)
        .map(|(c, url)| {
            let mut init = json!({"method": c.method, "credentials": if c.credentials { "include" } else { "same-origin" }});
            if !c.headers.is_empty() {
                init["headers"] = Value::Object(c.headers.iter().map(|(k, v)| (k.to_string(), json!(v))).collect());
            }
            if c.method == "POST" || c.method == "PUT" || c.method == "PATCH" {
                init["body"] = json!("{}");
            }
            json!({"name": c.name, "url": url, "init": init, "read": c.read})
        })
        .collect();
    format!(
        r#"<!doctype html><html><head><title>cors oracle</title></head><body><pre id="out"></pre><script>
const cases = {};
const out = document.getElementById("out");
(async () => {{
  for (const c of cases) {{
    try {{
      const r = await fetch(c.url, c.init);
      const read = c.read ? JSON.stringify(r.headers.get(c.read)) : "-";
      out.textContent += "RESULT " + c.name + " allowed " + r.status + " " + read + "\n";
    }} catch (e) {{
      out.textContent += "RESULT " + c.name + " blocked 0 -\n";
    }}
  }}
  out.textContent += "ALL-DONE\n";
}})();
</script></body></html>"#,
        serde_json::to_string(&list).unwrap()
    )
}

/// Serve `html` at `/` on `listener` (a loopback port: another origin than every API's).
pub(crate) fn serve_page(listener: TcpListener, html: String) {
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut buf = [0u8; 4096];
            let n = s.read(&mut buf).unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]);
            let (status, body) = if head.starts_with("GET / ") {
                ("200 OK", html.as_str())
            } else {
                ("404 Not Found", "")
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status}\r\ncontent-type: text/html; charset=utf-8\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
}

/// What Chromium did with the page: its DOM after the fetches, and its console log.
pub(crate) fn run_chromium(url: &str, profile: &Path) -> (String, String) {
    let bin = std::env::var("GATESCOPE_CHROMIUM").unwrap_or_else(|_| "chromium".into());
    let mut child = Command::new(&bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=30000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("cannot start headless Chromium ({bin}): {e}. Install it (`apt-get install -y chromium`) or set GATESCOPE_CHROMIUM; this test never skips")
        });
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            let (dom, log) = (out.join().unwrap(), err.join().unwrap());
            assert!(
                status.success() && dom.contains("ALL-DONE"),
                "headless Chromium did not run the page (exit {status}):\n--- DOM\n{dom}\n--- stderr\n{log}"
            );
            return (dom, log);
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("headless Chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A verdict, as the browser or gatescope gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    pub(crate) allowed: bool,
    /// What is blamed when blocked: the header (`access-control-allow-origin`, ...) or
    /// `preflight status`; with the stage (`preflight` / `response`) for origin checks
    /// and the request header or method named, when any.
    pub(crate) blame: Option<String>,
    /// Whether the read response header was visible (`None`: nothing read).
    pub(crate) read_visible: Option<bool>,
}

/// Chromium's console reason → what it blames.
pub(crate) fn browser_blame(reason: &str) -> String {
    let stage = if reason.contains("Response to preflight request")
        || reason.contains("in preflight response")
    {
        "preflight"
    } else {
        "response"
    };
    let quoted = |after: &str| -> String {
        reason
            .split(after)
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or("")
            .to_ascii_lowercase()
    };
    if reason.contains("does not have HTTP ok status") {
        "preflight status".into()
    } else if reason.contains("Request header field") {
        format!(
            "access-control-allow-headers ({})",
            quoted("Request header field ")
        )
    } else if reason.contains("is not allowed by Access-Control-Allow-Methods") {
        format!("access-control-allow-methods ({})", quoted("Method "))
    } else if reason.contains("'Access-Control-Allow-Credentials'") {
        format!("access-control-allow-credentials ({stage})")
    } else if reason.contains("must not be the wildcard '*'") {
        format!("access-control-allow-origin: * with credentials ({stage})")
    } else if reason.contains("contains multiple values") {
        format!("access-control-allow-origin: several values ({stage})")
    } else if reason.contains("that is not equal to the supplied origin") {
        format!("access-control-allow-origin: another origin ({stage})")
    } else if reason.contains("No 'Access-Control-Allow-Origin' header is present") {
        format!("access-control-allow-origin: absent ({stage})")
    } else {
        format!("UNRECOGNISED: {reason}")
    }
}

/// The browser's verdict per case name.
pub(crate) fn browser_verdicts(
    cases: &[Case],
    urls: &[String],
    dom: &str,
    log: &str,
) -> BTreeMap<&'static str, Verdict> {
    // `"Access to fetch at 'URL' from origin 'O' has been blocked by CORS policy: REASON", source: ...`
    let mut reasons: BTreeMap<String, String> = BTreeMap::new();
    for line in log.lines() {
        let Some(rest) = line.split("Access to fetch at '").nth(1) else {
            continue;
        };
        let Some((url, tail)) = rest.split_once('\'') else {
            continue;
        };
        let Some(reason) = tail.split("blocked by CORS policy: ").nth(1) else {
            continue;
        };
        let reason = reason.split("\", source:").next().unwrap_or(reason);
        reasons.insert(url.to_string(), reason.to_string());
    }
    let mut out = BTreeMap::new();
    for (c, url) in cases.iter().zip(urls) {
        let tag = format!("RESULT {} ", c.name);
        let line = dom
            .lines()
            .find_map(|l| l.find(&tag).map(|at| &l[at..]))
            .unwrap_or_else(|| panic!("no result for {} in the DOM:\n{dom}", c.name));
        let parts: Vec<&str> = line.split(' ').collect();
        let allowed = parts[2] == "allowed";
        let read = parts[4..].join(" ");
        let blame = (!allowed).then(|| {
            let reason = reasons.get(url).unwrap_or_else(|| {
                panic!(
                    "{}: blocked, but no CORS message for {url} in the console:\n{log}",
                    c.name
                )
            });
            browser_blame(reason)
        });
        out.insert(
            c.name,
            Verdict {
                allowed,
                blame,
                read_visible: (allowed && c.read.is_some()).then(|| read != "null"),
            },
        );
    }
    out
}
