//! The whole-API lint view (`:doctor`): every configuration finding in a
//! list on the left, the selected one's evidence and fix on the right.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

use super::pane::{DoctorPane, certainty_label, finding_text, wrap};
use crate::domain::{Finding, Severity};
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::text_view::{Lines, Scroll, ScrollView};

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LintView {
    /// API name and id, and the stage linted (all stages when `None`).
    pub subject: String,
    pub pane: DoctorPane,
    /// Text filter over code, title, evidence and fix.
    pub filter: String,
    visible: Vec<usize>,
    top: usize,
    detail_scroll: Scroll,
}

impl LintView {
    pub fn new(subject: impl Into<String>, findings: Vec<Finding>) -> Self {
        let mut v = LintView {
            subject: subject.into(),
            pane: DoctorPane::new(findings),
            ..Default::default()
        };
        v.refilter();
        v
    }

    pub(crate) fn set_findings(&mut self, findings: Vec<Finding>) {
        let keep = self.selected().map(|f| f.code);
        self.pane.set_findings(findings);
        self.refilter();
        if let Some(code) = keep
            && let Some(pos) = self
                .visible
                .iter()
                .position(|&i| self.pane.findings[i].code == code)
        {
            self.pane.selected = pos;
        }
    }

    pub fn set_filter(&mut self, filter: &str) {
        self.filter = filter.to_string();
        self.refilter();
        self.pane.selected = 0;
        self.detail_scroll = Scroll::default();
    }

    fn refilter(&mut self) {
        let needle = self.filter.to_lowercase();
        self.visible = self
            .pane
            .findings
            .iter()
            .enumerate()
            .filter(|(_, f)| needle.is_empty() || finding_text(f).to_lowercase().contains(&needle))
            .map(|(i, _)| i)
            .collect();
    }

    #[cfg(test)]
    pub(crate) fn visible_len(&self) -> usize {
        self.visible.len()
    }

    pub fn selected(&self) -> Option<&Finding> {
        let i = *self.visible.get(self.pane.selected)?;
        self.pane.findings.get(i)
    }

    pub(crate) fn select_next(&mut self) {
        if self.pane.selected + 1 < self.visible.len() {
            self.pane.selected += 1;
            self.detail_scroll = Scroll::default();
        }
    }

    pub(crate) fn select_prev(&mut self) {
        self.pane.selected = self.pane.selected.saturating_sub(1);
        self.detail_scroll = Scroll::default();
    }

    pub(crate) fn select_first(&mut self) {
        self.pane.selected = 0;
    }

    pub(crate) fn select_last(&mut self) {
        self.pane.selected = self.visible.len().saturating_sub(1);
    }

    pub(crate) fn scroll_detail(&mut self, down: bool) {
        if down {
            self.detail_scroll.page_down()
        } else {
            self.detail_scroll.page_up()
        }
    }

    /// The selected finding as text, for the clipboard.
    pub(crate) fn selected_text(&self) -> Option<String> {
        self.selected().map(finding_text)
    }

    /// Every visible finding as text (copy all).
    pub(crate) fn all_text(&self) -> String {
        self.visible
            .iter()
            .map(|&i| finding_text(&self.pane.findings[i]))
            .collect::<Vec<_>>()
            .join("\n\n")
    }

    pub fn render(&mut self, frame: &mut Frame, area: Rect, styles: &BodyStyles) {
        let [head, main] =
            Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
        let (e, w, i) = self.pane.counts();
        let mut spans = vec![
            Span::styled(format!("Doctor · {}  ", self.subject), styles.title),
            Span::styled(format!("{e} errors "), styles.server_error),
            Span::styled(format!("{w} warnings "), styles.warning),
            Span::styled(format!("{i} info"), styles.info),
        ];
        if !self.filter.is_empty() {
            spans.push(Span::styled(
                format!("  · {} shown for /{}", self.visible.len(), self.filter),
                styles.dim,
            ));
        }
        frame.render_widget(Line::from(spans), head);

        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .areas(main);
        let lb = Block::default()
            .borders(Borders::ALL)
            .border_style(styles.dim)
            .title("Findings");
        let inner = lb.inner(left);
        frame.render_widget(lb, left);
        if self.visible.is_empty() {
            let msg = if self.pane.findings.is_empty() {
                self.pane
                    .status
                    .clone()
                    .unwrap_or_else(|| "No findings: the configuration looks right.".into())
            } else {
                "No finding matches the filter.".into()
            };
            frame.render_widget(
                Paragraph::new(msg)
                    .style(styles.dim)
                    .wrap(Wrap { trim: true }),
                inner,
            );
        } else {
            let h = inner.height as usize;
            let sel = self.pane.selected.min(self.visible.len() - 1);
            if sel < self.top {
                self.top = sel;
            } else if h > 0 && sel >= self.top + h {
                self.top = sel + 1 - h;
            }
            for (row, &fi) in self.visible.iter().enumerate().skip(self.top).take(h) {
                let f = &self.pane.findings[fi];
                let mark = match f.severity {
                    Severity::Error => "✗",
                    Severity::Warning => "!",
                    Severity::Info => "i",
                };
                let mut line = Line::from(vec![
                    Span::styled(format!("{mark} "), styles.severity(f.severity)),
                    Span::styled(format!("{} ", f.code), styles.title),
                    Span::raw(f.title.clone()),
                ]);
                let rect = Rect::new(inner.x, inner.y + (row - self.top) as u16, inner.width, 1);
                if row == sel {
                    frame.buffer_mut().set_style(rect, styles.selected);
                    line = line.patch_style(styles.selected);
                }
                frame.render_widget(line, rect);
            }
        }

        let rb = Block::default()
            .borders(Borders::ALL)
            .border_style(styles.dim)
            .title("Evidence and fix");
        let inner = rb.inner(right);
        frame.render_widget(rb, right);
        if let Some(f) = self.selected() {
            let lines = detail_lines(f, inner.width as usize, styles);
            frame.render_stateful_widget(
                ScrollView {
                    source: &Lines(&lines),
                    styles,
                },
                inner,
                &mut self.detail_scroll,
            );
        }
    }
}

fn detail_lines(f: &Finding, width: usize, styles: &BodyStyles) -> Vec<Line<'static>> {
    let mut out = vec![Line::from(vec![
        Span::styled(
            format!("{:?} ", f.severity).to_lowercase(),
            styles.severity(f.severity),
        ),
        Span::styled(f.code.as_str(), styles.title),
    ])];
    out.extend(wrap(&f.title, width).into_iter().map(Line::from));
    let mut how = certainty_label(f.certainty).to_string();
    if f.unverified {
        how.push_str(" · rests on an [UNVERIFIED] fact");
    }
    out.push(Line::styled(how, styles.dim));
    out.push(Line::default());
    if !f.evidence.is_empty() {
        out.push(Line::styled("Evidence", styles.title));
        for e in &f.evidence {
            for (n, l) in wrap(e, width.saturating_sub(2)).into_iter().enumerate() {
                let lead = if n == 0 { "• " } else { "  " };
                out.push(Line::raw(format!("{lead}{l}")));
            }
        }
        out.push(Line::default());
    }
    if let Some(fix) = &f.fix {
        out.push(Line::styled("Fix", styles.ok.patch(styles.title)));
        out.extend(wrap(fix, width).into_iter().map(Line::from));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Certainty;
    use crate::domain::FindingCode;
    use crate::ui::views::response::test_render::render;

    fn findings() -> Vec<Finding> {
        vec![
            Finding::new(FindingCode::AccessLoggingOff, Certainty::FromConfig, "Stage prod has no access logging").severity(Severity::Warning)
                .evidence("stages[prod].accessLogSettings is empty")
                .fix_args(&[("api_id", "abc"), ("stage", "prod")]),
            Finding::new(FindingCode::RouteNoIntegration, Certainty::FromConfig, "Route DELETE /orders/{id} has no integration")
                .evidence("routes[DELETE /orders/{id}].target is empty"),
            Finding::new(FindingCode::JwtIssuerTrailingSlash, Certainty::FromConfig, "JWT issuer ends with a slash")
                .evidence("authorizers[cognito].jwtConfiguration.issuer = https://cognito-idp.eu-west-1.amazonaws.com/pool/")
                .unverified(),
        ]
    }

    #[test]
    fn snapshot_lint_view() {
        let mut v = LintView::new("orders-api (abc123) · stage prod", findings());
        v.select_next();
        let styles = BodyStyles::default();
        let screen = render(110, 14, |f| v.render(f, f.area(), &styles));
        insta::assert_snapshot!(screen);
    }

    #[test]
    fn filter_selection_and_copy() {
        let mut v = LintView::new("x", findings());
        assert_eq!(v.selected().unwrap().code, "ROUTE_NO_INTEGRATION");
        v.set_filter("jwt");
        assert_eq!(v.visible_len(), 1);
        let text = v.selected_text().unwrap();
        assert!(text.contains("JWT_ISSUER_TRAILING_SLASH") && text.contains("[UNVERIFIED]"));
        v.set_filter("");
        v.select_last();
        assert_eq!(v.selected().unwrap().code, "JWT_ISSUER_TRAILING_SLASH");
        // A refresh keeps the selection on the same code.
        v.set_findings(findings());
        assert_eq!(v.selected().unwrap().code, "JWT_ISSUER_TRAILING_SLASH");
        assert_eq!(v.all_text().matches("certainty:").count(), 3);
    }

    #[test]
    fn empty_lint_says_so() {
        let mut v = LintView::new("x", vec![]);
        let styles = BodyStyles::default();
        let screen = render(60, 6, |f| v.render(f, f.area(), &styles));
        assert!(screen.contains("No findings: the"), "{screen}");
    }
}
