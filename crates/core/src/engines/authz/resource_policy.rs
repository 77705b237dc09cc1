//! A REST API's resource policy evaluated for one request, combined with the
//! method's authorization type as API Gateway's authorization workflow does
//! [DOC `apigateway-authorization-flow`]: an explicit Deny always wins; with
//! no authorization (`NONE`) the policy must allow; with IAM or an
//! authorizer a policy that neither allows nor denies leaves the decision to
//! the caller's IAM policy / the authorizer.

use super::arn::MethodArn;
use super::condition::CallFacts;
use super::policy::{Caller, Decision, INVOKE, PolicyDocument};

#[derive(Debug, Clone, PartialEq)]
pub enum PolicyVerdict {
    /// The policy lets the request through to authorization.
    Passes,
    /// 403 with the body API Gateway sends.
    Denied { explicit: bool, body: String },
    /// The policy does not decide; the sentence says what does.
    DependsOn(String),
    /// A statement gatescope cannot evaluate decides.
    CannotEvaluate(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct PolicyCheck {
    pub arn: MethodArn,
    pub decision: Decision,
    pub verdict: PolicyVerdict,
}

/// `User: anonymous is not authorized to perform: execute-api:Invoke on
/// resource: ARN[ with an explicit deny]` [KC; the key is `Message` in
/// AWS's own captures].
pub(crate) fn denial_body(caller: &Caller, arn: &MethodArn, explicit: bool) -> String {
    let who = match caller {
        Caller::Anonymous => "anonymous".to_string(),
        Caller::Iam { arn: Some(a), .. } => a.clone(),
        Caller::Iam { .. } => "IDENTITY".to_string(),
    };
    let tail = if explicit {
        " with an explicit deny"
    } else {
        ""
    };
    serde_json::json!({
        "Message": format!("User: {who} is not authorized to perform: execute-api:Invoke on resource: {arn}{tail}")
    })
    .to_string()
}

/// Evaluate `policy` for the call to `arn` on a method whose authorization
/// type is `auth` (`NONE`, `AWS_IAM`, `CUSTOM`, `COGNITO_USER_POOLS`).
pub fn check(
    policy: &PolicyDocument,
    arn: &MethodArn,
    call: &CallFacts,
    auth: Option<&str>,
) -> PolicyCheck {
    let decision = policy.evaluate(INVOKE, arn, call);
    let verdict = match &decision {
        Decision::Allow { .. } => PolicyVerdict::Passes,
        Decision::ExplicitDeny { .. } => PolicyVerdict::Denied {
            explicit: true,
            body: denial_body(&call.caller, arn, true),
        },
        Decision::CannotEvaluate { .. } => PolicyVerdict::CannotEvaluate(decision.describe()),
        Decision::ImplicitDeny => match auth.map(str::to_ascii_uppercase).as_deref() {
            None | Some("NONE") => PolicyVerdict::Denied {
                explicit: false,
                body: denial_body(&call.caller, arn, false),
            },
            Some("AWS_IAM") => PolicyVerdict::DependsOn(
                "the policy neither allows nor denies: the caller's own IAM policy decides (same account)".into(),
            ),
            Some(_) => PolicyVerdict::DependsOn(
                "the policy neither allows nor denies: the authorizer decides [UNVERIFIED]".into(),
            ),
        },
    };
    PolicyCheck {
        arn: arn.clone(),
        decision,
        verdict,
    }
}
