//! The response page in the shell: keymap verbs to page actions, and the
//! effects (clipboard, CORS probe, resend, jq, logs) carried out as tasks.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use tokio_util::sync::CancellationToken;

use super::jq;
use super::page::{CopyFormat, CorsVerdict, ResponseEffect, ResponsePage};
use super::sent::{self, SendJob};
use super::verbs::ResponseVerb;
use crate::domain::HttpRequest;
use crate::engines::cors::{self, OriginSource};
use crate::engines::export::{self, ExportFormat, ExportOptions};
use crate::ui::action::Action;
use crate::ui::components::styles::BodyStyles;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;

/// Put text on the terminal's clipboard with OSC 52 and say so.
pub(crate) fn copy_effect(text: &str, what: &str) -> Effect {
    // Tests render into a TestBackend: keep escape codes out of their output.
    if !cfg!(test)
        && let Err(e) = crate::ui::clipboard::copy_osc52(&mut std::io::stdout(), text)
    {
        return Effect::Error(format!("cannot write to the terminal clipboard: {e}"));
    }
    Effect::Info(format!(
        "copied {what} ({} bytes) to the clipboard via OSC 52",
        text.len()
    ))
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The origin the probe evaluates and where it came from: the request's own
/// `Origin` header first (what the doctor's findings evaluate), else the API's
/// first allowed origin, else a stand-in.
fn probe_origin(shared: &Shared, page: &ResponsePage, req: &HttpRequest) -> (String, OriginSource) {
    let cors = page
        .draft
        .as_ref()
        .and_then(|d| shared.inventory.api(d.target.api_id.as_deref()?))
        .and_then(|a| a.cors.as_ref());
    cors::probe_origin(req, cors)
}

impl ResponsePage {
    fn effect(&mut self, effect: ResponseEffect, shared: &Shared) -> Vec<Effect> {
        match effect {
            ResponseEffect::Copy { text, what } => vec![copy_effect(&text, &what)],
            ResponseEffect::CopyAs(fmt) => {
                let Some(req) = &self.request else {
                    return vec![Effect::Error("no request to export".into())];
                };
                let auth = self
                    .draft
                    .as_ref()
                    .map(|d| d.auth.clone())
                    .unwrap_or_default();
                let format = match fmt {
                    CopyFormat::Curl => ExportFormat::Curl,
                    CopyFormat::Httpie => ExportFormat::Httpie,
                    CopyFormat::Awscurl => ExportFormat::Awscurl,
                };
                let region = self.draft.as_ref().and_then(|d| {
                    crate::app::send::signing_region(
                        match &d.auth {
                            crate::domain::AuthMode::Sigv4 { region } => region.as_deref(),
                            _ => None,
                        },
                        &req.url,
                        d.target
                            .region
                            .as_deref()
                            .or(shared.backend.info.region.as_deref()),
                    )
                });
                let text = export::export(
                    format,
                    req,
                    &auth,
                    &ExportOptions {
                        region,
                        literal_secrets: false,
                    },
                );
                self.notice = Some(format!("copied as {}", format.label()));
                vec![copy_effect(
                    &text,
                    &format!("the {} command", format.label()),
                )]
            }
            ResponseEffect::CorsProbe => {
                let Some(req) = self.request.clone() else {
                    return vec![Effect::Error("no request to probe".into())];
                };
                let (origin, source) = probe_origin(shared, self, &req);
                let client = shared.http.clone();
                vec![Effect::task::<ResponsePage, _, _>(
                    "CORS probe",
                    async move {
                        let result = crate::app::send::cors_probe(&client, &req, &origin).await;
                        move |page: &mut ResponsePage, _: &mut Shared| match result {
                            Ok(p) => {
                                let mut reasons =
                                    vec![format!("origin {} ({})", p.origin, source.describe())];
                                if !p.preflight_needed {
                                    reasons.push("simple request: no preflight, only the response's Access-Control-Allow-Origin counts".into());
                                }
                                reasons.extend(p.verdict.findings.iter().map(|f| f.title.clone()));
                                page.cors = Some(CorsVerdict {
                                    preflight_status: Some(p.response.status),
                                    allowed: p.verdict.allowed,
                                    reasons,
                                    findings: p.verdict.findings.clone(),
                                });
                                let all = crate::engines::doctor::with_probe(
                                    page.doctor.findings.clone(),
                                    &p.verdict.findings,
                                );
                                page.doctor.set_findings(all);
                                vec![]
                            }
                            Err(e) => vec![Effect::Error(format!("CORS probe failed: {e}"))],
                        }
                    },
                )]
            }
            ResponseEffect::OpenLogs { request_id } => {
                vec![Effect::Command(format!("logs {request_id}"))]
            }
            ResponseEffect::Edit => vec![Effect::Pop],
            ResponseEffect::Resend => {
                let Some(draft) = self.draft.clone() else {
                    return vec![Effect::Error(
                        "this response has no request to resend".into(),
                    )];
                };
                let job = SendJob {
                    api: shared
                        .inventory
                        .api(draft.target.api_id.as_deref().unwrap_or(""))
                        .cloned(),
                    draft,
                    backend: shared.backend.clone(),
                    client: shared.http.clone(),
                    cancel: CancellationToken::new(),
                    record: true,
                    store: shared.store.clone(),
                };
                vec![Effect::task::<ResponsePage, _, _>("sending", async move {
                    let result = sent::run(job).await;
                    move |page: &mut ResponsePage, _: &mut Shared| match (result.page, result.error)
                    {
                        (Some(p), _) => {
                            // Replacing the page drops the previous run's
                            // guard: its log search stops.
                            *page = p;
                            let mut effects = page.start_log_confirm();
                            effects.push(Effect::Info("sent again".into()));
                            effects
                        }
                        (None, Some(e)) => vec![Effect::Error(e)],
                        (None, None) => vec![],
                    }
                })]
            }
            ResponseEffect::RunFilter(code) => {
                let input = self.body.bytes().clone();
                vec![Effect::task::<ResponsePage, _, _>("jq", async move {
                    let c = code.clone();
                    let out = tokio::task::spawn_blocking(move || jq::run_filter(&c, &input))
                        .await
                        .unwrap_or_else(|e| Err(format!("jq stopped: {e}")));
                    move |page: &mut ResponsePage, _: &mut Shared| {
                        page.body.finish_filter(&code, out);
                        vec![]
                    }
                })]
            }
        }
    }
}

impl Page for ResponsePage {
    fn title(&self, _shared: &Shared) -> String {
        format!("{} response", self.response.status)
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["response", "tabs", "detail"]
    }

    fn request_draft(&self) -> Option<crate::domain::RequestDraft> {
        self.draft.clone()
    }

    fn captures_keys(&self) -> bool {
        self.is_typing()
    }

    fn filterable(&self) -> bool {
        false
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        let t = self
            .draft
            .as_ref()
            .map(|d| d.target.clone())
            .unwrap_or_default();
        Selection {
            api_id: t.api_id,
            route_key: t.route_key,
            stage_name: t.stage,
        }
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        let k = match action {
            Action::Key(k) => *k,
            Action::Up => key(KeyCode::Up),
            Action::Down => key(KeyCode::Down),
            Action::PageUp => key(KeyCode::PageUp),
            Action::PageDown => key(KeyCode::PageDown),
            Action::Top => key(KeyCode::Home),
            Action::Bottom => key(KeyCode::End),
            Action::NextTab => key(KeyCode::Tab),
            Action::PrevTab => key(KeyCode::BackTab),
            Action::Refresh => return Some(self.effect(ResponseEffect::Resend, shared)),
            Action::Page(verb) => {
                let effects = match self.verb(ResponseVerb::parse(verb)?) {
                    Some(e) => self.effect(e, shared),
                    None => vec![],
                };
                return Some(effects);
            }
            _ => return None,
        };
        let effects = match self.handle_key(k) {
            Some(e) => self.effect(e, shared),
            None => vec![],
        };
        Some(effects)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let styles = BodyStyles::from_theme(&shared.theme);
        self.authorizer_lines = self
            .authorizer
            .as_ref()
            .map(|a| a.lines(&shared.theme))
            .unwrap_or_default();
        ResponsePage::render(self, frame, area, &styles);
    }
}
