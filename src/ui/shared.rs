//! What every page may read (and tasks may update): the backend, the
//! inventory, the theme and keymap, the status line.

use super::keymap::Keymap;
use super::theme::Theme;
use crate::backends::Backend;
use crate::domain::Api;

/// The APIs known so far. Pages look APIs up by id at render time, so a
/// refresh flows into every open page.
#[derive(Debug, Default)]
pub struct InventoryState {
    pub apis: Vec<Api>,
    /// True while `apis` comes from the disk cache and a refresh is running.
    pub stale: bool,
    /// True until the API list has loaded once.
    pub loading: bool,
    /// Why the last load failed, if it did.
    pub error: Option<String>,
    /// Families of APIs that could not be listed (e.g. "REST APIs unavailable: ...").
    pub problems: Vec<String>,
    /// Epoch ms of the data shown (cache or live).
    pub fetched_at_ms: i64,
    /// Bumped on every change so lists know to re-filter.
    pub generation: u64,
}

impl InventoryState {
    pub fn api(&self, id: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.id == id)
    }

    /// Insert or replace one API (matched by id), keeping the list order.
    pub fn upsert(&mut self, api: Api) {
        match self.apis.iter_mut().find(|a| a.id == api.id) {
            Some(slot) => *slot = api,
            None => self.apis.push(api),
        }
        self.generation += 1;
    }

    /// Replace the list, keeping already-loaded details of APIs that stay.
    pub fn replace_list(&mut self, fresh: Vec<Api>) {
        let old = std::mem::take(&mut self.apis);
        self.apis = fresh
            .into_iter()
            .map(|api| match old.iter().find(|o| o.id == api.id) {
                Some(o) if o.details_loaded && !api.details_loaded => Api {
                    routes: o.routes.clone(),
                    authorizers: o.authorizers.clone(),
                    stages: o.stages.clone(),
                    details_loaded: true,
                    problems: o.problems.clone(),
                    ..api
                },
                _ => api,
            })
            .collect();
        self.generation += 1;
    }
}

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
}

impl Shared {
    pub fn new(backend: Backend, keymap: Keymap, theme: Theme) -> Shared {
        Shared {
            backend,
            inventory: InventoryState {
                loading: true,
                ..Default::default()
            },
            theme,
            keymap,
            status: Status::default(),
            drafts: Default::default(),
            functions: Default::default(),
        }
    }
}
