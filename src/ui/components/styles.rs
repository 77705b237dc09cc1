//! Styles of the request/response/logs/doctor views in one place, so they can
//! follow the shell's theme with a single mapping.

use ratatui::style::{Color, Modifier, Style};

use crate::domain::Severity;

/// Colours for JSON bodies and the rest of these views.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyStyles {
    pub key: Style,
    pub string: Style,
    pub number: Style,
    pub literal: Style,
    pub punct: Style,
    /// Secondary text: offsets, labels, hints.
    pub dim: Style,
    /// API Gateway headers worth noticing.
    pub gateway_header: Style,
    pub selected: Style,
    pub title: Style,
    pub ok: Style,
    pub redirect: Style,
    pub client_error: Style,
    pub server_error: Style,
    pub warning: Style,
    pub info: Style,
}

impl Default for BodyStyles {
    fn default() -> Self {
        BodyStyles {
            key: Style::new().fg(Color::Cyan),
            string: Style::new().fg(Color::Green),
            number: Style::new().fg(Color::Magenta),
            literal: Style::new().fg(Color::Yellow),
            punct: Style::new().fg(Color::Gray),
            dim: Style::new().fg(Color::DarkGray),
            gateway_header: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            title: Style::new().add_modifier(Modifier::BOLD),
            ok: Style::new().fg(Color::Green),
            redirect: Style::new().fg(Color::Cyan),
            client_error: Style::new().fg(Color::Yellow),
            server_error: Style::new().fg(Color::Red),
            warning: Style::new().fg(Color::Yellow),
            info: Style::new().fg(Color::Blue),
        }
    }
}

impl BodyStyles {
    /// Style of an HTTP status code by class.
    pub fn status(&self, status: u16) -> Style {
        match status {
            200..=299 => self.ok,
            300..=399 => self.redirect,
            400..=499 => self.client_error,
            500..=599 => self.server_error,
            _ => self.dim,
        }
    }

    pub fn severity(&self, s: Severity) -> Style {
        match s {
            Severity::Error => self.server_error,
            Severity::Warning => self.warning,
            Severity::Info => self.info,
        }
    }
}

impl BodyStyles {
    /// Follow the shell's theme for the roles it has; JSON colours keep
    /// their defaults unless the theme names them (`json_key`, ...).
    pub(crate) fn from_theme(theme: &crate::ui::theme::Theme) -> Self {
        let d = BodyStyles::default();
        let pick = |role: &str, fallback: Style| {
            let s = theme.get(role);
            let s = if s == Style::default() { fallback } else { s };
            if theme.is_colourless() {
                // NO_COLOR: the fallbacks' colours go too; modifiers stay.
                Style {
                    fg: None,
                    bg: None,
                    ..s
                }
            } else {
                s
            }
        };
        BodyStyles {
            key: pick("json_key", d.key),
            string: pick("json_string", d.string),
            number: pick("json_number", d.number),
            literal: pick("json_literal", d.literal),
            punct: pick("json_punct", d.punct),
            dim: pick("dim", d.dim),
            gateway_header: pick("header", d.gateway_header),
            selected: pick("selected", d.selected),
            title: pick("title", d.title),
            ok: pick("ok", d.ok),
            redirect: pick("status_3xx", d.redirect),
            client_error: pick("warn", d.client_error),
            server_error: pick("error", d.server_error),
            warning: pick("warn", d.warning),
            info: pick("info", d.info),
        }
    }
}
