//! Detail pages for the rows of the Usage plans, Gateway responses and
//! Domains tabs: one page type, three subjects, each drawn from the
//! inventory on every frame (so a refresh shows at once).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::rest_tables::{base_path_label, mapping_url, quota_text, throttle_text};
use crate::domain::{Api, CustomDomain, GatewayResponse, Protocol, UsagePlan};
use crate::ui::action::Action;
use crate::ui::components::json;
use crate::ui::components::styles::BodyStyles;
use crate::ui::components::{ScrollText, kv};
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::theme::Theme;

/// What the page shows, by its key in the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Plan(String),
    GatewayResponse(String),
    Domain(String),
}

pub(crate) struct RestDetailPage {
    pub api_id: String,
    pub subject: Subject,
    scroll: ScrollText,
}

const W: usize = 16;

impl RestDetailPage {
    fn new(api_id: &str, subject: Subject) -> RestDetailPage {
        RestDetailPage {
            api_id: api_id.into(),
            subject,
            scroll: ScrollText::default(),
        }
    }

    pub fn plan(api_id: &str, plan_id: &str) -> RestDetailPage {
        Self::new(api_id, Subject::Plan(plan_id.into()))
    }

    pub fn gateway_response(api_id: &str, response_type: &str) -> RestDetailPage {
        Self::new(api_id, Subject::GatewayResponse(response_type.into()))
    }

    pub fn domain(api_id: &str, domain_name: &str) -> RestDetailPage {
        Self::new(api_id, Subject::Domain(domain_name.into()))
    }

    fn lines(&self, api: &Api, theme: &Theme) -> Option<Vec<Line<'static>>> {
        Some(match &self.subject {
            Subject::Plan(id) => {
                plan_lines(api, api.usage_plans.iter().find(|p| &p.id == id)?, theme)
            }
            Subject::GatewayResponse(t) => response_lines(
                api.gateway_responses
                    .iter()
                    .find(|g| &g.response_type == t)?,
                theme,
            ),
            Subject::Domain(name) => domain_lines(
                api,
                api.domains.iter().find(|d| &d.domain_name == name)?,
                theme,
            ),
        })
    }
}

fn plan_lines(api: &Api, p: &UsagePlan, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(p.name.clone(), theme.get("title")),
        Span::styled(format!("  id {}", p.id), theme.get("dim")),
    ])];
    if let Some(d) = p.description.as_deref().filter(|d| !d.is_empty()) {
        lines.push(Line::styled(d.to_string(), theme.get("dim")));
    }
    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Limits"));
    lines.push(kv::kv(
        theme,
        W,
        "throttle",
        match throttle_text(p.throttle.as_ref()).as_str() {
            "-" => "none on the plan (stage and account limits apply)".to_string(),
            t => format!("{t} per key: above it 429 {{\"message\":\"Too Many Requests\"}}"),
        },
    ));
    lines.push(kv::kv(
        theme,
        W,
        "quota",
        match p.quota.as_ref() {
            None => "none".to_string(),
            q => format!(
                "{} per key: once used up 429 {{\"message\":\"Limit Exceeded\"}}",
                quota_text(q)
            ),
        },
    ));

    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Stages of this API"));
    let ours: Vec<_> = p.api_stages.iter().filter(|s| s.api_id == api.id).collect();
    if ours.is_empty() {
        lines.push(kv::warn(theme, "the plan covers no stage of this API"));
    }
    for s in ours {
        lines.push(kv::kv(
            theme,
            W,
            &s.stage,
            if s.method_throttles.is_empty() {
                "no per-method throttle".to_string()
            } else {
                format!("{} per-method throttles", s.method_throttles.len())
            },
        ));
        for (method, t) in &s.method_throttles {
            lines.push(kv::kv(
                theme,
                W,
                "",
                format!("{method}  {}", throttle_text(Some(t))),
            ));
        }
    }
    let others: Vec<String> = p
        .api_stages
        .iter()
        .filter(|s| s.api_id != api.id)
        .map(|s| format!("{}/{}", s.api_id, s.stage))
        .collect();
    if !others.is_empty() {
        lines.push(kv::kv(theme, W, "other APIs", others.join(", ")));
    }

    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, format!("API keys ({})", p.keys.len())));
    lines.push(Line::styled(
        "Names and ids only: gatescope never fetches or shows key values.",
        theme.get("dim"),
    ));
    if p.keys.is_empty() {
        lines.push(kv::warn(
            theme,
            "no key belongs to this plan: it admits no caller (a key must belong to a plan covering the stage)",
        ));
    }
    for k in &p.keys {
        let state = match k.enabled {
            Some(true) => Span::styled("enabled", theme.get("ok")),
            Some(false) => Span::styled("disabled: 403 Forbidden", theme.get("warn")),
            None => Span::styled("state unknown", theme.get("dim")),
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{:<W$} ",
                    k.name.clone().unwrap_or_else(|| "(no name)".into())
                ),
                theme.get("label"),
            ),
            Span::styled(format!("{}  ", k.id), theme.get("value")),
            state,
        ]));
    }
    lines
}

fn response_lines(g: &GatewayResponse, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(g.response_type.clone(), theme.get("title")),
        Line::raw(""),
        kv::kv(
            theme,
            W,
            "status",
            g.status_code
                .clone()
                .unwrap_or_else(|| "AWS's default for this type".into()),
        ),
        kv::kv(
            theme,
            W,
            "kind",
            if g.default_response {
                "AWS's default (not customised)"
            } else {
                "customised: callers see this instead of AWS's default"
            },
        ),
    ];
    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Headers"));
    if g.response_parameters.is_empty() {
        lines.push(Line::styled("none", theme.get("dim")));
    }
    for (k, v) in &g.response_parameters {
        let name = k.strip_prefix("gatewayresponse.header.").unwrap_or(k);
        lines.push(kv::kv(theme, W, name, v.clone()));
    }
    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Body templates"));
    if g.response_templates.is_empty() {
        lines.push(Line::styled("none", theme.get("dim")));
    }
    let styles = BodyStyles::from_theme(theme);
    for (ct, t) in &g.response_templates {
        lines.push(Line::styled(ct.clone(), theme.get("label")));
        match json::pretty(t.as_bytes()) {
            Some(p) => lines.extend(p.lines().map(|l| json::highlight_line(l, &styles))),
            // Templates hold `$context` expressions and are often not JSON.
            None => lines.extend(
                crate::engines::terminal_text::escape(t)
                    .lines()
                    .map(|l| Line::raw(l.to_string())),
            ),
        }
    }
    lines
}

fn domain_lines(api: &Api, d: &CustomDomain, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(d.domain_name.clone(), theme.get("title")),
        Line::raw(""),
        kv::kv(
            theme,
            W,
            "DNS target",
            d.target_domain_name.clone().unwrap_or_else(|| "-".into()),
        ),
        kv::kv(
            theme,
            W,
            "endpoint",
            d.endpoint_type.clone().unwrap_or_else(|| "-".into()),
        ),
        kv::kv(
            theme,
            W,
            "status",
            d.status.clone().unwrap_or_else(|| "-".into()),
        ),
        Line::raw(""),
        kv::heading(theme, format!("Mappings ({})", d.mappings.len())),
    ];
    for m in &d.mappings {
        let ours = m.api_id == api.id;
        let (mark, style) = if ours {
            ("▶ ", theme.get("value"))
        } else {
            ("  ", theme.get("dim"))
        };
        lines.push(Line::from(vec![
            Span::raw(mark),
            Span::styled(format!("{:<12} ", base_path_label(m)), theme.get("label")),
            Span::styled(
                format!(
                    "→ {} {}  {}",
                    if ours { "this API" } else { m.api_id.as_str() },
                    m.stage.as_deref().map_or_else(
                        || "(stage from the path)".to_string(),
                        |s| format!("stage {s}")
                    ),
                    mapping_url(d, m)
                ),
                style,
            ),
        ]));
    }
    lines.push(Line::raw(""));
    let miss = if api.protocol() == Protocol::Rest {
        "403"
    } else {
        "404"
    };
    lines.push(Line::styled(
        format!(
            "A path no mapping covers is answered by API Gateway itself ({miss}, see the doctor) and leaves no access log: compare the URL with the base paths above."
        ),
        theme.get("dim"),
    ));
    if api.disable_execute_api_endpoint {
        lines.push(kv::warn(
            theme,
            "the default execute-api endpoint is disabled: callers must use a custom domain",
        ));
    }
    lines
}

impl Page for RestDetailPage {
    fn title(&self, _shared: &Shared) -> String {
        match &self.subject {
            Subject::Plan(id) => format!("plan {id}"),
            Subject::GatewayResponse(t) => t.clone(),
            Subject::Domain(d) => d.clone(),
        }
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["detail"]
    }

    fn filterable(&self) -> bool {
        false
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        Selection {
            api_id: Some(self.api_id.clone()),
            ..Default::default()
        }
    }

    fn handle(&mut self, action: &Action, _shared: &mut Shared) -> Option<Vec<Effect>> {
        self.scroll.handle(action).then(Vec::new)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let theme = &shared.theme;
        let heading = match &self.subject {
            Subject::Plan(_) => " Usage plan ",
            Subject::GatewayResponse(_) => " Gateway response ",
            Subject::Domain(_) => " Custom domain ",
        };
        let lines = shared
            .inventory
            .api(&self.api_id)
            .and_then(|api| self.lines(api, theme))
            .unwrap_or_else(|| {
                vec![kv::error(
                    theme,
                    format!("{} is not in the inventory (any more)", self.title(shared)),
                )]
            });
        self.scroll
            .render_detail(frame, area, heading, lines, theme);
    }
}
