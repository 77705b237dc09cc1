//! `:tour`: the demo's guided tour, step by step, with the exact keys to press, what the
//! screen then shows and the same step from the shell. The text is the README's tour
//! block ([`crate::app::tour`]), the one the end-to-end tests type.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::app::tour::{self, NAMED_KEYS, TourStep};
use crate::ui::action::Action;
use crate::ui::commands::CommandCtx;
use crate::ui::components::ScrollText;
use crate::ui::page::{Effect, Page};
use crate::ui::shared::Shared;
use crate::ui::theme::Theme;

#[derive(Default)]
pub(crate) struct TourPage {
    scroll: ScrollText,
}

/// `:tour`.
pub(crate) fn cmd_tour(_args: &str, _ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    Ok(vec![Effect::Push(Box::new(TourPage::default()))])
}

/// Keys as the user reads them: named keys in brackets, typed text in quotes.
fn keys_text(keys: &[String]) -> String {
    keys.iter()
        .map(|k| {
            if NAMED_KEYS.contains(&k.as_str()) {
                format!("[{k}]")
            } else {
                format!("\"{k}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn step_lines(n: usize, s: &TourStep, theme: &Theme) -> Vec<Line<'static>> {
    let label = |l: &str| Span::styled(format!("   {l:<9}"), theme.get("dim"));
    let mut lines = vec![Line::styled(
        format!("{}. {}", n + 1, s.title),
        theme.get("title"),
    )];
    for a in &s.actions {
        lines.push(Line::from(vec![
            label("press"),
            Span::styled(keys_text(&a.keys), theme.get("key")),
        ]));
        lines.push(Line::from(vec![
            label("you see"),
            Span::raw(a.see.join(" · ")),
        ]));
    }
    for c in &s.commands {
        lines.push(Line::from(vec![label("shell"), Span::raw(c.line.clone())]));
    }
    lines.push(Line::raw(""));
    lines
}

fn lines(theme: &Theme) -> Vec<Line<'static>> {
    let mut out = vec![
        Line::raw("Start each step from the API list (:apis). Esc goes back one page."),
        Line::raw(""),
    ];
    match tour::steps(tour::README) {
        Ok(steps) => {
            for (n, s) in steps.iter().enumerate() {
                out.extend(step_lines(n, s, theme));
            }
        }
        Err(e) => out.push(Line::styled(
            format!("✗ the tour in the README does not parse: {e}"),
            theme.get("error"),
        )),
    }
    out
}

impl Page for TourPage {
    fn title(&self, _shared: &Shared) -> String {
        "tour".into()
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["detail"]
    }

    fn filterable(&self) -> bool {
        false
    }

    fn handle(&mut self, action: &Action, _shared: &mut Shared) -> Option<Vec<Effect>> {
        self.scroll.handle(action).then(Vec::new)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let theme = &shared.theme;
        self.scroll.render_detail(
            frame,
            area,
            " Guided tour: a 502, a CORS failure, a 401 ",
            lines(theme),
            theme,
        );
    }
}
