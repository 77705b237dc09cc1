//! Drawing the composer: URL rows, the built request's preview, the tabs,
//! the focused tab's content and the one-line hint (kept apart from the
//! page's key handling so each file has one job).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::page::{ComposePage, Editing, TABS, Tab};
use crate::engines::compose;
use crate::ui::components::kv_list::KvListView;
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::text_view::{Lines, ScrollView};
use crate::ui::shared::Shared;

pub(super) fn render(page: &mut ComposePage, frame: &mut Frame, area: Rect, shared: &Shared) {
    let styles = BodyStyles::from_theme(&shared.theme);
    let [url, preview, tabs, main, hint] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let [base_row, path_row] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(url);
    let w = area.width.saturating_sub(14) as usize;
    let mut base = vec![
        Span::styled(format!("{:<8}", page.method), styles.title),
        Span::styled("base  ", styles.dim),
    ];
    base.extend(
        page.base
            .spans(page.editing == Some(Editing::Base), w, Default::default())
            .spans,
    );
    frame.render_widget(Line::from(base), base_row);
    let mut path = vec![Span::raw("        "), Span::styled("path  ", styles.dim)];
    path.extend(
        page.path
            .spans(page.editing == Some(Editing::Path), w, Default::default())
            .spans,
    );
    frame.render_widget(Line::from(path), path_row);

    let preview_line = match compose::build(&page.draft()) {
        Ok(req) => Line::from(vec![
            Span::styled("→ ", styles.dim),
            Span::styled(format!("{} {}", req.method, req.url), styles.ok),
        ]),
        Err(e) => Line::styled(format!("✗ {e}"), styles.warning),
    };
    frame.render_widget(preview_line, preview);

    let mut tab_spans = Vec::new();
    for t in TABS {
        let label = match t {
            Tab::Params => format!("Params {}", page.params.rows.len()),
            Tab::Query => format!("Query {}", page.query.rows.len()),
            Tab::Headers => format!("Headers {}", page.headers.rows.len()),
            Tab::Body => format!("Body {}", page.content_type.label()),
            Tab::Auth => format!("Auth {}", page.auth.kind.label()),
        };
        let style = if t == page.tab {
            styles.selected
        } else {
            styles.dim
        };
        tab_spans.push(Span::styled(format!(" {label} "), style));
        tab_spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(tab_spans), tabs);

    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(styles.dim);
    let inner = block.inner(main);
    frame.render_widget(block, main);
    match page.tab {
        Tab::Params | Tab::Query | Tab::Headers => {
            let (list, hint) = match page.tab {
                Tab::Params => (&page.params, "This route has no path parameters."),
                Tab::Query => (&page.query, "No query parameters: a adds one."),
                _ => (&page.headers, "No headers: a adds one."),
            };
            frame.render_widget(
                KvListView {
                    list,
                    focused: true,
                    styles: &styles,
                    empty_hint: hint,
                },
                inner,
            );
        }
        Tab::Body => {
            if page.editing == Some(Editing::BodyFile) {
                let mut spans = vec![Span::styled("file  ", styles.title)];
                spans.extend(
                    page.file_input
                        .spans(true, inner.width as usize, Default::default())
                        .spans,
                );
                frame.render_widget(Line::from(spans), inner);
            } else {
                page.body
                    .render(frame, inner, page.editing == Some(Editing::Body), &styles);
            }
        }
        Tab::Auth => {
            let lines = page.auth.lines(inner.width as usize, &styles);
            frame.render_stateful_widget(
                ScrollView {
                    source: &Lines(&lines),
                    styles: &styles,
                },
                inner,
                &mut page.auth_scroll,
            );
        }
    }

    let hint_line = if page.sending.is_some() {
        Line::styled("sending… Esc cancels", styles.info)
    } else if let Some(m) = &page.message {
        Line::styled(m.clone(), styles.warning)
    } else if page.editing == Some(Editing::Body) {
        Line::styled("editing the body · Esc stops editing", styles.dim)
    } else {
        Line::styled(
            "C-s send · Tab tabs · Enter edit · a add · d delete · Space toggle · m method · b base · p path · t type · F file · E $EDITOR · = format · A auth · 1-4 demo tokens",
            styles.dim,
        )
    };
    frame.render_widget(hint_line, hint);
}
