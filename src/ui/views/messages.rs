//! `:messages`: every status-line message of this session in full, newest
//! first. The status line shows at most three rows and each message expires;
//! this page is where a long error (a connection failure with its cause, a
//! keymap warning) is read to the end.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::ui::action::Action;
use crate::ui::commands::CommandCtx;
use crate::ui::components::ScrollText;
use crate::ui::page::{Effect, Page};
use crate::ui::shared::{MessageKind, Shared};

#[derive(Default)]
pub(crate) struct MessagesPage {
    scroll: ScrollText,
}

/// `:messages`.
pub(crate) fn cmd_messages(_args: &str, _ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    Ok(vec![Effect::Push(Box::new(MessagesPage::default()))])
}

fn lines(shared: &Shared) -> Vec<Line<'static>> {
    let theme = &shared.theme;
    if shared.status.log.is_empty() {
        return vec![Line::styled(
            "No messages yet: errors and confirmations shown in the status line are kept here.",
            theme.get("dim"),
        )];
    }
    shared
        .status
        .log
        .iter()
        .rev()
        .map(|m| {
            let (mark, style) = match m.kind {
                MessageKind::Error => ("✗ ", theme.get("error")),
                MessageKind::Info => ("  ", theme.get("ok")),
            };
            Line::from(vec![
                Span::styled(format!("{} ", m.at), theme.get("dim")),
                Span::styled(format!("{mark}{}", m.text), style),
            ])
        })
        .collect()
}

impl Page for MessagesPage {
    fn title(&self, _shared: &Shared) -> String {
        "messages".into()
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
            format!(" Messages ({}, newest first) ", shared.status.log.len()),
            lines(shared),
            theme,
        );
    }
}
