//! A Lambda authorizer's answer, evaluated as API Gateway would: a simple
//! response (`{"isAuthorized": bool}`, HTTP 2.0 with simple responses on) or
//! an IAM policy evaluated against the method/route ARN, plus the `context`
//! values that reach the integration's `requestContext.authorizer`.

use serde_json::{Map, Value};

use super::arn::MethodArn;
use super::condition::CallFacts;
use super::policy::{Decision, INVOKE, PolicyDocument};
use crate::domain::LambdaAuthorizerKind;
use crate::engines::event_build::AuthorizerData;

/// The answer as returned by the function.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthorizerAnswer {
    Simple {
        is_authorized: bool,
        context: Map<String, Value>,
    },
    Policy {
        principal_id: Option<String>,
        policy: PolicyDocument,
        context: Map<String, Value>,
        /// REST usage plans with `apiKeySource=AUTHORIZER`.
        usage_identifier_key: Option<String>,
    },
}

/// What API Gateway does with the answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The request goes on to the integration.
    Allow,
    /// 403. `explicit`: a Deny statement (REST says so in the body).
    Deny { explicit: bool },
    /// 500: the answer is not a valid authorizer response.
    Malformed(String),
    /// A condition or principal gatescope does not evaluate decides.
    CannotEvaluate(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub outcome: Outcome,
    /// The policy's decision for the ARN (policy answers only).
    pub decision: Option<Decision>,
    /// Status and body API Gateway answers instead of calling the
    /// integration (`None` when allowed or not evaluated).
    pub status: Option<u16>,
    pub body: Option<String>,
    pub principal_id: Option<String>,
    /// Context values passed on (strings, numbers, booleans).
    pub context: Map<String, Value>,
    /// Context keys not passed on, with why.
    pub dropped_context: Vec<(String, String)>,
    /// Set when the status/body rest on behaviour the reference marks unverified.
    pub unverified: bool,
}

impl Verdict {
    /// The `requestContext.authorizer` input of the integration's event.
    pub fn authorizer_data(&self) -> AuthorizerData {
        AuthorizerData::Lambda {
            principal_id: self.principal_id.clone(),
            context: self.context.clone(),
        }
    }
}

/// Parse the function's return value. `simple_responses` is the HTTP 2.0
/// authorizer's `EnableSimpleResponses`.
pub fn parse(
    kind: LambdaAuthorizerKind,
    simple_responses: bool,
    answer: &Value,
) -> Result<AuthorizerAnswer, String> {
    let o = answer
        .as_object()
        .ok_or_else(|| format!("the answer is {}, not a JSON object", kind_of(answer)))?;
    let context = match o.get("context") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m.clone(),
        Some(other) => return Err(format!("`context` is {}, not an object", kind_of(other))),
    };
    if simple_responses && kind == LambdaAuthorizerKind::HttpV2 {
        return match o.get("isAuthorized") {
            Some(Value::Bool(b)) => Ok(AuthorizerAnswer::Simple {
                is_authorized: *b,
                context,
            }),
            Some(other) => Err(format!(
                "`isAuthorized` is {}, not a boolean",
                kind_of(other)
            )),
            None => Err("simple responses are on but the answer has no `isAuthorized`".into()),
        };
    }
    let doc = o
        .get("policyDocument")
        .ok_or("the answer has no `policyDocument`")?;
    let policy = PolicyDocument::from_value(doc).map_err(|e| format!("policyDocument: {e}"))?;
    let principal_id = match o.get("principalId") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => Some(other.to_string()),
    };
    Ok(AuthorizerAnswer::Policy {
        principal_id,
        policy,
        context,
        usage_identifier_key: o
            .get("usageIdentifierKey")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Only string, number and boolean context values reach the integration
/// [DOC: "You can't set a JSON object or array as a valid value of any key
/// in the context map"]. Whether API Gateway drops such a key or fails the
/// call is not documented: the caller marks that unverified.
pub(crate) fn split_context(
    context: &Map<String, Value>,
) -> (Map<String, Value>, Vec<(String, String)>) {
    let mut passed = Map::new();
    let mut dropped = Vec::new();
    for (k, v) in context {
        match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                passed.insert(k.clone(), v.clone());
            }
            other => dropped.push((
                k.clone(),
                format!(
                    "{} (only strings, numbers and booleans pass)",
                    kind_of(other)
                ),
            )),
        }
    }
    (passed, dropped)
}

/// Evaluate the raw answer for the call to `arn`.
pub fn evaluate(
    kind: LambdaAuthorizerKind,
    simple_responses: bool,
    answer: &Value,
    arn: &MethodArn,
    call: &CallFacts,
) -> Verdict {
    let rest = kind.is_rest();
    let mut v = Verdict {
        outcome: Outcome::Allow,
        decision: None,
        status: None,
        body: None,
        principal_id: None,
        context: Map::new(),
        dropped_context: Vec::new(),
        unverified: false,
    };
    let parsed = match parse(kind, simple_responses, answer) {
        Ok(p) => p,
        Err(e) => {
            v.outcome = Outcome::Malformed(e);
            v.status = Some(500);
            // REST: `x-amzn-ErrorType: AuthorizerConfigurationException`,
            // body [UNVERIFIED]; HTTP: the generic 500 body.
            v.body = Some(if rest {
                r#"{"message": null}"#.to_string()
            } else {
                r#"{"message":"Internal Server Error"}"#.to_string()
            });
            v.unverified = rest;
            return v;
        }
    };
    let (allowed, explicit, context) = match parsed {
        AuthorizerAnswer::Simple {
            is_authorized,
            context,
        } => (Some(is_authorized), false, context),
        AuthorizerAnswer::Policy {
            principal_id,
            policy,
            context,
            ..
        } => {
            v.principal_id = principal_id;
            let d = policy.evaluate(INVOKE, arn, call);
            let r = match &d {
                Decision::Allow { .. } => (Some(true), false),
                Decision::ExplicitDeny { .. } => (Some(false), true),
                Decision::ImplicitDeny => (Some(false), false),
                Decision::CannotEvaluate { .. } => (None, false),
            };
            if let Decision::CannotEvaluate { .. } = &d {
                v.outcome = Outcome::CannotEvaluate(d.describe());
            }
            v.decision = Some(d);
            (r.0, r.1, context)
        }
    };
    let (passed, dropped) = split_context(&context);
    v.context = passed;
    v.dropped_context = dropped;
    match allowed {
        Some(true) => v.outcome = Outcome::Allow,
        Some(false) => {
            v.outcome = Outcome::Deny { explicit };
            v.status = Some(403);
            v.body = Some(match (rest, explicit) {
                (true, true) => r#"{"message":"User is not authorized to access this resource with an explicit deny"}"#.to_string(),
                (true, false) => r#"{"message":"User is not authorized to access this resource"}"#.to_string(),
                // HTTP APIs answer a plain Forbidden [OBS].
                (false, _) => r#"{"message":"Forbidden"}"#.to_string(),
            });
            v.unverified = !rest;
        }
        None => {}
    }
    v
}
