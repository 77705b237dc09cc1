//! The Doctor pane: findings with their evidence and fix, shown beside a
//! response, beside a log record, and as the whole-API lint page.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{StatefulWidget, Widget};

use crate::domain::{Certainty, Finding, Severity};
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::text_view::{Lines, Scroll, ScrollView};

/// Which findings exist and which one is selected (for "copy finding").
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DoctorPane {
    pub findings: Vec<Finding>,
    pub selected: usize,
    pub scroll: Scroll,
    /// Shown instead of findings, e.g. "waiting for logs…" or an error.
    pub status: Option<String>,
    /// Shown above the findings: where the evidence stands (gathering the
    /// request's logs, confirmed by them, or none arrived).
    pub banner: Option<String>,
    /// Where each finding started in the last render, the lines in all and
    /// the rows shown: `down` / `up` scroll through a finding taller than
    /// the pane before they move to the next one.
    drawn: Option<Drawn>,
}

#[derive(Debug, Clone, Default, PartialEq)]
struct Drawn {
    starts: Vec<usize>,
    total: usize,
    height: usize,
}

impl DoctorPane {
    pub fn new(mut findings: Vec<Finding>) -> Self {
        // Errors first, then warnings, then info; stable within a severity.
        findings.sort_by_key(|f| f.severity);
        DoctorPane {
            findings,
            ..Default::default()
        }
    }

    pub(crate) fn set_findings(&mut self, findings: Vec<Finding>) {
        let status = self.status.take();
        let banner = self.banner.take();
        *self = DoctorPane::new(findings);
        self.status = status.filter(|_| self.findings.is_empty());
        self.banner = banner;
    }

    pub fn selected(&self) -> Option<&Finding> {
        self.findings.get(self.selected)
    }

    pub(crate) fn select_next(&mut self) {
        if self.selected + 1 < self.findings.len() {
            self.selected += 1;
        }
    }

    pub(crate) fn select_prev(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    /// `j` / Down: the next line of the selected finding while some of it is
    /// still below the pane (its fix comes last), else the next finding.
    pub fn down(&mut self) {
        if let Some(d) = &self.drawn {
            let end = d.starts.get(self.selected + 1).copied().unwrap_or(d.total);
            if end > self.scroll.top + d.height {
                self.scroll.top += 1;
                return;
            }
        }
        self.select_next();
    }

    /// `k` / Up: back up through the selected finding, then the one before.
    pub fn up(&mut self) {
        if let Some(d) = &self.drawn {
            let start = d.starts.get(self.selected).copied().unwrap_or(0);
            if start < self.scroll.top {
                self.scroll.top -= 1;
                return;
            }
        }
        self.select_prev();
    }

    /// The selected finding as plain text, for the clipboard.
    pub(crate) fn selected_text(&self) -> Option<String> {
        self.selected().map(finding_text)
    }

    /// Count of findings per severity: `(errors, warnings, infos)`.
    pub fn counts(&self) -> (usize, usize, usize) {
        let n = |s| self.findings.iter().filter(|f| f.severity == s).count();
        (n(Severity::Error), n(Severity::Warning), n(Severity::Info))
    }
}

/// The copyable text of a finding: the domain's rendering plus how sure it is.
pub fn finding_text(f: &Finding) -> String {
    let mut s = f.to_text();
    s.push_str("\n  certainty: ");
    s.push_str(certainty_label(f.certainty));
    if f.unverified {
        s.push_str(" (rests on an [UNVERIFIED] fact)");
    }
    s
}

pub fn certainty_label(c: Certainty) -> &'static str {
    match c {
        Certainty::ConfirmedByLogs => "confirmed by logs",
        Certainty::FromResponse => "from the response alone",
        Certainty::FromConfig => "from the configuration",
        Certainty::Evaluated => "evaluated locally",
    }
}

pub(crate) fn severity_mark(s: Severity) -> &'static str {
    match s {
        Severity::Error => "✗ error",
        Severity::Warning => "! warning",
        Severity::Info => "i info",
    }
}

/// Greedy word wrap by characters; long words are split.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(8);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut len = 0;
        // Tabs separate fields in Lambda REPORT lines: they are word breaks.
        for word in para.split([' ', '\t']) {
            let mut word: Vec<char> = word.chars().collect();
            while word.len() > width {
                if len > 0 {
                    out.push(std::mem::take(&mut line));
                    len = 0;
                }
                out.push(word.drain(..width).collect());
            }
            let wlen = word.len();
            if len > 0 && len + 1 + wlen > width {
                out.push(std::mem::take(&mut line));
                len = 0;
            }
            if len > 0 {
                line.push(' ');
                len += 1;
            }
            line.extend(word);
            len += wlen;
        }
        out.push(line);
    }
    out
}

/// Lines of all findings for `width` columns, and the first line of each
/// finding (to keep the selected one in view).
pub(crate) fn finding_lines(
    pane: &DoctorPane,
    width: usize,
    focused: bool,
    styles: &BodyStyles,
) -> (Vec<Line<'static>>, Vec<usize>) {
    let mut lines = Vec::new();
    let mut starts = Vec::new();
    let indent = "  ";
    let inner = width.saturating_sub(indent.len() + 1);
    for (i, f) in pane.findings.iter().enumerate() {
        starts.push(lines.len());
        let sel = focused && i == pane.selected;
        let head_style = if sel {
            styles.severity(f.severity).patch(styles.selected)
        } else {
            styles.severity(f.severity)
        };
        let mut head = vec![
            Span::styled(format!("{} ", severity_mark(f.severity)), head_style),
            Span::styled(f.code.as_str(), styles.title),
            Span::styled(format!("  {}", certainty_label(f.certainty)), styles.dim),
        ];
        if f.unverified {
            head.push(Span::styled(" [UNVERIFIED]", styles.warning));
        }
        lines.push(Line::from(head));
        for l in wrap(&f.title, inner) {
            lines.push(Line::from(format!("{indent}{l}")));
        }
        for e in &f.evidence {
            for (n, l) in wrap(e, inner.saturating_sub(2)).into_iter().enumerate() {
                let lead = if n == 0 { "• " } else { "  " };
                lines.push(Line::from(vec![
                    Span::raw(indent),
                    Span::styled(format!("{lead}{l}"), styles.dim),
                ]));
            }
        }
        if let Some(fix) = &f.fix {
            for (n, l) in wrap(fix, inner.saturating_sub(5)).into_iter().enumerate() {
                let lead = if n == 0 { "fix: " } else { "     " };
                lines.push(Line::from(vec![
                    Span::raw(indent),
                    Span::styled(lead, styles.ok),
                    Span::raw(l),
                ]));
            }
        }
        lines.push(Line::default());
    }
    (lines, starts)
}

/// Renders a [`DoctorPane`] (no border; the caller frames it).
pub(crate) struct DoctorPaneView<'a> {
    pub focused: bool,
    pub styles: &'a BodyStyles,
}

impl StatefulWidget for DoctorPaneView<'_> {
    type State = DoctorPane;

    fn render(self, area: Rect, buf: &mut Buffer, pane: &mut DoctorPane) {
        let area = match &pane.banner {
            Some(b) => render_banner(b, area, buf, self.styles),
            None => area,
        };
        if pane.findings.is_empty() {
            let msg = pane
                .status
                .clone()
                .unwrap_or_else(|| "No findings: nothing looks wrong.".to_string());
            for (i, l) in wrap(&msg, area.width as usize)
                .into_iter()
                .take(area.height as usize)
                .enumerate()
            {
                Line::styled(l, self.styles.dim)
                    .render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
            }
            return;
        }
        let (lines, starts) = finding_lines(pane, area.width as usize, self.focused, self.styles);
        // Keep the selected finding in view: its head, unless `down` scrolled
        // on through a finding taller than the pane.
        let h = area.height as usize;
        if let Some(&start) = starts.get(pane.selected) {
            let end = starts
                .get(pane.selected + 1)
                .copied()
                .unwrap_or(lines.len());
            if start >= pane.scroll.top + h || end <= pane.scroll.top {
                pane.scroll.top = start;
            }
        }
        pane.drawn = Some(Drawn {
            starts,
            total: lines.len(),
            height: h,
        });
        ScrollView {
            source: &Lines(&lines),
            styles: self.styles,
        }
        .render(area, buf, &mut pane.scroll);
    }
}

/// The banner (at most 3 lines, then a blank one) at the top of `area`;
/// returns the space left for the findings.
fn render_banner(text: &str, area: Rect, buf: &mut Buffer, styles: &BodyStyles) -> Rect {
    let lines = wrap(text, area.width as usize);
    let n = lines.len().min(3).min(area.height as usize) as u16;
    for (i, l) in lines.into_iter().take(n as usize).enumerate() {
        Line::styled(l, styles.title)
            .render(Rect::new(area.x, area.y + i as u16, area.width, 1), buf);
    }
    let used = (n + 1).min(area.height);
    Rect::new(area.x, area.y + used, area.width, area.height - used)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::FindingCode;
    use crate::ui::views::response::test_render::render;

    pub(crate) fn sample() -> Vec<Finding> {
        vec![
            Finding::new(FindingCode::CorsOriginTrailingSlash, Certainty::FromConfig, "allowOrigins has an origin with a trailing slash").severity(Severity::Warning)
            .evidence("cors.allowOrigins[0] = https://app.example.com/")
            .fix_args(&[("suggested", "https://app.example.com")]),
            Finding::new(FindingCode::BodyNotString, Certainty::ConfirmedByLogs, "The function returned `body` as an object; API Gateway answered 500").severity(Severity::Error)
            .evidence("integrationErrorMessage: The response from the Lambda function doesn't match the format that API Gateway expects."),
        ]
    }

    #[test]
    fn errors_sort_first_and_copy_includes_certainty() {
        let mut pane = DoctorPane::new(sample());
        assert_eq!(pane.findings[0].code, "BODY_NOT_STRING");
        assert_eq!(pane.counts(), (1, 1, 0));
        pane.select_next();
        let text = pane.selected_text().unwrap();
        assert!(
            text.starts_with("[Warning] CORS_ORIGIN_TRAILING_SLASH"),
            "{text}"
        );
        assert!(text.ends_with("certainty: from the configuration"));
        pane.select_next();
        assert_eq!(pane.selected, 1);
    }

    #[test]
    fn down_scrolls_through_a_finding_taller_than_the_pane_then_moves_on() {
        let mut pane = DoctorPane::new(sample());
        let styles = BodyStyles::default();
        let draw = |pane: &mut DoctorPane| {
            render(40, 4, |f| {
                f.render_stateful_widget(
                    DoctorPaneView {
                        focused: true,
                        styles: &styles,
                    },
                    f.area(),
                    pane,
                )
            })
        };
        let first = draw(&mut pane);
        assert!(first.contains("BODY_NOT_STRING"), "{first}");
        assert!(!first.contains("fix:"), "the pane is too short: {first}");
        // Down walks the first finding's lines until its fix shows...
        let mut seen_fix = false;
        for _ in 0..20 {
            pane.down();
            let screen = draw(&mut pane);
            if pane.selected > 0 {
                break;
            }
            seen_fix |= screen.contains("fix:");
        }
        assert!(seen_fix, "the first finding's fix never came into view");
        // ...then moves on to the next finding, whose head is shown.
        assert_eq!(pane.selected, 1);
        let screen = draw(&mut pane);
        assert!(screen.contains("CORS_ORIGIN_TRAILING_SLASH"), "{screen}");
        // Up goes back through it to the first finding.
        for _ in 0..40 {
            pane.up();
            draw(&mut pane);
        }
        assert_eq!(pane.selected, 0);
        assert_eq!(pane.scroll.top, 0);
    }

    #[test]
    fn wrap_splits_words_and_long_tokens() {
        assert_eq!(wrap("aaa bbb ccc", 8), ["aaa bbb", "ccc"]);
        assert_eq!(wrap("abcdefghijkl", 8), ["abcdefgh", "ijkl"]);
        assert_eq!(wrap("a\nb", 8), ["a", "b"]);
        assert_eq!(
            wrap("Duration: 1 ms\tBilled", 20),
            ["Duration: 1 ms", "Billed"]
        );
    }

    #[test]
    fn snapshot_doctor_pane() {
        let mut pane = DoctorPane::new(sample());
        let styles = BodyStyles::default();
        let screen = render(60, 16, |f| {
            f.render_stateful_widget(
                DoctorPaneView {
                    focused: true,
                    styles: &styles,
                },
                f.area(),
                &mut pane,
            )
        });
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn snapshot_empty_pane_shows_status() {
        let mut pane = DoctorPane {
            status: Some("Waiting for the logs of this request (up to 30 s)…".into()),
            ..Default::default()
        };
        let styles = BodyStyles::default();
        let screen = render(30, 3, |f| {
            f.render_stateful_widget(
                DoctorPaneView {
                    focused: false,
                    styles: &styles,
                },
                f.area(),
                &mut pane,
            )
        });
        insta::assert_snapshot!(screen);
    }
}
