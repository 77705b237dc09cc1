//! The README's guided tour, typed as written: the keys of its ```` ```tour ```` block go to
//! the real binary in a pseudo-terminal and every `see:` text must appear; every `cli:`
//! line runs against a `gatescope demo --serve` and must print its `prints:` texts. The
//! tour's timings (first frame, each step) are printed for the README.
//!
//! Also here: history recorded against one demo run re-sends in the next.

mod pty;
mod support;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use gatescope::app::tour::{self, NAMED_KEYS, TourAction, TourStep};
use pty::PtyApp;

const T: Duration = Duration::from_secs(20);

fn readme_tour() -> Vec<TourStep> {
    let path = format!("{}/README.md", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).expect("README.md");
    tour::steps(&text).expect("the README's tour block parses")
}

fn type_keys(app: &mut PtyApp, keys: &[String]) {
    for k in keys {
        if NAMED_KEYS.contains(&k.as_str()) {
            app.press(k);
        } else {
            app.type_text(k);
        }
    }
}

/// Type one action's keys and wait for its texts; `Err` with the screen when they
/// do not all appear. Returns how long the screen took.
fn run_action(app: &mut PtyApp, a: &TourAction) -> Result<Duration, String> {
    let t0 = Instant::now();
    type_keys(app, &a.keys);
    let deadline = Instant::now() + T;
    loop {
        let screen = app.screen();
        let missing: Vec<&String> = a
            .see
            .iter()
            .filter(|s| !screen.contains(s.as_str()))
            .collect();
        if missing.is_empty() {
            return Ok(t0.elapsed());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "missing {missing:?} after keys {:?}; screen:\n{screen}",
                a.keys
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Start the demo TUI and wait for its API list; returns (first output, list) times.
fn start_tui(home: &std::path::Path) -> (PtyApp, Duration, Duration) {
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home);
    app.wait_for("demo-orders-http", T);
    let list = app.started.elapsed();
    let first = app.first_output_after().unwrap_or_default();
    (app, first, list)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

/// Type step `n` (1-based) of the README's tour as written and check every screen it
/// promises. A step whose keys do not start from `:apis` continues the step before it,
/// so that one is typed (and checked) first.
fn tour_step(n: usize) {
    let steps = readme_tour();
    let mut from = n - 1;
    while from > 0 && steps[from].actions[0].keys.first().map(String::as_str) != Some(":apis") {
        from -= 1;
    }
    let home = tempfile::tempdir().unwrap();
    let (mut app, first, list) = start_tui(home.path());
    let mut timings = vec![
        format!("first output {}", ms(first)),
        format!("API list {}", ms(list)),
    ];
    for (i, step) in steps.iter().enumerate().take(n).skip(from) {
        let mut total = Duration::ZERO;
        for a in &step.actions {
            match run_action(&mut app, a) {
                Ok(d) => total += d,
                Err(e) => panic!("tour step {} ({}): {e}", i + 1, step.title),
            }
        }
        timings.push(format!("step {} {}", i + 1, ms(total)));
    }
    println!("tour step {n} timings: {}", timings.join(", "));
    app.press("Ctrl-C");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}

#[test]
fn the_readme_tour_has_one_test_per_step() {
    // One `tour_step_N` test below per step: a new step needs a new test.
    assert_eq!(readme_tour().len(), 4);
}

#[test]
fn tour_step_1_a_502() {
    tour_step(1);
}

#[test]
fn tour_step_2_a_cors_failure() {
    tour_step(2);
}

#[test]
fn tour_step_3_a_401_a_403_a_201() {
    tour_step(3);
}

#[test]
fn tour_step_4_history_resends() {
    tour_step(4);
}

#[test]
fn the_first_screen_hints_at_the_tour_and_tour_shows_the_readme_steps() {
    let steps = readme_tour();
    let home = tempfile::tempdir().unwrap();
    let (mut app, first, list) = start_tui(home.path());
    println!("demo first output {}, API list {}", ms(first), ms(list));
    let screen = app.screen();
    assert!(screen.contains("New here? :tour"), "{screen}");
    type_keys(&mut app, &[":tour".into(), "Enter".into()]);
    // All in one frame (once seen failing under load when checked on the first
    // frame showing the title).
    app.wait_until("the tour page with step 1", T, |screen| {
        screen.contains("Guided tour")
            && screen.contains(&format!("1. {}", steps[0].title))
            && screen.contains("\"/report\" [Enter] \":send\" [Enter] [Ctrl-S]")
            && screen.contains(&steps[0].commands[0].line)
    });
    app.press("Ctrl-C");
    assert!(app.wait_exit(T), "gatescope exited with an error");
    app.assert_restored();
}

/// `gatescope demo --serve --quiet` with its own data dir; killed on drop.
struct Serve {
    child: Child,
    home: tempfile::TempDir,
}

impl Serve {
    fn start() -> Serve {
        let home = tempfile::tempdir().unwrap();
        let mut child = Command::new(support::gatescope_bin())
            .args(["demo", "--serve", "--quiet"])
            .env("GATESCOPE_HOME", home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start demo --serve");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        lines.next().expect("the scenario line").expect("utf-8");
        // Keep draining stdout so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Serve { child, home }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn the_readme_tour_runs_as_written_from_the_shell() {
    let serve = Serve::start();
    let bin = support::gatescope_bin();
    let mut failures = Vec::new();
    for (n, step) in readme_tour().iter().enumerate() {
        for c in &step.commands {
            let line = c
                .line
                .replacen("gatescope", &format!("'{}'", bin.display()), 1);
            let out = Command::new("sh")
                .arg("-c")
                .arg(&line)
                .env("GATESCOPE_HOME", serve.home.path())
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let missing: Vec<&String> = c
                .prints
                .iter()
                .filter(|p| !stdout.contains(p.as_str()))
                .collect();
            if !missing.is_empty() {
                failures.push(format!(
                    "step {}: `{}` lacks {missing:?}:\n{stdout}\n{stderr}",
                    n + 1,
                    c.line
                ));
            }
            // It used the running demo: no note about starting one.
            if stderr.contains("started one for this command") {
                failures.push(format!(
                    "step {}: `{}` did not find the demo: {stderr}",
                    n + 1,
                    c.line
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn open_orders_list(app: &mut PtyApp) {
    type_keys(
        app,
        &[
            "/demo-orders-http".into(),
            "Enter".into(),
            "Enter".into(),
            "/GET /orders".into(),
            "Enter".into(),
            ":send".into(),
            "Enter".into(),
        ],
    );
}

#[test]
fn history_from_one_demo_run_resends_in_the_next() {
    let home = tempfile::tempdir().unwrap();
    // Run 1: send GET /orders, remember the port it went to.
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
    app.wait_for("demo-orders-http", T);
    open_orders_list(&mut app);
    app.wait_for("send GET /orders", T);
    app.press("Ctrl-S");
    app.wait_for("200 OK", T);
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    // A send appends to the history's journal (`.jsonl`, beside `.json`).
    let history = std::fs::read_to_string(home.path().join("data/history/demohttp01.jsonl"))
        .expect("history is kept by API id");
    let first_port = history
        .split("http://127.0.0.1:")
        .nth(1)
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .expect("the first run's loopback port")
        .to_string();
    // Run 2: the first run's port is taken (a listener that never answers), so the
    // demo gets another one; `s` on the entry must send to this run's demo.
    let _squatter = std::net::TcpListener::bind(("127.0.0.1", first_port.parse::<u16>().unwrap()));
    let mut app = PtyApp::spawn(&["demo", "--quiet"], home.path());
    app.wait_until("the API list of the second run", T, |s| {
        s.contains("demo-orders-http") && !s.contains("cached")
    });
    let screen = app.screen();
    assert!(
        !screen.contains(&format!("127.0.0.1:{first_port} ")),
        "the second run got the first run's port; the test proves nothing:\n{screen}"
    );
    type_keys(&mut app, &[":history demohttp01".into(), "Enter".into()]);
    app.wait_for("GET", T);
    app.press("s");
    let screen = app.wait_for("200 OK", T);
    assert!(!screen.contains("Connection refused"), "{screen}");
    app.press("Ctrl-C");
    assert!(app.wait_exit(T));
    // One demo cache file, whatever the ports.
    let caches: Vec<String> = std::fs::read_dir(home.path().join("cache/inventory"))
        .map(|d| {
            d.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("demo@"))
                .collect()
        })
        .unwrap_or_default();
    assert!(caches.len() <= 1, "{caches:?}");
}
