//! The keymap: `assets/keymap.toml` (embedded) plus the user's
//! `keymap.toml` under the config dir, yazi-style `{ on, run, desc }` entries
//! grouped by section (`global`, `list`, one per page kind).
//!
//! `on` is one key or a list of keys that each trigger the entry. Keys are
//! written as the character (`q`, `?`, `G`) or in angle brackets: `<Enter>`,
//! `<Esc>`, `<Tab>`, `<S-Tab>`, `<Up>`, `<PageDown>`, `<C-c>`, `<A-x>`, `<F1>`.

use std::collections::BTreeMap;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde::Deserialize;

use super::action::Action;

const DEFAULT_KEYMAP: &str = include_str!("../../assets/keymap.toml");

/// One key with its modifiers, normalised so `G` and `<S-g>` compare equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Key {
    pub(crate) fn from_event(ev: &KeyEvent) -> Key {
        Key::normalised(ev.code, ev.modifiers)
    }

    fn normalised(code: KeyCode, mods: KeyModifiers) -> Key {
        let mut mods = mods & (KeyModifiers::CONTROL | KeyModifiers::ALT | KeyModifiers::SHIFT);
        let code = match code {
            // Terminals report `G` as Shift+G: the character already says it.
            KeyCode::Char(c) => {
                mods.remove(KeyModifiers::SHIFT);
                if mods.contains(KeyModifiers::CONTROL) {
                    KeyCode::Char(c.to_ascii_lowercase())
                } else {
                    KeyCode::Char(c)
                }
            }
            KeyCode::BackTab => {
                mods.remove(KeyModifiers::SHIFT);
                KeyCode::BackTab
            }
            other => other,
        };
        Key { code, mods }
    }

    /// Parse `q`, `<C-c>`, `<S-Tab>`, `<Enter>`...
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut chars = s.chars();
        if let (Some(c), None) = (chars.next(), chars.next()) {
            return Ok(Key::normalised(KeyCode::Char(c), KeyModifiers::NONE));
        }
        let inner = s
            .strip_prefix('<')
            .and_then(|r| r.strip_suffix('>'))
            .ok_or_else(|| format!("bad key `{s}` (write `q` or `<C-c>`)"))?;
        let mut mods = KeyModifiers::NONE;
        let mut rest = inner;
        while rest.len() > 2 && rest.as_bytes()[1] == b'-' {
            match &rest[..1] {
                "C" => mods |= KeyModifiers::CONTROL,
                "A" | "M" => mods |= KeyModifiers::ALT,
                "S" => mods |= KeyModifiers::SHIFT,
                m => return Err(format!("bad modifier `{m}` in `{s}` (use C, A or S)")),
            }
            rest = &rest[2..];
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "enter" | "cr" => KeyCode::Enter,
            "esc" => KeyCode::Esc,
            "tab" if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            "tab" => KeyCode::Tab,
            "backtab" => KeyCode::BackTab,
            "backspace" | "bs" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pageup" => KeyCode::PageUp,
            "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "space" => KeyCode::Char(' '),
            "lt" => KeyCode::Char('<'),
            "gt" => KeyCode::Char('>'),
            f if f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ if rest.chars().count() == 1 => KeyCode::Char(rest.chars().next().unwrap_or(' ')),
            _ => return Err(format!("unknown key `{s}`")),
        };
        Ok(Key::normalised(code, mods))
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.is_empty() => return write!(f, "{c}"),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::Backspace => "Backspace".into(),
            KeyCode::Delete => "Del".into(),
            KeyCode::Up => "Up".into(),
            KeyCode::Down => "Down".into(),
            KeyCode::Left => "Left".into(),
            KeyCode::Right => "Right".into(),
            KeyCode::PageUp => "PageUp".into(),
            KeyCode::PageDown => "PageDown".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        let mut prefix = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            prefix.push_str("C-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            prefix.push_str("A-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            prefix.push_str("S-");
        }
        write!(f, "<{prefix}{name}>")
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Binding {
    pub keys: Vec<Key>,
    pub run: String,
    pub action: Action,
    pub desc: String,
}

#[derive(Debug, Clone, Default)]
pub struct Keymap {
    sections: BTreeMap<String, Vec<Binding>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBinding {
    on: OneOrMany,
    run: String,
    #[serde(default)]
    desc: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSection {
    keymap: Vec<RawBinding>,
}

impl Keymap {
    /// The embedded defaults (`assets/keymap.toml`); a test keeps them valid.
    pub fn defaults() -> Keymap {
        Keymap::from_toml(DEFAULT_KEYMAP).unwrap_or_default()
    }

    /// Defaults plus the user's override file, if any. A bad user file keeps
    /// the defaults and returns a one-line error for the status line; what a
    /// good file names that no page knows (a section, a verb) is left out and
    /// reported the same way, never silently ignored.
    pub fn load() -> (Keymap, Option<String>) {
        let path = crate::paths::config_dir().join("keymap.toml");
        let bytes = match std::fs::read(&path) {
            Ok(b) => Some(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                let msg = format!("{}: {e}; using default keys", path.display());
                return (Keymap::defaults(), Some(msg));
            }
        };
        let (keymap, warnings) = Keymap::with_user_file(bytes.as_deref());
        let msg =
            (!warnings.is_empty()).then(|| format!("{}: {}", path.display(), warnings.join("; ")));
        (keymap, msg)
    }

    /// The defaults merged with a user file's bytes (`None`: no file), and
    /// one warning per thing left out.
    pub(crate) fn with_user_file(bytes: Option<&[u8]>) -> (Keymap, Vec<String>) {
        let mut keymap = Keymap::defaults();
        let Some(bytes) = bytes else {
            return (keymap, Vec::new());
        };
        let Ok(text) = std::str::from_utf8(bytes) else {
            return (keymap, vec!["not UTF-8 text; using default keys".into()]);
        };
        match Keymap::from_toml(text) {
            Ok(mut user) => {
                let warnings = user.drop_unknown(&keymap);
                keymap.merge(user);
                (keymap, warnings)
            }
            Err(e) => (keymap, vec![format!("{e}; using default keys")]),
        }
    }

    /// Remove the sections no page reads and the page verbs a section's
    /// page does not have ([`crate::ui::verbs::section_verbs`], the typed
    /// verb enums); one warning for each. `reference` (the embedded
    /// defaults) names the known sections in the warning.
    pub(crate) fn drop_unknown(&mut self, reference: &Keymap) -> Vec<String> {
        let mut warnings = Vec::new();
        self.sections.retain(|name, bindings| {
            let Some(verbs) = crate::ui::verbs::section_verbs(name) else {
                let mut names: Vec<&str> = reference.sections.keys().map(String::as_str).collect();
                names.sort_unstable();
                warnings.push(format!(
                    "unknown section [{name}] ignored (sections: {})",
                    names.join(", ")
                ));
                return false;
            };
            bindings.retain(|b| match &b.action {
                Action::Page(verb) if !verbs.contains(&verb.as_str()) => {
                    warnings.push(format!(
                        "[{name}] unknown verb `{verb}` ignored{}",
                        if verbs.is_empty() {
                            " (this section has no page verbs)".to_string()
                        } else {
                            format!(" (verbs here: {})", verbs.join(", "))
                        }
                    ));
                    false
                }
                _ => true,
            });
            true
        });
        warnings
    }

    pub(crate) fn from_toml(text: &str) -> Result<Keymap, String> {
        let raw: BTreeMap<String, RawSection> =
            toml::from_str(text).map_err(|e| e.message().replace('\n', " "))?;
        let mut sections = BTreeMap::new();
        for (name, section) in raw {
            let mut bindings = Vec::new();
            for b in section.keymap {
                let keys = match b.on {
                    OneOrMany::One(k) => vec![Key::parse(&k)?],
                    OneOrMany::Many(ks) => {
                        ks.iter().map(|k| Key::parse(k)).collect::<Result<_, _>>()?
                    }
                };
                let action = Action::parse(&b.run).map_err(|e| format!("[{name}] {e}"))?;
                bindings.push(Binding {
                    keys,
                    run: b.run,
                    action,
                    desc: b.desc,
                });
            }
            sections.insert(name, bindings);
        }
        Ok(Keymap { sections })
    }

    /// User bindings win: in each section they come first, and default
    /// bindings lose the keys the user rebound.
    pub fn merge(&mut self, user: Keymap) {
        for (name, user_bindings) in user.sections {
            let defaults = self.sections.remove(&name).unwrap_or_default();
            let taken: Vec<Key> = user_bindings.iter().flat_map(|b| b.keys.clone()).collect();
            let mut merged = user_bindings;
            for mut b in defaults {
                b.keys.retain(|k| !taken.contains(k));
                if !b.keys.is_empty() {
                    merged.push(b);
                }
            }
            self.sections.insert(name, merged);
        }
    }

    /// The action bound to `key` in the first of `sections` that binds it,
    /// then in `global`.
    pub(crate) fn lookup(&self, sections: &[&str], key: &KeyEvent) -> Option<&Action> {
        let key = Key::from_event(key);
        sections
            .iter()
            .copied()
            .chain(std::iter::once("global"))
            .filter_map(|s| self.sections.get(s))
            .flat_map(|bindings| bindings.iter())
            .find(|b| b.keys.contains(&key))
            .map(|b| &b.action)
    }

    /// `(section, keys, description)` rows for the help overlay, in lookup order.
    pub(crate) fn help_rows(&self, sections: &[&str]) -> Vec<(String, String, String)> {
        let mut rows = Vec::new();
        for s in sections.iter().copied().chain(std::iter::once("global")) {
            for b in self.sections.get(s).into_iter().flatten() {
                let keys: Vec<String> = b.keys.iter().map(|k| k.to_string()).collect();
                let desc = if b.desc.is_empty() {
                    b.run.clone()
                } else {
                    b.desc.clone()
                };
                rows.push((s.to_string(), keys.join(" "), desc));
            }
        }
        rows
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn embedded_defaults_parse() {
        let km = Keymap::from_toml(DEFAULT_KEYMAP).expect("assets/keymap.toml is valid");
        assert_eq!(
            km.lookup(&["list"], &ev(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(&Action::ForceQuit)
        );
        assert_eq!(
            km.lookup(&["list"], &ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(&Action::Down)
        );
        assert_eq!(
            km.lookup(&["list"], &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(&Action::Bottom)
        );
    }

    #[test]
    fn key_notation_round_trips() {
        for k in [
            "q",
            "<C-c>",
            "<Enter>",
            "<S-Tab>",
            "<PageDown>",
            "<F5>",
            "G",
        ] {
            assert_eq!(Key::parse(k).unwrap().to_string(), k);
        }
        assert!(Key::parse("<Hyper-x>").is_err());
        assert!(Key::parse("ab").is_err());
    }

    #[test]
    fn user_bindings_override_defaults() {
        let mut km = Keymap::defaults();
        let user =
            Keymap::from_toml("[list]\nkeymap = [{ on = \"j\", run = \"up\", desc = \"swap\" }]\n")
                .unwrap();
        km.merge(user);
        assert_eq!(
            km.lookup(&["list"], &ev(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(&Action::Up)
        );
        // Other default bindings of that section survive.
        assert_eq!(
            km.lookup(&["list"], &ev(KeyCode::Down, KeyModifiers::NONE)),
            Some(&Action::Down)
        );
    }

    #[test]
    fn unknown_verbs_sections_and_encodings_are_reported_not_ignored() {
        let file = "[logs]\nkeymap = [\n  { on = \"x\", run = \"wrapp\" },\n  { on = \"z\", run = \"wrap\" },\n]\n[lgos]\nkeymap = [{ on = \"q\", run = \"quit\" }]\n";
        let (km, warnings) = Keymap::with_user_file(Some(file.as_bytes()));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        // Sections in name order: [lgos] before [logs].
        assert!(
            warnings[0].contains("unknown section [lgos]"),
            "{warnings:?}"
        );
        assert!(warnings[1].contains("unknown verb `wrapp`"), "{warnings:?}");
        assert!(warnings[1].contains(", wrap"), "the known verbs are listed");
        // The good binding is kept, the bad one does not shadow anything.
        assert_eq!(
            km.lookup(&["logs"], &ev(KeyCode::Char('z'), KeyModifiers::NONE)),
            Some(&Action::Page("wrap".into()))
        );
        assert_eq!(
            km.lookup(&["logs"], &ev(KeyCode::Char('x'), KeyModifiers::NONE)),
            None
        );
        let (_, warnings) = Keymap::with_user_file(Some(&[0xff, 0xfe, b'[']));
        assert!(warnings[0].contains("not UTF-8"), "{warnings:?}");
        assert!(Keymap::with_user_file(None).1.is_empty());
    }

    #[test]
    fn every_section_binds_exactly_its_pages_typed_verbs() {
        let km = Keymap::defaults();
        assert!(km.sections.len() >= 13, "the walk found the sections");
        for (name, bindings) in &km.sections {
            let mut bound: Vec<&str> = bindings
                .iter()
                .filter_map(|b| match &b.action {
                    Action::Page(v) => Some(v.as_str()),
                    _ => None,
                })
                .collect();
            bound.sort_unstable();
            bound.dedup();
            let mut typed = crate::ui::verbs::section_verbs(name)
                .unwrap_or_else(|| panic!("[{name}] is read by no page"));
            typed.sort_unstable();
            assert_eq!(
                bound, typed,
                "[{name}]: default bindings vs the page's verb enum"
            );
        }
    }

    #[test]
    fn every_pages_verbs_are_checked_when_the_keymap_loads() {
        let file = "[history]\nkeymap = [{ on = \"x\", run = \"resnd\" }, { on = \"z\", run = \"resend\" }]\n\
                    [compose]\nkeymap = [{ on = \"<F6>\", run = \"sned\" }]\n\
                    [list]\nkeymap = [{ on = \"x\", run = \"sort\" }, { on = \"z\", run = \"command logs\" }]\n";
        let (km, warnings) = Keymap::with_user_file(Some(file.as_bytes()));
        assert_eq!(warnings.len(), 3, "{warnings:?}");
        assert!(
            warnings[0].contains("[compose] unknown verb `sned`"),
            "{warnings:?}"
        );
        assert!(
            warnings[0].contains("verbs here: send, method"),
            "{warnings:?}"
        );
        assert!(
            warnings[1].contains("[history] unknown verb `resnd`"),
            "{warnings:?}"
        );
        assert!(
            warnings[2]
                .contains("[list] unknown verb `sort` ignored (this section has no page verbs)"),
            "{warnings:?}"
        );
        assert_eq!(
            km.lookup(&["history"], &ev(KeyCode::Char('z'), KeyModifiers::NONE)),
            Some(&Action::Page("resend".into()))
        );
        assert_eq!(
            km.lookup(&["list"], &ev(KeyCode::Char('z'), KeyModifiers::NONE)),
            Some(&Action::Command("logs".into()))
        );
    }

    #[test]
    fn bad_files_are_one_line_errors() {
        let err =
            Keymap::from_toml("[list]\nkeymap = [{ on = \"<Bogus>\", run = \"up\" }]").unwrap_err();
        assert!(err.contains("<Bogus>"), "{err}");
        let err = Keymap::from_toml("[list\n").unwrap_err();
        assert!(!err.contains('\n'));
    }
}
