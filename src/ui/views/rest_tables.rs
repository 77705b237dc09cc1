//! The table tabs of the API detail page for what sits around the routes:
//! usage plans with their keys (REST), gateway responses (REST) and custom
//! domains with their mappings. Rows in data order, as in `api_tables`.

use ratatui::text::Span;

use crate::domain::{Api, CustomDomain, DomainMapping, GatewayResponse, Quota, Throttle};
use crate::ui::components::columns::{Column, TableSpec};
use crate::ui::theme::Theme;

/// `100 rps / 50 burst`, `-` when unset.
pub fn throttle_text(t: Option<&Throttle>) -> String {
    match t {
        Some(t) if t.rate_limit.is_some() || t.burst_limit.is_some() => format!(
            "{} rps / {} burst",
            t.rate_limit.map_or_else(|| "-".into(), |r| r.to_string()),
            t.burst_limit.map_or_else(|| "-".into(), |b| b.to_string())
        ),
        _ => "-".into(),
    }
}

/// `5 per DAY`, `-` when the plan has no quota.
pub(crate) fn quota_text(q: Option<&Quota>) -> String {
    match q {
        Some(q) if q.offset != 0 => format!("{} per {} (offset {})", q.limit, q.period, q.offset),
        Some(q) => format!("{} per {}", q.limit, q.period),
        None => "-".into(),
    }
}

/// A mapping's base path as the console writes it.
pub(crate) fn base_path_label(m: &DomainMapping) -> String {
    if m.base_path.is_empty() {
        "(none)".into()
    } else {
        format!("/{}", m.base_path)
    }
}

/// The custom-domain mappings that lead to this API, with their domain.
pub fn mappings(api: &Api) -> Vec<(&CustomDomain, &DomainMapping)> {
    api.domains
        .iter()
        .flat_map(|d| {
            d.mappings
                .iter()
                .filter(|m| m.api_id == api.id)
                .map(move |m| (d, m))
        })
        .collect()
}

/// The URL a mapping gives callers (the stage after the base path for a
/// mapping without one).
pub(crate) fn mapping_url(d: &CustomDomain, m: &DomainMapping) -> String {
    match &m.stage {
        Some(_) => m.url(&d.domain_name),
        None => format!("{}/{{stage}}", m.url(&d.domain_name)),
    }
}

/// A gateway response's body templates on one line.
fn templates_text(g: &GatewayResponse) -> String {
    g.response_templates
        .iter()
        .map(|(ct, t)| {
            format!(
                "{ct}: {}",
                t.split_whitespace().collect::<Vec<_>>().join(" ")
            )
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Search text per row: plans, gateway responses, domain mappings.
pub(crate) fn haystacks(api: &Api) -> [Vec<String>; 3] {
    let plans = api
        .usage_plans
        .iter()
        .map(|p| {
            let keys: Vec<&str> = p
                .keys
                .iter()
                .map(|k| k.name.as_deref().unwrap_or(&k.id))
                .collect();
            format!("{} {} {}", p.name, p.id, keys.join(" "))
        })
        .collect();
    let responses = api
        .gateway_responses
        .iter()
        .map(|g| {
            format!(
                "{} {} {}",
                g.response_type,
                g.status_code.as_deref().unwrap_or(""),
                if g.default_response {
                    "default"
                } else {
                    "customised"
                }
            )
        })
        .collect();
    let domains = mappings(api)
        .iter()
        .map(|(d, m)| {
            format!(
                "{} {} {}",
                d.domain_name,
                m.base_path,
                m.stage.as_deref().unwrap_or("")
            )
        })
        .collect();
    [plans, responses, domains]
}

/// Usage plans covering a stage of this API.
pub fn plans(api: &Api, theme: &Theme) -> TableSpec {
    let rows = api
        .usage_plans
        .iter()
        .map(|p| {
            let stages: Vec<String> = p
                .api_stages
                .iter()
                .filter(|s| s.api_id == api.id)
                .map(|s| s.stage.clone())
                .collect();
            let method_throttles: usize = p
                .api_stages
                .iter()
                .filter(|s| s.api_id == api.id)
                .map(|s| s.method_throttles.len())
                .sum();
            let keys: Vec<String> = p
                .keys
                .iter()
                .map(|k| {
                    let mut name = k.name.clone().unwrap_or_else(|| k.id.clone());
                    if k.enabled == Some(false) {
                        name.push_str(" (disabled)");
                    }
                    name
                })
                .collect();
            let keys_cell = if keys.is_empty() {
                Span::styled("none", theme.get("warn"))
            } else {
                Span::raw(format!("{}: {}", keys.len(), keys.join(", ")))
            };
            vec![
                Span::raw(p.name.clone()),
                Span::raw(p.id.clone()),
                Span::raw(stages.join(", ")),
                Span::raw(throttle_text(p.throttle.as_ref())),
                Span::raw(quota_text(p.quota.as_ref())),
                Span::raw(if method_throttles == 0 {
                    "-".into()
                } else {
                    method_throttles.to_string()
                }),
                keys_cell,
            ]
        })
        .collect();
    TableSpec {
        columns: vec![
            Column::new("PLAN", 6, 30, 9),
            Column::new("ID", 6, 10, 2).optional(),
            Column::new("STAGES", 5, 24, 7),
            Column::new("THROTTLE", 8, 24, 6),
            Column::new("QUOTA", 6, 22, 5),
            Column::new("METHOD LIMITS", 3, 13, 1).optional(),
            Column::new("KEYS", 6, 60, 4),
        ],
        rows,
    }
}

/// Gateway responses: type, status, customised or AWS's default.
pub fn responses(api: &Api, theme: &Theme) -> TableSpec {
    let rows = api
        .gateway_responses
        .iter()
        .map(|g| {
            let kind = if g.default_response {
                Span::styled("default", theme.get("dim"))
            } else {
                Span::styled("customised", theme.get("warn"))
            };
            vec![
                Span::raw(g.response_type.clone()),
                Span::raw(g.status_code.clone().unwrap_or_else(|| "-".into())),
                kind,
                Span::raw(g.response_parameters.len().to_string()),
                Span::raw(templates_text(g)),
            ]
        })
        .collect();
    TableSpec {
        columns: vec![
            Column::new("TYPE", 10, 32, 9),
            Column::new("STATUS", 3, 6, 7),
            Column::new("KIND", 7, 10, 6),
            Column::new("HEADERS", 2, 7, 1).optional(),
            Column::new("BODY TEMPLATE", 8, 80, 4),
        ],
        rows,
    }
}

/// One row per mapping of a custom domain that leads to this API.
pub fn domains(api: &Api, theme: &Theme) -> TableSpec {
    let rows = mappings(api)
        .into_iter()
        .map(|(d, m)| {
            let stage = match &m.stage {
                Some(s) => Span::raw(s.clone()),
                None => Span::styled("(from path)", theme.get("dim")),
            };
            vec![
                Span::raw(d.domain_name.clone()),
                Span::raw(base_path_label(m)),
                stage,
                Span::raw(mapping_url(d, m)),
                Span::raw(d.endpoint_type.clone().unwrap_or_else(|| "-".into())),
                Span::raw(d.status.clone().unwrap_or_else(|| "-".into())),
            ]
        })
        .collect();
    TableSpec {
        columns: vec![
            Column::new("DOMAIN", 8, 40, 8),
            Column::new("BASE PATH", 4, 20, 7),
            Column::new("STAGE", 4, 16, 6),
            Column::new("URL", 10, 70, 9),
            Column::new("ENDPOINT", 4, 9, 2).optional(),
            Column::new("STATUS", 4, 12, 1).optional(),
        ],
        rows,
    }
}

/// A line under a tab's table: what the rows alone do not say.
pub fn note(tab: super::api_detail::Tab, api: &Api) -> Option<String> {
    use super::api_detail::Tab;
    match tab {
        Tab::UsagePlans => {
            let required: Vec<&str> = api
                .routes
                .iter()
                .filter(|r| r.api_key_required)
                .map(|r| r.route_key.as_str())
                .collect();
            let source = api.api_key_source.as_deref().unwrap_or("HEADER");
            let source = match source {
                "AUTHORIZER" => "AUTHORIZER (the Lambda authorizer's usageIdentifierKey)",
                _ => "HEADER (x-api-key)",
            };
            Some(if required.is_empty() {
                format!("key source {source} · no method requires a key")
            } else {
                format!(
                    "key source {source} · key required on {}",
                    required.join(", ")
                )
            })
        }
        Tab::Responses if !api.gateway_responses.is_empty() => {
            let custom = api
                .gateway_responses
                .iter()
                .filter(|g| !g.default_response)
                .count();
            Some(format!(
                "{custom} customised: they change the status and body callers see (the doctor reads them back as the defaults)"
            ))
        }
        _ => None,
    }
}
