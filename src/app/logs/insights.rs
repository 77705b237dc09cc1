//! Logs Insights: default queries, time ranges, and a runner that starts a
//! query, polls it to a terminal state while reporting status and
//! statistics, backs off when rate-limited, and can be cancelled.

use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, watch};

use crate::backends::log_source::{QueryRequest, QueryRow, QueryStats, QueryStatus};
use crate::backends::{BackendError, ErrorKind, LogSource};

/// A named query the views offer (editable before running).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct NamedQuery {
    pub name: &'static str,
    pub description: &'static str,
    pub query: String,
}

/// Default queries for an access-log group written with the reference's
/// JSON keys (`status`, `routeKey`, `responseLatency`, ...). Lambda groups
/// get the Lambda variants. `@message` is always fetched so gatescope can
/// parse the line itself whatever the field names.
pub(crate) fn default_queries(limit: u32) -> Vec<NamedQuery> {
    vec![
        NamedQuery {
            name: "recent",
            description: "most recent requests",
            query: format!(
                "fields @timestamp, @message, @log, @logStream\n| sort @timestamp desc\n| limit {limit}"
            ),
        },
        NamedQuery {
            name: "errors",
            description: "requests answered 4xx/5xx or with an integration/authorizer error, and Lambda errors",
            query: format!(
                "fields @timestamp, @message, @log, @logStream\n| filter {ERRORS_FILTER}\n| sort @timestamp desc\n| limit {limit}"
            ),
        },
        NamedQuery {
            name: "slowest",
            description: "slowest requests first",
            query: format!(
                "fields @timestamp, @message, @log, @logStream, responseLatency\n| filter ispresent(responseLatency)\n| sort responseLatency desc\n| limit {limit}"
            ),
        },
    ]
}

/// The `errors` preset's filter, decided on field VALUES. Every access line in the
/// recommended format carries the keys `integrationError`, `authorizerError`,
/// `errorMessage` and `errorType` (a 200 logs them as `-`, API Gateway's empty value),
/// so a word search of `@message` for "error" matched every record, 200s included.
/// Access lines: a 4xx/5xx status, or an integration / authorizer error message that is
/// not `-`. Lambda lines: a timeout, a runtime's ERROR level (Node `\tERROR\t`, Python
/// `[ERROR]`, the JSON log format's `"level":"ERROR"`) or an unhandled-error object
/// (`"errorType":"..."` with a value). A missing field never matches `!=`.
pub(crate) const ERRORS_FILTER: &str = concat!(
    r#"status like /^[45]/ or integrationError != "-" or authorizerError != "-""#,
    r#" or @message like /Task timed out|\tERROR\t|\[ERROR\]|"level"\s*:\s*"ERROR"|"errorType"\s*:\s*"[^"-]/"#,
);

/// The query a name stands for, or the text itself when it is not a name.
pub(crate) fn resolve_query(q: &str, limit: u32) -> String {
    default_queries(limit)
        .into_iter()
        .find(|n| n.name == q.trim())
        .map_or_else(|| q.to_string(), |n| n.query)
}

pub use super::range::PRESETS;

#[derive(Debug, Clone)]
pub struct InsightsConfig {
    pub poll_interval: Duration,
    /// Give up (and stop the query) after this long.
    pub max_wait: Duration,
    pub max_backoff: Duration,
    /// StartQuery attempts when the concurrency limit is hit.
    pub start_attempts: u32,
}

impl Default for InsightsConfig {
    fn default() -> Self {
        InsightsConfig {
            poll_interval: Duration::from_millis(1000),
            max_wait: Duration::from_secs(15 * 60),
            max_backoff: Duration::from_secs(20),
            start_attempts: 5,
        }
    }
}

/// Progress of one query.
#[derive(Debug, Clone, PartialEq)]
pub enum InsightsEvent {
    Started {
        query_id: String,
    },
    /// After every poll: status, statistics, rows so far (Running returns
    /// partial results).
    Progress {
        status: QueryStatus,
        stats: QueryStats,
        rows: usize,
    },
    /// Rate-limited; retrying after `wait`.
    Throttled {
        wait: Duration,
    },
    Finished(QueryOutcome),
    Failed(String),
}

/// The end of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryOutcome {
    pub query_id: String,
    pub status: QueryStatus,
    pub stats: QueryStats,
    pub rows: Vec<QueryRow>,
    /// A sentence for people when the status is not Complete.
    pub message: Option<String>,
}

impl QueryOutcome {
    /// Rows `page * size .. (page + 1) * size`.
    pub fn page(&self, page: usize, size: usize) -> &[QueryRow] {
        let start = (page * size).min(self.rows.len());
        let end = (start + size).min(self.rows.len());
        &self.rows[start..end]
    }

    pub fn pages(&self, size: usize) -> usize {
        self.rows.len().div_ceil(size.max(1))
    }
}

/// One value of a result row.
pub fn field<'a>(row: &'a QueryRow, name: &str) -> Option<&'a str> {
    row.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn status_message(s: QueryStatus) -> Option<String> {
    match s {
        QueryStatus::Complete => None,
        QueryStatus::Failed => Some(
            "the query failed (CloudWatch gave no reason; check the syntax and the log groups)"
                .into(),
        ),
        QueryStatus::Timeout => {
            Some("the query timed out: narrow the time range or add a filter".into())
        }
        QueryStatus::Cancelled => Some("the query was cancelled".into()),
        QueryStatus::Unknown => Some("CloudWatch reported an unknown query status".into()),
        QueryStatus::Scheduled | QueryStatus::Running => Some("the query did not finish".into()),
    }
}

/// Runs queries against a log source.
#[derive(Clone)]
pub struct InsightsRunner {
    source: Arc<dyn LogSource>,
    cfg: InsightsConfig,
}

/// Cancels a running query (StopQuery, then a Cancelled outcome).
#[derive(Clone)]
pub struct QueryHandle {
    cancel: watch::Sender<bool>,
}

impl QueryHandle {
    pub fn cancel(&self) {
        let _ = self.cancel.send(true);
    }
}

impl InsightsRunner {
    pub fn new(source: Arc<dyn LogSource>, cfg: InsightsConfig) -> Self {
        InsightsRunner { source, cfg }
    }

    /// Run in a background task; events arrive on the receiver, the last one
    /// being `Finished` or `Failed`.
    pub fn spawn(&self, req: QueryRequest) -> (QueryHandle, mpsc::Receiver<InsightsEvent>) {
        let (tx, rx) = mpsc::channel(64);
        let (ctx, crx) = watch::channel(false);
        let me = self.clone();
        tokio::spawn(async move {
            let last = match me.run(req, Some(&tx), crx).await {
                Ok(o) => InsightsEvent::Finished(o),
                Err(e) => InsightsEvent::Failed(e.to_string()),
            };
            let _ = tx.send(last).await;
        });
        (QueryHandle { cancel: ctx }, rx)
    }

    /// Run to the end. `cancel` turning true stops the query.
    pub async fn run(
        &self,
        req: QueryRequest,
        tx: Option<&mpsc::Sender<InsightsEvent>>,
        mut cancel: watch::Receiver<bool>,
    ) -> Result<QueryOutcome, BackendError> {
        let send = |e: InsightsEvent| async move {
            if let Some(tx) = tx {
                let _ = tx.send(e).await;
            }
        };
        let mut backoff = self.cfg.poll_interval;
        let mut attempt = 0;
        let query_id = loop {
            attempt += 1;
            match self.source.start_query(req.clone()).await {
                Ok(id) => break id,
                Err(e) if e.kind == ErrorKind::Throttled && attempt < self.cfg.start_attempts => {
                    backoff = (backoff * 2).min(self.cfg.max_backoff);
                    send(InsightsEvent::Throttled { wait: backoff }).await;
                    if wait_or_cancel(backoff, &mut cancel).await {
                        return Err(BackendError::new(
                            ErrorKind::Other,
                            "the query was cancelled before it started",
                        ));
                    }
                }
                Err(e) => return Err(e),
            }
        };
        send(InsightsEvent::Started {
            query_id: query_id.clone(),
        })
        .await;
        let started = tokio::time::Instant::now();
        let mut wait = self.cfg.poll_interval;
        loop {
            if *cancel.borrow() {
                return Ok(self.cancelled(&query_id).await);
            }
            match self.source.query_results(&query_id).await {
                Ok(r) => {
                    wait = self.cfg.poll_interval;
                    send(InsightsEvent::Progress {
                        status: r.status,
                        stats: r.stats.clone(),
                        rows: r.rows.len(),
                    })
                    .await;
                    if r.status.is_terminal() {
                        return Ok(QueryOutcome {
                            query_id,
                            message: status_message(r.status),
                            status: r.status,
                            stats: r.stats,
                            rows: r.rows,
                        });
                    }
                }
                Err(e) if e.kind == ErrorKind::Throttled => {
                    wait = (wait * 2).min(self.cfg.max_backoff);
                    send(InsightsEvent::Throttled { wait }).await;
                }
                Err(e) => return Err(e),
            }
            if started.elapsed() > self.cfg.max_wait {
                let _ = self.source.stop_query(&query_id).await;
                return Ok(QueryOutcome {
                    query_id,
                    status: QueryStatus::Timeout,
                    stats: QueryStats::default(),
                    rows: Vec::new(),
                    message: Some(format!(
                        "gatescope stopped waiting after {}s: narrow the time range",
                        self.cfg.max_wait.as_secs()
                    )),
                });
            }
            if wait_or_cancel(wait, &mut cancel).await {
                return Ok(self.cancelled(&query_id).await);
            }
        }
    }

    async fn cancelled(&self, query_id: &str) -> QueryOutcome {
        // StopQuery errors when the query already ended, or is not
        // implemented (moto): the outcome is Cancelled either way.
        let note = match self.source.stop_query(query_id).await {
            Ok(()) => None,
            Err(e) => Some(format!(" (StopQuery: {})", e.message)),
        };
        QueryOutcome {
            query_id: query_id.to_string(),
            status: QueryStatus::Cancelled,
            stats: QueryStats::default(),
            rows: Vec::new(),
            message: Some(format!(
                "the query was cancelled{}",
                note.unwrap_or_default()
            )),
        }
    }

    /// The full record behind a row's `@ptr`.
    pub async fn fetch_record(
        &self,
        row: &QueryRow,
    ) -> Result<std::collections::BTreeMap<String, String>, BackendError> {
        let ptr = field(row, "@ptr").ok_or_else(|| {
            BackendError::new(
                ErrorKind::Other,
                "this row has no @ptr to fetch the record with",
            )
        })?;
        self.source.get_log_record(ptr).await
    }
}

/// Sleep `d`; true when cancelled meanwhile.
async fn wait_or_cancel(d: Duration, cancel: &mut watch::Receiver<bool>) -> bool {
    let sleep = tokio::time::sleep(d);
    tokio::pin!(sleep);
    loop {
        tokio::select! {
            _ = &mut sleep => return *cancel.borrow(),
            r = cancel.changed() => match r {
                Ok(()) if *cancel.borrow() => return true,
                Ok(()) => {}
                // Nobody can cancel any more: just wait.
                Err(_) => {
                    (&mut sleep).await;
                    return false;
                }
            },
        }
    }
}

#[cfg(test)]
#[path = "tests/insights.rs"]
mod tests;
