//! The Resource policy tab (REST): one summary line per statement, named as
//! the doctor names it (`statement 2 (Sid "DenyOffice")`), then the policy
//! pretty-printed.

use ratatui::text::{Line, Span};
use serde_json::Value;

use crate::domain::{Api, Protocol};
use crate::engines::authz::policy::{Effect, PolicyDocument, Statement};
use crate::ui::components::json;
use crate::ui::components::kv;
use crate::ui::components::styles::BodyStyles;
use crate::ui::theme::Theme;

/// Who a statement is about, in a few words.
fn principal(s: &Statement) -> String {
    let who = |v: &Value| match v {
        Value::String(p) => p.clone(),
        other => json::pretty_values(std::slice::from_ref(other)).replace(['\n', ' '], ""),
    };
    match (&s.principal, &s.not_principal) {
        (Some(p), _) => format!("Principal {}", who(p)),
        (None, Some(p)) => format!("NotPrincipal {}", who(p)),
        (None, None) => "no Principal".into(),
    }
}

/// `Deny execute-api:Invoke on execute-api:/*/GET/admin · Principal * · if IpAddress aws:SourceIp`.
fn summary(s: &Statement) -> String {
    let effect = match s.effect {
        Effect::Allow => "Allow",
        Effect::Deny => "Deny",
    };
    let action = if s.not_action.is_empty() {
        s.action.join(", ")
    } else {
        format!("NotAction {}", s.not_action.join(", "))
    };
    let mut text = format!(
        "{effect} {action} on {} · {}",
        s.resources_text(),
        principal(s)
    );
    if let Some(Value::Object(ops)) = &s.condition {
        let conds: Vec<String> = ops
            .iter()
            .flat_map(|(op, keys)| match keys {
                Value::Object(k) => k
                    .iter()
                    .map(|(key, v)| {
                        let vals = match v {
                            Value::Array(a) => a
                                .iter()
                                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_string))
                                .collect::<Vec<_>>()
                                .join(", "),
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        };
                        format!("{op} {key} {vals}")
                    })
                    .collect::<Vec<_>>(),
                _ => vec![op.clone()],
            })
            .collect();
        if !conds.is_empty() {
            text.push_str(&format!(" · if {}", conds.join(" and ")));
        }
    }
    text
}

pub fn lines(api: &Api, theme: &Theme) -> Vec<Line<'static>> {
    let Some(policy) = &api.resource_policy else {
        let text = if api.protocol() == Protocol::Rest {
            "No resource policy: any caller that passes the method's authorization may invoke (private APIs need one)."
        } else {
            "Resource policies are a REST API feature: HTTP APIs have none."
        };
        return vec![Line::styled(text, theme.get("dim"))];
    };
    let mut lines = vec![kv::heading(theme, "Statements")];
    // AWS returns the policy as text; one that did not parse stays a string.
    let parsed = match policy {
        Value::String(text) => PolicyDocument::parse_text(text),
        v => PolicyDocument::from_value(v),
    };
    match parsed {
        Ok(doc) => {
            let width = doc
                .statements
                .iter()
                .map(|s| s.label().chars().count())
                .max()
                .unwrap_or(0);
            for s in &doc.statements {
                let style = match s.effect {
                    Effect::Deny => theme.get("warn"),
                    Effect::Allow => theme.get("value"),
                };
                lines.push(Line::from(vec![
                    Span::styled(format!("{:<width$}  ", s.label()), theme.get("label")),
                    Span::styled(summary(s), style),
                ]));
            }
            if doc.statements.is_empty() {
                lines.push(kv::warn(theme, "the policy has no statements"));
            }
        }
        Err(e) => lines.push(kv::warn(
            theme,
            format!("the policy cannot be evaluated: {e}"),
        )),
    }
    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Policy"));
    let text = match policy {
        Value::String(t) => json::pretty(t.as_bytes()).unwrap_or_else(|| t.clone()),
        v => json::pretty_values(std::slice::from_ref(v)),
    };
    let styles = BodyStyles::from_theme(theme);
    lines.extend(text.lines().map(|l| json::highlight_line(l, &styles)));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> String {
        lines
            .iter()
            .map(|l| l.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn statements_are_named_and_summarised_then_the_policy_shown() {
        let api = Api {
            protocol: Some(Protocol::Rest),
            resource_policy: Some(serde_json::json!({
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
                    {"Sid": "DenyOffice", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
                     "Resource": "execute-api:/*/GET/admin",
                     "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}}}
                ]
            })),
            ..Default::default()
        };
        let t = text(&lines(&api, &Theme::plain()));
        assert!(
            t.contains("statement 1") && t.contains("Allow execute-api:Invoke on execute-api:/*"),
            "{t}"
        );
        assert!(t.contains("statement 2 (Sid \"DenyOffice\")"), "{t}");
        assert!(
            t.contains("if IpAddress aws:SourceIp 10.0.0.0/8, 192.168.0.0/16"),
            "{t}"
        );
        assert!(
            t.contains("\"Sid\": \"DenyOffice\""),
            "pretty JSON follows: {t}"
        );
    }

    #[test]
    fn a_policy_that_does_not_parse_says_so_and_is_shown_as_is() {
        let api = Api {
            protocol: Some(Protocol::Rest),
            resource_policy: Some(Value::String("{not json".into())),
            ..Default::default()
        };
        let t = text(&lines(&api, &Theme::plain()));
        assert!(t.contains("cannot be evaluated"), "{t}");
        assert!(t.contains("{not json"), "{t}");
        let http = Api::default();
        assert!(text(&lines(&http, &Theme::plain())).contains("HTTP APIs have none"));
    }
}
