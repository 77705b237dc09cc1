//! "Flags at a glance": configuration that commonly breaks, visible in the
//! API list and detail views without running the doctor (which goes deeper).
//! Pure functions over the domain model.

use serde::Serialize;

use crate::domain::{Api, FindingCode};

const ACCESS_LOGGING_OFF: FindingCode = FindingCode::AccessLoggingOff;
const ROUTE_WITHOUT_INTEGRATION: FindingCode = FindingCode::RouteNoIntegration;
const CORS_CREDENTIALS_WITH_WILDCARD_ORIGIN: FindingCode = FindingCode::CorsCredentialsWithWildcard;
const DETAILS_INCOMPLETE: FindingCode = FindingCode::DetailsIncomplete;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub code: FindingCode,
    /// One sentence for a status line or a tooltip.
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

/// Everything worth flagging on one API. Detail-based flags only appear once
/// the details have loaded.
pub fn flags(api: &Api) -> Vec<Flag> {
    let mut out = Vec::new();
    if let Some(cors) = &api.cors
        && cors.allow_credentials == Some(true)
        && cors.allow_origins.iter().any(|o| o.trim() == "*")
    {
        out.push(Flag {
            code: CORS_CREDENTIALS_WITH_WILDCARD_ORIGIN,
            message: "CORS allows credentials with origin `*`: browsers refuse credentialed responses for a wildcard origin; list the origins".into(),
            stage: None,
            route: None,
        });
    }
    if !api.details_loaded {
        return out;
    }
    for stage in &api.stages {
        let on = stage
            .access_log_settings
            .as_ref()
            .and_then(|l| l.destination_arn.as_deref())
            .is_some_and(|d| !d.is_empty());
        if !on {
            out.push(Flag {
                code: ACCESS_LOGGING_OFF,
                message: format!(
                    "stage {} has no access logging: failed requests leave no trace to debug",
                    stage.stage_name
                ),
                stage: Some(stage.stage_name.clone()),
                route: None,
            });
        }
    }
    for route in &api.routes {
        if route.integration.is_none() {
            out.push(Flag {
                code: ROUTE_WITHOUT_INTEGRATION,
                message: format!(
                    "route {} has no integration: calls to it fail",
                    route.route_key
                ),
                stage: None,
                route: Some(route.route_key.clone()),
            });
        }
    }
    if !api.problems.is_empty() {
        out.push(Flag {
            code: DETAILS_INCOMPLETE,
            message: format!(
                "some details could not be loaded: {}",
                api.problems.join("; ")
            ),
            stage: None,
            route: None,
        });
    }
    out
}

/// Flags of one route only (for the routes table).
pub fn route_flags<'a>(all: &'a [Flag], route_key: &str) -> impl Iterator<Item = &'a Flag> {
    all.iter()
        .filter(move |f| f.route.as_deref() == Some(route_key))
}

/// Flags of one stage only (for the stages table).
pub fn stage_flags<'a>(all: &'a [Flag], stage: &str) -> impl Iterator<Item = &'a Flag> {
    all.iter()
        .filter(move |f| f.stage.as_deref() == Some(stage))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccessLogSettings, Cors, Integration, Route, Stage};

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
            ],
            ..Api::default()
        }
    }

    #[test]
    fn flags_each_broken_thing_once() {
        let f = flags(&api());
        let codes: Vec<_> = f
            .iter()
            .map(|f| (f.code, f.stage.as_deref(), f.route.as_deref()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (ACCESS_LOGGING_OFF, Some("$default"), None),
                (ROUTE_WITHOUT_INTEGRATION, None, Some("POST /orphan")),
            ]
        );
        assert_eq!(route_flags(&f, "POST /orphan").count(), 1);
        assert_eq!(stage_flags(&f, "prod").count(), 0);
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
        assert_eq!(flags(&a)[0].code, CORS_CREDENTIALS_WITH_WILDCARD_ORIGIN);
        a.cors.as_mut().unwrap().allow_origins = vec!["https://app.example.com".into()];
        assert!(flags(&a).is_empty());
        a.cors.as_mut().unwrap().allow_origins = vec!["*".into()];
        a.cors.as_mut().unwrap().allow_credentials = Some(false);
        assert!(flags(&a).is_empty());
    }

    #[test]
    fn problems_are_flagged_as_incomplete_details() {
        let mut a = api();
        a.problems.push("stages are missing: denied".into());
        assert!(
            flags(&a)
                .iter()
                .any(|f| f.code == DETAILS_INCOMPLETE && f.message.contains("denied"))
        );
    }
}
