//! Drawing the composer: URL rows, the built request's preview, the tabs,
//! the focused tab's content and the one-line hint (kept apart from the
//! page's key handling so each file has one job).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders};

use super::auth_pane::AuthKind;
use super::page::{ComposePage, Editing, Tab};
use crate::engines::compose;
use crate::ui::components::kv_list::Cell;
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
    let narrow = area.width < 70;
    for t in page.tabs(shared) {
        let label = match (t, narrow) {
            (Tab::Params, false) => format!("Params {}", page.params.rows.len()),
            (Tab::Query, false) => format!("Query {}", page.query.rows.len()),
            (Tab::Headers, false) => format!("Headers {}", page.headers.rows.len()),
            (Tab::Params, true) => format!("Par {}", page.params.rows.len()),
            (Tab::Query, true) => format!("Qry {}", page.query.rows.len()),
            (Tab::Headers, true) => format!("Hdr {}", page.headers.rows.len()),
            (Tab::Body, _) => format!("Body {}", page.content_type.label()),
            (Tab::Auth, _) => format!("Auth {}", page.auth.kind.label()),
            (Tab::Authorizer, false) => "Authorizer event".to_string(),
            (Tab::Authorizer, true) => "Authz".to_string(),
        };
        // The active tab is marked by shape too (▶), not only by colour.
        let (text, style) = if t == page.tab {
            (format!("▶{label} "), styles.selected)
        } else {
            (format!(" {label} "), styles.dim)
        };
        tab_spans.push(Span::styled(text, style));
        tab_spans.push(Span::raw(" "));
    }
    frame.render_widget(Line::from(tab_spans), tabs);

    // A field being edited is unmistakable: the frame lights up and says
    // which field has the keys and how to leave it.
    let block = match editing_label(page) {
        Some(label) => Block::default()
            .borders(Borders::ALL)
            .border_type(ratatui::widgets::BorderType::Double)
            .border_style(styles.title)
            .title(Span::styled(format!(" typing into {label} "), styles.title)),
        None => Block::default()
            .borders(Borders::ALL)
            .border_style(styles.dim),
    };
    let inner = block.inner(main);
    frame.render_widget(block.clone(), main);
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
        Tab::Authorizer => {
            let lines = super::authorizer_tab::lines(page, shared);
            page.authz_scroll.render(frame, main, lines, block);
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
    } else {
        Line::styled(hint_text(page, shared, hint.width as usize), styles.dim)
    };
    frame.render_widget(hint_line, hint);
}

/// What has the keys right now, for the frame title and the hint.
fn editing_label(page: &ComposePage) -> Option<String> {
    match page.editing {
        Some(Editing::Base) => return Some("the base URL".into()),
        Some(Editing::Path) => return Some("the path".into()),
        Some(Editing::BodyFile) => return Some("the file name".into()),
        Some(Editing::Body) => return Some("the body".into()),
        None => {}
    }
    if let Some(l) = page.auth.editing_label() {
        return Some(l.to_string());
    }
    for (list, what) in [
        (&page.params, "path parameter"),
        (&page.query, "query parameter"),
        (&page.headers, "header"),
    ] {
        match list.editing_cell() {
            Some(Cell::Key) => return Some(format!("the {what} name")),
            Some(Cell::Value) => return Some(format!("the {what} value")),
            None => {}
        }
    }
    None
}

/// The hint line: the keys that matter here first, as many as fit.
pub(super) fn hint_text(page: &ComposePage, shared: &Shared, width: usize) -> String {
    let editing = editing_label(page).is_some();
    let hints: Vec<&str> = if page.editing == Some(Editing::Body) {
        vec!["typing the body", "Esc done", "C-s send", "C-e $EDITOR"]
    } else if editing {
        vec![
            "Enter done",
            "Esc cancel",
            "Tab next cell",
            "C-s send",
            "C-u clear",
            "C-w word",
            "C-a/C-e start/end",
        ]
    } else {
        let mut h = vec!["C-s send", "Tab tabs", "Enter/e edit"];
        match page.tab {
            Tab::Body => h.extend(["t type", "E $EDITOR", "F file", "= format"]),
            Tab::Auth => {
                h.push("A auth kind");
                if shared.backend.info.demo && page.auth.kind == AuthKind::Jwt {
                    h.push("1-4 demo token");
                }
            }
            Tab::Params => {}
            Tab::Authorizer => h.push("j/k scroll"),
            Tab::Query | Tab::Headers => h.extend(["a add", "d delete", "Space on/off"]),
        }
        h.extend(["m method", "b base", "p path"]);
        if super::authorizer_tab::base_urls(page, shared).len() > 1 {
            h.push("u URL: execute-api/domain");
        }
        if page.tab != Tab::Auth {
            h.push("A auth");
        }
        h.extend(["C clear", "Esc back", "? help"]);
        h
    };
    crate::ui::components::hints::fit(&hints, width)
}
