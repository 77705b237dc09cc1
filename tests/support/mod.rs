//! Shared test harness: a Python venv with moto + boto3 under `target/`, a
//! moto server on a random loopback port, and helpers to run Python scripts
//! (seeding with boto3, signing with botocore).
//!
//! Set-up happens on first use and fails loudly (panics with the reason)
//! when it cannot: tests never skip.
#![allow(dead_code)]

pub mod aws;
pub mod fake_cloudwatch;
pub mod fake_control_plane;
pub mod fake_http;
pub mod fake_real_calls;

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Python defining `create_function(name, timeout=3) -> arn` for seed scripts.
pub const LAMBDA_FUNCTIONS: &str = include_str!("lambda_functions.py");

/// Pinned so CI and laptops test against the same emulator.
const PIP_PACKAGES: &[&str] = &[
    "moto[apigateway,apigatewayv2,logs,awslambda,iam,sts,server]==5.2.5",
    "flask",
    "flask-cors",
    "boto3",
];

pub fn target_dir() -> PathBuf {
    if let Some(t) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(t);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("target")
}

/// The venv's directory, created and filled on first use (once per machine;
/// a lock directory keeps parallel test binaries from racing).
pub fn venv() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| {
        let dir = target_dir().join("test-venv");
        let ready = dir.join(".ready");
        if ready.exists() {
            return dir;
        }
        let lock = target_dir().join("test-venv.lock");
        std::fs::create_dir_all(target_dir()).expect("create target dir");
        let started = Instant::now();
        // mkdir is atomic: whoever creates the lock builds the venv.
        while std::fs::create_dir(&lock).is_err() {
            if ready.exists() {
                return dir;
            }
            if started.elapsed() > Duration::from_secs(600) {
                panic!(
                    "timed out waiting for {} (remove it if stale)",
                    lock.display()
                );
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        let result = (|| -> Result<(), String> {
            if ready.exists() {
                return Ok(());
            }
            let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
            run(Command::new(&python).args(["-m", "venv"]).arg(&dir))?;
            let pip = dir.join("bin/pip");
            run(Command::new(&pip)
                .args(["install", "--quiet", "--disable-pip-version-check"])
                .args(PIP_PACKAGES))?;
            std::fs::write(&ready, "ok").map_err(|e| e.to_string())
        })();
        let _ = std::fs::remove_dir(&lock);
        if let Err(e) = result {
            panic!("could not set up the test venv at {}: {e}", dir.display());
        }
        dir
    })
}

fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{cmd:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// Path of the venv's python.
pub fn python() -> PathBuf {
    venv().join("bin/python")
}

/// Run a Python script (source text) in the venv with arguments; returns stdout.
/// Panics with stderr on failure.
pub fn run_python(script: &str, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd = Command::new(python());
    cmd.arg("-c").arg(script).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run python");
    if !out.status.success() {
        panic!(
            "python script failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).expect("utf-8 stdout")
}

/// A free loopback port (bound then released).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Wait until something accepts TCP connections on 127.0.0.1:port.
pub fn wait_for_port(port: u16, timeout: Duration) {
    let start = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > timeout {
            panic!("nothing listened on 127.0.0.1:{port} within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A running `moto_server`, killed on drop.
pub struct Moto {
    pub port: u16,
    child: Child,
}

impl Moto {
    pub fn start() -> Moto {
        let bin = venv().join("bin/moto_server");
        let port = free_port();
        let child = Command::new(&bin)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {}: {e}", bin.display()));
        wait_for_port(port, Duration::from_secs(30));
        Moto { port, child }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Environment for AWS clients (Rust SDK, boto3, the gatescope binary)
    /// pointed at this server with dummy credentials.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_SESSION_TOKEN", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.url()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }

    /// Run a boto3 script with [`LAMBDA_FUNCTIONS`] in scope; returns stdout.
    pub fn python_with_functions(&self, script: &str, args: &[&str]) -> String {
        self.python(&format!("{LAMBDA_FUNCTIONS}\n{script}"), args)
    }

    /// Run a boto3 script against this server; returns stdout.
    pub fn python(&self, script: &str, args: &[&str]) -> String {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        run_python(script, args, &env)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Path to the built gatescope binary (cargo builds it for integration tests).
pub fn gatescope_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_gatescope"))
}

/// `../shared/fixtures/...` (used in place, never copied).
pub fn shared_fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/fixtures")
        .join(rel)
}
