//! How every command reports what could not be loaded
//! ([`crate::app::problems`]): one `gatescope: warning:` line each on stderr
//! and a count, or with `--output json` one `{"problems": [...]}` document on
//! stderr (stdout keeps its shape for scripts). Exit code 1 when any.

use std::process::ExitCode;

use super::output::{OutputFormat, errln, write_err_json};
use crate::app::problems::Problem;

/// Print `problems`; `ExitCode::from(1)` when there are any.
pub fn report(problems: &[Problem], output: OutputFormat) -> ExitCode {
    if problems.is_empty() {
        return ExitCode::SUCCESS;
    }
    match output {
        OutputFormat::Json => {
            let doc = serde_json::json!({ "problems": problems });
            write_err_json(&doc.to_string());
        }
        OutputFormat::Table => {
            for p in problems {
                errln!("gatescope: warning: {}", p.line());
            }
            errln!(
                "gatescope: {} item(s) could not be loaded: the output above is incomplete",
                problems.len()
            );
        }
    }
    ExitCode::from(1)
}

/// The worse of two exit codes (1 over 0; anything else as given).
pub(crate) fn worst(a: ExitCode, b: ExitCode) -> ExitCode {
    if a == ExitCode::SUCCESS { b } else { a }
}
