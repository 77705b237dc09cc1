//! One authorizer: its type, function, identity sources, caching, simple
//! responses, payload version and the routes it guards; for a Lambda
//! authorizer, the event a route's request would produce (your composer
//! draft for that route when there is one, else the route's plain request),
//! and the opt-in REAL CALLs that get its answer (`i` lambda:Invoke, `T`
//! TestInvokeAuthorizer; see [`super::authorizer_call`]).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::api_tables::target;
use super::authorizer_call::{self, CallState};
use super::authorizer_event;
use crate::app::authorizer::{self, AuthorizerQuery, Call, Prepared, RealCall};
use crate::domain::{Api, Authorizer, Integration, LambdaAuthorizerKind, RequestDraft};
use crate::engines::compose;
use crate::engines::event_build::Seed;
use crate::ui::action::Action;
use crate::ui::components::{ScrollText, kv};
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::theme::Theme;

crate::ui::verbs::page_verbs! {
    /// The page's own verbs (keymap section `[authorizer]`): build the
    /// event for the next / previous route the authorizer guards; arm and
    /// confirm a REAL CALL of the authorizer with that event.
    pub(crate) enum AuthorizerVerb {
        NextRoute = "next_route",
        PrevRoute = "prev_route",
        Invoke = "invoke",
        TestInvoke = "test_invoke",
        Confirm = "confirm_call",
    }
}

pub(crate) struct AuthorizerDetailPage {
    pub api_id: String,
    pub authorizer_id: String,
    /// Index into the routes this authorizer guards.
    pub route: usize,
    /// Request ids and time of the events shown (fixed per page, so the
    /// event does not change on every frame).
    pub seed: Seed,
    /// The opt-in real call about the selected route's event.
    pub call: CallState,
    /// Numbers the calls, so a late answer of an earlier one is dropped.
    runs: u64,
    scroll: ScrollText,
}

const W: usize = 18;

impl AuthorizerDetailPage {
    pub fn new(api_id: &str, authorizer_id: &str) -> AuthorizerDetailPage {
        AuthorizerDetailPage {
            api_id: api_id.into(),
            authorizer_id: authorizer_id.into(),
            route: 0,
            seed: crate::app::seed(),
            call: CallState::Idle,
            runs: 0,
            scroll: ScrollText::default(),
        }
    }

    /// Route keys this authorizer guards, in the API's order.
    fn routes<'a>(api: &'a Api, a: &Authorizer) -> Vec<&'a str> {
        api.routes
            .iter()
            .filter(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()))
            .map(|r| r.route_key.as_str())
            .collect()
    }

    fn lines(&self, api: &Api, a: &Authorizer, shared: &Shared) -> Vec<Line<'static>> {
        let theme = &shared.theme;
        let routes = Self::routes(api, a);
        let mut lines = config_lines(api, a, theme);
        lines.push(Line::raw(""));
        lines.push(kv::heading(theme, format!("Routes ({})", routes.len())));
        if routes.is_empty() {
            lines.push(Line::styled(
                "No route uses this authorizer.",
                theme.get("dim"),
            ));
        }
        let lambda = LambdaAuthorizerKind::of(api.protocol(), a).is_some();
        for (i, r) in routes.iter().enumerate() {
            // The route the event is built for is marked by shape, not colour.
            let (mark, style) = if i == self.route && lambda {
                ("▶ ", theme.get("selected"))
            } else {
                ("  ", theme.get("value"))
            };
            lines.push(Line::from(vec![
                Span::raw(mark),
                Span::styled(r.to_string(), style),
            ]));
        }
        if !lambda {
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!(
                    "A {} authorizer is not a Lambda function: API Gateway checks the request itself, no event is built.",
                    a.authorizer_type
                ),
                theme.get("dim"),
            ));
            return lines;
        }
        let Some(route_key) = routes.get(self.route.min(routes.len().saturating_sub(1))) else {
            return lines;
        };
        lines.push(Line::raw(""));
        let (draft, origin) = request_for(api, route_key, shared);
        lines.push(Line::from(vec![
            Span::styled(
                format!("Authorizer event for {route_key}"),
                theme.get("header"),
            ),
            Span::styled(
                format!(
                    "  ({origin}; n/N: other route; i: invoke it{})",
                    if kind_is_rest(api, a) {
                        ", T: TestInvokeAuthorizer"
                    } else {
                        ""
                    }
                ),
                theme.get("dim"),
            ),
        ]));
        match authorizer::request_for_draft(&draft) {
            Ok(req) => {
                lines.push(kv::kv(
                    theme,
                    14,
                    "request",
                    format!("{} {}", req.method, req.url),
                ));
                let preview = authorizer::prepare_with(
                    api,
                    &AuthorizerQuery::local(&req),
                    shared.backend.info.region.as_deref(),
                    self.seed,
                );
                let function = preview.as_ref().ok().and_then(Prepared::function);
                let call = authorizer_call::lines(&self.call, function.as_deref(), theme);
                if !call.is_empty() {
                    lines.extend(call);
                    lines.push(Line::raw(""));
                }
                lines.extend(authorizer_event::lines(&preview, theme));
            }
            Err(e) => lines.push(kv::warn(theme, format!("the request cannot be built: {e}"))),
        }
        lines
    }
}

impl AuthorizerDetailPage {
    /// The selected route's request prepared as `lines` shows it: the route
    /// key and what API Gateway would do; `Err` is one line.
    fn prepared(&self, shared: &Shared) -> Result<(String, Prepared), String> {
        let api = shared
            .inventory
            .api(&self.api_id)
            .ok_or_else(|| format!("API {} is not in the inventory (any more)", self.api_id))?;
        let a = api
            .authorizer(&self.authorizer_id)
            .ok_or_else(|| format!("authorizer {} is not in the inventory", self.authorizer_id))?;
        if LambdaAuthorizerKind::of(api.protocol(), a).is_none() {
            return Err(format!(
                "a {} authorizer is not a Lambda function: there is nothing to invoke",
                a.authorizer_type
            ));
        }
        let routes = Self::routes(api, a);
        let route_key = routes
            .get(self.route.min(routes.len().saturating_sub(1)))
            .ok_or("no route uses this authorizer: there is no request to authorize")?;
        let (draft, _) = request_for(api, route_key, shared);
        let req = authorizer::request_for_draft(&draft)
            .map_err(|e| format!("the request cannot be built: {e}"))?;
        let p = authorizer::prepare_with(
            api,
            &AuthorizerQuery::local(&req),
            shared.backend.info.region.as_deref(),
            self.seed,
        )?;
        Ok((route_key.to_string(), p))
    }

    /// `i` / `T`: arm the call, or run it when it is armed for this route.
    fn press(&mut self, which: RealCall, shared: &Shared) -> Vec<Effect> {
        if self.call.is_running() {
            return vec![Effect::Info(
                "a real call is running: Esc cancels it".into(),
            )];
        }
        let (route_key, p) = match self.prepared(shared) {
            Ok(x) => x,
            Err(e) => return vec![Effect::Error(format!("no real call: {e}"))],
        };
        if let Call::NotInvoked { missing } = &p.call {
            return vec![Effect::Error(format!(
                "no real call: API Gateway answers 401 without invoking it ({missing} is missing)"
            ))];
        }
        if which == RealCall::TestInvoke && !p.kind.is_rest() {
            return vec![Effect::Error(
                "no real call: TestInvokeAuthorizer exists for REST APIs only (i invokes the function)".into(),
            )];
        }
        if self.call.is_armed(which, &route_key) {
            return self.start(which, route_key, p, shared);
        }
        let key = if which == RealCall::Invoke { "i" } else { "T" };
        self.call = CallState::Armed { which, route_key };
        vec![Effect::Info(format!(
            "REAL CALL {} armed: {key} again or y runs it, Esc cancels",
            which.action()
        ))]
    }

    /// `y`: run the armed call.
    fn confirm(&mut self, shared: &Shared) -> Vec<Effect> {
        match self.call.armed() {
            Some(which) => self.press(which, shared),
            None => vec![Effect::Info(
                "nothing to confirm: i invokes the authorizer (REAL CALL)".into(),
            )],
        }
    }

    fn start(
        &mut self,
        which: RealCall,
        route_key: String,
        p: Prepared,
        shared: &Shared,
    ) -> Vec<Effect> {
        self.runs += 1;
        let run = self.runs;
        let cancel = tokio_util::sync::CancellationToken::new();
        self.call = CallState::Running {
            which,
            route_key,
            cancel: cancel.clone(),
            run,
        };
        let backend = shared.backend.clone();
        vec![Effect::task::<AuthorizerDetailPage, _, _>(
            format!("REAL CALL {}", which.action()),
            async move {
                let result = authorizer::real_call(&backend, &p, which, &cancel).await;
                move |page: &mut AuthorizerDetailPage, _: &mut Shared| {
                    page.call.finish(run, result);
                    vec![]
                }
            },
        )]
    }
}

fn kind_is_rest(api: &Api, a: &Authorizer) -> bool {
    LambdaAuthorizerKind::of(api.protocol(), a).is_some_and(|k| k.is_rest())
}

/// The request the event is built for: the user's draft for the route in
/// the composer, else the route's plain request on its first stage (path
/// parameters filled with their names). Returns it with where it came from.
fn request_for(api: &Api, route_key: &str, shared: &Shared) -> (RequestDraft, &'static str) {
    if let Some(d) = shared.drafts.get(&(api.id.clone(), route_key.to_string())) {
        return (d.clone(), "your composer draft");
    }
    let Some(route) = api.route(route_key) else {
        return (RequestDraft::default(), "no request");
    };
    let mut draft = compose::draft_for_route(api, route, api.stages.first());
    for p in &mut draft.path_params {
        if p.value.is_empty() {
            p.value = p.name.clone();
        }
    }
    (
        draft,
        "the route's plain request, no headers: :send to add them",
    )
}

/// Type, function, identity sources, caching, responses, payload version.
fn config_lines(api: &Api, a: &Authorizer, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(a.name.clone(), theme.get("title")),
            Span::styled(format!("  id {}", a.id), theme.get("dim")),
        ]),
        Line::raw(""),
    ];
    let kind = LambdaAuthorizerKind::of(api.protocol(), a);
    lines.push(kv::kv(
        theme,
        W,
        "type",
        match kind {
            Some(k) => format!("{} · Lambda ({})", a.authorizer_type, k.label()),
            None => a.authorizer_type.to_string(),
        },
    ));
    if let Some(uri) = &a.authorizer_uri {
        let function = a
            .lambda
            .as_ref()
            .and_then(|l| l.function_arn.clone())
            .unwrap_or_else(|| {
                target(&Integration {
                    uri: Some(uri.clone()),
                    ..Default::default()
                })
            });
        lines.push(kv::kv(theme, W, "function", function));
    }
    if let Some(j) = &a.jwt_configuration {
        lines.push(kv::kv(
            theme,
            W,
            "issuer",
            j.issuer.clone().unwrap_or_else(|| "-".into()),
        ));
        lines.push(kv::kv(theme, W, "audience", j.audience.join(", ")));
    }
    if !a.provider_arns.is_empty() {
        lines.push(kv::kv(theme, W, "user pools", a.provider_arns.join(", ")));
    }
    let sources = crate::engines::authz::identity::sources(&a.identity_source);
    lines.push(kv::kv(
        theme,
        W,
        "identity sources",
        match (sources.is_empty(), kind) {
            (false, _) => sources.join(", "),
            (true, Some(LambdaAuthorizerKind::RestToken)) => format!(
                "{} (the TOKEN default)",
                crate::engines::authz::event::DEFAULT_TOKEN_SOURCE
            ),
            (true, _) => "none".into(),
        },
    ));
    if kind.is_some() {
        lines.push(kv::kv(
            theme,
            W,
            "result TTL",
            match a.result_ttl_in_seconds {
                Some(0) => "0 s: not cached, invoked on every request".to_string(),
                Some(t) if sources.is_empty() => {
                    format!("{t} s, but no identity source: AWS caches nothing")
                }
                Some(t) => format!("{t} s: cached per identity ({})", sources.join(", ")),
                None => "not reported".into(),
            },
        ));
        lines.push(kv::kv(
            theme,
            W,
            "answer",
            match kind {
                Some(LambdaAuthorizerKind::HttpV2) if a.enable_simple_responses == Some(true) => {
                    "simple response {\"isAuthorized\": bool, \"context\": {...}}"
                }
                _ => "IAM policy (principalId, policyDocument, context)",
            },
        ));
        lines.push(kv::kv(
            theme,
            W,
            "payload version",
            match kind {
                Some(LambdaAuthorizerKind::HttpV1) => "1.0",
                Some(LambdaAuthorizerKind::HttpV2) => "2.0",
                _ => "REST (no payload version)",
            },
        ));
    }
    lines
}

impl Page for AuthorizerDetailPage {
    fn title(&self, shared: &Shared) -> String {
        shared
            .inventory
            .api(&self.api_id)
            .and_then(|a| a.authorizer(&self.authorizer_id))
            .map(|a| format!("authorizer {}", a.name))
            .unwrap_or_else(|| format!("authorizer {}", self.authorizer_id))
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["authorizer", "detail"]
    }

    fn filterable(&self) -> bool {
        false
    }

    /// The route the event is built for: `:send` composes its request.
    fn selection(&self, shared: &Shared) -> Selection {
        let route_key = shared.inventory.api(&self.api_id).and_then(|api| {
            let a = api.authorizer(&self.authorizer_id)?;
            Self::routes(api, a).get(self.route).map(|r| r.to_string())
        });
        Selection {
            api_id: Some(self.api_id.clone()),
            route_key,
            stage_name: None,
        }
    }

    fn on_leave(&mut self, _shared: &mut Shared) {
        // Nobody is left to read the answer.
        self.call.reset();
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        if *action == Action::Back && self.call.escape() {
            return Some(vec![]);
        }
        if let Action::Page(verb) = action {
            let verb = AuthorizerVerb::parse(verb)?;
            match verb {
                AuthorizerVerb::Invoke => return Some(self.press(RealCall::Invoke, shared)),
                AuthorizerVerb::TestInvoke => {
                    return Some(self.press(RealCall::TestInvoke, shared));
                }
                AuthorizerVerb::Confirm => return Some(self.confirm(shared)),
                AuthorizerVerb::NextRoute | AuthorizerVerb::PrevRoute => self.call.reset(),
            }
            let n = shared
                .inventory
                .api(&self.api_id)
                .and_then(|api| Some(Self::routes(api, api.authorizer(&self.authorizer_id)?).len()))
                .unwrap_or(0)
                .max(1);
            self.route = match verb {
                AuthorizerVerb::NextRoute => (self.route + 1) % n,
                AuthorizerVerb::PrevRoute => (self.route + n - 1) % n,
                _ => self.route,
            };
            return Some(vec![]);
        }
        self.scroll.handle(action).then(Vec::new)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let theme = &shared.theme;
        let api = shared.inventory.api(&self.api_id);
        let lines = match api.and_then(|api| Some((api, api.authorizer(&self.authorizer_id)?))) {
            Some((api, a)) => self.lines(api, a, shared),
            None => vec![kv::error(
                theme,
                format!(
                    "authorizer {} is not in the inventory (any more)",
                    self.authorizer_id
                ),
            )],
        };
        self.scroll
            .render_detail(frame, area, " Authorizer ", lines, theme);
    }
}
