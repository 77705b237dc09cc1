//! A route's Lambda authorizer, for one composed request: the event API
//! Gateway would send it ([`prepare`]), an answer evaluated as API Gateway
//! would ([`evaluate`]), and the two opt-in real calls that get a real
//! answer — `lambda:Invoke` of the function with that event ([`invoke`]) and,
//! for REST, `apigateway:TestInvokeAuthorizer` ([`test_invoke`]). The CLI
//! (`gatescope authorizer`) and the TUI call these.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{Value, json};

use crate::backends::real_calls::{TestAuthorizerCall, TestAuthorizerResult};
use crate::backends::{Backend, BackendError};
use crate::domain::{
    Api, Authorizer, ExecTrace, Finding, HttpRequest, LambdaAuthorizerKind, PayloadFormat,
    RequestDraft, authorizer_function_arn,
};
use crate::engines::authz::answer::{self, Outcome, Verdict};
use crate::engines::authz::arn::MethodArn;
use crate::engines::authz::condition::CallFacts;
use crate::engines::authz::event::{AuthorizerCall, build};
use crate::engines::compose::{self, ComposeError};
use crate::engines::doctor::{
    self, AuthorizerAnswerSeen, DomainCall, Evidence, custom_domain_call,
};
use crate::engines::event_build::{
    EventInput, Seed, build_event, parse_execute_api_host, strip_stage,
};
use crate::engines::exec_log::parse_test_invoke_log;

/// The request whose authorization is looked at.
#[derive(Debug, Clone, Default)]
pub struct AuthorizerQuery {
    pub method: String,
    /// Full URL or a path with the stage segment (`/prod/items/42`).
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// `$context.identity.sourceIp`.
    pub source_ip: String,
    /// The account id in the method ARN.
    pub account_id: String,
}

impl AuthorizerQuery {
    /// A request as it would be sent, from a loopback caller in the example
    /// account (the defaults of `gatescope authorizer`).
    pub fn local(req: &HttpRequest) -> AuthorizerQuery {
        AuthorizerQuery {
            method: req.method.clone(),
            url: req.url.clone(),
            headers: req.headers.clone(),
            source_ip: "127.0.0.1".into(),
            account_id: "123456789012".into(),
        }
    }
}

/// The request a composer draft sends, its auth header (Bearer token, API
/// key) included: what identity sources read.
pub(crate) fn request_for_draft(draft: &RequestDraft) -> Result<HttpRequest, ComposeError> {
    let mut req = compose::build(draft)?;
    if let Some((name, value)) = compose::auth_header(&draft.auth) {
        req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        req.headers.push((name.to_string(), value));
    }
    Ok(req)
}

/// The authorizer of the request's route and what API Gateway would do
/// before invoking it.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub api: Api,
    pub route_key: String,
    pub authorizer: Authorizer,
    pub kind: LambdaAuthorizerKind,
    /// The request as API Gateway sees it (its headers added).
    pub input: EventInput,
    pub region: String,
    pub call: Call,
    /// Set when the URL is a custom domain of the API: how its mapping was
    /// read (the event is built for the execute-api URL it stands for).
    pub via_domain: Option<String>,
}

#[derive(Debug, Clone)]
// Built once per request and matched at once: boxing buys nothing.
#[allow(clippy::large_enum_variant)]
pub enum Call {
    /// The authorizer is invoked with `event` about `method_arn`.
    Invoke {
        event: Value,
        method_arn: MethodArn,
        /// `(expression, value)` of each identity source: the cache key.
        identity: Vec<(String, String)>,
        /// Sources gatescope could not resolve (an unmodelled `$context` variable).
        unresolved: Vec<String>,
    },
    /// 401 without invocation: this identity source is missing or empty.
    NotInvoked { missing: String },
}

impl Prepared {
    /// The function behind the authorizer (`None`: its URI names none).
    pub fn function(&self) -> Option<String> {
        self.authorizer
            .authorizer_uri
            .as_deref()
            .and_then(authorizer_function_arn)
    }

    /// `{"id", "name", "lambda"}` of the authorizer, for JSON output.
    pub(crate) fn authorizer_json(&self) -> Value {
        json!({"id": self.authorizer.id, "name": self.authorizer.name, "lambda": self.authorizer.lambda})
    }
}

/// Resolve the route of `q` in `api`, its Lambda authorizer and the event
/// it would get. `Err` is one sentence (no route, no Lambda authorizer).
pub fn prepare(
    api: &Api,
    q: &AuthorizerQuery,
    backend_region: Option<&str>,
) -> Result<Prepared, String> {
    prepare_with(api, q, backend_region, super::seed())
}

/// [`prepare`] with the request ids and time of the event given (`seed`):
/// the TUI keeps one per page so the event does not change on every frame.
pub(crate) fn prepare_with(
    api: &Api,
    q: &AuthorizerQuery,
    backend_region: Option<&str>,
    seed: Seed,
) -> Result<Prepared, String> {
    // A custom-domain URL stands for an execute-api URL of the API.
    let probe = Evidence {
        api: Some(api.clone()),
        request: Some(HttpRequest {
            method: q.method.clone(),
            url: q.url.clone(),
            ..Default::default()
        }),
        ..Default::default()
    };
    let (url, via_domain) = match custom_domain_call(&probe) {
        Some(DomainCall::Mapped { url, note }) => (url, Some(note)),
        Some(DomainCall::Unmapped { domain, path }) => {
            return Err(format!(
                "no mapping of {} covers {path}: API Gateway answers before any authorizer (see the doctor)",
                domain.domain_name
            ));
        }
        None => (q.url.clone(), None),
    };
    let mut input = EventInput::from_url(
        api.protocol().into(),
        PayloadFormat::V1,
        &q.method,
        &url,
        seed,
    );
    let routed = super::route_request(api, &q.method, &input)?;
    let route = routed.route;
    let Some(auth) = route
        .authorizer_id
        .as_deref()
        .and_then(|id| api.authorizer(id))
    else {
        return Err(format!("route {} has no authorizer", route.route_key));
    };
    let Some(kind) = LambdaAuthorizerKind::of(api.protocol(), auth) else {
        return Err(format!(
            "the authorizer {} of route {} is not a Lambda authorizer ({})",
            auth.name, route.route_key, auth.authorizer_type
        ));
    };
    input.route_key = routed.matched.route_key;
    input.path_parameters = routed.matched.path_parameters;
    input.stage = routed.stage;
    if let Some(stage) = api.stage(&input.stage) {
        input.stage_variables = stage.stage_variables.clone();
    }
    if input.domain_name.starts_with("abcdef1234.")
        || parse_execute_api_host(&input.domain_name).is_none()
    {
        input.api_id = api.id.clone();
    }
    // The region of the execute-api host the request stands for.
    let region = input
        .region()
        .or_else(|| backend_region.map(str::to_string))
        .unwrap_or_else(|| "us-east-1".into());
    // `$context.domainName` is the host the client called.
    if via_domain.is_some()
        && let Ok(u) = url::Url::parse(&q.url)
        && let Some(host) = u.host_str()
    {
        input.domain_name = host.to_string();
    }
    input.account_id = q.account_id.clone();
    input.source_ip = q.source_ip.clone();
    input.headers.extend(q.headers.iter().cloned());
    let input = input.with_gateway_headers();
    let call = match build(kind, &auth.identity_source, &input, &region) {
        AuthorizerCall::NotInvoked { missing } => Call::NotInvoked { missing },
        AuthorizerCall::Invoke {
            event,
            method_arn,
            identity,
            unresolved,
        } => Call::Invoke {
            event,
            method_arn,
            identity,
            unresolved,
        },
    };
    Ok(Prepared {
        api: api.clone(),
        route_key: route.route_key.clone(),
        authorizer: auth.clone(),
        kind,
        input,
        region,
        call,
        via_domain,
    })
}

/// An answer evaluated for the prepared request.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub verdict: Verdict,
    /// The integration event's `requestContext.authorizer` when allowed.
    pub integration_authorizer: Option<Value>,
    pub findings: Vec<Finding>,
}

impl Evaluation {
    /// The verdict as JSON (`gatescope authorizer --output json`).
    pub(crate) fn verdict_json(&self) -> Value {
        let v = &self.verdict;
        let outcome = match &v.outcome {
            Outcome::Allow => json!("allow"),
            Outcome::Deny { explicit } => json!(if *explicit { "explicitDeny" } else { "deny" }),
            Outcome::Malformed(why) => json!({"malformed": why}),
            Outcome::CannotEvaluate(why) => json!({"cannotEvaluate": why}),
        };
        json!({
            "outcome": outcome,
            "status": v.status,
            "body": v.body,
            "decision": v.decision.as_ref().map(|d| d.describe()),
            "principalId": v.principal_id,
            "context": v.context,
            "droppedContext": v.dropped_context.iter().map(|(k, why)| json!({"key": k, "reason": why})).collect::<Vec<_>>(),
            "integrationAuthorizer": self.integration_authorizer,
            "unverified": v.unverified,
        })
    }

    /// True when the request would not reach the integration, or the
    /// doctor found an error.
    pub fn refused(&self) -> bool {
        self.verdict.outcome != Outcome::Allow || doctor::has_errors(&self.findings)
    }
}

/// Evaluate `answer` (the function's return value) as API Gateway would,
/// with the doctor's findings (explicit deny, dropped context, the cache
/// pitfall). `function_error`: the function failed with this error type.
pub fn evaluate(p: &Prepared, answer: &Value, function_error: Option<&str>) -> Evaluation {
    // The findings quote the answer: never with an API key value in it.
    let answer = &mask_usage_key(answer.clone());
    let method_arn = match &p.call {
        Call::Invoke { method_arn, .. } => method_arn.clone(),
        Call::NotInvoked { .. } => crate::engines::authz::event::method_arn(&p.input, &p.region),
    };
    let simple = p.authorizer.enable_simple_responses == Some(true);
    let facts = CallFacts {
        source_ip: p.input.source_ip.parse().ok(),
        ..Default::default()
    };
    let verdict = answer::evaluate(p.kind, simple, answer, &method_arn, &facts);
    let route = p.api.route(&p.route_key);
    let mut integration = p.input.clone();
    integration.payload = route
        .and_then(|r| r.integration.as_ref())
        .and_then(|i| i.payload_format_version.as_deref())
        .and_then(PayloadFormat::parse)
        .unwrap_or(PayloadFormat::V1);
    integration.authorizer = verdict.authorizer_data();
    let integration_authorizer = (verdict.outcome == Outcome::Allow && function_error.is_none())
        .then(|| build_event(&integration)["requestContext"]["authorizer"].clone());
    let evidence = Evidence {
        api: Some(p.api.clone()),
        stage: Some(p.input.stage.clone()),
        route_key: Some(p.route_key.clone()),
        request: Some(HttpRequest {
            method: p.input.method.clone(),
            url: p.input.path.clone(),
            headers: p.input.headers.clone(),
            body: Vec::new(),
        }),
        authorizer_answer: Some(AuthorizerAnswerSeen {
            method_arn: method_arn.to_string(),
            answer: answer.clone(),
            function_error: function_error.map(str::to_string),
        }),
        source_ip: Some(p.input.source_ip.clone()),
        ..Default::default()
    };
    let mut verdict = verdict;
    if function_error.is_some() {
        verdict.context.clear();
        verdict.principal_id = None;
        verdict.dropped_context.clear();
        verdict.decision = None;
        if answer.get("errorMessage").and_then(Value::as_str) == Some("Unauthorized") {
            // `throw new Error("Unauthorized")` is API Gateway's 401 convention.
            verdict.outcome = Outcome::Deny { explicit: false };
            verdict.status = Some(401);
            verdict.body = Some(r#"{"message":"Unauthorized"}"#.to_string());
            verdict.unverified = false;
        } else {
            // The function failed: API Gateway never reads its payload as an
            // answer and answers 500 (reference §3: authorizer failure).
            verdict.outcome = Outcome::Malformed("the authorizer function failed".into());
            verdict.status = Some(500);
            verdict.body = Some(if p.kind.is_rest() {
                r#"{"message": null}"#.to_string()
            } else {
                r#"{"message":"Internal Server Error"}"#.to_string()
            });
            verdict.unverified = p.kind.is_rest();
        }
    }
    Evaluation {
        verdict,
        integration_authorizer,
        findings: doctor::diagnose(&evidence),
    }
}

/// What a real `lambda:Invoke` of the authorizer returned, evaluated.
#[derive(Debug, Clone)]
pub struct Invoked {
    pub function: String,
    /// Lambda's status of the Invoke call itself.
    pub status: u16,
    /// `Unhandled` / `Handled` when the function failed.
    pub function_error: Option<String>,
    pub executed_version: Option<String>,
    /// The function's answer (its error object when it failed); a payload
    /// that is not JSON is kept as a string.
    pub answer: Value,
    pub evaluation: Evaluation,
}

impl Invoked {
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "realCall": "lambda:Invoke",
            "function": self.function,
            "status": self.status,
            "functionError": self.function_error,
            "executedVersion": self.executed_version,
            "answer": self.answer,
        })
    }
}

/// Why a real call could not be made or failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RealCallError {
    #[error("{0}")]
    NotApplicable(String),
    #[error("{0}")]
    Backend(#[from] BackendError),
    /// The user cancelled: the answer was dropped (the call itself may
    /// already have reached AWS and run the function).
    #[error("cancelled: the answer was dropped (the function may still have run)")]
    Cancelled,
}

/// Which opt-in real call gets the authorizer's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RealCall {
    /// `lambda:Invoke` of the function with the built event.
    Invoke,
    /// `apigateway:TestInvokeAuthorizer` (REST only).
    TestInvoke,
}

impl RealCall {
    /// The AWS action, as the screens label it (`REAL CALL lambda:Invoke`).
    pub fn action(self) -> &'static str {
        match self {
            RealCall::Invoke => "lambda:Invoke",
            RealCall::TestInvoke => "apigateway:TestInvokeAuthorizer",
        }
    }
}

/// The answer of one real call.
#[derive(Debug, Clone)]
pub enum RealAnswer {
    Invoked(Box<Invoked>),
    Tested(Box<TestInvoked>),
}

impl RealAnswer {
    /// The local evaluation of the answer (none when TestInvokeAuthorizer
    /// returned no policy: AWS's client status is then the verdict).
    pub fn evaluation(&self) -> Option<&Evaluation> {
        match self {
            RealAnswer::Invoked(i) => Some(&i.evaluation),
            RealAnswer::Tested(t) => t.evaluation.as_ref(),
        }
    }
}

/// A REAL CALL ([`invoke`] or [`test_invoke`]) that stops waiting when
/// `cancel` fires: for the TUI, where the user may press Esc while the
/// function runs. Cancelling drops the answer; it cannot undo a call that
/// already reached AWS.
pub(crate) async fn real_call(
    backend: &Backend,
    p: &Prepared,
    which: RealCall,
    cancel: &tokio_util::sync::CancellationToken,
) -> Result<RealAnswer, RealCallError> {
    let call = async {
        match which {
            RealCall::Invoke => invoke(backend, p)
                .await
                .map(|i| RealAnswer::Invoked(Box::new(i))),
            RealCall::TestInvoke => test_invoke(backend, p)
                .await
                .map(|t| RealAnswer::Tested(Box::new(t))),
        }
    };
    tokio::select! {
        biased;
        _ = cancel.cancelled() => Err(RealCallError::Cancelled),
        r = call => r,
    }
}

/// A REAL CALL: `lambda:Invoke` of the authorizer's function with the
/// built event, and its answer evaluated. Costs an invocation and writes to
/// the function's log group.
pub async fn invoke(backend: &Backend, p: &Prepared) -> Result<Invoked, RealCallError> {
    let Call::Invoke { event, .. } = &p.call else {
        return Err(RealCallError::NotApplicable(
            "API Gateway would not invoke the authorizer (an identity source is missing): nothing to invoke".into(),
        ));
    };
    let Some(function) = p.function() else {
        return Err(RealCallError::NotApplicable(format!(
            "authorizer {} names no Lambda function in its URI ({})",
            p.authorizer.name,
            p.authorizer.authorizer_uri.as_deref().unwrap_or("none")
        )));
    };
    let payload = serde_json::to_vec(event).unwrap_or_default();
    let out = backend.calls.invoke_function(&function, &payload).await?;
    let answer = mask_usage_key(parse_payload(&out.payload));
    let evaluation = evaluate(p, &answer, out.function_error.as_deref());
    Ok(Invoked {
        function,
        status: out.status,
        function_error: out.function_error,
        executed_version: out.executed_version,
        answer,
        evaluation,
    })
}

/// What stands for the `usageIdentifierKey` an authorizer returned: it is
/// an API key's value (apiKeySource AUTHORIZER), which gatescope never shows.
pub const MASKED_KEY: &str = "(an API key value: not shown)";

/// The answer with its `usageIdentifierKey` value replaced by [`MASKED_KEY`].
pub fn mask_usage_key(mut answer: Value) -> Value {
    if let Some(k) = answer.get_mut("usageIdentifierKey")
        && k.is_string()
    {
        *k = Value::String(MASKED_KEY.into());
    }
    answer
}

/// A Lambda payload as JSON; text that is not JSON stays a string (it is
/// then a malformed answer).
fn parse_payload(payload: &[u8]) -> Value {
    serde_json::from_slice(payload)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(payload).into_owned()))
}

/// What `TestInvokeAuthorizer` answered.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestInvoked {
    #[serde(flatten)]
    pub result: TestAuthorizerResult,
    /// The log of the call, parsed into steps.
    pub trace: ExecTrace,
    /// The answer rebuilt from `principalId`, `policy` and `authorization`,
    /// evaluated locally for the request's own method ARN (`None` when AWS
    /// returned no policy).
    #[serde(skip)]
    pub evaluation: Option<Evaluation>,
}

/// A REAL CALL (REST only): `apigateway:TestInvokeAuthorizer` with the
/// request's headers, path and stage variables. API Gateway runs the
/// authorizer function and reports the client status, policy and log.
pub(crate) async fn test_invoke(
    backend: &Backend,
    p: &Prepared,
) -> Result<TestInvoked, RealCallError> {
    if !p.kind.is_rest() {
        return Err(RealCallError::NotApplicable(format!(
            "TestInvokeAuthorizer exists for REST APIs only; {} is an HTTP API (use --invoke)",
            p.api.id
        )));
    }
    let path = strip_stage(&p.input.path, &p.input.stage, true);
    let query = p.input.query.trim_start_matches('?');
    let call = TestAuthorizerCall {
        rest_api_id: p.api.id.clone(),
        authorizer_id: p.authorizer.id.clone(),
        headers: p.input.headers.clone(),
        path_with_query_string: Some(if query.is_empty() {
            path
        } else {
            format!("{path}?{query}")
        }),
        body: None,
        stage_variables: p.input.stage_variables.clone(),
    };
    let result = backend.calls.test_invoke_authorizer(&call).await?;
    let trace = parse_test_invoke_log(&result.log);
    let evaluation = result.policy.as_deref().map(|policy| {
        let policy: Value =
            serde_json::from_str(policy).unwrap_or_else(|_| Value::String(policy.to_string()));
        let context: BTreeMap<&String, Value> = result
            .authorization
            .iter()
            .map(|(k, v)| (k, json!(v.join(","))))
            .collect();
        let answer = json!({
            "principalId": result.principal_id,
            "policyDocument": policy,
            "context": context,
        });
        evaluate(p, &answer, None)
    });
    Ok(TestInvoked {
        result,
        trace,
        evaluation,
    })
}

#[cfg(test)]
#[path = "authorizer_tests.rs"]
mod tests;
