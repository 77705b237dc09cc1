//! Every sent request, per API (newest first, bounded), re-openable and
//! re-sendable: `data_dir()/history/{key}.json`, where the key is the API id
//! (or the host, for free URLs that are not execute-api hosts).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::{load_json, peek_json, save_json_compact};
use super::{StoreError, StoreOptions, file_stem, now_ms};
use crate::domain::{HttpRequest, HttpResponse, RequestDraft};
use crate::engines::redact::Redactor;

/// Entries kept per API; older ones fall off.
pub const DEFAULT_LIMIT: usize = 200;

/// How a send ended (no body: bodies can be large and hold personal data).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub status: Option<u16>,
    pub total_ms: Option<f64>,
    pub body_size: Option<u64>,
    pub request_id: Option<String>,
    /// Network error, timeout or "cancelled".
    pub error: Option<String>,
}

impl Outcome {
    pub fn from_response(resp: &HttpResponse) -> Outcome {
        Outcome {
            status: Some(resp.status),
            total_ms: Some(resp.timing.total_ms),
            body_size: Some(resp.body_size),
            request_id: resp.request_id().map(str::to_string),
            error: None,
        }
    }

    pub fn from_error(message: impl Into<String>) -> Outcome {
        Outcome {
            error: Some(message.into()),
            ..Default::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryEntry {
    pub id: String,
    pub sent_at_ms: i64,
    /// What to re-open in the composer.
    pub draft: RequestDraft,
    /// The request as it went out (signature headers included, redacted).
    pub request: HttpRequest,
    pub outcome: Outcome,
    /// False only when the user turned redaction off.
    #[serde(default = "yes")]
    pub redacted: bool,
}

fn yes() -> bool {
    true
}

impl HistoryEntry {
    pub fn new(draft: &RequestDraft, sent: &HttpRequest, outcome: Outcome) -> HistoryEntry {
        HistoryEntry {
            id: uuid::Uuid::new_v4().to_string(),
            sent_at_ms: now_ms(),
            draft: draft.clone(),
            request: sent.clone(),
            outcome,
            redacted: false,
        }
    }
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct HistoryFile {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    entries: Vec<HistoryEntry>,
}

/// [`HistoryFile`] borrowed, so saving does not clone every entry.
#[derive(Serialize)]
struct HistoryFileRef<'a> {
    version: u32,
    entries: &'a [HistoryEntry],
}

/// What the file looked like when last read or written: when it still looks
/// so, no other gatescope wrote meanwhile. Every write is a new file renamed
/// into place, so the inode changes with it even within one mtime tick.
type Stamp = (std::time::SystemTime, u64, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some((m.modified().ok()?, m.len(), ino))
}

/// One API's history.
#[derive(Debug)]
pub struct History {
    path: PathBuf,
    key: String,
    entries: Vec<HistoryEntry>,
    limit: usize,
    options: StoreOptions,
    /// Set when the file was unreadable and copied aside on open.
    pub warning: Option<String>,
    /// The file's stamp when this history last read or wrote it.
    seen: Option<Stamp>,
}

impl History {
    /// The history key of a draft: its API id, else the URL's host.
    pub fn key_for(draft: &RequestDraft) -> String {
        if let Some(id) = draft.target.api_id.as_deref().filter(|s| !s.is_empty()) {
            return id.to_string();
        }
        url::Url::parse(&draft.base_url)
            .ok()
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}_{p}"),
                    None => h.to_string(),
                })
            })
            .unwrap_or_else(|| "_other".into())
    }

    /// Folder of all history files.
    pub fn dir() -> PathBuf {
        crate::paths::data_dir().join("history")
    }

    pub fn open(key: &str, options: StoreOptions) -> Result<History, StoreError> {
        History::open_in(&History::dir(), key, options)
    }

    pub fn open_in(dir: &Path, key: &str, options: StoreOptions) -> Result<History, StoreError> {
        let path = dir.join(format!("{}.json", file_stem(key)));
        let loaded = load_json::<HistoryFile>(&path)?;
        let seen = stamp(&path);
        Ok(History {
            seen,
            path,
            key: key.to_string(),
            entries: loaded.value.entries,
            limit: DEFAULT_LIMIT,
            options,
            warning: loaded.warning,
        })
    }

    pub fn with_limit(mut self, limit: usize) -> History {
        self.limit = limit.max(1);
        self
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Newest first.
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    pub fn get(&self, id: &str) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Add `entry` (redacted with `redactor` unless secrets are to be
    /// stored), newest first, and write the file. Entries written meanwhile
    /// by another gatescope are kept.
    pub fn record(
        &mut self,
        mut entry: HistoryEntry,
        redactor: &Redactor,
    ) -> Result<&HistoryEntry, StoreError> {
        if !self.options.store_secrets {
            entry.draft = redactor.draft(&entry.draft);
            entry.request = redactor.request(&entry.request);
            entry.outcome.error = entry.outcome.error.map(|e| redactor.text(&e));
            entry.redacted = true;
        }
        // Re-read so two running gatescopes do not drop each other's entries
        // (skipped when the file is as we left it: `send` is timed whole-process).
        if stamp(&self.path) != self.seen
            && let Some(fresh) = peek_json::<HistoryFile>(&self.path)
        {
            self.entries = fresh.entries;
        }
        self.entries.insert(0, entry);
        self.entries.truncate(self.limit);
        self.save()?;
        Ok(&self.entries[0])
    }

    /// Forget one entry.
    pub fn remove(&mut self, id: &str) -> Result<bool, StoreError> {
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        if self.entries.len() == before {
            return Ok(false);
        }
        self.save()?;
        Ok(true)
    }

    fn save(&mut self) -> Result<(), StoreError> {
        // Compact: the file is rewritten on every send (up to 200 entries).
        save_json_compact(
            &self.path,
            &HistoryFileRef {
                version: 1,
                entries: &self.entries,
            },
        )?;
        self.seen = stamp(&self.path);
        Ok(())
    }

    /// Keys with a history file, for a "history of every API" view.
    pub fn keys() -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(History::dir()) else {
            return Vec::new();
        };
        let mut keys: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                name.strip_suffix(".json").map(str::to_string)
            })
            .collect();
        keys.sort();
        keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AuthMode, Field};
    use crate::engines::compose::draft_from_url;

    fn draft() -> RequestDraft {
        let mut d = draft_from_url(
            "GET",
            "https://abc.execute-api.us-east-1.amazonaws.com/p?x=1",
        )
        .unwrap();
        d.headers.push(Field::new("x-api-key", "supersecretkey"));
        d.auth = AuthMode::Jwt {
            token: "tok.tok.tok".into(),
        };
        d
    }

    #[test]
    fn newest_first_bounded_and_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let d = draft();
        assert_eq!(History::key_for(&d), "abc");
        let mut h = History::open_in(dir.path(), "abc", StoreOptions::default())
            .unwrap()
            .with_limit(3);
        let r = Redactor::for_auth(&d.auth);
        let mut sent = HttpRequest::new(
            "GET",
            "https://abc.execute-api.us-east-1.amazonaws.com/p?x=1",
        );
        sent.headers
            .push(("x-api-key".into(), "supersecretkey".into()));
        for i in 0..5 {
            let mut o = Outcome::from_error("x");
            o.status = Some(200 + i);
            h.record(HistoryEntry::new(&d, &sent, o), &r).unwrap();
        }
        assert_eq!(h.entries().len(), 3);
        assert_eq!(h.entries()[0].outcome.status, Some(204));
        let text = std::fs::read_to_string(h.path()).unwrap();
        assert!(
            !text.contains("supersecretkey") && !text.contains("tok.tok.tok"),
            "{text}"
        );
        let again = History::open_in(dir.path(), "abc", StoreOptions::default()).unwrap();
        assert_eq!(again.entries(), h.entries());
        let id = again.entries()[1].id.clone();
        assert!(again.get(&id).unwrap().redacted);
    }

    #[test]
    fn two_gatescopes_keep_each_others_entries() {
        let dir = tempfile::tempdir().unwrap();
        let d = draft();
        let r = Redactor::for_auth(&d.auth);
        let sent = HttpRequest::new("GET", "https://abc.execute-api.us-east-1.amazonaws.com/p");
        let entry = |status| {
            let mut o = Outcome::from_error("x");
            o.status = Some(status);
            HistoryEntry::new(&d, &sent, o)
        };
        let mut a = History::open_in(dir.path(), "abc", StoreOptions::default()).unwrap();
        let mut b = History::open_in(dir.path(), "abc", StoreOptions::default()).unwrap();
        a.record(entry(201), &r).unwrap();
        b.record(entry(202), &r).unwrap();
        // `a` last wrote the file but `b` wrote since: `a` must re-read it.
        a.record(entry(203), &r).unwrap();
        let statuses: Vec<_> = a.entries().iter().map(|e| e.outcome.status).collect();
        assert_eq!(statuses, [Some(203), Some(202), Some(201)]);
        let reopened = History::open_in(dir.path(), "abc", StoreOptions::default()).unwrap();
        assert_eq!(reopened.entries(), a.entries());
    }

    #[test]
    fn secrets_are_kept_only_when_asked() {
        let dir = tempfile::tempdir().unwrap();
        let opts = StoreOptions {
            store_secrets: true,
        };
        let mut h = History::open_in(dir.path(), "k", opts).unwrap();
        let d = draft();
        h.record(
            HistoryEntry::new(
                &d,
                &HttpRequest::new("GET", "http://x/"),
                Outcome::default(),
            ),
            &Redactor::new(),
        )
        .unwrap();
        let text = std::fs::read_to_string(h.path()).unwrap();
        assert!(text.contains("supersecretkey"));
        assert!(!h.entries()[0].redacted);
    }

    #[test]
    fn a_corrupt_history_is_kept_aside_and_recording_continues() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("k.json"), "not json").unwrap();
        let mut h = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        assert!(h.warning.as_deref().unwrap().contains("a copy was kept"));
        h.record(
            HistoryEntry::new(
                &draft(),
                &HttpRequest::new("GET", "http://x/"),
                Outcome::default(),
            ),
            &Redactor::new(),
        )
        .unwrap();
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("k.json.corrupt-")),
            "{names:?}"
        );
        assert_eq!(h.entries().len(), 1);
    }

    #[test]
    fn free_urls_are_keyed_by_host_and_port() {
        let d = draft_from_url("GET", "http://127.0.0.1:8080/x").unwrap();
        assert_eq!(History::key_for(&d), "127.0.0.1_8080");
        assert_eq!(file_stem("../../etc/passwd"), "_.._etc_passwd");
    }
}
