//! IAM policy documents as API Gateway evaluates them: the policy a Lambda
//! authorizer returns, and a REST API's resource policy.
//!
//! Evaluation follows IAM's order: an applicable explicit `Deny` wins, then
//! an applicable `Allow`, else the implicit deny. A statement whose
//! condition gatescope cannot evaluate (an operator or key it does not
//! model, or a value the request does not tell) makes the answer
//! [`Decision::CannotEvaluate`] whenever it could change the outcome: never a
//! guess.

use serde_json::Value;

use super::arn::{MethodArn, action_matches, resource_matches};
use super::condition::{self, CallFacts, CondResult};

/// The action every execute-api policy is about.
pub const INVOKE: &str = "execute-api:Invoke";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// One statement, its lists normalised (IAM takes a string or an array).
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Position in the document, from 1 (statements often have no `Sid`).
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    /// `None`: no `Principal` element (authorizer policies have none).
    pub principal: Option<Value>,
    pub not_principal: Option<Value>,
    pub action: Vec<String>,
    pub not_action: Vec<String>,
    pub resource: Vec<String>,
    pub not_resource: Vec<String>,
    pub condition: Option<Value>,
}

impl Statement {
    /// `statement 2 (Sid "DenyOffice")`, for evidence.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) => format!("statement {} (Sid {s:?})", self.index),
            None => format!("statement {}", self.index),
        }
    }

    /// The statement's resources as written, for evidence.
    pub fn resources_text(&self) -> String {
        if self.not_resource.is_empty() {
            self.resource.join(", ")
        } else {
            format!("NotResource {}", self.not_resource.join(", "))
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    pub version: Option<String>,
    pub statements: Vec<Statement>,
}

/// Who is calling, as the resource policy sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Caller {
    /// Not SigV4-signed (also: callers of Lambda-authorizer routes).
    #[default]
    Anonymous,
    /// SigV4-signed; the identity's ARN and account when known.
    Iam {
        arn: Option<String>,
        account: Option<String>,
    },
}

/// The outcome of evaluating a policy for one call.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Allow {
        by: Statement,
    },
    ExplicitDeny {
        by: Statement,
    },
    /// No statement allows the call.
    ImplicitDeny,
    /// A statement that could decide the call has something gatescope does
    /// not evaluate; the reason says what.
    CannotEvaluate {
        statement: Statement,
        reason: String,
    },
}

impl Decision {
    pub fn is_allow(&self) -> bool {
        matches!(self, Decision::Allow { .. })
    }

    /// One line for evidence.
    pub fn describe(&self) -> String {
        match self {
            Decision::Allow { by } => {
                format!("allowed by {} ({})", by.label(), by.resources_text())
            }
            Decision::ExplicitDeny { by } => {
                format!("explicit Deny by {} ({})", by.label(), by.resources_text())
            }
            Decision::ImplicitDeny => "no statement allows it (implicit deny)".to_string(),
            Decision::CannotEvaluate { statement, reason } => {
                format!("cannot evaluate {}: {reason}", statement.label())
            }
        }
    }
}

fn strings(v: Option<&Value>) -> Result<Vec<String>, String> {
    match v {
        None => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(vec![s.clone()]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| format!("a list entry is {x}, not a string"))
            })
            .collect(),
        Some(other) => Err(format!("{other} is neither a string nor a list")),
    }
}

/// Keys are case-sensitive in IAM, but API Gateway accepts authorizer
/// policies written `statement`/`effect` [UNVERIFIED]; the exact casing is
/// looked up first.
fn get<'a>(o: &'a serde_json::Map<String, Value>, key: &str) -> Option<&'a Value> {
    o.get(key).or_else(|| {
        o.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(key))
            .map(|(_, v)| v)
    })
}

impl PolicyDocument {
    /// Parse a policy given as JSON text. REST `policy` comes back from
    /// `GetRestApi` with its quotes escaped (`{\"Version\":...}`); that form
    /// is accepted too.
    pub fn parse_text(text: &str) -> Result<Self, String> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::String(inner)) => Self::parse_text(&inner),
            Ok(v) => Self::from_value(&v),
            Err(first) => {
                let unescaped = text.replace("\\\"", "\"").replace("\\/", "/");
                match serde_json::from_str::<Value>(&unescaped) {
                    Ok(v) if unescaped != text => Self::from_value(&v),
                    _ => Err(format!("the policy is not JSON: {first}")),
                }
            }
        }
    }

    pub fn from_value(v: &Value) -> Result<Self, String> {
        let o = v.as_object().ok_or("the policy is not a JSON object")?;
        let version = get(o, "Version")
            .and_then(Value::as_str)
            .map(str::to_string);
        let list: Vec<&Value> = match get(o, "Statement") {
            Some(Value::Array(a)) => a.iter().collect(),
            Some(s @ Value::Object(_)) => vec![s],
            Some(_) => return Err("Statement is neither an object nor a list".into()),
            None => return Err("the policy has no Statement".into()),
        };
        let statements = list
            .into_iter()
            .enumerate()
            .map(|(i, s)| statement(i + 1, s))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PolicyDocument {
            version,
            statements,
        })
    }

    /// Evaluate `action` on `arn` for `call` (IAM's order: explicit deny,
    /// then allow, then implicit deny).
    pub fn evaluate(&self, action: &str, arn: &MethodArn, call: &CallFacts) -> Decision {
        let mut allow = None;
        let mut unknown_deny: Option<(Statement, String)> = None;
        let mut unknown_allow: Option<(Statement, String)> = None;
        for s in &self.statements {
            match applies(s, action, arn, call) {
                Applies::No => {}
                Applies::Yes => match s.effect {
                    Effect::Deny => return Decision::ExplicitDeny { by: s.clone() },
                    Effect::Allow => {
                        allow.get_or_insert_with(|| s.clone());
                    }
                },
                Applies::Unknown(reason) => {
                    let slot = match s.effect {
                        Effect::Deny => &mut unknown_deny,
                        Effect::Allow => &mut unknown_allow,
                    };
                    slot.get_or_insert_with(|| (s.clone(), reason));
                }
            }
        }
        // An unknown Deny could overturn any Allow; an unknown Allow only
        // matters when nothing else allows.
        match (unknown_deny, allow, unknown_allow) {
            (Some((statement, reason)), _, _) => Decision::CannotEvaluate { statement, reason },
            (None, Some(by), _) => Decision::Allow { by },
            (None, None, Some((statement, reason))) => {
                Decision::CannotEvaluate { statement, reason }
            }
            (None, None, None) => Decision::ImplicitDeny,
        }
    }
}

fn statement(index: usize, v: &Value) -> Result<Statement, String> {
    let at = |e: String| format!("statement {index}: {e}");
    let o = v
        .as_object()
        .ok_or_else(|| at("not a JSON object".into()))?;
    let effect = match get(o, "Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(at(format!("Effect {other:?} is neither Allow nor Deny"))),
        None => return Err(at("no Effect".into())),
    };
    let s = Statement {
        index,
        sid: get(o, "Sid").and_then(Value::as_str).map(str::to_string),
        effect,
        principal: get(o, "Principal").cloned(),
        not_principal: get(o, "NotPrincipal").cloned(),
        action: strings(get(o, "Action")).map_err(|e| at(format!("Action: {e}")))?,
        not_action: strings(get(o, "NotAction")).map_err(|e| at(format!("NotAction: {e}")))?,
        resource: strings(get(o, "Resource")).map_err(|e| at(format!("Resource: {e}")))?,
        not_resource: strings(get(o, "NotResource"))
            .map_err(|e| at(format!("NotResource: {e}")))?,
        condition: get(o, "Condition").cloned(),
    };
    if s.action.is_empty() && s.not_action.is_empty() {
        return Err(at("no Action".into()));
    }
    if s.resource.is_empty() && s.not_resource.is_empty() {
        return Err(at("no Resource".into()));
    }
    Ok(s)
}

enum Applies {
    Yes,
    No,
    Unknown(String),
}

fn applies(s: &Statement, action: &str, arn: &MethodArn, call: &CallFacts) -> Applies {
    let action_ok = if s.not_action.is_empty() {
        s.action.iter().any(|a| action_matches(a, action))
    } else {
        !s.not_action.iter().any(|a| action_matches(a, action))
    };
    let resource_ok = if s.not_resource.is_empty() {
        s.resource.iter().any(|r| resource_matches(r, arn))
    } else {
        !s.not_resource.iter().any(|r| resource_matches(r, arn))
    };
    if !action_ok || !resource_ok {
        return Applies::No;
    }
    if s.not_principal.is_some() {
        return Applies::Unknown("NotPrincipal is not evaluated by gatescope".into());
    }
    if let Some(p) = &s.principal {
        match principal_matches(p, &call.caller) {
            CondResult::True => {}
            CondResult::False => return Applies::No,
            CondResult::Unknown(why) => return Applies::Unknown(why),
        }
    }
    match s.condition.as_ref().map(|c| condition::evaluate(c, call)) {
        None | Some(CondResult::True) => Applies::Yes,
        Some(CondResult::False) => Applies::No,
        Some(CondResult::Unknown(why)) => Applies::Unknown(why),
    }
}

/// `"*"`, `{"AWS": "*"}` match everyone, anonymous callers included. A
/// named principal (an account id, `arn:aws:iam::ACCOUNT:root`, a user or
/// role ARN) matches only SigV4-signed callers of that identity.
fn principal_matches(p: &Value, caller: &Caller) -> CondResult {
    if p.as_str() == Some("*") {
        return CondResult::True;
    }
    let Some(o) = p.as_object() else {
        return CondResult::Unknown(format!("Principal {p} is not evaluated by gatescope"));
    };
    let mut named = Vec::new();
    for (kind, v) in o {
        let list = strings(Some(v)).unwrap_or_default();
        if kind == "AWS" {
            if list.iter().any(|x| x == "*") {
                return CondResult::True;
            }
            named.extend(list);
        }
        // Service / Federated / CanonicalUser principals never make an
        // execute-api call themselves: they match neither caller kind.
    }
    match caller {
        Caller::Anonymous => CondResult::False,
        Caller::Iam { arn, account } => {
            let hit = named.iter().any(|n| {
                let n_account = n
                    .strip_prefix("arn:aws:iam::")
                    .and_then(|r| r.strip_suffix(":root"))
                    .unwrap_or(n);
                arn.as_deref() == Some(n.as_str()) || account.as_deref() == Some(n_account)
            });
            if hit {
                CondResult::True
            } else if arn.is_none() && account.is_none() {
                CondResult::Unknown(
                    "the signing identity is not known, so a named Principal cannot be matched"
                        .into(),
                )
            } else {
                CondResult::False
            }
        }
    }
}
