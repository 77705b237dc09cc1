//! Named saved requests: `data_dir()/collections/{name}.json`. Saving under
//! an existing name replaces that request; everything else in the file is
//! kept, also requests another gatescope saved meanwhile.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::file::{load_json, newer_version_error, peek_json, save_json};
use super::{StoreError, StoreOptions, file_stem, lock, now_ms};
use crate::domain::RequestDraft;
use crate::engines::redact::Redactor;

pub(crate) const DEFAULT_COLLECTION: &str = "default";

/// The largest body a saved request keeps (bigger ones are refused: a saved
/// request must re-send exactly what was saved, so it is never cut).
pub(crate) const SAVED_BODY_CAP: usize = 8 * 1024 * 1024;

/// The collection file format this gatescope writes; files with a higher
/// version are read as far as possible and never rewritten.
pub(crate) const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedRequest {
    pub name: String,
    pub saved_at_ms: i64,
    pub draft: RequestDraft,
}

/// One saved request and the collection it lives in.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedRow {
    pub collection: String,
    pub request: SavedRequest,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct CollectionFile {
    #[serde(default)]
    version: u32,
    #[serde(default)]
    requests: Vec<SavedRequest>,
}

#[derive(Debug)]
pub(crate) struct Collection {
    path: PathBuf,
    requests: Vec<SavedRequest>,
    options: StoreOptions,
    /// Set when the file was unreadable and copied aside on open, or was
    /// written by a newer gatescope.
    pub warning: Option<String>,
    /// The version of a file written by a newer gatescope: never rewritten.
    newer_version: Option<u32>,
}

impl Collection {
    pub fn dir() -> PathBuf {
        crate::paths::data_dir().join("collections")
    }

    pub(crate) fn open_in(
        dir: &Path,
        name: &str,
        options: StoreOptions,
    ) -> Result<Collection, StoreError> {
        let path = dir.join(format!("{}.json", file_stem(name)));
        let loaded = load_json::<CollectionFile>(&path)?;
        let version = loaded.value.version;
        let newer_version = (version > FORMAT_VERSION).then_some(version);
        let warning = loaded.warning.or_else(|| {
            newer_version_error(&path, newer_version, FORMAT_VERSION).map(|e| e.to_string())
        });
        Ok(Collection {
            path,
            requests: loaded.value.requests,
            options,
            warning,
            newer_version,
        })
    }

    #[cfg(test)]
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// In the order they were first saved.
    pub fn requests(&self) -> &[SavedRequest] {
        &self.requests
    }

    #[cfg(test)]
    pub fn get(&self, name: &str) -> Option<&SavedRequest> {
        self.requests.iter().find(|r| r.name == name)
    }

    /// Save `draft` as `name` (redacted unless secrets are to be stored).
    /// A body over [`SAVED_BODY_CAP`] is refused rather than cut.
    pub fn save(
        &mut self,
        name: &str,
        draft: &RequestDraft,
        redactor: &Redactor,
    ) -> Result<(), StoreError> {
        self.refuse_newer()?;
        if draft.body.len() > SAVED_BODY_CAP {
            return Err(StoreError::Write {
                path: self.path.clone(),
                source: std::io::Error::new(
                    std::io::ErrorKind::FileTooLarge,
                    format!(
                        "the body ({} bytes) is over the {} MiB limit of a saved request",
                        draft.body.len(),
                        SAVED_BODY_CAP / (1024 * 1024)
                    ),
                ),
            });
        }
        let draft = if self.options.store_secrets {
            draft.clone()
        } else {
            redactor.draft(draft)
        };
        let _lock = lock::lock(&self.path)?;
        self.reload()?;
        let saved = SavedRequest {
            name: name.trim().to_string(),
            saved_at_ms: now_ms(),
            draft,
        };
        match self.requests.iter_mut().find(|r| r.name == saved.name) {
            Some(existing) => *existing = saved,
            None => self.requests.push(saved),
        }
        self.write()
    }

    pub fn remove(&mut self, name: &str) -> Result<bool, StoreError> {
        self.refuse_newer()?;
        let _lock = lock::lock(&self.path)?;
        self.reload()?;
        let before = self.requests.len();
        self.requests.retain(|r| r.name != name);
        if before == self.requests.len() {
            return Ok(false);
        }
        self.write()?;
        Ok(true)
    }

    fn refuse_newer(&self) -> Result<(), StoreError> {
        newer_version_error(&self.path, self.newer_version, FORMAT_VERSION).map_or(Ok(()), Err)
    }

    /// With the lock held: pick up what another gatescope saved (only from
    /// a parseable file: an unparseable one was copied aside on open).
    fn reload(&mut self) -> Result<(), StoreError> {
        if let Some(fresh) = peek_json::<CollectionFile>(&self.path) {
            if fresh.version > FORMAT_VERSION {
                self.newer_version = Some(fresh.version);
                return self.refuse_newer();
            }
            self.requests = fresh.requests;
        }
        Ok(())
    }

    /// With the lock held.
    fn write(&self) -> Result<(), StoreError> {
        #[derive(Serialize)]
        struct CollectionFileRef<'a> {
            version: u32,
            requests: &'a [SavedRequest],
        }
        save_json(
            &self.path,
            &CollectionFileRef {
                version: FORMAT_VERSION,
                requests: &self.requests,
            },
        )
    }

    /// Names of every collection on disk.
    pub fn names() -> Vec<String> {
        let Ok(rd) = std::fs::read_dir(Collection::dir()) else {
            return vec![DEFAULT_COLLECTION.to_string()];
        };
        let mut names: Vec<String> = rd
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                e.file_name()
                    .to_string_lossy()
                    .strip_suffix(".json")
                    .map(str::to_string)
            })
            .collect();
        if !names.iter().any(|n| n == DEFAULT_COLLECTION) {
            names.push(DEFAULT_COLLECTION.to_string());
        }
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AuthMode;
    use crate::engines::compose::draft_from_url;

    fn draft(key: &str) -> RequestDraft {
        let mut d = draft_from_url("POST", "http://127.0.0.1:1/items").unwrap();
        d.auth = AuthMode::ApiKey { key: key.into() };
        d.body = b"{\"n\":1}".to_vec();
        d
    }

    #[test]
    fn save_replace_remove_and_redact() {
        let dir = tempfile::tempdir().unwrap();
        let mut c = Collection::open_in(dir.path(), "default", StoreOptions::default()).unwrap();
        let d = draft("key-123456");
        let r = Redactor::for_auth(&d.auth);
        c.save("create", &d, &r).unwrap();
        c.save("other", &d, &r).unwrap();
        c.save("create", &draft("key-123456"), &r).unwrap();
        assert_eq!(c.requests().len(), 2);
        assert_eq!(c.requests()[0].name, "create");
        let text = std::fs::read_to_string(c.path()).unwrap();
        assert!(!text.contains("key-123456"), "{text}");
        assert!(
            text.contains("\"n\\\":1") || text.contains("{\\\"n\\\":1}"),
            "{text}"
        );
        let again = Collection::open_in(dir.path(), "default", StoreOptions::default()).unwrap();
        assert_eq!(again.get("create").unwrap().draft.body, b"{\"n\":1}");
        let mut again = again;
        assert!(again.remove("other").unwrap());
        assert!(!again.remove("other").unwrap());
        assert_eq!(again.requests().len(), 1);
    }

    #[test]
    fn two_writers_keep_each_others_saves() {
        let dir = tempfile::tempdir().unwrap();
        let mut a = Collection::open_in(dir.path(), "c", StoreOptions::default()).unwrap();
        let mut b = Collection::open_in(dir.path(), "c", StoreOptions::default()).unwrap();
        a.save("from-a", &draft("k1k1k1"), &Redactor::new())
            .unwrap();
        b.save("from-b", &draft("k2k2k2"), &Redactor::new())
            .unwrap();
        let names: Vec<&str> = b.requests().iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["from-a", "from-b"]);
    }

    #[test]
    fn newer_versions_stay_untouched_and_huge_bodies_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        let v99 = r#"{"version": 99, "requests": [], "future": true}"#;
        std::fs::write(&p, v99).unwrap();
        let mut c = Collection::open_in(dir.path(), "c", StoreOptions::default()).unwrap();
        assert!(c.warning.as_deref().unwrap().contains("newer gatescope"));
        let e = c.save("x", &draft("k4k4k4"), &Redactor::new()).unwrap_err();
        assert!(e.to_string().contains("version 99"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), v99);

        let mut c = Collection::open_in(dir.path(), "d", StoreOptions::default()).unwrap();
        let mut big = draft("k5k5k5");
        big.body = vec![b'x'; SAVED_BODY_CAP + 1];
        let e = c.save("big", &big, &Redactor::new()).unwrap_err();
        assert!(
            e.to_string().contains("MiB limit of a saved request"),
            "{e}"
        );
        big.body.truncate(SAVED_BODY_CAP);
        c.save("big", &big, &Redactor::new()).unwrap();
        let again = Collection::open_in(dir.path(), "d", StoreOptions::default()).unwrap();
        assert_eq!(again.get("big").unwrap().draft.body.len(), SAVED_BODY_CAP);
    }

    #[test]
    fn a_corrupt_collection_is_backed_up_never_lost() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("c.json");
        std::fs::write(&p, "{\"requests\": [ {\"name\": \"precious\"").unwrap();
        let mut c = Collection::open_in(dir.path(), "c", StoreOptions::default()).unwrap();
        assert!(c.warning.is_some());
        c.save("new", &draft("k3k3k3"), &Redactor::new()).unwrap();
        let backups: Vec<PathBuf> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains("corrupt"))
            .collect();
        assert_eq!(backups.len(), 1);
        assert!(
            std::fs::read_to_string(&backups[0])
                .unwrap()
                .contains("precious")
        );
    }
}
