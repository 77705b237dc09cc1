//! Test support: an [`App`] wired to a fake backend, driven by actions and
//! keys, rendered into ratatui's `TestBackend` as plain text for snapshots.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use crossterm::event::{Event as TermEvent, KeyEvent};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use tokio::sync::mpsc::{self, UnboundedReceiver};

use super::action::Action;
use super::app::App;
use super::event::Event;
use super::keymap::{Key, Keymap};
use super::shared::Shared;
use super::theme::Theme;
use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, QueryRequest, QueryResults,
};
use crate::backends::{Backend, BackendError, BackendInfo, ControlPlane, ErrorKind, LogSource};
use crate::domain::Api;

/// A control plane serving fixed APIs: `list_apis` strips the details,
/// `load_details` gives them back; failures can be injected per call.
#[derive(Default)]
pub(crate) struct FakeControl {
    pub apis: Vec<Api>,
    /// `list_apis` fails with this message.
    pub fail_list: Option<String>,
    /// `load_details` fails for these API ids.
    pub fail_details: Vec<String>,
    /// Usage plans, keys and custom domains (attached to each API as it loads).
    pub account: crate::domain::AccountResources,
    pub calls: Mutex<Vec<String>>,
}

#[async_trait]
impl ControlPlane for FakeControl {
    async fn list_apis(&self) -> Result<Vec<Api>, BackendError> {
        self.calls.lock().unwrap().push("list_apis".into());
        if let Some(msg) = &self.fail_list {
            return Err(
                BackendError::new(ErrorKind::Auth, msg.clone()).with_fix("run `aws sso login`")
            );
        }
        Ok(self
            .apis
            .iter()
            .map(|a| Api {
                routes: vec![],
                authorizers: vec![],
                stages: vec![],
                details_loaded: false,
                problems: vec![],
                ..a.clone()
            })
            .collect())
    }

    async fn load_details(&self, api: Api) -> Result<Api, BackendError> {
        self.calls
            .lock()
            .unwrap()
            .push(format!("load_details {}", api.id));
        if self.fail_details.contains(&api.id) {
            return Err(BackendError::new(ErrorKind::Network, "connection reset"));
        }
        let full = self
            .apis
            .iter()
            .find(|a| a.id == api.id)
            .cloned()
            .unwrap_or(api);
        Ok(Api {
            details_loaded: true,
            ..full
        })
    }

    async fn account_resources(&self) -> crate::domain::AccountResources {
        self.account.clone()
    }
}

/// Logs are not part of the inventory tests.
pub(crate) struct NoLogs;

#[async_trait]
impl LogSource for NoLogs {
    async fn filter_events(&self, _: FilterRequest) -> Result<FilterPage, BackendError> {
        Err(BackendError::unsupported("logs"))
    }
    async fn start_query(&self, _: QueryRequest) -> Result<String, BackendError> {
        Err(BackendError::unsupported("logs"))
    }
    async fn query_results(&self, _: &str) -> Result<QueryResults, BackendError> {
        Err(BackendError::unsupported("logs"))
    }
    async fn stop_query(&self, _: &str) -> Result<(), BackendError> {
        Err(BackendError::unsupported("logs"))
    }
    async fn get_log_record(&self, _: &str) -> Result<BTreeMap<String, String>, BackendError> {
        Err(BackendError::unsupported("logs"))
    }
    async fn live_tail(
        &self,
        _: &[String],
        _: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        Err(BackendError::unsupported("logs"))
    }
    async fn lambda_log_group(&self, _: &str) -> Result<String, BackendError> {
        Err(BackendError::unsupported("logs"))
    }
}

pub(crate) fn fake_backend(control: FakeControl) -> Backend {
    Backend {
        info: BackendInfo {
            profile: Some("test".into()),
            region: Some("eu-west-1".into()),
            endpoint: None,
            demo: false,
        },
        control: Arc::new(control),
        logs: Arc::new(NoLogs),
        metrics: Arc::new(crate::backends::metric_source::NoMetrics),
        calls: Arc::new(crate::backends::real_calls::NoRealCalls),
        credentials: None,
    }
}

pub(crate) struct Harness {
    pub app: App,
    rx: UnboundedReceiver<Event>,
}

/// An app on `backend` with the default keymap and a colourless theme.
pub(crate) fn harness(backend: Backend) -> Harness {
    let (tx, rx) = mpsc::unbounded_channel();
    let shared = Shared::new(backend, Keymap::defaults(), Theme::plain());
    Harness {
        app: App::new(shared, tx),
        rx,
    }
}

impl Harness {
    /// Start loading and wait until every task has reported back.
    pub async fn start(&mut self) {
        self.app.start();
        self.settle().await;
    }

    /// Process events until no background task runs (panics after 5 s).
    pub(crate) async fn settle(&mut self) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while !self.app.shared.status.running.is_empty() {
            let ev = tokio::time::timeout_at(deadline, self.rx.recv())
                .await
                .expect("tasks did not settle within 5 s")
                .expect("channel open");
            self.app.handle_event(ev);
        }
    }

    /// Run the job a page handed the terminal to (an external editor) the
    /// way the real loop does, minus the terminal; false if there was none.
    pub(crate) async fn run_suspended(&mut self) -> bool {
        let Some((origin, task)) = self.app.take_suspended() else {
            return false;
        };
        let update = tokio::task::spawn_blocking(task.job)
            .await
            .expect("suspended job");
        self.app.resume(origin, update);
        true
    }

    /// Process events until `done` holds, re-checking at least every 20 ms
    /// (for conditions no event announces, e.g. a task having ended).
    /// Panics when `within` passes first.
    pub(crate) async fn pump_until(
        &mut self,
        within: Duration,
        mut done: impl FnMut(&App) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + within;
        while !done(&self.app) {
            assert!(
                tokio::time::Instant::now() < deadline,
                "condition not reached within {within:?}"
            );
            if let Ok(ev) = tokio::time::timeout(Duration::from_millis(20), self.rx.recv()).await {
                self.app.handle_event(ev.expect("channel open"));
            }
        }
    }

    /// Process whatever arrives during `d`.
    pub(crate) async fn pump_for(&mut self, d: Duration) {
        let deadline = tokio::time::Instant::now() + d;
        while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, self.rx.recv()).await {
            self.app.handle_event(ev);
        }
    }

    pub fn update(&mut self, action: Action) {
        self.app.update(action);
    }

    /// Press keys written in keymap notation, e.g. `keys(&["/", "o", "<Enter>"])`.
    pub fn keys(&mut self, keys: &[&str]) {
        for k in keys {
            let key = Key::parse(k).expect("valid key");
            self.app
                .handle_event(Event::Input(TermEvent::Key(KeyEvent::new(
                    key.code, key.mods,
                ))));
        }
    }

    /// Type text into whatever has focus (prompt or page).
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let key = KeyEvent::new(
                crossterm::event::KeyCode::Char(c),
                crossterm::event::KeyModifiers::NONE,
            );
            self.app.handle_event(Event::Input(TermEvent::Key(key)));
        }
    }

    /// Render one frame and return it as text, one line per row.
    pub fn render(&mut self, width: u16, height: u16) -> String {
        let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        terminal.draw(|f| self.app.render(f)).expect("draw");
        let buffer = terminal.backend().buffer();
        let mut out = String::new();
        for y in 0..buffer.area.height {
            let mut line = String::new();
            for x in 0..buffer.area.width {
                line.push_str(buffer[(x, y)].symbol());
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}
