//! Log-side rules for the function's own log: REPORT lines (memory, status,
//! init duration), `Task timed out`, crashes and logged proxy events.

use super::evidence::Evidence;
use super::text::{clip, ms};
use crate::domain::FindingCode;
use crate::domain::{
    Certainty, EventKind, Finding, LambdaLine, LambdaLineKind, LambdaReport, Severity,
};

const LOGS: Certainty = Certainty::ConfirmedByLogs;

/// Returns true when the line shows the function failing.
pub(crate) fn lambda_line(
    ev: &Evidence,
    line: &LambdaLine,
    status: Option<u16>,
    out: &mut Vec<Finding>,
) -> bool {
    let evidence = format!("{}: {}", line.log_group, clip(line.raw.trim(), 300));
    match &line.kind {
        LambdaLineKind::Timeout { seconds } => {
            let mut f = Finding::new(
                FindingCode::FunctionTimeout,
                LOGS,
                match seconds {
                    Some(s) => format!("The function hit its own {s:.0} s Lambda timeout"),
                    None => "The function hit its own Lambda timeout".into(),
                },
            )
            .evidence(evidence);
            if let (Some(s), Some(t)) = (seconds, ev.integration_timeout_ms())
                && s * 1000.0 > t
            {
                f = f.evidence(format!(
                    "the Lambda timeout ({s:.0} s) exceeds the integration timeout ({}): clients saw 503/504 first",
                    ms(t)
                ));
            }
            out.push(f);
            true
        }
        LambdaLineKind::Report(r) => report(r, evidence, out),
        LambdaLineKind::Log { level } => {
            let lower = line.message.to_ascii_lowercase();
            if lower.contains("runtime.outofmemory") || lower.contains("signal: killed") {
                out.push(
                    Finding::new(
                        FindingCode::FunctionOutOfMemory,
                        LOGS,
                        "The function ran out of memory",
                    )
                    .evidence(evidence),
                );
                return true;
            }
            let crashed = lower.contains("runtime.exiterror")
                || lower.contains("process exited before completing")
                || lower.contains("\"errortype\"")
                || lower.contains("runtime.unhandled")
                || lower.starts_with("traceback")
                || level
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case("fatal"));
            let errored = crashed
                || level
                    .as_deref()
                    .is_some_and(|l| l.eq_ignore_ascii_case("error"));
            // A logged error only explains a 5xx (or an unknown outcome).
            if errored && status.is_none_or(|s| s >= 500) {
                out.push(
                    Finding::new(
                        FindingCode::FunctionError,
                        LOGS,
                        "The function logged an error during this invocation",
                    )
                    .evidence(evidence),
                );
                return true;
            }
            false
        }
        _ => false,
    }
}

fn report(r: &LambdaReport, evidence: String, out: &mut Vec<Finding>) -> bool {
    let mut failed = false;
    if let (Some(used), Some(size)) = (r.max_memory_mb, r.memory_mb)
        && used >= size
    {
        out.push(
            Finding::new(
                FindingCode::FunctionOutOfMemory,
                LOGS,
                format!("The function used all of its {size} MB"),
            )
            .evidence(evidence.clone()),
        );
        failed = true;
    }
    match r.status.as_deref() {
        Some("timeout") => {
            out.push(
                Finding::new(
                    FindingCode::FunctionTimeout,
                    LOGS,
                    "The function hit its own Lambda timeout",
                )
                .evidence(evidence.clone()),
            );
            failed = true;
        }
        Some("error") | Some("failure") => {
            out.push(
                Finding::new(
                    FindingCode::FunctionError,
                    LOGS,
                    "The invocation ended in an error",
                )
                .evidence(evidence.clone()),
            );
            failed = true;
        }
        _ => {}
    }
    if let Some(init) = r.init_ms {
        out.push(
            Finding::new(
                FindingCode::ColdStart,
                LOGS,
                format!(
                    "Cold start: {} of initialisation before the handler ran",
                    ms(init)
                ),
            )
            .severity(if init >= 3000.0 {
                Severity::Warning
            } else {
                Severity::Info
            })
            .evidence(evidence),
        );
    }
    failed
}

pub fn events(ev: &Evidence, out: &mut Vec<Finding>) {
    let logged = ev
        .lambda_lines
        .iter()
        .filter_map(|l| l.event.as_deref())
        .chain(ev.events.iter());
    for e in logged {
        // A reconstructed event shows the configuration, not what was received.
        if e.kind == EventKind::HttpV1 && !e.reconstructed {
            out.push(
                Finding::new(FindingCode::PayloadFormat10OnHttpApi, LOGS, "The function received an HTTP API payload 1.0 event (REST-shaped: httpMethod, path, multiValueHeaders)")
                .evidence("logged event has version \"1.0\""),
            );
        }
        if let (Some(want), Some(got)) = (ev.route_key.as_deref(), e.route_key.as_deref())
            && !want.eq_ignore_ascii_case(got)
            && e.kind != EventKind::Rest
        {
            out.push(
                Finding::new(
                    FindingCode::RoutedToUnexpectedRoute,
                    LOGS,
                    format!("The request reached route `{got}`, not `{want}`"),
                )
                .evidence(format!("logged event routeKey: {got}")),
            );
        }
    }
}
