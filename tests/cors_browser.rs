//! A real browser as the CORS oracle (issue 12).
//!
//! One demo gateway is started in-process from definitions written here: one API per
//! case (HTTP APIs with a CorsConfiguration, HTTP APIs without one, REST APIs whose
//! functions return their own CORS headers and OPTIONS answers), so every answer comes
//! from gatescope's real gateway pipeline and CORS engine. A page served from another
//! loopback port (another port is another origin) fetches each case; headless Chromium
//! runs it (`--dump-dom` prints what each fetch did, `--enable-logging=stderr` prints
//! the console's CORS error naming the header at fault). The test then asks gatescope:
//! `gatescope cors` (the configuration / function headers, as a user would pass them)
//! and the live probe (`backends::http::probe`, what the response page's `o` runs), and
//! asserts both give the browser's verdict: allowed or blocked, the header blamed, and
//! whether a read response header was visible.
//!
//! Chromium must start: the test fails loudly when it cannot (CI installs Debian's
//! `chromium`; `GATESCOPE_CHROMIUM` names another binary).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gatescope::backends::demo::{self, Definitions};
use gatescope::backends::http::{SendOptions, Sender, probe};
use gatescope::domain::{HttpRequest, Severity};
use serde_json::{Value, json};

/// What the page's origin is replaced with in the definitions below.
const PAGE: &str = "{page}";

#[derive(Clone)]
enum Api {
    /// An HTTP API; `cors` is its CorsConfiguration (`None`: no configuration, the
    /// function's headers pass through).
    Http {
        cors: Option<Value>,
        function: &'static [(&'static str, &'static str)],
    },
    /// A REST API (Lambda proxy): the function's headers are what the browser sees;
    /// `options` is the answer of the resource's OPTIONS method (`None`: no such method).
    Rest {
        status: u16,
        function: &'static [(&'static str, &'static str)],
        options: Option<&'static [(&'static str, &'static str)]>,
    },
}

#[derive(Clone)]
struct Case {
    name: &'static str,
    api: Api,
    method: &'static str,
    /// Headers the page sets on the fetch.
    headers: &'static [(&'static str, &'static str)],
    /// `credentials: 'include'`.
    credentials: bool,
    /// A response header the page reads.
    read: Option<&'static str>,
    /// What AWS documents API Gateway does here (allowed or not), where it does: the
    /// gateway (gatescope's engine) must behave so, which the browser then shows.
    documented: Option<bool>,
    /// Where Chromium departs from the Fetch standard (and from Firefox and Safari),
    /// gatescope answers with the standard: the test then asserts that exact departure.
    chromium_quirk: Option<&'static str>,
}

const fn case(name: &'static str, api: Api, method: &'static str) -> Case {
    Case {
        name,
        api,
        method,
        headers: &[],
        credentials: false,
        read: None,
        documented: None,
        chromium_quirk: None,
    }
}

fn cors(v: Value) -> Option<Value> {
    Some(v)
}

const ECHO: &[(&str, &str)] = &[("access-control-allow-origin", PAGE)];
const NONE: &[(&str, &str)] = &[];

fn cases() -> Vec<Case> {
    let page_only = || {
        cors(
            json!({"allowOrigins": [PAGE], "allowMethods": ["GET", "POST", "PUT"], "allowHeaders": ["content-type"]}),
        )
    };
    vec![
        case(
            "http-exact-origin-simple",
            Api::Http {
                cors: page_only(),
                function: NONE,
            },
            "GET",
        ),
        // The README tour: the function allows another origin itself; the API's CORS wins.
        Case {
            // AWS: with a CorsConfiguration, the integration's CORS headers are ignored.
            documented: Some(false),
            ..case(
                "http-wrong-origin-function-headers-ignored",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["https://app.example.com"]})),
                    function: ECHO,
                },
                "GET",
            )
        },
        case(
            "http-star-origin",
            Api::Http {
                cors: cors(json!({"allowOrigins": ["*"]})),
                function: NONE,
            },
            "GET",
        ),
        // AWS documents `https://*` and `http://*` as prefix wildcards; the page is http.
        Case {
            documented: Some(false),
            ..case(
                "http-https-prefix-wildcard",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["https://*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            documented: Some(true),
            ..case(
                "http-http-prefix-wildcard",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["http://*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            documented: Some(true),
            headers: &[("content-type", "application/json")],
            ..case(
                "http-http-prefix-wildcard-preflight",
                Api::Http {
                    cors: cors(
                        json!({"allowOrigins": ["http://*"], "allowMethods": ["PUT"], "allowHeaders": ["content-type"]}),
                    ),
                    function: NONE,
                },
                "PUT",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-preflight-allowed",
                Api::Http {
                    cors: page_only(),
                    function: NONE,
                },
                "PUT",
            )
        },
        case(
            "http-method-not-allowed",
            Api::Http {
                cors: page_only(),
                function: NONE,
            },
            "DELETE",
        ),
        Case {
            headers: &[("x-trace-id", "t-1")],
            ..case(
                "http-header-not-allowed",
                Api::Http {
                    cors: page_only(),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-json-content-type-not-allowed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowMethods": ["POST"]})),
                    function: NONE,
                },
                "POST",
            )
        },
        Case {
            headers: &[("content-type", "text/plain")],
            ..case(
                "http-text-post-is-simple",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE]})),
                    function: NONE,
                },
                "POST",
            )
        },
        Case {
            headers: &[("x-custom", "1")],
            ..case(
                "http-headers-star",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowHeaders": ["*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            headers: &[("authorization", "Bearer abc")],
            chromium_quirk: Some(
                "Chromium lets `Access-Control-Allow-Headers: *` cover Authorization; the Fetch standard (and Firefox, Safari) do not",
            ),
            ..case(
                "http-headers-star-authorization",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowHeaders": ["*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        case(
            "http-methods-star",
            Api::Http {
                cors: cors(json!({"allowOrigins": [PAGE], "allowMethods": ["*"]})),
                function: NONE,
            },
            "PATCH",
        ),
        Case {
            credentials: true,
            ..case(
                "http-credentials-allowed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowCredentials": true})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "http-credentials-not-allowed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "allowCredentials": false})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "http-credentials-star-origin",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["*"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "http-credentials-prefix-wildcard",
                Api::Http {
                    cors: cors(json!({"allowOrigins": ["http://*"], "allowCredentials": true})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            read: Some("x-request-id"),
            ..case(
                "http-expose-header-listed",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE], "exposeHeaders": ["x-request-id"]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            read: Some("x-request-id"),
            ..case(
                "http-expose-header-missing",
                Api::Http {
                    cors: cors(json!({"allowOrigins": [PAGE]})),
                    function: NONE,
                },
                "GET",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-max-age",
                Api::Http {
                    cors: cors(
                        json!({"allowOrigins": [PAGE], "allowMethods": ["PUT"], "allowHeaders": ["content-type"], "maxAge": 600}),
                    ),
                    function: NONE,
                },
                "PUT",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "http-preflight-wrong-origin",
                Api::Http {
                    cors: cors(
                        json!({"allowOrigins": ["https://app.example.com"], "allowMethods": ["PUT"]}),
                    ),
                    function: NONE,
                },
                "PUT",
            )
        },
        case(
            "http-no-config-function-allows",
            Api::Http {
                cors: None,
                function: ECHO,
            },
            "GET",
        ),
        case(
            "http-no-config-no-headers",
            Api::Http {
                cors: None,
                function: NONE,
            },
            "GET",
        ),
        case(
            "rest-function-echoes-origin",
            Api::Rest {
                status: 200,
                function: ECHO,
                options: None,
            },
            "GET",
        ),
        case(
            "rest-function-names-other-origin",
            Api::Rest {
                status: 200,
                function: &[(
                    "access-control-allow-origin",
                    "https://dashboard.example.org",
                )],
                options: None,
            },
            "GET",
        ),
        case(
            "rest-function-lists-two-origins",
            Api::Rest {
                status: 200,
                function: &[(
                    "access-control-allow-origin",
                    "{page}, https://app.example.com",
                )],
                options: None,
            },
            "GET",
        ),
        case(
            "rest-error-without-cors-headers",
            Api::Rest {
                status: 500,
                function: NONE,
                options: None,
            },
            "GET",
        ),
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "rest-no-options-method",
                Api::Rest {
                    status: 200,
                    function: ECHO,
                    options: None,
                },
                "PUT",
            )
        },
        Case {
            headers: &[("content-type", "application/json")],
            ..case(
                "rest-options-method-allows",
                Api::Rest {
                    status: 200,
                    function: ECHO,
                    options: Some(&[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-allow-methods", "GET,PUT,OPTIONS"),
                        ("access-control-allow-headers", "content-type"),
                    ]),
                },
                "PUT",
            )
        },
        Case {
            headers: &[("x-api-version", "2")],
            ..case(
                "rest-options-method-lacks-header",
                Api::Rest {
                    status: 200,
                    function: ECHO,
                    options: Some(&[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-allow-methods", "GET"),
                        ("access-control-allow-headers", "content-type"),
                    ]),
                },
                "GET",
            )
        },
        Case {
            credentials: true,
            ..case(
                "rest-credentials-allowed",
                Api::Rest {
                    status: 200,
                    function: &[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-allow-credentials", "true"),
                    ],
                    options: None,
                },
                "GET",
            )
        },
        Case {
            read: Some("x-request-id"),
            ..case(
                "rest-expose-header",
                Api::Rest {
                    status: 200,
                    function: &[
                        ("access-control-allow-origin", PAGE),
                        ("access-control-expose-headers", "x-request-id"),
                    ],
                    options: None,
                },
                "GET",
            )
        },
    ]
}

fn id(i: usize) -> String {
    format!("case{i:02}")
}

fn fill(s: &str, page: &str) -> String {
    s.replace(PAGE, page)
}

fn fill_value(v: &Value, page: &str) -> Value {
    match v {
        Value::String(s) => Value::String(fill(s, page)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_value(x, page)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), fill_value(x, page)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn headers_of(h: &[(&str, &str)], page: &str) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| (k.to_string(), fill(v, page)))
        .collect()
}

/// The function's answer: its own headers, plus one the page may try to read.
fn function_response(status: u16, h: &[(&str, &str)], page: &str) -> Value {
    let mut headers = serde_json::Map::new();
    headers.insert("content-type".into(), json!("text/plain"));
    headers.insert("x-request-id".into(), json!("req-1"));
    for (k, v) in headers_of(h, page) {
        headers.insert(k, json!(v));
    }
    json!({"statusCode": status, "headers": headers, "body": "ok"})
}

/// The gateway's definitions: one API (and one or two functions) per case.
fn definitions(cases: &[Case], page: &str) -> Definitions {
    let mut apis = Vec::new();
    let mut functions = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let id = id(i);
        let main_fn = format!("fn-{id}");
        let mut routes = vec![
            json!({"routeKey": format!("{} /r", c.method), "routeId": "r-main", "authorizationType": "NONE", "integration": "main"}),
        ];
        let mut integrations = json!({"main": {"function": main_fn}});
        let mut api = json!({"id": id, "name": format!("cors-{}", c.name)});
        match &c.api {
            Api::Http { cors, function } => {
                api["protocol"] = json!("HTTP");
                api["stages"] = json!([{"stageName": "prod", "autoDeploy": true}]);
                if let Some(cors) = cors {
                    api["cors"] = fill_value(cors, page);
                }
                functions.push(json!({"name": main_fn, "handler": "returns", "response": function_response(200, function, page)}));
            }
            Api::Rest {
                status,
                function,
                options,
            } => {
                api["protocol"] = json!("REST");
                api["stages"] = json!([{"stageName": "prod"}]);
                functions.push(json!({"name": main_fn, "handler": "returns", "response": function_response(*status, function, page)}));
                if let Some(options) = options {
                    let opt_fn = format!("fn-{id}-options");
                    integrations["options"] = json!({"function": opt_fn});
                    routes.push(json!({"routeKey": "OPTIONS /r", "routeId": "r-main", "authorizationType": "NONE", "integration": "options"}));
                    functions.push(json!({"name": opt_fn, "handler": "returns", "response": function_response(200, options, page)}));
                }
            }
        }
        api["integrations"] = integrations;
        api["routes"] = json!(routes);
        apis.push(api);
    }
    Definitions {
        apis: toml::to_string(&json!({"api": apis})).expect("apis as TOML"),
        functions: toml::to_string(&json!({"function": functions})).expect("functions as TOML"),
        scenarios: String::new(),
    }
}

/// The page: every case's fetch in turn, each outcome a `RESULT` line in the DOM.
fn page_html(cases: &[Case], urls: &[String]) -> String {
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
fn serve_page(listener: TcpListener, html: String) {
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
fn run_chromium(url: &str, profile: &Path) -> (String, String) {
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
struct Verdict {
    allowed: bool,
    /// What is blamed when blocked: the header (`access-control-allow-origin`, ...) or
    /// `preflight status`; with the stage (`preflight` / `response`) for origin checks
    /// and the request header or method named, when any.
    blame: Option<String>,
    /// Whether the read response header was visible (`None`: nothing read).
    read_visible: Option<bool>,
}

/// Chromium's console reason → what it blames.
fn browser_blame(reason: &str) -> String {
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

/// gatescope's first error finding → what it blames (same vocabulary as [`browser_blame`]).
fn gatescope_blame(code: &str, title: &str) -> String {
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

/// The browser's verdict per case name.
fn browser_verdicts(
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

fn first_error(findings: &[(String, String, String)]) -> Option<&(String, String, String)> {
    findings.iter().find(|(_, sev, _)| sev == "error")
}

/// `gatescope cors` on what the user knows: the CorsConfiguration (HTTP API), or the
/// function's headers and the OPTIONS answer (REST, HTTP API without configuration).
fn cli_verdict(c: &Case, page: &str, dir: &Path, i: usize) -> (Verdict, Vec<String>) {
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
async fn probe_verdict(c: &Case, url: &str, page: &str, sender: &Sender) -> Verdict {
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chromium_and_gatescope_agree_on_every_cors_case() {
    let cases = cases();
    assert!(
        cases.len() >= 20,
        "the issue asks for at least 20 situations"
    );

    // The page's listener first: the definitions name its origin.
    let page_listener = TcpListener::bind("127.0.0.1:0").expect("bind the page server");
    let page = format!(
        "http://127.0.0.1:{}",
        page_listener.local_addr().unwrap().port()
    );

    let (_backend, gw) = demo::start_with(&definitions(&cases, &page), None)
        .await
        .expect("start the gateway");
    let urls: Vec<String> = (0..cases.len())
        .map(|i| {
            format!(
                "{}/prod/r?case={}",
                gw.base_url(&id(i)).expect("case API served"),
                cases[i].name
            )
        })
        .collect();
    serve_page(page_listener, page_html(&cases, &urls));
    let page_url = format!("{page}/");

    let profile = tempfile::tempdir().unwrap();
    let (dom, log) = tokio::task::spawn_blocking({
        let profile = profile.path().to_path_buf();
        move || run_chromium(&page_url, &profile)
    })
    .await
    .unwrap();
    let browser = browser_verdicts(&cases, &urls, &dom, &log);

    let dir = tempfile::tempdir().unwrap();
    let sender = Sender::new(SendOptions::default()).unwrap();
    let mut table = Vec::new();
    let mut disagreements = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let b = &browser[c.name];
        let (cli, codes) = cli_verdict(c, &page, dir.path(), i);
        let probed = probe_verdict(c, &urls[i], &page, &sender).await;
        let probe_expected = Verdict {
            read_visible: None,
            ..b.clone()
        };
        table.push(format!(
            "{:<44} browser: {:<8} {:<58} cli: {:?}",
            c.name,
            if b.allowed { "allowed" } else { "blocked" },
            b.blame.clone().unwrap_or_default(),
            codes
        ));
        if let Some(documented) = c.documented
            && b.allowed != documented
        {
            disagreements.push(format!(
                "{}: AWS documents this as {}, the browser found it {} (the gateway follows gatescope's engine)",
                c.name,
                if documented { "allowed" } else { "blocked" },
                if b.allowed { "allowed" } else { "blocked" }
            ));
        }
        match c.chromium_quirk {
            None => {
                if &cli != b {
                    disagreements.push(format!(
                        "{}: `gatescope cors` says {cli:?}, Chromium did {b:?}",
                        c.name
                    ));
                }
                if probed != probe_expected {
                    disagreements.push(format!(
                        "{}: the probe says {probed:?}, Chromium did {b:?}",
                        c.name
                    ));
                }
            }
            Some(quirk) => {
                // The departure itself, exactly: Chromium allows, gatescope blocks on the
                // standard's rule and names the header.
                let standard = Some("access-control-allow-headers (authorization)".to_string());
                if !(b.allowed
                    && !cli.allowed
                    && cli.blame == standard
                    && !probed.allowed
                    && probed.blame == standard)
                {
                    disagreements.push(format!("{}: expected the known departure ({quirk}); Chromium did {b:?}, `gatescope cors` says {cli:?}, the probe says {probed:?}", c.name));
                }
            }
        }
    }
    eprintln!("{} cases:\n{}", cases.len(), table.join("\n"));
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) with Chromium:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}
