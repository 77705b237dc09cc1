//! Access-log lines as API Gateway writes them: the stage's `AccessLogSettings.Format` with
//! every `$context.*` variable substituted. Unknown or unset variables become `-`
//! (reference §5.1). Values are JSON-escaped so the demo's JSON formats stay valid JSON;
//! whether AWS escapes quotes is [UNVERIFIED] (reference §5.3).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;

/// `$context` variable name (without the prefix) → value, for one request.
pub(crate) type ContextVars = BTreeMap<&'static str, String>;

fn var_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\$context\.([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*)").expect("valid regex")
    })
}

pub fn render(format: &str, vars: &ContextVars) -> String {
    var_re()
        .replace_all(format, |c: &regex::Captures<'_>| {
            let name = &c[1];
            match vars.get(name) {
                Some(v) if !v.is_empty() => escape(v),
                _ => "-".to_string(),
            }
        })
        .into_owned()
}

fn escape(v: &str) -> String {
    let quoted = serde_json::to_string(v).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substitutes_escapes_and_dashes() {
        let mut vars = ContextVars::new();
        vars.insert("requestId", "abc=".into());
        vars.insert("integration.status", "502".into());
        vars.insert("integrationErrorMessage", "body \"x\" bad".into());
        vars.insert("authorizer.error", String::new());
        let line = render(
            r#"{"id":"$context.requestId","fs":"$context.integration.status","e":"$context.integrationErrorMessage","a":"$context.authorizer.error","u":"$context.unknown"}"#,
            &vars,
        );
        let v: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(v["id"], "abc=");
        assert_eq!(v["fs"], "502");
        assert_eq!(v["e"], "body \"x\" bad");
        assert_eq!(v["a"], "-");
        assert_eq!(v["u"], "-");
    }
}
