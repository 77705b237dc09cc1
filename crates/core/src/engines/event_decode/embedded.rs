//! Find a proxy event inside a log message: after a prefix such as
//! `Event:` in a Lambda text line (`2024-..Z\t<id>\tINFO\tEvent: {...}`),
//! nested in a JSON log line (Powertools `{"message": {...}}`, or a field
//! holding the event as escaped JSON text), or printed as a Python/Node
//! object literal.

use serde::Serialize;
use serde_json::Value;

use super::{classify, decode, relaxed::relaxed_to_json};
use crate::domain::DecodedEvent;

/// How many `{` positions to try before giving up (bounds the work on
/// long lines full of braces).
const MAX_ATTEMPTS: usize = 64;
/// How deep to look inside a JSON log line for the event.
const MAX_DEPTH: usize = 4;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EmbeddedEvent {
    /// Byte range of the literal holding the event in the searched text.
    pub start: usize,
    pub end: usize,
    /// True when the literal was a Python/Node object print, not JSON.
    pub relaxed: bool,
    pub event: DecodedEvent,
}

/// The first proxy event anywhere in `text`.
pub fn find_event(text: &str) -> Option<EmbeddedEvent> {
    search(text, 0, 0)
}

/// The first proxy event after the first occurrence of `prefix` (e.g.
/// `"Event:"`), falling back to the whole text when the prefix is absent.
pub fn find_event_after(text: &str, prefix: &str) -> Option<EmbeddedEvent> {
    match text.find(prefix) {
        Some(i) => search(text, i + prefix.len(), 0).or_else(|| search(text, 0, 0)),
        None => search(text, 0, 0),
    }
}

fn search(text: &str, from: usize, depth: usize) -> Option<EmbeddedEvent> {
    if depth > MAX_DEPTH {
        return None;
    }
    let mut pos = from;
    for _ in 0..MAX_ATTEMPTS {
        let rel = text.get(pos..)?.find('{')?;
        let start = pos + rel;
        let slice = &text[start..];
        let mut stream = serde_json::Deserializer::from_str(slice).into_iter::<Value>();
        if let Some(Ok(v)) = stream.next() {
            let end = start + stream.byte_offset();
            if let Some(event) = event_in(v, depth) {
                return Some(EmbeddedEvent {
                    start,
                    end,
                    relaxed: false,
                    event,
                });
            }
            // A JSON object that holds no event: skip all of it.
            pos = end;
            continue;
        }
        if let Some((json, used)) = relaxed_to_json(slice)
            && let Ok(v) = serde_json::from_str::<Value>(&json)
        {
            if let Some(event) = event_in(v, depth) {
                return Some(EmbeddedEvent {
                    start,
                    end: start + used,
                    relaxed: true,
                    event,
                });
            }
            pos = start + used;
            continue;
        }
        pos = start + 1;
    }
    None
}

/// `v` itself, or a value nested in it, decoded as an event.
fn event_in(v: Value, depth: usize) -> Option<DecodedEvent> {
    if depth > MAX_DEPTH {
        return None;
    }
    if classify(&v).is_ok() {
        return decode(v).ok();
    }
    match v {
        Value::Object(map) => {
            // Likely field names first, then everything else.
            let (likely, rest): (Vec<_>, Vec<_>) = map.into_iter().partition(|(k, _)| {
                matches!(
                    k.to_ascii_lowercase().as_str(),
                    "event" | "message" | "msg" | "input" | "request" | "payload" | "data"
                )
            });
            likely
                .into_iter()
                .chain(rest)
                .find_map(|(_, x)| event_in(x, depth + 1))
        }
        Value::Array(items) => items.into_iter().find_map(|x| event_in(x, depth + 1)),
        Value::String(s) => {
            let t = s.trim_start();
            if !t.contains('{') {
                return None;
            }
            if !t.starts_with('{') {
                return search(t, 0, depth + 1).map(|e| e.event);
            }
            let parsed = serde_json::from_str::<Value>(t)
                .ok()
                .or_else(|| relaxed_to_json(t).and_then(|(j, _)| serde_json::from_str(&j).ok()));
            match parsed {
                Some(inner) => event_in(inner, depth + 1),
                None => search(t, 0, depth + 1).map(|e| e.event),
            }
        }
        _ => None,
    }
}
