//! The record detail's execution log (REST stages whose settings write
//! one): the `(request-id) ...` lines of the selected record's request,
//! read from `API-Gateway-Execution-Logs_{restApiId}/{stage}` when the
//! record is selected and shown as steps beside the access record, the
//! Lambda lines and the event. One read at a time (scrolling through
//! records does not fire a call per row); answers are kept per request id.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use ratatui::text::{Line, Span};

use super::detail::hanging;
use super::page::LogsPage;
use crate::app::logs::gather::ExecSource;
use crate::domain::ExecTrace;
use crate::ui::components::json;
use crate::ui::components::styles::BodyStyles;
use crate::ui::page::Effect;
use crate::ui::shared::Shared;

/// A request not in the log yet is looked up again after this long (the
/// execution log can arrive after the access record).
const RETRY: Duration = Duration::from_secs(5);
/// Request ids remembered; past this the oldest answers are dropped.
const KEEP: usize = 500;

#[derive(Debug, Clone)]
pub enum ExecState {
    Loading,
    Found(Box<ExecTrace>),
    /// No line of this request in the group (yet), as of `at`.
    Missing {
        at: Instant,
    },
    Failed(String),
}

/// The page's execution-log reads.
#[derive(Default)]
pub struct ExecLogs {
    /// `None`: not a REST stage, or its settings write no execution log.
    pub source: Option<ExecSource>,
    states: HashMap<String, ExecState>,
    in_flight: bool,
}

impl ExecLogs {
    pub fn state(&self, request_id: &str) -> Option<&ExecState> {
        self.states.get(request_id)
    }

    pub fn group(&self) -> Option<&str> {
        self.source.as_ref().map(|s| s.group.as_str())
    }
}

impl LogsPage {
    /// Read the selected record's execution-log lines if they are not known
    /// yet and no read is under way.
    pub fn exec_fetch(&mut self) -> Vec<Effect> {
        let Some(source) = self.exec_logs.source.clone() else {
            return vec![];
        };
        if self.exec_logs.in_flight {
            return vec![];
        }
        // The stored record (no rebuilt event): this runs on every feed report.
        let Some((_, rec)) = self.selected_index().and_then(|i| self.store.view_get(i)) else {
            return vec![];
        };
        let Some(id) = rec.request_id().map(str::to_string) else {
            return vec![];
        };
        let at = rec.timestamp_ms();
        match self.exec_logs.states.get(&id) {
            Some(ExecState::Missing { at }) if at.elapsed() >= RETRY => {}
            Some(_) => return vec![],
            None => {}
        }
        if self.exec_logs.states.len() >= KEEP {
            self.exec_logs.states.clear();
        }
        self.exec_logs.states.insert(id.clone(), ExecState::Loading);
        self.exec_logs.in_flight = true;
        self.mark_detail_dirty();
        let read = source.fetch(id.clone(), at);
        vec![Effect::task::<LogsPage, _, _>(
            "execution log",
            async move {
                let result = read.await;
                move |page: &mut LogsPage, _: &mut Shared| {
                    page.exec_logs.in_flight = false;
                    let state = match result {
                        Ok(Some(t)) => ExecState::Found(Box::new(t)),
                        Ok(None) => ExecState::Missing { at: Instant::now() },
                        Err(e) => ExecState::Failed(e),
                    };
                    page.exec_logs.states.insert(id, state);
                    page.mark_detail_dirty();
                    // The selection may have moved on meanwhile.
                    page.exec_fetch()
                }
            },
        )]
    }
}

fn section(title: String, styles: &BodyStyles) -> Line<'static> {
    Line::from(Span::styled(format!("── {title} "), styles.title))
}

/// The detail's "Execution log" section: nothing for stages without one.
pub fn section_lines(
    group: Option<&str>,
    state: Option<&ExecState>,
    width: usize,
    wrap_lines: bool,
    styles: &BodyStyles,
) -> Vec<Line<'static>> {
    let Some(group) = group else {
        return vec![];
    };
    let dim = |s: String| Line::styled(s, styles.dim);
    let mut out = Vec::new();
    match state {
        None | Some(ExecState::Loading) => {
            out.push(section("Execution log".into(), styles));
            out.push(dim(format!("reading {group}…")));
        }
        Some(ExecState::Missing { .. }) => {
            out.push(section("Execution log".into(), styles));
            out.push(dim(format!(
                "no line of this request in {group} yet (it can arrive after the access record; selecting the record again re-reads it after 5 s)"
            )));
        }
        Some(ExecState::Failed(e)) => {
            out.push(section("Execution log".into(), styles));
            out.push(Line::styled(
                crate::engines::terminal_text::one_line(e).into_owned(),
                styles.server_error,
            ));
        }
        Some(ExecState::Found(t)) => {
            out.push(section(
                format!("Execution log · {} steps", t.lines.len()),
                styles,
            ));
            out.push(dim(group.to_string()));
            const LABEL: usize = 27;
            for l in &t.lines {
                let style = if l.step.is_error() {
                    styles.server_error
                } else {
                    Default::default()
                };
                let mut value =
                    crate::engines::terminal_text::one_line(json::cap(&l.value, 4096)).into_owned();
                if l.truncated {
                    value.push_str(" [TRUNCATED by API Gateway]");
                }
                let label = format!("{:<LABEL$}", l.step.label());
                let wrap_width = wrap_lines.then(|| width.saturating_sub(LABEL + 1));
                out.extend(hanging(label, LABEL, &value, wrap_width, styles.dim, style));
            }
        }
    }
    out.push(Line::default());
    out
}
