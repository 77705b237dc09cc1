//! The composer's Authorizer tab and its URL choice: the Lambda authorizer
//! event the composed request would produce (or the 401 without
//! invocation), beside the request being edited; and the base URLs that
//! reach the draft's stage (execute-api, then each custom-domain mapping)
//! for `u` to cycle through.

use ratatui::text::Line;

use super::page::ComposePage;
use crate::app::authorizer::{self, AuthorizerQuery};
use crate::domain::{Api, LambdaAuthorizerKind};
use crate::engines::compose;
use crate::ui::components::kv;
use crate::ui::shared::Shared;
use crate::ui::views::authorizer_event;

fn api<'a>(page: &ComposePage, shared: &'a Shared) -> Option<&'a Api> {
    shared.inventory.api(page.target.api_id.as_deref()?)
}

/// Whether the draft's route is guarded by a Lambda authorizer (the tab is
/// shown only then).
pub fn applies(page: &ComposePage, shared: &Shared) -> bool {
    let Some(api) = api(page, shared) else {
        return false;
    };
    page.target
        .route_key
        .as_deref()
        .and_then(|k| api.route(k))
        .and_then(|r| api.authorizer(r.authorizer_id.as_deref()?))
        .is_some_and(|a| LambdaAuthorizerKind::of(api.protocol(), a).is_some())
}

/// The tab's lines: the request as composed, then the event.
pub fn lines(page: &ComposePage, shared: &Shared) -> Vec<Line<'static>> {
    let theme = &shared.theme;
    let Some(api) = api(page, shared) else {
        return vec![Line::styled(
            "This request targets no API of the inventory: no authorizer event to show.",
            theme.get("dim"),
        )];
    };
    let req = match authorizer::request_for_draft(&page.draft()) {
        Ok(r) => r,
        Err(e) => return vec![kv::warn(theme, format!("the request cannot be built: {e}"))],
    };
    let prepared = authorizer::prepare_with(
        api,
        &AuthorizerQuery::local(&req),
        shared.backend.info.region.as_deref(),
        page.authz_seed,
    );
    authorizer_event::lines(&prepared, theme)
}

/// The base URLs that reach the draft's stage: its execute-api URL, then
/// one per custom-domain mapping.
pub(crate) fn base_urls(page: &ComposePage, shared: &Shared) -> Vec<String> {
    let Some(api) = api(page, shared) else {
        return Vec::new();
    };
    let Some(stage) = page.target.stage.as_deref().and_then(|s| api.stage(s)) else {
        return Vec::new();
    };
    let mut urls: Vec<String> = compose::invoke_url(api, stage).into_iter().collect();
    urls.extend(api.domain_urls(&stage.stage_name));
    urls.dedup();
    urls
}

/// The next base URL after the current one (wrapping), when there is a choice.
pub(crate) fn next_base(page: &ComposePage, shared: &Shared) -> Option<String> {
    let urls = base_urls(page, shared);
    if urls.len() < 2 {
        return None;
    }
    let current = page.base.text().trim().trim_end_matches('/').to_string();
    let i = urls.iter().position(|u| *u == current);
    Some(urls[i.map_or(0, |i| (i + 1) % urls.len())].clone())
}
