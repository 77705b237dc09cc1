//! The right side of the logs page for one record: summary, the proxy event
//! (logged or reconstructed), the Lambda lines with the REPORT figures, and
//! the doctor's findings.

use ratatui::text::{Line, Span};

use super::table::clock;
use crate::domain::{CorrelatedRecord, EventKind, Finding, LambdaLineKind, LambdaReport};
use crate::engines::correlate::not_invoked_reason;
use crate::ui::components::json;
use crate::ui::components::styles::BodyStyles;
use crate::ui::views::doctor::pane::{DoctorPane, finding_lines, wrap};

fn section(title: String, styles: &BodyStyles) -> Line<'static> {
    Line::from(Span::styled(format!("── {title} "), styles.title))
}

/// A labelled value wrapped to the pane, continuation lines indented.
fn wrapped(
    out: &mut Vec<Line<'static>>,
    label: &str,
    text: &str,
    width: usize,
    style: ratatui::style::Style,
    styles: &BodyStyles,
) {
    let indent = if label.is_empty() { 0 } else { 12 };
    out.extend(hanging(
        format!("{label:<indent$}"),
        indent,
        text,
        Some(width.saturating_sub(indent)),
        styles.dim,
        style,
    ));
}

/// `lead` then `text`: on one line when `wrap_width` is `None`, else wrapped
/// to it with the continuation lines indented by `indent` columns (the
/// detail's labelled values, its Lambda lines and the execution-log steps).
pub(super) fn hanging(
    lead: String,
    indent: usize,
    text: &str,
    wrap_width: Option<usize>,
    lead_style: ratatui::style::Style,
    style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    let Some(width) = wrap_width else {
        return vec![Line::from(vec![
            Span::styled(lead, lead_style),
            Span::styled(text.to_string(), style),
        ])];
    };
    let mut lead = Some(lead);
    wrap(text, width)
        .into_iter()
        .map(|part| {
            let lead = lead.take().unwrap_or_else(|| " ".repeat(indent));
            Line::from(vec![
                Span::styled(lead, lead_style),
                Span::styled(part, style),
            ])
        })
        .collect()
}

fn field(label: &str, value: String, styles: &BodyStyles) -> Line<'static> {
    Line::from(vec![
        Span::styled(format!("{label:<12}"), styles.dim),
        Span::raw(value),
    ])
}

pub(crate) fn report_text(r: &LambdaReport) -> String {
    let mut parts = Vec::new();
    if let Some(d) = r.duration_ms {
        parts.push(format!("duration {d:.1} ms"));
    }
    if let Some(b) = r.billed_ms {
        parts.push(format!("billed {b:.0} ms"));
    }
    match (r.max_memory_mb, r.memory_mb) {
        (Some(u), Some(m)) => parts.push(format!("memory {u}/{m} MB")),
        (None, Some(m)) => parts.push(format!("memory {m} MB")),
        _ => {}
    }
    if let Some(i) = r.init_ms {
        parts.push(format!("init {i:.1} ms"));
    }
    if let Some(s) = &r.status {
        parts.push(format!("status {s}"));
    }
    parts.join(" · ")
}

fn event_kind(k: EventKind) -> &'static str {
    match k {
        EventKind::HttpV2 => "HTTP API payload 2.0",
        EventKind::HttpV1 => "HTTP API payload 1.0",
        EventKind::Rest => "REST proxy event",
    }
}

/// How the detail pane shows a record: the proxy event is long (~80
/// lines), so it comes last and folded; long lines wrap unless turned off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DetailOptions {
    pub event_open: bool,
    pub wrap: bool,
}

impl Default for DetailOptions {
    fn default() -> Self {
        DetailOptions {
            event_open: false,
            wrap: true,
        }
    }
}

/// Tabs (REPORT lines are tab-separated) become spaces to the next stop of
/// 4, so fields do not run together; other control characters are shown
/// as `�`, never sent to the terminal.
pub(crate) fn expand_tabs(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut col = 0;
    for c in s.chars() {
        if c == '\t' {
            let n = 4 - col % 4;
            out.extend(std::iter::repeat_n(' ', n));
            col += n;
        } else if c.is_control() {
            out.push('\u{fffd}');
            col += 1;
        } else {
            out.push(c);
            col += 1;
        }
    }
    out
}

/// All lines of the detail pane for `width` columns: summary, doctor, the
/// execution log (`exec`, REST), Lambda lines, then the event (folded
/// unless `opts.event_open`).
pub(crate) fn detail_lines(
    r: &CorrelatedRecord,
    findings: &[Finding],
    exec: Vec<Line<'static>>,
    width: usize,
    opts: DetailOptions,
    styles: &BodyStyles,
) -> Vec<Line<'static>> {
    let a = &r.access;
    let mut out = Vec::new();
    let status = a.status.map_or("-".into(), |s| s.to_string());
    out.push(Line::from(vec![
        Span::styled(
            status,
            a.status
                .map_or(styles.dim, |s| styles.status(s))
                .patch(styles.title),
        ),
        Span::raw(format!(
            "  {}  {}",
            a.route_key.as_deref().unwrap_or("-"),
            clock(a.timestamp_ms)
        )),
    ]));
    if let Some(id) = &a.request_id {
        out.push(field("request id", id.to_string(), styles));
    }
    if let Some(id) = &a.integration_request_id {
        out.push(field("lambda id", id.to_string(), styles));
    }
    let mut lat = Vec::new();
    if let Some(l) = a.latency_ms {
        lat.push(format!("total {l:.0} ms"));
    }
    if let Some(l) = a.integration_latency_ms {
        lat.push(format!("integration {l:.0} ms"));
    }
    if !lat.is_empty() {
        out.push(field("latency", lat.join(" · "), styles));
    }
    let mut statuses = Vec::new();
    if let Some(s) = a.integration_status {
        statuses.push(format!("invoke {s}"));
    }
    if let Some(s) = a.function_status {
        statuses.push(format!("function {s}"));
    }
    if !statuses.is_empty() {
        out.push(field("integration", statuses.join(" · "), styles));
    }
    for (label, v) in [
        ("int. error", &a.integration_error),
        ("authorizer", &a.authorizer_error),
        ("error", &a.error_message),
    ] {
        if let Some(v) = v.as_ref().filter(|v| !v.is_empty() && *v != "-") {
            wrapped(&mut out, label, v, width, styles.server_error, styles);
        }
    }

    out.push(Line::default());
    out.push(section(
        format!(
            "Doctor · {} finding{}",
            findings.len(),
            if findings.len() == 1 { "" } else { "s" }
        ),
        styles,
    ));
    if findings.is_empty() {
        out.push(Line::styled(
            "nothing wrong found in this record",
            styles.dim,
        ));
    } else {
        let pane = DoctorPane::new(findings.to_vec());
        out.extend(finding_lines(&pane, width, false, styles).0);
    }
    out.push(Line::default());
    out.extend(exec);
    // API Gateway answered by itself (authorizer, throttling, no route): no function ran.
    let not_invoked = not_invoked_reason(a);
    if r.unmatched || r.lambda_lines.is_empty() {
        out.push(section("Lambda".into(), styles));
        let why = match &not_invoked {
            Some(reason) => format!("none: {reason}"),
            None => "no Lambda lines matched this request (not arrived yet, no integration.requestId in the access log format, or not a Lambda integration)".into(),
        };
        wrapped(&mut out, "", &why, width, styles.dim, styles);
    } else {
        out.push(section(
            format!("Lambda · {} lines", r.lambda_lines.len()),
            styles,
        ));
        if let Some(rep) = &r.report {
            wrapped(
                &mut out,
                "REPORT",
                &report_text(rep),
                width,
                Default::default(),
                styles,
            );
        }
        for l in &r.lambda_lines {
            let style = match &l.kind {
                LambdaLineKind::Timeout { .. } => styles.server_error,
                LambdaLineKind::Log { level: Some(lv) }
                    if lv.eq_ignore_ascii_case("error") || lv.eq_ignore_ascii_case("fatal") =>
                {
                    styles.server_error
                }
                LambdaLineKind::Log { level: Some(lv) } if lv.eq_ignore_ascii_case("warn") => {
                    styles.warning
                }
                LambdaLineKind::Start { .. } | LambdaLineKind::End | LambdaLineKind::Report(_) => {
                    styles.dim
                }
                _ => Default::default(),
            };
            let msg = expand_tabs(json::cap(l.message.lines().next().unwrap_or(""), 4096));
            let stamp = format!("{} ", clock(l.timestamp_ms));
            let indent = stamp.chars().count();
            let wrap_width = opts.wrap.then(|| width.saturating_sub(indent));
            out.extend(hanging(stamp, indent, &msg, wrap_width, styles.dim, style));
        }
    }

    out.push(Line::default());
    match &r.event {
        Some(ev) => {
            let how = if ev.reconstructed {
                "reconstructed from the access log"
            } else {
                "as logged by the function"
            };
            let pretty = serde_json::to_string_pretty(&ev.raw).unwrap_or_default();
            let n = pretty.lines().count();
            if opts.event_open {
                out.push(section("Event · o folds".into(), styles));
                wrapped(
                    &mut out,
                    "",
                    &format!("{} · {how}", event_kind(ev.kind)),
                    width,
                    styles.dim,
                    styles,
                );
                out.extend(pretty.lines().map(|l| json::highlight_line(l, styles)));
            } else {
                out.push(section(
                    format!("Event · {n} lines folded: o opens"),
                    styles,
                ));
                wrapped(
                    &mut out,
                    "",
                    &format!("{} · {how}", event_kind(ev.kind)),
                    width,
                    styles.dim,
                    styles,
                );
            }
        }
        None => {
            out.push(section("Event".into(), styles));
            let why = if not_invoked.is_some() {
                "none: no function received this request"
            } else {
                "not logged, and the access log lacks the fields to rebuild it"
            };
            wrapped(&mut out, "", why, width, styles.dim, styles);
        }
    }

    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccessLogRecord;

    fn text(lines: &[Line<'static>]) -> String {
        lines
            .iter()
            .map(|l| {
                l.spans
                    .iter()
                    .map(|s| s.content.as_ref())
                    .collect::<String>()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Issue 12 case 7: a request the authorizer rejected never reached the function;
    /// the detail says so instead of "not arrived yet".
    #[test]
    fn a_request_the_authorizer_rejected_says_the_function_was_not_called() {
        let r = CorrelatedRecord {
            access: AccessLogRecord {
                status: Some(403),
                error_type: Some("ACCESS_DENIED".into()),
                authorizer_error: Some("insufficient_scope".into()),
                integration_request_id: Some("-".into()),
                ..Default::default()
            },
            unmatched: true,
            ..Default::default()
        };
        let out = text(&detail_lines(
            &r,
            &[],
            Vec::new(),
            200,
            DetailOptions::default(),
            &BodyStyles::default(),
        ));
        assert!(
            out.contains("none: the authorizer rejected it (403 ACCESS_DENIED: insufficient_scope), so the function was not called"),
            "{out}"
        );
        assert!(!out.contains("not arrived yet"), "{out}");
        assert!(
            out.contains("none: no function received this request"),
            "{out}"
        );
    }

    #[test]
    fn tabs_become_spaces_and_control_characters_are_neutralised() {
        assert_eq!(
            expand_tabs("REPORT RequestId: 7c82\tDuration: 3 ms\x1b[31m"),
            "REPORT RequestId: 7c82  Duration: 3 ms\u{fffd}[31m"
        );
    }
}
