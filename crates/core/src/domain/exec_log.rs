//! REST execution-log lines (`API-Gateway-Execution-Logs_{restApiId}/{stage}`
//! and the `log` of `TestInvokeMethod`): one parsed line per CloudWatch
//! event, and the summary of one request's lines.
//!
//! Wording follows reference §12.2; every step keeps its text as logged
//! because AWS has changed the wording over the years.

use serde::{Deserialize, Serialize};

/// Which step of API Gateway's processing a line records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum ExecStep {
    ExtendedRequestId,
    AuthorizerStarted,
    AuthorizerIdentity,
    AuthorizerResult,
    AuthorizerPolicy,
    AuthorizerCompleted,
    UsagePlanVerify,
    ApiKeyNotRequired,
    ApiKeyNotAuthorized,
    KeyThrottled,
    UsagePlanCheckSucceeded,
    UsagePlanCheckFailed,
    StartingExecution,
    HttpMethod,
    ApiKey,
    MethodRequestPath,
    MethodRequestQuery,
    MethodRequestHeaders,
    MethodRequestBody,
    RequestValidation,
    EndpointRequestUri,
    EndpointRequestHeaders,
    EndpointRequestBody,
    SendingRequest,
    ReceivedResponse,
    EndpointResponseHeaders,
    EndpointResponseBody,
    ConfigurationError,
    FunctionError,
    ExecutionFailed,
    MethodResponseBody,
    MethodResponseHeaders,
    CompletedExecution,
    MethodCompleted,
    IntegrationRequestId,
    XrayTraceId,
    GatewayResponse,
    /// A line whose wording gatescope does not know: kept, shown as logged.
    #[default]
    Other,
}

impl ExecStep {
    /// A short label for lists: what the line is about.
    pub fn label(self) -> &'static str {
        use ExecStep::*;
        match self {
            ExtendedRequestId => "extended request id",
            AuthorizerStarted => "authorizer: start",
            AuthorizerIdentity => "authorizer: identity",
            AuthorizerResult => "authorizer: result",
            AuthorizerPolicy => "authorizer: policy",
            AuthorizerCompleted => "authorizer: done",
            UsagePlanVerify => "usage plan: verify",
            ApiKeyNotRequired => "api key: not required",
            ApiKeyNotAuthorized => "api key: NOT authorized",
            KeyThrottled => "api key: THROTTLED",
            UsagePlanCheckSucceeded => "usage plan: ok",
            UsagePlanCheckFailed => "usage plan: check failed",
            StartingExecution => "start",
            HttpMethod => "method",
            ApiKey => "api key",
            MethodRequestPath => "method request: path",
            MethodRequestQuery => "method request: query",
            MethodRequestHeaders => "method request: headers",
            MethodRequestBody => "method request: body",
            RequestValidation => "request validation",
            EndpointRequestUri => "endpoint request: uri",
            EndpointRequestHeaders => "endpoint request: headers",
            EndpointRequestBody => "endpoint request: body",
            SendingRequest => "sending",
            ReceivedResponse => "endpoint response",
            EndpointResponseHeaders => "endpoint response: headers",
            EndpointResponseBody => "endpoint response: body",
            ConfigurationError => "CONFIGURATION ERROR",
            FunctionError => "FUNCTION ERROR",
            ExecutionFailed => "EXECUTION FAILED",
            MethodResponseBody => "method response: body",
            MethodResponseHeaders => "method response: headers",
            CompletedExecution => "completed",
            MethodCompleted => "status",
            IntegrationRequestId => "lambda request id",
            XrayTraceId => "x-ray trace id",
            GatewayResponse => "gateway response",
            Other => "log",
        }
    }

    /// Lines that say something went wrong.
    pub fn is_error(self) -> bool {
        matches!(
            self,
            ExecStep::ApiKeyNotAuthorized
                | ExecStep::KeyThrottled
                | ExecStep::UsagePlanCheckFailed
                | ExecStep::ConfigurationError
                | ExecStep::FunctionError
                | ExecStep::ExecutionFailed
                | ExecStep::GatewayResponse
        )
    }
}

/// One execution-log event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExecLine {
    pub timestamp_ms: i64,
    /// The `(<requestId>)` prefix (absent in very old logs and in the lines
    /// of a `TestInvokeMethod` log, which carry a date instead).
    pub request_id: Option<String>,
    pub step: ExecStep,
    /// The part after the step's label (`{}` of `Method request path: {}`),
    /// without the truncation marker; the whole text for `Other`. May span
    /// several lines (a multi-line error message is one event).
    pub value: String,
    /// The event ended in ` [TRUNCATED]`: API Gateway cut it at 1,024 bytes,
    /// so a body here cannot be parsed as JSON.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub truncated: bool,
}

/// How the usage-plan / API-key check ended for one request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "outcome")]
pub enum UsagePlanVerdict {
    /// The method needs no key: no throttle or quota of a plan applies.
    NotRequired,
    Succeeded,
    /// `API Key ... not authorized because ...`: the reason as logged.
    NotAuthorized {
        reason: String,
    },
    /// `Key throttle limit exceeded ...`: the plan's per-key limits.
    Throttled {
        rate_limit: Option<f64>,
        burst_limit: Option<i64>,
    },
    /// `Usage Plan check failed due to an internal error`: served anyway.
    CheckFailed,
}

/// What one request's execution log says, for the doctor and the detail view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExecSummary {
    pub request_id: String,
    pub extended_request_id: Option<String>,
    /// `Method completed with status: N`: what the client received.
    pub status: Option<u16>,
    pub http_method: Option<String>,
    /// The actual path (`/orders/7`), not the resource template.
    pub path: Option<String>,
    /// The API key as logged (API Gateway masks all but the last 6 characters).
    pub api_key_masked: Option<String>,
    /// `apiId/stage` from the usage-plan line.
    pub api_stage: Option<String>,
    pub usage_plan: Option<UsagePlanVerdict>,
    pub authorizer_id: Option<String>,
    /// The Lambda ARN actually invoked (from `Endpoint request URI`).
    pub endpoint_uri: Option<String>,
    /// Lambda Invoke status (`Received response. Status: N`, absent before 2019).
    pub integration_status: Option<u16>,
    pub integration_latency_ms: Option<u64>,
    /// The Lambda request id: the join key to `/aws/lambda/<fn>`.
    pub lambda_request_id: Option<String>,
    /// `Lambda execution failed ... due to customer function error: <message>`.
    pub function_error: Option<String>,
    /// `Execution failed due to configuration error: <message>` (the first).
    pub configuration_error: Option<String>,
    /// Other `Execution failed due to ...` text.
    pub execution_failed: Option<String>,
    /// `Gateway response type: <TYPE> with status code: <N>`.
    pub gateway_response_type: Option<String>,
    pub gateway_response_status: Option<u16>,
    /// `X-Amz-Function-Error` was in the endpoint response headers.
    pub function_error_header: Option<String>,
    pub xray_trace_id: Option<String>,
    /// Lines cut at 1,024 bytes by API Gateway.
    pub truncated_lines: usize,
    pub first_ms: i64,
    pub last_ms: i64,
}

/// One request's execution-log lines in order, with their summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ExecTrace {
    pub summary: ExecSummary,
    pub lines: Vec<ExecLine>,
}
