//! Every sent request, per API (newest first, bounded), re-openable and
//! re-sendable: `data_dir()/history/{key}.json`, where the key is the API id
//! (or the host, for free URLs that are not execute-api hosts), plus its
//! journal `{key}.jsonl`: a send appends one line there (see
//! [`super::journal`]), and every [`COMPACT_AFTER`] lines the journal is
//! folded into the `.json` file.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::{load_json, newer_version_error, peek_json, read_file, save_json_compact};
use super::journal::{self, COMPACT_AFTER, journal_path};
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

/// Entries of the base file (newest first) and of the journal (oldest
/// first) as one list, newest first: an entry in both (a compaction
/// interrupted between writing the base and removing the journal) once.
fn merge(base: Vec<HistoryEntry>, journal: Vec<HistoryEntry>, limit: usize) -> Vec<HistoryEntry> {
    let mut ids = std::collections::HashSet::new();
    journal
        .into_iter()
        .rev()
        .chain(base)
        .filter(|e| ids.insert(e.id.clone()))
        .take(limit)
        .collect()
}

/// The format version of the base file at `path` without parsing its
/// entries: gatescope writes it first (`{"version":1,"entries":[...`).
/// `None` when the file is missing or not JSON at all (the next full open
/// copies it aside); a file laid out otherwise is parsed whole.
fn base_version(path: &Path) -> Result<Option<u32>, StoreError> {
    use std::io::Read;
    let err = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        // Not a regular file (a FIFO would block an open): refused below.
        Ok(_) => return read_file(path).map(|_| None),
        Err(e) => return Err(err(e)),
    }
    let mut head = Vec::with_capacity(64);
    std::fs::File::open(path)
        .and_then(|f| f.take(64).read_to_end(&mut head))
        .map_err(err)?;
    let text = String::from_utf8_lossy(&head);
    let rest = text.trim_start().strip_prefix('{').map(str::trim_start);
    if let Some(v) = rest
        .and_then(|r| r.strip_prefix("\"version\""))
        .and_then(|r| r.trim_start().strip_prefix(':'))
    {
        let digits: String = v
            .trim_start()
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if let Ok(n) = digits.parse() {
            return Ok(Some(n));
        }
    }
    Ok(read_file(path)?
        .and_then(|b| serde_json::from_slice::<HistoryFile>(&b).ok())
        .map(|f| f.version))
}

/// One API's history.
#[derive(Debug)]
pub(crate) struct History {
    path: PathBuf,
    /// The journal beside `path` (`{key}.jsonl`).
    journal: PathBuf,
    entries: Vec<HistoryEntry>,
    limit: usize,
    /// Set when the file was unreadable and copied aside on open.
    pub warning: Option<String>,
    /// The base file's and the journal's stamps when this history last read
    /// or wrote them.
    seen: (Option<Stamp>, Option<Stamp>),
    /// Complete lines in the journal, and how many of them did not parse.
    journal_lines: usize,
    journal_bad: usize,
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

    pub fn open(key: &str) -> Result<History, StoreError> {
        History::open_in(&History::dir(), key)
    }

    pub(crate) fn open_in(dir: &Path, key: &str) -> Result<History, StoreError> {
        let path = Self::base_path(dir, key);
        let journal = journal_path(&path);
        // Stamp before reading: if another gatescope writes in between, the
        // stamp is the old one and the next write re-reads.
        let seen = (stamp(&path), stamp(&journal));
        // The journal before the base file: a compaction by another gatescope
        // in between moves its lines into the base (read next; entries in both
        // count once), where the other order would miss them.
        let lines = journal::read::<HistoryEntry>(&journal)?;
        let loaded = load_json::<HistoryFile>(&path)?;
        let version = loaded.value.version;
        let newer_version = (version > FORMAT_VERSION).then_some(version);
        let bad_note = (lines.bad_lines > 0).then(|| {
            format!(
                "{} line(s) of {} could not be read; the file is copied aside before it is next folded into the history",
                lines.bad_lines,
                journal.display()
            )
        });
        let warning = loaded
            .warning
            .or_else(|| {
                newer_version_error(&path, newer_version, FORMAT_VERSION).map(|e| e.to_string())
            })
            .or(bad_note);
        let journal_entries = HistoryFile {
            version,
            entries: lines.values,
        }
        .into_entries();
        Ok(History {
            seen,
            newer_version,
            entries: merge(loaded.value.into_entries(), journal_entries, DEFAULT_LIMIT),
            path,
            journal,
            limit: DEFAULT_LIMIT,
            warning,
            journal_lines: lines.lines,
            journal_bad: lines.bad_lines,
        })
    }

    fn base_path(dir: &Path, key: &str) -> PathBuf {
        dir.join(format!("{}.json", file_stem(key)))
    }

    /// Record `entry` without reading the history first (a one-shot send
    /// that shows no history): under the lock, one line appended to the
    /// journal; the history is read only when the journal is due to be
    /// compacted. Returns warnings to show (a corrupt file copied aside).
    pub(crate) fn append_in(
        dir: &Path,
        key: &str,
        options: StoreOptions,
        entry: HistoryEntry,
        redactor: &Redactor,
    ) -> Result<Vec<String>, StoreError> {
        let path = Self::base_path(dir, key);
        let journal = journal_path(&path);
        let entry = prepare(entry, redactor, options);
        let _lock = lock::lock(&path)?;
        let newer = base_version(&path)?.filter(|&v| v > FORMAT_VERSION);
        if let Some(e) = newer_version_error(&path, newer, FORMAT_VERSION) {
            return Err(e);
        }
        journal::append(&journal, &entry)?;
        if journal::count_lines(&journal)? < COMPACT_AFTER {
            return Ok(Vec::new());
        }
        // Due: read everything (the lock is held) and fold the journal in.
        let mut h = History::open_in(dir, key)?;
        h.refuse_newer()?;
        h.compact_locked()?;
        Ok(h.warning.into_iter().collect())
    }

    #[cfg(test)]
    pub(crate) fn with_limit(mut self, limit: usize) -> History {
        self.limit = limit.max(1);
        self.entries.truncate(self.limit);
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
        // The entry may be in the journal: fold everything into the base.
        self.compact_locked()?;
        Ok(true)
    }

    fn refuse_newer(&self) -> Result<(), StoreError> {
        newer_version_error(&self.path, self.newer_version, FORMAT_VERSION).map_or(Ok(()), Err)
    }

    /// With the lock held: pick up what another gatescope wrote since this
    /// history last read or wrote its files (skipped when both are as we
    /// left them: an append changes the journal's size, a compaction
    /// renames a new base in). A base that no longer parses was copied aside
    /// on open: what this history holds stands in for it.
    fn refresh_locked(&mut self) -> Result<(), StoreError> {
        let now = (stamp(&self.path), stamp(&self.journal));
        if now == self.seen {
            return Ok(());
        }
        let base = match peek_json::<HistoryFile>(&self.path) {
            Some(fresh) if fresh.version > FORMAT_VERSION => {
                self.newer_version = Some(fresh.version);
                return self.refuse_newer();
            }
            Some(fresh) => fresh.into_entries(),
            None => std::mem::take(&mut self.entries),
        };
        let lines = journal::read::<HistoryEntry>(&self.journal)?;
        self.journal_lines = lines.lines;
        self.journal_bad = lines.bad_lines;
        let journal_entries = HistoryFile {
            version: FORMAT_VERSION,
            entries: lines.values,
        }
        .into_entries();
        self.entries = merge(base, journal_entries, self.limit);
        self.seen = now;
        Ok(())
    }

    /// With the lock held: write the entries held (the merged view, read
    /// under the same lock) as the base file, atomically, then remove the
    /// journal. Complete journal lines that did not parse are copied aside
    /// first: the journal's removal must not be the end of them.
    fn compact_locked(&mut self) -> Result<(), StoreError> {
        if self.journal_bad > 0 {
            let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
            let aside = self
                .journal
                .with_extension(format!("jsonl.corrupt-{stamp}"));
            std::fs::copy(&self.journal, &aside).map_err(|source| StoreError::Backup {
                path: self.journal.clone(),
                source,
            })?;
        }
        // Compact: the file is rewritten every few dozen sends (up to 200 entries).
        save_json_compact(
            &self.path,
            &HistoryFileRef {
                version: FORMAT_VERSION,
                entries: &self.entries,
            },
        )?;
        match std::fs::remove_file(&self.journal) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => {
                return Err(StoreError::Write {
                    path: self.journal.clone(),
                    source,
                });
            }
        }
        self.journal_lines = 0;
        self.journal_bad = 0;
        self.seen = (stamp(&self.path), stamp(&self.journal));
        Ok(())
    }
}

/// `entry` as it is stored: redacted with `redactor` unless secrets are to
/// be kept, bodies capped at [`BODY_CAP`] and the request's body kept once
/// when it is the draft's.
fn prepare(mut entry: HistoryEntry, redactor: &Redactor, options: StoreOptions) -> HistoryEntry {
    // Cut first (with a margin, so a secret straddling the cut is still
    // recognised whole), then redact, then cut to the cap.
    let margin = BODY_CAP + 64 * 1024;
    let draft_len = entry.draft.body.len();
    let request_len = entry.request.body.len();
    let cut_early =
        cap_body(&mut entry.draft.body, margin) | cap_body(&mut entry.request.body, margin);
    if !options.store_secrets {
        entry.draft = redactor.draft(&entry.draft);
        entry.request = redactor.request(&entry.request);
        entry.outcome.error = entry.outcome.error.map(|e| redactor.text(&e));
        entry.redacted = true;
    }
    entry.shrink_for_disk();
    if cut_early {
        entry.body_truncated_from = Some(draft_len.max(request_len) as u64);
    }
    entry
}

#[cfg(test)]
#[path = "history_tests.rs"]
mod tests;
