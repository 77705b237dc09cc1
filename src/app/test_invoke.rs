//! "Send via the control plane": a REST method run by
//! `apigateway:TestInvokeMethod` (the console's Test button) — a REAL CALL
//! that runs the integration (the Lambda function is invoked) and returns
//! status, headers, body and the execution log of that one request, even
//! when the stage logs nothing. API Gateway documents that it bypasses the
//! authorizer and API keys (and usage plans): a 200 here does not mean the
//! same request succeeds through the stage's URL. The CLI
//! (`gatescope test-invoke`) and the TUI call [`prepare`] then [`run`].

use serde::Serialize;

use crate::backends::Backend;
use crate::backends::real_calls::{TestMethodCall, TestMethodResult};
use crate::domain::PayloadFormat;
use crate::domain::{Api, ExecTrace, Finding, HttpRequest, HttpResponse, Protocol};
use crate::engines::doctor::{self, Evidence};
use crate::engines::event_build::{EventInput, strip_stage};
use crate::engines::exec_log::parse_test_invoke_log;

use super::authorizer::RealCallError;

/// What AWS documents the test call skips: said wherever it is shown.
pub(crate) const BYPASS_NOTE: &str = "TestInvokeMethod bypasses the authorizer, API keys and usage plans (AWS documents it as a simulation): its answer is what the integration does, not what a client of the stage gets";

/// The request to run through the control plane.
#[derive(Debug, Clone, Default)]
pub struct MethodQuery {
    pub method: String,
    /// Full URL or a path with the stage segment (`/prod/items/42?x=1`).
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

/// The resolved call: which method of which resource, with what.
#[derive(Debug, Clone)]
pub struct PreparedMethod {
    pub api: Api,
    pub stage: String,
    pub route_key: String,
    pub call: TestMethodCall,
}

/// Resolve `q` to a REST method (resource id and verb). `Err`: one sentence.
pub fn prepare(api: &Api, q: &MethodQuery) -> Result<PreparedMethod, String> {
    if api.protocol() != Protocol::Rest {
        return Err(format!(
            "TestInvokeMethod exists for REST APIs only; {} is {} (send the request with `gatescope send`)",
            api.id,
            api.protocol().as_str()
        ));
    }
    let input = EventInput::from_url(
        api.protocol().into(),
        PayloadFormat::V1,
        &q.method,
        &q.url,
        super::seed(),
    );
    let routed = super::route_request(api, &q.method, &input)?;
    let route = routed.route;
    let Some(resource_id) = route.route_id.clone() else {
        return Err(format!(
            "route {} has no resource id in the inventory",
            route.route_key
        ));
    };
    let stage = routed.stage;
    let path = strip_stage(&input.path, &stage, true);
    let query = input.query.trim_start_matches('?');
    Ok(PreparedMethod {
        api: api.clone(),
        route_key: route.route_key.clone(),
        call: TestMethodCall {
            rest_api_id: api.id.clone(),
            resource_id,
            // An `ANY` method is tested as `ANY` (the method that exists).
            http_method: route.method().to_string(),
            path_with_query_string: if query.is_empty() {
                path
            } else {
                format!("{path}?{query}")
            },
            headers: q.headers.clone(),
            body: q.body.clone(),
            stage_variables: api
                .stage(&stage)
                .map(|s| s.stage_variables.clone())
                .unwrap_or_default(),
        },
        stage,
    })
}

/// What the control plane answered, with its log parsed and diagnosed.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ControlPlaneSend {
    pub real_call: &'static str,
    pub bypasses: &'static str,
    pub route_key: String,
    pub resource_id: String,
    pub http_method: String,
    pub path_with_query_string: String,
    #[serde(flatten)]
    pub result: TestMethodResult,
    /// The execution log, parsed into steps.
    pub trace: ExecTrace,
    pub findings: Vec<Finding>,
}

/// A REAL CALL: `apigateway:TestInvokeMethod` for the prepared method.
pub async fn run(backend: &Backend, p: &PreparedMethod) -> Result<ControlPlaneSend, RealCallError> {
    let result = backend.calls.test_invoke_method(&p.call).await?;
    let trace = parse_test_invoke_log(&result.log);
    let response = HttpResponse {
        status: u16::try_from(result.status).unwrap_or(0),
        headers: result.headers.clone(),
        body_size: result.body.as_ref().map_or(0, |b| b.len() as u64),
        body: result.body.clone().unwrap_or_default().into_bytes(),
        ..Default::default()
    };
    let evidence = Evidence {
        api: Some(p.api.clone()),
        stage: Some(p.stage.clone()),
        route_key: Some(p.route_key.clone()),
        request: Some(HttpRequest {
            method: p.call.http_method.clone(),
            url: p.call.path_with_query_string.clone(),
            headers: p.call.headers.clone(),
            body: p.call.body.clone().unwrap_or_default().into_bytes(),
        }),
        response: Some(response),
        exec_logs: vec![trace.summary.clone()],
        now_ms: Some(chrono::Utc::now().timestamp_millis()),
        ..Default::default()
    };
    Ok(ControlPlaneSend {
        real_call: "apigateway:TestInvokeMethod",
        bypasses: BYPASS_NOTE,
        route_key: p.route_key.clone(),
        resource_id: p.call.resource_id.clone(),
        http_method: p.call.http_method.clone(),
        path_with_query_string: p.call.path_with_query_string.clone(),
        findings: doctor::diagnose(&evidence),
        result,
        trace,
    })
}
