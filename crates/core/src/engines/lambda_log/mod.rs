//! Lambda log lines → [`LambdaLine`]: platform lines (text and JSON log
//! format), runtime-prefixed text lines, application JSON and Powertools
//! lines, timeouts, and logged proxy events.
//!
//! ```
//! use gatescope_core::engines::lambda_log::parse_line;
//! use gatescope_core::domain::LambdaLineKind;
//! let l = parse_line("/aws/lambda/f", 0, "END RequestId: 8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b\n");
//! assert_eq!(l.kind, LambdaLineKind::End);
//! assert_eq!(l.request_id.as_deref(), Some("8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b"));
//! ```

pub mod event_adapter;
mod json_line;
mod kept;
pub mod logged_response;
mod platform;
pub mod text;

use std::collections::HashMap;

use crate::domain::{LambdaLine, LambdaLineKind, RawLogEvent, Text, intern};

pub use event_adapter::find_event;
pub use kept::KeptLine;
pub(crate) use logged_response::find_response_headers;

/// Parse one line of a Lambda log group. Never fails: anything unknown is a
/// `Log` line with the text as its message.
pub fn parse_line(log_group: &str, timestamp_ms: i64, message: &str) -> LambdaLine {
    let msg = message.trim_end_matches(['\n', '\r']);
    let raw = Text::new(msg);
    let group = intern(log_group);
    // The message shares the raw line's storage when it is all of it.
    let part = |m: &str| {
        if m.len() == msg.len() {
            raw.clone()
        } else {
            Text::new(m)
        }
    };
    let line = |kind, request_id: Option<Text>, message: Text, event| LambdaLine {
        timestamp_ms,
        log_group: group.clone(),
        request_id,
        kind,
        message,
        event,
        raw: raw.clone(),
    };
    if let Some((kind, id)) = platform::parse_platform(msg) {
        return line(kind, Some(Text::from(id)), raw.clone(), None);
    }
    if msg.starts_with('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(msg)
    {
        let j = json_line::parse_json_line(v);
        return line(
            j.kind,
            j.request_id.map(Text::from),
            part(&j.message),
            j.event.map(Box::new),
        );
    }
    let p = text::split_prefix(msg);
    let rid = p.request_id.map(Text::new);
    if p.message.starts_with("Task timed out after")
        && let Some(seconds) = platform::parse_timeout(p.message)
    {
        return line(
            LambdaLineKind::Timeout { seconds },
            rid,
            part(p.message),
            None,
        );
    }
    if let Some(ev) = find_event(p.message) {
        return line(
            LambdaLineKind::Event,
            rid,
            part(p.message),
            Some(Box::new(ev)),
        );
    }
    line(
        LambdaLineKind::Log { level: p.level },
        rid,
        part(p.message),
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
    /// Log group → stream → request id of the invocation running there.
    /// Nested so that the lookup for every line allocates nothing.
    open: HashMap<String, HashMap<String, Text>>,
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
        match (&line.kind, &line.request_id) {
            (LambdaLineKind::Start { .. }, Some(id)) => {
                self.open
                    .entry(ev.log_group.clone())
                    .or_default()
                    .insert(stream.clone(), id.clone());
            }
            (LambdaLineKind::Report(_), Some(_)) => {
                if let Some(streams) = self.open.get_mut(&ev.log_group) {
                    streams.remove(stream);
                }
            }
            (_, None) => {
                line.request_id = self
                    .open
                    .get(&ev.log_group)
                    .and_then(|streams| streams.get(stream))
                    .cloned()
            }
            _ => {}
        }
        line
    }
}

#[cfg(test)]
mod tests;
