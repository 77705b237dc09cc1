//! What the user asked for and could not be loaded, as a list every command
//! reports the same way (`apis`, `inspect`, `logs`, `doctor`, `health`):
//! the CLI prints it (text on stderr, or `{"problems": [...]}` with
//! `--output json`) and exits 1 when it is not empty. A load that lost
//! something never passes for a complete one.

use serde::Serialize;

use crate::domain::{Api, Inventory};

/// One item that could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Problem {
    /// What is missing: an API id, a log group, ...; `None` for a whole
    /// family (e.g. the REST API listing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// One sentence: what failed and why.
    pub message: String,
}

impl Problem {
    pub fn new(subject: Option<String>, message: impl Into<String>) -> Self {
        Problem {
            subject,
            message: message.into(),
        }
    }

    /// `subject: message`, or the message alone.
    pub fn line(&self) -> String {
        match &self.subject {
            Some(s) => format!("{s}: {}", self.message),
            None => self.message.clone(),
        }
    }
}

/// The problems of one API: every call that failed, and details that never
/// arrived even when no call said why.
pub(crate) fn of_api(api: &Api) -> Vec<Problem> {
    let subject = || Some(format!("{} ({})", api.id, api.name));
    let mut out: Vec<Problem> = api
        .problems
        .iter()
        .map(|p| Problem::new(subject(), p.clone()))
        .collect();
    if !api.details_loaded && out.is_empty() {
        out.push(Problem::new(subject(), "details were not loaded"));
    }
    out
}

/// The problems of an inventory load: the families that could not be
/// listed, then each API's.
pub(crate) fn of_inventory(inventory: &Inventory, listing: &[String]) -> Vec<Problem> {
    listing
        .iter()
        .map(|p| Problem::new(None, p.clone()))
        .chain(inventory.apis.iter().flat_map(of_api))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listing_then_api_problems_and_silent_gaps_are_named() {
        let inv = Inventory {
            apis: vec![
                Api {
                    id: "a".into(),
                    name: "one".into(),
                    details_loaded: true,
                    problems: vec!["routes are missing: throttled".into()],
                    ..Api::default()
                },
                Api {
                    id: "b".into(),
                    name: "two".into(),
                    ..Api::default()
                },
                Api {
                    id: "c".into(),
                    details_loaded: true,
                    ..Api::default()
                },
            ],
            fetched_at_ms: 0,
        };
        let p = of_inventory(&inv, &["REST APIs are missing: timed out".into()]);
        let lines: Vec<String> = p.iter().map(Problem::line).collect();
        assert_eq!(
            lines,
            [
                "REST APIs are missing: timed out",
                "a (one): routes are missing: throttled",
                "b (two): details were not loaded",
            ]
        );
        let json = serde_json::to_value(&p[0]).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"message": "REST APIs are missing: timed out"})
        );
    }
}
