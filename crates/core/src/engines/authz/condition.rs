//! The `Condition` block of execute-api policies: the operators and keys API
//! Gateway resource policies use in practice (`IpAddress`/`NotIpAddress` on
//! `aws:SourceIp`, string operators on `aws:SourceVpce` / `aws:SourceVpc`).
//! Anything else is reported as not evaluated, never guessed.

use std::net::IpAddr;

use ipnet::IpNet;
use serde_json::Value;

use super::arn::wildcard_match;
use super::policy::Caller;

/// What the request tells the condition keys.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallFacts {
    pub caller: Caller,
    /// `aws:SourceIp`: the client's address as API Gateway sees it.
    pub source_ip: Option<IpAddr>,
    /// `aws:SourceVpce`: the VPC endpoint the call came through (private APIs).
    pub source_vpce: Option<String>,
    /// `aws:SourceVpc`.
    pub source_vpc: Option<String>,
    /// True when the call is known to come from the internet (not through a
    /// VPC endpoint): absent VPC keys then mean "not present".
    pub vpc_keys_known: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondResult {
    True,
    False,
    Unknown(String),
}

impl CondResult {
    fn and(self, other: CondResult) -> CondResult {
        match (self, other) {
            (CondResult::False, _) | (_, CondResult::False) => CondResult::False,
            (CondResult::Unknown(w), _) | (_, CondResult::Unknown(w)) => CondResult::Unknown(w),
            _ => CondResult::True,
        }
    }
}

fn values(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        other => vec![other.to_string()],
    }
}

/// All operators must hold (AND); within one key any value may match (OR).
pub fn evaluate(cond: &Value, call: &CallFacts) -> CondResult {
    let Some(ops) = cond.as_object() else {
        return CondResult::Unknown("the Condition is not a JSON object".into());
    };
    let mut all = CondResult::True;
    for (op, keys) in ops {
        let Some(keys) = keys.as_object() else {
            return CondResult::Unknown(format!("condition {op} is not an object"));
        };
        for (key, v) in keys {
            all = all.and(one(op, key, &values(v), call));
            if all == CondResult::False {
                return all;
            }
        }
    }
    all
}

fn one(op: &str, key: &str, wanted: &[String], call: &CallFacts) -> CondResult {
    let unknown = || {
        CondResult::Unknown(format!(
            "condition {op} on {key} is not evaluated by gatescope"
        ))
    };
    let (base, if_exists) = match op.strip_suffix("IfExists") {
        Some(b) => (b, true),
        None => (op, false),
    };
    if base.starts_with("ForAnyValue:") || base.starts_with("ForAllValues:") {
        return unknown();
    }
    match key.to_ascii_lowercase().as_str() {
        "aws:sourceip" => {
            let negate = match base {
                "IpAddress" => false,
                "NotIpAddress" => true,
                _ => return unknown(),
            };
            let Some(ip) = call.source_ip else {
                return CondResult::Unknown(format!(
                    "condition {op} on aws:SourceIp needs the caller's IP address, which is not known"
                ));
            };
            let mut hit = false;
            for w in wanted {
                match parse_net(w) {
                    Some(net) => hit |= net.contains(&ip),
                    None => {
                        return CondResult::Unknown(format!("{w:?} in {op} is not an IP range"));
                    }
                }
            }
            bool_result(hit != negate)
        }
        "aws:sourcevpce" | "aws:sourcevpc" => {
            let present = if key.eq_ignore_ascii_case("aws:sourcevpce") {
                call.source_vpce.as_deref()
            } else {
                call.source_vpc.as_deref()
            };
            if present.is_none() && !call.vpc_keys_known {
                return CondResult::Unknown(format!(
                    "condition {op} on {key} needs to know whether the call came through a VPC endpoint"
                ));
            }
            string_op(base, if_exists, present, wanted).unwrap_or_else(unknown)
        }
        _ => unknown(),
    }
}

fn bool_result(b: bool) -> CondResult {
    if b {
        CondResult::True
    } else {
        CondResult::False
    }
}

/// IAM string operators. A key absent from the request makes a positive
/// operator false and a negated one true; `...IfExists` makes both true
/// [DOC IAM `reference_policies_elements_condition_operators`].
fn string_op(
    base: &str,
    if_exists: bool,
    present: Option<&str>,
    wanted: &[String],
) -> Option<CondResult> {
    let (negate, cmp): (bool, fn(&str, &str) -> bool) = match base {
        "StringEquals" => (false, |w, v| w == v),
        "StringNotEquals" => (true, |w, v| w == v),
        "StringEqualsIgnoreCase" => (false, |w, v| w.eq_ignore_ascii_case(v)),
        "StringNotEqualsIgnoreCase" => (true, |w, v| w.eq_ignore_ascii_case(v)),
        "StringLike" => (false, wildcard_match),
        "StringNotLike" => (true, wildcard_match),
        _ => return None,
    };
    let Some(v) = present else {
        return Some(bool_result(if_exists || negate));
    };
    let hit = wanted.iter().any(|w| cmp(w, v));
    Some(bool_result(hit != negate))
}

/// `10.0.0.0/8`, `203.0.113.7` (a single address) or an IPv6 range.
fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    s.parse::<IpNet>()
        .ok()
        .or_else(|| s.parse::<IpAddr>().ok().map(IpNet::from))
}
