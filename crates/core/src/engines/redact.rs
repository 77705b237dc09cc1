//! Secret scrubbing for everything gatescope writes (history, collections,
//! exports to files, logs): credentials never reach a file unless the user
//! turns redaction off explicitly.
//!
//! What goes: `Authorization` / `Proxy-Authorization` (the scheme and, for
//! SigV4, the scope and signed-header list stay, so a saved request still
//! explains itself), `x-api-key`, cookie values (names stay),
//! `X-Amz-Security-Token`, the `X-Amz-Signature` / `X-Amz-Credential` /
//! token-like query parameters, anything that looks like a JWT or an AWS
//! access key id wherever it appears (URLs, header values, bodies), and every
//! secret value the caller names explicitly (the token or key the user typed,
//! the session token the request was signed with).
//!
//! By name, too: any header, query parameter, form field or JSON string
//! member whose name contains `token`, `secret`, `password`, `passwd`,
//! `session`, `auth`, `api-key` / `api_key` / `apikey`, `signature` or
//! `credential` (case-insensitive; `X-Auth-Token`, `?password=`,
//! `{"client_secret": ...}`) loses its value, and bodies lose anything shaped
//! like an AWS secret access key (40 base64 characters mixing upper case,
//! lower case and digits).

use std::sync::LazyLock;

use percent_encoding::utf8_percent_encode;
use regex::Regex;

use crate::domain::{AuthMode, Field, HttpRequest, HttpResponse, RequestDraft};
use crate::engines::compose::STRICT;

/// What replaces a secret.
pub const REDACTED: &str = "<redacted>";

/// A header, query parameter or field whose name contains one of these
/// (lower case) holds a secret.
const SECRET_NAME_PARTS: &[&str] = &[
    "token",
    "secret",
    "password",
    "passwd",
    "session",
    "auth",
    "api-key",
    "api_key",
    "apikey",
    "signature",
    "credential",
];

/// Names that match [`SECRET_NAME_PARTS`] but carry no secret, only the
/// rules a server announces (kept so stored responses still explain CORS
/// and auth failures).
const PUBLIC_NAMES: &[&str] = &["www-authenticate", "authentication-info"];

/// True when a header / parameter / field called `name` holds a secret.
pub(crate) fn is_secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    if PUBLIC_NAMES.contains(&lower.as_str()) || lower.starts_with("access-control-") {
        return false;
    }
    SECRET_NAME_PARTS.iter().any(|p| lower.contains(p))
}

/// A name-ish run of characters that contains a secret name part.
const SECRET_NAME_RE: &str = r"[A-Za-z0-9_.\-]*(?i:token|secret|password|passwd|session|auth|api[_-]?key|signature|credential)[A-Za-z0-9_.\-]*";

/// `"client_secret": "value"` in JSON (the value a plain string).
static JSON_SECRET_MEMBER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r#"("{SECRET_NAME_RE}"\s*:\s*)"(?:[^"\\]|\\.)*""#)).expect("valid regex")
});
/// `password=value` in form bodies and free text (after `&`, `?`, `;`,
/// space or at the start).
static FORM_SECRET_PAIR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(r"(^|[&?;\s])({SECRET_NAME_RE})=([^&;\s]*)")).expect("valid regex")
});
/// Runs of base64 characters; the 40-long mixed ones are AWS secret keys.
static BASE64_RUN: LazyLock<regex::bytes::Regex> =
    LazyLock::new(|| regex::bytes::Regex::new(r"[A-Za-z0-9/+=]+").expect("valid regex"));

/// An AWS secret access key: 40 base64 characters with upper case, lower
/// case and digits (a hex digest has no upper case, a word no digits).
fn looks_like_secret_key(run: &[u8]) -> bool {
    let run = run.strip_suffix(b"=").unwrap_or(run);
    run.len() == 40
        && !run.contains(&b'=')
        && run.iter().any(u8::is_ascii_uppercase)
        && run.iter().any(u8::is_ascii_lowercase)
        && run.iter().any(u8::is_ascii_digit)
}

/// Three base64url parts, the first one a JSON object (`eyJ` = `{"`).
static JWT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*").expect("valid regex")
});
static JWT_BYTES: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r"eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
        .expect("valid regex")
});
/// AWS access key ids (long-term `AKIA`, temporary `ASIA`).
static ACCESS_KEY_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b").expect("valid regex"));
static ACCESS_KEY_ID_BYTES: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::Regex::new(r"\b(?:AKIA|ASIA)[A-Z0-9]{16}\b").expect("valid regex")
});

/// True when `value` carries a redaction marker (the UI asks the user to
/// re-enter the secret before re-sending a stored request).
pub fn is_redacted(value: &str) -> bool {
    value.contains(REDACTED)
}

/// Scrubs secrets; optionally knows exact secret values to remove anywhere.
#[derive(Debug, Clone, Default)]
pub struct Redactor {
    known: Vec<String>,
}

impl Redactor {
    pub fn new() -> Self {
        Redactor::default()
    }

    /// A redactor that also removes the token / key held by `auth`.
    pub fn for_auth(auth: &AuthMode) -> Self {
        let mut r = Redactor::new();
        match auth {
            AuthMode::Jwt { token } => r.add_known_secret(token),
            AuthMode::ApiKey { key } => r.add_known_secret(key),
            AuthMode::None | AuthMode::Sigv4 { .. } => {}
        }
        r
    }

    /// Remove this exact value wherever it appears (also percent-encoded).
    /// Values shorter than 4 characters are ignored: replacing them would
    /// shred unrelated text without protecting anything.
    pub fn add_known_secret(&mut self, secret: &str) {
        let s = secret.trim();
        if s.chars().count() >= 4 && !is_redacted(s) && !self.known.iter().any(|k| k == s) {
            self.known.push(s.to_string());
            // Longest first, so a secret containing another is removed whole.
            self.known.sort_by_key(|k| std::cmp::Reverse(k.len()));
        }
    }

    #[cfg(test)]
    pub(crate) fn with_known_secret(mut self, secret: &str) -> Self {
        self.add_known_secret(secret);
        self
    }

    /// Free text: known secrets, JWTs and access key ids.
    pub fn text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for k in &self.known {
            if out.contains(k.as_str()) {
                out = out.replace(k.as_str(), REDACTED);
            }
            let enc = utf8_percent_encode(k, STRICT).to_string();
            if enc != *k && out.contains(&enc) {
                out = out.replace(&enc, REDACTED);
            }
        }
        let out = JWT.replace_all(&out, REDACTED);
        let out = ACCESS_KEY_ID.replace_all(&out, REDACTED);
        let out = JSON_SECRET_MEMBER.replace_all(&out, format!("${{1}}\"{REDACTED}\""));
        FORM_SECRET_PAIR
            .replace_all(&out, |c: &regex::Captures| {
                let value = &c[3];
                if value.is_empty() || value.contains(REDACTED) || value.contains("%3Credacted%3E")
                {
                    c[0].to_string()
                } else {
                    format!("{}{}={REDACTED}", &c[1], &c[2])
                }
            })
            .into_owned()
    }

    /// Bodies: like [`Redactor::text`] but byte-safe (non-UTF-8 bodies keep
    /// their other bytes).
    pub fn bytes(&self, body: &[u8]) -> Vec<u8> {
        if let Ok(t) = std::str::from_utf8(body) {
            return scrub_secret_keys(self.text(t).into_bytes());
        }
        let mut out = body.to_vec();
        for k in &self.known {
            let re = regex::bytes::Regex::new(&regex::escape(k)).expect("escaped literal");
            out = re.replace_all(&out, REDACTED.as_bytes()).into_owned();
        }
        let out = JWT_BYTES.replace_all(&out, REDACTED.as_bytes());
        scrub_secret_keys(
            ACCESS_KEY_ID_BYTES
                .replace_all(&out, REDACTED.as_bytes())
                .into_owned(),
        )
    }

    /// One header value, by header name.
    pub fn header(&self, name: &str, value: &str) -> String {
        let lower = name.to_ascii_lowercase();
        match lower.as_str() {
            "authorization" | "proxy-authorization" => redact_authorization(value),
            "cookie" => redact_cookie_list(value),
            "set-cookie" => redact_set_cookie(value),
            n if is_secret_name(n) => REDACTED.to_string(),
            _ => self.text(value),
        }
    }

    pub fn headers(&self, headers: &[(String, String)]) -> Vec<(String, String)> {
        headers
            .iter()
            .map(|(k, v)| (k.clone(), self.header(k, v)))
            .collect()
    }

    /// A URL: secret query parameters, then JWTs / keys / known secrets anywhere.
    pub fn url(&self, url: &str) -> String {
        let (head, query) = match url.split_once('?') {
            Some((h, q)) => (h, Some(q)),
            None => (url, None),
        };
        let mut out = head.to_string();
        if let Some(q) = query {
            out.push('?');
            let marker = utf8_percent_encode(REDACTED, STRICT).to_string();
            let pairs: Vec<String> = q
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((k, _)) if is_secret_param(k) => format!("{k}={marker}"),
                    _ => pair.to_string(),
                })
                .collect();
            out.push_str(&pairs.join("&"));
        }
        self.text(&out)
    }

    pub fn auth(&self, auth: &AuthMode) -> AuthMode {
        match auth {
            AuthMode::Jwt { token } if !token.is_empty() => AuthMode::Jwt {
                token: REDACTED.into(),
            },
            AuthMode::ApiKey { key } if !key.is_empty() => AuthMode::ApiKey {
                key: REDACTED.into(),
            },
            other => other.clone(),
        }
    }

    pub fn request(&self, req: &HttpRequest) -> HttpRequest {
        HttpRequest {
            method: req.method.clone(),
            url: self.url(&req.url),
            headers: self.headers(&req.headers),
            body: self.bytes(&req.body),
        }
    }

    pub fn response(&self, resp: &HttpResponse) -> HttpResponse {
        HttpResponse {
            headers: self.headers(&resp.headers),
            body: self.bytes(&resp.body),
            ..resp.clone()
        }
    }

    pub fn draft(&self, draft: &RequestDraft) -> RequestDraft {
        let fields = |list: &[Field], by_name: fn(&str) -> bool| -> Vec<Field> {
            list.iter()
                .map(|f| Field {
                    value: if by_name(&f.name) {
                        REDACTED.into()
                    } else {
                        self.text(&f.value)
                    },
                    ..f.clone()
                })
                .collect()
        };
        RequestDraft {
            base_url: self.url(&draft.base_url),
            path: self.text(&draft.path),
            path_params: fields(&draft.path_params, |_| false),
            query: fields(&draft.query, is_secret_param),
            headers: draft
                .headers
                .iter()
                .map(|f| Field {
                    value: self.header(&f.name, &f.value),
                    ..f.clone()
                })
                .collect(),
            body: self.bytes(&draft.body),
            auth: self.auth(&draft.auth),
            ..draft.clone()
        }
    }
}

fn is_secret_param(name: &str) -> bool {
    is_secret_name(&percent_encoding::percent_decode_str(name).decode_utf8_lossy())
}

/// Replace AWS-secret-key-shaped runs in a body.
fn scrub_secret_keys(body: Vec<u8>) -> Vec<u8> {
    if !BASE64_RUN
        .find_iter(&body)
        .any(|m| looks_like_secret_key(m.as_bytes()))
    {
        return body;
    }
    BASE64_RUN
        .replace_all(&body, |c: &regex::bytes::Captures| {
            if looks_like_secret_key(&c[0]) {
                REDACTED.as_bytes().to_vec()
            } else {
                c[0].to_vec()
            }
        })
        .into_owned()
}

/// Keep the scheme, and for SigV4 the credential scope and signed headers.
fn redact_authorization(value: &str) -> String {
    let trimmed = value.trim();
    let Some((scheme, rest)) = trimmed.split_once(' ') else {
        return REDACTED.into();
    };
    if !scheme.starts_with("AWS4-") {
        return format!("{scheme} {REDACTED}");
    }
    let parts: Vec<String> = rest
        .split(',')
        .map(|p| {
            let p = p.trim();
            match p.split_once('=') {
                Some(("Credential", cred)) => match cred.split_once('/') {
                    Some((_key_id, scope)) => format!("Credential={REDACTED}/{scope}"),
                    None => format!("Credential={REDACTED}"),
                },
                Some(("SignedHeaders", h)) => format!("SignedHeaders={h}"),
                Some((k, _)) => format!("{k}={REDACTED}"),
                None => REDACTED.to_string(),
            }
        })
        .collect();
    format!("{scheme} {}", parts.join(", "))
}

/// `a=1; b=2` → `a=<redacted>; b=<redacted>`.
fn redact_cookie_list(value: &str) -> String {
    value
        .split(';')
        .map(|c| match c.split_once('=') {
            Some((name, _)) => format!("{}={REDACTED}", name.trim()),
            None => REDACTED.to_string(),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// `id=abc; Path=/; HttpOnly` → `id=<redacted>; Path=/; HttpOnly`.
fn redact_set_cookie(value: &str) -> String {
    match value.split_once(';') {
        Some((first, attrs)) => format!("{};{attrs}", redact_cookie_list(first)),
        None => redact_cookie_list(value),
    }
}

#[cfg(test)]
#[path = "redact_tests.rs"]
mod tests;
