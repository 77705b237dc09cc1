//! End to end on the demo's REST refusals (issue 18): the real binary in a pseudo-terminal,
//! reached with keys only, each showing the status, the doctor's finding code first and
//! that code's registered fix on screen: the Lambda authorizer's explicit deny, the cached
//! policy that denies the caller's second route, the usage plan's 403 (no key, a disabled
//! key), 429 `Limit Exceeded` (quota) and 429 `Too Many Requests` (throttle), and the
//! custom domain's base-path 403. What each request sends and must get comes from
//! `assets/demo/scenarios.toml` (the scenario matrix checks the same requests without a
//! terminal). Each test prints how long its screens took.
//!
//! Also here: a request sent with a named demo API key re-sends in the next demo run,
//! and the history file holds the key's name, never its value.

mod pty;

use std::time::{Duration, Instant};

use gatescope::domain::FindingCode;
use pty::PtyApp;

const T: Duration = Duration::from_secs(20);

/// What a demo scenario sends and expects, as `assets/demo/scenarios.toml` says.
struct Scenario {
    api_name: String,
    method: String,
    /// The route's path, without the stage.
    route: String,
    status: u16,
    doctor: String,
    headers: Vec<(String, String)>,
    body: Vec<String>,
}

fn scenario(name: &str) -> Scenario {
    let read = |f: &str| -> toml::Table {
        let path = format!("{}/assets/demo/{f}", env!("CARGO_MANIFEST_DIR"));
        toml::from_str(&std::fs::read_to_string(&path).expect("demo data")).expect("toml")
    };
    let scenarios = read("scenarios.toml");
    let s = scenarios["scenario"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["name"].as_str() == Some(name)))
        .unwrap_or_else(|| panic!("no demo scenario `{name}`"));
    let field = |k: &str| s[k].as_str().unwrap_or_default().to_string();
    let apis = read("apis.toml");
    let api = apis["api"]
        .as_array()
        .and_then(|all| all.iter().find(|a| a["id"].as_str() == Some(&field("api"))))
        .expect("the scenario's API");
    let path = field("path");
    let route = match path[1..].split_once('/') {
        Some((_stage, route)) => format!("/{route}"),
        None => path.clone(),
    };
    Scenario {
        api_name: api["name"].as_str().expect("name").to_string(),
        method: field("method"),
        route,
        status: s["expectStatus"].as_integer().expect("expectStatus") as u16,
        doctor: field("doctor"),
        headers: s
            .get("headers")
            .and_then(|h| h.as_table())
            .map(|t| {
                t.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default(),
        body: s
            .get("expectBody")
            .and_then(|b| b.as_array())
            .map(|b| {
                b.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        403 => "Forbidden",
        429 => "Too Many Requests",
        other => panic!("no reason phrase for {other} in this test"),
    }
}

/// The text of the Doctor pane beside a response (focused or not), one string per
/// row, borders and scrollbar removed.
fn doctor_pane(screen: &str) -> Vec<String> {
    let lines: Vec<&str> = screen.lines().collect();
    let Some((top, col)) = lines.iter().enumerate().find_map(|(i, l)| {
        let byte = l.find("┌Doctor").or_else(|| l.find("┏▶ Doctor"))?;
        Some((i, l[..byte].chars().count()))
    }) else {
        return Vec::new();
    };
    let mut rows = Vec::new();
    for l in &lines[top + 1..] {
        let chars: Vec<char> = l.chars().collect();
        if matches!(chars.get(col), Some('└' | '┗')) || chars.len() <= col + 1 {
            break;
        }
        let inner: String = chars[col + 1..].iter().collect();
        let trimmed = inner.trim_end_matches(' ');
        let inner = trimmed
            .strip_suffix(['│', '┃'])
            .unwrap_or(trimmed)
            .trim_end_matches(['█', '║'])
            .trim_end()
            .to_string();
        rows.push(inner);
    }
    rows
}

fn is_finding_head(row: &str) -> bool {
    ["✗ ", "! ", "i "].iter().any(|m| row.starts_with(m))
}

/// The first finding in the pane: (its line `✗ error CODE ...`, its fix text, rows joined).
fn first_finding(pane: &[String]) -> Option<(String, String)> {
    let start = pane.iter().position(|r| is_finding_head(r))?;
    let head = pane[start].clone();
    let fix_at = start
        + pane[start..]
            .iter()
            .position(|r| r.trim_start().starts_with("fix:"))?;
    let mut fix = pane[fix_at].trim_start()["fix:".len()..].to_string();
    for r in &pane[fix_at + 1..] {
        if r.starts_with("       ") && !r.trim().is_empty() {
            fix.push(' ');
            fix.push_str(r.trim());
        } else {
            break;
        }
    }
    Some((head, fix))
}

/// Whether `shown` (wrapped on screen, so compared without whitespace) is one of `code`'s
/// registered fix templates: every literal piece between the `{slots}`, in order.
fn is_registered_fix_on_screen(code: FindingCode, shown: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let shown = squash(shown);
    let entry = code.entry();
    let templates = std::iter::once(entry.fix).chain(entry.variants.iter().map(|(_, t)| *t));
    templates.into_iter().any(|template| {
        let mut rest = shown.as_str();
        let pieces = literal_pieces(template);
        let n = pieces.len();
        pieces.iter().enumerate().all(|(i, piece)| {
            let piece = squash(piece);
            if piece.is_empty() {
                return true;
            }
            let found = if i == 0 {
                rest.starts_with(&piece).then_some(0)
            } else {
                rest.find(&piece)
            };
            match found {
                Some(at) => {
                    rest = &rest[at + piece.len()..];
                    i + 1 < n || rest.is_empty()
                }
                None => false,
            }
        })
    })
}

/// A fix template's text between its `{slot}`s (a slot is `{` + `[a-z_]+` + `}`).
fn literal_pieces(template: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let mut from = 0;
    let mut i = 0;
    let b = template.as_bytes();
    while i < b.len() {
        if b[i] == b'{' {
            let len = b[i + 1..]
                .iter()
                .take_while(|c| c.is_ascii_lowercase() || **c == b'_')
                .count();
            if len > 0 && b.get(i + 1 + len) == Some(&b'}') {
                pieces.push(&template[from..i]);
                i += len + 2;
                from = i;
                continue;
            }
        }
        i += 1;
    }
    pieces.push(&template[from..]);
    pieces
}

struct Demo {
    app: PtyApp,
    _home: tempfile::TempDir,
    timings: Vec<String>,
    last: Instant,
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

impl Demo {
    fn start() -> Demo {
        let home = tempfile::tempdir().unwrap();
        Demo::start_in(home)
    }

    fn start_in(home: tempfile::TempDir) -> Demo {
        let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
        app.wait_for("demo-orders-rest", T);
        let list = app.started.elapsed();
        let first = app.first_output_after().unwrap_or_default();
        Demo {
            app,
            _home: home,
            timings: vec![
                format!("first output {}", ms(first)),
                format!("API list {}", ms(list)),
            ],
            last: Instant::now(),
        }
    }

    fn lap(&mut self, what: &str) {
        self.timings
            .push(format!("{what} {}", ms(self.last.elapsed())));
        self.last = Instant::now();
    }

    fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            match *k {
                "Enter" | "Esc" | "Tab" | "BackTab" | "Up" | "Down" | "Ctrl-S" | "Ctrl-U" => {
                    self.app.press(k)
                }
                text => self.app.type_text(text),
            }
        }
    }

    /// From anywhere: the API list, the API, its route `METHOD path`, then `:send`.
    fn compose(&mut self, s: &Scenario) {
        let (api, method, route) = (s.api_name.clone(), s.method.clone(), s.route.clone());
        self.keys(&[":apis", "Enter", "/", &api, "Enter"]);
        self.app.wait_until("the API list filtered", T, |sc| {
            sc.lines().any(|l| l.contains('›') && l.contains(&api))
        });
        self.keys(&["Enter"]);
        self.app.wait_for("Routes (", T);
        self.keys(&["/", &format!("{method} {route}"), "Enter"]);
        // The filter is fuzzy: walk down to the exact route.
        let selected = |sc: &str| {
            sc.lines().any(|l| {
                let w: Vec<&str> = l.split_whitespace().collect();
                w.first().is_some_and(|f| f.ends_with('›'))
                    && w.get(1) == Some(&method.as_str())
                    && w.get(2) == Some(&route.as_str())
            })
        };
        for _ in 0..12 {
            std::thread::sleep(Duration::from_millis(60));
            if selected(&self.app.screen()) {
                break;
            }
            self.keys(&["Down"]);
        }
        self.app
            .wait_until(&format!("route {method} {route} selected"), T, selected);
        self.keys(&[":send", "Enter"]);
        self.app.wait_for(&format!("send {method} {route}"), T);
    }

    /// Add the scenario's headers in the composer's Headers tab (from the Query tab).
    fn add_headers(&mut self, s: &Scenario) {
        self.keys(&["Tab"]);
        self.app.wait_for("▶Headers", T);
        for (k, v) in &s.headers {
            self.keys(&["a", k, "Enter", v, "Enter"]);
        }
        let n = s.headers.len();
        self.app.wait_for(&format!("▶Headers {n}"), T);
    }

    /// Ctrl-S in the composer and wait for the response page.
    fn send(&mut self) -> String {
        self.keys(&["Ctrl-S"]);
        self.app.wait_until("a response", T, |sc| {
            sc.lines().next().is_some_and(|l| l.contains(" response"))
        })
    }

    /// From the response page back to the composer (`e`).
    fn back_to_composer(&mut self) {
        self.keys(&["e"]);
        self.app.wait_until("the composer again", T, |sc| {
            sc.lines().next().is_some_and(|l| !l.contains(" response"))
        });
    }

    /// The response on screen answers what `s` expects: its status, body, and the
    /// doctor's first finding is `s.doctor` with that code's registered fix. Returns
    /// the screen (with the Doctor pane's rows read on the way when it had to scroll).
    fn expect(&mut self, s: &Scenario) -> String {
        let status_line = format!("{} {}", s.status, reason(s.status));
        self.app
            .wait_until(&format!("{status_line} from the gateway"), T, |sc| {
                sc.lines()
                    .nth(1)
                    .is_some_and(|l| l.starts_with(&status_line))
            });
        // The body pane pretty-prints JSON: compare without whitespace.
        let squash = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        for b in &s.body {
            let want = squash(b);
            self.app.wait_until(&format!("the body has {b}"), T, |sc| {
                squash(sc).contains(&want)
            });
        }
        if s.doctor == "none" {
            return self.app.screen();
        }
        let code = FindingCode::parse(&s.doctor).expect("a registered code");
        // The pane may first show the response-only diagnosis, then the one with logs.
        let screen =
            self.app
                .wait_until(&format!("{} first in the Doctor pane", s.doctor), T, |sc| {
                    let pane = doctor_pane(sc);
                    let first = pane.iter().find(|r| is_finding_head(r));
                    first.is_some_and(|h| h.contains(&s.doctor)) && !sc.contains("gathering logs")
                });
        let fix_shown = |pane: &[String]| {
            first_finding(pane).is_some_and(|(_, fix)| is_registered_fix_on_screen(code, &fix))
        };
        if fix_shown(&doctor_pane(&screen)) {
            return screen;
        }
        // A finding taller than the pane: focus it (Tab) and read on with Down.
        let all = self.scroll_doctor_pane(&fix_shown);
        assert!(
            fix_shown(&all),
            "{}'s registered fix never came into view; the pane read:\n{}",
            s.doctor,
            all.join("\n")
        );
        // What was read while scrolling, then the screen as it is now.
        format!("{}\n{}", all.join("\n"), self.app.screen())
    }

    /// Focus the Doctor pane and press Down until `done(rows so far)`; returns the
    /// pane's rows in order (the banner above the findings stays put while they scroll).
    fn scroll_doctor_pane(&mut self, done: &dyn Fn(&[String]) -> bool) -> Vec<String> {
        for _ in 0..4 {
            if self.app.screen().contains("┏▶ Doctor") {
                break;
            }
            self.keys(&["Tab"]);
            std::thread::sleep(Duration::from_millis(40));
        }
        let screen = self.app.wait_for("┏▶ Doctor", T);
        let view = doctor_pane(&screen);
        let banner = match view.first() {
            Some(r) if !is_finding_head(r) => {
                view.iter().position(|r| r.is_empty()).map_or(0, |i| i + 1)
            }
            _ => 0,
        };
        let mut all = view.clone();
        let mut last = view[banner..].to_vec();
        for _ in 0..60 {
            if done(&all) {
                break;
            }
            self.keys(&["Down"]);
            let deadline = Instant::now() + Duration::from_millis(500);
            let now = loop {
                let v = doctor_pane(&self.app.screen());
                let v = v.get(banner..).unwrap_or_default().to_vec();
                if v != last || Instant::now() > deadline {
                    break v;
                }
                std::thread::sleep(Duration::from_millis(20));
            };
            if now == last {
                break;
            }
            // Scrolled by one line: the new view's last row is the next row.
            let shift = (1..=now.len())
                .find(|k| now[..now.len() - k] == last[*k..])
                .unwrap_or(now.len());
            all.extend_from_slice(&now[now.len() - shift..]);
            last = now;
        }
        all
    }

    fn quit(mut self, test: &str) {
        println!("{test} timings: {}", self.timings.join(", "));
        self.app.press("Ctrl-C");
        assert!(self.app.wait_exit(T), "gatescope exited with an error");
        self.app.assert_restored();
    }
}

#[test]
fn the_fix_matcher_reads_wrapped_fixes_and_refuses_others() {
    let code = FindingCode::AuthorizerCachedPolicyTooNarrow;
    let fix = gatescope::domain::finding_code::render(
        code.entry().fix,
        &[("api_id", "demorest01"), ("stage", "dev")],
    );
    assert_eq!(
        literal_pieces("Call https://{domain}/{base_path}/PATH, not {x"),
        ["Call https://", "/", "/PATH, not {x"]
    );
    // Wrapped mid-word as the pane does with a long ARN.
    let wrapped = fix.replace("demorest01/dev", "demorest01/ dev");
    assert!(is_registered_fix_on_screen(code, &wrapped));
    assert!(!is_registered_fix_on_screen(code, &fix[..fix.len() - 10]));
    assert!(!is_registered_fix_on_screen(
        FindingCode::AuthorizerDenied,
        &fix
    ));
    let pane: Vec<String> = [
        "logs of x: 1 access record(s)",
        "",
        "✗ error API_KEY_INVALID  confirmed by logs",
        "  • the request sent no x-api-key",
        "  fix: Send `x-api-key: KEY` with a key attached to a",
        "       usage plan that includes this API stage.",
        "",
        "✗ error OTHER",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let (head, fix) = first_finding(&pane).unwrap();
    assert!(head.contains("API_KEY_INVALID"));
    assert!(is_registered_fix_on_screen(
        FindingCode::ApiKeyInvalid,
        &fix
    ));
}

#[test]
fn lambda_authorizer_deny_then_the_cached_policy_pitfall() {
    let mut demo = Demo::start();
    // bob: the authorizer answers an explicit Deny.
    let deny = scenario("authorizer-deny");
    demo.compose(&deny);
    demo.add_headers(&deny);
    demo.send();
    let screen = demo.expect(&deny);
    assert!(screen.contains("explicit deny"), "{screen}");
    demo.lap("authorizer deny (403)");
    // carol on GET /me: allowed, and the Allow (naming only GET /me) is cached.
    let first = scenario("authorizer-cache-first");
    demo.compose(&first);
    demo.add_headers(&first);
    demo.send();
    demo.expect(&first);
    demo.lap("carol allowed (200)");
    // carol on GET /me/orders: the cached policy denies it.
    let pitfall = scenario("authorizer-cache-pitfall");
    demo.compose(&pitfall);
    demo.add_headers(&pitfall);
    demo.send();
    let screen = demo.expect(&pitfall);
    assert!(
        screen.contains("routes sharing the cached answer"),
        "{screen}"
    );
    demo.lap("cached policy pitfall (403)");
    demo.quit("authorizer");
}

/// The number the auth tab gives the demo API key `name` (` 3 •burst ...`).
fn key_number(screen: &str, name: &str) -> String {
    screen
        .lines()
        .find_map(|l| {
            let inner = l.trim_start_matches('│');
            let mut w = inner.split_whitespace();
            let n = w.next()?;
            let label = w.next()?.trim_start_matches('•');
            (n.len() == 1 && n.chars().all(|c| c.is_ascii_digit()) && label == name)
                .then(|| n.to_string())
        })
        .unwrap_or_else(|| panic!("the demo API key `{name}` is not offered:\n{screen}"))
}

/// In the composer: the Auth tab, then the demo API key `name` by its number.
fn use_key(demo: &mut Demo, name: &str) {
    for _ in 0..6 {
        if demo.app.screen().contains("▶Auth") {
            break;
        }
        demo.keys(&["Tab"]);
        std::thread::sleep(Duration::from_millis(40));
    }
    let screen = demo.app.wait_for("Demo API keys (press the number", T);
    let n = key_number(&screen, name);
    demo.keys(&[&n]);
    demo.app.wait_until(&format!("key {name} in use"), T, |sc| {
        sc.lines()
            .any(|l| l.contains(&format!("•{name} ")) && l.contains(&format!(" {n} ")))
    });
}

#[test]
fn api_keys_and_usage_plans_403_and_both_429s() {
    let mut demo = Demo::start();
    let missing = scenario("apikey-missing");
    demo.compose(&missing);
    // The route requires a key: the composer opens in API key mode, with none yet.
    assert!(demo.app.screen().contains("Auth API key"));
    demo.send();
    demo.expect(&missing);
    demo.lap("no key (403)");

    demo.back_to_composer();
    let ok = scenario("apikey-ok");
    use_key(&mut demo, "demo");
    demo.send();
    demo.expect(&ok);
    demo.lap("demo key (200)");

    demo.back_to_composer();
    let disabled = scenario("apikey-disabled");
    use_key(&mut demo, "revoked");
    demo.send();
    demo.expect(&disabled);
    demo.lap("disabled key (403)");

    // trial: 3 a day; the 4th call is over the quota.
    demo.back_to_composer();
    let quota = scenario("usage-plan-quota");
    use_key(&mut demo, "trial");
    for i in 1..4 {
        let screen = demo.send();
        assert!(
            screen
                .lines()
                .nth(1)
                .is_some_and(|l| l.starts_with("200 OK")),
            "trial call {i} of 3 should pass:\n{screen}"
        );
        demo.back_to_composer();
    }
    demo.send();
    demo.expect(&quota);
    demo.lap("quota (4 calls, 429)");

    // burst: 1 request, then 1 per 10 s; the second in a row is throttled.
    demo.back_to_composer();
    let throttle = scenario("usage-plan-throttle");
    use_key(&mut demo, "burst");
    demo.send();
    demo.back_to_composer();
    demo.send();
    demo.expect(&throttle);
    demo.lap("throttle (2 calls, 429)");

    // History names the keys, never their values.
    let history = stored_history(demo._home.path(), "demorest01");
    assert!(!history.contains("gsdemo-"), "a key value was stored");
    for name in ["demo", "revoked", "trial", "burst"] {
        assert!(
            history.contains(&format!("\"authLabel\": \"{name}\""))
                || history.contains(&format!("\"authLabel\":\"{name}\"")),
            "no entry names the `{name}` key"
        );
    }
    demo.quit("usage plans");
}

#[test]
fn the_custom_domain_base_path_403() {
    let mut demo = Demo::start();
    let s = scenario("domain-stage-in-path");
    // The composer on the REST API's GET /orders, then its custom-domain URL (`u`) and
    // the path with the stage repeated after the base path: /v1/dev/orders.
    let orders = Scenario {
        route: "/orders".into(),
        ..scenario("rest-orders-list")
    };
    demo.compose(&orders);
    demo.keys(&["u"]);
    demo.app
        .wait_for("base  https://api.gatescope-demo.example/v1", T);
    let stage_in_path = scenario("domain-stage-in-path");
    let path = stage_in_path.route.trim_start_matches("/v1").to_string();
    assert_eq!(path, "/dev/orders", "the scenario changed");
    demo.keys(&["p", "Ctrl-U", &path, "Enter"]);
    demo.app
        .wait_for("→ GET https://api.gatescope-demo.example/v1/dev/orders", T);
    demo.send();
    let screen = demo.expect(&s);
    // Sent to the domain's loopback listener, named by its Host header.
    assert!(screen.contains("Missing Authentication Token"), "{screen}");
    demo.lap("base path 403");
    demo.quit("custom domain");
}

#[test]
fn a_request_with_a_named_api_key_resends_in_the_next_demo_run() {
    let home = tempfile::tempdir().unwrap();
    let ok = scenario("apikey-ok");
    // Run 1: GET /partner/orders with the `demo` key.
    let mut demo = Demo::start_in(home);
    demo.compose(&ok);
    use_key(&mut demo, "demo");
    demo.send();
    demo.expect(&ok);
    demo.lap("run 1: demo key (200)");
    println!("run 1 timings: {}", demo.timings.join(", "));
    demo.app.press("Ctrl-C");
    assert!(demo.app.wait_exit(T));
    let home = demo._home;
    let history = stored_history(home.path(), "demorest01");
    assert!(!history.contains("gsdemo-"), "the key value was stored");
    assert!(history.contains("authLabel"), "the key's name was not kept");
    let first_port = history
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .expect("the first run's loopback port")
        .to_string();
    // Run 2, on another port (the first run's is taken): `s` on the entry sends it with
    // this run's `demo` key, no secret to re-enter.
    let _squatter = std::net::TcpListener::bind(("127.0.0.1", first_port.parse::<u16>().unwrap()));
    let mut demo = Demo::start_in(home);
    demo.keys(&[":history demorest01", "Enter"]);
    demo.app.wait_for("api-key:demo", T);
    demo.keys(&["s"]);
    let screen = demo.expect(&ok);
    assert!(!screen.contains("re-enter"), "{screen}");
    assert!(
        !screen.contains(&format!("127.0.0.1:{first_port}/")),
        "sent to the first run's port:\n{screen}"
    );
    demo.lap("run 2: history s (200)");
    let history = stored_history(demo._home.path(), "demorest01");
    assert!(
        !history.contains("gsdemo-"),
        "the re-sent key value was stored"
    );
    demo.quit("history replay");
}

/// What the history of `stem` holds on disk: its `.json` file and its
/// journal (`.jsonl`, where a send appends a line); panics when neither exists.
fn stored_history(home: &std::path::Path, stem: &str) -> String {
    let parts: Vec<String> = ["json", "jsonl"]
        .iter()
        .filter_map(|ext| {
            std::fs::read_to_string(home.join(format!("data/history/{stem}.{ext}"))).ok()
        })
        .collect();
    assert!(!parts.is_empty(), "no history of {stem}");
    parts.concat()
}
