//! The Health page (`:health [API]`, `H` on a list): what is failing now.
//! With an API: its stage's traffic as sparklines, routes sorted by failure,
//! the top error causes with their finding codes (Enter opens the logs
//! filtered to the cause, `d` runs the doctor on its most recent request),
//! and the functions' invocation health. Without: every API ranked by 5xx.

pub mod page;
mod render;
#[cfg(test)]
mod tests;

use std::time::Duration;

use page::HealthPage;

use crate::ui::commands::CommandCtx;
use crate::ui::page::Effect;

/// `:health [API_ID] [--since 1h]`: with no API, the region ranked by 5xx.
pub(crate) fn cmd_health(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let mut api_id = None;
    let mut since = Duration::from_secs(3600);
    let mut words = args.split_whitespace();
    while let Some(w) = words.next() {
        if w == "--since" {
            let v = words.next().ok_or("usage: :health [API_ID] [--since 1h]")?;
            since =
                humantime::parse_duration(v).map_err(|e| format!(":health --since {v}: {e}"))?;
        } else if w == "all" {
            api_id = Some(None);
        } else if api_id.is_none() {
            api_id = Some(Some(w.to_string()));
        } else {
            return Err("usage: :health [API_ID] [--since 1h]".into());
        }
    }
    // No argument: the API pointed at, else the region.
    let api_id = api_id.unwrap_or_else(|| ctx.selection.api_id.clone());
    if let Some(id) = &api_id {
        let api = ctx.shared.inventory.api(id).ok_or_else(|| {
            format!("API {id} is not in the inventory (any more): press r to reload")
        })?;
        if !api.details_loaded {
            return Err(format!(
                "the stages of {} are still loading: try :health again in a moment",
                api.name
            ));
        }
    }
    let mut page = HealthPage::new(api_id, ctx.selection.stage_name.clone(), since);
    let start = page.start(ctx.shared);
    Ok(vec![Effect::PushWith(Box::new(page), start)])
}
