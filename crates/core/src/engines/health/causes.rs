//! Top error causes of a stage: a Logs Insights `stats count(*) by ...`
//! built from the stage's own access-log format (only the fields the format
//! logs can be grouped by; the rest are named as missing), and each result
//! row mapped to the finding code the doctor gives for an access record
//! with those fields.

use crate::domain::health::Cause;
use crate::domain::{AccessLogRecord, Api, ApiType, FindingCode, Severity};
use crate::engines::access_log::{AccessLogFormat, FormatKind, vars};
use crate::engines::doctor::{self, Evidence};

/// The rows asked for: the most frequent causes.
pub const MAX_CAUSES: usize = 50;

/// One group-by field: the `$context` variable and the Insights field (the
/// format's JSON key) that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupField {
    pub var: String,
    pub key: String,
}

/// The breakdown a stage's access-log format allows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CauseQuery {
    pub fields: Vec<GroupField>,
    /// `$context.*` variables the breakdown wants but the format lacks.
    pub missing: Vec<String>,
    pub query: String,
}

/// Each role, with the variables that can fill it (first found wins).
fn roles(api_type: ApiType) -> Vec<(&'static str, &'static [&'static str])> {
    let route: &'static [&'static str] = match api_type {
        ApiType::Http => &["routeKey"],
        ApiType::Rest => &["resourcePath"],
    };
    let mut r = vec![("status", &["status"][..]), ("route", route)];
    if api_type == ApiType::Rest {
        r.push(("method", &["httpMethod"][..]));
    }
    r.extend([
        (
            "integration error",
            &["integrationErrorMessage", "integration.error"][..],
        ),
        ("authorizer error", &["authorizer.error"][..]),
        ("error type", &["error.responseType"][..]),
        ("function status", &["integration.status"][..]),
        (
            "integration status",
            &["integrationStatus", "integration.integrationStatus"][..],
        ),
        (
            "error message",
            &["error.message", "error.messageString"][..],
        ),
    ]);
    r
}

/// An Insights field name, quoted with backticks when it is not a plain name.
fn insights_name(key: &str) -> String {
    if key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        && !key.starts_with(|c: char| c.is_ascii_digit())
    {
        key.to_string()
    } else {
        format!("`{}`", key.replace('`', "``"))
    }
}

/// Build the stats query for a stage's access-log format. `Err` says why
/// none can run (no format, a format Insights cannot split into fields).
pub fn query_for(format: Option<&str>, api_type: ApiType) -> Result<CauseQuery, String> {
    let Some(format) = format.filter(|f| !f.trim().is_empty()) else {
        return Err("access logging is off for this stage: no causes to count".into());
    };
    let f = AccessLogFormat::new(format);
    if f.kind != FormatKind::Json {
        return Err(
            "the access-log format is not JSON: Logs Insights cannot group its lines by field (switch the stage to a JSON format)"
                .into(),
        );
    }
    let mut fields = Vec::new();
    let mut missing = Vec::new();
    for (_, vars) in roles(api_type) {
        let found = vars.iter().find_map(|v| {
            let mut keys: Vec<&String> = f
                .json_keys
                .iter()
                .filter(|(_, var)| var.as_str() == *v)
                .map(|(k, _)| k)
                .collect();
            keys.sort();
            keys.first().map(|k| GroupField {
                var: (*v).to_string(),
                key: (*k).clone(),
            })
        });
        match found {
            Some(g) => fields.push(g),
            None => missing.push(format!("$context.{}", vars[0])),
        }
    }
    let Some(status) = fields.iter().find(|g| g.var == "status") else {
        return Err(
            "the access-log format lacks $context.status: errors cannot be told apart".into(),
        );
    };
    let by: Vec<String> = fields.iter().map(|g| insights_name(&g.key)).collect();
    let query = format!(
        "filter {} >= 400\n| stats count(*) as requests by {}\n| sort requests desc\n| limit {MAX_CAUSES}",
        insights_name(&status.key),
        by.join(", ")
    );
    Ok(CauseQuery {
        fields,
        missing,
        query,
    })
}

/// Turn the query's rows into causes, most frequent first, each with the
/// finding code the doctor gives for an access record holding its fields.
pub fn rank(
    rows: &[Vec<(String, String)>],
    q: &CauseQuery,
    api: Option<&Api>,
    stage: &str,
) -> Vec<Cause> {
    let mut out: Vec<Cause> = rows
        .iter()
        .filter_map(|row| {
            let get = |name: &str| row.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
            let count = get("requests")?.parse::<f64>().ok()?.max(0.0) as u64;
            let mut rec = AccessLogRecord::default();
            for g in &q.fields {
                if let Some(v) = get(&g.key) {
                    vars::assign(&mut rec, &g.var, v);
                }
            }
            vars::finish(&mut rec, 0);
            rec.stage = Some(stage.into());
            Some(cause_of(count, rec, api, stage))
        })
        .collect();
    out.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.route_key.cmp(&b.route_key))
    });
    out
}

fn cause_of(count: u64, rec: AccessLogRecord, api: Option<&Api>, stage: &str) -> Cause {
    let ev = Evidence {
        api: api.cloned(),
        stage: Some(stage.to_string()),
        route_key: rec.route_key.as_deref().map(str::to_string),
        access_logs: vec![rec.clone()],
        // Not a search for one request: no NOT_IN_ACCESS_LOG.
        logs_searched: false,
        ..Default::default()
    };
    let findings = doctor::diagnose(&ev);
    // Sorted errors first: the first warning or error is the cause.
    // A status the function chose itself is the answer when nothing failed.
    let best = findings
        .iter()
        .find(|f| f.severity <= Severity::Warning)
        .or_else(|| {
            findings
                .iter()
                .find(|f| f.code == FindingCode::FunctionReturnedStatus)
        });
    let text = |t: &Option<crate::domain::Text>| t.as_deref().map(str::to_string);
    Cause {
        count,
        status: rec.status,
        route_key: text(&rec.route_key),
        integration_error: text(&rec.integration_error),
        authorizer_error: text(&rec.authorizer_error),
        error_type: text(&rec.error_type),
        error_message: text(&rec.error_message),
        code: best.map(|f| f.code),
        title: match best {
            Some(f) => f.title.clone(),
            None => match rec.status {
                Some(s) if s >= 500 => format!("{s} with no error field that names a cause"),
                Some(s) => format!("{s} answered to the client (no error field names a cause)"),
                None => "no status".into(),
            },
        },
    }
}
