//! One API: a header with what is wrong at a glance, then tabs for Routes,
//! Integrations, Authorizers, Stages and CORS.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Row, Table, Tabs};

use super::checks;
use super::{api_tables, cors_view};
use crate::domain::{Api, Protocol};
use crate::ui::action::Action;
use crate::ui::components::columns::{hidden_columns_note, table_width};
use crate::ui::components::{FilterList, ScrollText};
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::{route_detail::RouteDetailPage, stage_detail::StageDetailPage};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Routes,
    Integrations,
    Authorizers,
    Stages,
    Cors,
}

impl Tab {
    pub const ALL: [Tab; 5] = [
        Tab::Routes,
        Tab::Integrations,
        Tab::Authorizers,
        Tab::Stages,
        Tab::Cors,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Tab::Routes => "Routes",
            Tab::Integrations => "Integrations",
            Tab::Authorizers => "Authorizers",
            Tab::Stages => "Stages",
            Tab::Cors => "CORS",
        }
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

pub struct ApiDetailPage {
    pub api_id: String,
    pub tab: Tab,
    /// One list per table tab, so each keeps its own selection and filter.
    pub lists: [FilterList; 4],
    cors_scroll: ScrollText,
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
        let rows = api_tables::haystacks(api);
        for (list, hay) in self.lists.iter_mut().zip(rows) {
            list.sync(generation, || hay);
        }
    }

    fn act(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        match action {
            Action::NextTab | Action::PrevTab => {
                let n = Tab::ALL.len();
                let i = self.tab.index();
                let next = if *action == Action::NextTab {
                    (i + 1) % n
                } else {
                    (i + n - 1) % n
                };
                self.tab = Tab::ALL[next];
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
        if self.tab == Tab::Cors {
            return self.cors_scroll.handle(action).then(Vec::new);
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
            Tab::Authorizers | Tab::Cors => return Some(vec![]),
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
        if self.tab == Tab::Cors {
            &["api", "tabs", "detail"]
        } else {
            &["api", "tabs", "list"]
        }
    }

    fn filterable(&self) -> bool {
        self.tab != Tab::Cors
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
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Rounded)
            .border_style(theme.get("border"))
            .title(Line::from(title));
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
        if self.tab == Tab::Cors {
            let lines = cors_view::lines(api, theme);
            self.cors_scroll.render(frame, body, lines, block);
            return;
        }
        // Fitted on every row, so widths stay put while a filter narrows the list.
        let fitted = api_tables::table(self.tab, api, theme).fit(table_width(body));
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
        let counts = [
            Some(api.routes.len()),
            Some(api_tables::integrations(api).len()),
            Some(api.authorizers.len()),
            Some(api.stages.len()),
            None,
        ];
        let titles: Vec<String> = Tab::ALL
            .iter()
            .zip(counts)
            .map(|(t, n)| match n {
                Some(n) if api.details_loaded => format!("{} ({n})", t.label()),
                _ => t.label().to_string(),
            })
            .collect();
        // Hit areas: Tabs draws " title " separated by "|".
        self.tab_hits.clear();
        let mut x = area.x;
        for (title, tab) in titles.iter().zip(Tab::ALL) {
            let w = title.chars().count() as u16 + 2;
            self.tab_hits.push((x..x + w, area.y, tab));
            x += w + 1;
        }
        let tabs = Tabs::new(titles)
            .select(self.tab.index())
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
