//! The composer's auth tab: none / SigV4 / JWT bearer / API key, the JWT
//! decoded with its expiry and pre-send warnings, the SigV4 canonical
//! request and string-to-sign, and the tokens and API keys the demo offers.

use crossterm::event::KeyEvent;
use ratatui::text::{Line, Span};

use crate::domain::AuthMode;
use crate::ui::components::json;
use crate::ui::components::line_input::{InputOutcome, LineInput};
use crate::ui::components::styles::BodyStyles;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    None,
    Sigv4,
    Jwt,
    ApiKey,
}

impl AuthKind {
    pub const ALL: [AuthKind; 4] = [
        AuthKind::None,
        AuthKind::Sigv4,
        AuthKind::Jwt,
        AuthKind::ApiKey,
    ];

    pub fn label(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Sigv4 => "AWS SigV4",
            AuthKind::Jwt => "JWT bearer",
            AuthKind::ApiKey => "API key",
        }
    }
}

/// A token someone offers for this API (the demo mints them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOffer {
    pub name: String,
    pub description: String,
    pub expect_status: u16,
    pub token: String,
}

/// An API key someone offers for this API (the demo's named keys). Its value
/// is demo data; what history keeps is the name (the value is redacted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOffer {
    pub name: String,
    pub id: String,
    pub description: String,
    pub enabled: bool,
    pub value: String,
}

/// A decoded JWT as the pane shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct JwtView {
    pub header: serde_json::Value,
    pub claims: serde_json::Value,
    /// `exp` - now, in seconds (negative: expired).
    pub expires_in: Option<i64>,
    /// Checks against the route's authorizer (issuer, audience, scopes):
    /// warnings, never blocking.
    pub warnings: Vec<String>,
    /// Why the token could not be decoded.
    pub error: Option<String>,
}

/// The SigV4 debug view of the last signed request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SigningView {
    pub region: String,
    pub credential_scope: String,
    pub signed_headers: String,
    pub canonical_request: String,
    pub string_to_sign: String,
}

/// `14m 03s`, `2h 05m`, `3d 4h`.
pub(crate) fn countdown(secs: i64) -> String {
    let s = secs.unsigned_abs();
    if s >= 86_400 {
        format!("{}d {}h", s / 86_400, s % 86_400 / 3600)
    } else if s >= 3600 {
        format!("{}h {:02}m", s / 3600, s % 3600 / 60)
    } else {
        format!("{}m {:02}s", s / 60, s % 60)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Region,
    Token,
    ApiKey,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AuthPane {
    pub kind: AuthKind,
    pub region: LineInput,
    pub token: LineInput,
    pub api_key: LineInput,
    pub offers: Vec<TokenOffer>,
    pub key_offers: Vec<KeyOffer>,
    pub jwt: Option<JwtView>,
    pub signing: Option<SigningView>,
    editing: Option<Field>,
}

impl Default for AuthPane {
    fn default() -> Self {
        AuthPane::from_mode(&AuthMode::None)
    }
}

impl AuthPane {
    pub fn from_mode(mode: &AuthMode) -> Self {
        let mut p = AuthPane {
            kind: AuthKind::None,
            region: LineInput::default(),
            token: LineInput::default(),
            api_key: LineInput::default(),
            offers: Vec::new(),
            key_offers: Vec::new(),
            jwt: None,
            signing: None,
            editing: None,
        };
        match mode {
            AuthMode::None => {}
            AuthMode::Sigv4 { region } => {
                p.kind = AuthKind::Sigv4;
                p.region.set(region.clone().unwrap_or_default());
            }
            AuthMode::Jwt { token } => {
                p.kind = AuthKind::Jwt;
                p.token.set(token.clone());
            }
            AuthMode::ApiKey { key } => {
                p.kind = AuthKind::ApiKey;
                p.api_key.set(key.clone());
            }
        }
        p
    }

    pub fn mode(&self) -> AuthMode {
        match self.kind {
            AuthKind::None => AuthMode::None,
            AuthKind::Sigv4 => AuthMode::Sigv4 {
                region: Some(self.region.text().trim().to_string()).filter(|r| !r.is_empty()),
            },
            AuthKind::Jwt => AuthMode::Jwt {
                token: crate::ui::views::compose::auth_pane::strip_bearer(self.token.text())
                    .to_string(),
            },
            AuthKind::ApiKey => AuthMode::ApiKey {
                key: self.api_key.text().trim().to_string(),
            },
        }
    }

    pub(crate) fn is_editing(&self) -> bool {
        self.editing.is_some()
    }

    /// The label of the field being edited, for the composer's frame.
    pub(crate) fn editing_label(&self) -> Option<&'static str> {
        Some(match self.editing? {
            Field::Region => "region",
            Field::Token => "token",
            Field::ApiKey => "x-api-key",
        })
    }

    pub(crate) fn cycle_kind(&mut self) {
        let i = AuthKind::ALL
            .iter()
            .position(|k| *k == self.kind)
            .unwrap_or(0);
        self.kind = AuthKind::ALL[(i + 1) % AuthKind::ALL.len()];
        self.editing = None;
    }

    /// Start editing the field of the current kind (none has no field).
    pub fn edit(&mut self) {
        self.editing = match self.kind {
            AuthKind::None => None,
            AuthKind::Sigv4 => Some(Field::Region),
            AuthKind::Jwt => Some(Field::Token),
            AuthKind::ApiKey => Some(Field::ApiKey),
        };
    }

    /// Use the n-th offer: in API key mode the n-th offered key, else the
    /// n-th offered token (switching to JWT). Returns whether it existed.
    pub(crate) fn use_offer(&mut self, n: usize) -> bool {
        if self.kind == AuthKind::ApiKey {
            let Some(k) = self.key_offers.get(n) else {
                return false;
            };
            self.api_key.set(k.value.clone());
            self.editing = None;
            return true;
        }
        let Some(o) = self.offers.get(n) else {
            return false;
        };
        self.kind = AuthKind::Jwt;
        self.token.set(o.token.clone());
        true
    }

    /// The name of the offered credential in use (`valid`, `trial`...), so
    /// history can say which one was sent without keeping it.
    pub fn label(&self) -> Option<String> {
        let name = match self.mode() {
            AuthMode::Jwt { token } => &self.offers.iter().find(|o| o.token == token)?.name,
            AuthMode::ApiKey { key } if !key.is_empty() => {
                &self.key_offers.iter().find(|k| k.value == key)?.name
            }
            _ => return None,
        };
        Some(name.clone())
    }

    /// Keys while a field is edited: Enter/Esc stop. Returns
    /// `Some(token_changed)` when the key was consumed.
    pub fn handle_key(&mut self, key: KeyEvent) -> Option<bool> {
        let field = self.editing?;
        let input = match field {
            Field::Region => &mut self.region,
            Field::Token => &mut self.token,
            Field::ApiKey => &mut self.api_key,
        };
        match input.handle_key(key) {
            InputOutcome::Changed => Some(field == Field::Token),
            InputOutcome::Moved => Some(false),
            InputOutcome::Ignored => {
                if matches!(
                    key.code,
                    crossterm::event::KeyCode::Enter | crossterm::event::KeyCode::Esc
                ) {
                    self.editing = None;
                }
                Some(false)
            }
        }
    }

    /// Paste into the edited field (tokens are usually pasted).
    #[cfg(test)]
    pub(crate) fn paste(&mut self, text: &str) -> bool {
        let input = match self.editing {
            Some(Field::Region) => &mut self.region,
            Some(Field::Token) => &mut self.token,
            Some(Field::ApiKey) => &mut self.api_key,
            None => return false,
        };
        input.insert_str(text.trim());
        true
    }

    pub fn lines(&self, width: usize, styles: &BodyStyles) -> Vec<Line<'static>> {
        let mut out = Vec::new();
        let mut kinds = vec![Span::styled("auth  ", styles.dim)];
        for k in AuthKind::ALL {
            let (mark, style) = if k == self.kind {
                ("(•) ", styles.title)
            } else {
                ("( ) ", styles.dim)
            };
            kinds.push(Span::styled(format!("{mark}{}   ", k.label()), style));
        }
        out.push(Line::from(kinds));
        out.push(Line::default());
        let field = |label: &str, input: &LineInput, f: Field, mask: bool| -> Line<'static> {
            let editing = self.editing == Some(f);
            let label_style = if editing { styles.title } else { styles.dim };
            let mark = if editing { "▶ " } else { "  " };
            let mut spans = vec![Span::styled(format!("{mark}{label:<10} "), label_style)];
            if editing {
                spans.extend(
                    input
                        .spans(true, width.saturating_sub(14), Default::default())
                        .spans,
                );
            } else if input.text().is_empty() {
                spans.push(Span::styled(
                    "(empty: Enter or e to edit, then type or paste)",
                    styles.dim,
                ));
            } else if mask {
                spans.push(Span::raw(masked(input.text())));
            } else {
                spans.push(Span::raw(input.text().to_string()));
            }
            Line::from(spans)
        };
        match self.kind {
            AuthKind::None => out.push(Line::styled("No authentication is added.", styles.dim)),
            AuthKind::ApiKey => {
                out.push(field("x-api-key", &self.api_key, Field::ApiKey, true));
                if !self.key_offers.is_empty() {
                    out.push(Line::default());
                    out.push(Line::styled(
                        "Demo API keys (press the number to use one)",
                        styles.title,
                    ));
                    let in_use = self.label();
                    for (i, k) in self.key_offers.iter().enumerate() {
                        let mark = if in_use.as_deref() == Some(k.name.as_str()) {
                            "•"
                        } else {
                            " "
                        };
                        out.push(Line::from(vec![
                            Span::styled(format!(" {} ", i + 1), styles.key),
                            Span::raw(format!("{mark}{:<9}", k.name)),
                            Span::styled(format!("{:<10} ", k.id), styles.dim),
                            Span::styled(if k.enabled { "" } else { "DISABLED " }, styles.warning),
                            Span::styled(k.description.clone(), styles.dim),
                        ]));
                    }
                }
            }
            AuthKind::Sigv4 => {
                out.push(field("region", &self.region, Field::Region, false));
                out.push(Line::styled(
                    "Credentials come from the AWS chain (env, profile, SSO, session token); service execute-api.",
                    styles.dim,
                ));
                out.push(Line::default());
                match &self.signing {
                    None => out.push(Line::styled(
                        "The canonical request and string-to-sign show here after signing.",
                        styles.dim,
                    )),
                    Some(s) => {
                        out.push(Line::from(vec![
                            Span::styled("scope   ", styles.dim),
                            Span::raw(s.credential_scope.clone()),
                        ]));
                        out.push(Line::from(vec![
                            Span::styled("signed  ", styles.dim),
                            Span::raw(s.signed_headers.clone()),
                        ]));
                        out.push(Line::styled("Canonical request", styles.title));
                        out.extend(
                            s.canonical_request
                                .lines()
                                .map(|l| Line::raw(l.to_string())),
                        );
                        out.push(Line::styled("String to sign", styles.title));
                        out.extend(s.string_to_sign.lines().map(|l| Line::raw(l.to_string())));
                    }
                }
            }
            AuthKind::Jwt => {
                out.push(field("token", &self.token, Field::Token, true));
                if !self.offers.is_empty() {
                    out.push(Line::default());
                    out.push(Line::styled(
                        "Demo tokens (press the number to use one)",
                        styles.title,
                    ));
                    for (i, o) in self.offers.iter().enumerate() {
                        out.push(Line::from(vec![
                            Span::styled(format!(" {} ", i + 1), styles.key),
                            Span::raw(format!("{:<15}", o.name)),
                            Span::styled(
                                format!("→ {}  ", o.expect_status),
                                styles.status(o.expect_status),
                            ),
                            Span::styled(o.description.clone(), styles.dim),
                        ]));
                    }
                }
                if let Some(j) = &self.jwt {
                    out.push(Line::default());
                    out.extend(jwt_lines(j, styles));
                }
            }
        }
        out
    }
}

/// `eyJhbGciOi…Xk9Q (812 chars)`: enough to recognise, not to copy.
pub fn masked(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 12 {
        return "•".repeat(n);
    }
    let head: String = secret.chars().take(10).collect();
    let tail: String = secret.chars().skip(n - 4).collect();
    format!("{head}…{tail} ({n} chars)")
}

/// `Bearer xyz` → `xyz` (people paste whole header values).
pub fn strip_bearer(s: &str) -> &str {
    let t = s.trim();
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => t[7..].trim(),
        _ => t,
    }
}

fn jwt_lines(j: &JwtView, styles: &BodyStyles) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    if let Some(e) = &j.error {
        out.push(Line::styled(format!("✗ {e}"), styles.server_error));
        return out;
    }
    match j.expires_in {
        Some(s) if s > 0 => out.push(Line::styled(
            format!("expires in {}", countdown(s)),
            if s < 300 { styles.warning } else { styles.ok },
        )),
        Some(s) => out.push(Line::styled(
            format!("EXPIRED {} ago", countdown(s)),
            styles.server_error,
        )),
        None => out.push(Line::styled("no exp claim", styles.dim)),
    }
    for w in &j.warnings {
        out.push(Line::styled(format!("! {w}"), styles.warning));
    }
    for (title, v) in [("Header", &j.header), ("Claims", &j.claims)] {
        out.push(Line::styled(title, styles.title));
        let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
        out.extend(pretty.lines().map(|l| json::highlight_line(l, styles)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn modes_round_trip() {
        for m in [
            AuthMode::None,
            AuthMode::Sigv4 {
                region: Some("eu-west-1".into()),
            },
            AuthMode::Sigv4 { region: None },
            AuthMode::Jwt {
                token: "a.b.c".into(),
            },
            AuthMode::ApiKey { key: "k".into() },
        ] {
            assert_eq!(AuthPane::from_mode(&m).mode(), m);
        }
    }

    #[test]
    fn pasted_bearer_prefix_is_dropped_and_offers_switch_to_jwt() {
        let mut p = AuthPane::default();
        p.cycle_kind();
        p.cycle_kind();
        assert_eq!(p.kind, AuthKind::Jwt);
        p.edit();
        assert!(p.paste("Bearer abc.def.ghi\n"));
        assert_eq!(
            p.mode(),
            AuthMode::Jwt {
                token: "abc.def.ghi".into()
            }
        );
        assert_eq!(
            p.handle_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
            Some(false)
        );
        assert!(!p.is_editing());
        p.kind = AuthKind::None;
        p.offers = vec![TokenOffer {
            name: "valid".into(),
            description: "accepted".into(),
            expect_status: 200,
            token: "x.y.z".into(),
        }];
        assert!(p.use_offer(0));
        assert!(!p.use_offer(1));
        assert_eq!(
            p.mode(),
            AuthMode::Jwt {
                token: "x.y.z".into()
            }
        );
    }

    #[test]
    fn in_api_key_mode_the_numbers_pick_the_offered_keys_and_name_them() {
        let mut p = AuthPane::from_mode(&AuthMode::ApiKey { key: String::new() });
        p.offers = vec![TokenOffer {
            name: "valid".into(),
            description: "accepted".into(),
            expect_status: 200,
            token: "x.y.z".into(),
        }];
        p.key_offers = ["demo", "trial"]
            .iter()
            .map(|n| KeyOffer {
                name: n.to_string(),
                id: format!("id-{n}"),
                description: String::new(),
                enabled: true,
                value: format!("value-of-{n}"),
            })
            .collect();
        assert_eq!(p.label(), None, "no key yet");
        assert!(p.use_offer(1));
        assert_eq!(
            p.mode(),
            AuthMode::ApiKey {
                key: "value-of-trial".into()
            }
        );
        assert_eq!(p.label().as_deref(), Some("trial"));
        assert!(!p.use_offer(2));
        // A key typed by hand that is not offered has no name.
        p.api_key.set("typed");
        assert_eq!(p.label(), None);
        // In another mode the numbers are the tokens again.
        p.kind = AuthKind::None;
        assert!(p.use_offer(0));
        assert_eq!(p.kind, AuthKind::Jwt);
        assert_eq!(p.label().as_deref(), Some("valid"));
    }

    #[test]
    fn secrets_are_masked_and_countdowns_read_well() {
        assert_eq!(masked("short"), "•••••");
        assert_eq!(
            masked("eyJhbGciOiJSUzI1NiJ9.payload.sig"),
            "eyJhbGciOi….sig (32 chars)"
        );
        assert_eq!(countdown(843), "14m 03s");
        assert_eq!(countdown(-7500), "2h 05m");
        assert_eq!(countdown(90_000), "1d 1h");
    }
}
