//! [`KeptRecord`]: a correlated record kept whole by the logs page, for the
//! records it cannot keep as their line ([`super::row::Row::Whole`]: no
//! known format, values the line does not hold verbatim, records put
//! together elsewhere).
//!
//! A [`CorrelatedRecord`] is about 940 bytes before its first heap byte:
//! the access fields inline, then room for a parsed REPORT and a decoded
//! proxy event that most records do not have. Here the access fields sit in
//! one exact-size allocation, and the report and the event, when present, in
//! their own. The record is whole again when it is opened
//! ([`KeptRecord::to_record`]): one clone, on a keystroke.

use crate::domain::{
    AccessLogRecord, CorrelatedRecord, DecodedEvent, LambdaLine, LambdaReport, MatchKey,
};

#[derive(Debug, Clone, PartialEq)]
pub struct KeptRecord {
    pub access: Box<AccessLogRecord>,
    pub lambda_lines: Vec<LambdaLine>,
    pub report: Option<Box<LambdaReport>>,
    pub event: Option<Box<DecodedEvent>>,
    pub unmatched: bool,
    pub lambda_request_id: Option<String>,
    pub matched_by: Option<MatchKey>,
    pub timed_out: bool,
}

impl From<CorrelatedRecord> for KeptRecord {
    fn from(r: CorrelatedRecord) -> Self {
        let mut lambda_lines = r.lambda_lines;
        // Kept for long: give back what the correlation's vector over-reserved.
        lambda_lines.shrink_to_fit();
        KeptRecord {
            access: Box::new(r.access),
            lambda_lines,
            report: r.report.map(Box::new),
            event: r.event.map(Box::new),
            unmatched: r.unmatched,
            lambda_request_id: r.lambda_request_id,
            matched_by: r.matched_by,
            timed_out: r.timed_out,
        }
    }
}

impl KeptRecord {
    /// The record as it arrived (a copy: the page keeps its own).
    pub fn to_record(&self) -> CorrelatedRecord {
        CorrelatedRecord {
            access: (*self.access).clone(),
            lambda_lines: self.lambda_lines.clone(),
            report: self.report.as_deref().cloned(),
            event: self.event.as_deref().cloned(),
            unmatched: self.unmatched,
            lambda_request_id: self.lambda_request_id.clone(),
            matched_by: self.matched_by,
            timed_out: self.timed_out,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::LambdaLineKind;

    #[test]
    fn a_kept_record_is_small_and_gives_back_what_arrived() {
        // The point of the type: a slot of the page's ring stays small.
        assert!(
            std::mem::size_of::<KeptRecord>() <= 112,
            "{} bytes",
            std::mem::size_of::<KeptRecord>()
        );
        assert!(std::mem::size_of::<CorrelatedRecord>() > 4 * std::mem::size_of::<KeptRecord>());
        let line = LambdaLine {
            timestamp_ms: 5,
            log_group: "/aws/lambda/f".into(),
            request_id: Some("L1".into()),
            kind: LambdaLineKind::End,
            message: "END RequestId: L1".into(),
            event: None,
            raw: "END RequestId: L1".into(),
        };
        let rec = CorrelatedRecord {
            access: AccessLogRecord {
                timestamp_ms: 4,
                request_id: Some("A=".into()),
                status: Some(502),
                ..Default::default()
            },
            lambda_lines: vec![line],
            report: Some(LambdaReport {
                duration_ms: Some(2.0),
                ..Default::default()
            }),
            event: None,
            unmatched: false,
            lambda_request_id: Some("L1".into()),
            matched_by: Some(MatchKey::IntegrationRequestId),
            timed_out: true,
        };
        assert_eq!(KeptRecord::from(rec.clone()).to_record(), rec);
    }
}
