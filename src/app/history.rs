//! The history and the saved requests, as the history page and `:save` use
//! them: list, forget, save. Each call reaches the [`RequestStore`] on a
//! blocking thread (files can be megabytes, and another gatescope may hold
//! their lock), so a view hands these futures to the shell as tasks and
//! never reads a file on the UI loop.

use std::sync::Arc;

use crate::backends::store::RequestStore;
use crate::domain::RequestDraft;
use crate::engines::redact::Redactor;
use crate::store::collections::DEFAULT_COLLECTION;
use crate::store::{HistoryEntry, SavedRow};

/// The store a front end uses: `Arc`, so tasks carry it off the UI loop.
pub(crate) type Store = Arc<dyn RequestStore>;

/// The files under the data dir (the default store of the TUI and the CLI).
pub(crate) fn default_store() -> Store {
    Arc::new(crate::store::FileStore::from_env())
}

/// What the history page shows: one key's sent requests and every saved one.
#[derive(Debug, Default)]
pub struct Listing {
    pub sent: Vec<HistoryEntry>,
    pub saved: Vec<SavedRow>,
    /// Files that could not be read whole, one line (for the page's border).
    pub warning: Option<String>,
}

/// Run `f` with the store on a blocking thread.
async fn blocking<T, F>(store: &Store, f: F) -> Result<T, String>
where
    T: Send + 'static,
    F: FnOnce(&dyn RequestStore) -> T + Send + 'static,
{
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(store.as_ref()))
        .await
        .map_err(|e| format!("the history could not be read: {e}"))
}

/// Both lists for the history page.
pub async fn list(store: Store, key: String) -> Listing {
    let read = blocking(&store, move |s| {
        let mut warnings = Vec::new();
        let sent = match s.sent(&key) {
            Ok(l) => {
                warnings.extend(l.warnings);
                l.items
            }
            Err(e) => {
                warnings.push(e.to_string());
                Vec::new()
            }
        };
        let saved = s.saved();
        warnings.extend(saved.warnings);
        Listing {
            sent,
            saved: saved.items,
            warning: (!warnings.is_empty()).then(|| warnings.join(" · ")),
        }
    })
    .await;
    read.unwrap_or_else(|e| Listing {
        warning: Some(e),
        ..Default::default()
    })
}

/// One stored request to forget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stored {
    Sent { key: String, id: String },
    Saved { collection: String, name: String },
}

/// Forget one request; `Ok(false)` when it was already gone.
pub(crate) async fn forget(store: Store, what: Stored) -> Result<bool, String> {
    blocking(&store, move |s| match &what {
        Stored::Sent { key, id } => s.forget_sent(key, id),
        Stored::Saved { collection, name } => s.forget_saved(collection, name),
    })
    .await?
    .map_err(|e| e.to_string())
}

/// The history key written last (`:history` with nothing selected).
pub(crate) async fn most_recent_key(store: Store) -> Option<String> {
    blocking(&store, |s| s.most_recent_key())
        .await
        .ok()
        .flatten()
}

/// Save `draft` as `spec` (`NAME` or `COLLECTION/NAME`), secrets redacted
/// unless the store keeps them; returns the confirmation line. Blocking:
/// see [`save_in_background`].
pub fn save(store: &dyn RequestStore, spec: &str, draft: &RequestDraft) -> Result<String, String> {
    let (collection, name) = match spec.trim().split_once('/') {
        Some((c, n)) => (c.trim(), n.trim()),
        None => (DEFAULT_COLLECTION, spec.trim()),
    };
    if name.is_empty() || collection.is_empty() {
        return Err("usage: :save NAME or :save COLLECTION/NAME".into());
    }
    let warning = store
        .save(collection, name, draft, &Redactor::for_auth(&draft.auth))
        .map_err(|e| e.to_string())?;
    let mut note = format!("saved `{name}` in collection {collection}");
    if !store.stores_secrets() {
        note.push_str(" (secrets redacted)");
    }
    if let Some(w) = warning {
        note = format!("{note} · {w}");
    }
    Ok(note)
}

/// [`save`] on a blocking thread.
pub(crate) async fn save_in_background(
    store: Store,
    spec: String,
    draft: RequestDraft,
) -> Result<String, String> {
    blocking(&store, move |s| save(s, &spec, &draft)).await?
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::compose::draft_from_url;
    use crate::store::{FileStore, HistoryEntry, Outcome, StoreOptions};

    #[tokio::test]
    async fn list_forget_and_save_go_through_the_store() {
        let tmp = tempfile::tempdir().unwrap();
        let store: Store = Arc::new(FileStore::under(tmp.path(), StoreOptions::default()));
        let draft = draft_from_url("GET", "http://127.0.0.1:9/a").unwrap();
        let req = crate::engines::compose::build(&draft).unwrap();
        let notes = store.record(
            "k",
            HistoryEntry::new(&draft, &req, Outcome::from_error("x")),
            &Redactor::new(),
        );
        assert!(notes.is_empty(), "{notes:?}");
        assert_eq!(
            save(store.as_ref(), "c/one", &draft).unwrap(),
            "saved `one` in collection c (secrets redacted)"
        );
        assert!(save(store.as_ref(), "c/", &draft).is_err());
        let l = list(store.clone(), "k".into()).await;
        assert_eq!((l.sent.len(), l.saved.len()), (1, 1));
        assert!(l.warning.is_none());
        assert_eq!(most_recent_key(store.clone()).await.as_deref(), Some("k"));
        let id = l.sent[0].id.clone();
        let sent = Stored::Sent {
            key: "k".into(),
            id,
        };
        assert_eq!(forget(store.clone(), sent.clone()).await, Ok(true));
        assert_eq!(forget(store.clone(), sent).await, Ok(false));
        let saved = Stored::Saved {
            collection: "c".into(),
            name: "one".into(),
        };
        assert_eq!(forget(store.clone(), saved).await, Ok(true));
        let l = list(store, "k".into()).await;
        assert_eq!((l.sent.len(), l.saved.len()), (0, 0));
    }

    #[tokio::test]
    async fn an_unreadable_file_is_a_warning_not_an_empty_silence() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("history")).unwrap();
        std::fs::write(tmp.path().join("history/k.json"), "{not json").unwrap();
        let store: Store = Arc::new(FileStore::under(tmp.path(), StoreOptions::default()));
        let l = list(store, "k".into()).await;
        assert!(l.sent.is_empty());
        assert!(l.warning.unwrap().contains("corrupt"));
    }
}
