//! "Flags at a glance" for the inventory: the configuration lint's
//! at-a-glance findings ([`crate::engines::doctor::glance`]) in the shape the
//! API list, the detail views and `apis` / `inspect` show. No rule lives
//! here: code, message and fix come from the lint and the code registry.

use serde::Serialize;

use crate::domain::{Api, FindingCode};
use crate::engines::doctor::{GlanceFinding, glance};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Flag {
    pub code: FindingCode,
    /// One sentence for a status line or a tooltip (the finding's title).
    pub message: String,
    /// The registry's fix for this code, filled for this API.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
}

impl From<GlanceFinding> for Flag {
    fn from(g: GlanceFinding) -> Self {
        Flag {
            code: g.finding.code,
            message: g.finding.title,
            fix: g.finding.fix,
            stage: g.stage,
            route: g.route,
        }
    }
}

/// Everything worth flagging on one API. Detail-based flags only appear once
/// the details have loaded.
pub fn flags(api: &Api) -> Vec<Flag> {
    glance(api).into_iter().map(Flag::from).collect()
}

/// Flags of one route only (for the routes table).
pub(crate) fn route_flags<'a>(all: &'a [Flag], route_key: &str) -> impl Iterator<Item = &'a Flag> {
    all.iter()
        .filter(move |f| f.route.as_deref() == Some(route_key))
}

/// Flags of one stage only (for the stages table).
pub(crate) fn stage_flags<'a>(all: &'a [Flag], stage: &str) -> impl Iterator<Item = &'a Flag> {
    all.iter()
        .filter(move |f| f.stage.as_deref() == Some(stage))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Integration, Route, Stage};

    #[test]
    fn flags_are_the_glance_findings_on_their_rows() {
        let api = Api {
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
            stages: vec![Stage {
                stage_name: "$default".into(),
                ..Stage::default()
            }],
            ..Api::default()
        };
        let f = flags(&api);
        assert_eq!(route_flags(&f, "POST /orphan").count(), 1);
        assert_eq!(route_flags(&f, "GET /ok").count(), 0);
        let off: Vec<_> = stage_flags(&f, "$default").collect();
        assert_eq!(off.len(), 1);
        assert_eq!(off[0].code, FindingCode::AccessLoggingOff);
        assert!(
            off[0]
                .fix
                .as_deref()
                .is_some_and(|x| x.contains("--api-id a --stage-name $default"))
        );
        let json = serde_json::to_value(&f[0]).unwrap();
        assert_eq!(json["code"], "ACCESS_LOGGING_OFF");
        assert_eq!(json["stage"], "$default");
    }
}
