//! `:send` and `:doctor`: open the composer / the lint view on what the
//! user is pointing at.

use super::example;
use crate::app::diagnose;
use crate::engines::compose;
use crate::ui::commands::CommandCtx;
use crate::ui::page::Effect;
use crate::ui::views::compose::page::ComposePage;
use crate::ui::views::doctor::screen::LintPage;

/// `:send` on a route (its first stage unless one is selected), or
/// `:send METHOD URL` / `:send URL` for a free URL.
pub(crate) fn cmd_send(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let mut words: Vec<&str> = args.split_whitespace().collect();
    // `--origin ORIGIN`: send as a browser on that page would (an `Origin` header).
    let origin = match words.iter().position(|w| *w == "--origin") {
        Some(i) => {
            let o = words
                .get(i + 1)
                .map(|o| o.to_string())
                .ok_or("usage: :send --origin https://app.example.com")?;
            words.drain(i..=i + 1);
            Some(o)
        }
        None => None,
    };
    let mut draft = match words.as_slice() {
        [method, url] => compose::draft_from_url(method, url).map_err(|e| e.to_string())?,
        [url] => compose::draft_from_url("GET", url).map_err(|e| e.to_string())?,
        [] => {
            let sel = &ctx.selection;
            let api = sel
                .api_id
                .as_deref()
                .and_then(|id| ctx.shared.inventory.api(id))
                .ok_or("select an API and a route first, or give a URL: :send GET https://…")?;
            let route = sel
                .route_key
                .as_deref()
                .and_then(|k| api.route(k))
                .or_else(|| api.routes.first())
                .ok_or("this API has no routes loaded yet: give a URL, e.g. :send GET https://…")?;
            let stage = sel
                .stage_name
                .as_deref()
                .and_then(|s| api.stage(s))
                .or_else(|| api.stages.first());
            let mut draft = compose::draft_for_route(api, route, stage);
            set_origin(&mut draft, origin.as_deref());
            let mut page = ComposePage::from_draft(&draft);
            let mut effects = Vec::new();
            if route_takes_body(&draft.method) {
                if ctx.shared.backend.info.demo {
                    if let Some(body) = example::demo_body(&draft) {
                        page.offer_example_body(body.as_bytes());
                    }
                } else {
                    effects.push(example::last_sent_body(&draft));
                }
            }
            let key = (api.id.clone(), route.route_key.clone());
            if let Some(kept) = ctx.shared.drafts.get(&key) {
                // `C` in the restored page still goes back to the route's request;
                // `--origin` applies to the restored draft too.
                let mut kept = kept.clone();
                set_origin(&mut kept, origin.as_deref());
                let page = page.restore(&kept);
                return Ok(vec![
                    Effect::Push(Box::new(page)),
                    Effect::Info("your unsent draft is back (C starts over)".into()),
                ]);
            }
            return Ok(vec![Effect::PushWith(Box::new(page), effects)]);
        }
        _ => return Err("usage: :send [METHOD] [URL] [--origin ORIGIN]".into()),
    };
    set_origin(&mut draft, origin.as_deref());
    Ok(vec![Effect::Push(Box::new(ComposePage::from_draft(
        &draft,
    )))])
}

/// `--origin O` replaces any Origin header of the draft (a route's draft, a kept
/// one or a free URL's alike).
fn set_origin(draft: &mut crate::domain::draft::RequestDraft, origin: Option<&str>) {
    if let Some(o) = origin {
        draft
            .headers
            .retain(|h| !h.name.eq_ignore_ascii_case("origin"));
        draft.headers.push(crate::domain::Field::new("Origin", o));
    }
}

fn route_takes_body(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH")
}

/// `:doctor`: lint the selected API's configuration.
pub(crate) fn cmd_doctor(_args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let api = ctx
        .selection
        .api_id
        .as_deref()
        .and_then(|id| ctx.shared.inventory.api(id))
        .ok_or("select an API first (:apis, then Enter on one)")?;
    let stage = ctx.selection.stage_name.clone();
    let known = ctx.shared.functions.known(&ctx.shared.backend.info);
    let findings = diagnose::lint(api, stage.as_deref(), known);
    let subject = match &stage {
        Some(s) => format!("{} ({}) · stage {s}", api.name, api.id),
        None => format!("{} ({})", api.name, api.id),
    };
    // The functions' timeouts arrive later; the page re-lints when they do.
    let fetch = crate::ui::inventory_feed::fetch_functions(ctx.shared, api, false);
    let page = LintPage::new(api.id.clone(), stage, subject, findings);
    Ok(std::iter::once(Effect::Push(Box::new(page)))
        .chain(fetch)
        .collect())
}
