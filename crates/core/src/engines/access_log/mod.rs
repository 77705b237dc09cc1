//! Access-log lines → [`AccessLogRecord`], whatever format the stage uses.
//!
//! The stage's format string is the schema: JSON keys map to the `$context`
//! variables they were configured with, and every other format (the console's
//! CLF, XML and CSV presets, or anything custom) is matched as a template.
//! JSON lines that `serde_json` rejects (unescaped quotes inside an error
//! message, an unquoted `-`) fall back to that same template.
//!
//! ```
//! use gatescope_core::engines::access_log::AccessLogFormat;
//! let f = AccessLogFormat::new(r#"{"id":"$context.requestId","s":"$context.status"}"#);
//! let r = f.parse(r#"{"id":"abc=","s":"502"}"#, 0).unwrap();
//! assert_eq!((r.request_id.as_deref(), r.status), (Some("abc="), Some(502)));
//! ```

pub mod format;
mod json;
pub mod presets;
mod template;
pub mod vars;

pub(crate) use format::FormatKind;
pub use format::{AccessLogFormat, FormatAdvice, RECOMMENDED_HTTP, RECOMMENDED_REST, check_format};

use crate::domain::{AccessLogRecord, RawLogEvent, Text};

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessParseError {
    #[error("empty access-log line")]
    Empty,
    #[error("the line does not match the stage's access-log format")]
    NoMatch,
}

impl AccessLogFormat {
    /// Parse one line; `event_ts_ms` is the CloudWatch timestamp, used when
    /// the line carries no request time.
    pub fn parse(&self, line: &str, event_ts_ms: i64) -> Result<AccessLogRecord, AccessParseError> {
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            return Err(AccessParseError::Empty);
        }
        let mut rec = AccessLogRecord::default();
        let looks_json = line.trim_start().starts_with('{');
        let mut ok = looks_json
            && !self.json_keys.is_empty()
            && json::parse_json(self, line, &mut rec).is_ok();
        if !ok {
            rec = AccessLogRecord::default();
            ok = self.parse_template(line, &mut rec);
        }
        if !ok && looks_json && self.kind != FormatKind::Json {
            // The stage's format changed to JSON since these lines were written
            // (or was unknown): read them with the usual key names.
            rec = AccessLogRecord::default();
            ok = json::parse_json(&AccessLogFormat::assumed_json(), line, &mut rec).is_ok();
        }
        if !ok {
            return Err(AccessParseError::NoMatch);
        }
        vars::finish(&mut rec, event_ts_ms);
        rec.raw = Text::new(line);
        Ok(rec)
    }

    /// Like [`AccessLogFormat::parse`], but a line that does not fit still
    /// becomes a record (raw text and timestamp only), so nothing is hidden.
    pub fn parse_lenient(&self, line: &str, event_ts_ms: i64) -> AccessLogRecord {
        self.parse(line, event_ts_ms)
            .unwrap_or_else(|_| AccessLogRecord {
                timestamp_ms: event_ts_ms,
                raw: Text::new(line.trim_end_matches(['\n', '\r'])),
                ..Default::default()
            })
    }

    /// Parse a CloudWatch event of the access-log group.
    pub fn parse_event(&self, ev: &RawLogEvent) -> AccessLogRecord {
        self.parse_lenient(&ev.message, ev.timestamp_ms)
    }

    fn parse_template(&self, line: &str, rec: &mut AccessLogRecord) -> bool {
        let Some(m) = &self.matcher else { return false };
        let Some(caps) = m.captures(line) else {
            return false;
        };
        for (var, value) in caps {
            let value = match self.kind {
                FormatKind::Json => unescape_json(value),
                FormatKind::Xml => unescape_xml(value),
                _ => value.into(),
            };
            vars::assign(rec, var, &value);
        }
        true
    }
}

/// Undo JSON string escapes in a value the lenient matcher cut out.
fn unescape_json(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains('\\') {
        return v.into();
    }
    serde_json::from_str::<String>(&format!("\"{v}\""))
        .map(Into::into)
        .unwrap_or_else(|_| v.replace("\\\"", "\"").replace("\\\\", "\\").into())
}

fn unescape_xml(v: &str) -> std::borrow::Cow<'_, str> {
    if !v.contains('&') {
        return v.into();
    }
    v.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .into()
}

#[cfg(test)]
mod tests;
