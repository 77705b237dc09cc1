//! The table tabs of the API detail page: rows, columns and search text.
//! Rows are built in data order; the page's `FilterList` picks and orders them.

use ratatui::layout::Constraint;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row};

use super::api_detail::Tab;
use super::checks;
use crate::app::inventory::flags::{self, flags};
use crate::domain::{AccessLogging, Api, Integration};
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
pub fn haystacks(api: &Api) -> [Vec<String>; 4] {
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

/// Header, column widths and all rows (data order) of a table tab.
pub fn table(
    tab: Tab,
    api: &Api,
    theme: &Theme,
) -> (Row<'static>, Vec<Constraint>, Vec<Row<'static>>) {
    let warn = |s: String| Cell::from(Span::styled(s, theme.get("warn")));
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
                    Row::new([
                        Cell::from(r.method().to_string()),
                        Cell::from(r.path().unwrap_or("$default").to_string()),
                        Cell::from(auth),
                        Cell::from(integration),
                        Cell::from(payload),
                        warn(flag),
                    ])
                })
                .collect();
            (
                Row::new(["METHOD", "PATH", "AUTH", "INTEGRATION", "PAYLOAD", "FLAGS"]),
                vec![
                    Constraint::Length(7),
                    Constraint::Fill(3),
                    Constraint::Fill(2),
                    Constraint::Fill(3),
                    Constraint::Length(7),
                    Constraint::Length(14),
                ],
                rows,
            )
        }
        Tab::Integrations => {
            let rows = integrations(api)
                .into_iter()
                .map(|u| {
                    let i = &u.integration;
                    Row::new([
                        Cell::from(
                            i.integration_type
                                .as_ref()
                                .map_or_else(|| "-".into(), ToString::to_string),
                        ),
                        Cell::from(target(i)),
                        Cell::from(
                            i.payload_format_version
                                .clone()
                                .unwrap_or_else(|| "-".into()),
                        ),
                        Cell::from(
                            i.timeout_in_millis
                                .map(|t| format!("{t} ms"))
                                .unwrap_or_else(|| "-".into()),
                        ),
                        Cell::from(u.routes.join(", ")),
                    ])
                })
                .collect();
            (
                Row::new(["TYPE", "TARGET", "PAYLOAD", "TIMEOUT", "ROUTES"]),
                vec![
                    Constraint::Length(11),
                    Constraint::Fill(3),
                    Constraint::Length(7),
                    Constraint::Length(9),
                    Constraint::Fill(3),
                ],
                rows,
            )
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
                    let used = api
                        .routes
                        .iter()
                        .filter(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()))
                        .count();
                    Row::new([
                        Cell::from(a.name.clone()),
                        Cell::from(a.id.clone()),
                        Cell::from(a.authorizer_type.to_string()),
                        Cell::from(a.identity_source.join(", ")),
                        Cell::from(detail),
                        Cell::from(used.to_string()),
                    ])
                })
                .collect();
            (
                Row::new(["NAME", "ID", "TYPE", "IDENTITY SOURCE", "CONFIG", "ROUTES"]),
                vec![
                    Constraint::Fill(2),
                    Constraint::Length(10),
                    Constraint::Length(18),
                    Constraint::Fill(2),
                    Constraint::Fill(4),
                    Constraint::Length(6),
                ],
                rows,
            )
        }
        Tab::Stages | Tab::Cors => {
            let rows = api
                .stages
                .iter()
                .map(|s| {
                    let log = match s.access_logging() {
                        AccessLogging::CloudWatch { group, .. } => Cell::from(group),
                        AccessLogging::Elsewhere { .. } => Cell::from("on"),
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
                    Row::new([
                        Cell::from(s.stage_name.clone()),
                        Cell::from(if s.auto_deploy { "yes" } else { "no" }),
                        Cell::from(s.invoke_url.clone().unwrap_or_else(|| "-".into())),
                        log,
                        Cell::from(throttle),
                    ])
                })
                .collect();
            (
                Row::new(["STAGE", "AUTO", "INVOKE URL", "ACCESS LOG", "THROTTLING"]),
                vec![
                    Constraint::Length(10),
                    Constraint::Length(4),
                    Constraint::Fill(4),
                    Constraint::Fill(2),
                    Constraint::Length(20),
                ],
                rows,
            )
        }
    }
}
