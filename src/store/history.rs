//! Every sent request, per API (newest first, bounded), re-openable and
//! re-sendable: `data_dir()/history/{key}.json`, where the key is the API id
//! (or the host, for free URLs that are not execute-api hosts).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::{load_json, newer_version_error, peek_json, save_json_compact};
use super::{StoreError, StoreOptions, cap_body, file_stem, lock, now_ms};
use crate::domain::{HttpRequest, HttpResponse, RequestDraft};
use crate::engines::redact::Redactor;

/// Entries kept per API; older ones fall off.
pub(crate) const DEFAULT_LIMIT: usize = 200;

/// Bytes of a request body kept in the history (per entry, stored once);
/// longer bodies are cut and the entry says so ([`HistoryEntry::body_truncated_from`]).
pub(crate) const BODY_CAP: usize = 256 * 1024;

/// The history file format this gatescope reads and writes. A file with a
/// higher version is read as far as it can be and never rewritten.
pub(crate) const FORMAT_VERSION: u32 = 1;

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
    pub(crate) fn from_response(resp: &HttpResponse) -> Outcome {
        Outcome {
            status: Some(resp.status),
            total_ms: Some(resp.timing.total_ms),
            body_size: Some(resp.body_size),
            request_id: resp.request_id().map(str::to_string),
            error: None,
        }
    }

    pub(crate) fn from_error(message: impl Into<String>) -> Outcome {
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
    /// Its body is empty when it was the draft's: read it with
    /// [`HistoryEntry::request_body`].
    pub request: HttpRequest,
    pub outcome: Outcome,
    /// False only when the user turned redaction off.
    #[serde(default = "yes")]
    pub redacted: bool,
    /// The body's real size when it was longer than [`BODY_CAP`] and only
    /// its start was kept: re-sending it would not send the same request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body_truncated_from: Option<u64>,
    /// `request.body` was the draft's body and is kept once, in `draft.body`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    body_in_draft: bool,
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
            body_truncated_from: None,
            body_in_draft: false,
        }
    }

    /// Cap the bodies and keep the request's only once when it is the
    /// draft's (it is, unless auth or the content type changed it).
    fn shrink_for_disk(&mut self) {
        let draft_len = self.draft.body.len();
        let request_len = self.request.body.len();
        if !self.body_in_draft && self.request.body == self.draft.body {
            self.request.body = Vec::new();
            self.body_in_draft = true;
        }
        if cap_body(&mut self.draft.body, BODY_CAP) | cap_body(&mut self.request.body, BODY_CAP) {
            self.body_truncated_from = Some(draft_len.max(request_len) as u64);
        }
    }

    /// The body that went out (kept once when it was the draft's).
    #[cfg(test)]
    pub(crate) fn request_body(&self) -> &[u8] {
        if self.body_in_draft {
            &self.draft.body
        } else {
            &self.request.body
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

impl HistoryFile {
    /// Entries as written by older versions too: bodies shared and capped.
    fn into_entries(self) -> Vec<HistoryEntry> {
        let mut entries = self.entries;
        entries.iter_mut().for_each(HistoryEntry::shrink_for_disk);
        entries
    }
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
pub(crate) struct History {
    path: PathBuf,
    entries: Vec<HistoryEntry>,
    limit: usize,
    options: StoreOptions,
    /// Set when the file was unreadable and copied aside on open.
    pub warning: Option<String>,
    /// The file's stamp when this history last read or wrote it.
    seen: Option<Stamp>,
    /// The version of a file written by a newer gatescope: never rewritten.
    newer_version: Option<u32>,
}

impl History {
    /// The history key of a draft: its API id, else the URL's host.
    pub(crate) fn key_for(draft: &RequestDraft) -> String {
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

    pub(crate) fn open_in(
        dir: &Path,
        key: &str,
        options: StoreOptions,
    ) -> Result<History, StoreError> {
        let path = dir.join(format!("{}.json", file_stem(key)));
        // Stamp before reading: if another gatescope renames a new file in
        // between, the stamp is the old one and the next write re-reads.
        let seen = stamp(&path);
        let loaded = load_json::<HistoryFile>(&path)?;
        let version = loaded.value.version;
        let newer_version = (version > FORMAT_VERSION).then_some(version);
        let warning = loaded.warning.or_else(|| {
            newer_version_error(&path, newer_version, FORMAT_VERSION).map(|e| e.to_string())
        });
        Ok(History {
            seen,
            newer_version,
            entries: loaded.value.into_entries(),
            path,
            limit: DEFAULT_LIMIT,
            options,
            warning,
        })
    }

    #[cfg(test)]
    pub(crate) fn with_limit(mut self, limit: usize) -> History {
        self.limit = limit.max(1);
        self
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Newest first.
    pub fn entries(&self) -> &[HistoryEntry] {
        &self.entries
    }

    #[cfg(test)]
    pub fn get(&self, id: &str) -> Option<&HistoryEntry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Add `entry` (redacted with `redactor` unless secrets are to be
    /// stored; bodies capped at [`BODY_CAP`]), newest first, and write the
    /// file. Entries written meanwhile by another gatescope are kept: the
    /// whole read-modify-write holds the file's lock.
    pub fn record(
        &mut self,
        mut entry: HistoryEntry,
        redactor: &Redactor,
    ) -> Result<&HistoryEntry, StoreError> {
        self.refuse_newer()?;
        // Cut first (with a margin, so a secret straddling the cut is still
        // recognised whole), then redact, then cut to the cap.
        let margin = BODY_CAP + 64 * 1024;
        let draft_len = entry.draft.body.len();
        let request_len = entry.request.body.len();
        let cut_early =
            cap_body(&mut entry.draft.body, margin) | cap_body(&mut entry.request.body, margin);
        if !self.options.store_secrets {
            entry.draft = redactor.draft(&entry.draft);
            entry.request = redactor.request(&entry.request);
            entry.outcome.error = entry.outcome.error.map(|e| redactor.text(&e));
            entry.redacted = true;
        }
        entry.shrink_for_disk();
        if cut_early {
            entry.body_truncated_from = Some(draft_len.max(request_len) as u64);
        }
        let _lock = lock::lock(&self.path)?;
        self.refresh_locked()?;
        self.entries.insert(0, entry);
        self.entries.truncate(self.limit);
        self.save_locked()?;
        Ok(&self.entries[0])
    }

    /// Forget one entry.
    pub fn remove(&mut self, id: &str) -> Result<bool, StoreError> {
        self.refuse_newer()?;
        let _lock = lock::lock(&self.path)?;
        self.refresh_locked()?;
        let before = self.entries.len();
        self.entries.retain(|e| e.id != id);
        if self.entries.len() == before {
            return Ok(false);
        }
        self.save_locked()?;
        Ok(true)
    }

    fn refuse_newer(&self) -> Result<(), StoreError> {
        newer_version_error(&self.path, self.newer_version, FORMAT_VERSION).map_or(Ok(()), Err)
    }

    /// With the lock held: pick up what another gatescope wrote since this
    /// history last read or wrote the file (skipped when the file is as we
    /// left it: every write is a rename, so its stamp changes). An
    /// unparseable file was copied aside on open and is replaced.
    fn refresh_locked(&mut self) -> Result<(), StoreError> {
        if stamp(&self.path) == self.seen {
            return Ok(());
        }
        if let Some(fresh) = peek_json::<HistoryFile>(&self.path) {
            if fresh.version > FORMAT_VERSION {
                self.newer_version = Some(fresh.version);
                return self.refuse_newer();
            }
            self.entries = fresh.into_entries();
        }
        Ok(())
    }

    /// With the lock held: write the file (entries are kept shared and
    /// capped in memory, so nothing is cloned or re-cut here).
    fn save_locked(&mut self) -> Result<(), StoreError> {
        // Compact: the file is rewritten on every send (up to 200 entries).
        save_json_compact(
            &self.path,
            &HistoryFileRef {
                version: FORMAT_VERSION,
                entries: &self.entries,
            },
        )?;
        self.seen = stamp(&self.path);
        Ok(())
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
    fn a_50_mb_body_is_stored_once_capped_and_marked() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = draft_from_url("POST", "http://127.0.0.1:9/big").unwrap();
        d.body = vec![b'a'; 50 * 1024 * 1024];
        let mut sent = HttpRequest::new("POST", "http://127.0.0.1:9/big");
        sent.body = d.body.clone();
        let mut h = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        let e = h
            .record(
                HistoryEntry::new(&d, &sent, Outcome::default()),
                &Redactor::new(),
            )
            .unwrap();
        assert_eq!(e.body_truncated_from, Some(50 * 1024 * 1024));
        assert_eq!(e.request_body().len(), BODY_CAP);
        let size = std::fs::metadata(h.path()).unwrap().len() as usize;
        // Stored once: one capped body plus a little JSON, not two.
        assert!(size > BODY_CAP && size < BODY_CAP + 4096, "{size}");
        let again = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        assert_eq!(again.entries()[0].request_body(), &d.body[..BODY_CAP]);
        assert_eq!(again.entries()[0].draft.body.len(), BODY_CAP);
    }

    #[test]
    fn a_different_request_body_is_kept_separately() {
        let dir = tempfile::tempdir().unwrap();
        let mut d = draft_from_url("POST", "http://127.0.0.1:9/x").unwrap();
        d.body = b"draft".to_vec();
        let mut sent = HttpRequest::new("POST", "http://127.0.0.1:9/x");
        sent.body = b"sent".to_vec();
        let mut h = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        h.record(
            HistoryEntry::new(&d, &sent, Outcome::default()),
            &Redactor::new(),
        )
        .unwrap();
        let again = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        assert_eq!(again.entries()[0].request_body(), b"sent");
        assert_eq!(again.entries()[0].draft.body, b"draft");
        assert_eq!(again.entries()[0].body_truncated_from, None);
    }

    #[test]
    fn a_file_from_a_newer_version_is_read_but_never_rewritten() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("k.json");
        let mut h = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        h.record(
            HistoryEntry::new(
                &draft(),
                &HttpRequest::new("GET", "http://x/"),
                Outcome::default(),
            ),
            &Redactor::new(),
        )
        .unwrap();
        let v1 = std::fs::read_to_string(&p).unwrap();
        let v99 = v1
            .replacen("\"version\":1", "\"version\":99,\"future\":{\"x\":1}", 1)
            .replacen(
                "\"redacted\":true",
                "\"redacted\":true,\"newField\":[1,2]",
                1,
            );
        assert_ne!(v1, v99);
        std::fs::write(&p, &v99).unwrap();
        let mut h = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        assert_eq!(h.entries().len(), 1, "what can be read is read");
        assert!(h.warning.as_deref().unwrap().contains("newer gatescope"));
        let e = h
            .record(
                HistoryEntry::new(
                    &draft(),
                    &HttpRequest::new("GET", "http://x/"),
                    Outcome::default(),
                ),
                &Redactor::new(),
            )
            .unwrap_err();
        assert!(e.to_string().contains("version 99"), "{e}");
        let id = h.entries()[0].id.clone();
        assert!(h.remove(&id).is_err());
        assert_eq!(std::fs::read_to_string(&p).unwrap(), v99, "byte for byte");
        // Also when the newer gatescope wrote after this one opened the file.
        std::fs::write(&p, &v1).unwrap();
        let mut h = History::open_in(dir.path(), "k", StoreOptions::default()).unwrap();
        std::fs::write(&p, &v99).unwrap();
        assert!(
            h.record(
                HistoryEntry::new(
                    &draft(),
                    &HttpRequest::new("GET", "http://x/"),
                    Outcome::default(),
                ),
                &Redactor::new(),
            )
            .is_err()
        );
        assert_eq!(std::fs::read_to_string(&p).unwrap(), v99);
    }

    #[test]
    fn threads_recording_at_once_lose_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_path_buf();
        let workers: Vec<_> = (0..4)
            .map(|w| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for i in 0..25 {
                        // A fresh History per send, like separate processes.
                        let mut h = History::open_in(&path, "k", StoreOptions::default()).unwrap();
                        let o = Outcome {
                            request_id: Some(format!("{w}-{i}")),
                            ..Default::default()
                        };
                        h.record(
                            HistoryEntry::new(&draft(), &HttpRequest::new("GET", "http://x/"), o),
                            &Redactor::new(),
                        )
                        .unwrap();
                    }
                })
            })
            .collect();
        for w in workers {
            w.join().unwrap();
        }
        let h = History::open_in(&path, "k", StoreOptions::default()).unwrap();
        let mut ids: Vec<_> = h
            .entries()
            .iter()
            .map(|e| e.outcome.request_id.clone().unwrap())
            .collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 100);
    }

    #[test]
    fn free_urls_are_keyed_by_host_and_port() {
        let d = draft_from_url("GET", "http://127.0.0.1:8080/x").unwrap();
        assert_eq!(History::key_for(&d), "127.0.0.1_8080");
        assert_eq!(file_stem("../../etc/passwd"), "_.._etc_passwd");
    }
}
