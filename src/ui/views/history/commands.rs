//! `:history [KEY]` and `:save [COLLECTION/]NAME`: both reach the store
//! through [`crate::app::history`] in tasks, never on the UI loop.

use super::page::HistoryPage;
use crate::store::History;
use crate::ui::commands::CommandCtx;
use crate::ui::page::Effect;
use crate::ui::shared::Shared;

/// `:history`: the selected API's history; `:history KEY` another one (an
/// API id, or `host_port` for free URLs). With nothing selected: the
/// history of the request on screen, else the most recently used one.
pub(crate) fn cmd_history(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let key = match args.trim() {
        "" => ctx
            .selection
            .api_id
            .clone()
            .or_else(|| ctx.draft.as_ref().map(History::key_for)),
        key => Some(key.to_string()),
    };
    if let Some(key) = key {
        return Ok(vec![open(&key, ctx.shared)]);
    }
    let store = ctx.shared.store.clone();
    Ok(vec![Effect::shared_task(
        "reading the history",
        async move {
            let key = crate::app::history::most_recent_key(store).await;
            move |shared: &mut Shared| match key {
                Some(key) => vec![open(&key, shared)],
                None => vec![Effect::Error(
                    "nothing has been sent yet: :send composes a request".into(),
                )],
            }
        },
    )])
}

/// The history page of `key`, named after its API when the inventory knows it.
fn open(key: &str, shared: &Shared) -> Effect {
    let label = shared
        .inventory
        .api(key)
        .map(|a| a.name.clone())
        .unwrap_or_else(|| key.to_string());
    HistoryPage::new(key, &label, shared.store.clone()).open()
}

/// `:save NAME` / `:save COLLECTION/NAME`: keep the request on screen
/// (composer, response, history row) in a collection, secrets redacted.
pub(crate) fn cmd_save(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let draft = ctx
        .draft
        .clone()
        .ok_or("nothing to save here: :save works in the composer, on a response or in :history")?;
    let (store, spec) = (ctx.shared.store.clone(), args.to_string());
    Ok(vec![Effect::shared_task("saving", async move {
        let saved = crate::app::history::save_in_background(store, spec, draft).await;
        move |_: &mut Shared| {
            vec![match saved {
                Ok(note) => Effect::Info(note),
                Err(e) => Effect::Error(e),
            }]
        }
    })])
}
