//! The README's Finding codes section, generated from the registry so the
//! documentation cannot drift from the code (a test compares them).

use super::{FindingCode, Group};
use crate::domain::Severity;

/// Markers around the generated part of the README.
pub(crate) const BEGIN: &str = "<!-- finding-codes:begin (generated from crates/core/src/domain/finding_code; `GATESCOPE_UPDATE_README=1 cargo test -p gatescope-core finding_code` rewrites it) -->";
pub const END: &str = "<!-- finding-codes:end -->";

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown of every code: meaning, evidence, fix, severity, and the
/// `[UNVERIFIED]` mark for rules resting on undocumented behaviour.
pub(crate) fn markdown() -> String {
    let mut out = String::new();
    out.push_str("Each code has one meaning, one kind of evidence and one fix (in the fix, `UPPER_CASE` words are yours to fill in; the doctor fills the names it knows). **[UNVERIFIED]** marks rules that rest, at least in part, on API Gateway behaviour the reference could not confirm from AWS documentation: treat those findings as likely, not certain.\n");
    for group in Group::ALL {
        out.push_str(&format!("\n#### {}\n\n", group.heading()));
        out.push_str("| code | severity | meaning | evidence | fix |\n|---|---|---|---|---|\n");
        for code in FindingCode::ALL
            .iter()
            .filter(|c| c.entry().group == *group)
        {
            let e = code.entry();
            let sev = match e.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let mark = if e.unverified {
                " **[UNVERIFIED]**"
            } else {
                ""
            };
            let mut fix = format!("`{}`", cell(e.fix).replace('`', "'"));
            for (name, t) in e.variants {
                fix.push_str(&format!(" — {name}: `{}`", cell(t).replace('`', "'")));
            }
            out.push_str(&format!(
                "| `{}` | {sev} | {}{mark} | {} | {fix} |\n",
                code.as_str(),
                cell(e.title),
                cell(e.evidence)
            ));
        }
    }
    out
}

/// Replace the generated part of `readme` with the current registry.
pub(crate) fn splice(readme: &str) -> Option<String> {
    let start = readme.find(BEGIN)? + BEGIN.len();
    let end = readme[start..].find(END)? + start;
    Some(format!(
        "{}\n{}{}",
        &readme[..start],
        markdown(),
        &readme[end..]
    ))
}
