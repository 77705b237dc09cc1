//! The log book: raw events in, access records and Lambda invocations kept
//! (bounded), correlated on demand. One per log view; the CLI and the TUI
//! both feed it from a tail or a query.
//!
//! Memory is the constraint (a million access lines must fit in well under a
//! gigabyte), so an access record is kept as its raw line and event time
//! only: the line is parsed as it arrives (join keys go into hash indexes,
//! no second pass) and parsed again, sharing the same line, when a record is
//! asked for. Parsing is deterministic, so the record asked for is the
//! record that arrived.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::Arc;

use crate::domain::{AccessLogRecord, CorrelatedRecord, LambdaInvocation, RawLogEvent, Text};
use crate::engines::access_log::AccessLogFormat;
use crate::engines::correlate::{CorrelateOptions, InvocationIndex, correlate_one};
use crate::engines::lambda_log::LambdaLogParser;

use super::discovery::LogTargets;
use super::ring::Ring;

/// An access record as the book keeps it: the line as logged and the
/// event's time (the record's fallback timestamp).
#[derive(Debug, Clone)]
struct Kept {
    raw: Text,
    event_ts_ms: i64,
}

/// A join key's hash → sequence number (the keys are hashes already).
type KeyMap = HashMap<u64, u64, BuildHasherDefault<KeyHasher>>;

/// Passes a `u64` through: [`KeyMap`]'s keys are [`key_hash`]es.
#[derive(Default)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A stable 64-bit hash of a join key: two per access line and one per
/// Lambda line, so a fast one (SipHash was a visible share of the 1 M-line
/// profile). foldhash's quality variant, fixed seed: the same id always
/// gives the same key, and two ids sharing one become likely only near
/// 2^32 ids kept.
fn key_hash(id: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::quality::FixedState::default().hash_one(id)
}

/// What one `ingest` added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ingested {
    pub access: usize,
    pub lambda: usize,
}

pub struct LogBook {
    /// Shared with the logs page's rows, which parse their lines again with it.
    format: Arc<AccessLogFormat>,
    access_groups: HashSet<String>,
    opts: CorrelateOptions,
    parser: LambdaLogParser,
    index: InvocationIndex,
    records: Ring<Kept>,
    /// Join keys (by [`key_hash`]) → sequence number of the access record
    /// carrying them, so a Lambda line arriving after its access record finds
    /// the record to re-correlate without a pass over the ring. Sequence
    /// numbers count every record ever pushed (`records[i]` is `dropped + i`);
    /// entries of evicted records are ignored and pruned now and then.
    /// Keyed by a 64-bit hash, not the id: 16 bytes an entry instead of 32
    /// plus the id's own allocation. Two ids colliding (about 1 in 10^7 at
    /// a million records) only costs a missed or an extra redraw.
    by_integration_id: KeyMap,
    by_request_id: KeyMap,
    /// Lambda request id → API Gateway request id, from logged events (the
    /// join for formats without `$context.integration.requestId`).
    apigw_of_lambda: HashMap<Text, Text>,
    /// Threads that parse a large batch of access lines (1: no threads).
    parse_threads: usize,
}

/// Below this many access lines in one batch, parsing on threads costs
/// more than it saves.
const PARALLEL_MIN: usize = 4096;

/// Parse access-log events, on up to `threads` threads when there are many
/// (an access line needs nothing from the lines before it), results in the
/// order given.
pub fn parse_access_lines(
    format: &AccessLogFormat,
    events: &[&RawLogEvent],
    threads: usize,
) -> Vec<AccessLogRecord> {
    let threads = threads.min(events.len() / (PARALLEL_MIN / 2)).max(1);
    if events.len() < PARALLEL_MIN || threads == 1 {
        return events.iter().map(|e| format.parse_event(e)).collect();
    }
    let chunk = events.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = events
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|e| format.parse_event(e))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

impl LogBook {
    /// A book for a stage's targets, keeping the newest `capacity` access
    /// records (and as many invocations).
    pub fn new(targets: &LogTargets, capacity: usize) -> LogBook {
        LogBook::from_parts(
            targets.format(),
            targets.access_group.iter().cloned(),
            targets.correlate_options(),
            capacity,
        )
    }

    pub fn from_parts(
        format: AccessLogFormat,
        access_groups: impl IntoIterator<Item = String>,
        opts: CorrelateOptions,
        capacity: usize,
    ) -> LogBook {
        let mut index = InvocationIndex::new();
        index.set_capacity(capacity);
        LogBook {
            format: Arc::new(format),
            access_groups: access_groups.into_iter().collect(),
            opts,
            parser: LambdaLogParser::new(),
            index,
            records: Ring::new(capacity),
            by_integration_id: KeyMap::default(),
            by_request_id: KeyMap::default(),
            apigw_of_lambda: HashMap::new(),
            parse_threads: std::thread::available_parallelism()
                .map_or(1, |n| n.get())
                .min(8),
        }
    }

    /// Parse large batches of access lines on up to `n` threads (at least 1).
    pub fn parse_threads(mut self, n: usize) -> Self {
        self.parse_threads = n.max(1);
        self
    }

    /// Parse and file events of any of the book's groups.
    pub fn ingest(&mut self, events: &[RawLogEvent]) -> Ingested {
        self.ingest_inner(events, None, None)
    }

    /// Ingest, and return what a live view must (re)draw: every new access
    /// record, and every earlier record whose Lambda lines just arrived
    /// (correlated again), oldest first. Earlier records without a request
    /// id are left out: a view cannot tell them apart to replace them.
    pub fn ingest_changes(&mut self, events: &[RawLogEvent]) -> Vec<CorrelatedRecord> {
        let first_new = self.next_seq();
        let mut touched = BTreeSet::new();
        let mut fresh = Vec::new();
        self.ingest_inner(events, Some(&mut touched), Some(&mut fresh));
        let dropped = self.records.dropped();
        touched
            .into_iter()
            .filter_map(|seq| {
                let i = usize::try_from(seq.checked_sub(dropped)?).ok()?;
                if seq >= first_new {
                    // Parsed a moment ago: no need to parse it again.
                    let rec = fresh.get(usize::try_from(seq - first_new).ok()?)?;
                    return Some(correlate_one(rec, &self.index, &self.opts));
                }
                let rec = self.record(i)?;
                rec.request_id
                    .is_some()
                    .then(|| correlate_one(&rec, &self.index, &self.opts))
            })
            .collect()
    }

    fn next_seq(&self) -> u64 {
        self.records.dropped() + self.records.len() as u64
    }

    /// Access lines of a batch, parsed.
    fn parse_access(&self, events: &[RawLogEvent]) -> Vec<AccessLogRecord> {
        let access: Vec<&RawLogEvent> = events
            .iter()
            .filter(|e| self.access_groups.contains(&e.log_group))
            .collect();
        parse_access_lines(&self.format, &access, self.parse_threads)
    }

    /// File a batch; `fresh` (when given) receives the new access records
    /// as parsed, in sequence order.
    fn ingest_inner(
        &mut self,
        events: &[RawLogEvent],
        mut touched: Option<&mut BTreeSet<u64>>,
        mut fresh: Option<&mut Vec<AccessLogRecord>>,
    ) -> Ingested {
        let mut n = Ingested::default();
        let mut parsed = self.parse_access(events).into_iter();
        for ev in events {
            if self.access_groups.contains(&ev.log_group) {
                let Some(rec) = parsed.next() else { break };
                let seq = self.next_seq();
                if let Some(id) = &rec.integration_request_id {
                    self.by_integration_id.insert(key_hash(id), seq);
                }
                if let Some(id) = &rec.request_id {
                    self.by_request_id.insert(key_hash(id), seq);
                }
                self.records.push(Kept {
                    raw: rec.raw.clone(),
                    event_ts_ms: ev.timestamp_ms,
                });
                if let Some(fresh) = fresh.as_deref_mut() {
                    fresh.push(rec);
                }
                if let Some(touched) = touched.as_deref_mut() {
                    touched.insert(seq);
                }
                n.access += 1;
            } else {
                let line = self.parser.parse(ev);
                if let Some(lambda_id) = &line.request_id {
                    if let Some(apigw) = line.event.as_ref().and_then(|e| e.request_id.as_deref()) {
                        self.apigw_of_lambda
                            .insert(lambda_id.clone(), Text::new(apigw));
                    }
                    if let Some(touched) = touched.as_deref_mut() {
                        let by_event = self
                            .apigw_of_lambda
                            .get(lambda_id)
                            .and_then(|a| self.by_request_id.get(&key_hash(a)));
                        touched.extend(self.by_integration_id.get(&key_hash(lambda_id)).copied());
                        touched.extend(by_event.copied());
                    }
                }
                self.index.add(line);
                n.lambda += 1;
            }
        }
        self.prune_keys();
        n
    }

    /// Forget join keys of evicted records once they outnumber the live ones.
    fn prune_keys(&mut self) {
        let cap = self.records.capacity();
        let dropped = self.records.dropped();
        if self.by_integration_id.len() + self.by_request_id.len() > 4 * cap {
            self.by_integration_id.retain(|_, s| *s >= dropped);
            self.by_request_id.retain(|_, s| *s >= dropped);
        }
        if self.apigw_of_lambda.len() > 2 * cap {
            let keep = &self.by_request_id;
            self.apigw_of_lambda
                .retain(|_, a| keep.contains_key(&key_hash(a)));
        }
    }

    /// Access records kept.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Access records evicted (the oldest go first) since the book began.
    pub fn dropped(&self) -> u64 {
        self.records.dropped()
    }

    /// Access record `i` (0 = the oldest kept), parsed again from its line.
    pub fn record(&self, i: usize) -> Option<AccessLogRecord> {
        self.records.get(i).map(|k| self.parse_kept(k))
    }

    /// Access records, oldest first (arrival order), each parsed on the way.
    pub fn records(&self) -> impl DoubleEndedIterator<Item = AccessLogRecord> + '_ {
        self.records.iter().map(|k| self.parse_kept(k))
    }

    fn parse_kept(&self, k: &Kept) -> AccessLogRecord {
        let mut rec = self.format.parse_lenient(&k.raw, k.event_ts_ms);
        // The same line as kept: one copy in memory, however often parsed.
        rec.raw = k.raw.clone();
        rec
    }

    /// The format the access lines are parsed with.
    pub fn format(&self) -> &Arc<AccessLogFormat> {
        &self.format
    }

    pub fn index(&self) -> &InvocationIndex {
        &self.index
    }

    pub fn options(&self) -> &CorrelateOptions {
        &self.opts
    }

    /// The correlated view of record `i`.
    pub(crate) fn correlated(&self, i: usize) -> Option<CorrelatedRecord> {
        self.record(i)
            .map(|a| correlate_one(&a, &self.index, &self.opts))
    }

    /// Every record, correlated (the CLI's batch output).
    pub fn correlate_all(&self) -> Vec<CorrelatedRecord> {
        self.records()
            .map(|a| correlate_one(&a, &self.index, &self.opts))
            .collect()
    }

    /// The record of a response gatescope sent, once its access line arrived.
    #[cfg(test)]
    pub(crate) fn find_by_response(
        &self,
        resp: &crate::domain::HttpResponse,
    ) -> Option<CorrelatedRecord> {
        self.records()
            .rev()
            .find(|a| crate::engines::correlate::matches_response(a, resp))
            .map(|a| correlate_one(&a, &self.index, &self.opts))
    }

    /// Invocations no access record points at (yet), oldest first.
    pub fn orphans(&self) -> Vec<LambdaInvocation> {
        let claimed: HashSet<Text> = self
            .records()
            .filter_map(|a| self.index.lambda_id_for(&a).map(|(id, _)| id))
            .collect();
        self.index.open_all(
            self.index
                .request_ids()
                .filter(|id| !claimed.contains(id.as_str())),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::HttpResponse;
    use crate::engines::access_log::RECOMMENDED_HTTP;

    const L1: &str = "11111111-1111-1111-1111-111111111111";

    fn ev(group: &str, ts: i64, msg: &str) -> RawLogEvent {
        RawLogEvent {
            log_group: group.into(),
            log_stream: Some("s".into()),
            timestamp_ms: ts,
            message: msg.into(),
            ..Default::default()
        }
    }

    #[test]
    fn ingests_both_kinds_and_correlates() {
        let mut book = LogBook::from_parts(
            AccessLogFormat::new(RECOMMENDED_HTTP),
            ["/access".to_string()],
            CorrelateOptions::default(),
            10,
        );
        let n = book.ingest(&[
            ev(
                "/aws/lambda/f",
                1,
                &format!("START RequestId: {L1} Version: $LATEST"),
            ),
            ev("/aws/lambda/f", 2, "print"),
            ev(
                "/aws/lambda/f",
                3,
                &format!("REPORT RequestId: {L1}\tDuration: 2 ms"),
            ),
            ev(
                "/access",
                4,
                &format!(r#"{{"requestId":"A=","status":"200","integrationRequestId":"{L1}"}}"#),
            ),
        ]);
        assert_eq!(
            n,
            Ingested {
                access: 1,
                lambda: 3
            }
        );
        let c = book.correlated(0).unwrap();
        assert!(!c.unmatched);
        assert_eq!(c.lambda_lines.len(), 3);
        assert!(book.orphans().is_empty());
        let resp = HttpResponse {
            headers: vec![("apigw-requestid".into(), "A=".into())],
            ..Default::default()
        };
        assert!(book.find_by_response(&resp).is_some());
    }

    #[test]
    fn late_lambda_lines_re_correlate_the_shown_record() {
        let mut book = LogBook::from_parts(
            AccessLogFormat::new(RECOMMENDED_HTTP),
            ["/access".to_string()],
            CorrelateOptions::default(),
            10,
        );
        let access = ev(
            "/access",
            4,
            &format!(r#"{{"requestId":"A=","status":"200","integrationRequestId":"{L1}"}}"#),
        );
        let first = book.ingest_changes(&[access]);
        assert_eq!(first.len(), 1);
        assert!(first[0].unmatched);
        // An unrelated Lambda line touches nothing.
        let other = "22222222-2222-2222-2222-222222222222";
        let none = book.ingest_changes(&[ev(
            "/aws/lambda/f",
            5,
            &format!("START RequestId: {other} Version: 1"),
        )]);
        assert!(none.is_empty());
        let later = book.ingest_changes(&[
            ev(
                "/aws/lambda/f",
                5,
                &format!("START RequestId: {L1} Version: $LATEST"),
            ),
            ev(
                "/aws/lambda/f",
                6,
                &format!("REPORT RequestId: {L1}\tDuration: 2 ms"),
            ),
        ]);
        assert_eq!(later.len(), 1, "one record, re-correlated once");
        assert_eq!(later[0].access.request_id.as_deref(), Some("A="));
        assert!(!later[0].unmatched);
        assert_eq!(later[0].lambda_lines.len(), 2);
    }

    /// The book keeps a record as its line and parses it again when asked
    /// for it: the record asked for is the record that arrived, whatever the
    /// line (JSON, escaped JSON, a line the format does not fit).
    #[test]
    fn a_record_asked_for_is_the_one_that_arrived() {
        let format = AccessLogFormat::new(RECOMMENDED_HTTP);
        let mut book = LogBook::from_parts(
            format.clone(),
            ["/access".to_string()],
            Default::default(),
            10,
        );
        let lines = [
            format!(
                r#"{{"requestId":"A=","status":"502","integrationRequestId":"{L1}","errorMessage":"Internal Server Error","requestTime":"25/Nov/2026:09:41:05 +0000","protocol":"HTTP/1.1"}}"#
            ),
            r#"{"requestId":"B=","status":"200","path":"/p"qé","routeKey":"GET /p"}"#.to_string(),
            "not an access line at all".to_string(),
        ];
        let events: Vec<RawLogEvent> = lines
            .iter()
            .enumerate()
            .map(|(i, l)| ev("/access", 100 + i as i64, &format!("{l}\r\n")))
            .collect();
        let fresh = book.ingest_changes(&events);
        for (i, e) in events.iter().enumerate() {
            let direct = format.parse_event(e);
            assert_eq!(book.record(i).as_ref(), Some(&direct), "line {i}");
            assert_eq!(fresh[i].access, direct, "line {i} as first reported");
            assert_eq!(book.correlated(i).unwrap().access, direct);
        }
        assert_eq!(book.records().count(), 3);
        assert!(book.record(3).is_none());
    }

    #[test]
    fn bounded() {
        let mut book = LogBook::from_parts(
            AccessLogFormat::new(RECOMMENDED_HTTP),
            ["/access".to_string()],
            CorrelateOptions::default(),
            2,
        );
        for i in 0..5 {
            book.ingest(&[ev("/access", i, &format!(r#"{{"requestId":"{i}"}}"#))]);
            book.ingest(&[ev(
                "/aws/lambda/f",
                i,
                &format!("START RequestId: {i:08}-1111-1111-1111-111111111111 Version: 1"),
            )]);
        }
        assert_eq!(book.len(), 2);
        assert_eq!(book.dropped(), 3);
        assert_eq!(book.index().len(), 2);
    }
}
