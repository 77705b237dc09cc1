//! Lambda log lines → [`LambdaLine`]: platform lines (text and JSON log
//! format), runtime-prefixed text lines, application JSON and Powertools
//! lines, timeouts, and logged proxy events.
//!
//! ```
//! use gatescope::engines::lambda_log::parse_line;
//! use gatescope::domain::LambdaLineKind;
//! let l = parse_line("/aws/lambda/f", 0, "END RequestId: 8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b\n");
//! assert_eq!(l.kind, LambdaLineKind::End);
//! assert_eq!(l.request_id.as_deref(), Some("8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b"));
//! ```

pub mod event_adapter;
mod json_line;
pub mod logged_response;
mod platform;
pub mod text;

use std::collections::HashMap;

use crate::domain::{LambdaLine, LambdaLineKind, RawLogEvent};

pub use event_adapter::{decode_event, find_event};
pub use logged_response::find_response_headers;
pub use platform::parse_report;

/// Parse one line of a Lambda log group. Never fails: anything unknown is a
/// `Log` line with the text as its message.
pub fn parse_line(log_group: &str, timestamp_ms: i64, message: &str) -> LambdaLine {
    let msg = message.trim_end_matches(['\n', '\r']);
    let line = |kind, request_id: Option<String>, text: String, event| LambdaLine {
        timestamp_ms,
        log_group: log_group.to_string(),
        request_id,
        kind,
        message: text,
        event,
        raw: msg.to_string(),
    };
    if let Some((kind, id)) = platform::parse_platform(msg) {
        return line(kind, Some(id), msg.to_string(), None);
    }
    if msg.starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(msg)
    {
        let j = json_line::parse_json_line(v);
        return line(j.kind, j.request_id, j.message, j.event.map(Box::new));
    }
    let p = text::split_prefix(msg);
    let rid = p.request_id.map(str::to_string);
    if p.message.starts_with("Task timed out after")
        && let Some(seconds) = platform::parse_timeout(p.message)
    {
        return line(
            LambdaLineKind::Timeout { seconds },
            rid,
            p.message.to_string(),
            None,
        );
    }
    if let Some(ev) = find_event(p.message) {
        return line(
            LambdaLineKind::Event,
            rid,
            p.message.to_string(),
            Some(Box::new(ev)),
        );
    }
    line(
        LambdaLineKind::Log { level: p.level },
        rid,
        p.message.to_string(),
        None,
    )
}

/// Parse a CloudWatch event of a Lambda log group (no stream context).
pub fn parse_event(ev: &RawLogEvent) -> LambdaLine {
    parse_line(&ev.log_group, ev.timestamp_ms, &ev.message)
}

/// A parser that remembers, per log stream, which invocation is running:
/// a Lambda execution environment (= one stream) handles one invocation at
/// a time, so lines without a request id (Python `print`, Go `fmt`) belong to
/// the invocation opened by the last `START` of the same stream.
#[derive(Debug, Default, Clone)]
pub struct LambdaLogParser {
    open: HashMap<(String, String), String>,
}

impl LambdaLogParser {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn parse(&mut self, ev: &RawLogEvent) -> LambdaLine {
        let mut line = parse_event(ev);
        let Some(stream) = &ev.log_stream else {
            return line;
        };
        let key = (ev.log_group.clone(), stream.clone());
        match (&line.kind, &line.request_id) {
            (LambdaLineKind::Start { .. }, Some(id)) => {
                self.open.insert(key, id.clone());
            }
            (LambdaLineKind::Report(_), Some(_)) => {
                self.open.remove(&key);
            }
            (_, None) => line.request_id = self.open.get(&key).cloned(),
            _ => {}
        }
        line
    }
}

#[cfg(test)]
mod tests;
