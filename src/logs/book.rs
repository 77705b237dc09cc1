//! The log book: raw events in, access records and Lambda invocations kept
//! (bounded), correlated on demand. One per log view; the CLI and the TUI
//! both feed it from a tail or a query.

use std::collections::HashSet;

use crate::domain::{
    AccessLogRecord, CorrelatedRecord, HttpResponse, LambdaInvocation, RawLogEvent,
};
use crate::engines::access_log::AccessLogFormat;
use crate::engines::correlate::{
    CorrelateOptions, InvocationIndex, correlate_one, matches_response,
};
use crate::engines::lambda_log::LambdaLogParser;

use super::discovery::LogTargets;
use super::ring::Ring;

/// What one `ingest` added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ingested {
    pub access: usize,
    pub lambda: usize,
}

pub struct LogBook {
    format: AccessLogFormat,
    access_groups: HashSet<String>,
    opts: CorrelateOptions,
    parser: LambdaLogParser,
    index: InvocationIndex,
    records: Ring<AccessLogRecord>,
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
            format,
            access_groups: access_groups.into_iter().collect(),
            opts,
            parser: LambdaLogParser::new(),
            index,
            records: Ring::new(capacity),
        }
    }

    /// Parse and file events of any of the book's groups.
    pub fn ingest(&mut self, events: &[RawLogEvent]) -> Ingested {
        let mut n = Ingested::default();
        for ev in events {
            if self.access_groups.contains(&ev.log_group) {
                self.records.push(self.format.parse_event(ev));
                n.access += 1;
            } else {
                self.index.add(self.parser.parse(ev));
                n.lambda += 1;
            }
        }
        n
    }

    /// Access records, oldest first (arrival order).
    pub fn records(&self) -> &Ring<AccessLogRecord> {
        &self.records
    }

    pub fn index(&self) -> &InvocationIndex {
        &self.index
    }

    pub fn options(&self) -> &CorrelateOptions {
        &self.opts
    }

    /// The correlated view of record `i`.
    pub fn correlated(&self, i: usize) -> Option<CorrelatedRecord> {
        self.records
            .get(i)
            .map(|a| correlate_one(a, &self.index, &self.opts))
    }

    /// Every record, correlated (the CLI's batch output).
    pub fn correlate_all(&self) -> Vec<CorrelatedRecord> {
        self.records
            .iter()
            .map(|a| correlate_one(a, &self.index, &self.opts))
            .collect()
    }

    /// The record of a response gatescope sent, once its access line arrived.
    pub fn find_by_response(&self, resp: &HttpResponse) -> Option<CorrelatedRecord> {
        self.records
            .iter()
            .rev()
            .find(|a| matches_response(a, resp))
            .map(|a| correlate_one(a, &self.index, &self.opts))
    }

    /// Invocations no access record points at (yet).
    pub fn orphans(&self) -> Vec<&LambdaInvocation> {
        let claimed: HashSet<String> = self
            .records
            .iter()
            .filter_map(|a| self.index.lambda_id_for(a).map(|(id, _)| id))
            .collect();
        let mut v: Vec<_> = self
            .index
            .invocations()
            .filter(|i| !claimed.contains(&i.request_id))
            .collect();
        v.sort_by_key(|i| i.lines.first().map_or(0, |l| l.timestamp_ms));
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
        assert_eq!(book.records().len(), 2);
        assert_eq!(book.records().dropped(), 3);
        assert_eq!(book.index().len(), 2);
    }
}
