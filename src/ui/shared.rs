//! What every page may read (and tasks may update): the backend, the
//! inventory (the app's reducer: pages look APIs up by id at render time,
//! so a refresh flows into every open page), the theme and keymap, the
//! status line.

use super::keymap::Keymap;
use super::theme::Theme;
pub use crate::app::inventory::InventoryState;
use crate::backends::Backend;

/// The status line's changing parts.
#[derive(Debug, Default)]
pub struct Status {
    /// Last note (cleared by the next action).
    pub info: Option<String>,
    /// Last error (stays until the next error or `Esc` at the top).
    pub error: Option<String>,
    /// Labels of running background tasks (the spinner shows while non-empty).
    pub running: Vec<String>,
    /// Spinner frame, advanced by ticks while tasks run.
    pub spinner: usize,
    /// Every message shown this session, oldest first (at most
    /// [`MESSAGE_LOG_CAP`]): `:messages` shows them in full after they expire.
    pub log: std::collections::VecDeque<LoggedMessage>,
}

pub(crate) const MESSAGE_LOG_CAP: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Error,
    Info,
}

/// One status-line message as it first showed.
#[derive(Debug, Clone)]
pub struct LoggedMessage {
    /// Local wall-clock time, `HH:MM:SS`.
    pub at: String,
    pub kind: MessageKind,
    pub text: String,
}

impl Status {
    /// Keep a message for `:messages` (the oldest goes past the cap).
    pub(crate) fn remember(&mut self, kind: MessageKind, text: &str) {
        if self.log.len() == MESSAGE_LOG_CAP {
            self.log.pop_front();
        }
        self.log.push_back(LoggedMessage {
            at: chrono::Local::now().format("%H:%M:%S").to_string(),
            kind,
            text: text.to_string(),
        });
    }
}

pub struct Shared {
    pub backend: Backend,
    pub inventory: InventoryState,
    pub theme: Theme,
    pub keymap: Keymap,
    pub status: Status,
    /// Unsent composer drafts by (API id, route key), kept while gatescope
    /// runs so `:send` on the same route restores them.
    pub drafts: std::collections::HashMap<(String, String), crate::domain::RequestDraft>,
    /// Lambda functions' own configuration, read for the doctor's lint.
    pub functions: crate::app::inventory::functions::FunctionCache,
    /// The API list's sparklines, loaded after the inventory.
    pub sparks: super::api_sparks::ApiSparks,
    /// The history and the saved requests (files under the data dir; a
    /// temp dir in tests).
    pub store: crate::app::history::Store,
    /// The session's HTTP client (built on the first send, then reused).
    pub http: crate::app::send::Client,
}

impl Shared {
    pub fn new(backend: Backend, keymap: Keymap, theme: Theme) -> Shared {
        Shared {
            backend,
            inventory: InventoryState::new(),
            theme,
            keymap,
            status: Status::default(),
            drafts: Default::default(),
            functions: Default::default(),
            sparks: Default::default(),
            store: crate::app::history::default_store(),
            http: Default::default(),
        }
    }
}
