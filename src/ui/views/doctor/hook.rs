//! The one place the views call the doctor engine, so the pages do not
//! depend on how its evidence is assembled.

use crate::app::logs::gather::Gathered;
use crate::domain::{Api, CorrelatedRecord, Finding, FunctionConfig, HttpRequest, HttpResponse};
use crate::engines::doctor::{self, Evidence};

/// Findings for a response gatescope received.
pub fn diagnose_response(
    api: Option<&Api>,
    stage: Option<&str>,
    route_key: Option<&str>,
    request: &HttpRequest,
    response: &HttpResponse,
) -> Vec<Finding> {
    let ev = Evidence {
        api: api.cloned(),
        stage: stage.map(str::to_string),
        route_key: route_key.map(str::to_string),
        request: Some(request.clone()),
        response: Some(response.clone()),
        now_ms: Some(chrono::Utc::now().timestamp_millis()),
        ..Default::default()
    };
    doctor::diagnose(&ev)
}

/// Findings for a response with the logs gathered for it (access record,
/// Lambda lines) and the route's function configuration: what
/// `gatescope doctor` reports for a request.
pub fn diagnose_with_logs(
    api: &Api,
    stage: &str,
    route_key: Option<&str>,
    request: &HttpRequest,
    response: &HttpResponse,
    gathered: Gathered,
    functions: Vec<FunctionConfig>,
) -> Vec<Finding> {
    let ev = Evidence {
        api: Some(api.clone()),
        stage: Some(stage.to_string()),
        route_key: route_key.map(str::to_string),
        request: Some(request.clone()),
        response: Some(response.clone()),
        access_logs: gathered.access,
        lambda_lines: gathered.lines,
        functions,
        logs_searched: gathered.searched_access,
        now_ms: Some(chrono::Utc::now().timestamp_millis()),
        ..Default::default()
    };
    doctor::diagnose(&ev)
}

/// Findings for one correlated log record.
pub fn diagnose_record(api: Option<&Api>, record: &CorrelatedRecord) -> Vec<Finding> {
    doctor::diagnose(&Evidence::from_record(api.cloned(), record))
}

/// The configuration lint of an API (all stages when `stage` is `None`),
/// with what is known of its functions' own configuration.
pub fn lint(api: &Api, stage: Option<&str>, functions: &[FunctionConfig]) -> Vec<Finding> {
    doctor::lint_api(api, stage, functions)
}
