//! Gather the logs of one request: its access-log record, the REST stage's
//! execution-log lines (`API-Gateway-Execution-Logs_{restApiId}/{stage}`,
//! when its loggingLevel writes them) and the Lambda lines of the invocation
//! that served it, polling until they arrive or the wait runs out
//! (CloudWatch delivers logs seconds after the response). Shared by
//! `gatescope doctor` and the TUI's Doctor pane.

use std::collections::HashSet;
use std::time::Duration;

use tokio::time::Instant;

use crate::backends::Backend;
use crate::backends::log_source::FilterRequest;
use crate::domain::{
    AccessLogRecord, AccessLogging, ExecLine, ExecStep, ExecTrace, HttpResponse, LambdaLine,
    LambdaLineKind, RawLogEvent, Route, Stage,
};
use crate::engines::access_log::AccessLogFormat;
use crate::engines::correlate::matches_response;
use crate::engines::exec_log::{group_by_request, parse_exec_line};
use crate::engines::lambda_log::LambdaLogParser;

/// Events searched before a request: API Gateway logs the request's start time.
const LOOKBACK_MS: i64 = 60_000;
/// Pages read per search (a quoted request id matches a handful of lines).
const MAX_PAGES: usize = 10;
const POLL: Duration = Duration::from_millis(1500);

#[derive(Debug, Default)]
pub(crate) struct Gathered {
    pub access: Vec<AccessLogRecord>,
    pub lines: Vec<LambdaLine>,
    /// The request's execution-log lines (REST stages that write them),
    /// parsed and summarised; `None` when none were found or searched.
    pub exec: Option<ExecTrace>,
    /// True when an access-log group was searched (an empty result then means something).
    pub searched_access: bool,
    /// What could not be searched, in a sentence each.
    pub notes: Vec<String>,
}

struct Search<'a> {
    backend: &'a Backend,
    start_ms: i64,
    seen: HashSet<String>,
}

impl Search<'_> {
    /// New events of `group` containing `term`, oldest first.
    async fn events(&mut self, group: &str, term: &str) -> Result<Vec<RawLogEvent>, String> {
        let mut out = Vec::new();
        let mut token = None;
        for _ in 0..MAX_PAGES {
            let page = self
                .backend
                .logs
                .filter_events(FilterRequest {
                    log_group: group.to_string(),
                    start_ms: self.start_ms,
                    end_ms: None,
                    filter_pattern: Some(format!("\"{term}\"")),
                    next_token: token.take(),
                    limit: None,
                })
                .await
                .map_err(|e| format!("cannot read log group {group}: {e}"))?;
            for ev in page.events {
                // The filter pattern is a hint (emulators may ignore it): check the term too.
                if !ev.message.contains(term) {
                    continue;
                }
                let key = ev.event_id.clone().unwrap_or_else(|| {
                    format!("{}|{}|{}", ev.log_group, ev.timestamp_ms, ev.message)
                });
                if self.seen.insert(key) {
                    out.push(ev);
                }
            }
            match page.next_token {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        out.sort_by_key(|e| e.timestamp_ms);
        Ok(out)
    }
}

/// A REST stage's execution-log group, to read one request's lines from
/// (the logs view's record detail).
#[derive(Clone)]
pub struct ExecSource {
    backend: Backend,
    pub group: String,
}

impl ExecSource {
    /// The source for `stage` of `api`, when its settings write execution logs.
    pub fn for_stage(
        backend: &Backend,
        api: &crate::domain::Api,
        stage: &str,
    ) -> Option<ExecSource> {
        let stage = api.stage(stage)?;
        Some(ExecSource {
            backend: backend.clone(),
            group: crate::app::diagnose::exec_group(api, stage)?,
        })
    }

    /// The lines of `request_id` (whose access record is stamped `around_ms`),
    /// parsed into steps; `None` when the group has none of them (yet).
    pub fn fetch(
        &self,
        request_id: String,
        around_ms: i64,
    ) -> impl std::future::Future<Output = Result<Option<ExecTrace>, String>> + Send + 'static {
        let this = self.clone();
        async move {
            let mut search = Search {
                backend: &this.backend,
                start_ms: around_ms - LOOKBACK_MS,
                seen: HashSet::new(),
            };
            let events = search.events(&this.group, &request_id).await?;
            let lines = events
                .iter()
                .map(|e| parse_exec_line(e.timestamp_ms, &e.message))
                .filter(|l| l.request_id.as_deref().is_none_or(|r| r == request_id));
            Ok(group_by_request(lines)
                .into_iter()
                .find(|t| t.summary.request_id == request_id))
        }
    }
}

/// Where to look for one request's logs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Where<'a> {
    pub stage: Option<&'a Stage>,
    pub route: Option<&'a Route>,
    /// The REST stage's execution-log group, when its settings write one.
    pub exec_group: Option<&'a str>,
}

/// Poll the stage's access-log group, its execution-log group and the
/// function's log group for the request behind `resp`, for at most `wait`.
pub(crate) async fn gather(
    backend: &Backend,
    at: Where<'_>,
    resp: &HttpResponse,
    sent_ms: i64,
    wait: Duration,
) -> Gathered {
    let Where {
        stage,
        route,
        exec_group,
    } = at;
    let mut out = Gathered::default();
    let mut exec_lines: Vec<ExecLine> = Vec::new();
    let deadline = Instant::now() + wait;
    let logging = stage.map(Stage::access_logging);
    let access_group = logging.as_ref().and_then(|l| l.group()).map(str::to_string);
    let format = AccessLogFormat::new(logging.as_ref().and_then(|l| l.format()).unwrap_or(""));
    let request_id = resp.request_id().map(str::to_string);
    match (&access_group, &request_id) {
        (None, _) => out.notes.push(match (stage, &logging) {
            (Some(s), Some(AccessLogging::Elsewhere { destination, .. })) => format!(
                "stage {} logs to {destination}, not CloudWatch Logs",
                s.stage_name
            ),
            (Some(s), _) => format!("stage {} has no access logging", s.stage_name),
            (None, _) => "no stage known, so no access log to read".into(),
        }),
        (Some(_), None) => out
            .notes
            .push("the response carries no request id to look up".into()),
        _ => out.searched_access = true,
    }
    let lambda_group = match route
        .and_then(|r| r.integration.as_ref())
        .and_then(|i| i.lambda_arn())
    {
        Some(arn) => match backend.logs.lambda_log_group(arn.as_str()).await {
            Ok(g) => Some(g),
            Err(e) => {
                out.notes
                    .push(format!("cannot find the function's log group: {e}"));
                None
            }
        },
        None => None,
    };
    let mut search = Search {
        backend,
        start_ms: sent_ms - LOOKBACK_MS,
        seen: HashSet::new(),
    };
    let mut parser = LambdaLogParser::new();
    let mut access_failed = false;
    let mut exec_failed = exec_group.is_none() || request_id.is_none();
    let mut lambda_failed = false;
    loop {
        if !exec_failed
            && !exec_done(&exec_lines)
            && let (Some(g), Some(id)) = (exec_group, &request_id)
        {
            match search.events(g, id).await {
                Ok(events) => {
                    exec_lines.extend(
                        events
                            .iter()
                            .map(|e| parse_exec_line(e.timestamp_ms, &e.message))
                            // Another request's line that quotes this id (rare) is not ours.
                            .filter(|l| l.request_id.as_deref().is_none_or(|r| r == id)),
                    );
                    exec_lines.sort_by_key(|l| l.timestamp_ms);
                    out.exec = group_by_request(exec_lines.iter().cloned())
                        .into_iter()
                        .find(|t| &t.summary.request_id == id);
                }
                Err(e) => {
                    out.notes.push(e);
                    exec_failed = true;
                }
            }
        }
        if out.access.is_empty()
            && !access_failed
            && let (Some(g), Some(id)) = (&access_group, &request_id)
        {
            match search.events(g, id).await {
                Ok(events) => out.access.extend(
                    events
                        .iter()
                        .map(|e| format.parse_event(e))
                        .filter(|r| matches_response(r, resp)),
                ),
                Err(e) => {
                    out.notes.push(e);
                    access_failed = true;
                }
            }
        }
        // The Lambda request id comes from the access record, or from a
        // proxy event the function logged with the API request id in it.
        let lambda_ids: Vec<String> = out
            .access
            .iter()
            .filter_map(|r| r.integration_request_id.as_deref().map(str::to_string))
            .filter(|id| !id.is_empty() && id != "-")
            .chain(
                out.exec
                    .iter()
                    .filter_map(|t| t.summary.lambda_request_id.clone()),
            )
            .chain(
                out.lines
                    .iter()
                    .filter_map(|l| l.request_id.as_deref().map(str::to_string)),
            )
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if let Some(g) = lambda_group.as_deref().filter(|_| !lambda_failed) {
            let terms: Vec<String> = if lambda_ids.is_empty() {
                request_id.iter().cloned().collect()
            } else {
                lambda_ids.clone()
            };
            for term in terms {
                match search.events(g, &term).await {
                    Ok(events) => out.lines.extend(events.iter().map(|e| parser.parse(e))),
                    Err(e) => {
                        out.notes.push(e);
                        lambda_failed = true;
                        break;
                    }
                }
            }
        }
        if (complete(
            &out,
            access_group.is_some() && !access_failed,
            lambda_group.is_some() && !lambda_failed,
        ) && (exec_failed || exec_done(&exec_lines)))
            || Instant::now() + POLL > deadline
        {
            break;
        }
        tokio::time::sleep(POLL).await;
    }
    out.lines.sort_by_key(|l| l.timestamp_ms);
    out
}

/// The execution log is complete once it says what the client got.
fn exec_done(lines: &[ExecLine]) -> bool {
    lines.iter().any(|l| l.step == ExecStep::MethodCompleted)
}

/// Done when every source that can answer has: the access record is there,
/// and the invocation's REPORT (or timeout) line when it reached Lambda.
fn complete(g: &Gathered, access_possible: bool, lambda_possible: bool) -> bool {
    let access_done = !access_possible || !g.access.is_empty();
    let reached_lambda = g.access.iter().any(|r| {
        r.integration_request_id
            .as_deref()
            .is_some_and(|id| !id.is_empty() && id != "-")
            || r.integration_status.is_some()
    });
    // The execution log, once complete, also says whether Lambda was called.
    let exec_says = g.exec.as_ref().filter(|t| exec_done(&t.lines)).map(|t| {
        let s = &t.summary;
        s.lambda_request_id.is_some()
            || s.integration_status.is_some()
            || s.integration_latency_ms.is_some()
            || s.endpoint_uri.is_some()
    });
    let needs_lambda = lambda_possible
        && (reached_lambda || exec_says == Some(true) || (!access_possible && exec_says.is_none()));
    let lambda_done = !needs_lambda
        || g.lines.iter().any(|l| {
            matches!(
                l.kind,
                LambdaLineKind::Report(_) | LambdaLineKind::Timeout { .. }
            )
        });
    access_done && lambda_done
}
