//! Startup benchmark (used by `scripts/bench-startup`): how long from spawn
//! until `gatescope demo` has drawn its first frame, as a user would see it
//! in a terminal, against peers measured the same way in the same run.
//!
//! ```text
//! first_frame [--runs N] [--banner TEXT] [--ready TEXT] [--json] BINARY
//! ```
//!
//! Every run spawns the process in a fresh pseudo-terminal (portable-pty,
//! 140x40) with an empty `GATESCOPE_HOME`, feeds what it writes into a vt100
//! terminal emulator, and notes when the screen first shows `--banner`
//! (default `DEMO`, the status line's demo banner: the first frame) and
//! `--ready` (default `demo-orders-http`: the API list is in). The peers go
//! through the same pty and reader: `BINARY --version` (same executable, no
//! TUI, no gateway) and `/bin/echo` (the floor: fork + exec + pty), timed to
//! their first output. Runs are interleaved so load on the machine hits all
//! of them alike; one warm-up round is not counted.

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const ROWS: u16 = 40;
const COLS: u16 = 140;
/// A run that shows nothing within this long is a failure, not a figure.
const TIMEOUT: Duration = Duration::from_secs(20);

struct Options {
    runs: usize,
    banner: String,
    ready: String,
    json: bool,
    binary: String,
}

fn usage() -> ! {
    eprintln!("usage: first_frame [--runs N] [--banner TEXT] [--ready TEXT] [--json] BINARY");
    std::process::exit(2);
}

fn options() -> Options {
    let mut o = Options {
        runs: 20,
        banner: "DEMO".into(),
        ready: "demo-orders-http".into(),
        json: false,
        binary: String::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--runs" => {
                o.runs = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|n| *n > 0)
                    .unwrap_or_else(|| usage())
            }
            "--banner" => o.banner = args.next().unwrap_or_else(|| usage()),
            "--ready" => o.ready = args.next().unwrap_or_else(|| usage()),
            "--json" => o.json = true,
            s if s.starts_with('-') => usage(),
            s => o.binary = s.to_string(),
        }
    }
    if o.binary.is_empty() {
        usage();
    }
    // portable-pty resolves a bare name through PATH only; make it absolute.
    o.binary = match std::fs::canonicalize(&o.binary) {
        Ok(p) => p.to_string_lossy().into_owned(),
        Err(e) => {
            eprintln!("first_frame: {}: {e}", o.binary);
            std::process::exit(2);
        }
    };
    o
}

/// When (after spawn) the screen first contained each needle; `None` for
/// an empty needle means "the first byte of output".
fn run_once(program: &str, args: &[&str], needles: &[&str]) -> Result<Vec<Duration>, String> {
    let home = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: ROWS,
            cols: COLS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| format!("openpty: {e}"))?;
    let mut cmd = CommandBuilder::new(program);
    cmd.args(args);
    cmd.env("GATESCOPE_HOME", home.path());
    cmd.env("TERM", "xterm-256color");
    let mut reader = pty
        .master
        .try_clone_reader()
        .map_err(|e| format!("pty reader: {e}"))?;
    let mut writer = pty
        .master
        .take_writer()
        .map_err(|e| format!("pty writer: {e}"))?;
    let seen: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; needles.len()]));
    let started = Instant::now();
    let mut child = pty
        .slave
        .spawn_command(cmd)
        .map_err(|e| format!("spawn {program}: {e}"))?;
    drop(pty.slave);
    {
        // The reader checks the screen after every chunk, so a mark is the
        // time the bytes completing it arrived, not a polling tick.
        let seen = seen.clone();
        let needles: Vec<String> = needles.iter().map(|s| s.to_string()).collect();
        std::thread::spawn(move || {
            let mut parser = vt100::Parser::new(
                std::num::NonZero::new(ROWS).expect("rows"),
                std::num::NonZero::new(COLS).expect("cols"),
                0,
            );
            let mut buf = [0u8; 16384];
            loop {
                match reader.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => {
                        let now = Instant::now();
                        parser.process(&buf[..n]);
                        let screen = parser.screen().contents();
                        let mut seen = seen.lock().unwrap();
                        for (mark, needle) in seen.iter_mut().zip(&needles) {
                            if mark.is_none() && (needle.is_empty() || screen.contains(needle)) {
                                *mark = Some(now);
                            }
                        }
                    }
                }
            }
        });
    }
    let deadline = started + TIMEOUT;
    let marks = loop {
        let marks = seen.lock().unwrap().clone();
        if marks.iter().all(Option::is_some) {
            break Ok(marks.into_iter().flatten().map(|t| t - started).collect());
        }
        if Instant::now() > deadline {
            break Err(format!(
                "{program} {args:?}: {needles:?} not all on screen within {TIMEOUT:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(1));
    };
    // Leave the way a user would (Ctrl-C), so the terminal is restored and
    // the demo's ports are released; kill only if it does not go.
    let _ = writer.write_all(b"\x03");
    let _ = writer.flush();
    let stop = Instant::now() + Duration::from_secs(5);
    while Instant::now() < stop {
        if let Ok(Some(_)) = child.try_wait() {
            return marks;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    marks
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Median and 90th percentile (nearest rank), in ms.
fn stats(mut xs: Vec<f64>) -> (f64, f64) {
    xs.sort_by(f64::total_cmp);
    let rank = |p: f64| xs[((p * xs.len() as f64).ceil() as usize).clamp(1, xs.len()) - 1];
    let median = if xs.len().is_multiple_of(2) {
        (xs[xs.len() / 2 - 1] + xs[xs.len() / 2]) / 2.0
    } else {
        xs[xs.len() / 2]
    };
    (median, rank(0.9))
}

fn main() {
    let o = options();
    let (mut banner, mut ready, mut version, mut echo) = (vec![], vec![], vec![], vec![]);
    for round in 0..=o.runs {
        let demo = run_once(&o.binary, &["demo"], &[&o.banner, &o.ready]);
        let ver = run_once(&o.binary, &["--version"], &[""]);
        let floor = run_once("/bin/echo", &["ready"], &[""]);
        let (demo, ver, floor) = match (demo, ver, floor) {
            (Ok(d), Ok(v), Ok(f)) => (d, v, f),
            (d, v, f) => {
                for e in [d.err(), v.err(), f.err()].into_iter().flatten() {
                    eprintln!("first_frame: {e}");
                }
                std::process::exit(1);
            }
        };
        if round == 0 {
            continue; // warm-up: page cache, first exec of the binary
        }
        banner.push(ms(demo[0]));
        ready.push(ms(demo[1]));
        version.push(ms(ver[0]));
        echo.push(ms(floor[0]));
    }
    let rows = [
        (
            "demo_first_frame",
            "gatescope demo: first frame (banner)",
            stats(banner),
        ),
        (
            "demo_apis_listed",
            "gatescope demo: API list on screen",
            stats(ready),
        ),
        (
            "peer_version",
            "peer: gatescope --version output",
            stats(version),
        ),
        ("peer_echo", "peer: /bin/echo output (floor)", stats(echo)),
    ];
    let ratio = rows[0].2.0 / rows[2].2.0;
    let ratio_echo = rows[0].2.0 / rows[3].2.0;
    // Issue 16: the demo's first frame within 100 ms.
    let target_ms = 100.0;
    if o.json {
        let mut obj = serde_json::Map::new();
        for (key, _, (median, p90)) in &rows {
            obj.insert(
                key.to_string(),
                serde_json::json!({ "medianMs": median, "p90Ms": p90 }),
            );
        }
        obj.insert("runs".into(), o.runs.into());
        obj.insert("ratioFirstFrameToVersion".into(), ratio.into());
        obj.insert("ratioFirstFrameToEcho".into(), ratio_echo.into());
        obj.insert("targetMs".into(), target_ms.into());
        obj.insert("meetsTarget".into(), (rows[0].2.0 <= target_ms).into());
        println!("{}", serde_json::Value::Object(obj));
        return;
    }
    println!(
        "first_frame: {} runs each (+1 warm-up), pty {COLS}x{ROWS}, {}",
        o.runs, o.binary
    );
    println!("{:<42} {:>10} {:>10}", "", "median", "p90");
    for (_, label, (median, p90)) in &rows {
        println!("{label:<42} {median:>7.1} ms {p90:>7.1} ms");
    }
    println!("ratio first frame / --version: {ratio:.2}x   first frame / echo: {ratio_echo:.2}x");
    println!(
        "target: first frame within {target_ms:.0} ms (median): {}",
        if rows[0].2.0 <= target_ms {
            "met"
        } else {
            "NOT met"
        }
    );
}
