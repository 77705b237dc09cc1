//! What a stage's access-log format string says: its kind, which JSON key
//! holds which `$context` variable, and whether it can be correlated.

use std::collections::HashMap;

use serde::Serialize;

use super::template::{TemplateMatcher, Token, tokenize};
use super::vars::{Slot, slot_of};
use crate::domain::ApiType;

/// The console's preset families, plus anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FormatKind {
    Json,
    Clf,
    Xml,
    Csv,
    Custom,
}

/// A compiled access-log format.
#[derive(Debug, Clone)]
pub struct AccessLogFormat {
    pub kind: FormatKind,
    /// The format string as configured on the stage.
    pub source: String,
    /// JSON only: dotted key path (`a.b` for nested objects) → variable name.
    pub json_keys: HashMap<String, String>,
    /// `json_keys` resolved once to where each value lands: the parser looks
    /// up every key of every line here (a key missing from it, added to
    /// `json_keys` later, is still found there, only more slowly).
    pub(super) slots: HashMap<Box<str>, Slot, foldhash::fast::RandomState>,
    /// Every format: the template matcher (JSON's lenient fallback).
    pub(super) matcher: Option<TemplateMatcher>,
    /// Variables the format logs, in order.
    pub vars: Vec<String>,
}

impl AccessLogFormat {
    /// Compile a stage's `accessLogSettings.format`.
    pub fn new(format: &str) -> AccessLogFormat {
        let tokens = tokenize(format);
        let vars: Vec<String> = tokens
            .iter()
            .filter_map(|t| match t {
                Token::Var(v) => Some(v.clone()),
                Token::Lit(_) => None,
            })
            .collect();
        let trimmed = format.trim_start();
        let json_keys = if trimmed.starts_with('{') {
            json_key_map(&tokens)
        } else {
            None
        };
        let kind = if json_keys.is_some() {
            FormatKind::Json
        } else if trimmed.starts_with('<') {
            FormatKind::Xml
        } else if is_csv(&tokens) {
            FormatKind::Csv
        } else if format.contains('[') && format.contains("requestTime") {
            FormatKind::Clf
        } else {
            FormatKind::Custom
        };
        let matcher = TemplateMatcher::new(&tokens, kind == FormatKind::Json);
        let mut f = AccessLogFormat {
            kind,
            source: format.to_string(),
            json_keys: json_keys.unwrap_or_default(),
            slots: HashMap::default(),
            matcher,
            vars,
        };
        f.index_keys();
        f
    }

    fn index_keys(&mut self) {
        self.slots = self
            .json_keys
            .iter()
            .map(|(key, var)| (key.as_str().into(), slot_of(var)))
            .collect();
    }

    /// What gatescope assumes when the stage's format is unknown (e.g. the
    /// stage could not be read): JSON with the keys of the console preset and
    /// of the debugging format in the reference, any key order.
    pub fn assumed_json() -> AccessLogFormat {
        let mut f = AccessLogFormat::new(RECOMMENDED_HTTP);
        for (k, v) in [
            ("ip", "identity.sourceIp"),
            ("httpMethod", "httpMethod"),
            ("requestTime", "requestTime"),
            ("requestTimeEpoch", "requestTimeEpoch"),
            ("sourceIp", "identity.sourceIp"),
            ("userAgent", "identity.userAgent"),
            ("integrationErrorMessage", "integrationErrorMessage"),
            ("awsEndpointRequestId", "awsEndpointRequestId"),
            ("latency", "responseLatency"),
        ] {
            f.json_keys.entry(k.into()).or_insert_with(|| v.into());
        }
        // Only the JSON path is meaningful when the template is a guess.
        f.matcher = None;
        f.index_keys();
        f
    }
}

/// Map JSON key paths to variables: substitute placeholders for the
/// variables, parse the result as JSON, and look where each one landed.
/// `None` when the template is not JSON after all.
fn json_key_map(tokens: &[Token]) -> Option<HashMap<String, String>> {
    let mut text = String::new();
    let mut vars = Vec::new();
    for t in tokens {
        match t {
            Token::Lit(l) => text.push_str(l),
            Token::Var(v) => {
                let quoted = inside_string(&text);
                let ph = format!("\u{E000}{}\u{E000}", vars.len());
                if quoted {
                    text.push_str(&ph);
                } else {
                    // `"status": $context.status` (unquoted) is allowed too.
                    text.push('"');
                    text.push_str(&ph);
                    text.push('"');
                }
                vars.push(v.clone());
            }
        }
    }
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let mut map = HashMap::new();
    walk(&value, String::new(), &vars, &mut map);
    Some(map)
}

/// Whether the end of `text` is inside a JSON string (odd count of unescaped quotes).
fn inside_string(text: &str) -> bool {
    let mut inside = false;
    let mut escaped = false;
    for c in text.chars() {
        match (c, escaped) {
            ('\\', false) => escaped = true,
            ('"', false) => inside = !inside,
            _ => escaped = false,
        }
    }
    inside
}

fn walk(v: &serde_json::Value, path: String, vars: &[String], out: &mut HashMap<String, String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, child) in m {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                walk(child, p, vars, out);
            }
        }
        serde_json::Value::String(s) => {
            // Exactly one placeholder: the key holds that variable. Mixed
            // text (`"$context.httpMethod $context.path"`) stays unmapped
            // and is kept verbatim under the key.
            if let Some(n) = s
                .strip_prefix('\u{E000}')
                .and_then(|r| r.strip_suffix('\u{E000}'))
                .and_then(|n| n.parse::<usize>().ok())
                && let Some(var) = vars.get(n)
            {
                out.insert(path, var.clone());
            }
        }
        _ => {}
    }
}

fn is_csv(tokens: &[Token]) -> bool {
    let lits: Vec<&str> = tokens
        .iter()
        .filter_map(|t| match t {
            Token::Lit(l) => Some(l.as_str()),
            Token::Var(_) => None,
        })
        .collect();
    !lits.is_empty() && lits.iter().all(|l| l.trim() == ",")
}

/// §5.3 of the reference: the HTTP API debugging format (single line).
pub const RECOMMENDED_HTTP: &str = concat!(
    r#"{"requestId":"$context.requestId","time":"$context.requestTime","epochMs":"$context.requestTimeEpoch","#,
    r#""routeKey":"$context.routeKey","method":"$context.httpMethod","path":"$context.path","#,
    r#""status":"$context.status","protocol":"$context.protocol","ip":"$context.identity.sourceIp","#,
    r#""ua":"$context.identity.userAgent","responseLength":"$context.responseLength","#,
    r#""responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency","#,
    r#""integrationStatus":"$context.integrationStatus","functionStatus":"$context.integration.status","#,
    r#""integrationRequestId":"$context.integration.requestId","#,
    r#""integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error","#,
    r#""errorMessage":"$context.error.message","errorType":"$context.error.responseType","#,
    r#""domain":"$context.domainName","stage":"$context.stage"}"#
);

/// §5.3 for REST APIs: `resourcePath` instead of `routeKey`, plus REST-only ids.
pub const RECOMMENDED_REST: &str = concat!(
    r#"{"requestId":"$context.requestId","extendedRequestId":"$context.extendedRequestId","#,
    r#""time":"$context.requestTime","epochMs":"$context.requestTimeEpoch","#,
    r#""resourcePath":"$context.resourcePath","method":"$context.httpMethod","path":"$context.path","#,
    r#""status":"$context.status","protocol":"$context.protocol","ip":"$context.identity.sourceIp","#,
    r#""ua":"$context.identity.userAgent","responseLength":"$context.responseLength","#,
    r#""responseLatency":"$context.responseLatency","integrationLatency":"$context.integrationLatency","#,
    r#""integrationStatus":"$context.integrationStatus","functionStatus":"$context.integration.status","#,
    r#""integrationRequestId":"$context.integration.requestId","#,
    r#""integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error","#,
    r#""errorMessage":"$context.error.message","errorType":"$context.error.responseType","#,
    r#""xrayTraceId":"$context.xrayTraceId","authorizeStatus":"$context.authorize.status","#,
    r#""authorizerLatency":"$context.authorizer.integrationLatency","stage":"$context.stage"}"#
);

/// Whether a format can be correlated, and what to paste in when not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FormatAdvice {
    /// Access logging is configured at all.
    pub logging_on: bool,
    /// Variables that correlation needs but the format lacks.
    pub missing: Vec<String>,
    /// One-line verdict for people.
    pub message: String,
    /// The format to paste into the stage's access-log settings.
    pub recommended: String,
}

impl FormatAdvice {
    pub fn is_ok(&self) -> bool {
        self.logging_on && self.missing.is_empty()
    }
}

/// Check a stage's access-log set-up for correlation.
pub fn check_format(format: Option<&str>, api_type: ApiType) -> FormatAdvice {
    let recommended = match api_type {
        ApiType::Http => RECOMMENDED_HTTP,
        ApiType::Rest => RECOMMENDED_REST,
    }
    .to_string();
    let Some(format) = format.filter(|f| !f.trim().is_empty()) else {
        return FormatAdvice {
            logging_on: false,
            missing: Vec::new(),
            message: "access logging is off for this stage: gatescope can only show Lambda logs"
                .into(),
            recommended,
        };
    };
    let vars: Vec<String> = tokenize(format)
        .into_iter()
        .filter_map(|t| match t {
            Token::Var(v) => Some(v),
            Token::Lit(_) => None,
        })
        .collect();
    let has = |names: &[&str]| names.iter().any(|n| vars.iter().any(|v| v == n));
    let mut missing = Vec::new();
    if !has(&["requestId"]) {
        missing.push("$context.requestId".to_string());
    }
    if !has(&["integration.requestId", "awsEndpointRequestId"]) {
        missing.push("$context.integration.requestId".to_string());
    }
    if !has(&["integrationErrorMessage", "integration.error"]) {
        missing.push("$context.integrationErrorMessage".to_string());
    }
    let message = if missing.is_empty() {
        "the access-log format has what correlation needs".to_string()
    } else if missing.iter().all(|m| m.ends_with("ErrorMessage")) {
        "the access-log format lacks $context.integrationErrorMessage: integration errors will not be shown".to_string()
    } else {
        format!(
            "the access-log format lacks {}: access records cannot be tied to Lambda invocations reliably",
            missing.join(", ")
        )
    };
    FormatAdvice {
        logging_on: true,
        missing,
        message,
        recommended,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::access_log::presets;

    #[test]
    fn json_keys_map_to_variables_even_unquoted_and_nested() {
        let f = AccessLogFormat::new(
            r#"{"id":"$context.requestId","s": $context.status,"auth":{"err":"$context.authorizer.error"},"mix":"$context.httpMethod $context.path"}"#,
        );
        assert_eq!(f.kind, FormatKind::Json);
        assert_eq!(f.json_keys["id"], "requestId");
        assert_eq!(f.json_keys["s"], "status");
        assert_eq!(f.json_keys["auth.err"], "authorizer.error");
        assert!(!f.json_keys.contains_key("mix"));
    }

    #[test]
    fn kinds_of_the_console_presets() {
        for (fmt, kind) in [
            (presets::HTTP_CLF, FormatKind::Clf),
            (presets::HTTP_JSON, FormatKind::Json),
            (presets::HTTP_XML, FormatKind::Xml),
            (presets::HTTP_CSV, FormatKind::Csv),
            (presets::REST_CLF, FormatKind::Clf),
            (presets::REST_JSON, FormatKind::Json),
            (presets::REST_XML, FormatKind::Xml),
            (presets::REST_CSV, FormatKind::Csv),
            (RECOMMENDED_HTTP, FormatKind::Json),
            ("$context.requestId $context.status", FormatKind::Custom),
        ] {
            assert_eq!(AccessLogFormat::new(fmt).kind, kind, "{fmt}");
        }
    }

    #[test]
    fn advice_names_what_is_missing() {
        let off = check_format(None, ApiType::Http);
        assert!(!off.logging_on && !off.is_ok());
        assert!(off.message.contains("off"));
        let preset = check_format(Some(presets::HTTP_JSON), ApiType::Http);
        assert_eq!(
            preset.missing,
            vec![
                "$context.integration.requestId",
                "$context.integrationErrorMessage"
            ]
        );
        assert!(
            preset
                .recommended
                .contains("$context.integration.requestId")
        );
        assert!(check_format(Some(RECOMMENDED_HTTP), ApiType::Http).is_ok());
        assert!(check_format(Some(RECOMMENDED_REST), ApiType::Rest).is_ok());
        let aws = check_format(
            Some("$context.requestId $context.awsEndpointRequestId $context.integration.error"),
            ApiType::Http,
        );
        assert!(aws.is_ok());
    }
}
