//! The doctor's output: the `--output json` document and the plain-text
//! report (the CLI's table output and the TUI's "copy findings").

use serde::Serialize;

use crate::domain::{Certainty, Finding, Severity};

/// `{"findings": [...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct Report {
    pub findings: Vec<Finding>,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        super::has_errors(&self.findings)
    }
}

/// How a certainty reads in a sentence.
pub fn certainty_label(c: Certainty) -> &'static str {
    match c {
        Certainty::ConfirmedByLogs => "confirmed by logs",
        Certainty::Evaluated => "evaluated",
        Certainty::FromResponse => "from the response",
        Certainty::FromConfig => "from the configuration",
    }
}

pub(crate) fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Error => "ERROR",
        Severity::Warning => "WARN",
        Severity::Info => "INFO",
    }
}

/// One finding as text: headline, evidence lines, fix.
pub fn finding_text(f: &Finding) -> String {
    let mut s = format!(
        "{:<5} {}: {} [{}{}]\n",
        severity_label(f.severity),
        f.code,
        f.title,
        certainty_label(f.certainty),
        if f.unverified {
            ", rests on an unverified fact"
        } else {
            ""
        }
    );
    for e in &f.evidence {
        s.push_str(&format!("      evidence: {e}\n"));
    }
    if let Some(fix) = &f.fix {
        s.push_str(&format!("      fix: {fix}\n"));
    }
    s
}

/// The whole report: header lines, each finding, a count.
pub fn render(header: &[String], findings: &[Finding]) -> String {
    let mut s = String::new();
    for h in header {
        s.push_str(h);
        s.push('\n');
    }
    if !header.is_empty() {
        s.push('\n');
    }
    if findings.is_empty() {
        s.push_str("No problem found.\n");
        return s;
    }
    for f in findings {
        s.push_str(&finding_text(f));
    }
    let errors = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    s.push_str(&format!(
        "\n{} finding(s), {errors} error(s)\n",
        findings.len()
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FindingCode;

    #[test]
    fn text_report_shows_code_evidence_fix_and_certainty() {
        let f = Finding::new(
            FindingCode::FunctionError,
            Certainty::ConfirmedByLogs,
            "The function threw",
        )
        .evidence("access log integrationErrorMessage: boom");
        let text = render(&["GET /x → 500".into()], &[f]);
        assert!(text.starts_with(
            "GET /x → 500\n\nERROR FUNCTION_ERROR: The function threw [confirmed by logs]\n"
        ));
        assert!(text.contains("      evidence: access log integrationErrorMessage: boom\n"));
        assert!(text.contains("      fix: Fix the exception shown;"));
        assert!(text.ends_with("1 finding(s), 1 error(s)\n"));
        assert_eq!(render(&[], &[]), "No problem found.\n");
    }

    #[test]
    fn json_shape_is_findings_array() {
        let f = Finding::new(FindingCode::NoStages, Certainty::FromConfig, "t");
        let v = serde_json::to_value(Report { findings: vec![f] }).unwrap();
        let f = &v["findings"][0];
        for k in ["code", "severity", "title", "evidence", "fix", "certainty"] {
            assert!(f.get(k).is_some(), "{k} missing in {v}");
        }
        assert_eq!(f["certainty"], "fromConfig");
        assert_eq!(f["severity"], "warning");
    }
}
