//! Drive the real `gatescope` binary in a pseudo-terminal: portable-pty
//! spawns it, a reader thread feeds its output into a vt100 parser (a
//! terminal emulator), and tests read the screen as text.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};

pub const ROWS: u16 = 40;
pub const COLS: u16 = 140;

pub struct PtyApp {
    parser: Arc<Mutex<vt100::Parser>>,
    /// Every byte the program wrote, to check escape sequences were emitted.
    raw: Arc<Mutex<Vec<u8>>>,
    /// When the first byte arrived, and whether the reader hit EOF.
    first_output: Arc<Mutex<Option<Instant>>>,
    eof: Arc<Mutex<bool>>,
    pub started: Instant,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
}

impl PtyApp {
    /// Start `gatescope ARGS` with `GATESCOPE_HOME=home` in a 140x40 terminal.
    pub fn spawn(args: &[&str], home: &Path) -> PtyApp {
        PtyApp::spawn_with_env(args, home, &[])
    }

    /// [`PtyApp::spawn`] with extra environment variables (e.g. `EDITOR`).
    pub fn spawn_with_env(args: &[&str], home: &Path, env: &[(&str, &str)]) -> PtyApp {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_gatescope"));
        cmd.args(args);
        cmd.env("GATESCOPE_HOME", home);
        cmd.env("TERM", "xterm-256color");
        cmd.env("GATESCOPE_LOG", "gatescope=debug");
        // No AWS surprises from the machine running the tests.
        for var in [
            "AWS_PROFILE",
            "AWS_ENDPOINT_URL",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
        ] {
            cmd.env_remove(var);
        }
        cmd.env_remove("VISUAL");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.cwd(env!("CARGO_MANIFEST_DIR"));
        let started = Instant::now();
        let child = pty
            .slave
            .spawn_command(cmd)
            .expect("spawn gatescope in the pty");
        drop(pty.slave);
        let mut reader = pty.master.try_clone_reader().expect("pty reader");
        let writer = pty.master.take_writer().expect("pty writer");
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(ROWS).expect("rows"),
            std::num::NonZero::new(COLS).expect("cols"),
            0,
        )));
        let first_output = Arc::new(Mutex::new(None));
        let eof = Arc::new(Mutex::new(false));
        let raw = Arc::new(Mutex::new(Vec::new()));
        {
            let (parser, first_output, eof, raw) = (
                parser.clone(),
                first_output.clone(),
                eof.clone(),
                raw.clone(),
            );
            std::thread::spawn(move || {
                let mut buf = [0u8; 8192];
                loop {
                    match reader.read(&mut buf) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => {
                            first_output
                                .lock()
                                .unwrap()
                                .get_or_insert_with(Instant::now);
                            parser.lock().unwrap().process(&buf[..n]);
                            raw.lock().unwrap().extend_from_slice(&buf[..n]);
                        }
                    }
                }
                *eof.lock().unwrap() = true;
            });
        }
        PtyApp {
            parser,
            raw,
            first_output,
            eof,
            started,
            writer,
            child,
            master: pty.master,
        }
    }

    /// The screen as text, one line per row.
    pub fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Whether the program is on the alternate screen (the TUI) right now.
    pub fn alternate_screen(&self) -> bool {
        self.parser.lock().unwrap().screen().alternate_screen()
    }

    /// Whether the cursor is hidden right now (the TUI hides it).
    pub fn cursor_hidden(&self) -> bool {
        self.parser.lock().unwrap().screen().hide_cursor()
    }

    /// Where `needle` last occurs in everything the program wrote.
    pub fn last_output_of(&self, needle: &[u8]) -> Option<usize> {
        let raw = self.raw.lock().unwrap();
        raw.windows(needle.len()).rposition(|w| w == needle)
    }

    /// Whether the pty's line discipline is in cooked mode (echo and line
    /// editing on), i.e. raw mode is off. `None` when it cannot be read.
    pub fn cooked_mode(&self) -> Option<bool> {
        use nix::sys::termios::LocalFlags;
        let termios = self.master.get_termios()?;
        Some(
            termios
                .local_flags
                .contains(LocalFlags::ICANON | LocalFlags::ECHO),
        )
    }

    /// Time from spawn to the first byte the program wrote.
    pub fn first_output_after(&self) -> Option<Duration> {
        self.first_output.lock().unwrap().map(|t| t - self.started)
    }

    /// Wait until the screen contains `needle`; panic with the screen if not.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if screen.contains(needle) {
                return screen;
            }
            if Instant::now() > deadline || self.exited() {
                panic!("`{needle}` did not appear within {timeout:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Wait until `pred(screen)` holds.
    pub fn wait_until(
        &mut self,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.screen();
            if pred(&screen) {
                return screen;
            }
            if Instant::now() > deadline || self.exited() {
                panic!("{what}: not seen within {timeout:?}; screen:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Type raw text (characters reach the app as key presses).
    pub fn type_text(&mut self, text: &str) {
        self.writer
            .write_all(text.as_bytes())
            .expect("write to pty");
        self.writer.flush().ok();
        std::thread::sleep(Duration::from_millis(30));
    }

    /// Press a named key: Enter, Esc, Tab, BackTab, Up, Down, Ctrl-C,
    /// Ctrl-S, Ctrl-U, or a character.
    pub fn press(&mut self, key: &str) {
        let bytes: &[u8] = match key {
            "Enter" => b"\r",
            "Esc" => b"\x1b",
            "Tab" => b"\t",
            "BackTab" => b"\x1b[Z",
            "Up" => b"\x1b[A",
            "Down" => b"\x1b[B",
            "Ctrl-C" => b"\x03",
            "Ctrl-S" => b"\x13",
            "Ctrl-U" => b"\x15",
            other => other.as_bytes(),
        };
        self.writer.write_all(bytes).expect("write to pty");
        self.writer.flush().ok();
        // A lone ESC is told apart from an escape sequence by a pause.
        std::thread::sleep(Duration::from_millis(if key == "Esc" { 120 } else { 40 }));
    }

    /// Wait for the program to exit; returns whether it exited successfully.
    pub fn wait_exit(&mut self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Let the reader drain the last bytes (terminal restore sequences).
                let drained = Instant::now() + Duration::from_secs(2);
                while !*self.eof.lock().unwrap() && Instant::now() < drained {
                    std::thread::sleep(Duration::from_millis(10));
                }
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!(
                    "gatescope did not exit within {timeout:?}; screen:\n{}",
                    self.screen()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Assert the terminal is back to normal: main screen, cursor visible,
    /// no mouse reporting, cooked mode (echo and line editing on).
    pub fn assert_restored(&self) {
        let parser = self.parser.lock().unwrap();
        let screen = parser.screen();
        assert!(!screen.alternate_screen(), "still on the alternate screen");
        assert!(!screen.hide_cursor(), "cursor still hidden");
        assert_eq!(
            screen.mouse_protocol_mode(),
            vt100::MouseProtocolMode::None,
            "mouse capture still on"
        );
        if let Some(termios) = self.master.get_termios() {
            use nix::sys::termios::LocalFlags;
            assert!(
                termios
                    .local_flags
                    .contains(LocalFlags::ICANON | LocalFlags::ECHO),
                "raw mode still on: {:?}",
                termios.local_flags
            );
        }
        drop(parser);
        // The restore sequences were really written, after the last switch
        // to the alternate screen / hide-cursor (not just never sent).
        let entered = self.last_output_of(b"\x1b[?1049h");
        let left = self.last_output_of(b"\x1b[?1049l");
        assert!(
            left.is_some() && left > entered,
            "no leave-alternate-screen (ESC[?1049l) after the last enter"
        );
        let hidden = self.last_output_of(b"\x1b[?25l");
        let shown = self.last_output_of(b"\x1b[?25h");
        assert!(
            shown.is_some() && shown > hidden,
            "no show-cursor (ESC[?25h) after the last hide"
        );
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
        }
    }
}

/// `GET path` on `host:port` over plain HTTP (the demo gateway from
/// outside); returns the status code.
pub fn http_get(addr: &str, path: &str) -> u16 {
    let mut s = std::net::TcpStream::connect(addr).expect("connect to the demo gateway");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("an HTTP status line")
}

/// A demo scenario as `assets/demo/scenarios.toml` says it (and `apis.toml` names its
/// API): what the pty tests send and expect, so they follow the scenario file.
pub struct DemoScenario {
    pub api_name: String,
    pub method: String,
    /// The first path segment: the stage (or a custom domain's base path).
    pub stage: String,
    /// The path after it, without the query string.
    pub route: String,
    pub status: u16,
    pub doctor: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<String>,
}

/// The demo scenario `name` (panics, naming it, when there is none).
pub fn demo_scenario(name: &str) -> DemoScenario {
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
    // The path starts with the stage (no `$default` stage in the demo).
    let path = field("path");
    let (stage, route) = path[1..].split_once('/').expect("/stage/route");
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(|b| b.as_array())
            .map(|b| {
                b.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    DemoScenario {
        api_name: api["name"].as_str().expect("name").to_string(),
        method: field("method"),
        stage: stage.to_string(),
        route: format!("/{}", route.split('?').next().unwrap_or_default()),
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
        body: strings(s.get("expectBody")),
    }
}
