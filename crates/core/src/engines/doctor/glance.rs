//! Findings "at a glance": the part of the configuration lint that is cheap,
//! certain and worth a column in the inventory (the API list's FLAGS, the API
//! detail's warnings, `apis` and `inspect`). These ARE lint rules: the same
//! functions [`super::lint_api`] runs, so a flag carries the doctor's code,
//! title and fix, and the inventory and the doctor cannot disagree.
//!
//! Each finding says which stage or route it is about, so a table can show
//! it on that row.

use super::lint;
use crate::domain::{Api, Certainty, Finding, FindingCode, Protocol, Severity};

/// One lint finding and the stage or route it is about (neither: the API).
#[derive(Debug, Clone, PartialEq)]
pub struct GlanceFinding {
    pub finding: Finding,
    pub stage: Option<String>,
    pub route: Option<String>,
}

impl GlanceFinding {
    fn api(finding: Finding) -> Self {
        GlanceFinding {
            finding,
            stage: None,
            route: None,
        }
    }
}

/// The at-a-glance findings of one API. CORS is checked from the list call's
/// data alone; stage and route rules wait for the details (an API whose
/// details have not loaded is not "without stages").
pub fn glance(api: &Api) -> Vec<GlanceFinding> {
    let mut out: Vec<GlanceFinding> = api
        .cors
        .as_ref()
        .and_then(crate::engines::cors::credentials_with_wildcard)
        .map(GlanceFinding::api)
        .into_iter()
        .collect();
    // Listed last (after what was checked), but also before the details
    // load: a failed detail call is itself worth a flag.
    let incomplete = (!api.problems.is_empty()).then(|| {
        GlanceFinding::api(
            Finding::new(
                FindingCode::DetailsIncomplete,
                Certainty::FromConfig,
                format!(
                    "Some details of API {} could not be loaded: {}",
                    api.id,
                    api.problems.join("; ")
                ),
            )
            .evidence(api.problems.join("; ")),
        )
    });
    if !api.details_loaded {
        out.extend(incomplete);
        return out;
    }
    for stage in &api.stages {
        // A format gap is flagged at a glance only when it breaks
        // correlation (no request id: severity error); the doctor's lint
        // lists the nice-to-have fields. WebSocket stages log per message
        // and the request-id rule does not apply to them.
        let wanted = |f: &Finding| match f.code {
            FindingCode::AccessLoggingOff => true,
            FindingCode::AccessLogMissingFields => {
                f.severity == Severity::Error && api.protocol() != Protocol::Websocket
            }
            _ => false,
        };
        if let Some(f) = lint::access_logging(api, stage).filter(wanted) {
            out.push(GlanceFinding {
                finding: f,
                stage: Some(stage.stage_name.clone()),
                route: None,
            });
        }
    }
    for route in &api.routes {
        if let Some(f) = lint::no_integration(api, route) {
            out.push(GlanceFinding {
                finding: f,
                stage: None,
                route: Some(route.route_key.clone()),
            });
        }
    }
    out.extend(incomplete);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccessLogSettings, Cors, Integration, Route, Stage};
    use crate::engines::doctor::lint_api;

    fn api() -> Api {
        Api {
            id: "a".into(),
            details_loaded: true,
            routes: vec![
                Route {
                    route_key: "GET /ok".into(),
                    integration: Some(Integration::default()),
                    ..Route::default()
                },
                Route {
                    route_key: "POST /orphan".into(),
                    ..Route::default()
                },
            ],
            stages: vec![
                Stage {
                    stage_name: "prod".into(),
                    access_log_settings: Some(AccessLogSettings {
                        destination_arn: Some("arn:aws:logs:us-east-1:1:log-group:g".into()),
                        format: Some("$context.requestId".into()),
                    }),
                    ..Stage::default()
                },
                Stage {
                    stage_name: "$default".into(),
                    ..Stage::default()
                },
                Stage {
                    stage_name: "nolink".into(),
                    access_log_settings: Some(AccessLogSettings {
                        destination_arn: Some("arn:aws:logs:us-east-1:1:log-group:g".into()),
                        format: Some(r#"{"status":"$context.status"}"#.into()),
                    }),
                    ..Stage::default()
                },
            ],
            ..Api::default()
        }
    }

    fn summary(all: &[GlanceFinding]) -> Vec<(FindingCode, Option<&str>, Option<&str>)> {
        all.iter()
            .map(|g| (g.finding.code, g.stage.as_deref(), g.route.as_deref()))
            .collect()
    }

    #[test]
    fn flags_each_broken_thing_once_on_its_row() {
        assert_eq!(
            summary(&glance(&api())),
            vec![
                (FindingCode::AccessLoggingOff, Some("$default"), None),
                (FindingCode::AccessLogMissingFields, Some("nolink"), None),
                (FindingCode::RouteNoIntegration, None, Some("POST /orphan")),
            ]
        );
    }

    #[test]
    fn every_glance_finding_is_also_a_lint_finding_with_the_same_fix() {
        let api = api();
        let lint = lint_api(&api, None, &[]);
        for g in glance(&api) {
            let twin = lint
                .iter()
                .find(|f| f.code == g.finding.code)
                .unwrap_or_else(|| panic!("{} is not a lint finding", g.finding.code.as_str()));
            assert_eq!(twin.fix, g.finding.fix, "{}", g.finding.code.as_str());
            assert!(g.finding.fix.is_some(), "{}", g.finding.code.as_str());
        }
    }

    #[test]
    fn cors_credentials_with_wildcard_is_flagged_even_before_details() {
        let mut a = Api {
            cors: Some(Cors {
                allow_origins: vec!["*".into()],
                allow_credentials: Some(true),
                ..Cors::default()
            }),
            ..Api::default()
        };
        assert_eq!(
            summary(&glance(&a)),
            vec![(FindingCode::CorsCredentialsWithWildcard, None, None)]
        );
        a.cors.as_mut().unwrap().allow_origins = vec!["https://app.example.com".into()];
        assert!(glance(&a).is_empty());
        a.cors.as_mut().unwrap().allow_origins = vec![" * ".into()];
        a.cors.as_mut().unwrap().allow_credentials = Some(false);
        assert!(glance(&a).is_empty());
    }

    #[test]
    fn problems_are_flagged_as_incomplete_details() {
        let mut a = api();
        a.problems.push("stages are missing: denied".into());
        let g = glance(&a);
        let f = g
            .iter()
            .find(|g| g.finding.code == FindingCode::DetailsIncomplete)
            .unwrap();
        assert!(f.finding.title.contains("denied"));
        assert!(f.finding.fix.is_some());
    }

    #[test]
    fn an_empty_destination_is_logging_off_everywhere() {
        let mut a = api();
        a.stages[0]
            .access_log_settings
            .as_mut()
            .unwrap()
            .destination_arn = Some(String::new());
        let all = glance(&a);
        let codes = summary(&all);
        assert!(codes.contains(&(FindingCode::AccessLoggingOff, Some("prod"), None)));
        assert!(
            lint_api(&a, Some("prod"), &[])
                .iter()
                .any(|f| f.code == FindingCode::AccessLoggingOff)
        );
    }
}
