//! The response page: summary, headers, body (pretty / raw / hex / jq) and
//! the Doctor pane beside it, plus the CORS probe verdict when asked for,
//! and — for a route with a Lambda authorizer — the Authorizer pane with
//! the event API Gateway built for it (see [`super::authorizer`]).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;

use super::authorizer::AuthorizerPane;
use super::body::{Body, BodyView};
use super::headers::header_lines;
use super::log_confirm::LogConfirm;
use super::summary::{human_size, summary_line};
use super::verbs::ResponseVerb;
use crate::domain::{HttpRequest, HttpResponse};
use crate::ui::components::line_input::{InputOutcome, LineInput};
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::text_view::{Lines, Scroll, ScrollView};
use crate::ui::views::doctor::pane::{DoctorPane, DoctorPaneView};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Headers,
    Body,
    Doctor,
    /// The authorizer event (only when the page has one).
    Authorizer,
}

/// Export formats offered by "copy as".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyFormat {
    Curl,
    Httpie,
    Awscurl,
}

/// What the page asks the shell to do; the page itself never does I/O.
#[derive(Debug, Clone, PartialEq)]
pub enum ResponseEffect {
    /// Put text on the clipboard (OSC 52) and confirm with `what`.
    Copy { text: String, what: String },
    /// Export the request in this format and copy it.
    CopyAs(CopyFormat),
    /// Send the browser's preflight for this request.
    CorsProbe,
    /// Open the logs view on this API Gateway request id.
    OpenLogs { request_id: String },
    /// Send the same request again.
    Resend,
    /// Back to the composer with this request.
    Edit,
    /// Run this jq filter over the body (see [`super::jq::spawn_filter`]).
    RunFilter(String),
}

/// What a browser would decide about the preflight for this request.
#[derive(Debug, Clone, PartialEq)]
pub struct CorsVerdict {
    pub preflight_status: Option<u16>,
    pub allowed: bool,
    /// One line each: the headers that decided, and why.
    pub reasons: Vec<String>,
    /// The probe's findings, also in the Doctor pane (kept there when the
    /// request's logs re-diagnose it).
    pub findings: Vec<crate::domain::Finding>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ResponsePage {
    pub request: Option<HttpRequest>,
    pub response: HttpResponse,
    pub body: Body,
    pub focus: Focus,
    pub doctor: DoctorPane,
    pub cors: Option<CorsVerdict>,
    header_scroll: Scroll,
    /// The jq filter being typed, when the filter bar is open.
    filter_input: Option<LineInput>,
    /// One-line confirmation or error shown under the summary.
    pub notice: Option<String>,
    /// The draft that produced this response (resend, edit, export).
    pub draft: Option<crate::domain::RequestDraft>,
    /// Gathering this request's logs to confirm the diagnosis.
    pub logs: LogConfirm,
    /// The Lambda authorizer's event for this request, if its route has one.
    pub authorizer: Option<AuthorizerPane>,
    /// The pane's lines, made with the theme just before each render.
    pub authorizer_lines: Vec<Line<'static>>,
}

impl ResponsePage {
    /// Prepares the body (pretty printing): call it off the UI loop for big bodies.
    pub fn new(request: Option<HttpRequest>, response: HttpResponse) -> Self {
        let body = Body::new(response.body.clone());
        ResponsePage {
            request,
            response,
            body,
            focus: Focus::Body,
            doctor: DoctorPane::default(),
            cors: None,
            header_scroll: Scroll::default(),
            filter_input: None,
            notice: None,
            draft: None,
            logs: LogConfirm::default(),
            authorizer: None,
            authorizer_lines: Vec::new(),
        }
    }

    pub(crate) fn is_typing(&self) -> bool {
        self.filter_input.is_some()
    }

    fn cycle_focus(&mut self, back: bool) {
        let order: &[Focus] = if self.authorizer.is_some() {
            &[
                Focus::Headers,
                Focus::Body,
                Focus::Doctor,
                Focus::Authorizer,
            ]
        } else {
            &[Focus::Headers, Focus::Body, Focus::Doctor]
        };
        let n = order.len();
        let i = order.iter().position(|f| *f == self.focus).unwrap_or(1);
        self.focus = order[if back { (i + n - 1) % n } else { (i + 1) % n }];
    }

    fn scroll_mut(&mut self) -> Option<&mut Scroll> {
        match self.focus {
            Focus::Headers => Some(&mut self.header_scroll),
            Focus::Body => Some(&mut self.body.scroll),
            Focus::Doctor => None,
            Focus::Authorizer => self.authorizer.as_mut().map(|a| &mut a.scroll),
        }
    }

    /// Keys of the response page. Returns an effect for the shell, if any.
    pub fn handle_key(&mut self, key: KeyEvent) -> Option<ResponseEffect> {
        if let Some(input) = self.filter_input.as_mut() {
            if input.handle_key(key) != InputOutcome::Ignored {
                return None;
            }
            match key.code {
                KeyCode::Enter => {
                    let code = input.text().trim().to_string();
                    self.filter_input = None;
                    self.body.start_filter(code.clone());
                    return (!code.is_empty()).then_some(ResponseEffect::RunFilter(code));
                }
                KeyCode::Esc => self.filter_input = None,
                _ => {}
            }
            return None;
        }
        let shift = key.modifiers.contains(KeyModifiers::SHIFT);
        match key.code {
            KeyCode::Tab => self.cycle_focus(false),
            KeyCode::BackTab => self.cycle_focus(true),
            KeyCode::Char('j') | KeyCode::Down => match self.scroll_mut() {
                Some(s) => s.down(1),
                None => self.doctor.down(),
            },
            KeyCode::Char('k') | KeyCode::Up => match self.scroll_mut() {
                Some(s) => s.up(1),
                None => self.doctor.up(),
            },
            KeyCode::PageDown | KeyCode::Char(' ') => {
                if let Some(s) = self.scroll_mut() {
                    s.page_down()
                }
            }
            KeyCode::PageUp => {
                if let Some(s) = self.scroll_mut() {
                    s.page_up()
                }
            }
            KeyCode::Char('g') | KeyCode::Home => {
                if let Some(s) = self.scroll_mut() {
                    s.home()
                }
            }
            KeyCode::Char('G') | KeyCode::End => {
                if let Some(s) = self.scroll_mut() {
                    s.end()
                }
            }
            KeyCode::Left => return self.verb(ResponseVerb::ScrollLeft),
            KeyCode::Right => return self.verb(ResponseVerb::ScrollRight),
            KeyCode::Char('r') if !shift => return Some(ResponseEffect::Resend),
            KeyCode::Char(c) => return ResponseVerb::from_char(c).and_then(|v| self.verb(v)),
            _ => {}
        }
        None
    }

    /// Run one of the page's verbs (from the keymap, or its default letter).
    pub fn verb(&mut self, verb: ResponseVerb) -> Option<ResponseEffect> {
        match verb {
            ResponseVerb::ScrollLeft => {
                if let Some(s) = self.scroll_mut() {
                    s.left(8)
                }
            }
            ResponseVerb::ScrollRight => {
                if let Some(s) = self.scroll_mut() {
                    s.right(8)
                }
            }
            ResponseVerb::BodyMode => self.body.cycle_mode(),
            ResponseVerb::Jq => {
                if self.body.is_json() {
                    self.focus = Focus::Body;
                    self.filter_input = Some(LineInput::new(self.body.filter_code().unwrap_or("")));
                } else {
                    self.notice = Some("jq filters need a JSON body".into());
                }
            }
            ResponseVerb::Copy if self.focus == Focus::Doctor => {
                let text = self.doctor.selected_text()?;
                let code = self.doctor.selected().map(|f| f.code.as_str());
                return Some(ResponseEffect::Copy {
                    text,
                    what: format!("finding {}", code.unwrap_or_default()),
                });
            }
            ResponseVerb::Copy => {
                return Some(ResponseEffect::Copy {
                    text: String::from_utf8_lossy(self.body.bytes()).into_owned(),
                    what: "body".into(),
                });
            }
            ResponseVerb::CopyCurl => return Some(ResponseEffect::CopyAs(CopyFormat::Curl)),
            ResponseVerb::CopyHttpie => return Some(ResponseEffect::CopyAs(CopyFormat::Httpie)),
            ResponseVerb::CopyAwscurl => return Some(ResponseEffect::CopyAs(CopyFormat::Awscurl)),
            ResponseVerb::CorsProbe => return Some(ResponseEffect::CorsProbe),
            ResponseVerb::SeeLogs => match self.response.request_id() {
                Some(id) => {
                    return Some(ResponseEffect::OpenLogs {
                        request_id: id.to_string(),
                    });
                }
                None => {
                    self.notice = Some(
                        "No apigw-requestid / x-amzn-RequestId header: nothing to correlate".into(),
                    )
                }
            },
            ResponseVerb::Edit => return Some(ResponseEffect::Edit),
        }
        None
    }

    /// The hint line for the bottom of the page, `width` columns wide: the
    /// keys people reach for after a response first (resend, edit, logs),
    /// whole hints only.
    pub(crate) fn hints(&self, width: usize) -> String {
        let hints: &[&str] = if self.filter_input.is_some() {
            &[
                "Enter apply filter",
                "Esc cancel",
                "empty filter shows the whole body",
            ]
        } else {
            &[
                "Tab focus",
                "r resend",
                "e edit",
                "L logs",
                "/ jq",
                "y copy",
                "c curl",
                "o CORS probe",
                "m mode",
                "H httpie",
                "A awscurl",
                "? help",
            ]
        };
        crate::ui::components::hints::fit(hints, width)
    }

    pub fn render(&mut self, frame: &mut Frame, area: Rect, styles: &BodyStyles) {
        let [top, notice_area, main, bottom] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Fill(1),
            Constraint::Length(1),
        ])
        .areas(area);
        frame.render_widget(summary_line(&self.response, styles), top);
        frame.render_widget(self.notice_line(styles), notice_area);

        let wide = main.width >= 100;
        let (left, right) = if wide {
            let [l, r] =
                Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)])
                    .areas(main);
            (l, r)
        } else if matches!(self.focus, Focus::Doctor | Focus::Authorizer) {
            // One pane below 100 columns: Tab moves between the response
            // (headers, body), the doctor and the authorizer event, each
            // drawn full size.
            (Rect::default(), main)
        } else if let Some(top) = self.doctor.findings.first() {
            // The doctor's first finding stays in sight above the response.
            let [strip, rest] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(main);
            let more = self.doctor.findings.len() - 1;
            let line = Line::from(vec![
                Span::styled(
                    format!(
                        "{} ",
                        crate::ui::views::doctor::pane::severity_mark(top.severity)
                    ),
                    styles.severity(top.severity),
                ),
                Span::styled(top.code.as_str(), styles.title),
                Span::raw(format!(" {}", top.title)),
                Span::styled(
                    if more > 0 {
                        format!(" · Tab: doctor (+{more})")
                    } else {
                        " · Tab: doctor".to_string()
                    },
                    styles.dim,
                ),
            ]);
            frame.render_widget(line, strip);
            (rest, Rect::default())
        } else {
            (main, Rect::default())
        };
        let sent = self.sent_lines(styles);
        let header_rows = ((self.response.headers.len() + sent.len()) as u16 + 3)
            .min((left.height * 2 / 5).max(4));
        let [head_area, body_area] =
            Layout::vertical([Constraint::Length(header_rows), Constraint::Fill(1)]).areas(left);

        let block = |title: String, focused: bool| {
            crate::ui::components::pane::pane(&title, focused, styles.title, styles.dim)
        };

        let hb = block(
            format!("Headers: received ({}) · sent", self.response.headers.len()),
            self.focus == Focus::Headers,
        );
        let inner = hb.inner(head_area);
        frame.render_widget(hb, head_area);
        // Received first (the request id, the error type), then what went out.
        let mut lines = header_lines(&self.response.headers, styles);
        if !sent.is_empty() {
            lines.push(Line::default());
            lines.extend(sent);
        }
        frame.render_stateful_widget(
            ScrollView {
                source: &Lines(&lines),
                styles,
            },
            inner,
            &mut self.header_scroll,
        );

        let mut body_title = self.body.title();
        if !wide {
            // The doctor is one Tab away: say so, with what it found.
            let (e, w, i) = self.doctor.counts();
            body_title.push_str(&format!(" · Tab: doctor ({})", e + w + i));
            if let Some(c) = &self.cors {
                body_title.push_str(if c.allowed {
                    ", CORS allowed"
                } else {
                    ", CORS BLOCKED"
                });
            }
        }
        let bb = block(body_title, self.focus == Focus::Body);
        let inner = bb.inner(body_area);
        frame.render_widget(bb, body_area);
        frame.render_stateful_widget(BodyView { styles }, inner, &mut self.body);

        self.render_right(frame, right, styles, &block, wide);

        let bottom_line = match &self.filter_input {
            Some(input) => {
                let mut spans = vec![Span::styled("jq ", styles.title)];
                spans.extend(
                    input
                        .spans(
                            true,
                            bottom.width.saturating_sub(3) as usize,
                            Default::default(),
                        )
                        .spans,
                );
                if input.text().is_empty() {
                    // A placeholder, not text: typing `.items` gives `.items`.
                    spans.push(Span::styled(
                        "e.g. .items[0] · Enter applies · Esc cancels",
                        styles.dim,
                    ));
                }
                Line::from(spans)
            }
            None => Line::styled(self.hints(bottom.width as usize), styles.dim),
        };
        frame.render_widget(bottom_line, bottom);
    }

    /// The request as it went out: method, URL, headers (Content-Type and
    /// the auth header included) and which auth, secrets masked.
    fn sent_lines(&self, styles: &BodyStyles) -> Vec<Line<'static>> {
        let Some(req) = &self.request else {
            return Vec::new();
        };
        let auth = self
            .draft
            .as_ref()
            .map(|d| d.auth.clone())
            .unwrap_or_default();
        let redactor = crate::engines::redact::Redactor::for_auth(&auth);
        let mut lines = vec![Line::from(vec![
            Span::styled("→ sent ", styles.title),
            Span::styled(
                format!("{} {}", req.method, redactor.url(&req.url)),
                styles.dim,
            ),
        ])];
        if let Some(d) = &self.draft {
            lines.push(Line::from(vec![
                Span::styled("auth", styles.key),
                Span::styled(": ", styles.dim),
                Span::raw(d.auth_summary()),
            ]));
        }
        lines.extend(header_lines(&redactor.headers(&req.headers), styles));
        if !req.body.is_empty() {
            lines.push(Line::styled(
                format!("body: {}", human_size(req.body.len() as u64)),
                styles.dim,
            ));
        }
        lines
    }

    /// Confirmation first, then the cut warning, then the request line:
    /// what the user must notice goes where it is not clipped.
    fn notice_line(&self, styles: &BodyStyles) -> Line<'static> {
        let mut spans = Vec::new();
        if let Some(n) = &self.notice {
            spans.push(Span::styled(format!("{n}  "), styles.ok));
        }
        if self.response.truncated {
            spans.push(Span::styled(
                format!(
                    "body cut at {} of {}: the rest was not kept  ",
                    human_size(self.response.body.len() as u64),
                    human_size(self.response.body_size)
                ),
                styles.warning,
            ));
        }
        if let Some(req) = &self.request {
            spans.push(Span::styled(
                format!("{} {}", req.method, req.url),
                styles.dim,
            ));
        }
        Line::from(spans)
    }

    fn render_right(
        &mut self,
        frame: &mut Frame,
        area: Rect,
        styles: &BodyStyles,
        block: &dyn Fn(String, bool) -> Block<'static>,
        wide: bool,
    ) {
        let (e, w, i) = self.doctor.counts();
        let mut title = "Doctor".to_string();
        for (n, what) in [(e, "error"), (w, "warning"), (i, "info")] {
            if n > 0 {
                title.push_str(&format!(" · {n} {what}"));
            }
        }
        if !wide {
            title.push_str(if self.authorizer.is_some() {
                " · Tab: authorizer"
            } else {
                " · Tab: response"
            });
        }
        // With an authorizer event: below the doctor when wide, else its
        // own full-size pane on Tab.
        let (area, authz_area) = match (&self.authorizer, wide) {
            (None, _) => (area, Rect::default()),
            (Some(_), true) => {
                let [d, a] =
                    Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
                        .areas(area);
                (d, a)
            }
            (Some(_), false) if self.focus == Focus::Authorizer => (Rect::default(), area),
            (Some(_), false) => (area, Rect::default()),
        };
        if let Some(a) = self.authorizer.as_mut()
            && !authz_area.is_empty()
        {
            let mut t = a.title();
            if !wide {
                t.push_str(" · Tab: response");
            }
            let ab = block(t, self.focus == Focus::Authorizer);
            let inner = ab.inner(authz_area);
            frame.render_widget(ab, authz_area);
            frame.render_stateful_widget(
                ScrollView {
                    source: &Lines(&self.authorizer_lines),
                    styles,
                },
                inner,
                &mut a.scroll,
            );
        }
        if area.is_empty() {
            return;
        }
        let db = block(title, self.focus == Focus::Doctor);
        let mut inner = db.inner(area);
        frame.render_widget(db, area);
        if let Some(cors) = &self.cors {
            let lines = cors_lines(cors, styles);
            let h = (lines.len() as u16 + 1).min(inner.height / 2);
            let [c, rest] =
                Layout::vertical([Constraint::Length(h), Constraint::Fill(1)]).areas(inner);
            let mut s = Scroll::default();
            frame.render_stateful_widget(
                ScrollView {
                    source: &Lines(&lines),
                    styles,
                },
                c,
                &mut s,
            );
            inner = rest;
        }
        frame.render_stateful_widget(
            DoctorPaneView {
                focused: self.focus == Focus::Doctor,
                styles,
            },
            inner,
            &mut self.doctor,
        );
    }
}

fn cors_lines(cors: &CorsVerdict, styles: &BodyStyles) -> Vec<Line<'static>> {
    let status = cors
        .preflight_status
        .map_or("no answer".to_string(), |s| s.to_string());
    let (verdict, style) = if cors.allowed {
        ("a browser would ALLOW this request", styles.ok)
    } else {
        ("a browser would BLOCK this request", styles.server_error)
    };
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("CORS preflight → {status}: "), styles.title),
        Span::styled(verdict, style),
    ])];
    lines.extend(
        cors.reasons
            .iter()
            .map(|r| Line::styled(format!("  • {r}"), styles.dim)),
    );
    lines
}
