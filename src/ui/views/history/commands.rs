//! `:history [KEY]` and `:save [COLLECTION/]NAME`.

use std::path::Path;

use super::page::{HistoryPage, StoreDirs};
use crate::domain::RequestDraft;
use crate::engines::redact::Redactor;
use crate::store::collections::DEFAULT_COLLECTION;
use crate::store::{Collection, History, StoreOptions};
use crate::ui::commands::CommandCtx;
use crate::ui::page::Effect;

/// `:history`: the selected API's history; `:history KEY` another one (an
/// API id, or `host_port` for free URLs). With nothing selected: the
/// history of the request on screen, else the most recently used one.
pub fn cmd_history(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let dirs = StoreDirs::default();
    let key = match args.trim() {
        "" => ctx
            .selection
            .api_id
            .clone()
            .or_else(|| ctx.draft.as_ref().map(History::key_for))
            .or_else(|| most_recent(&dirs.history))
            .ok_or("nothing has been sent yet: :send composes a request")?,
        key => key.to_string(),
    };
    let label = ctx
        .shared
        .inventory
        .api(&key)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| key.clone());
    Ok(vec![Effect::Push(Box::new(HistoryPage::new(
        &key, &label, dirs,
    )))])
}

/// `:save NAME` / `:save COLLECTION/NAME`: keep the request on screen
/// (composer, response, history row) in a collection, secrets redacted.
pub fn cmd_save(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let draft = ctx
        .draft
        .as_ref()
        .ok_or("nothing to save here: :save works in the composer, on a response or in :history")?;
    let note = save_draft(&Collection::dir(), args, draft, StoreOptions::from_env())?;
    Ok(vec![Effect::Info(note)])
}

/// Save `draft` as `spec` (`NAME` or `COLLECTION/NAME`) under `dir`;
/// returns the confirmation line.
pub fn save_draft(
    dir: &Path,
    spec: &str,
    draft: &RequestDraft,
    options: StoreOptions,
) -> Result<String, String> {
    let (collection, name) = match spec.trim().split_once('/') {
        Some((c, n)) => (c.trim(), n.trim()),
        None => (DEFAULT_COLLECTION, spec.trim()),
    };
    if name.is_empty() || collection.is_empty() {
        return Err("usage: :save NAME or :save COLLECTION/NAME".into());
    }
    let mut c = Collection::open_in(dir, collection, options).map_err(|e| e.to_string())?;
    c.save(name, draft, &Redactor::for_auth(&draft.auth))
        .map_err(|e| e.to_string())?;
    let mut note = format!("saved `{name}` in collection {collection}");
    if !options.store_secrets {
        note.push_str(" (secrets redacted)");
    }
    if let Some(w) = c.warning {
        note = format!("{note} · {w}");
    }
    Ok(note)
}

/// The history key whose file changed last.
fn most_recent(dir: &Path) -> Option<String> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let key = name.strip_suffix(".json")?.to_string();
            Some((e.metadata().ok()?.modified().ok()?, key))
        })
        .max()
        .map(|(_, key)| key)
}
