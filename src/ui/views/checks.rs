//! At-a-glance configuration warnings for the inventory views: what commonly
//! breaks (sources in `shared/reference/apigw-debugging.md`). Pure functions
//! over the domain model; the doctor does the full diagnosis.

use crate::app::inventory::flags;
use crate::domain::{Api, Cors, FindingCode, Protocol, Route, Stage};

/// One warning and a short tag for list columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub tag: &'static str,
    pub text: String,
}

/// Access logging is off when a stage has no `AccessLogSettings`
/// destination (§7.1: "if absent, access logging is off — tell the user").
pub fn access_logging_off(stage: &Stage) -> bool {
    stage
        .access_log_settings
        .as_ref()
        .and_then(|s| s.destination_arn.as_deref())
        .is_none_or(str::is_empty)
}

/// The access-log format cannot be correlated without the request id (§5.1:
/// the format must include `$context.requestId`, REST also accepts `extendedRequestId`).
pub fn format_lacks_request_id(stage: &Stage) -> bool {
    let Some(format) = stage
        .access_log_settings
        .as_ref()
        .and_then(|s| s.format.as_deref())
    else {
        return false;
    };
    !format.contains("$context.requestId") && !format.contains("$context.extendedRequestId")
}

/// A route with no integration has nothing to call.
pub fn route_without_integration(route: &Route) -> bool {
    route.integration.is_none()
}

/// `allowCredentials: true` with a `*` origin: the control plane rejects it
/// and browsers refuse it (§ CORS wildcard restriction).
pub fn cors_credentials_with_wildcard(cors: &Cors) -> bool {
    cors.allow_credentials == Some(true) && cors.allow_origins.iter().any(|o| o.trim() == "*")
}

/// Access-log warnings beyond "off" (which the inventory flags cover).
pub fn stage_warnings(stage: &Stage) -> Vec<Warning> {
    let mut out = Vec::new();
    if !access_logging_off(stage) && format_lacks_request_id(stage) {
        out.push(Warning {
            tag: "log-no-request-id",
            text: format!(
                "the access-log format of stage {} lacks $context.requestId: records cannot be correlated",
                stage.stage_name
            ),
        });
    }
    out
}

/// Short list tag for an inventory flag code.
fn tag(code: FindingCode) -> &'static str {
    match code {
        FindingCode::RouteNoIntegration => "no-integration",
        FindingCode::AccessLoggingOff => "no-access-log",
        FindingCode::CorsCredentialsWithWildcard => "cors-*-creds",
        FindingCode::DetailsIncomplete => "partial",
        _ => "check",
    }
}

/// Every warning for one API: the inventory's flags (shared with the CLI),
/// then the UI's extra access-log check.
pub fn api_warnings(api: &Api) -> Vec<Warning> {
    let mut out: Vec<Warning> = flags::flags(api)
        .into_iter()
        .map(|f| Warning {
            tag: tag(f.code),
            text: f.message,
        })
        .collect();
    if api.details_loaded && api.protocol() != Protocol::Websocket {
        for stage in &api.stages {
            out.extend(stage_warnings(stage));
        }
    }
    out
}

/// Distinct tags, for the API list's FLAGS column.
pub fn tags(api: &Api) -> Vec<&'static str> {
    let mut tags: Vec<&'static str> = Vec::new();
    if !api.problems.is_empty() {
        tags.push("partial");
    }
    for w in api_warnings(api) {
        if !tags.contains(&w.tag) {
            tags.push(w.tag);
        }
    }
    tags
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::AccessLogSettings;

    fn stage(arn: Option<&str>, format: Option<&str>) -> Stage {
        Stage {
            stage_name: "prod".into(),
            access_log_settings: Some(AccessLogSettings {
                destination_arn: arn.map(String::from),
                format: format.map(String::from),
            }),
            ..Default::default()
        }
    }

    #[test]
    fn access_logging_off_when_no_destination() {
        assert!(access_logging_off(&Stage::default()));
        assert!(access_logging_off(&stage(None, Some("x"))));
        assert!(access_logging_off(&stage(Some(""), Some("x"))));
        assert!(!access_logging_off(&stage(
            Some("arn:aws:logs:r:1:log-group:g"),
            Some("$context.requestId")
        )));
    }

    #[test]
    fn format_without_request_id_is_flagged_but_extended_id_is_fine() {
        let s = stage(Some("arn"), Some(r#"{"status":"$context.status"}"#));
        assert_eq!(stage_warnings(&s)[0].tag, "log-no-request-id");
        let s = stage(
            Some("arn"),
            Some("$context.extendedRequestId $context.status"),
        );
        assert!(stage_warnings(&s).is_empty());
    }

    #[test]
    fn cors_wildcard_with_credentials() {
        let mut c = Cors {
            allow_origins: vec!["*".into()],
            allow_credentials: Some(true),
            ..Default::default()
        };
        assert!(cors_credentials_with_wildcard(&c));
        c.allow_credentials = Some(false);
        assert!(!cors_credentials_with_wildcard(&c));
        c.allow_credentials = Some(true);
        c.allow_origins = vec!["https://a.example".into()];
        assert!(!cors_credentials_with_wildcard(&c));
    }

    #[test]
    fn api_tags_collect_each_kind_once() {
        let api = Api {
            routes: vec![
                Route {
                    route_key: "GET /a".into(),
                    ..Default::default()
                },
                Route {
                    route_key: "GET /b".into(),
                    ..Default::default()
                },
            ],
            stages: vec![Stage::default(), Stage::default()],
            details_loaded: true,
            problems: vec!["authorizers unavailable".into()],
            ..Default::default()
        };
        assert_eq!(
            tags(&api),
            vec!["partial", "no-access-log", "no-integration"]
        );
    }
}
