//! The table tabs of the API detail page: rows, columns and search text.
//! Rows are built in data order; the page's `FilterList` picks and orders them.

use ratatui::text::Span;

use super::api_detail::Tab;
use super::checks;
use crate::app::inventory::flags::{self, flags};
use crate::domain::{AccessLogging, Api, Integration};
use crate::ui::components::columns::{Column, TableSpec};
use crate::ui::theme::Theme;

/// One distinct integration and the routes that use it.
#[derive(Debug, Clone, PartialEq)]
pub struct IntegrationUse {
    pub integration: Integration,
    pub routes: Vec<String>,
}

/// Integrations deduplicated by id (or by type+uri when ids are missing, as
/// with REST methods), in first-use order.
pub fn integrations(api: &Api) -> Vec<IntegrationUse> {
    let mut out: Vec<IntegrationUse> = Vec::new();
    for route in &api.routes {
        let Some(i) = &route.integration else {
            continue;
        };
        let same = |u: &IntegrationUse| match (&u.integration.id, &i.id) {
            (Some(a), Some(b)) => a == b,
            _ => u.integration.integration_type == i.integration_type && u.integration.uri == i.uri,
        };
        match out.iter_mut().find(|u| same(u)) {
            Some(u) => u.routes.push(route.route_key.clone()),
            None => out.push(IntegrationUse {
                integration: i.clone(),
                routes: vec![route.route_key.clone()],
            }),
        }
    }
    out
}

/// A readable target: the Lambda function name, or the URI.
pub fn target(i: &Integration) -> String {
    if let Some(arn) = i.lambda_arn() {
        let parts = arn.parts();
        return match parts.qualifier {
            Some(q) => format!("λ {}:{q}", parts.name),
            None => format!("λ {}", parts.name),
        };
    }
    i.uri.clone().unwrap_or_else(|| "-".into())
}

fn authorizer_label(api: &Api, id: Option<&str>, kind: Option<&str>) -> String {
    let kind = kind.unwrap_or("NONE");
    match id.and_then(|id| api.authorizer(id)) {
        Some(a) => format!("{kind} {}", a.name),
        None => match id {
            Some(id) => format!("{kind} {id}"),
            None => kind.to_string(),
        },
    }
}

/// Search text per row for each table tab (Routes, Integrations, Authorizers, Stages).
pub(crate) fn haystacks(api: &Api) -> [Vec<String>; 4] {
    let routes = api
        .routes
        .iter()
        .map(|r| {
            let target = r.integration.as_ref().map(target).unwrap_or_default();
            format!(
                "{} {} {target}",
                r.route_key,
                r.authorization_type
                    .as_ref()
                    .map(|t| t.as_str())
                    .unwrap_or("")
            )
        })
        .collect();
    let integrations = integrations(api)
        .iter()
        .map(|u| {
            format!(
                "{} {} {}",
                u.integration
                    .integration_type
                    .as_ref()
                    .map(|t| t.as_str())
                    .unwrap_or(""),
                u.integration.uri.as_deref().unwrap_or(""),
                u.routes.join(" ")
            )
        })
        .collect();
    let authorizers = api
        .authorizers
        .iter()
        .map(|a| format!("{} {} {}", a.name, a.id, a.authorizer_type))
        .collect();
    let stages = api
        .stages
        .iter()
        .map(|s| format!("{} {}", s.stage_name, s.invoke_url.as_deref().unwrap_or("")))
        .collect();
    [routes, integrations, authorizers, stages]
}

/// Columns and all rows (data order) of a table tab; the page fits them to
/// its width ([`TableSpec::fit`]): on a narrow terminal the path, target or
/// name keeps its text and optional columns (flags, payload) go first.
pub fn table(tab: Tab, api: &Api, theme: &Theme) -> TableSpec {
    let warn = |s: String| Span::styled(s, theme.get("warn"));
    match tab {
        Tab::Routes => {
            let all = flags(api);
            let rows = api
                .routes
                .iter()
                .map(|r| {
                    let (integration, payload) = match &r.integration {
                        Some(i) => (
                            target(i),
                            i.payload_format_version
                                .clone()
                                .unwrap_or_else(|| "-".into()),
                        ),
                        None => ("-".into(), "-".into()),
                    };
                    let mut auth = authorizer_label(
                        api,
                        r.authorizer_id.as_deref(),
                        r.authorization_type.as_ref().map(|t| t.as_str()),
                    );
                    if r.api_key_required {
                        auth.push_str(" +key");
                    }
                    let flag = flags::route_flags(&all, &r.route_key)
                        .map(|f| checks::tag(f.code).replace('-', " "))
                        .collect::<Vec<_>>()
                        .join(", ");
                    vec![
                        Span::raw(r.method().to_string()),
                        Span::raw(r.path().unwrap_or("$default").to_string()),
                        Span::raw(auth),
                        Span::raw(integration),
                        Span::raw(payload),
                        warn(flag),
                    ]
                })
                .collect();
            TableSpec {
                columns: vec![
                    Column::new("METHOD", 6, 7, 8),
                    Column::new("PATH", 10, 80, 9),
                    Column::new("AUTH", 4, 24, 5),
                    Column::new("INTEGRATION", 8, 40, 6),
                    Column::new("PAYLOAD", 3, 7, 2).optional(),
                    Column::new("FLAGS", 6, 20, 4).optional(),
                ],
                rows,
            }
        }
        Tab::Integrations => {
            let rows = integrations(api)
                .into_iter()
                .map(|u| {
                    let i = &u.integration;
                    vec![
                        Span::raw(
                            i.integration_type
                                .as_ref()
                                .map_or_else(|| "-".into(), ToString::to_string),
                        ),
                        Span::raw(target(i)),
                        Span::raw(
                            i.payload_format_version
                                .clone()
                                .unwrap_or_else(|| "-".into()),
                        ),
                        Span::raw(
                            i.timeout_in_millis
                                .map(|t| format!("{t} ms"))
                                .unwrap_or_else(|| "-".into()),
                        ),
                        Span::raw(u.routes.join(", ")),
                    ]
                })
                .collect();
            TableSpec {
                columns: vec![
                    Column::new("TYPE", 4, 11, 5),
                    Column::new("TARGET", 10, 60, 9),
                    Column::new("PAYLOAD", 3, 7, 2).optional(),
                    Column::new("TIMEOUT", 5, 9, 3).optional(),
                    Column::new("ROUTES", 8, 60, 6),
                ],
                rows,
            }
        }
        Tab::Authorizers => {
            let rows = api
                .authorizers
                .iter()
                .map(|a| {
                    let detail = match &a.jwt_configuration {
                        Some(j) => format!(
                            "issuer {} · aud {}",
                            j.issuer.as_deref().unwrap_or("-"),
                            if j.audience.is_empty() {
                                "-".into()
                            } else {
                                j.audience.join(",")
                            }
                        ),
                        None => a
                            .authorizer_uri
                            .as_deref()
                            .map(|u| {
                                target(&Integration {
                                    uri: Some(u.to_string()),
                                    ..Default::default()
                                })
                            })
                            .or_else(|| a.provider_arns.first().cloned())
                            .unwrap_or_else(|| "-".into()),
                    };
                    let used: Vec<&str> = api
                        .routes
                        .iter()
                        .filter(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()))
                        .map(|r| r.route_key.as_str())
                        .collect();
                    // Lambda authorizers: payload version, simple responses, caching.
                    let (kind, ttl) = match &a.lambda {
                        Some(l) => (
                            match (&l.payload_format_version, l.simple_responses) {
                                (Some(v), true) => format!("{} {v} simple", a.authorizer_type),
                                (Some(v), false) => format!("{} {v}", a.authorizer_type),
                                (None, _) => a.authorizer_type.to_string(),
                            },
                            match l.result_ttl_in_seconds {
                                Some(0) => "off".to_string(),
                                Some(t) => format!("{t} s"),
                                None => "-".to_string(),
                            },
                        ),
                        None => (a.authorizer_type.to_string(), "-".to_string()),
                    };
                    vec![
                        Span::raw(a.name.clone()),
                        Span::raw(a.id.clone()),
                        Span::raw(kind),
                        Span::raw(a.identity_source.join(", ")),
                        Span::raw(ttl),
                        Span::raw(detail),
                        Span::raw(format!("{}: {}", used.len(), used.join(", "))),
                    ]
                })
                .collect();
            TableSpec {
                columns: vec![
                    Column::new("NAME", 6, 30, 9),
                    Column::new("ID", 6, 10, 3).optional(),
                    Column::new("TYPE", 7, 18, 6),
                    Column::new("IDENTITY SOURCE", 8, 80, 7),
                    Column::new("CACHE", 3, 7, 2).optional(),
                    Column::new("CONFIG", 10, 80, 5),
                    Column::new("ROUTES", 6, 50, 4),
                ],
                rows,
            }
        }
        Tab::UsagePlans => super::rest_tables::plans(api, theme),
        Tab::Responses => super::rest_tables::responses(api, theme),
        Tab::Domains => super::rest_tables::domains(api, theme),
        // Text tabs: no table.
        Tab::Policy | Tab::Cors => TableSpec::default(),
        Tab::Stages => {
            let rows = api
                .stages
                .iter()
                .map(|s| {
                    let log = match s.access_logging() {
                        AccessLogging::CloudWatch { group, .. } => Span::raw(group),
                        AccessLogging::Elsewhere { .. } => Span::raw("on"),
                        AccessLogging::Off => warn("off".into()),
                    };
                    let throttle = s
                        .default_route_settings
                        .as_ref()
                        .map(|t| {
                            format!(
                                "{} rps / {} burst",
                                t.throttling_rate_limit
                                    .map(|r| r.to_string())
                                    .unwrap_or_else(|| "-".into()),
                                t.throttling_burst_limit
                                    .map(|b| b.to_string())
                                    .unwrap_or_else(|| "-".into())
                            )
                        })
                        .unwrap_or_else(|| "account default".into());
                    vec![
                        Span::raw(s.stage_name.clone()),
                        Span::raw(if s.auto_deploy { "yes" } else { "no" }),
                        Span::raw(s.invoke_url.clone().unwrap_or_else(|| "-".into())),
                        log,
                        Span::raw(throttle),
                    ]
                })
                .collect();
            TableSpec {
                columns: vec![
                    Column::new("STAGE", 5, 20, 9),
                    Column::new("AUTO", 4, 4, 1).optional(),
                    Column::new("INVOKE URL", 12, 80, 7),
                    Column::new("ACCESS LOG", 3, 40, 6),
                    Column::new("THROTTLING", 8, 24, 3).optional(),
                ],
                rows,
            }
        }
    }
}
