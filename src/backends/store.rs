//! Where sent requests (the history) and saved requests (collections) are
//! kept, as the app layer sees it: a small trait, so the use cases in
//! `app::history` and `app::send` do not care that it is JSON files under
//! the data dir (`crate::store::FileStore`), and tests hand in a temp dir.
//!
//! Every method may block (file reads of up to a few MB, an advisory lock
//! held by another gatescope): callers run them off the UI loop
//! (`app::history` wraps them in `spawn_blocking`).

use crate::domain::RequestDraft;
use crate::engines::redact::Redactor;
use crate::store::{HistoryEntry, SavedRow, StoreError};

/// What a read found, with one line per file that could not be read whole
/// (copied aside, written by a newer gatescope).
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<T> {
    pub items: Vec<T>,
    pub warnings: Vec<String>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing {
            items: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

pub trait RequestStore: Send + Sync {
    /// The history of one key (API id, or `host_port`), newest first.
    fn sent(&self, key: &str) -> Result<Listing<HistoryEntry>, StoreError>;

    /// Forget one sent request; false when it was not there.
    fn forget_sent(&self, key: &str, id: &str) -> Result<bool, StoreError>;

    /// Add a sent request (redacted with `redactor` unless the store keeps
    /// secrets); returns one line per problem met on the way (a corrupt
    /// file copied aside), never failing the send itself.
    fn record(&self, key: &str, entry: HistoryEntry, redactor: &Redactor) -> Vec<String>;

    /// The history key written last, for `:history` with nothing selected.
    fn most_recent_key(&self) -> Option<String>;

    /// Every collection's saved requests, collections by name.
    fn saved(&self) -> Listing<SavedRow>;

    /// Keep `draft` as `name` in `collection` (redacted unless the store
    /// keeps secrets); returns a warning about the file, if any.
    fn save(
        &self,
        collection: &str,
        name: &str,
        draft: &RequestDraft,
        redactor: &Redactor,
    ) -> Result<Option<String>, StoreError>;

    /// Forget one saved request; false when it was not there.
    fn forget_saved(&self, collection: &str, name: &str) -> Result<bool, StoreError>;

    /// Whether secrets are kept unredacted (the `:save` note says so).
    fn stores_secrets(&self) -> bool;
}
