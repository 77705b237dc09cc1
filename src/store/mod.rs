//! What gatescope keeps between runs: the history of sent requests (per API,
//! newest first, bounded) and named saved requests (collections).
//!
//! Files live under [`crate::paths::data_dir`], are JSON, written atomically
//! (temp file + rename; a history's newest entries are lines appended to its
//! journal, [`journal`]), and never hold secrets unless
//! [`StoreOptions::store_secrets`] is turned on explicitly. A file that cannot
//! be parsed is copied aside (`NAME.corrupt-TIMESTAMP`) before anything new
//! is written, and the caller gets a one-line warning saying where the copy is.

pub mod collections;
pub mod file;
pub mod file_store;
pub mod history;
pub mod journal;
pub mod lock;

pub(crate) use collections::Collection;
pub(crate) use collections::SavedRow;

pub(crate) use file::StoreError;

pub(crate) use file_store::FileStore;

pub(crate) use history::History;
pub(crate) use history::HistoryEntry;
pub use history::Outcome;

/// Store-wide settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StoreOptions {
    /// Keep secrets (Authorization, API keys, tokens, cookies) in history and
    /// collections unredacted. Off by default; `gatescope send
    /// --store-secrets` or `GATESCOPE_STORE_SECRETS=1` turn it on.
    pub store_secrets: bool,
}

impl StoreOptions {
    /// From the environment (`GATESCOPE_STORE_SECRETS=1|true|yes`).
    pub(crate) fn from_env() -> StoreOptions {
        let on = std::env::var("GATESCOPE_STORE_SECRETS")
            .map(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "1" | "true" | "yes"))
            .unwrap_or(false);
        StoreOptions { store_secrets: on }
    }
}

/// Cut `body` to `cap` bytes; true when something was cut.
pub(crate) fn cap_body(body: &mut Vec<u8>, cap: usize) -> bool {
    if body.len() > cap {
        body.truncate(cap);
        body.shrink_to_fit();
        true
    } else {
        false
    }
}

/// Milliseconds since the Unix epoch, now.
pub(crate) fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A file-name-safe form of a key (API id, host, collection name).
pub(crate) fn file_stem(key: &str) -> String {
    let s: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "_".into()
    } else {
        s.chars().take(100).collect()
    }
}
