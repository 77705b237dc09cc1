//! Records of the logs view, bounded, with the filtered + sorted view kept
//! up to date incrementally: appending a record costs a filter check and a
//! binary search, never a pass over everything (100k records stay cheap).
//!
//! Records are addressed by a sequence number that never changes, so
//! eviction from the front of the ring does not shift anyone's position.

use std::cmp::Ordering;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use super::filter::LogFilter;
use crate::app::logs::row::Row;
use crate::domain::{CorrelatedRecord, Text};
use crate::engines::access_log::AccessLogFormat;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Time,
    Status,
    Latency,
    Route,
}

impl SortKey {
    pub fn next(self) -> Self {
        match self {
            SortKey::Time => SortKey::Status,
            SortKey::Status => SortKey::Latency,
            SortKey::Latency => SortKey::Route,
            SortKey::Route => SortKey::Time,
        }
    }

    #[cfg(test)]
    pub fn label(self) -> &'static str {
        match self {
            SortKey::Time => "time",
            SortKey::Status => "status",
            SortKey::Latency => "latency",
            SortKey::Route => "route",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RecordStore {
    records: VecDeque<Row>,
    /// The stage's access-log format: records whose line it parses back
    /// into what arrived are kept as that line ([`Row`]).
    format: Option<Arc<AccessLogFormat>>,
    /// Sequence number of `records[0]`.
    base: u64,
    capacity: usize,
    by_request_id: HashMap<Text, u64>,
    filter: LogFilter,
    sort: SortKey,
    descending: bool,
    /// Sequence numbers of the records that pass the filter, in display order.
    view: Vec<u64>,
}

impl Default for RecordStore {
    fn default() -> Self {
        RecordStore::with_capacity(crate::app::logs::configured_capacity())
    }
}

impl RecordStore {
    pub fn with_capacity(capacity: usize) -> Self {
        RecordStore {
            records: VecDeque::new(),
            format: None,
            base: 0,
            capacity: capacity.max(1),
            by_request_id: HashMap::new(),
            filter: LogFilter::default(),
            sort: SortKey::Time,
            descending: false,
            view: Vec::new(),
        }
    }

    pub fn total(&self) -> usize {
        self.records.len()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    pub fn filter(&self) -> &LogFilter {
        &self.filter
    }

    pub fn sort(&self) -> (SortKey, bool) {
        (self.sort, self.descending)
    }

    /// The format the lines of records arriving from now on were parsed
    /// with (`None`: unknown, records are kept whole).
    pub fn set_format(&mut self, format: Option<Arc<AccessLogFormat>>) {
        self.format = format;
    }

    pub fn format(&self) -> Option<&Arc<AccessLogFormat>> {
        self.format.as_ref()
    }

    pub fn get(&self, seq: u64) -> Option<&Row> {
        let i = seq.checked_sub(self.base)?;
        self.records.get(usize::try_from(i).ok()?)
    }

    /// Number of records passing the filter.
    pub fn view_len(&self) -> usize {
        self.view.len()
    }

    /// The `i`-th record in display order, with its sequence number.
    pub fn view_get(&self, i: usize) -> Option<(u64, &Row)> {
        let seq = *self.view.get(i)?;
        self.get(seq).map(|r| (seq, r))
    }

    /// Position in display order of a record, if it passes the filter.
    pub(crate) fn view_position(&self, seq: u64) -> Option<usize> {
        let rec = self.get(seq)?;
        let found = self.view.binary_search_by(|&s| match self.get(s) {
            Some(other) => self.compare((s, other), (seq, rec)),
            None => Ordering::Less,
        });
        found.ok()
    }

    pub(crate) fn find_request_id(&self, request_id: &str) -> Option<u64> {
        self.by_request_id.get(request_id).copied()
    }

    fn compare(&self, (sa, a): (u64, &Row), (sb, b): (u64, &Row)) -> Ordering {
        let by_key = match self.sort {
            SortKey::Time => a.timestamp_ms().cmp(&b.timestamp_ms()),
            SortKey::Status => a.status().cmp(&b.status()),
            SortKey::Latency => a
                .latency_ms()
                .partial_cmp(&b.latency_ms())
                .unwrap_or(Ordering::Equal),
            SortKey::Route => a.route_key().cmp(&b.route_key()),
        };
        let by_key = if self.descending {
            by_key.reverse()
        } else {
            by_key
        };
        // Arrival order breaks ties, so the order is total and stable.
        by_key.then(sa.cmp(&sb))
    }

    fn insert_into_view(&mut self, seq: u64) {
        let Some(rec) = self.get(seq) else { return };
        // Fast path: arrivals in display order go to the end.
        let at_end = match self.view.last().and_then(|&l| self.get(l).map(|r| (l, r))) {
            None => true,
            Some(last) => self.compare(last, (seq, rec)) == Ordering::Less,
        };
        if at_end {
            self.view.push(seq);
            return;
        }
        let pos = self.view.partition_point(|&s| {
            self.get(s)
                .is_some_and(|o| self.compare((s, o), (seq, rec)) == Ordering::Less)
        });
        self.view.insert(pos, seq);
    }

    /// Append records (oldest first), evicting the oldest past capacity.
    pub fn extend(&mut self, records: impl IntoIterator<Item = CorrelatedRecord>) {
        let format = self.format.clone();
        self.extend_rows(records.into_iter().map(|r| Row::new(r, format.as_ref())));
    }

    /// Append rows (oldest first), evicting the oldest past capacity.
    pub fn extend_rows(&mut self, rows: impl IntoIterator<Item = Row>) {
        for rec in rows {
            let seq = self.base + self.records.len() as u64;
            if let Some(id) = rec.request_id() {
                self.by_request_id.insert(Text::new(id), seq);
            }
            let passes = self.filter.matches(&rec);
            self.records.push_back(rec);
            if passes {
                self.insert_into_view(seq);
            }
        }
        self.evict();
    }

    pub fn push(&mut self, record: CorrelatedRecord) {
        self.extend([record]);
    }

    fn evict(&mut self) {
        let excess = self.records.len().saturating_sub(self.capacity);
        if excess == 0 {
            return;
        }
        for rec in self.records.drain(..excess) {
            if let Some(id) = rec.request_id()
                && self.by_request_id.get(id) == Some(&self.base)
            {
                self.by_request_id.remove(id);
            }
            self.base += 1;
        }
        let base = self.base;
        self.view.retain(|&s| s >= base);
    }

    /// Replace a record (its Lambda lines arrived later, say), keeping the
    /// view consistent.
    pub fn update(&mut self, seq: u64, record: CorrelatedRecord) {
        let row = Row::new(record, self.format.as_ref());
        self.update_row(seq, row);
    }

    fn update_row(&mut self, seq: u64, row: Row) {
        let Some(i) = seq.checked_sub(self.base).map(|i| i as usize) else {
            return;
        };
        if i >= self.records.len() {
            return;
        }
        // Found by binary search while the old row is still in place.
        if let Some(pos) = self.view_position(seq) {
            self.view.remove(pos);
        }
        let passes = self.filter.matches(&row);
        self.records[i] = row;
        if passes {
            self.insert_into_view(seq);
        }
    }

    /// Insert or, when a record with the same request id exists, replace it.
    #[cfg(test)]
    pub(crate) fn upsert(&mut self, record: CorrelatedRecord) {
        let row = Row::new(record, self.format.as_ref());
        self.upsert_row(row);
    }

    /// [`RecordStore::upsert`] of a row made already (by the live feed).
    pub(crate) fn upsert_row(&mut self, row: Row) {
        match row.request_id().and_then(|id| self.find_request_id(id)) {
            Some(seq) => self.update_row(seq, row),
            None => self.extend_rows([row]),
        }
    }

    /// A new filter means one pass over everything (on the user's keystroke,
    /// not per frame).
    pub fn set_filter(&mut self, filter: LogFilter) {
        self.filter = filter;
        self.rebuild();
    }

    pub(crate) fn set_sort(&mut self, key: SortKey, descending: bool) {
        self.sort = key;
        self.descending = descending;
        self.rebuild();
    }

    fn rebuild(&mut self) {
        let base = self.base;
        let mut view: Vec<u64> = self
            .records
            .iter()
            .enumerate()
            .filter(|(_, r)| self.filter.matches(r))
            .map(|(i, _)| base + i as u64)
            .collect();
        view.sort_by(|&a, &b| match (self.get(a), self.get(b)) {
            (Some(ra), Some(rb)) => self.compare((a, ra), (b, rb)),
            _ => a.cmp(&b),
        });
        self.view = view;
    }

    pub fn clear(&mut self) {
        self.base += self.records.len() as u64;
        self.records.clear();
        self.view.clear();
        self.by_request_id.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccessLogRecord;

    pub(crate) fn rec(ts: i64, status: u16, id: &str, latency: f64) -> CorrelatedRecord {
        CorrelatedRecord {
            access: AccessLogRecord {
                timestamp_ms: ts,
                status: Some(status),
                request_id: Some(id.into()),
                latency_ms: Some(latency),
                route_key: Some(format!("GET /r{}", ts % 3).into()),
                ..Default::default()
            },
            lambda_lines: vec![],
            report: None,
            event: None,
            unmatched: false,
            lambda_request_id: None,
            matched_by: None,
            timed_out: false,
        }
    }

    fn ids(s: &RecordStore) -> Vec<String> {
        (0..s.view_len())
            .map(|i| s.view_get(i).unwrap().1.request_id().unwrap().to_string())
            .collect()
    }

    #[test]
    fn filtered_view_follows_appends_and_eviction() {
        let mut s = RecordStore::with_capacity(4);
        s.set_filter(LogFilter::parse("status:5xx"));
        s.extend([
            rec(1, 500, "a", 1.0),
            rec(2, 200, "b", 1.0),
            rec(3, 502, "c", 1.0),
        ]);
        assert_eq!(ids(&s), ["a", "c"]);
        s.extend([rec(4, 503, "d", 1.0), rec(5, 504, "e", 1.0)]);
        // "a" was evicted (capacity 4).
        assert_eq!(ids(&s), ["c", "d", "e"]);
        assert_eq!(s.total(), 4);
        assert!(s.find_request_id("a").is_none());
        assert_eq!(s.find_request_id("e"), Some(4));
        s.set_filter(LogFilter::default());
        assert_eq!(ids(&s), ["b", "c", "d", "e"]);
    }

    #[test]
    fn out_of_order_arrivals_and_sorting() {
        let mut s = RecordStore::default();
        s.extend([
            rec(10, 200, "x", 5.0),
            rec(30, 500, "y", 1.0),
            rec(20, 404, "z", 9.0),
        ]);
        assert_eq!(ids(&s), ["x", "z", "y"]);
        s.set_sort(SortKey::Latency, true);
        assert_eq!(ids(&s), ["z", "x", "y"]);
        s.push(rec(40, 200, "w", 7.0));
        assert_eq!(ids(&s), ["z", "w", "x", "y"]);
        assert_eq!(s.view_position(s.find_request_id("x").unwrap()), Some(2));
        s.set_sort(SortKey::Status, false);
        assert_eq!(ids(&s), ["x", "w", "z", "y"]);
    }

    #[test]
    fn upsert_replaces_and_refilters() {
        let mut s = RecordStore::default();
        s.set_filter(LogFilter::parse("unmatched"));
        let mut r = rec(1, 200, "a", 1.0);
        r.unmatched = true;
        s.push(r.clone());
        assert_eq!(s.view_len(), 1);
        r.unmatched = false;
        s.upsert(r);
        assert_eq!(s.view_len(), 0);
        assert_eq!(s.total(), 1);
        s.upsert(rec(2, 200, "b", 1.0));
        assert_eq!(s.total(), 2);
    }

    #[test]
    fn clear_keeps_sequence_numbers_unique() {
        let mut s = RecordStore::default();
        s.push(rec(1, 200, "a", 1.0));
        s.clear();
        s.push(rec(2, 200, "b", 1.0));
        assert_eq!(s.find_request_id("b"), Some(1));
        assert!(s.get(0).is_none());
    }
}
