//! One API: a header with what is wrong at a glance, then tabs for Routes,
//! Integrations, Authorizers, Stages, (REST) Usage plans, Resource policy
//! and Gateway responses, Domains and CORS.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table, Tabs};

use super::checks;
use super::{api_tables, cors_view, policy_view, rest_tables};
use crate::domain::{Api, Protocol};
use crate::ui::action::Action;
use crate::ui::components::columns::{hidden_columns_note, table_width};
use crate::ui::components::scroll_text::page_block;
use crate::ui::components::{FilterList, ScrollText};
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::authorizer_detail::AuthorizerDetailPage;
use crate::ui::views::rest_detail::RestDetailPage;
use crate::ui::views::{route_detail::RouteDetailPage, stage_detail::StageDetailPage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Routes,
    Integrations,
    Authorizers,
    Stages,
    /// REST: usage plans with their stages, limits and keys (names and ids).
    UsagePlans,
    /// REST: the resource policy, statement by statement.
    Policy,
    /// REST: gateway responses, customised or AWS's defaults.
    Responses,
    /// Custom domains and the mappings that lead to this API.
    Domains,
    Cors,
}

impl Tab {
    pub const ALL: [Tab; 9] = [
        Tab::Routes,
        Tab::Integrations,
        Tab::Authorizers,
        Tab::Stages,
        Tab::UsagePlans,
        Tab::Policy,
        Tab::Responses,
        Tab::Domains,
        Tab::Cors,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Routes => "Routes",
            Tab::Integrations => "Integrations",
            Tab::Authorizers => "Authorizers",
            Tab::Stages => "Stages",
            Tab::UsagePlans => "Usage plans",
            Tab::Policy => "Resource policy",
            Tab::Responses => "Gateway responses",
            Tab::Domains => "Domains",
            Tab::Cors => "CORS",
        }
    }

    /// For narrow terminals, where nine long labels do not fit.
    fn short_label(self) -> &'static str {
        match self {
            Tab::Integrations => "Integr",
            Tab::Authorizers => "Authz",
            Tab::UsagePlans => "Plans",
            Tab::Policy => "Policy",
            Tab::Responses => "GwResp",
            other => other.label(),
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    /// Text tabs scroll; the others are tables with a selection and a filter.
    fn is_text(self) -> bool {
        matches!(self, Tab::Policy | Tab::Cors)
    }

    /// The tabs an API of this protocol has: usage plans, resource
    /// policies and gateway responses exist for REST APIs only.
    pub(crate) fn for_protocol(protocol: Protocol) -> Vec<Tab> {
        Tab::ALL
            .into_iter()
            .filter(|t| {
                protocol == Protocol::Rest
                    || !matches!(t, Tab::UsagePlans | Tab::Policy | Tab::Responses)
            })
            .collect()
    }
}

pub(crate) struct ApiDetailPage {
    pub api_id: String,
    pub tab: Tab,
    /// One list per tab (text tabs leave theirs unused), so each keeps its
    /// own selection and filter.
    pub lists: [FilterList; 9],
    cors_scroll: ScrollText,
    policy_scroll: ScrollText,
    /// Tab label hit areas: (x range, row) for clicks.
    tab_hits: Vec<(std::ops::Range<u16>, u16, Tab)>,
}

impl ApiDetailPage {
    pub fn new(api_id: impl Into<String>) -> ApiDetailPage {
        ApiDetailPage {
            api_id: api_id.into(),
            tab: Tab::Routes,
            lists: Default::default(),
            cors_scroll: ScrollText::default(),
            policy_scroll: ScrollText::default(),
            tab_hits: Vec::new(),
        }
    }

    fn list_mut(&mut self) -> Option<&mut FilterList> {
        self.lists.get_mut(self.tab.index())
    }

    pub fn list(&self) -> Option<&FilterList> {
        self.lists.get(self.tab.index())
    }

    fn sync(&mut self, shared: &Shared) {
        let Some(api) = shared.inventory.api(&self.api_id) else {
            return;
        };
        let generation = shared.inventory.generation;
        let [routes, integrations, authorizers, stages] = api_tables::haystacks(api);
        let [plans, responses, domains] = rest_tables::haystacks(api);
        let rows = [
            (Tab::Routes, routes),
            (Tab::Integrations, integrations),
            (Tab::Authorizers, authorizers),
            (Tab::Stages, stages),
            (Tab::UsagePlans, plans),
            (Tab::Responses, responses),
            (Tab::Domains, domains),
        ];
        for (tab, hay) in rows {
            self.lists[tab.index()].sync(generation, || hay);
        }
    }

    /// The tabs of this API (all of them until it is known).
    fn tabs(&self, shared: &Shared) -> Vec<Tab> {
        match shared.inventory.api(&self.api_id) {
            Some(api) => Tab::for_protocol(api.protocol()),
            None => Tab::ALL.to_vec(),
        }
    }

    fn act(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        match action {
            Action::NextTab | Action::PrevTab => {
                let tabs = self.tabs(shared);
                let n = tabs.len();
                let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
                let next = if *action == Action::NextTab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.tab = tabs[next];
                return Some(vec![]);
            }
            Action::Click { column, row } => {
                if let Some((_, _, tab)) = self
                    .tab_hits
                    .iter()
                    .find(|(x, r, _)| r == row && x.contains(column))
                {
                    self.tab = *tab;
                    return Some(vec![]);
                }
            }
            Action::Refresh => {
                let api = shared.inventory.api(&self.api_id)?.clone();
                return Some(vec![crate::ui::inventory_feed::load_details(shared, api)]);
            }
            _ => {}
        }
        match self.tab {
            Tab::Cors => return self.cors_scroll.handle(action).then(Vec::new),
            Tab::Policy => return self.policy_scroll.handle(action).then(Vec::new),
            _ => {}
        }
        let list = self.list_mut()?;
        if list.handle(action) {
            return Some(vec![]);
        }
        if *action == Action::Back && !list.filter().is_empty() {
            list.set_filter("");
            return Some(vec![]);
        }
        if *action != Action::Enter {
            return None;
        }
        let index = list.selected()?;
        let api = shared.inventory.api(&self.api_id)?;
        let page: Box<dyn Page> = match self.tab {
            Tab::Routes => Box::new(RouteDetailPage::new(
                &api.id,
                &api.routes.get(index)?.route_key,
            )),
            Tab::Stages => Box::new(StageDetailPage::new(
                &api.id,
                &api.stages.get(index)?.stage_name,
            )),
            Tab::Integrations => {
                // Open the first route that uses this integration.
                let key = api_tables::integrations(api)
                    .get(index)?
                    .routes
                    .first()?
                    .clone();
                Box::new(RouteDetailPage::new(&api.id, &key))
            }
            Tab::Authorizers => Box::new(AuthorizerDetailPage::new(
                &api.id,
                &api.authorizers.get(index)?.id,
            )),
            Tab::UsagePlans => Box::new(RestDetailPage::plan(
                &api.id,
                &api.usage_plans.get(index)?.id,
            )),
            Tab::Responses => Box::new(RestDetailPage::gateway_response(
                &api.id,
                &api.gateway_responses.get(index)?.response_type,
            )),
            Tab::Domains => Box::new(RestDetailPage::domain(
                &api.id,
                &rest_tables::mappings(api).get(index)?.0.domain_name,
            )),
            Tab::Policy | Tab::Cors => return Some(vec![]),
        };
        Some(vec![Effect::Push(page)])
    }
}

impl Page for ApiDetailPage {
    fn title(&self, shared: &Shared) -> String {
        shared
            .inventory
            .api(&self.api_id)
            .map(|a| a.name.clone())
            .unwrap_or_else(|| self.api_id.clone())
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        if self.tab.is_text() {
            &["api", "tabs", "detail"]
        } else {
            &["api", "tabs", "list"]
        }
    }

    fn filterable(&self) -> bool {
        !self.tab.is_text()
    }

    fn filter(&self) -> &str {
        self.list().map(|l| l.filter()).unwrap_or("")
    }

    fn selection(&self, shared: &Shared) -> Selection {
        let mut sel = Selection {
            api_id: Some(self.api_id.clone()),
            ..Default::default()
        };
        let (Some(api), Some(index)) = (
            shared.inventory.api(&self.api_id),
            self.list().and_then(|l| l.selected()),
        ) else {
            return sel;
        };
        match self.tab {
            Tab::Routes => sel.route_key = api.routes.get(index).map(|r| r.route_key.clone()),
            Tab::Stages => sel.stage_name = api.stages.get(index).map(|s| s.stage_name.clone()),
            _ => {}
        }
        sel
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        self.sync(shared);
        let result = self.act(action, shared);
        self.sync(shared);
        result
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        self.sync(shared);
        let theme = &shared.theme;
        let Some(api) = shared.inventory.api(&self.api_id) else {
            let msg = Paragraph::new(Line::styled(
                format!(
                    "API {} is not in the inventory (any more). Esc goes back.",
                    self.api_id
                ),
                theme.get("error"),
            ));
            frame.render_widget(msg, area);
            return;
        };
        let header = header_lines(api, shared);
        let [head, tabs_area, body] = Layout::vertical([
            Constraint::Length(header.len() as u16),
            Constraint::Length(1),
            Constraint::Min(3),
        ])
        .areas(area);
        frame.render_widget(Paragraph::new(header), head);
        self.render_tabs(frame, tabs_area, api, shared);

        let mut title = vec![Span::styled(
            format!(" {} ", self.tab.label()),
            theme.get("title"),
        )];
        if let Some(list) = self.list().filter(|l| !l.filter().is_empty()) {
            title.push(Span::styled(
                format!("/{} ({} shown) ", list.filter(), list.visible().len()),
                theme.get("key"),
            ));
        }
        let block = page_block(title, theme);
        if !api.details_loaded {
            let text = if shared.status.running.is_empty() {
                "Details not loaded (press r)."
            } else {
                "Loading details…"
            };
            frame.render_widget(
                Paragraph::new(Line::styled(text, theme.get("dim"))).block(block),
                body,
            );
            return;
        }
        match self.tab {
            Tab::Cors => {
                let lines = cors_view::lines(api, theme);
                self.cors_scroll.render(frame, body, lines, block);
                return;
            }
            Tab::Policy => {
                let lines = policy_view::lines(api, theme);
                self.policy_scroll.render(frame, body, lines, block);
                return;
            }
            _ => {}
        }
        // Fitted on every row, so widths stay put while a filter narrows the list.
        let fitted = api_tables::table(self.tab, api, theme).fit(table_width(body));
        // The note gives way to the hidden-columns note on the right.
        let block = match rest_tables::note(self.tab, api) {
            Some(note) => {
                let hidden = if fitted.hidden.is_empty() {
                    0
                } else {
                    fitted.hidden.join(", ").chars().count() + 11
                };
                let room = (body.width as usize).saturating_sub(4 + hidden);
                let note = crate::ui::components::columns::cut(&note, room.saturating_sub(2));
                block.title_bottom(Line::styled(format!(" {note} "), theme.get("dim")))
            }
            None => block,
        };
        let Some(list) = self.lists.get_mut(self.tab.index()) else {
            return;
        };
        list.viewport = body;
        list.header_rows = 2;
        let rows: Vec<Row> = list
            .visible()
            .iter()
            .filter_map(|&i| fitted.rows.get(i).cloned())
            .collect();
        let empty = rows.is_empty();
        let block = hidden_columns_note(block, &fitted.hidden, theme);
        let table = Table::new(rows, fitted.widths)
            .header(fitted.header.style(theme.get("header")))
            .block(block)
            .row_highlight_style(theme.get("selected"))
            .highlight_symbol("› ");
        frame.render_stateful_widget(table, body, &mut list.state);
        if empty {
            let inner = Rect {
                x: body.x + 2,
                y: body.y + 2,
                width: body.width.saturating_sub(4),
                height: 1,
            };
            let what = self.tab.label().to_lowercase();
            let what = match self.tab {
                Tab::Domains => "custom-domain mappings to this API".to_string(),
                _ => what,
            };
            let msg = if list.filter().is_empty() {
                format!("No {what}.")
            } else {
                format!("No {what} match the filter.")
            };
            frame.render_widget(Paragraph::new(Line::styled(msg, theme.get("dim"))), inner);
        }
    }
}

impl ApiDetailPage {
    fn render_tabs(&mut self, frame: &mut Frame, area: Rect, api: &Api, shared: &Shared) {
        let theme = &shared.theme;
        let tabs = Tab::for_protocol(api.protocol());
        let count = |t: Tab| -> Option<usize> {
            match t {
                Tab::Routes => Some(api.routes.len()),
                Tab::Integrations => Some(api_tables::integrations(api).len()),
                Tab::Authorizers => Some(api.authorizers.len()),
                Tab::Stages => Some(api.stages.len()),
                Tab::UsagePlans => Some(api.usage_plans.len()),
                Tab::Responses => Some(api.gateway_responses.len()),
                Tab::Domains => Some(rest_tables::mappings(api).len()),
                Tab::Policy | Tab::Cors => None,
            }
        };
        // Long labels with counts when they fit, then shorter forms.
        let title = |t: Tab, short: bool, counts: bool| {
            let label = if short { t.short_label() } else { t.label() };
            match count(t) {
                Some(n) if counts && api.details_loaded => format!("{label} ({n})"),
                _ => label.to_string(),
            }
        };
        let width = |titles: &[String]| -> usize {
            titles.iter().map(|t| t.chars().count() + 2).sum::<usize>()
                + titles.len().saturating_sub(1)
        };
        let titles: Vec<String> = [(false, true), (true, true), (true, false)]
            .into_iter()
            .map(|(short, counts)| {
                tabs.iter()
                    .map(|t| title(*t, short, counts))
                    .collect::<Vec<_>>()
            })
            .find(|titles| width(titles) <= area.width as usize)
            .unwrap_or_else(|| tabs.iter().map(|t| title(*t, true, false)).collect());
        // Hit areas: Tabs draws " title " separated by "|".
        self.tab_hits.clear();
        let mut x = area.x;
        for (title, tab) in titles.iter().zip(&tabs) {
            let w = title.chars().count() as u16 + 2;
            self.tab_hits.push((x..x + w, area.y, *tab));
            x += w + 1;
        }
        let selected = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
        let tabs = Tabs::new(titles)
            .select(selected)
            .style(theme.get("tab"))
            .highlight_style(theme.get("tab_active"));
        frame.render_widget(tabs, area);
    }
}

/// Identity, endpoint, partial failures and warnings, above the tabs.
fn header_lines<'a>(api: &Api, shared: &Shared) -> Vec<Line<'a>> {
    let theme = &shared.theme;
    let mut kind = api.protocol().as_str().to_string();
    if api.protocol() == Protocol::Rest && !api.endpoint_types.is_empty() {
        kind = format!("{kind} ({})", api.endpoint_types.join(", "));
    }
    let mut first = vec![
        Span::styled(api.name.clone(), theme.get("title")),
        Span::styled(format!("  {}  ", api.id), theme.get("dim")),
        Span::styled(kind, theme.get("value")),
        Span::raw("  "),
        Span::styled(api.endpoint.clone().unwrap_or_default(), theme.get("value")),
    ];
    if api.disable_execute_api_endpoint {
        first.push(Span::styled(
            "  (default endpoint disabled)",
            theme.get("warn"),
        ));
    }
    if shared.inventory.is_stale(&api.id) {
        first.push(Span::styled("  cached — refreshing", theme.get("stale")));
    }
    let mut lines = vec![Line::from(first)];
    if let Some(d) = api.description.as_deref().filter(|d| !d.is_empty()) {
        lines.push(Line::styled(d.to_string(), theme.get("dim")));
    }
    for p in &api.problems {
        lines.push(Line::styled(format!("✗ {p}"), theme.get("error")));
    }
    // Partial failures are listed above as they are.
    let warnings: Vec<_> = checks::api_warnings(api)
        .into_iter()
        .filter(|w| w.tag != "partial")
        .collect();
    let shown = 4;
    for w in warnings.iter().take(shown) {
        lines.push(Line::styled(format!("⚠ {}", w.text), theme.get("warn")));
    }
    if warnings.len() > shown {
        lines.push(Line::styled(
            format!("⚠ … and {} more", warnings.len() - shown),
            theme.get("warn"),
        ));
    }
    lines
}
