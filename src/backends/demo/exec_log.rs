//! REST execution logs as API Gateway writes them (reference §12): after a request on a
//! stage whose method settings log (`loggingLevel` INFO or ERROR), one CloudWatch event
//! per step, `(<requestId>) <text>`, to `API-Gateway-Execution-Logs_{apiId}/{stage}`.
//! `dataTraceEnabled` adds the request and response lines (headers and bodies); the demo
//! masks `Authorization` and `x-api-key` values as AWS masks identities (`****` and the
//! last 6 characters). Each event is cut at 1,024 bytes and marked ` [TRUNCATED]`.
//!
//! Only wordings the reference records are written; where AWS's line is unknown (a quota
//! refusal, a 401 or 403 from an authorizer) the log says no more than
//! `Method completed with status: N`, which is what a reader should match on anyway.

use super::access_logging::ContextVars;
use super::config::{ACCOUNT, REGION};
use super::pipeline::{ApiRuntime, GatewayRequest, GatewayResponse};
use super::usage_plans::{self, masked_key};
use crate::domain::{AuthorizationType, Route, Stage, header};

/// What API Gateway keeps of one event's text.
const MAX_EVENT: usize = 1024;

/// The log group of a REST stage's execution log.
pub fn group(api_id: &str, stage: &str) -> String {
    format!("API-Gateway-Execution-Logs_{api_id}/{stage}")
}

/// Lines of one request, before the `(<requestId>) ` prefix.
struct Lines {
    out: Vec<String>,
    /// `dataTraceEnabled`: request/response lines too.
    data: bool,
    /// `loggingLevel` INFO (ERROR keeps only the error lines).
    info: bool,
}

impl Lines {
    fn info(&mut self, text: impl Into<String>) {
        if self.info {
            self.out.push(text.into());
        }
    }
    fn data(&mut self, text: impl Into<String>) {
        if self.info && self.data {
            self.out.push(text.into());
        }
    }
    fn error(&mut self, text: impl Into<String>) {
        self.out.push(text.into());
    }
}

/// Cut at 1,024 bytes (on a character boundary) with AWS's marker.
fn cut(text: &str) -> String {
    if text.len() <= MAX_EVENT {
        return text.to_string();
    }
    let mut end = MAX_EVENT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{} [TRUNCATED]", &text[..end])
}

/// `{Name=value, ...}`, Java-map style, with identities masked.
fn java_map<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> String {
    let items: Vec<String> = pairs
        .map(|(k, v)| {
            let secret =
                k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("x-api-key");
            format!("{k}={}", if secret { masked_key(v) } else { v.to_string() })
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

fn lambda_uri(arn: &str) -> String {
    format!("https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/{arn}/invocations")
}

fn var<'a>(vars: &'a ContextVars, name: &str) -> Option<&'a str> {
    vars.get(name)
        .map(String::as_str)
        .filter(|v| !v.is_empty() && *v != "-")
}

/// Write the execution log of one finished request, when the stage logs.
pub fn write(
    rt: &ApiRuntime,
    stage: &Stage,
    req: &GatewayRequest,
    vars: &ContextVars,
    out: &GatewayResponse,
) {
    let api = &rt.demo.api;
    if api.protocol() != crate::domain::Protocol::Rest {
        return;
    }
    let Some((level, data)) = stage.execution_logging() else {
        return;
    };
    let mut l = Lines {
        out: Vec::new(),
        data,
        info: level.eq_ignore_ascii_case("INFO"),
    };
    let rid = var(vars, "requestId").unwrap_or_default().to_string();
    let c = Exchange {
        rt,
        stage,
        req,
        vars,
        out,
        route: var(vars, "routeKey").and_then(|k| api.route(k)),
        rid: &rid,
    };
    steps(&c, &mut l);
    let group = group(&api.id, &stage.stage_name);
    for text in l.out {
        rt.store
            .put(&group, &rt.exec_stream, format!("({rid}) {}", cut(&text)));
    }
}

/// One finished request, as the log writer reads it.
struct Exchange<'a> {
    rt: &'a ApiRuntime,
    stage: &'a Stage,
    req: &'a GatewayRequest,
    vars: &'a ContextVars,
    out: &'a GatewayResponse,
    route: Option<&'a Route>,
    rid: &'a str,
}

fn steps(c: &Exchange<'_>, l: &mut Lines) {
    let Exchange {
        rt,
        stage,
        req,
        vars,
        out,
        route,
        rid,
    } = *c;
    let api = &rt.demo.api;
    let api_stage = format!("{}/{}", api.id, stage.stage_name);
    if let Some(ext) = var(vars, "extendedRequestId") {
        l.info(format!("Extended Request Id: {ext}"));
    }
    let response_type = var(vars, "error.responseType").unwrap_or("");
    let completed = |l: &mut Lines| {
        l.info(format!("Method completed with status: {}", out.status));
    };
    let Some(route) = route else {
        completed(l);
        return;
    };
    // Refused before the authorizer (stage throttle, resource policy): nothing more known.
    let policy_denied = var(vars, "error.message").is_some_and(|m| m.starts_with("User: "));
    let stage_throttled = response_type == "THROTTLED" && var(vars, "identity.apiKeyId").is_none();
    if policy_denied || stage_throttled {
        completed(l);
        return;
    }

    // The Lambda authorizer, when one ran (a missing identity source is a 401 without it).
    let authorizer_ran =
        route.authorization() == AuthorizationType::Custom && response_type != "UNAUTHORIZED";
    if authorizer_ran && let Some(id) = route.authorizer_id.as_deref() {
        let auth = api.authorizer(id);
        l.info(format!("Starting authorizer: {id} for request: {rid}"));
        let identity = auth
            .and_then(|a| a.identity_source.first())
            .and_then(|s| s.strip_prefix("method.request.header."))
            .and_then(|h| header(&req.headers, h));
        if let Some(token) = identity {
            l.info(format!("Incoming identity: {}", masked_key(token)));
        }
        if let Some(arn) = auth
            .and_then(|a| a.authorizer_uri.as_deref())
            .and_then(crate::domain::authorizer_function_arn)
        {
            l.data(format!("Endpoint request URI: {}", lambda_uri(&arn)));
        }
        match var(vars, "authorizer.principalId") {
            Some(p) if response_type.is_empty() => {
                l.info(format!(
                    "Using valid authorizer policy for principal: {}",
                    masked_key(p)
                ));
                l.info("Successfully completed authorizer execution");
            }
            // What AWS logs for a Deny, or an Allow that does not cover the method, is
            // [UNVERIFIED] (reference §12.4): the status line below says it.
            _ => {
                if let Some(e) = var(vars, "authorizer.error") {
                    l.error(format!("Execution failed due to configuration error: {e}"));
                }
                completed(l);
                return;
            }
        }
    }

    // API key and usage plan.
    let key = header(&req.headers, "x-api-key")
        .map(masked_key)
        .unwrap_or_default();
    l.info(format!(
        "Verifying Usage Plan for request: {rid}. API Key: {key} API Stage: {api_stage}"
    ));
    let method_line = format!("{} {}", route.method(), route.path().unwrap_or("/"));
    if !route.api_key_required {
        l.info(format!(
            "API Key {key} authorized because method '{method_line}' does not require API Key. Request will not contribute to throttle or quota limits"
        ));
    } else {
        let demo_key =
            header(&req.headers, "x-api-key").and_then(|v| rt.plans.account.key_by_value(v));
        match response_type {
            "INVALID_API_KEY" => {
                l.error(format!(
                    "API Key {key} not authorized because {}",
                    usage_plans::refusal_reason(api, &stage.stage_name, route, demo_key)
                ));
                completed(l);
                return;
            }
            "THROTTLED" => {
                let limits = demo_key
                    .and_then(|k| usage_plans::plan_of(api, &stage.stage_name, k))
                    .and_then(|p| usage_plans::limits(api, &stage.stage_name, p, route));
                l.error(format!(
                    "Key throttle limit exceeded for RestApi {}, Stage {}, Resource {}, HttpMethod {}. Limit: {:.2} Burst: {}",
                    api.id,
                    stage.stage_name,
                    route.route_id.as_deref().unwrap_or("-"),
                    route.method(),
                    limits.and_then(|t| t.rate_limit).unwrap_or_default(),
                    limits.and_then(|t| t.burst_limit).unwrap_or_default(),
                ));
                completed(l);
                return;
            }
            // [UNVERIFIED] the line AWS writes when a quota is used up.
            "QUOTA_EXCEEDED" => {
                completed(l);
                return;
            }
            _ => {}
        }
    }
    l.info(format!(
        "Usage Plan check succeeded for API Key {key} and API Stage {api_stage}"
    ));

    // The integration.
    l.info(format!("Starting execution for request: {rid}"));
    let actual_path = req
        .path
        .strip_prefix(&format!("/{}", stage.stage_name))
        .filter(|p| p.is_empty() || p.starts_with('/'))
        .unwrap_or(&req.path);
    let actual_path = if actual_path.is_empty() {
        "/"
    } else {
        actual_path
    };
    l.info(format!(
        "HTTP Method: {}, Resource Path: {actual_path}",
        req.method
    ));
    let params = rt
        .router
        .resolve(&req.method, &req.path)
        .matched
        .map(|m| m.path_parameters)
        .unwrap_or_default();
    l.data(format!(
        "Method request path: {}",
        java_map(params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    ));
    let query: Vec<(String, String)> = url::form_urlencoded::parse(req.query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    l.data(format!(
        "Method request query string: {}",
        java_map(query.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    ));
    l.data(format!(
        "Method request headers: {}",
        java_map(req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    ));
    l.data(format!(
        "Method request body before transformations: {}",
        String::from_utf8_lossy(&req.body)
    ));
    let Some(uri) = route
        .integration
        .as_ref()
        .and_then(|i| i.lambda_arn())
        .map(|a| lambda_uri(a.as_str()))
    else {
        completed(l);
        return;
    };
    l.data(format!("Endpoint request URI: {uri}"));
    l.data(format!(
        "Endpoint request headers: {{x-amzn-lambda-integration-tag={rid}, x-amzn-apigateway-api-id={}, X-Amz-Source-Arn=arn:aws:execute-api:{REGION}:{ACCOUNT}:{}/{}/{}{}, Accept=application/json, User-Agent=AmazonAPIGateway_{}}}",
        api.id,
        api.id,
        stage.stage_name,
        route.method(),
        route.path().unwrap_or("/"),
        api.id
    ));
    l.info(format!("Sending request to {uri}"));
    let lambda_id = var(vars, "integration.requestId");
    if let (Some(latency), Some(id)) = (var(vars, "integrationLatency"), lambda_id)
        && var(vars, "integrationStatus").is_some()
    {
        l.info(format!(
            "Received response. Status: 200, Integration latency: {latency} ms"
        ));
        let function_error = var(vars, "integrationErrorMessage")
            .is_some_and(|m| m.starts_with("Lambda execution failed"));
        l.data(format!(
            "Endpoint response headers: {{Content-Type=application/json, x-amzn-RequestId={id}, {}X-Amz-Executed-Version=$LATEST}}",
            if function_error { "X-Amz-Function-Error=Unhandled, " } else { "" }
        ));
    }
    match var(vars, "integrationErrorMessage") {
        Some(m) if m.starts_with("Lambda execution failed") => l.error(format!(
            "{m}. Lambda request id: {}",
            lambda_id.unwrap_or_default()
        )),
        Some(m) => l.error(m.to_string()),
        None => {
            l.data(format!(
                "Method response body after transformations: {}",
                String::from_utf8_lossy(&out.body)
            ));
            l.data(format!(
                "Method response headers: {}",
                java_map(out.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            ));
            l.info("Successfully completed execution");
        }
    }
    completed(l);
    if let Some(id) = lambda_id {
        l.info(format!("AWS Integration Endpoint RequestId : {id}"));
    }
    if let Some(t) = var(vars, "xrayTraceId") {
        l.info(format!(
            "X-ray Tracing ID : {}",
            t.strip_prefix("Root=").unwrap_or(t)
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_events_are_cut_at_1024_bytes_and_identities_masked() {
        let long = "é".repeat(700);
        let c = cut(&long);
        assert!(c.ends_with(" [TRUNCATED]"));
        assert!(c.len() <= MAX_EVENT + 12);
        assert_eq!(cut("short"), "short");
        let m = java_map([("Authorization", "Bearer allow-alice"), ("Accept", "*/*")].into_iter());
        assert_eq!(m, "{Authorization=****-alice, Accept=*/*}");
    }
}
