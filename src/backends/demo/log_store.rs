//! The demo's CloudWatch Logs: log groups of events in memory, in arrival order, with a
//! broadcast channel for live tail. Bounded so a long demo session cannot grow without end.

use std::collections::BTreeMap;
use std::sync::RwLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast;

use crate::domain::RawLogEvent;

/// Oldest events are dropped past this many per group.
const MAX_EVENTS_PER_GROUP: usize = 20_000;

#[derive(Debug)]
pub(crate) struct LogStore {
    groups: RwLock<BTreeMap<String, Vec<RawLogEvent>>>,
    seq: AtomicU64,
    last_ms: AtomicU64,
    tx: broadcast::Sender<RawLogEvent>,
}

impl Default for LogStore {
    fn default() -> Self {
        LogStore {
            groups: RwLock::default(),
            seq: AtomicU64::new(1),
            last_ms: AtomicU64::new(0),
            tx: broadcast::channel(4096).0,
        }
    }
}

/// Event ids are the store's sequence numbers, zero-padded so they sort as text too.
pub fn event_id(seq: u64) -> String {
    format!("{seq:020}")
}

pub(crate) fn parse_event_id(id: &str) -> Option<u64> {
    id.parse().ok()
}

impl LogStore {
    /// Append one event stamped now. Timestamps never go backwards, so every group stays
    /// sorted by time and by id at once.
    pub fn put(&self, group: &str, stream: &str, message: impl Into<String>) -> RawLogEvent {
        let now = chrono::Utc::now().timestamp_millis().max(0) as u64;
        let ts = self.last_ms.fetch_max(now, Ordering::SeqCst).max(now) as i64;
        let seq = self.seq.fetch_add(1, Ordering::SeqCst);
        let ev = RawLogEvent {
            log_group: group.to_string(),
            log_stream: Some(stream.to_string()),
            event_id: Some(event_id(seq)),
            timestamp_ms: ts,
            ingestion_ms: Some(ts),
            message: message.into(),
        };
        {
            let mut groups = self.groups.write().unwrap_or_else(|e| e.into_inner());
            let g = groups.entry(group.to_string()).or_default();
            g.push(ev.clone());
            if g.len() > MAX_EVENTS_PER_GROUP {
                let excess = g.len() - MAX_EVENTS_PER_GROUP;
                g.drain(..excess);
            }
        }
        // Nobody tailing is fine.
        let _ = self.tx.send(ev.clone());
        ev
    }

    /// Make a group exist (empty), as creating a stage's log group would.
    pub(crate) fn ensure_group(&self, group: &str) {
        let mut groups = self.groups.write().unwrap_or_else(|e| e.into_inner());
        groups.entry(group.to_string()).or_default();
    }

    pub(crate) fn has_group(&self, group: &str) -> bool {
        let groups = self.groups.read().unwrap_or_else(|e| e.into_inner());
        groups.contains_key(group)
    }

    pub(crate) fn group_names(&self) -> Vec<String> {
        let groups = self.groups.read().unwrap_or_else(|e| e.into_inner());
        groups.keys().cloned().collect()
    }

    /// Events of one group with `start_ms <= ts <= end_ms` and id `>= from_seq`, oldest first.
    pub fn events(
        &self,
        group: &str,
        start_ms: i64,
        end_ms: i64,
        from_seq: u64,
    ) -> Vec<RawLogEvent> {
        let groups = self.groups.read().unwrap_or_else(|e| e.into_inner());
        let Some(g) = groups.get(group) else {
            return Vec::new();
        };
        g.iter()
            .filter(|e| e.timestamp_ms >= start_ms && e.timestamp_ms <= end_ms)
            .filter(|e| {
                e.event_id
                    .as_deref()
                    .and_then(parse_event_id)
                    .is_some_and(|s| s >= from_seq)
            })
            .cloned()
            .collect()
    }

    /// Find one event by id (for `GetLogRecord`).
    pub fn by_id(&self, id: &str) -> Option<RawLogEvent> {
        let groups = self.groups.read().unwrap_or_else(|e| e.into_inner());
        groups
            .values()
            .flat_map(|g| g.iter())
            .find(|e| e.event_id.as_deref() == Some(id))
            .cloned()
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<RawLogEvent> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_ordered_bounded_and_broadcast() {
        let store = LogStore::default();
        let mut rx = store.subscribe();
        let a = store.put("g", "s", "one");
        let b = store.put("g", "s", "two");
        store.put("other", "s", "three");
        assert!(b.timestamp_ms >= a.timestamp_ms);
        assert!(b.event_id > a.event_id);
        let all = store.events("g", 0, i64::MAX, 0);
        assert_eq!(
            all.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            ["one", "two"]
        );
        let from_b = parse_event_id(b.event_id.as_deref().unwrap()).unwrap();
        assert_eq!(store.events("g", 0, i64::MAX, from_b).len(), 1);
        assert_eq!(rx.try_recv().unwrap().message, "one");
        assert_eq!(
            store.by_id(b.event_id.as_deref().unwrap()).unwrap().message,
            "two"
        );
        assert_eq!(store.group_names(), ["g", "other"]);
    }
}
