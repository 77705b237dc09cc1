//! A request as the user edits it (composer, history, saved collections),
//! before it is turned into an [`HttpRequest`](super::HttpRequest) by
//! `engines::compose::build`.

use serde::{Deserialize, Serialize};

use super::request::AuthMode;

fn yes() -> bool {
    true
}

/// One row of an editable key/value list (path parameters, query, headers).
/// Disabled rows stay in the list (so the user can toggle them) but are not sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    pub name: String,
    pub value: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

impl Field {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Self {
        Field {
            name: name.into(),
            value: value.into(),
            enabled: true,
        }
    }
}

/// Content-type presets offered by the composer. `None` sends no
/// `content-type` (unless the header list has one, which always wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ContentType {
    #[default]
    None,
    Json,
    Form,
    Text,
    Xml,
    Binary,
}

impl RequestDraft {
    /// The auth used, short: `none`, `sigv4`, `api-key`, `jwt`, or
    /// `jwt:valid` for a named demo token (the CLI's `--auth` spelling).
    pub fn auth_summary(&self) -> String {
        let kind = match &self.auth {
            AuthMode::None => "none",
            AuthMode::Sigv4 { .. } => "sigv4",
            AuthMode::Jwt { .. } => "jwt",
            AuthMode::ApiKey { .. } => "api-key",
        };
        match (&self.auth, &self.target.auth_label) {
            (AuthMode::None, _) | (_, None) => kind.to_string(),
            (_, Some(label)) => format!("{kind}:{label}"),
        }
    }
}

impl ContentType {
    /// Every preset, in the order a picker shows them.
    pub const ALL: [ContentType; 6] = [
        ContentType::None,
        ContentType::Json,
        ContentType::Form,
        ContentType::Text,
        ContentType::Xml,
        ContentType::Binary,
    ];

    /// The `content-type` header value, `None` for [`ContentType::None`].
    pub(crate) fn mime(self) -> Option<&'static str> {
        match self {
            ContentType::None => None,
            ContentType::Json => Some("application/json"),
            ContentType::Form => Some("application/x-www-form-urlencoded"),
            ContentType::Text => Some("text/plain; charset=utf-8"),
            ContentType::Xml => Some("application/xml"),
            ContentType::Binary => Some("application/octet-stream"),
        }
    }

    /// Short label for pickers and status lines.
    pub fn label(self) -> &'static str {
        match self {
            ContentType::None => "none",
            ContentType::Json => "json",
            ContentType::Form => "form",
            ContentType::Text => "text",
            ContentType::Xml => "xml",
            ContentType::Binary => "binary",
        }
    }

    /// A guess from a file name's extension (body from a file).
    pub fn from_extension(path: &str) -> ContentType {
        let ext = path.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
        match ext.as_deref() {
            Some("json") => ContentType::Json,
            Some("txt" | "md" | "csv") => ContentType::Text,
            Some("xml") => ContentType::Xml,
            Some("bin" | "png" | "jpg" | "jpeg" | "gif" | "pdf" | "zip" | "gz") => {
                ContentType::Binary
            }
            _ => ContentType::None,
        }
    }
}

/// Where a draft came from, so history can be kept per API and the signer
/// knows the API's region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DraftTarget {
    pub api_id: Option<String>,
    /// `GET /items/{id}`; `None` for a free URL.
    pub route_key: Option<String>,
    pub stage: Option<String>,
    /// The API's region (signing); `None` = parse it from the host.
    pub region: Option<String>,
    /// The name of a known credential used (a demo token: `valid`,
    /// `expired`...), so history can say which one a 401 was sent with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_label: Option<String>,
}

/// An editable request. `base_url + path` (with `{param}` fields
/// substituted) + `query` is the URL that gets sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RequestDraft {
    pub method: String,
    /// Stage invoke URL, a custom base URL, or the origin of a free URL.
    /// No trailing slash.
    pub base_url: String,
    /// Path after the base, starting with `/`: a route template
    /// (`/items/{id}`, `/files/{proxy+}`) or a literal path. Kept as typed
    /// (not percent-encoded); literal `%XX` sequences are sent as they are.
    pub path: String,
    /// One field per `{name}` / `{name+}` in `path`, in order.
    #[serde(default)]
    pub path_params: Vec<Field>,
    /// Decoded names and values; encoded when the URL is built.
    #[serde(default)]
    pub query: Vec<Field>,
    #[serde(default)]
    pub headers: Vec<Field>,
    #[serde(default)]
    pub content_type: ContentType,
    #[serde(default, with = "super::request::body_serde")]
    pub body: Vec<u8>,
    #[serde(default)]
    pub auth: AuthMode,
    #[serde(default)]
    pub target: DraftTarget,
}
