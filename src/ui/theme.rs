//! Colours and text styles: `assets/theme.toml` (embedded) plus the user's
//! `theme.toml` under the config dir. Each entry is a named style
//! `{ fg, bg, bold, italic, underline, dim, reversed }`; colours are ratatui
//! names (`red`, `lightblue`, `darkgray`), `#rrggbb` or an index `0`..`255`.

use std::collections::BTreeMap;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

const DEFAULT_THEME: &str = include_str!("../../assets/theme.toml");

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    fg: Option<String>,
    bg: Option<String>,
    #[serde(default)]
    bold: bool,
    #[serde(default)]
    italic: bool,
    #[serde(default)]
    underline: bool,
    #[serde(default)]
    dim: bool,
    #[serde(default)]
    reversed: bool,
}

impl RawStyle {
    fn to_style(&self, name: &str) -> Result<Style, String> {
        let color = |c: &Option<String>| -> Result<Option<Color>, String> {
            c.as_deref()
                .map(|s| {
                    s.parse::<Color>()
                        .map_err(|_| format!("[{name}] unknown colour `{s}`"))
                })
                .transpose()
        };
        let mut style = Style::default();
        if let Some(fg) = color(&self.fg)? {
            style = style.fg(fg);
        }
        if let Some(bg) = color(&self.bg)? {
            style = style.bg(bg);
        }
        for (on, m) in [
            (self.bold, Modifier::BOLD),
            (self.italic, Modifier::ITALIC),
            (self.underline, Modifier::UNDERLINED),
            (self.dim, Modifier::DIM),
            (self.reversed, Modifier::REVERSED),
        ] {
            if on {
                style = style.add_modifier(m);
            }
        }
        Ok(style)
    }
}

/// Named styles. Views ask by role (`theme.get("error")`), never by colour,
/// so a user theme restyles every view at once.
#[derive(Debug, Clone, Default)]
pub struct Theme {
    styles: BTreeMap<String, Style>,
    /// Set by [`Theme::without_colour`]: styles derived from this theme
    /// (e.g. the body view's JSON roles) drop their colours too.
    colourless: bool,
}

impl Theme {
    pub fn defaults() -> Theme {
        Theme::from_toml(DEFAULT_THEME).unwrap_or_default()
    }

    /// Defaults plus the user's override file; a bad file keeps the defaults
    /// and returns a one-line error.
    pub fn load() -> (Theme, Option<String>) {
        let mut theme = Theme::defaults();
        let path = crate::paths::config_dir().join("theme.toml");
        let Ok(text) = std::fs::read_to_string(&path) else {
            return (theme, None);
        };
        match Theme::from_toml(&text) {
            Ok(user) => {
                theme.styles.extend(user.styles);
                (theme, None)
            }
            Err(e) => (
                theme,
                Some(format!("{}: {e}; using the default theme", path.display())),
            ),
        }
    }

    pub(crate) fn from_toml(text: &str) -> Result<Theme, String> {
        let raw: BTreeMap<String, RawStyle> =
            toml::from_str(text).map_err(|e| e.message().replace('\n', " "))?;
        let styles = raw
            .iter()
            .map(|(name, r)| Ok((name.clone(), r.to_style(name)?)))
            .collect::<Result<_, String>>()?;
        Ok(Theme {
            styles,
            colourless: false,
        })
    }

    /// Whether colours were removed (`NO_COLOR`).
    pub(crate) fn is_colourless(&self) -> bool {
        self.colourless
    }

    /// The style for a role; unknown roles get the terminal's default style.
    pub fn get(&self, role: &str) -> Style {
        self.styles.get(role).copied().unwrap_or_default()
    }

    /// For `NO_COLOR`: colours go (the terminal would drop them anyway),
    /// and what a background colour marked (the selection, the active tab,
    /// the DEMO banner) is marked by reversed video instead, so focus and
    /// selection stay visible without colour.
    pub(crate) fn without_colour(mut self) -> Theme {
        for style in self.styles.values_mut() {
            let had_bg = style.bg.is_some_and(|c| c != Color::Reset);
            style.fg = None;
            style.bg = None;
            if had_bg && !style.add_modifier.contains(Modifier::REVERSED) {
                *style = style.add_modifier(Modifier::REVERSED);
            }
        }
        self.colourless = true;
        self
    }

    /// Whether `NO_COLOR` asks for no colour (set and not empty, per no-color.org).
    pub(crate) fn no_colour_requested() -> bool {
        std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
    }

    /// A theme with no colours at all (tests that snapshot plain text).
    pub fn plain() -> Theme {
        Theme::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_colour_marks_the_selection_by_reversed_video() {
        let t = Theme::defaults().without_colour();
        let sel = t.get("selected");
        assert_eq!((sel.fg, sel.bg), (None, None));
        assert!(sel.add_modifier.contains(Modifier::REVERSED));
        assert!(
            t.get("tab_active")
                .add_modifier
                .contains(Modifier::REVERSED)
        );
        assert!(t.get("title").add_modifier.contains(Modifier::BOLD));
        assert!(!t.get("error").add_modifier.contains(Modifier::REVERSED));
    }

    #[test]
    fn embedded_theme_parses_and_has_the_roles_views_use() {
        let t = Theme::from_toml(DEFAULT_THEME).expect("assets/theme.toml is valid");
        for role in [
            "title",
            "border",
            "selected",
            "header",
            "status",
            "error",
            "warn",
            "ok",
            "dim",
            "demo",
            "key",
            "tab_active",
            "tab",
            "prompt",
            "stale",
        ] {
            assert!(t.styles.contains_key(role), "missing role {role}");
        }
    }

    #[test]
    fn bad_colour_is_an_error() {
        let err = Theme::from_toml("[error]\nfg = \"reddish\"\n").unwrap_err();
        assert!(err.contains("reddish"));
    }
}
