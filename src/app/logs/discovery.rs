//! Which log groups belong to an API stage: the access-log group from the
//! stage's settings, and each Lambda route's function log group.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::backends::LogSource;
use crate::domain::{AccessLogging, Api, ApiType, FunctionArn, PayloadFormat};
use crate::engines::access_log::{AccessLogFormat, FormatAdvice, check_format};
use crate::engines::correlate::CorrelateOptions;

/// A Lambda behind one or more routes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaTarget {
    pub function_arn: String,
    pub function_name: String,
    pub log_group: String,
    pub route_keys: Vec<String>,
}

/// Everything the log views need to know about a stage.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogTargets {
    pub api_id: String,
    pub stage: String,
    pub api_type: ApiType,
    /// The stage's access-log group (`None`: access logging is off, or goes
    /// to Firehose).
    pub access_group: Option<String>,
    /// The stage's access-log format string.
    pub access_format: Option<String>,
    /// Whether the access log can be correlated, with the format to paste in.
    pub advice: FormatAdvice,
    pub lambdas: Vec<LambdaTarget>,
    /// Payload format per route key (integration setting).
    pub payload_by_route: BTreeMap<String, PayloadFormat>,
    /// Things worth saying (e.g. a Firehose destination).
    pub notes: Vec<String>,
    /// The host of the API's endpoint (`{apiId}.execute-api.{region}.amazonaws.com`),
    /// for events rebuilt from access records.
    pub domain_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DiscoverError {
    #[error("API {api} has no stage named {stage:?} (stages: {known})")]
    NoStage {
        api: String,
        stage: String,
        known: String,
    },
}

/// Find the stage's log groups. Lambda log-group lookups that fail fall back
/// to `/aws/lambda/<name>` inside the log source, so this only fails for an
/// unknown stage.
pub async fn discover(
    api: &Api,
    stage: &str,
    logs: &dyn LogSource,
) -> Result<LogTargets, DiscoverError> {
    let st = api.stage(stage).ok_or_else(|| DiscoverError::NoStage {
        api: api.id.clone(),
        stage: stage.to_string(),
        known: if api.stages.is_empty() {
            "none".into()
        } else {
            api.stages
                .iter()
                .map(|s| s.stage_name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
    })?;
    let api_type = ApiType::from(api.protocol());
    let logging = st.access_logging();
    let access_group = logging.group().map(str::to_string);
    let access_format = logging.format().map(str::to_string);
    let mut notes = Vec::new();
    if let AccessLogging::Elsewhere { destination, .. } = &logging {
        notes.push(format!(
            "access logs go to {destination}, not CloudWatch Logs: gatescope cannot read them"
        ));
    }
    let mut advice = check_format(
        access_group.as_ref().and(access_format.as_deref()),
        api_type,
    );
    if access_group.is_none() && advice.logging_on {
        advice.logging_on = false;
        advice.message = "access logs do not go to CloudWatch Logs for this stage".into();
    }

    let mut by_fn: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut payload_by_route = BTreeMap::new();
    for r in &api.routes {
        let Some(integ) = &r.integration else {
            continue;
        };
        let Some(arn) = integ.lambda_arn() else {
            continue;
        };
        // Stage variables in the URI (`${stageVariables.fn}`) resolve per stage.
        let arn = resolve_stage_vars(arn.as_str(), &st.stage_variables);
        by_fn.entry(arn).or_default().push(r.route_key.clone());
        let pf = integ
            .payload_format_version
            .as_deref()
            .and_then(PayloadFormat::parse)
            .unwrap_or(match api_type {
                ApiType::Http => PayloadFormat::V2,
                ApiType::Rest => PayloadFormat::V1,
            });
        payload_by_route.insert(r.route_key.clone(), pf);
    }
    let mut lambdas = Vec::new();
    for (arn, route_keys) in by_fn {
        let log_group = match logs.lambda_log_group(&arn).await {
            Ok(g) => g,
            Err(e) => {
                notes.push(format!("{arn}: {e}"));
                format!("/aws/lambda/{}", FunctionArn::name_of(&arn))
            }
        };
        lambdas.push(LambdaTarget {
            function_name: FunctionArn::name_of(&arn).to_string(),
            function_arn: arn,
            log_group,
            route_keys,
        });
    }
    Ok(LogTargets {
        api_id: api.id.clone(),
        stage: stage.to_string(),
        api_type,
        access_group,
        access_format,
        advice,
        lambdas,
        payload_by_route,
        notes,
        domain_name: api
            .endpoint
            .as_deref()
            .and_then(|e| url::Url::parse(e).ok())
            .and_then(|u| {
                u.host_str().map(|h| match u.port() {
                    Some(p) => format!("{h}:{p}"),
                    None => h.to_string(),
                })
            }),
    })
}

fn resolve_stage_vars(s: &str, vars: &BTreeMap<String, String>) -> String {
    let mut out = s.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("${{stageVariables.{k}}}"), v);
    }
    out
}

impl LogTargets {
    /// Every log group: the access log first, then each Lambda's (deduplicated).
    pub fn all_groups(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.access_group
            .iter()
            .chain(self.lambdas.iter().map(|l| &l.log_group))
            .filter(|g| seen.insert(g.as_str()))
            .cloned()
            .collect()
    }

    pub fn lambda_groups(&self) -> Vec<String> {
        let mut seen = HashSet::new();
        self.lambdas
            .iter()
            .map(|l| l.log_group.clone())
            .filter(|g| seen.insert(g.clone()))
            .collect()
    }

    /// The compiled access-log format (assumed JSON when unknown).
    pub fn format(&self) -> AccessLogFormat {
        match &self.access_format {
            Some(f) if !f.trim().is_empty() => AccessLogFormat::new(f),
            _ => AccessLogFormat::assumed_json(),
        }
    }

    /// Options for [`crate::engines::correlate`]: reconstruct events only for
    /// Lambda routes, with each route's payload format.
    pub(crate) fn correlate_options(&self) -> CorrelateOptions {
        let lambda_routes: HashSet<String> = self
            .lambdas
            .iter()
            .flat_map(|l| l.route_keys.iter().cloned())
            .collect();
        CorrelateOptions {
            api_type: self.api_type,
            payload_by_route: self
                .payload_by_route
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect::<HashMap<_, _>>(),
            // No routes known (e.g. details failed to load): reconstruct by
            // integration fields instead of hiding every event.
            lambda_routes: (!lambda_routes.is_empty()).then_some(lambda_routes),
            no_reconstruct: false,
            api_id: Some(self.api_id.clone()),
            domain_name: self.domain_name.clone(),
        }
    }
}

#[cfg(test)]
#[path = "tests/discovery.rs"]
mod tests;
