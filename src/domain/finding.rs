//! Findings: what the engines and the doctor conclude, with evidence and fix.

use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Finding {
    /// Stable identifier, e.g. `REST_BODY_NOT_STRING`; documented in the README.
    pub code: String,
    pub severity: Severity,
    /// One line saying what is wrong.
    pub title: String,
    /// What it rests on: header, log field, config value (one item each).
    #[serde(default)]
    pub evidence: Vec<String>,
    /// Concrete remedy: CLI command, console setting or code change.
    pub fix: Option<String>,
    pub certainty: Certainty,
    /// Set when the rule relies on a fact the reference marks [UNVERIFIED].
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unverified: bool,
}

impl Finding {
    pub fn new(
        code: &str,
        severity: Severity,
        certainty: Certainty,
        title: impl Into<String>,
    ) -> Self {
        Finding {
            code: code.to_string(),
            severity,
            title: title.into(),
            evidence: Vec::new(),
            fix: None,
            certainty,
            unverified: false,
        }
    }

    pub fn evidence(mut self, e: impl Into<String>) -> Self {
        self.evidence.push(e.into());
        self
    }

    pub fn fix(mut self, f: impl Into<String>) -> Self {
        self.fix = Some(f.into());
        self
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
