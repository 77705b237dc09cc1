//! Execute-api ARNs (`arn:aws:execute-api:{region}:{account}:{api}/{stage}/{METHOD}/{path}`),
//! the resource every authorizer policy and resource policy is evaluated
//! against (reference §7.3), and the IAM wildcard match used on them.

use std::fmt;

/// The ARN of one method call, as API Gateway puts it in a `TOKEN`/`REQUEST`
/// authorizer's `methodArn` and an HTTP 2.0 authorizer's `routeArn`: the
/// request's own method and path (path parameter values, not the template),
/// without the stage prefix and without the leading `/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodArn {
    pub region: String,
    pub account: String,
    pub api_id: String,
    pub stage: String,
    pub method: String,
    /// `pets/123` for `/pets/123`; empty for `/`.
    pub path: String,
}

impl MethodArn {
    pub fn new(
        region: &str,
        account: &str,
        api_id: &str,
        stage: &str,
        method: &str,
        path: &str,
    ) -> Self {
        MethodArn {
            region: region.to_string(),
            account: account.to_string(),
            api_id: api_id.to_string(),
            stage: stage.to_string(),
            method: method.to_ascii_uppercase(),
            path: path.trim_start_matches('/').to_string(),
        }
    }

    /// Parse `arn:aws:execute-api:region:account:api/stage/METHOD/path`
    /// (any partition). `None` when it is not an execute-api method ARN.
    pub fn parse(arn: &str) -> Option<Self> {
        let mut parts = arn.splitn(6, ':');
        let (_arn, _partition, service) = (parts.next()?, parts.next()?, parts.next()?);
        if service != "execute-api" {
            return None;
        }
        let (region, account, resource) = (parts.next()?, parts.next()?, parts.next()?);
        let mut segs = resource.splitn(4, '/');
        let (api_id, stage, method) = (segs.next()?, segs.next()?, segs.next()?);
        Some(MethodArn {
            region: region.to_string(),
            account: account.to_string(),
            api_id: api_id.to_string(),
            stage: stage.to_string(),
            method: method.to_string(),
            path: segs.next().unwrap_or("").to_string(),
        })
    }

    /// The same call on another method and path (the other routes of an API).
    pub(crate) fn with_route(&self, method: &str, path: &str) -> Self {
        MethodArn::new(
            &self.region,
            &self.account,
            &self.api_id,
            &self.stage,
            method,
            path,
        )
    }
}

impl fmt::Display for MethodArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:aws:execute-api:{}:{}:{}/{}/{}/{}",
            self.region, self.account, self.api_id, self.stage, self.method, self.path
        )
    }
}

/// IAM's wildcard match: `*` any run of characters (`/` and `:` included),
/// `?` exactly one. Case-sensitive, as IAM matches resource ARNs.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    // Iterative match with backtracking to the last `*`: linear memory, no
    // recursion, so a hostile policy cannot blow the stack.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

/// A policy `Resource` against a method ARN. Resource policies may use the
/// short form `execute-api:/{stage}/{METHOD}/{path}`, which API Gateway
/// expands to this API's ARN [DOC `apigateway-resource-policies-examples`].
pub(crate) fn resource_matches(pattern: &str, arn: &MethodArn) -> bool {
    let text = arn.to_string();
    if let Some(rest) = pattern.strip_prefix("execute-api:/") {
        let prefix = format!(
            "arn:aws:execute-api:{}:{}:{}/",
            arn.region, arn.account, arn.api_id
        );
        return wildcard_match(&format!("{prefix}{rest}"), &text);
    }
    // Another partition (aws-cn, aws-us-gov) spells its own prefix.
    let normalised = match pattern.split_once(":execute-api:") {
        Some((head, tail)) if head.starts_with("arn:") => format!("arn:aws:execute-api:{tail}"),
        _ => pattern.to_string(),
    };
    wildcard_match(&normalised, &text)
}

/// A policy `Action` against `execute-api:Invoke` (actions are
/// case-insensitive in IAM).
pub(crate) fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}
