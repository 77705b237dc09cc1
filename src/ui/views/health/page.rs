//! The Health page's state and verbs. The triage itself is
//! [`crate::app::health::run`], started as a stream of progress so the
//! metrics show before the causes and the functions' lines are in.

use std::time::Duration;

use futures::StreamExt;
use tokio_util::sync::CancellationToken;

use crate::app::health::{self, HealthConfig, HealthProgress, HealthRequest};
use crate::domain::health::{Cause, HealthReport, StageHealth};
use crate::domain::{Api, Route};
use crate::ui::action::Action;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::logs::open::{LogsRequest, open_filtered};

crate::ui::verbs::page_verbs! {
    /// The health page's own verbs (`[health]` in the keymap).
    pub(crate) enum HealthVerb {
        DoctorExample = "doctor_example",
        Numbers = "numbers",
    }
}

/// The list the arrow keys move in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    /// The region's APIs (no API given).
    Apis,
    Routes,
    Causes,
    Functions,
}

pub(crate) struct HealthPage {
    pub api_id: Option<String>,
    /// The stage asked for (`None`: the one with most 5xx).
    pub stage: Option<String>,
    pub since: Duration,
    pub report: Option<HealthReport>,
    /// What the run is doing, while it runs.
    pub progress: Option<String>,
    pub error: Option<String>,
    pub section: Section,
    /// Selected row per section.
    pub selected: [usize; 4],
    /// Numbers instead of sparklines (`n`).
    pub numbers: bool,
    /// Stops the run when the page closes.
    cancel: CancellationToken,
    pub(super) request: Option<HealthRequest>,
    /// The current run has ended (late progress is ignored).
    finished: bool,
}

impl HealthPage {
    pub fn new(api_id: Option<String>, stage: Option<String>, since: Duration) -> HealthPage {
        let section = if api_id.is_some() {
            Section::Causes
        } else {
            Section::Apis
        };
        HealthPage {
            api_id,
            stage,
            since,
            report: None,
            progress: Some("loading metrics".into()),
            error: None,
            section,
            selected: [0; 4],
            numbers: false,
            cancel: CancellationToken::new(),
            request: None,
            finished: false,
        }
    }

    /// The APIs to triage: the one asked for, or every API whose details loaded.
    fn apis(&self, shared: &Shared) -> Vec<Api> {
        match &self.api_id {
            Some(id) => shared.inventory.api(id).cloned().into_iter().collect(),
            None => shared
                .inventory
                .apis
                .iter()
                .filter(|a| a.details_loaded)
                .cloned()
                .collect(),
        }
    }

    /// Start (or restart) the run; its progress updates this page.
    pub fn start(&mut self, shared: &Shared) -> Vec<Effect> {
        self.cancel.cancel();
        self.cancel = CancellationToken::new();
        self.finished = false;
        self.error = None;
        self.progress = Some("loading metrics".into());
        let apis = self.apis(shared);
        if apis.is_empty() {
            self.progress = None;
            self.error = Some(if shared.inventory.loading {
                "the inventory is still loading: press r in a moment".into()
            } else {
                "no APIs with loaded details to triage".into()
            });
            return vec![];
        }
        let req = HealthRequest::last(self.api_id.clone(), self.stage.clone(), self.since);
        self.request = Some(req.clone());
        let backend = shared.backend.clone();
        let cancel = self.cancel.clone();
        let (tx, rx) = tokio::sync::mpsc::channel(16);
        let run = async move {
            let r = health::run(
                &backend,
                &apis,
                &req,
                &HealthConfig::default(),
                Some(tx),
                cancel,
            )
            .await;
            Msg::Done(r)
        };
        let progress = tokio_stream::wrappers::ReceiverStream::new(rx).map(Msg::Progress);
        let stream = futures::stream::select(progress, futures::stream::once(run))
            .map(|m| move |page: &mut HealthPage, _: &mut Shared| page.apply(m));
        vec![Effect::stream::<HealthPage, _, _>("health", stream)]
    }

    fn apply(&mut self, m: Msg) -> Vec<Effect> {
        // The run's end can overtake progress still queued behind it.
        if self.finished && matches!(m, Msg::Progress(_)) {
            return vec![];
        }
        match m {
            Msg::Progress(HealthProgress::Planned { queries, calls }) => {
                self.progress = Some(format!(
                    "{queries} metric queries in {calls} GetMetricData calls"
                ));
            }
            Msg::Progress(HealthProgress::MetricsCall { done, of }) => {
                self.progress = Some(format!("metrics {done}/{of}"));
            }
            Msg::Progress(HealthProgress::Metrics(r)) => {
                self.report = Some(*r);
                if self.api_id.is_some() {
                    self.progress = Some("counting causes".into());
                }
            }
            Msg::Progress(HealthProgress::Causes { stage }) => {
                self.progress = Some(format!("counting the causes of stage {stage}"));
            }
            Msg::Progress(HealthProgress::Invocations { function }) => {
                self.progress = Some(format!("reading {function}'s REPORT lines"));
            }
            Msg::Done(Ok(r)) => {
                self.finished = true;
                self.report = Some(r);
                self.progress = None;
                self.clamp();
            }
            Msg::Done(Err(e)) => {
                self.finished = true;
                self.progress = None;
                if e.message != "cancelled" {
                    self.error = Some(e.to_string());
                }
            }
        }
        vec![]
    }

    /// The stage shown (API mode): the one asked for, else the most failing.
    pub(crate) fn stage_health(&self) -> Option<&StageHealth> {
        let api = self.report.as_ref()?.apis.first()?;
        match &self.stage {
            Some(s) => api.stages.iter().find(|x| &x.stage == s),
            // Ties go to the first stage listed.
            None => api
                .stages
                .iter()
                .fold(None, |best: Option<&StageHealth>, s| match best {
                    Some(b) if b.traffic.total_5xx >= s.traffic.total_5xx => Some(b),
                    _ => Some(s),
                }),
        }
    }

    pub(super) fn rows(&self, section: Section) -> usize {
        match section {
            Section::Apis => self
                .report
                .as_ref()
                .map_or(0, |r| r.apis.iter().map(|a| a.stages.len()).sum()),
            Section::Routes => self.stage_health().map_or(0, |s| s.routes.len()),
            Section::Causes => self.stage_health().map_or(0, |s| s.causes.len()),
            Section::Functions => self.stage_health().map_or(0, |s| s.functions.len()),
        }
    }

    fn clamp(&mut self) {
        for s in [
            Section::Apis,
            Section::Routes,
            Section::Causes,
            Section::Functions,
        ] {
            let n = self.rows(s);
            let i = &mut self.selected[s as usize];
            *i = (*i).min(n.saturating_sub(1));
        }
        // Start where the answer is: the causes when there are some.
        if self.section == Section::Causes
            && self.rows(Section::Causes) == 0
            && self.rows(Section::Routes) > 0
        {
            self.section = Section::Routes;
        }
    }

    pub(crate) fn selected_cause(&self) -> Option<&Cause> {
        self.stage_health()?
            .causes
            .get(self.selected[Section::Causes as usize])
    }

    /// `(api id, stage)` of the selected row of the region's ranking.
    fn selected_api_stage(&self) -> Option<(String, String)> {
        let r = self.report.as_ref()?;
        r.apis
            .iter()
            .flat_map(|a| {
                a.stages
                    .iter()
                    .map(move |s| (a.api_id.clone(), s.stage.clone()))
            })
            .nth(self.selected[Section::Apis as usize])
    }

    fn move_by(&mut self, delta: isize) {
        let n = self.rows(self.section);
        let i = &mut self.selected[self.section as usize];
        *i = (*i as isize + delta).clamp(0, n.saturating_sub(1) as isize) as usize;
    }

    fn next_section(&mut self, back: bool) {
        if self.api_id.is_none() {
            return;
        }
        let order = [Section::Routes, Section::Causes, Section::Functions];
        let at = order.iter().position(|s| *s == self.section).unwrap_or(0);
        let next = if back {
            (at + order.len() - 1) % order.len()
        } else {
            (at + 1) % order.len()
        };
        self.section = order[next];
    }

    /// The `/` filter of the logs view that shows one cause's requests.
    pub(crate) fn logs_filter(cause: &Cause) -> String {
        let mut terms = Vec::new();
        if let Some(s) = cause.status {
            terms.push(format!("status:{s}"));
        }
        if let Some(p) = cause.route_key.as_deref().and_then(|k| {
            Route {
                route_key: k.into(),
                ..Default::default()
            }
            .path()
            .map(str::to_string)
        }) {
            terms.push(format!("route:{p}"));
        }
        terms.join(" ")
    }

    /// Enter on a cause: the logs of its stage, filtered to it; with a
    /// request id, that request is selected when it arrives.
    fn open_logs(&self, shared: &Shared, request_id: Option<String>) -> Vec<Effect> {
        let (Some(api), Some(stage), Some(cause)) = (
            self.api_id
                .as_deref()
                .and_then(|id| shared.inventory.api(id)),
            self.stage_health(),
            self.selected_cause(),
        ) else {
            return vec![Effect::Error(
                "select a cause first (Tab to the causes)".into(),
            )];
        };
        let logged = api
            .stage(&stage.stage)
            .and_then(|s| s.access_log_settings.as_ref())
            .and_then(|a| a.log_group_name())
            .is_some();
        if !logged {
            return vec![Effect::Error(format!(
                "stage {} writes no access log to CloudWatch Logs",
                stage.stage
            ))];
        }
        let req = LogsRequest {
            api_id: api.id.clone(),
            stage: stage.stage.clone(),
            request_id,
        };
        vec![open_filtered(
            shared,
            api.clone(),
            req,
            Some(&Self::logs_filter(cause)),
        )]
    }

    /// `d`: find the most recent request of the cause, then open the logs
    /// on it (its detail is the doctor's diagnosis).
    fn doctor_example(&self, shared: &Shared) -> Vec<Effect> {
        let (Some(api), Some(stage), Some(cause), Some(req)) = (
            self.api_id
                .as_deref()
                .and_then(|id| shared.inventory.api(id))
                .cloned(),
            self.stage_health().map(|s| s.stage.clone()),
            self.selected_cause().cloned(),
            self.request.clone(),
        ) else {
            return vec![Effect::Error(
                "select a cause first (Tab to the causes)".into(),
            )];
        };
        let backend = shared.backend.clone();
        vec![Effect::task::<HealthPage, _, _>(
            "finding an example request",
            async move {
                let window = req.window();
                let found = health::example_request(
                    &backend,
                    &api,
                    &stage,
                    &cause,
                    &window,
                    &HealthConfig::default(),
                )
                .await;
                move |page: &mut HealthPage, shared: &mut Shared| match found {
                    Ok(Some(id)) => {
                        let mut effects = page.open_logs(shared, Some(id.clone()));
                        effects.push(Effect::Info(format!(
                            "request {id}: its record shows the doctor's diagnosis"
                        )));
                        effects
                    }
                    Ok(None) => vec![Effect::Error(
                        "no request of this cause is left in the window".into(),
                    )],
                    Err(e) => vec![Effect::Error(format!(
                        "finding an example request failed: {e}"
                    ))],
                }
            },
        )]
    }
}

/// What the run's stream carries.
enum Msg {
    Progress(HealthProgress),
    Done(health::HealthOutcome),
}

impl Page for HealthPage {
    fn title(&self, shared: &Shared) -> String {
        match &self.api_id {
            Some(id) => {
                let name = shared
                    .inventory
                    .api(id)
                    .map_or(id.as_str(), |a| a.name.as_str());
                format!("health {name}")
            }
            None => "health".into(),
        }
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["health", "tabs", "list"]
    }

    fn render(&mut self, frame: &mut ratatui::Frame, area: ratatui::layout::Rect, shared: &Shared) {
        super::render::render(self, frame, area, shared);
    }

    fn filterable(&self) -> bool {
        false
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        let route_key = match self.section {
            Section::Causes => self.selected_cause().and_then(|c| c.route_key.clone()),
            Section::Routes => self
                .stage_health()
                .and_then(|s| s.routes.get(self.selected[Section::Routes as usize]))
                .map(|r| r.route_key.clone()),
            _ => None,
        };
        match (&self.api_id, self.selected_api_stage()) {
            (None, Some((api, stage))) => Selection {
                api_id: Some(api),
                stage_name: Some(stage),
                route_key: None,
            },
            _ => Selection {
                api_id: self.api_id.clone(),
                stage_name: self.stage_health().map(|s| s.stage.clone()),
                route_key,
            },
        }
    }

    fn on_leave(&mut self, _shared: &mut Shared) {
        self.cancel.cancel();
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        match action {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-10),
            Action::PageDown => self.move_by(10),
            Action::Top => self.move_by(isize::MIN / 2),
            Action::Bottom => self.move_by(isize::MAX / 2),
            Action::NextTab => self.next_section(false),
            Action::PrevTab => self.next_section(true),
            Action::Refresh => return Some(self.start(shared)),
            Action::Enter => {
                return Some(match (self.api_id.is_some(), self.section) {
                    (false, _) => match self.selected_api_stage() {
                        Some((api, stage)) => {
                            let mut page = HealthPage::new(Some(api), Some(stage), self.since);
                            let start = page.start(shared);
                            vec![Effect::PushWith(Box::new(page), start)]
                        }
                        None => vec![],
                    },
                    (true, Section::Causes) => self.open_logs(shared, None),
                    (true, _) => {
                        self.section = Section::Causes;
                        vec![]
                    }
                });
            }
            Action::Page(verb) => match HealthVerb::parse(verb)? {
                HealthVerb::DoctorExample => return Some(self.doctor_example(shared)),
                HealthVerb::Numbers => self.numbers = !self.numbers,
            },
            _ => return None,
        }
        Some(vec![])
    }
}
