//! The composer page (`:send`): method, base URL and path, path parameters,
//! query and headers, the body, and auth. Sending runs in a background task
//! (`Esc` cancels); the answer opens the response page.

use std::time::SystemTime;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use tokio_util::sync::CancellationToken;

use super::auth_pane::{AuthPane, JwtView, KeyOffer, SigningView, TokenOffer};
use super::body_editor::{BodyEditor, BodySource, guess_type};
use super::external_editor;
use super::verbs::ComposeVerb;
use crate::domain::{Api, ContentType, Field, RequestDraft};
use crate::engines::compose;
use crate::ui::action::Action;
use crate::ui::components::kv_list::{Cell, KvList, KvRow};
use crate::ui::components::line_input::{InputOutcome, LineInput};
use crate::ui::components::text_view::Scroll;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::response::sent::{self, SendJob, SendResult};

const METHODS: [&str; 7] = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Params,
    Query,
    Headers,
    Body,
    Auth,
    /// The Lambda authorizer event of the request (routes with one only).
    Authorizer,
}

pub(super) const TABS: [Tab; 5] = [Tab::Params, Tab::Query, Tab::Headers, Tab::Body, Tab::Auth];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Editing {
    Base,
    Path,
    BodyFile,
    Body,
}

pub struct ComposePage {
    pub method: String,
    pub base: LineInput,
    pub path: LineInput,
    pub params: KvList,
    pub query: KvList,
    pub headers: KvList,
    pub body: BodyEditor,
    pub content_type: ContentType,
    pub auth: AuthPane,
    pub tab: Tab,
    /// The draft's origin (API, route, stage, region).
    pub target: crate::domain::DraftTarget,
    pub(super) editing: Option<Editing>,
    pub(super) file_input: LineInput,
    pub(super) auth_scroll: Scroll,
    pub(super) authz_scroll: crate::ui::components::ScrollText,
    /// Request ids and time of the authorizer event (fixed per page, so
    /// the event does not change on every frame).
    pub authz_seed: crate::engines::event_build::Seed,
    /// Set while a send runs; cancelling it stops the request.
    pub sending: Option<CancellationToken>,
    /// Last send error or notes, one line.
    pub message: Option<String>,
    /// Keep sent requests in the history (off in tests).
    pub record_history: bool,
    /// The editor command for `E`; `None` reads `$VISUAL` / `$EDITOR` when
    /// pressed (tests set it, since the environment is process-wide).
    pub editor: Option<String>,
    /// The body type follows what is typed until the user picks one (`t`).
    pub content_type_auto: bool,
    /// The draft as last sent: leaving with it unchanged keeps no draft.
    pub sent: Option<RequestDraft>,
    /// The draft as opened (route defaults and example body): what `C`
    /// (clear) goes back to, and leaving it unchanged keeps no draft.
    pristine: RequestDraft,
    /// The real size of a body the history kept only the start of: sending
    /// that start asks for a second send first.
    pub(super) cut_from: Option<u64>,
    /// The second send was asked for (or the cut body was sent knowingly).
    pub(super) cut_confirmed: bool,
}

fn rows(fields: &[Field]) -> Vec<KvRow> {
    fields
        .iter()
        .map(|f| KvRow {
            key: f.name.clone(),
            value: f.value.clone(),
            enabled: f.enabled,
        })
        .collect()
}

fn fields(list: &KvList) -> Vec<Field> {
    list.rows
        .iter()
        .map(|r| Field {
            name: r.key.clone(),
            value: r.value.clone(),
            enabled: r.enabled,
        })
        .collect()
}

impl ComposePage {
    pub(crate) fn from_draft(draft: &RequestDraft) -> Self {
        let mut body = BodyEditor::from_bytes(&draft.body);
        body.set_content_type(draft.content_type);
        let mut page = ComposePage {
            method: draft.method.clone(),
            base: LineInput::new(draft.base_url.clone()),
            path: LineInput::new(draft.path.clone()),
            params: KvList::fixed(rows(&draft.path_params)),
            query: KvList::new(rows(&draft.query)),
            headers: KvList::new(rows(&draft.headers)),
            body,
            content_type: draft.content_type,
            auth: AuthPane::from_mode(&draft.auth),
            tab: if draft.path_params.is_empty() {
                Tab::Query
            } else {
                Tab::Params
            },
            target: draft.target.clone(),
            editing: None,
            file_input: LineInput::default(),
            auth_scroll: Scroll::default(),
            authz_scroll: Default::default(),
            authz_seed: crate::app::seed(),
            sending: None,
            message: None,
            record_history: true,
            editor: None,
            content_type_auto: draft.content_type == ContentType::None,
            sent: None,
            pristine: RequestDraft::default(),
            cut_from: None,
            cut_confirmed: false,
        };
        page.body_changed();
        page.pristine = page.draft();
        page
    }

    /// This page's route with a kept draft in it: `C` still goes back to
    /// the route's request.
    pub(crate) fn restore(self, kept: &RequestDraft) -> Self {
        let mut page = ComposePage::from_draft(kept);
        page.pristine = self.pristine;
        page
    }

    /// Back to the draft as it opened (`C`); the user's choices of sender,
    /// history and editor stay.
    fn clear_draft(&mut self) {
        let mut fresh = ComposePage::from_draft(&self.pristine);
        fresh.cut_from = self.cut_from;
        fresh.record_history = self.record_history;
        fresh.editor = self.editor.take();
        fresh.auth.offers = std::mem::take(&mut self.auth.offers);
        fresh.auth.key_offers = std::mem::take(&mut self.auth.key_offers);
        *self = fresh;
    }

    fn enter(&mut self) {
        match self.tab {
            Tab::Body => self.editing = Some(Editing::Body),
            Tab::Auth => self.auth.edit(),
            _ => {
                if let Some(l) = self.list_mut() {
                    if l.rows.is_empty() {
                        l.add();
                    } else {
                        l.edit_selected(Cell::Value);
                    }
                }
            }
        }
    }

    /// The key of this draft in [`Shared::drafts`] (routes only).
    pub(crate) fn draft_key(&self) -> Option<(String, String)> {
        Some((self.target.api_id.clone()?, self.target.route_key.clone()?))
    }

    /// Put an example body in an untouched, empty body (from the history
    /// or the demo's scenarios); typed text always wins.
    pub(crate) fn offer_example_body(&mut self, body: &[u8]) {
        if self.body.bytes().is_empty() && !body.is_empty() {
            let untouched = self.draft() == self.pristine;
            self.body = BodyEditor::from_bytes(body);
            self.body_changed();
            if untouched {
                self.pristine = self.draft();
            }
        }
    }

    /// After the body text changed: the type follows it (unless the user
    /// picked one) and the check reruns.
    pub(super) fn body_changed(&mut self) {
        if self.content_type_auto && matches!(self.body.source, BodySource::Editor(_)) {
            self.content_type = guess_type(&self.body.text());
        }
        self.body.set_content_type(self.content_type);
    }

    pub fn draft(&self) -> RequestDraft {
        RequestDraft {
            method: self.method.clone(),
            base_url: self.base.text().trim().to_string(),
            path: self.path.text().trim().to_string(),
            path_params: fields(&self.params),
            query: fields(&self.query),
            headers: fields(&self.headers),
            content_type: self.content_type,
            body: self.body.bytes(),
            auth: self.auth.mode(),
            target: self.target.clone(),
        }
    }

    /// Path parameter fields follow the path template, keeping typed values.
    fn sync_params(&mut self) {
        let old = std::mem::take(&mut self.params.rows);
        self.params.rows = compose::path_fields(self.path.text())
            .into_iter()
            .map(|f| {
                old.iter()
                    .find(|r| r.key == f.name)
                    .cloned()
                    .unwrap_or_else(|| KvRow::new(f.name, ""))
            })
            .collect();
        self.params.selected = self
            .params
            .selected
            .min(self.params.rows.len().saturating_sub(1));
    }

    /// The tabs of this draft: the Authorizer tab only for a route with a
    /// Lambda authorizer.
    pub(super) fn tabs(&self, shared: &Shared) -> Vec<Tab> {
        let mut tabs = TABS.to_vec();
        if super::authorizer_tab::applies(self, shared) {
            tabs.push(Tab::Authorizer);
        }
        tabs
    }

    fn list_mut(&mut self) -> Option<&mut KvList> {
        match self.tab {
            Tab::Params => Some(&mut self.params),
            Tab::Query => Some(&mut self.query),
            Tab::Headers => Some(&mut self.headers),
            _ => None,
        }
    }

    fn api<'a>(&self, shared: &'a Shared) -> Option<&'a Api> {
        shared.inventory.api(self.target.api_id.as_deref()?)
    }

    /// Decode the JWT for the auth tab and check it against the route's
    /// authorizer (warnings, never blocking).
    fn refresh_jwt(&mut self, shared: &Shared) {
        // A demo token or API key keeps its name (history shows `jwt:expired`,
        // `api-key:trial`), never its value.
        self.target.auth_label = self.auth.label();
        let crate::domain::AuthMode::Jwt { token } = self.auth.mode() else {
            self.auth.jwt = None;
            return;
        };
        if token.is_empty() {
            self.auth.jwt = None;
            return;
        }
        let api = self.api(shared);
        let route = api.and_then(|a| a.route(self.target.route_key.as_deref()?));
        let authorizer = match (api, route) {
            (Some(a), Some(r)) => compose::route_jwt_authorizer(a, r),
            _ => None,
        };
        let scopes = route
            .map(|r| r.authorization_scopes.clone())
            .unwrap_or_default();
        self.auth.jwt = Some(match crate::engines::jwt::decode(&token) {
            Ok(j) => {
                let now = chrono::Utc::now().timestamp();
                JwtView {
                    header: serde_json::Value::Object(j.header.clone()),
                    claims: serde_json::Value::Object(j.claims.clone()),
                    expires_in: j.expires_in(now),
                    warnings: crate::engines::jwt_check::warnings(
                        &token,
                        authorizer,
                        &scopes,
                        SystemTime::now(),
                    ),
                    error: None,
                }
            }
            Err(e) => JwtView {
                error: Some(e.to_string()),
                ..Default::default()
            },
        });
    }

    fn cycle_method(&mut self) {
        let i = METHODS
            .iter()
            .position(|m| m.eq_ignore_ascii_case(&self.method))
            .map_or(0, |i| i + 1);
        self.method = METHODS[i % METHODS.len()].to_string();
    }

    fn cycle_content_type(&mut self) {
        let all = ContentType::ALL;
        let i = all
            .iter()
            .position(|c| *c == self.content_type)
            .unwrap_or(0);
        self.content_type = all[(i + 1) % all.len()];
        self.content_type_auto = false;
        self.body.set_content_type(self.content_type);
    }

    fn send(&mut self, shared: &Shared) -> Vec<Effect> {
        if self.sending.is_some() {
            return vec![Effect::Info(
                "a request is already running (Esc cancels it)".into(),
            )];
        }
        let draft = self.draft();
        // Placeholders from the history would be sent as the secret.
        if let Some(m) = super::reopen::reenter_message(&draft) {
            self.message = Some(m.clone());
            return vec![Effect::Error(m)];
        }
        // Only the start of this body was kept: never send it silently.
        if let Some(real) = self.cut_from
            && !self.cut_confirmed
            && draft.body == self.pristine.body
        {
            self.cut_confirmed = true;
            let m = format!(
                "{}: send again to send it anyway, or F reads the whole body from a file",
                super::reopen::cut_body_message(draft.body.len(), real)
            );
            self.message = Some(m.clone());
            return vec![Effect::Error(m)];
        }
        if let Err(e) = compose::build(&draft) {
            self.message = Some(e.to_string());
            return vec![Effect::Error(e.to_string())];
        }
        let cancel = CancellationToken::new();
        self.sending = Some(cancel.clone());
        self.message = None;
        let job = SendJob {
            draft,
            api: self.api(shared).cloned(),
            backend: shared.backend.clone(),
            client: shared.http.clone(),
            cancel,
            record: self.record_history,
            store: shared.store.clone(),
        };
        vec![Effect::task::<ComposePage, _, _>("sending", async move {
            let result = sent::run(job).await;
            move |page: &mut ComposePage, _shared: &mut Shared| page.finish(result)
        })]
    }

    /// Apply a finished send: push the response or show why there is none.
    pub fn finish(&mut self, result: SendResult) -> Vec<Effect> {
        self.sending = None;
        if let Some(s) = &result.signing {
            self.auth.signing = Some(SigningView {
                region: s.region.clone(),
                credential_scope: s.credential_scope.clone(),
                signed_headers: s.signed_headers.clone(),
                canonical_request: s.canonical_request.clone(),
                string_to_sign: s.string_to_sign.clone(),
            });
        }
        match (result.page, result.error) {
            (Some(mut page), _) => {
                self.sent = Some(self.draft());
                self.message = (!result.warnings.is_empty()).then(|| result.warnings.join(" · "));
                // The log search reports to the response page, not to us.
                let confirm = page.start_log_confirm();
                vec![Effect::PushWith(Box::new(page), confirm)]
            }
            (None, Some(e)) => {
                self.message = Some(e.clone());
                vec![Effect::Error(e)]
            }
            (None, None) => vec![],
        }
    }

    /// Read the file named in the body-file prompt (a task: it may be
    /// large or slow), then put it in the body.
    fn read_body_file(&mut self) -> Vec<Effect> {
        let path = self.file_input.text().trim().to_string();
        vec![Effect::task::<ComposePage, _, _>(
            "reading the body file",
            async move {
                let read = crate::app::send::read_body_file(path.clone()).await;
                move |page: &mut ComposePage, _: &mut Shared| page.body_file_read(path, read)
            },
        )]
    }

    fn body_file_read(&mut self, path: String, read: Result<Vec<u8>, String>) -> Vec<Effect> {
        match read {
            Ok(bytes) => {
                self.body = BodyEditor::from_file(&path, bytes);
                let guess = ContentType::from_extension(&path);
                if guess != ContentType::None {
                    self.content_type = guess;
                    self.content_type_auto = false;
                }
                self.body_changed();
                vec![Effect::Info(format!("body read from {path}"))]
            }
            Err(e) => vec![Effect::Error(e)],
        }
    }

    /// Keep what is being typed and stop editing (before a send).
    fn commit_editing(&mut self) {
        let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
        self.editing = None;
        if self.auth.is_editing() {
            self.auth.handle_key(enter);
        }
        for list in [&mut self.params, &mut self.query, &mut self.headers] {
            // Enter on a name moves on to the value; a second one commits.
            for _ in 0..2 {
                if list.is_editing() {
                    list.handle_key(enter);
                }
            }
        }
    }

    fn key(&mut self, key: KeyEvent, shared: &Shared) -> Vec<Effect> {
        // Ctrl-S sends from anywhere, as in Postman: what is typed is kept.
        if key.code == KeyCode::Char('s') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.commit_editing();
            self.refresh_jwt(shared);
            return self.send(shared);
        }
        match self.editing {
            Some(Editing::Body) => {
                if key.code == KeyCode::Esc {
                    self.editing = None;
                } else if external_editor::is_editor_key(&key, shared) {
                    return self.open_external_editor();
                } else if self.body.input(key) {
                    self.body_changed();
                }
            }
            Some(which @ (Editing::Base | Editing::Path | Editing::BodyFile)) => {
                let input = match which {
                    Editing::Base => &mut self.base,
                    Editing::Path => &mut self.path,
                    _ => &mut self.file_input,
                };
                if input.handle_key(key) == InputOutcome::Ignored
                    && matches!(key.code, KeyCode::Enter | KeyCode::Esc | KeyCode::Tab)
                {
                    self.editing = None;
                    if which == Editing::BodyFile && key.code == KeyCode::Enter {
                        return self.read_body_file();
                    }
                }
                if which == Editing::Path {
                    self.sync_params();
                }
            }
            None => {
                if let Some(list) = self.list_mut() {
                    list.handle_key(key);
                } else if self.tab == Tab::Auth && self.auth.handle_key(key) == Some(true) {
                    self.refresh_jwt(shared);
                }
            }
        }
        vec![]
    }

    fn editing_anything(&self) -> bool {
        self.editing.is_some()
            || self.auth.is_editing()
            || [&self.params, &self.query, &self.headers]
                .iter()
                .any(|l| l.is_editing())
    }

    fn verb(&mut self, verb: ComposeVerb, shared: &Shared) -> Vec<Effect> {
        match verb {
            ComposeVerb::Send => return self.send(shared),
            ComposeVerb::Method => self.cycle_method(),
            ComposeVerb::Edit => self.enter(),
            ComposeVerb::ClearDraft => {
                self.clear_draft();
                return vec![Effect::Info(
                    "draft cleared: back to the route's request".into(),
                )];
            }
            ComposeVerb::EditBase => self.editing = Some(Editing::Base),
            ComposeVerb::TargetUrl => {
                return match super::authorizer_tab::next_base(self, shared) {
                    Some(url) => {
                        self.base.set(url.clone());
                        vec![Effect::Info(format!("base URL: {url}"))]
                    }
                    None => vec![Effect::Info(
                        "no other URL reaches this stage (no custom-domain mapping)".into(),
                    )],
                };
            }
            ComposeVerb::EditPath => self.editing = Some(Editing::Path),
            ComposeVerb::ContentType => self.cycle_content_type(),
            ComposeVerb::FormatBody => {
                if !self.body.format_json() {
                    return vec![Effect::Error("the body is not valid JSON".into())];
                }
            }
            ComposeVerb::ExternalEditor => return self.open_external_editor(),
            ComposeVerb::BodyFile => {
                self.tab = Tab::Body;
                self.editing = Some(Editing::BodyFile);
            }
            ComposeVerb::AuthKind => {
                self.tab = Tab::Auth;
                self.auth.cycle_kind();
                self.refresh_jwt(shared);
            }
            ComposeVerb::AddRow => {
                if let Some(l) = self.list_mut() {
                    l.add();
                }
            }
            ComposeVerb::DeleteRow => {
                if let Some(l) = self.list_mut() {
                    l.delete_selected();
                }
            }
            ComposeVerb::ToggleRow => {
                if let Some(l) = self.list_mut() {
                    l.toggle_selected();
                }
            }
            ComposeVerb::Token1
            | ComposeVerb::Token2
            | ComposeVerb::Token3
            | ComposeVerb::Token4 => {
                self.load_offers(shared);
                if self.auth.use_offer(verb.token_index().unwrap_or(0)) {
                    self.tab = Tab::Auth;
                    self.refresh_jwt(shared);
                }
            }
        }
        vec![]
    }

    /// The demo's tokens and API keys, offered in the auth tab (none outside
    /// the demo).
    fn load_offers(&mut self, shared: &Shared) {
        if !shared.backend.info.demo {
            return;
        }
        if self.auth.offers.is_empty() {
            self.auth.offers = crate::app::examples::demo_tokens()
                .into_iter()
                .map(|t| TokenOffer {
                    name: t.name,
                    description: t.description,
                    expect_status: t.expect_status,
                    token: t.token,
                })
                .collect();
        }
        if self.auth.key_offers.is_empty() {
            self.auth.key_offers = crate::app::examples::demo_api_keys()
                .into_iter()
                .map(|k| KeyOffer {
                    name: k.name,
                    id: k.id,
                    description: k.description,
                    enabled: k.enabled,
                    value: k.value,
                })
                .collect();
        }
    }
}

impl Page for ComposePage {
    fn title(&self, _shared: &Shared) -> String {
        // What will be sent, not the route the composer was opened on: after the
        // path is edited to another route the crumb must not name the old one.
        match &self.target.route_key {
            Some(_) => format!("send {} {}", self.method, self.path.text()),
            None => "send".into(),
        }
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["compose", "tabs", "list"]
    }

    fn captures_keys(&self) -> bool {
        self.editing_anything()
    }

    fn filterable(&self) -> bool {
        false
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        Selection {
            api_id: self.target.api_id.clone(),
            route_key: self.target.route_key.clone(),
            stage_name: self.target.stage.clone(),
        }
    }

    fn request_draft(&self) -> Option<RequestDraft> {
        Some(self.draft())
    }

    /// Keep the draft for `:send` on the same route, until it is sent.
    fn on_leave(&mut self, shared: &mut Shared) {
        let Some(key) = self.draft_key() else {
            return;
        };
        let draft = self.draft();
        if self.sent.as_ref() == Some(&draft) || draft == self.pristine {
            shared.drafts.remove(&key);
        } else {
            shared.drafts.insert(key, draft);
        }
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        self.load_offers(shared);
        // A note about the last send or check is stale once the user acts.
        let verb = match action {
            Action::Page(v) => ComposeVerb::parse(v),
            _ => None,
        };
        if !matches!(action, Action::Refresh) && verb != Some(ComposeVerb::Send) {
            self.message = None;
        }
        match action {
            Action::Key(k) => return Some(self.key(*k, shared)),
            Action::Back if self.sending.is_some() => {
                if let Some(c) = self.sending.take() {
                    c.cancel();
                }
                return Some(vec![Effect::Info("request cancelled".into())]);
            }
            Action::NextTab | Action::PrevTab => {
                let tabs = self.tabs(shared);
                let i = tabs.iter().position(|t| *t == self.tab).unwrap_or(0);
                let n = if *action == Action::NextTab {
                    i + 1
                } else {
                    i + tabs.len() - 1
                };
                self.tab = tabs[n % tabs.len()];
            }
            Action::Down
            | Action::Up
            | Action::PageDown
            | Action::PageUp
            | Action::Top
            | Action::Bottom
                if self.tab == Tab::Authorizer =>
            {
                self.authz_scroll.handle(action);
            }
            Action::Down => match self.list_mut() {
                Some(l) => l.select_next(),
                None => self.auth_scroll.down(1),
            },
            Action::Up => match self.list_mut() {
                Some(l) => l.select_prev(),
                None => self.auth_scroll.up(1),
            },
            Action::PageDown => self.auth_scroll.page_down(),
            Action::PageUp => self.auth_scroll.page_up(),
            Action::Enter => self.enter(),
            Action::Refresh => return Some(self.send(shared)),
            Action::Page(_) => return Some(self.verb(verb?, shared)),
            _ => return None,
        }
        Some(vec![])
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        super::render::render(self, frame, area, shared);
    }
}
