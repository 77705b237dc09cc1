//! [`Row`]: one record as the logs page keeps it, up to 100 k of them (the
//! default buffer). The live feed makes the rows (off the UI thread: the
//! check below parses each line once more) and the page stores them.
//!
//! Most records come from an access-log line the page can parse again with
//! the stage's format (as [`crate::app::logs::LogBook`] does). Such a row
//! ([`Row::Parsed`]) holds what the table, the sort and the filter read,
//! the line itself (a [`Text`] shared with the book, not a copy) and the
//! format; the string fields are offsets into the line. Its Lambda lines are
//! kept as time, group and text ([`LambdaPart`]), shared with the book's
//! index too. Opening the record parses the line and the Lambda lines again.
//!
//! A row is only built that way when parsing again gives back exactly the
//! record that arrived (checked as it arrives: one more parse per record).
//! Anything else (no known format, a value the line does not hold verbatim,
//! a record put together elsewhere) is kept whole ([`Row::Whole`]): opening
//! a record always shows what arrived.

use std::sync::Arc;

use super::kept::KeptRecord;
use crate::domain::{
    AccessLogRecord, CorrelatedRecord, DecodedEvent, LambdaLine, LambdaReport, MatchKey, Text,
};
use crate::engines::access_log::AccessLogFormat;
use crate::engines::lambda_log::KeptLine;

/// A piece of the line: `start..start + len`; `start == u32::MAX` is "no value".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    const NONE: Span = Span {
        start: u32::MAX,
        len: 0,
    };

    /// Where `value` sits in `raw` (any place with the same bytes will do);
    /// `None` when the line does not hold it verbatim (an escaped value).
    fn find(raw: &str, value: Option<&str>) -> Option<Span> {
        let Some(v) = value else {
            return Some(Span::NONE);
        };
        let start = raw.find(v)?;
        Some(Span {
            start: u32::try_from(start).ok().filter(|s| *s != u32::MAX)?,
            len: u32::try_from(v.len()).ok()?,
        })
    }

    fn get(self, raw: &str) -> Option<&str> {
        if self.start == u32::MAX {
            return None;
        }
        let start = self.start as usize;
        raw.get(start..start + self.len as usize)
    }
}

/// The string fields a row reads, in [`ParsedRow::spans`]' order.
#[derive(Debug, Clone, Copy)]
enum Field {
    Method,
    Path,
    RequestId,
    IntegrationRequestId,
    IntegrationError,
    AuthorizerError,
    ErrorMessage,
}

const FIELDS: usize = 7;

fn field(a: &AccessLogRecord, f: Field) -> Option<&str> {
    match f {
        Field::Method => a.http_method.as_deref(),
        Field::Path => a.path.as_deref(),
        Field::RequestId => a.request_id.as_deref(),
        Field::IntegrationRequestId => a.integration_request_id.as_deref(),
        Field::IntegrationError => a.integration_error.as_deref(),
        Field::AuthorizerError => a.authorizer_error.as_deref(),
        Field::ErrorMessage => a.error_message.as_deref(),
    }
}

/// A record kept as its access line plus what the table and the filter read.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    /// The line as logged (shared with the log book).
    raw: Text,
    /// The stage's format, to parse the line again (one per stage, shared).
    format: Arc<AccessLogFormat>,
    timestamp_ms: i64,
    /// `NaN`: no latency (a line's own `NaN` keeps its record whole).
    latency_ms: f64,
    /// Interned by the parser: one allocation per route.
    route_key: Option<Text>,
    spans: [Span; FIELDS],
    status: Option<u16>,
    integration_status: Option<u16>,
    unmatched: bool,
    /// `None` for a record without Lambda side at all (no lines, no id).
    lambda: Option<Box<LambdaPart>>,
}

/// The Lambda side of a correlated record.
#[derive(Debug, Clone)]
pub struct LambdaPart {
    /// The request id of every line (the invocation's).
    request_id: Option<Text>,
    lines: Box<[KeptLine]>,
    report: Option<Box<LambdaReport>>,
    event: Option<Box<DecodedEvent>>,
    /// The invocation's id as the record names it; shares `request_id`'s
    /// storage when it is the same.
    lambda_request_id: Option<Text>,
    matched_by: Option<MatchKey>,
    timed_out: bool,
}

impl LambdaPart {
    /// `None` when the record has no Lambda side to keep; `Err` when its lines
    /// do not all carry the same request id (kept whole then).
    fn new(r: &CorrelatedRecord) -> Result<Option<Box<LambdaPart>>, ()> {
        let empty = r.lambda_lines.is_empty()
            && r.report.is_none()
            && r.event.is_none()
            && r.lambda_request_id.is_none()
            && r.matched_by.is_none()
            && !r.timed_out;
        if empty {
            return Ok(None);
        }
        let request_id = r.lambda_lines.first().and_then(|l| l.request_id.clone());
        if r.lambda_lines.iter().any(|l| l.request_id != request_id) {
            return Err(());
        }
        let lambda_request_id = r.lambda_request_id.as_deref().map(|id| match &request_id {
            Some(shared) if shared.as_str() == id => shared.clone(),
            _ => Text::new(id),
        });
        Ok(Some(Box::new(LambdaPart {
            lines: r.lambda_lines.iter().map(KeptLine::of).collect(),
            request_id,
            report: r.report.clone().map(Box::new),
            event: r.event.clone().map(Box::new),
            lambda_request_id,
            matched_by: r.matched_by,
            timed_out: r.timed_out,
        })))
    }

    /// The lines parsed again, sharing the kept texts.
    fn lines(&self) -> Vec<LambdaLine> {
        self.lines
            .iter()
            .map(|k| k.parse(self.request_id.clone()))
            .collect()
    }
}

impl ParsedRow {
    /// The row for `r` when its line holds every value the row reads
    /// verbatim; whether parsing again gives `r` back is checked by the caller.
    fn new(r: &CorrelatedRecord, format: &Arc<AccessLogFormat>) -> Option<ParsedRow> {
        let a = &r.access;
        let raw = a.raw.as_str();
        let mut spans = [Span::NONE; FIELDS];
        for (slot, f) in spans.iter_mut().zip([
            Field::Method,
            Field::Path,
            Field::RequestId,
            Field::IntegrationRequestId,
            Field::IntegrationError,
            Field::AuthorizerError,
            Field::ErrorMessage,
        ]) {
            *slot = Span::find(raw, field(a, f))?;
        }
        if a.latency_ms.is_some_and(f64::is_nan) {
            return None;
        }
        Some(ParsedRow {
            raw: a.raw.clone(),
            format: format.clone(),
            timestamp_ms: a.timestamp_ms,
            latency_ms: a.latency_ms.unwrap_or(f64::NAN),
            route_key: a.route_key.clone(),
            spans,
            status: a.status,
            integration_status: a.integration_status,
            unmatched: r.unmatched,
            lambda: LambdaPart::new(r).ok()?,
        })
    }

    fn span(&self, f: Field) -> Option<&str> {
        self.spans[f as usize].get(&self.raw)
    }

    /// The record again: the line parsed with the format it was parsed
    /// with (the record's time stands in for the event's: a line without
    /// its own time got the event's), and the Lambda lines parsed again.
    fn to_record(&self) -> CorrelatedRecord {
        let mut access = self.format.parse_lenient(&self.raw, self.timestamp_ms);
        // The same line as kept: one copy in memory, however often parsed.
        access.raw = self.raw.clone();
        let l = self.lambda.as_deref();
        CorrelatedRecord {
            access,
            lambda_lines: l.map(LambdaPart::lines).unwrap_or_default(),
            report: l.and_then(|l| l.report.as_deref().cloned()),
            event: l.and_then(|l| l.event.as_deref().cloned()),
            unmatched: self.unmatched,
            lambda_request_id: l.and_then(|l| l.lambda_request_id.as_deref().map(str::to_string)),
            matched_by: l.and_then(|l| l.matched_by),
            timed_out: l.is_some_and(|l| l.timed_out),
        }
    }
}

/// One record of the logs page.
#[derive(Debug, Clone)]
pub enum Row {
    /// Kept as its line (parsed again when opened).
    Parsed(ParsedRow),
    /// Kept as it arrived.
    Whole(KeptRecord),
}

impl Row {
    /// The row for a record that arrived; `format` is the stage's (the one
    /// its line was parsed with), when known.
    pub fn new(record: CorrelatedRecord, format: Option<&Arc<AccessLogFormat>>) -> Row {
        if let Some(row) = format.and_then(|f| ParsedRow::new(&record, f))
            && row.to_record() == record
        {
            return Row::Parsed(row);
        }
        Row::Whole(KeptRecord::from(record))
    }

    /// True when the row keeps the record as its line.
    pub fn is_parsed(&self) -> bool {
        matches!(self, Row::Parsed(_))
    }

    /// The record as it arrived (parsed again, or a copy of the kept one).
    pub fn to_record(&self) -> CorrelatedRecord {
        match self {
            Row::Parsed(p) => p.to_record(),
            Row::Whole(k) => k.to_record(),
        }
    }

    pub fn timestamp_ms(&self) -> i64 {
        match self {
            Row::Parsed(p) => p.timestamp_ms,
            Row::Whole(k) => k.access.timestamp_ms,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Row::Parsed(p) => p.status,
            Row::Whole(k) => k.access.status,
        }
    }

    pub fn integration_status(&self) -> Option<u16> {
        match self {
            Row::Parsed(p) => p.integration_status,
            Row::Whole(k) => k.access.integration_status,
        }
    }

    pub fn latency_ms(&self) -> Option<f64> {
        match self {
            Row::Parsed(p) => Some(p.latency_ms).filter(|l| !l.is_nan()),
            Row::Whole(k) => k.access.latency_ms,
        }
    }

    pub fn route_key(&self) -> Option<&str> {
        match self {
            Row::Parsed(p) => p.route_key.as_deref(),
            Row::Whole(k) => k.access.route_key.as_deref(),
        }
    }

    fn field(&self, f: Field) -> Option<&str> {
        match self {
            Row::Parsed(p) => p.span(f),
            Row::Whole(k) => field(&k.access, f),
        }
    }

    pub fn http_method(&self) -> Option<&str> {
        self.field(Field::Method)
    }

    pub fn path(&self) -> Option<&str> {
        self.field(Field::Path)
    }

    pub fn request_id(&self) -> Option<&str> {
        self.field(Field::RequestId)
    }

    pub fn integration_request_id(&self) -> Option<&str> {
        self.field(Field::IntegrationRequestId)
    }

    pub fn integration_error(&self) -> Option<&str> {
        self.field(Field::IntegrationError)
    }

    pub fn authorizer_error(&self) -> Option<&str> {
        self.field(Field::AuthorizerError)
    }

    pub fn error_message(&self) -> Option<&str> {
        self.field(Field::ErrorMessage)
    }

    /// The access line as logged.
    pub fn raw(&self) -> &str {
        match self {
            Row::Parsed(p) => &p.raw,
            Row::Whole(k) => &k.access.raw,
        }
    }

    /// No Lambda lines were correlated.
    pub fn unmatched(&self) -> bool {
        match self {
            Row::Parsed(p) => p.unmatched,
            Row::Whole(k) => k.unmatched,
        }
    }
}

/// The rows the live feed sends for `records` (parsed with `format`):
/// reconstructed events are left out, the page rebuilds them from the
/// stage's targets (sent before any record) when a record is opened.
pub fn feed_rows(records: Vec<CorrelatedRecord>, format: &Arc<AccessLogFormat>) -> Vec<Row> {
    records
        .into_iter()
        .map(|mut r| {
            if r.event.as_ref().is_some_and(|e| e.reconstructed) {
                r.event = None;
            }
            Row::new(r, Some(format))
        })
        .collect()
}

#[cfg(test)]
#[path = "tests/row.rs"]
mod tests;
