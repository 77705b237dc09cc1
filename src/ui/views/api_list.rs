//! The top page: every API with its type, endpoint and route count, and a
//! flag column for what commonly breaks.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};

use crate::domain::Api;
use crate::ui::action::Action;
use crate::ui::api_sparks;
use crate::ui::components::FilterList;
use crate::ui::components::columns::{Column, TableSpec, hidden_columns_note, table_width};
use crate::ui::components::scroll_text::page_block;
use crate::ui::inventory_feed;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::checks;

#[derive(Default)]
pub(crate) struct ApiListPage {
    pub list: FilterList,
}

impl ApiListPage {
    fn sync(&mut self, shared: &Shared) {
        let apis = &shared.inventory.apis;
        self.list
            .sync(shared.inventory.generation, || apis.iter().map(haystack));
    }

    fn selected<'a>(&self, shared: &'a Shared) -> Option<&'a Api> {
        self.list
            .selected()
            .and_then(|i| shared.inventory.apis.get(i))
    }

    fn act(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        if self.list.handle(action) {
            return Some(vec![]);
        }
        match action {
            Action::Back if !self.list.filter().is_empty() => {
                self.list.set_filter("");
                Some(vec![])
            }
            Action::Refresh => Some(inventory_feed::refresh(shared)),
            Action::Enter => {
                let api = self.selected(shared)?;
                Some(vec![Effect::Push(Box::new(ApiDetailPage::new(&api.id)))])
            }
            _ => None,
        }
    }
}

fn haystack(api: &Api) -> String {
    format!(
        "{} {} {} {}",
        api.name,
        api.id,
        api.protocol().as_str(),
        api.endpoint.as_deref().unwrap_or("")
    )
}

impl Page for ApiListPage {
    fn title(&self, _shared: &Shared) -> String {
        "APIs".into()
    }

    fn filter(&self) -> &str {
        self.list.filter()
    }

    fn selection(&self, shared: &Shared) -> Selection {
        Selection {
            api_id: self.selected(shared).map(|a| a.id.clone()),
            ..Default::default()
        }
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
        let inv = &shared.inventory;
        let mut title = vec![Span::styled(
            format!(" APIs ({}) ", inv.apis.len()),
            theme.get("title"),
        )];
        if !self.list.filter().is_empty() {
            title.push(Span::styled(
                format!(
                    "/{} ({} shown) ",
                    self.list.filter(),
                    self.list.visible().len()
                ),
                theme.get("key"),
            ));
        }
        if inv.any_stale() {
            title.push(Span::styled(" cached — refreshing ", theme.get("stale")));
        }
        let mut block = page_block(title, theme);
        // Partial listings say what is missing instead of failing the view.
        for problem in &inv.problems {
            block = block.title_bottom(Line::styled(format!(" ✗ {problem} "), theme.get("error")));
        }
        if let Some(p) = &shared.sparks.problem {
            // An AWS error message: one line, no control characters.
            let p = crate::engines::terminal_text::one_line(p);
            block = block.title_bottom(Line::styled(format!(" {p} "), theme.get("dim")));
        }
        if let (Some(e), false) = (&inv.error, inv.apis.is_empty()) {
            block = block.title_bottom(Line::styled(format!(" ✗ {e} "), theme.get("error")));
        }
        self.list.viewport = area;
        self.list.header_rows = 2;

        if inv.apis.is_empty() {
            let text = if inv.waiting_for_first_list() {
                Line::styled("Loading APIs…", theme.get("dim"))
            } else if let Some(e) = &inv.error {
                Line::styled(format!("✗ {e}"), theme.get("error"))
            } else {
                Line::styled("No APIs in this account and region.", theme.get("dim"))
            };
            frame.render_widget(Paragraph::new(text).block(block), area);
            return;
        }

        // Fitted on every API so widths stay put while a filter narrows the
        // list; on a narrow terminal the endpoint goes first, the name last.
        let cells = if area.width >= 140 {
            api_sparks::WIDE_CELLS
        } else {
            api_sparks::NARROW_CELLS
        };
        let sparks: Vec<[Span<'static>; 2]> = inv
            .apis
            .iter()
            .map(|api| api_sparks::cells(shared.sparks.get(&api.id), cells, theme))
            .collect();
        let spark_width = [0, 1].map(|c| {
            sparks
                .iter()
                .map(|s| s[c].width() as u16)
                .max()
                .unwrap_or(0)
        });
        let spec = TableSpec {
            columns: vec![
                Column::new("NAME", 8, 40, 9),
                Column::new("ID", 10, 10, 8),
                Column::new("TYPE", 4, 9, 5),
                // A URL cut short is no use: below 30 cells it is hidden instead.
                Column::new("ENDPOINT", 30, 60, 2).optional(),
                Column::new("ROUTES", 6, 6, 4).optional(),
                Column::new("FLAGS", 6, 60, 6),
                // Sparklines are hidden rather than cut (their minimum is
                // their width): requests first, the 5xx rate after the
                // endpoint. Their numbers keep them readable without colour.
                Column::new("REQUESTS 1H", spark_width[0], 24, 1).optional(),
                Column::new("5XX 1H", spark_width[1], 24, 3).optional(),
            ],
            rows: inv
                .apis
                .iter()
                .zip(sparks)
                .map(|(api, [requests, errors])| {
                    let routes = if api.details_loaded {
                        api.routes.len().to_string()
                    } else {
                        "…".into()
                    };
                    vec![
                        Span::raw(api.name.clone()),
                        Span::raw(api.id.clone()),
                        Span::raw(api.protocol().as_str()),
                        Span::raw(api.endpoint.clone().unwrap_or_default()),
                        Span::raw(routes),
                        Span::styled(flags(api), theme.get("warn")),
                        requests,
                        errors,
                    ]
                })
                .collect(),
        };
        let fitted = spec.fit(table_width(area));
        let mut block = hidden_columns_note(block, &fitted.hidden, theme);
        if shared.backend.info.demo {
            // The demo's first screen says what to try, as much of it as
            // fits beside the other bottom notes (titles would overlap).
            let hidden_note = if fitted.hidden.is_empty() {
                0
            } else {
                fitted.hidden.join(", ").chars().count() + 11
            };
            let room = usize::from(area.width.saturating_sub(2)).saturating_sub(hidden_note);
            let hint = [
                " New here? :tour (then Enter) shows a guided tour: a 502, a CORS failure, a 401 ",
                " New here? :tour (then Enter) shows a guided tour ",
                " New here? :tour ",
            ]
            .into_iter()
            .find(|h| h.chars().count() <= room);
            if let Some(hint) = hint {
                block = block.title_bottom(Line::styled(hint, theme.get("key")));
            }
        }
        let rows: Vec<Row> = self
            .list
            .visible()
            .iter()
            .filter_map(|&i| fitted.rows.get(i).cloned())
            .collect();
        let table = Table::new(rows, fitted.widths)
            .header(fitted.header.style(theme.get("header")))
            .block(block)
            .row_highlight_style(theme.get("selected"))
            .highlight_symbol("› ");
        frame.render_stateful_widget(table, area, &mut self.list.state);
    }
}

/// Short warnings for the list's FLAGS column.
pub fn flags(api: &Api) -> String {
    checks::tags(api).join(" ")
}
