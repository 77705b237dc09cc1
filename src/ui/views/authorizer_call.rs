//! The authorizer detail page's opt-in REAL CALLs: `i` runs the authorizer
//! function with the event shown (`lambda:Invoke`), `T` asks API Gateway to
//! (`apigateway:TestInvokeAuthorizer`, REST). Each is armed by the first
//! press and runs only on a second press (or `y`); Esc disarms or cancels.
//! The answer is evaluated as API Gateway would (allow / deny, the policy
//! against the method ARN, the context that passes, the doctor's findings
//! such as the cache pitfall) and drawn as lines under the route's request.
//! The work is `app::authorizer::real_call`; this file holds the state.

use ratatui::text::{Line, Span};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::app::authorizer::{Evaluation, RealAnswer, RealCall, RealCallError};
use crate::domain::{Finding, Severity};
use crate::engines::authz::answer::Outcome;
use crate::engines::terminal_text::one_line;
use crate::ui::components::json;
use crate::ui::components::kv;
use crate::ui::components::styles::BodyStyles;
use crate::ui::theme::Theme;

const W: usize = 16;

/// Where the page stands with its real call. Each state names the route
/// whose event it is about: moving to another route starts over.
#[derive(Debug, Default)]
pub enum CallState {
    #[default]
    Idle,
    /// Pressed once: waiting for the confirmation.
    Armed { which: RealCall, route_key: String },
    Running {
        which: RealCall,
        route_key: String,
        /// Fired by Esc; the task then reports `Cancelled`.
        cancel: CancellationToken,
        /// Which run a report belongs to (a later run replaces it).
        run: u64,
    },
    Done {
        which: RealCall,
        route_key: String,
        outcome: Result<RealAnswer, String>,
    },
}

impl CallState {
    /// Leave any call: a running one is cancelled (its report is dropped).
    pub fn reset(&mut self) {
        if let CallState::Running { cancel, .. } = self {
            cancel.cancel();
        }
        *self = CallState::Idle;
    }

    /// Esc: disarm, or cancel the running call. False when there was
    /// nothing to stop (Esc then goes back as usual).
    pub fn escape(&mut self) -> bool {
        match std::mem::take(self) {
            CallState::Armed { .. } => true,
            CallState::Running {
                which,
                route_key,
                cancel,
                ..
            } => {
                cancel.cancel();
                *self = CallState::Done {
                    which,
                    route_key,
                    outcome: Err(RealCallError::Cancelled.to_string()),
                };
                true
            }
            other => {
                *self = other;
                false
            }
        }
    }

    /// Whether `which` on `route_key` is armed (the next press runs it).
    pub fn is_armed(&self, which: RealCall, route_key: &str) -> bool {
        matches!(self, CallState::Armed { which: w, route_key: r } if *w == which && r == route_key)
    }

    pub fn armed(&self) -> Option<RealCall> {
        match self {
            CallState::Armed { which, .. } => Some(*which),
            _ => None,
        }
    }

    pub fn is_running(&self) -> bool {
        matches!(self, CallState::Running { .. })
    }

    /// Apply the report of run `run`; a report of a cancelled or replaced
    /// run is dropped.
    pub fn finish(&mut self, run: u64, result: Result<RealAnswer, RealCallError>) {
        let CallState::Running {
            which,
            route_key,
            run: current,
            ..
        } = self
        else {
            return;
        };
        if *current != run {
            return;
        }
        let outcome = result.map_err(|e| one_line(&e.to_string()).into_owned());
        *self = CallState::Done {
            which: *which,
            route_key: std::mem::take(route_key),
            outcome,
        };
    }
}

/// The state's lines: the confirmation prompt, the spinner line, or the
/// answer evaluated. Empty when idle.
pub fn lines(state: &CallState, function: Option<&str>, theme: &Theme) -> Vec<Line<'static>> {
    let function = function.unwrap_or("(no function in the authorizer URI)");
    let label = |which: RealCall| format!("REAL CALL {}", which.action());
    match state {
        CallState::Idle => Vec::new(),
        CallState::Armed { which, .. } => {
            let (key, what) = match which {
                RealCall::Invoke => (
                    "i",
                    format!("runs {function} with the event below: it costs an invocation and writes to its log group"),
                ),
                RealCall::TestInvoke => (
                    "T",
                    "API Gateway runs the authorizer with this request's headers, path and stage variables".to_string(),
                ),
            };
            vec![
                Line::from(vec![
                    Span::styled(format!("{}? ", label(*which)), theme.get("error")),
                    Span::styled(
                        format!("press {key} again or y to run it, Esc to cancel"),
                        theme.get("warn"),
                    ),
                ]),
                Line::styled(format!("  {what}"), theme.get("dim")),
            ]
        }
        CallState::Running { which, .. } => vec![Line::from(vec![
            Span::styled(format!("{} ", label(*which)), theme.get("error")),
            Span::styled("running… (Esc cancels)", theme.get("dim")),
        ])],
        CallState::Done { which, outcome, .. } => match outcome {
            Err(e) => vec![kv::error(theme, format!("{} failed: {e}", label(*which)))],
            Ok(answer) => answer_lines(answer, function, theme),
        },
    }
}

fn answer_lines(answer: &RealAnswer, function: &str, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let raw: Option<&Value> = match answer {
        RealAnswer::Invoked(i) => {
            let mut head = format!("{function} → Lambda status {}", i.status);
            if let Some(e) = &i.function_error {
                head.push_str(&format!(", function error {e}"));
            }
            if let Some(v) = &i.executed_version {
                head.push_str(&format!(", version {v}"));
            }
            out.push(Line::from(vec![
                Span::styled("REAL CALL lambda:Invoke ", theme.get("error")),
                Span::styled(one_line(&head).into_owned(), theme.get("value")),
            ]));
            Some(&i.answer)
        }
        RealAnswer::Tested(t) => {
            let r = &t.result;
            let status = if r.client_status == 0 {
                "client status 0 (allowed)".to_string()
            } else {
                format!(
                    "client status {} (the client would get {})",
                    r.client_status, r.client_status
                )
            };
            out.push(Line::from(vec![
                Span::styled(
                    "REAL CALL apigateway:TestInvokeAuthorizer ",
                    theme.get("error"),
                ),
                Span::styled(
                    format!("→ {status}, latency {} ms", r.latency_ms),
                    theme.get("value"),
                ),
            ]));
            if let Some(p) = &r.principal_id {
                out.push(kv::kv(theme, W, "principalId", one_line(p).into_owned()));
            }
            for (k, v) in &r.authorization {
                out.push(kv::kv(
                    theme,
                    W,
                    "context",
                    one_line(&format!("{k} = {}", v.join(","))).into_owned(),
                ));
            }
            if t.evaluation.is_none() {
                out.push(Line::styled(
                    "  AWS returned no policy: its client status is the verdict",
                    theme.get("dim"),
                ));
            }
            if !t.trace.lines.is_empty() {
                out.push(kv::kv(
                    theme,
                    W,
                    "execution log",
                    format!("{} step(s)", t.trace.lines.len()),
                ));
                for l in &t.trace.lines {
                    let style = if l.step.is_error() {
                        theme.get("error")
                    } else {
                        theme.get("dim")
                    };
                    out.push(Line::from(vec![
                        Span::styled(format!("  {:<24} ", l.step.label()), style),
                        Span::raw(one_line(json::cap(&l.value, 300)).into_owned()),
                    ]));
                }
            }
            None
        }
    };
    if let Some(e) = answer.evaluation() {
        out.extend(evaluation_lines(e, theme));
    }
    if let Some(raw) = raw {
        out.push(Line::styled(
            "Answer (as the function returned it)",
            theme.get("header"),
        ));
        let styles = BodyStyles::from_theme(theme);
        let text = json::pretty_values(std::slice::from_ref(raw));
        out.extend(text.lines().map(|l| json::highlight_line(l, &styles)));
    }
    out
}

/// The verdict, the policy's decision, the context that passes and the
/// doctor's findings.
fn evaluation_lines(e: &Evaluation, theme: &Theme) -> Vec<Line<'static>> {
    let v = &e.verdict;
    let mut out = Vec::new();
    let refused = |what: String| {
        let mut s = what;
        if let Some(st) = v.status {
            s.push_str(&format!(" → API Gateway answers {st}"));
        }
        if let Some(b) = &v.body {
            s.push_str(&format!(" {}", one_line(b)));
        }
        s
    };
    let (text, style) = match &v.outcome {
        Outcome::Allow => (
            "ALLOW: the request reaches the integration".to_string(),
            theme.get("ok"),
        ),
        Outcome::Deny { explicit: true } => {
            (refused("DENY (explicit Deny)".into()), theme.get("error"))
        }
        Outcome::Deny { explicit: false } => (
            refused("DENY (no Allow for this ARN)".into()),
            theme.get("error"),
        ),
        Outcome::Malformed(why) => (
            refused(format!("MALFORMED answer: {why}")),
            theme.get("error"),
        ),
        Outcome::CannotEvaluate(why) => (format!("cannot evaluate: {why}"), theme.get("warn")),
    };
    out.push(Line::from(vec![
        Span::styled(format!("{:<W$} ", "verdict"), theme.get("label")),
        Span::styled(one_line(&text).into_owned(), style),
    ]));
    if v.unverified {
        out.push(Line::styled(
            format!(
                "{:W$}(this status rests on behaviour AWS does not document)",
                ""
            ),
            theme.get("dim"),
        ));
    }
    if let Some(d) = &v.decision {
        out.push(kv::kv(
            theme,
            W,
            "policy",
            one_line(&d.describe()).into_owned(),
        ));
    }
    if let Some(p) = &v.principal_id {
        out.push(kv::kv(theme, W, "principalId", one_line(p).into_owned()));
    }
    for (k, val) in &v.context {
        out.push(kv::kv(
            theme,
            W,
            "context",
            one_line(&format!("{k} = {val}")).into_owned(),
        ));
    }
    for (k, why) in &v.dropped_context {
        out.push(kv::warn(
            theme,
            one_line(&format!(
                "context {k} does not reach the integration: {why}"
            ))
            .into_owned(),
        ));
    }
    if let Some(a) = &e.integration_authorizer {
        out.push(kv::kv(
            theme,
            W,
            "integration sees",
            one_line(&format!("requestContext.authorizer = {a}")).into_owned(),
        ));
    }
    for f in &e.findings {
        out.extend(finding_lines(f, theme));
    }
    out
}

fn finding_lines(f: &Finding, theme: &Theme) -> Vec<Line<'static>> {
    let style = match f.severity {
        Severity::Error => theme.get("error"),
        Severity::Warning => theme.get("warn"),
        _ => theme.get("dim"),
    };
    let mark = crate::ui::views::doctor::pane::severity_mark(f.severity);
    let mut out = vec![Line::from(vec![
        Span::styled(format!("{mark} {} ", f.code.as_str()), style),
        Span::raw(one_line(&f.title).into_owned()),
    ])];
    for e in &f.evidence {
        out.push(Line::styled(
            format!("    · {}", one_line(e)),
            theme.get("dim"),
        ));
    }
    if let Some(fix) = &f.fix {
        out.push(Line::styled(
            format!("    fix: {}", one_line(fix)),
            theme.get("value"),
        ));
    }
    out
}
