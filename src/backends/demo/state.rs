//! The running demo's state file, `data_dir()/demo.json`: which process serves the demo,
//! on which ports, so `gatescope demo SUBCOMMAND` (and a second TUI) talk to it instead of
//! starting a gateway of their own. It names ports and a random instance id, nothing
//! secret (the demo's signing key is published with gatescope anyway).
//!
//! A file whose process is gone, or whose control port answers with another instance id
//! (the port was reused), is stale: callers say so and carry on without it.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Bumped when the shape changes; other versions are treated as stale.
const VERSION: u32 = 2;

/// The path every demo and client agree on.
pub fn path() -> PathBuf {
    crate::paths::data_dir().join("demo.json")
}

/// What a running demo publishes about itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoState {
    pub version: u32,
    pub pid: u32,
    /// Random per run: tells this demo apart from a later one on the same ports.
    pub instance: String,
    /// The issuer's listener, which also answers the control calls (`/_gatescope/...`).
    pub control_url: String,
    /// API id → `http://127.0.0.1:PORT` (the API's execute-api host).
    pub apis: BTreeMap<String, String>,
    /// Custom domain name → `http://127.0.0.1:PORT` (the listener standing in for it).
    #[serde(default)]
    pub domains: BTreeMap<String, String>,
    pub started_at_ms: i64,
}

impl DemoState {
    pub fn new(
        instance: String,
        control_url: String,
        apis: BTreeMap<String, String>,
        domains: BTreeMap<String, String>,
    ) -> Self {
        DemoState {
            version: VERSION,
            pid: std::process::id(),
            instance,
            control_url,
            apis,
            domains,
            started_at_ms: chrono::Utc::now().timestamp_millis(),
        }
    }

    /// Publish this state (atomically: a reader never sees half a file).
    pub fn write(&self) -> std::io::Result<()> {
        let bytes = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        crate::paths::write_atomic(&path(), &bytes)
    }

    /// Remove the file if it still names this demo (a later demo may have replaced it).
    pub(crate) fn remove_if_ours(&self) {
        if let Ok(Some(on_disk)) = read()
            && on_disk.instance == self.instance
        {
            let _ = std::fs::remove_file(path());
        }
    }
}

/// What the state file says about a running demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    /// No file: no demo is running (as far as gatescope knows).
    None,
    /// A demo that answers as the file says.
    Running(DemoState),
    /// The file names a demo that is gone; `why` says how that was found.
    Stale { why: String },
}

fn read() -> std::io::Result<Option<DemoState>> {
    match std::fs::read(path()) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

/// The control call a client makes to check the demo is the one in the file.
pub(crate) const HELLO_PATH: &str = "/_gatescope/demo";

/// Find the running demo: the file exists, its process lives, and its control port
/// answers with the same instance id. A stale file is removed (it can only mislead).
pub async fn find() -> Lookup {
    let state = match read() {
        Ok(None) => return Lookup::None,
        Ok(Some(s)) => s,
        Err(e) => {
            return Lookup::Stale {
                why: format!("cannot read {}: {e}", path().display()),
            };
        }
    };
    let why = if state.version != VERSION {
        Some(format!(
            "it was written by another gatescope version ({})",
            state.version
        ))
    } else if !process_alive(state.pid) {
        Some(format!("process {} is gone", state.pid))
    } else {
        match hello(&state.control_url).await {
            Ok(instance) if instance == state.instance => None,
            Ok(_) => Some(format!("{} is now another demo", state.control_url)),
            Err(e) => Some(format!("{} does not answer ({e})", state.control_url)),
        }
    };
    match why {
        None => Lookup::Running(state),
        Some(why) => {
            let _ = std::fs::remove_file(path());
            Lookup::Stale { why }
        }
    }
}

/// The answer of [`HELLO_PATH`]: `{"instance": "..."}`.
async fn hello(control_url: &str) -> Result<String, String> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(2))
        .no_proxy()
        .build()
        .map_err(|e| e.to_string())?;
    let resp = client
        .get(format!("{control_url}{HELLO_PATH}"))
        .send()
        .await
        .map_err(|e| short(&e))?;
    let bytes = resp.bytes().await.map_err(|e| short(&e))?;
    let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
    v["instance"]
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| "no instance id in its answer".to_string())
}

fn short(e: &reqwest::Error) -> String {
    if e.is_connect() {
        "connection refused".into()
    } else if e.is_timeout() {
        "timed out".into()
    } else {
        e.to_string()
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = i32::try_from(pid) else {
        return false;
    };
    // Signal 0 checks existence only. EPERM means it exists but is someone else's.
    // SAFETY: kill with signal 0 sends nothing.
    let r = unsafe { libc::kill(pid, 0) };
    r == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    // The control port's instance check decides.
    true
}
