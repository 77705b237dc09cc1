//! How the inventory views show the lint's at-a-glance findings
//! ([`crate::app::inventory::flags`]): a short tag per code for list columns,
//! the finding's title as a warning line. No rule lives here.

use crate::app::inventory::flags::{self, Flag};
use crate::domain::{Api, FindingCode, Stage};

/// One warning and a short tag for list columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    pub tag: &'static str,
    pub text: String,
}

/// Short list tag for an at-a-glance finding code.
pub fn tag(code: FindingCode) -> &'static str {
    match code {
        FindingCode::RouteNoIntegration => "no-integration",
        FindingCode::AccessLoggingOff => "no-access-log",
        FindingCode::AccessLogMissingFields => "log-no-request-id",
        FindingCode::CorsCredentialsWithWildcard => "cors-*-creds",
        FindingCode::DetailsIncomplete => "partial",
        _ => "check",
    }
}

fn warning(f: Flag) -> Warning {
    Warning {
        tag: tag(f.code),
        text: f.message,
    }
}

/// Every at-a-glance warning for one API.
pub(crate) fn api_warnings(api: &Api) -> Vec<Warning> {
    flags::flags(api).into_iter().map(warning).collect()
}

/// The stage's access-log format cannot correlate records (no request id):
/// the lint's verdict, as the stage page shows it.
pub(crate) fn lacks_request_id(api: &Api, stage: &Stage) -> bool {
    // The glance keeps a format gap only when it is the request id.
    flags::stage_flags(&flags::flags(api), &stage.stage_name)
        .any(|f| f.code == FindingCode::AccessLogMissingFields)
}

/// Distinct tags, for the API list's FLAGS column.
pub fn tags(api: &Api) -> Vec<&'static str> {
    let mut tags: Vec<&'static str> = Vec::new();
    // A partial load first: it qualifies every other tag.
    if !api.problems.is_empty() {
        tags.push(tag(FindingCode::DetailsIncomplete));
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
    use crate::domain::{AccessLogSettings, Protocol, Route};

    fn stage(name: &str, arn: Option<&str>, format: Option<&str>) -> Stage {
        Stage {
            stage_name: name.into(),
            access_log_settings: Some(AccessLogSettings {
                destination_arn: arn.map(String::from),
                format: format.map(String::from),
            }),
            ..Default::default()
        }
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

    #[test]
    fn request_id_gap_follows_the_lint_per_api_type() {
        let s = stage(
            "prod",
            Some("arn:aws:logs:r:1:log-group:g"),
            Some("$context.extendedRequestId $context.status"),
        );
        let mut api = Api {
            stages: vec![s.clone()],
            details_loaded: true,
            protocol: Some(Protocol::Rest),
            ..Default::default()
        };
        // REST accepts the extended request id; an HTTP API has none.
        assert!(!lacks_request_id(&api, &s));
        api.protocol = Some(Protocol::Http);
        assert!(lacks_request_id(&api, &s));
        assert_eq!(tags(&api), vec!["log-no-request-id"]);
    }
}
