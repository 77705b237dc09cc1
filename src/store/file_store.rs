//! [`FileStore`]: the [`RequestStore`] of JSON files under the data dir
//! (`history/{key}.json`, `collections/{name}.json`), or under any two
//! folders (tests).

use std::path::{Path, PathBuf};

use super::{Collection, History, HistoryEntry, SavedRow, StoreError, StoreOptions};
use crate::backends::store::{Listing, RequestStore};
use crate::domain::RequestDraft;
use crate::engines::redact::Redactor;

#[derive(Debug, Clone)]
pub(crate) struct FileStore {
    pub history: PathBuf,
    pub collections: PathBuf,
    pub options: StoreOptions,
}

impl FileStore {
    /// The data dir's folders, options from the environment.
    pub(crate) fn from_env() -> FileStore {
        FileStore {
            history: History::dir(),
            collections: Collection::dir(),
            options: StoreOptions::from_env(),
        }
    }

    /// Both folders under `root` (tests).
    #[cfg(test)]
    pub fn under(root: &Path, options: StoreOptions) -> FileStore {
        FileStore {
            history: root.join("history"),
            collections: root.join("collections"),
            options,
        }
    }
}

/// `*.json` file stems in `dir` with their modification time (a history's
/// journal, `*.jsonl`, counts for its stem: a send only appends there).
fn json_stems(dir: &Path) -> Vec<(String, Option<std::time::SystemTime>)> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut stems: std::collections::BTreeMap<String, Option<std::time::SystemTime>> =
        Default::default();
    for e in rd.filter_map(|e| e.ok()) {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(stem) = name
            .strip_suffix(".json")
            .or_else(|| name.strip_suffix(".jsonl"))
        else {
            continue;
        };
        let t = e.metadata().ok().and_then(|m| m.modified().ok());
        let slot = stems.entry(stem.to_string()).or_default();
        *slot = (*slot).max(t);
    }
    stems.into_iter().collect()
}

impl RequestStore for FileStore {
    fn sent(&self, key: &str) -> Result<Listing<HistoryEntry>, StoreError> {
        let h = History::open_in(&self.history, key)?;
        Ok(Listing {
            warnings: h.warning.clone().into_iter().collect(),
            items: h.entries().to_vec(),
        })
    }

    fn forget_sent(&self, key: &str, id: &str) -> Result<bool, StoreError> {
        History::open_in(&self.history, key)?.remove(id)
    }

    fn record(&self, key: &str, entry: HistoryEntry, redactor: &Redactor) -> Vec<String> {
        // Appended without reading the history (it is read only when its
        // journal is due to be compacted): the cost a one-shot send pays.
        History::append_in(&self.history, key, self.options, entry, redactor)
            .unwrap_or_else(|e| vec![format!("the request was not recorded in the history: {e}")])
    }

    fn most_recent_key(&self) -> Option<String> {
        json_stems(&self.history)
            .into_iter()
            .filter_map(|(stem, t)| Some((t?, stem)))
            .max()
            .map(|(_, stem)| stem)
    }

    fn saved(&self) -> Listing<SavedRow> {
        let mut names: Vec<String> = json_stems(&self.collections)
            .into_iter()
            .map(|(s, _)| s)
            .collect();
        names.sort();
        let mut out = Listing::default();
        for name in names {
            match Collection::open_in(&self.collections, &name, self.options) {
                Ok(c) => {
                    out.warnings.extend(c.warning.clone());
                    out.items.extend(c.requests().iter().map(|r| SavedRow {
                        collection: name.clone(),
                        request: r.clone(),
                    }));
                }
                Err(e) => out.warnings.push(e.to_string()),
            }
        }
        out
    }

    fn save(
        &self,
        collection: &str,
        name: &str,
        draft: &RequestDraft,
        redactor: &Redactor,
    ) -> Result<Option<String>, StoreError> {
        let mut c = Collection::open_in(&self.collections, collection, self.options)?;
        c.save(name, draft, redactor)?;
        Ok(c.warning)
    }

    fn forget_saved(&self, collection: &str, name: &str) -> Result<bool, StoreError> {
        Collection::open_in(&self.collections, collection, self.options)?.remove(name)
    }

    fn stores_secrets(&self) -> bool {
        self.options.store_secrets
    }
}
