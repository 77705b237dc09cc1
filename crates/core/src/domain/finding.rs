//! Findings: what the engines and the doctor conclude, with evidence and fix.

use serde::{Deserialize, Serialize};

use super::FindingCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

/// How sure a finding is, from strongest to weakest evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Certainty {
    /// Confirmed by log records.
    ConfirmedByLogs,
    /// Inferred from the response alone.
    FromResponse,
    /// Derived from the configuration alone.
    FromConfig,
    /// Derived by evaluating the request/response locally with the engines.
    Evaluated,
}

/// The one named part of an API a finding is about. Two findings of one code about
/// different subjects are two findings (never merged), and a finding's evidence
/// names only its own subject: "function A may run 10 s" must not cite function B.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", tag = "kind", content = "name")]
pub enum Subject {
    /// A Lambda function (its ARN or name as configured).
    Function(String),
    /// An integration (its id, or the route key when it has none).
    Integration(String),
    /// A route (its route key).
    Route(String),
    /// An authorizer (its id).
    Authorizer(String),
    /// A stage (its name).
    Stage(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable identifier from the registry (`FindingCode`), documented in the README.
    pub code: FindingCode,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub title: String,
    /// What it rests on: header, log field, config value (one item each).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Concrete remedy, rendered from the code's registered fix template
    /// (never free text: see `FindingCode`).
    pub fix: Option<String>,
    pub certainty: Certainty,
    /// Set when the rule relies on a fact the reference marks [UNVERIFIED].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
    /// What the finding is about, when that is one named part of the API
    /// (`None`: the API as a whole, or the exchange).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
}

/// Replace `placeholder` where it stands as a whole word (`API_ID`, not the
/// `API_ID` inside `REST_API_ID` or a literal `STAGE_NAME` for slot `stage`).
fn replace_placeholder(text: &str, placeholder: &str, value: &str) -> String {
    let word = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
    };
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(placeholder) {
        let before = if i > 0 {
            rest[..i].chars().last()
        } else {
            out.chars().last()
        };
        let after = rest[i + placeholder.len()..].chars().next();
        out.push_str(&rest[..i]);
        if word(before) || word(after) {
            out.push_str(placeholder);
        } else {
            out.push_str(value);
        }
        rest = &rest[i + placeholder.len()..];
    }
    out.push_str(rest);
    out
}

impl Finding {
    /// A finding with the code's registered severity and default fix (its
    /// slots shown as upper-case placeholders until the rule fills them).
    pub fn new(code: FindingCode, certainty: Certainty, title: impl Into<String>) -> Self {
        Finding {
            code,
            severity: code.severity(),
            title: title.into(),
            evidence: Vec::new(),
            fix: Some(code.render_fix(None, &[])),
            certainty,
            unverified: false,
            subject: None,
        }
    }

    /// Another severity than the registered one, where the situation decides
    /// (a cold start of 3 s or more is a warning, below it is information).
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    /// Fill the slots of the code's default fix template.
    pub fn fix_args<S: AsRef<str>>(mut self, args: &[(&str, S)]) -> Self {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        self.fix = Some(self.code.render_fix(None, &args));
        self
    }

    /// The named variant when `variant` is `Some`, else the default template.
    pub(crate) fn fix_with<S: AsRef<str>>(
        mut self,
        variant: Option<&str>,
        args: &[(&str, S)],
    ) -> Self {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        self.fix = Some(self.code.render_fix(variant, &args));
        self
    }

    /// Use the code's named fix variant (e.g. `rest`), slots filled from `args`.
    pub(crate) fn fix_variant<S: AsRef<str>>(mut self, variant: &str, args: &[(&str, S)]) -> Self {
        let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_ref())).collect();
        self.fix = Some(self.code.render_fix(Some(variant), &args));
        self
    }

    pub fn evidence(mut self, e: impl Into<String>) -> Self {
        self.evidence.push(e.into());
        self
    }

    /// Fill a slot the rule left unfilled (shown as its upper-case placeholder,
    /// `{api_id}` → `API_ID`) once the caller knows its value: a rule evaluating a
    /// CORS configuration does not know which API it came from, `gatescope cors --api`
    /// does. A slot the rule filled is left alone.
    pub fn fill_slot(&mut self, slot: &str, value: &str) {
        let in_template = self
            .code
            .fix_templates()
            .any(|t| super::finding_code::slots(t).contains(&slot));
        if let (true, Some(fix)) = (in_template, self.fix.as_mut()) {
            *fix = replace_placeholder(fix, &slot.to_ascii_uppercase(), value);
        }
    }

    /// The named part of the API this finding is about.
    pub fn about(mut self, subject: Subject) -> Self {
        self.subject = Some(subject);
        self
    }

    /// Whether two findings may describe the same thing: same subject, or one of
    /// them names none (a response-side guess the logs later pin to a function).
    pub(crate) fn same_subject(&self, other: &Finding) -> bool {
        match (&self.subject, &other.subject) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }

    pub fn unverified(mut self) -> Self {
        self.unverified = true;
        self
    }

    /// Plain-text rendering used for "copy finding".
    pub fn to_text(&self) -> String {
        let mut s = format!("[{:?}] {}: {}", self.severity, self.code, self.title);
        for e in &self.evidence {
            s.push_str("\n  evidence: ");
            s.push_str(e);
        }
        if let Some(f) = &self.fix {
            s.push_str("\n  fix: ");
            s.push_str(f);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_slot_fills_only_whole_placeholders_of_the_code_s_templates() {
        let mut f = Finding::new(FindingCode::CorsOriginNotAllowed, Certainty::Evaluated, "t")
            .fix_variant("http", &[("origin", "https://dashboard.example.org")]);
        let before = f.fix.clone().unwrap();
        assert!(before.contains("--api-id API_ID"), "{before}");
        f.fill_slot("api_id", "demohttp01");
        let after = f.fix.clone().unwrap();
        assert!(after.contains("--api-id demohttp01"), "{after}");
        assert!(!after.contains("API_ID"), "{after}");
        assert!(f.code.is_registered_fix(&after));
        // A slot the code's templates do not have changes nothing.
        f.fill_slot("stage", "prod");
        assert_eq!(f.fix.as_deref(), Some(after.as_str()));
        assert_eq!(
            replace_placeholder("STAGE STAGE_NAME X_STAGE", "STAGE", "prod"),
            "prod STAGE_NAME X_STAGE"
        );
    }
}
