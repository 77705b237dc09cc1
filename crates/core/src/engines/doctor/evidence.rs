//! Everything the doctor may look at for one request (or for none, when it
//! lints a configuration). Every piece is optional: rules use what is there
//! and say how sure they are.

use serde::{Deserialize, Serialize};

use crate::domain::{
    AccessLogRecord, Api, ApiType, CorrelatedRecord, DecodedEvent, FunctionArn, HttpRequest,
    HttpResponse, LambdaLine, Protocol, Route, Stage,
};

/// What is known about a Lambda function's configuration (from the Lambda
/// API, or learnt from its REPORT / timeout lines). Lives in the domain so
/// backends can return it; re-exported here where the doctor always had it.
pub use crate::domain::FunctionConfig;

/// The evidence for one diagnosis. Build it with struct-update syntax:
/// `Evidence { response: Some(resp), ..Default::default() }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Evidence {
    /// The API's configuration, when loaded (details included).
    pub api: Option<Api>,
    /// Stage the request went to (`$default` or a name).
    pub stage: Option<String>,
    /// Route the user targeted (`GET /items/{id}`), when known.
    pub route_key: Option<String>,
    pub request: Option<HttpRequest>,
    pub response: Option<HttpResponse>,
    /// Access-log records of the request (usually one).
    #[serde(default)]
    pub access_logs: Vec<AccessLogRecord>,
    /// Lambda lines of the invocation, REPORT included.
    #[serde(default)]
    pub lambda_lines: Vec<LambdaLine>,
    /// Proxy events the function logged (or that were rebuilt).
    #[serde(default)]
    pub events: Vec<DecodedEvent>,
    /// The function's raw return value, when it could be seen (logged output,
    /// the demo gateway): run through the response interpreter.
    pub function_output: Option<String>,
    /// Known function configurations (timeouts, memory).
    #[serde(default)]
    pub functions: Vec<FunctionConfig>,
    /// What the REST execution log says about the request (one summary per
    /// request id: `engines::exec_log`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exec_logs: Vec<crate::domain::ExecSummary>,
    /// True when logs were searched for this request: an empty result then
    /// means something (`NOT_IN_ACCESS_LOG`).
    #[serde(default)]
    pub logs_searched: bool,
    /// "Now" in epoch ms for time-dependent checks (JWT expiry); `None` skips them.
    pub now_ms: Option<i64>,
    /// A Lambda authorizer's answer to this request (an opt-in real invoke).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorizer_answer: Option<AuthorizerAnswerSeen>,
    /// The caller's address as API Gateway sees it (`aws:SourceIp`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
}

/// What an authorizer answered and the method ARN it was asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthorizerAnswerSeen {
    pub method_arn: String,
    pub answer: serde_json::Value,
    /// The function failed (`X-Amz-Function-Error`: `Unhandled` /
    /// `Handled`): `answer` is its error object, not an authorizer answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function_error: Option<String>,
}

impl Evidence {
    /// Evidence from one correlated log record (the TUI's log pane).
    pub fn from_record(api: Option<Api>, record: &CorrelatedRecord) -> Evidence {
        Evidence {
            api,
            stage: record.access.stage.as_deref().map(str::to_string),
            route_key: record.access.route_key.as_deref().map(str::to_string),
            access_logs: vec![record.access.clone()],
            lambda_lines: record.lambda_lines.clone(),
            events: record.event.iter().cloned().collect(),
            logs_searched: true,
            ..Default::default()
        }
    }

    /// The API type: configured protocol first, then the logged event, then
    /// the fingerprint of a gateway error body.
    pub fn api_type(&self) -> Option<ApiType> {
        if let Some(p) = self.api.as_ref().and_then(|a| a.protocol) {
            return Some(ApiType::from(p));
        }
        if let Some(ev) = self.events.first() {
            return Some(match ev.kind {
                crate::domain::EventKind::Rest => ApiType::Rest,
                _ => ApiType::Http,
            });
        }
        self.response
            .as_ref()
            .and_then(|r| super::fingerprint::classify(r).api_type)
    }

    pub fn is_rest(&self) -> bool {
        self.api_type() == Some(ApiType::Rest)
    }

    pub fn protocol(&self) -> Option<Protocol> {
        self.api.as_ref().and_then(|a| a.protocol)
    }

    /// The stage object, by explicit name, else the access log's, else the
    /// only stage.
    pub(crate) fn stage_config(&self) -> Option<&Stage> {
        let api = self.api.as_ref()?;
        let name = self
            .stage
            .as_deref()
            .or_else(|| self.access_logs.iter().find_map(|r| r.stage.as_deref()));
        match name {
            Some(n) => api.stage(n),
            None if api.stages.len() == 1 => api.stages.first(),
            None => None,
        }
    }

    /// The route that handled (or should handle) the request: the explicit
    /// key, else the one in the access log or the logged event.
    pub fn route(&self) -> Option<&Route> {
        let api = self.api.as_ref()?;
        let candidates = self
            .route_key
            .iter()
            .map(String::as_str)
            .chain(
                self.access_logs
                    .iter()
                    .filter_map(|r| r.route_key.as_deref()),
            )
            .chain(self.events.iter().filter_map(|e| e.route_key.as_deref()));
        for key in candidates {
            if let Some(r) = api.route(key) {
                return Some(r);
            }
        }
        None
    }

    /// The route's integration timeout in ms, or the API type's default.
    pub fn integration_timeout_ms(&self) -> Option<f64> {
        let configured = self
            .route()
            .and_then(|r| r.integration.as_ref())
            .and_then(|i| i.timeout_in_millis);
        if let Some(t) = configured {
            return Some(t as f64);
        }
        self.api_type().map(|t| default_timeout_ms(t) as f64)
    }

    /// The function behind the route, when its configuration is known.
    pub fn function(&self) -> Option<&FunctionConfig> {
        let arn = self
            .route()
            .and_then(|r| r.integration.as_ref())
            .and_then(|i| i.lambda_arn());
        match arn {
            Some(arn) => self
                .functions
                .iter()
                .find(|f| FunctionArn::same_function(&f.arn, arn.as_str())),
            None if self.functions.len() == 1 => self.functions.first(),
            None => None,
        }
    }

    /// The status the client saw: the response's, else the access log's.
    pub fn status(&self) -> Option<u16> {
        self.response
            .as_ref()
            .map(|r| r.status)
            .or_else(|| self.access_logs.iter().find_map(|r| r.status))
    }

    /// The request's bearer token (header `Authorization: Bearer x` or a bare token).
    pub(crate) fn bearer_token(&self) -> Option<&str> {
        let auth = self.request.as_ref()?.header("authorization")?.trim();
        let token = auth
            .strip_prefix("Bearer ")
            .or_else(|| auth.strip_prefix("bearer "))
            .unwrap_or(auth)
            .trim();
        (!token.is_empty() && !token.starts_with("AWS4-")).then_some(token)
    }

    /// The names this evidence knows, for the slots of a registered fix
    /// template (`{api_id}`, `{stage}`, `{route_key}`, `{authorizer_id}`,
    /// `{issuer}`, `{function}`); a slot left unfilled shows as `API_ID` etc.
    pub fn fix_args(&self) -> Vec<(&'static str, String)> {
        let mut args = Vec::new();
        if let Some(api) = self.api.as_ref() {
            args.push(("api_id", api.id.clone()));
        }
        if let Some(stage) = self
            .stage_config()
            .map(|s| s.stage_name.clone())
            .or(self.stage.clone())
        {
            args.push(("stage", stage));
        }
        if let Some(route) = self.route() {
            args.push(("route_key", route.route_key.clone()));
            if let Some(arn) = route.integration.as_ref().and_then(|i| i.lambda_arn()) {
                args.push(("function", arn.name().to_string()));
            }
            let authorizer = route
                .authorizer_id
                .as_deref()
                .and_then(|id| self.api.as_ref()?.authorizer(id));
            if let Some(a) = authorizer {
                args.push(("authorizer_id", a.id.clone()));
                if let Some(iss) = a.jwt_configuration.as_ref().and_then(|j| j.issuer.clone()) {
                    args.push(("issuer", iss));
                }
            }
        }
        args
    }

    /// True when the request carries a SigV4 `Authorization` header.
    pub(crate) fn is_signed(&self) -> bool {
        self.request
            .as_ref()
            .and_then(|r| r.header("authorization"))
            .is_some_and(|a| a.starts_with("AWS4-HMAC-SHA256"))
            || self
                .request
                .as_ref()
                .is_some_and(|r| url_has_query(&r.url, "X-Amz-Signature"))
    }
}

/// API Gateway's default (and maximum) integration timeout per API type.
pub(crate) fn default_timeout_ms(t: ApiType) -> i64 {
    match t {
        ApiType::Rest => 29_000,
        ApiType::Http => 30_000,
    }
}

fn url_has_query(url: &str, key: &str) -> bool {
    url.split_once('?')
        .is_some_and(|(_, q)| q.split('&').any(|kv| kv.split('=').next() == Some(key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_token_is_read_with_or_without_prefix() {
        let mut ev = Evidence::default();
        let mut req = HttpRequest::new("GET", "https://x/");
        req.headers
            .push(("Authorization".into(), "Bearer abc.def.ghi".into()));
        ev.request = Some(req);
        assert_eq!(ev.bearer_token(), Some("abc.def.ghi"));
        ev.request.as_mut().unwrap().headers[0].1 =
            "AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/execute-api/aws4_request".into();
        assert_eq!(ev.bearer_token(), None);
        assert!(ev.is_signed());
    }
}
