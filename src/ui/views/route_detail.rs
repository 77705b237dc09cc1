//! One route: integration target, payload format, authorizer and scopes,
//! throttling, and the URL to call it on each stage.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::api_tables::target;
use crate::domain::{Api, Integration, Protocol, Route, Stage};
use crate::ui::action::Action;
use crate::ui::components::{ScrollText, kv};
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::theme::Theme;

pub(crate) struct RouteDetailPage {
    pub api_id: String,
    pub route_key: String,
    scroll: ScrollText,
}

impl RouteDetailPage {
    pub fn new(api_id: &str, route_key: &str) -> RouteDetailPage {
        RouteDetailPage {
            api_id: api_id.into(),
            route_key: route_key.into(),
            scroll: ScrollText::default(),
        }
    }
}

const W: usize = 16;

/// The URL that reaches `route` on `stage` (path parameters left as `{name}`).
pub fn invoke_url(api: &Api, stage: &Stage, route: &Route) -> Option<String> {
    let base = match &stage.invoke_url {
        Some(u) => u.trim_end_matches('/').to_string(),
        None => {
            let endpoint = api.endpoint.as_deref()?.trim_end_matches('/');
            if stage.stage_name == "$default" {
                endpoint.to_string()
            } else {
                format!("{endpoint}/{}", stage.stage_name)
            }
        }
    };
    let path = route.path().unwrap_or("/{any path}");
    Some(format!("{base}{path}"))
}

fn route_lines(api: &Api, route: &Route, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::from(vec![
            Span::styled(route.route_key.clone(), theme.get("title")),
            Span::styled(
                route
                    .route_id
                    .as_deref()
                    .map(|id| format!("  id {id}"))
                    .unwrap_or_default(),
                theme.get("dim"),
            ),
        ]),
        Line::raw(""),
        kv::heading(theme, "Integration"),
    ];
    match &route.integration {
        Some(i) => {
            lines.push(kv::kv(theme, W, "type", i.integration_type.as_ref().map_or_else(|| "-".into(), ToString::to_string)));
            lines.push(kv::kv(theme, W, "target", target(i)));
            if let Some(uri) = &i.uri {
                lines.push(kv::kv(theme, W, "uri", uri.clone()));
            }
            let payload = match (&i.payload_format_version, api.protocol()) {
                (Some(v), _) => v.clone(),
                (None, Protocol::Rest) => "1.0 (REST proxy)".into(),
                (None, _) => "-".into(),
            };
            lines.push(kv::kv(theme, W, "payload format", payload));
            if let Some(t) = i.timeout_in_millis {
                lines.push(kv::kv(theme, W, "timeout", format!("{t} ms")));
            }
            if let Some(m) = &i.integration_method {
                lines.push(kv::kv(theme, W, "method", m.clone()));
            }
            if let Some(c) = &i.connection_type {
                lines.push(kv::kv(theme, W, "connection", c.clone()));
            }
            if let Some(c) = &i.credentials_arn {
                lines.push(kv::kv(theme, W, "credentials", c.clone()));
            }
        }
        None => lines.push(kv::warn(
            theme,
            "no integration: requests matching this route have nothing to call (attach one with `aws apigatewayv2 update-route --target integrations/ID`)",
        )),
    }

    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Authorization"));
    lines.push(kv::kv(theme, W, "type", route.authorization().to_string()));
    if let Some(id) = &route.authorizer_id {
        match api.authorizer(id) {
            Some(a) => {
                lines.push(kv::kv(
                    theme,
                    W,
                    "authorizer",
                    format!("{} ({}, {})", a.name, a.id, a.authorizer_type),
                ));
                if !a.identity_source.is_empty() {
                    lines.push(kv::kv(
                        theme,
                        W,
                        "identity source",
                        a.identity_source.join(", "),
                    ));
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
                if let Some(uri) = &a.authorizer_uri {
                    // The function's name (as the authorizer page shows it), not the
                    // apigateway invocation URI wrapped around it.
                    let function = target(&Integration {
                        uri: Some(uri.clone()),
                        ..Default::default()
                    });
                    lines.push(kv::kv(theme, W, "function", function));
                }
            }
            None => lines.push(kv::warn(
                theme,
                format!("authorizer {id} is not in the inventory (authorizers may be unavailable)"),
            )),
        }
    }
    if !route.authorization_scopes.is_empty() {
        lines.push(kv::kv(
            theme,
            W,
            "scopes",
            route.authorization_scopes.join(" "),
        ));
    }
    if route.api_key_required {
        lines.push(kv::kv(theme, W, "API key", "required (x-api-key)"));
    }

    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Invoke URL per stage"));
    if api.stages.is_empty() {
        lines.push(kv::warn(
            theme,
            "no stages: the API is not deployed, nothing can call this route",
        ));
    }
    for stage in &api.stages {
        let url = invoke_url(api, stage, route).unwrap_or_else(|| "-".into());
        lines.push(kv::kv(theme, W, &stage.stage_name, url));
        let path = route.path().unwrap_or("/{any path}");
        for base in api.domain_urls(&stage.stage_name) {
            lines.push(kv::kv(
                theme,
                W,
                "",
                format!("{base}{path}  (custom domain)"),
            ));
        }
        let settings = stage
            .route_settings
            .get(&route.route_key)
            .or(stage.default_route_settings.as_ref());
        if let Some(t) = settings
            .filter(|t| t.throttling_rate_limit.is_some() || t.throttling_burst_limit.is_some())
        {
            let scope = if stage.route_settings.contains_key(&route.route_key) {
                "route"
            } else {
                "stage default"
            };
            lines.push(kv::kv(
                theme,
                W,
                "",
                format!(
                    "throttling {} rps, burst {} ({scope})",
                    t.throttling_rate_limit
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "-".into()),
                    t.throttling_burst_limit
                        .map(|b| b.to_string())
                        .unwrap_or_else(|| "-".into()),
                ),
            ));
        }
        if stage.access_logging().is_off() {
            lines.push(kv::styled(
                format!("{:W$} access logging off on this stage", ""),
                theme.get("warn"),
            ));
        }
    }
    lines
}

impl Page for RouteDetailPage {
    fn title(&self, _shared: &Shared) -> String {
        self.route_key.clone()
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["route", "detail"]
    }

    fn filterable(&self) -> bool {
        false
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        Selection {
            api_id: Some(self.api_id.clone()),
            route_key: Some(self.route_key.clone()),
            stage_name: None,
        }
    }

    fn handle(&mut self, action: &Action, _shared: &mut Shared) -> Option<Vec<Effect>> {
        self.scroll.handle(action).then(Vec::new)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let theme = &shared.theme;
        let api = shared.inventory.api(&self.api_id);
        let lines = match api.and_then(|a| a.route(&self.route_key).map(|r| (a, r))) {
            Some((api, route)) => route_lines(api, route, theme),
            None => vec![kv::error(
                theme,
                format!(
                    "route {} is not in the inventory (any more)",
                    self.route_key
                ),
            )],
        };
        self.scroll
            .render_detail(frame, area, " Route ", lines, theme);
    }
}
