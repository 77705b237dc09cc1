//! Tie each access-log record to the Lambda invocation that served it, and to
//! a response gatescope sent.
//!
//! Join keys (reference §5.4): access `integration.requestId` = Lambda
//! request id; a logged event's `requestContext.requestId` = access
//! `requestId`; the response's `apigw-requestid` / `x-amzn-RequestId` =
//! access `requestId` (REST also `x-amz-apigw-id` = `extendedRequestId`).

mod index;
pub mod not_invoked;
pub mod reconstruct;

use std::collections::{HashMap, HashSet};

pub use index::InvocationIndex;
pub use not_invoked::not_invoked_reason;
pub(crate) use reconstruct::reconstruct;

use crate::domain::{
    AccessLogRecord, ApiType, CorrelatedRecord, DecodedEvent, HttpResponse, LambdaInvocation,
    LambdaLine, PayloadFormat,
};

/// How to rebuild events for records whose function did not log one.
#[derive(Debug, Clone, Default)]
pub struct CorrelateOptions {
    pub api_type: ApiType,
    /// Payload format per route key (from the routes' integrations);
    /// missing routes use the API type's default (2.0 HTTP, 1.0 REST).
    pub payload_by_route: HashMap<String, PayloadFormat>,
    /// When set, only these route keys integrate with Lambda: other records
    /// get no reconstructed event.
    pub lambda_routes: Option<HashSet<String>>,
    /// Do not reconstruct events at all.
    pub no_reconstruct: bool,
    /// The API's id and host, for the `apiId` / `domainName` of rebuilt events
    /// when the access-log format does not log them.
    pub api_id: Option<String>,
    pub domain_name: Option<String>,
}

impl CorrelateOptions {
    fn payload_for(&self, route_key: Option<&str>) -> PayloadFormat {
        route_key
            .and_then(|k| self.payload_by_route.get(k).copied())
            .unwrap_or(match self.api_type {
                ApiType::Http => PayloadFormat::V2,
                ApiType::Rest => PayloadFormat::V1,
            })
    }

    fn reconstructs(&self, rec: &AccessLogRecord) -> bool {
        // API Gateway answered by itself: the function never received an event.
        if self.no_reconstruct || not_invoked_reason(rec).is_some() {
            return false;
        }
        match (&self.lambda_routes, rec.route_key.as_deref()) {
            (Some(routes), Some(k)) => routes.contains(k),
            (Some(_), None) => false,
            // Without the API's routes: only when API Gateway reached an integration.
            (None, _) => rec.integration_status.is_some() || rec.integration_request_id.is_some(),
        }
    }
}

/// The result of a batch correlation.
#[derive(Debug, Clone, Default)]
pub struct Correlation {
    /// One per access record, in the order given.
    pub records: Vec<CorrelatedRecord>,
    /// Invocations no access record claimed (access log missing, delayed, or
    /// outside the window), oldest first.
    pub orphans: Vec<LambdaInvocation>,
    /// Lambda lines with no request id at all.
    pub unattributed: Vec<LambdaLine>,
}

/// Correlate a batch: access records with the Lambda lines of the same window.
pub fn correlate(
    access: Vec<AccessLogRecord>,
    lines: impl IntoIterator<Item = LambdaLine>,
    opts: &CorrelateOptions,
) -> Correlation {
    let mut index = InvocationIndex::new();
    for l in lines {
        index.add(l);
    }
    let records = access
        .into_iter()
        .map(|a| {
            let found = index.lambda_id_for(&a);
            let inv = found.as_ref().and_then(|(id, _)| index.take(id));
            build(a, inv, found.map(|(_, k)| k), opts)
        })
        .collect();
    let unattributed = index.unattributed().cloned().collect();
    Correlation {
        records,
        orphans: index.into_invocations(),
        unattributed,
    }
}

/// Correlate one access record against a live index (lines are cloned, the
/// index is left as is: the TUI calls this for the selected record).
pub fn correlate_one(
    access: &AccessLogRecord,
    index: &InvocationIndex,
    opts: &CorrelateOptions,
) -> CorrelatedRecord {
    let found = index.lambda_id_for(access);
    let inv = found.as_ref().and_then(|(id, _)| index.get(id));
    build(access.clone(), inv, found.map(|(_, k)| k), opts)
}

/// The event rebuilt from an access record's fields, for a record whose
/// function logged none (`None` when the options or the record rule it out).
/// A function of the record and the options only: a view may drop the
/// rebuilt event of a record it keeps and call this again when the record
/// is opened.
pub fn rebuilt_event(access: &AccessLogRecord, opts: &CorrelateOptions) -> Option<DecodedEvent> {
    opts.reconstructs(access)
        .then(|| {
            reconstruct(
                access,
                opts.api_type,
                opts.payload_for(access.route_key.as_deref()),
                opts,
            )
        })
        .flatten()
}

fn build(
    access: AccessLogRecord,
    inv: Option<LambdaInvocation>,
    key: Option<crate::domain::MatchKey>,
    opts: &CorrelateOptions,
) -> CorrelatedRecord {
    let lambda_request_id = inv
        .as_ref()
        .map(|i| i.request_id.to_string())
        .or_else(|| access.integration_request_id.as_deref().map(str::to_string));
    let (lines, report, logged, timed_out) = match inv {
        Some(i) => (i.lines, i.report, i.event.map(|e| *e), i.timed_out),
        None => (Vec::new(), None, None, false),
    };
    let event = logged.or_else(|| rebuilt_event(&access, opts));
    CorrelatedRecord {
        unmatched: lines.is_empty(),
        matched_by: if lines.is_empty() { None } else { key },
        access,
        lambda_lines: lines,
        report,
        event,
        lambda_request_id,
        timed_out,
    }
}

/// True when `resp` is the answer API Gateway logged as `access`.
pub fn matches_response(access: &AccessLogRecord, resp: &HttpResponse) -> bool {
    let id_match = matches!((resp.request_id(), &access.request_id), (Some(a), Some(b)) if a == b);
    let ext_match = matches!(
        (resp.header("x-amz-apigw-id"), &access.extended_request_id),
        (Some(a), Some(b)) if a == b
    );
    id_match || ext_match
}

/// The record of a response sent from gatescope ("send, then see its logs").
#[cfg(test)]
pub(crate) fn find_for_response<'a>(
    records: &'a [CorrelatedRecord],
    resp: &HttpResponse,
) -> Option<&'a CorrelatedRecord> {
    records.iter().find(|r| matches_response(&r.access, resp))
}

#[cfg(test)]
mod tests;
