//! Identity sources: the request values a Lambda authorizer is keyed on.
//! API Gateway resolves them before anything else; when one is missing or
//! empty it answers 401 `Unauthorized` without invoking the authorizer
//! [DOC `http-api-lambda-authorizer`, `apigateway-use-lambda-authorizer`].

use crate::domain::header;
use crate::engines::event_build::EventInput;

/// One identity source, resolved against a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    Value(String),
    /// Absent or empty: the authorizer is not invoked.
    Missing,
    /// A `$context` variable gatescope does not fill: it cannot say.
    Unknown,
}

/// Where a selection expression points, in both dialects
/// (`$request.header.X` for HTTP APIs, `method.request.header.X` for REST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source<'a> {
    Header(&'a str),
    Query(&'a str),
    Context(&'a str),
    StageVariable(&'a str),
    Other,
}

pub fn classify(expr: &str) -> Source<'_> {
    let e = expr.trim();
    let pick = |prefixes: &[&str]| prefixes.iter().find_map(|p| e.strip_prefix(p));
    if let Some(h) = pick(&["$request.header.", "method.request.header."]) {
        Source::Header(h)
    } else if let Some(q) = pick(&["$request.querystring.", "method.request.querystring."]) {
        Source::Query(q)
    } else if let Some(c) = pick(&["$context.", "context."]) {
        Source::Context(c)
    } else if let Some(s) = pick(&["$stageVariables.", "stageVariables."]) {
        Source::StageVariable(s)
    } else {
        Source::Other
    }
}

/// True for sources whose value differs per route: with one of them in the
/// cache key a cached policy never crosses routes [DOC: add `$context.routeKey`].
pub(crate) fn is_route_specific(expr: &str) -> bool {
    matches!(
        classify(expr),
        Source::Context(
            "routeKey" | "resourcePath" | "resourceId" | "httpMethod" | "path" | "requestId"
        )
    )
}

/// The identity sources of an authorizer, one expression each (REST keeps
/// them in one comma-separated string).
pub fn sources(configured: &[String]) -> Vec<String> {
    configured
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Resolve one expression against the request.
pub fn resolve(expr: &str, input: &EventInput, resource_path: &str) -> Resolved {
    let found = |v: Option<String>| match v {
        Some(v) if !v.trim().is_empty() => Resolved::Value(v),
        _ => Resolved::Missing,
    };
    match classify(expr) {
        // Header names are case-insensitive.
        Source::Header(h) => found(header(&input.headers, h).map(str::to_string)),
        // Query string names are case-sensitive; a repeated name joins with
        // commas as in payload 2.0 [UNVERIFIED for identity sources].
        Source::Query(q) => {
            let vals: Vec<String> = url::form_urlencoded::parse(input.query.as_bytes())
                .filter(|(k, _)| k == q)
                .map(|(_, v)| v.into_owned())
                .collect();
            found((!vals.is_empty()).then(|| vals.join(",")))
        }
        Source::StageVariable(s) => found(input.stage_variables.get(s).cloned()),
        Source::Context(c) => match c {
            "routeKey" => found(Some(input.route_key.clone())),
            "stage" => found(Some(input.stage.clone())),
            "httpMethod" => found(Some(input.method.clone())),
            "apiId" => found(Some(input.api_id.clone())),
            "accountId" => found(Some(input.account_id.clone())),
            "domainName" => found(Some(input.domain_name.clone())),
            "requestId" => found(Some(input.request_id.clone())),
            "identity.sourceIp" => found(Some(input.source_ip.clone())),
            "resourcePath" => found(Some(resource_path.to_string())),
            "resourceId" => found(input.resource_id.clone()),
            _ => Resolved::Unknown,
        },
        Source::Other => Resolved::Unknown,
    }
}
