//! [`LogSource`] on AWS: CloudWatch Logs (FilterLogEvents, Logs Insights,
//! GetLogRecord, StartLiveTail) and Lambda (GetFunctionConfiguration, for a
//! function's custom log group).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use aws_sdk_cloudwatchlogs as cwl;
use aws_sdk_cloudwatchlogs::config::{
    ConfigBag, Intercept, RuntimeComponents, interceptors::BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::endpoint::EndpointPrefix;
use cwl::types::{QueryStatus as SdkStatus, StartLiveTailResponseStream};
use futures::StreamExt;

use super::logs_error::map_sdk_error;
use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, QueryRequest, QueryResults, QueryStats, QueryStatus,
};
use crate::backends::{BackendError, ErrorKind, LogSource};
use crate::domain::{FunctionArn, RawLogEvent};

/// The AWS log source for an SDK configuration (region, credentials,
/// endpoint override, retry settings all come from `conf`).
pub fn logs_source(conf: &aws_config::SdkConfig) -> Arc<dyn LogSource> {
    Arc::new(AwsLogSource::new(conf))
}

pub(crate) struct AwsLogSource {
    logs: cwl::Client,
    lambda: aws_sdk_lambda::Client,
    /// Log group name → ARN (StartLiveTail wants ARNs).
    arns: Mutex<HashMap<String, String>>,
}

impl AwsLogSource {
    pub fn new(conf: &aws_config::SdkConfig) -> AwsLogSource {
        let mut b = cwl::config::Builder::from(conf);
        // StartLiveTail's endpoint has a `stream-` host prefix; against an
        // endpoint override (moto, a test server, a proxy) that host does not
        // resolve, so drop the prefix there.
        if conf.endpoint_url().is_some() {
            b = b.interceptor(NoHostPrefix);
        }
        AwsLogSource {
            logs: cwl::Client::from_conf(b.build()),
            lambda: aws_sdk_lambda::Client::new(conf),
            arns: Mutex::new(HashMap::new()),
        }
    }

    async fn group_arn(&self, name: &str) -> Result<String, BackendError> {
        if name.starts_with("arn:") {
            return Ok(name.trim_end_matches(":*").to_string());
        }
        if let Some(a) = self.arns.lock().expect("arn cache").get(name) {
            return Ok(a.clone());
        }
        let out = self
            .logs
            .describe_log_groups()
            .log_group_name_prefix(name)
            .send()
            .await
            .map_err(|e| map_sdk_error("DescribeLogGroups", name, e))?;
        let arn = out
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
            .and_then(|g| {
                g.log_group_arn()
                    .map(str::to_string)
                    .or_else(|| g.arn().map(|a| a.trim_end_matches(":*").to_string()))
            })
            .ok_or_else(|| {
                BackendError::new(
                    ErrorKind::NotFound,
                    format!("log group {name} does not exist"),
                )
                .with_fix("check the region, or whether logging ever wrote to it")
            })?;
        self.arns
            .lock()
            .expect("arn cache")
            .insert(name.to_string(), arn.clone());
        Ok(arn)
    }
}

#[derive(Debug)]
struct NoHostPrefix;

impl Intercept for NoHostPrefix {
    fn name(&self) -> &'static str {
        "gatescope::NoHostPrefix"
    }

    // Runs after the operation stored its prefix and before the endpoint is
    // applied to the request.
    fn modify_before_retry_loop(
        &self,
        _ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().unset::<EndpointPrefix>();
        Ok(())
    }
}

fn status_of(s: Option<&SdkStatus>) -> QueryStatus {
    match s {
        Some(SdkStatus::Scheduled) => QueryStatus::Scheduled,
        Some(SdkStatus::Running) => QueryStatus::Running,
        Some(SdkStatus::Complete) => QueryStatus::Complete,
        Some(SdkStatus::Failed) => QueryStatus::Failed,
        Some(SdkStatus::Cancelled) => QueryStatus::Cancelled,
        Some(SdkStatus::Timeout) => QueryStatus::Timeout,
        _ => QueryStatus::Unknown,
    }
}

/// `arn:aws:logs:r:a:log-group:NAME[:*]` → NAME (live tail reports ARNs).
fn group_name(id: &str) -> String {
    id.split_once(":log-group:")
        .map_or(id, |(_, n)| n)
        .trim_end_matches(":*")
        .to_string()
}

#[async_trait]
impl LogSource for AwsLogSource {
    async fn filter_events(&self, req: FilterRequest) -> Result<FilterPage, BackendError> {
        let out = self
            .logs
            .filter_log_events()
            .log_group_name(&req.log_group)
            .start_time(req.start_ms)
            .set_end_time(req.end_ms)
            .set_filter_pattern(req.filter_pattern.clone())
            .set_next_token(req.next_token.clone())
            .set_limit(req.limit)
            .send()
            .await
            .map_err(|e| map_sdk_error("FilterLogEvents", &req.log_group, e))?;
        let events = out
            .events()
            .iter()
            .map(|e| RawLogEvent {
                log_group: req.log_group.clone(),
                log_stream: e.log_stream_name().map(str::to_string),
                event_id: e.event_id().map(str::to_string),
                timestamp_ms: e.timestamp().unwrap_or_default(),
                ingestion_ms: e.ingestion_time(),
                message: e.message().unwrap_or_default().to_string(),
            })
            .collect();
        Ok(FilterPage {
            events,
            next_token: out.next_token().map(str::to_string),
        })
    }

    async fn start_query(&self, req: QueryRequest) -> Result<String, BackendError> {
        let what = req.log_groups.join(", ");
        let out = self
            .logs
            .start_query()
            .set_log_group_names(Some(req.log_groups.clone()))
            .query_string(&req.query)
            .start_time(req.start_s)
            .end_time(req.end_s)
            .set_limit(req.limit)
            .send()
            .await
            .map_err(|e| map_sdk_error("StartQuery", &what, e))?;
        out.query_id()
            .map(str::to_string)
            .ok_or_else(|| BackendError::new(ErrorKind::Other, "StartQuery returned no query id"))
    }

    async fn query_results(&self, query_id: &str) -> Result<QueryResults, BackendError> {
        let mut rows = Vec::new();
        let mut token: Option<String> = None;
        // Newer service versions page results; follow every page.
        loop {
            let out = self
                .logs
                .get_query_results()
                .query_id(query_id)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| map_sdk_error("GetQueryResults", query_id, e))?;
            rows.extend(out.results().iter().map(|row| {
                row.iter()
                    .map(|f| {
                        (
                            f.field().unwrap_or_default().to_string(),
                            f.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect::<Vec<_>>()
            }));
            let stats = out
                .statistics()
                .map(|s| QueryStats {
                    records_matched: s.records_matched(),
                    records_scanned: s.records_scanned(),
                    bytes_scanned: s.bytes_scanned(),
                })
                .unwrap_or_default();
            let status = status_of(out.status());
            token = out.next_token().map(str::to_string);
            if token.is_none() || !status.is_terminal() {
                return Ok(QueryResults {
                    status,
                    stats,
                    rows,
                });
            }
        }
    }

    async fn stop_query(&self, query_id: &str) -> Result<(), BackendError> {
        self.logs
            .stop_query()
            .query_id(query_id)
            .send()
            .await
            .map_err(|e| map_sdk_error("StopQuery", query_id, e))?;
        Ok(())
    }

    async fn get_log_record(&self, ptr: &str) -> Result<BTreeMap<String, String>, BackendError> {
        let out = self
            .logs
            .get_log_record()
            .log_record_pointer(ptr)
            .send()
            .await
            .map_err(|e| map_sdk_error("GetLogRecord", "the record", e))?;
        Ok(out
            .log_record()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default())
    }

    async fn live_tail(
        &self,
        log_groups: &[String],
        filter_pattern: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        let mut arns = Vec::with_capacity(log_groups.len());
        for g in log_groups {
            arns.push(self.group_arn(g).await?);
        }
        let out = self
            .logs
            .start_live_tail()
            .set_log_group_identifiers(Some(arns))
            .set_log_event_filter_pattern(filter_pattern)
            .send()
            .await
            .map_err(|e| map_sdk_error("StartLiveTail", &log_groups.join(", "), e))?;
        let stream = futures::stream::unfold(Some(out.response_stream), |rx| async move {
            let mut rx = rx?;
            match rx.recv().await {
                // Session start and empty updates are heartbeats: an empty batch.
                Ok(Some(StartLiveTailResponseStream::SessionStart(_))) => {
                    Some((Ok(vec![]), Some(rx)))
                }
                Ok(Some(StartLiveTailResponseStream::SessionUpdate(u))) => {
                    let batch = u
                        .session_results()
                        .iter()
                        .map(|e| RawLogEvent {
                            log_group: group_name(e.log_group_identifier().unwrap_or_default()),
                            log_stream: e.log_stream_name().map(str::to_string),
                            event_id: None,
                            timestamp_ms: e.timestamp().unwrap_or_default(),
                            ingestion_ms: e.ingestion_time(),
                            message: e.message().unwrap_or_default().to_string(),
                        })
                        .collect();
                    Some((Ok(batch), Some(rx)))
                }
                Ok(Some(_)) => Some((Ok(vec![]), Some(rx))),
                Ok(None) => None,
                Err(e) => Some((Err(map_sdk_error("StartLiveTail", "the session", e)), None)),
            }
        });
        Ok(stream.boxed())
    }

    async fn lambda_log_group(&self, function_arn: &str) -> Result<String, BackendError> {
        let name = FunctionArn::name_of(function_arn);
        let default = format!("/aws/lambda/{name}");
        match self
            .lambda
            .get_function_configuration()
            .function_name(function_arn)
            .send()
            .await
        {
            Ok(out) => Ok(out
                .logging_config()
                .and_then(|c| c.log_group())
                .filter(|g| !g.is_empty())
                .map_or(default, str::to_string)),
            // AccessDenied (common: logs-only permissions), a function in
            // another account, moto without the function: the default name is
            // right for nearly every function.
            Err(e) => {
                tracing::debug!(function = name, error = %e, "GetFunctionConfiguration failed; using the default log group");
                Ok(default)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_names_from_arns() {
        assert_eq!(
            group_name("arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/x:*"),
            "/aws/lambda/x"
        );
        assert_eq!(group_name("/plain"), "/plain");
    }
}
