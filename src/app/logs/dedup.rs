//! De-duplication across overlapping polls, live-tail sessions and restarts.
//!
//! Polled events carry an `eventId`; live-tail events do not. So each source
//! counts how often it has seen an event *content* (group, stream, time,
//! message): polling counts an event only the first time its id shows up,
//! live tail never repeats within a session. The true number of identical
//! events is the maximum of the per-source counts, so an occurrence is
//! delivered only when its source's count exceeds what was delivered. This
//! keeps two identical lines in the same millisecond, and never shows one
//! event twice when live tail and a back-fill poll overlap.

use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Serialize};

use crate::domain::RawLogEvent;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Poll,
    Live,
}

#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
struct Counts {
    poll: u32,
    live: u32,
    delivered: u32,
    ts: i64,
}

/// Remembered state; serialisable so a restarted tail repeats nothing.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Dedup {
    ids: HashSet<String>,
    id_ts: Vec<(String, i64)>,
    content: HashMap<u64, Counts>,
}

fn content_key(ev: &RawLogEvent) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    ev.log_group.hash(&mut h);
    ev.log_stream.hash(&mut h);
    ev.timestamp_ms.hash(&mut h);
    ev.message.hash(&mut h);
    h.finish()
}

impl Dedup {
    #[cfg(test)]
    pub fn new() -> Self {
        Self::default()
    }

    /// True when `ev` is new and must be delivered.
    pub(crate) fn admit(&mut self, ev: &RawLogEvent, source: Source) -> bool {
        if source == Source::Poll
            && let Some(id) = &ev.event_id
        {
            if !self.ids.insert(id.clone()) {
                return false;
            }
            self.id_ts.push((id.clone(), ev.timestamp_ms));
        }
        let c = self.content.entry(content_key(ev)).or_default();
        c.ts = ev.timestamp_ms;
        let seen = match source {
            Source::Poll => {
                c.poll += 1;
                c.poll
            }
            Source::Live => {
                c.live += 1;
                c.live
            }
        };
        if seen > c.delivered {
            c.delivered = seen;
            true
        } else {
            false
        }
    }

    /// A new live-tail session starts: it counts from zero. (CloudWatch
    /// never re-sends old events in a new session; emulators send every
    /// existing event again, which must not show twice.)
    pub(crate) fn new_live_session(&mut self) {
        for c in self.content.values_mut() {
            c.live = 0;
        }
    }

    /// Forget events older than `before_ms` (they can no longer come back:
    /// every poll starts after it).
    pub(crate) fn prune(&mut self, before_ms: i64) {
        self.content.retain(|_, c| c.ts >= before_ms);
        let ids = &mut self.ids;
        self.id_ts.retain(|(id, ts)| {
            let keep = *ts >= before_ms;
            if !keep {
                ids.remove(id);
            }
            keep
        });
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.content.len()
    }

    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.content.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(id: Option<&str>, ts: i64, msg: &str) -> RawLogEvent {
        RawLogEvent {
            log_group: "g".into(),
            log_stream: Some("s".into()),
            event_id: id.map(str::to_string),
            timestamp_ms: ts,
            message: msg.into(),
            ..Default::default()
        }
    }

    #[test]
    fn overlapping_polls_deliver_once() {
        let mut d = Dedup::new();
        assert!(d.admit(&ev(Some("1"), 10, "a"), Source::Poll));
        assert!(!d.admit(&ev(Some("1"), 10, "a"), Source::Poll));
        // Same content, different id: a real second line in the same ms.
        assert!(d.admit(&ev(Some("2"), 10, "a"), Source::Poll));
    }

    #[test]
    fn live_then_backfill_and_back() {
        let mut d = Dedup::new();
        assert!(d.admit(&ev(None, 10, "a"), Source::Live));
        assert!(
            !d.admit(&ev(Some("1"), 10, "a"), Source::Poll),
            "already shown live"
        );
        assert!(d.admit(&ev(Some("2"), 11, "b"), Source::Poll));
        assert!(!d.admit(&ev(None, 11, "b"), Source::Live), "already polled");
        // Two identical live lines are two events.
        assert!(d.admit(&ev(None, 12, "c"), Source::Live));
        assert!(d.admit(&ev(None, 12, "c"), Source::Live));
        assert!(!d.admit(&ev(Some("3"), 12, "c"), Source::Poll));
        assert!(!d.admit(&ev(Some("4"), 12, "c"), Source::Poll));
        assert!(
            d.admit(&ev(Some("5"), 12, "c"), Source::Poll),
            "a third one"
        );
    }

    #[test]
    fn prune_and_serialise() {
        let mut d = Dedup::new();
        d.admit(&ev(Some("1"), 10, "a"), Source::Poll);
        d.admit(&ev(Some("2"), 20, "b"), Source::Poll);
        let mut restored: Dedup =
            serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
        assert!(!restored.admit(&ev(Some("2"), 20, "b"), Source::Poll));
        restored.prune(15);
        assert_eq!(restored.len(), 1);
        assert!(
            restored.admit(&ev(Some("1"), 10, "a"), Source::Poll),
            "forgotten"
        );
    }
}
