//! Log records: raw CloudWatch events, parsed access-log records and Lambda
//! lines, and the correlated view of one request.

use serde::{Deserialize, Serialize};

use super::event::DecodedEvent;
pub use super::fields::Fields;
use super::text::Text;

/// One Logs Insights result row: field name → value, in the order returned
/// (`@ptr` included).
pub type QueryRow = Vec<(String, String)>;

/// One raw event as CloudWatch Logs (or the demo's log store) returns it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RawLogEvent {
    pub log_group: String,
    pub log_stream: Option<String>,
    /// CloudWatch `eventId` (unique per event; used for de-duplication).
    pub event_id: Option<String>,
    /// Event time, epoch milliseconds.
    pub timestamp_ms: i64,
    pub ingestion_ms: Option<i64>,
    pub message: String,
}

/// An access-log line parsed and normalised to `$context` variable names,
/// whatever keys the stage's format used.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogRecord {
    pub timestamp_ms: i64,
    /// `$context.requestId`.
    pub request_id: Option<Text>,
    /// `$context.extendedRequestId` (REST: `x-amz-apigw-id`).
    pub extended_request_id: Option<Text>,
    /// `$context.routeKey` (HTTP) or `METHOD $context.resourcePath` (REST).
    pub route_key: Option<Text>,
    pub http_method: Option<Text>,
    pub path: Option<Text>,
    pub stage: Option<Text>,
    pub status: Option<u16>,
    /// `$context.integrationStatus` (Lambda Invoke API status).
    pub integration_status: Option<u16>,
    /// `$context.integration.status` (the statusCode the function returned).
    pub function_status: Option<u16>,
    /// `$context.responseLatency`.
    pub latency_ms: Option<f64>,
    /// `$context.integrationLatency`.
    pub integration_latency_ms: Option<f64>,
    /// `$context.integration.requestId` / `$context.awsEndpointRequestId`: the Lambda request id.
    pub integration_request_id: Option<Text>,
    /// `$context.integrationErrorMessage` / `$context.integration.error`.
    pub integration_error: Option<Text>,
    /// `$context.authorizer.error`.
    pub authorizer_error: Option<Text>,
    /// `$context.error.message`.
    pub error_message: Option<Text>,
    /// `$context.error.responseType`.
    pub error_type: Option<Text>,
    pub source_ip: Option<Text>,
    pub user_agent: Option<Text>,
    pub response_length: Option<u64>,
    /// Fields without a typed slot above, keyed by the `$context` variable
    /// (without `$context.`), or by the JSON key when the format does not
    /// map it (e.g. `protocol`, `requestTime`, `identity.caller`).
    #[serde(default, skip_serializing_if = "Fields::is_empty")]
    pub fields: Fields,
    /// The line as logged.
    pub raw: Text,
}

/// REPORT line figures.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LambdaReport {
    pub duration_ms: Option<f64>,
    pub billed_ms: Option<f64>,
    pub memory_mb: Option<u64>,
    pub max_memory_mb: Option<u64>,
    pub init_ms: Option<f64>,
    /// `timeout`, `error` ... from the JSON platform.report `status`, when present.
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum LambdaLineKind {
    Start {
        version: Option<String>,
    },
    End,
    /// Boxed: a line of any other kind stays small.
    Report(Box<LambdaReport>),
    /// `Task timed out after N seconds`.
    Timeout {
        seconds: Option<f64>,
    },
    /// A function log line (text, JSON or Powertools), with its level when known.
    Log {
        level: Option<String>,
    },
    /// A logged API Gateway proxy event.
    Event,
}

/// One Lambda log line, parsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaLine {
    pub timestamp_ms: i64,
    pub log_group: Text,
    /// Lambda invocation request id, when the line carries one.
    pub request_id: Option<Text>,
    pub kind: LambdaLineKind,
    /// The human message (prefix stripped for text lines); shares `raw`'s
    /// storage when it is the whole line.
    pub message: Text,
    /// The decoded event, for `LambdaLineKind::Event` lines.
    pub event: Option<Box<DecodedEvent>>,
    pub raw: Text,
}

/// How an access record was tied to a Lambda invocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MatchKey {
    /// Access log `$context.integration.requestId` = Lambda request id.
    IntegrationRequestId,
    /// A proxy event logged by the function carried the access record's
    /// `requestContext.requestId`.
    LoggedEvent,
}

/// The Lambda lines of one invocation, grouped by request id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LambdaInvocation {
    pub request_id: Text,
    pub log_group: Text,
    pub lines: Vec<LambdaLine>,
    pub report: Option<LambdaReport>,
    /// The first proxy event the function logged during this invocation
    /// (boxed: most invocations have none, and this keeps them small).
    pub event: Option<Box<DecodedEvent>>,
    /// A `Task timed out` line (or a timeout status) was seen.
    #[serde(default)]
    pub timed_out: bool,
}

/// One request as gatescope reconstructs it from all logs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CorrelatedRecord {
    pub access: AccessLogRecord,
    /// Lambda lines of the invocation (empty when none matched).
    pub lambda_lines: Vec<LambdaLine>,
    pub report: Option<LambdaReport>,
    /// Logged event when found, otherwise one reconstructed from access-log fields.
    pub event: Option<DecodedEvent>,
    /// True when no Lambda lines could be matched to this access record.
    pub unmatched: bool,
    /// The Lambda request id of the invocation (from the access record or
    /// from a logged event), also when its lines were not found.
    #[serde(default)]
    pub lambda_request_id: Option<String>,
    /// Which join found the invocation (`None` when unmatched).
    #[serde(default)]
    pub matched_by: Option<MatchKey>,
    /// The invocation timed out (a `Task timed out` line or timeout status).
    #[serde(default)]
    pub timed_out: bool,
}
