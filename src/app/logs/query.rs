//! The logs page's Logs Insights use case: "run" becomes an
//! [`InsightsRunner`] query on the stage's access log; progress (status,
//! records matched / scanned, bytes) flows back as [`QueryReport`]s, and the
//! rows come back as correlated records (the Lambda lines of the same window
//! are read too, so the side-by-side view works on query results as well).
//! Opening a result row ([`open_row`]) fetches its full record when needed.

use std::sync::Arc;

use futures::{Stream, StreamExt};
use tokio_stream::wrappers::ReceiverStream;

use super::fetch::{fetch_window, parse_insights_time, rows_to_events};
use super::full_record::{fetch_full_record, merge_record, needs_full_record};
use super::insights::field;
use super::{
    InsightsConfig, InsightsEvent, InsightsRunner, LogBook, LogTargets, QueryHandle, TimeRange,
};
use crate::backends::LogSource;
use crate::backends::log_source::{QueryRequest, QueryStats, QueryStatus};
use crate::domain::{CorrelatedRecord, QueryRow};

/// Rows asked of Logs Insights (its own maximum is 10 000).
pub(crate) const QUERY_LIMIT: i32 = 1000;

/// Progress of a query as the logs service reports it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct QueryProgress {
    /// Scheduled / Running / Complete / Failed / Timeout / Cancelled.
    pub status: String,
    pub records_matched: Option<f64>,
    pub records_scanned: Option<f64>,
    pub bytes_scanned: Option<f64>,
    pub message: Option<String>,
}

/// What the query reports to the page.
#[derive(Debug)]
pub enum QueryReport {
    Progress(QueryProgress),
    /// The end: the outcome's progress, the rows as records, and the rows
    /// that are not log lines (`stats` queries) for the pane to page through.
    Done {
        progress: QueryProgress,
        records: Vec<CorrelatedRecord>,
        rows: Vec<QueryRow>,
    },
}

fn progress(
    status: QueryStatus,
    stats: Option<&QueryStats>,
    message: Option<String>,
) -> QueryProgress {
    QueryProgress {
        status: format!("{status:?}"),
        records_matched: stats.map(|s| s.records_matched),
        records_scanned: stats.map(|s| s.records_scanned),
        bytes_scanned: stats.map(|s| s.bytes_scanned),
        message,
    }
}

fn failed(message: String) -> QueryProgress {
    QueryProgress {
        status: "Failed".into(),
        message: Some(message),
        ..Default::default()
    }
}

/// Start a query over `range` (resolved against the clock now). The handle
/// cancels it (StopQuery); the stream ends after its `Done`.
pub fn start(
    logs: Arc<dyn LogSource>,
    targets: &LogTargets,
    query: String,
    range: TimeRange,
) -> Result<
    (
        QueryHandle,
        impl Stream<Item = QueryReport> + Send + 'static,
    ),
    String,
> {
    let Some(access) = targets.access_group.clone() else {
        return Err("Insights reads the access log, and this stage has none in CloudWatch".into());
    };
    let (start_s, end_s) = range.resolve(chrono::Utc::now().timestamp())?;
    let runner = InsightsRunner::new(logs.clone(), InsightsConfig::default());
    let (handle, events) = runner.spawn(QueryRequest {
        log_groups: vec![access.clone()],
        query,
        start_s,
        end_s,
        limit: Some(QUERY_LIMIT),
    });
    let targets = targets.clone();
    // The runner's own task does the work; its events are mapped here as
    // the shell polls them (no task of the view's own). The stream ends
    // with the runner's channel, after `Finished` or `Failed`.
    let reports = ReceiverStream::new(events).then(move |ev| {
        let (logs, targets, access) = (logs.clone(), targets.clone(), access.clone());
        async move {
            match ev {
                InsightsEvent::Started { .. } => {
                    QueryReport::Progress(progress(QueryStatus::Scheduled, None, None))
                }
                InsightsEvent::Progress { status, stats, .. } => {
                    QueryReport::Progress(progress(status, Some(&stats), None))
                }
                InsightsEvent::Throttled { wait } => QueryReport::Progress(QueryProgress {
                    status: "Running".into(),
                    message: Some(format!(
                        "rate-limited by Logs Insights; retrying in {:.1} s",
                        wait.as_secs_f32()
                    )),
                    ..Default::default()
                }),
                InsightsEvent::Failed(m) => QueryReport::Done {
                    progress: failed(m),
                    records: vec![],
                    rows: vec![],
                },
                InsightsEvent::Finished(o) => {
                    let p = progress(o.status, Some(&o.stats), o.message.clone());
                    let (records, rows) =
                        correlate_rows(logs.as_ref(), &targets, &access, o.rows, start_s, end_s)
                            .await;
                    QueryReport::Done {
                        progress: p,
                        records,
                        rows,
                    }
                }
            }
        }
    });
    Ok((handle, reports))
}

/// What opening a result row gave: the row with the fields its record
/// added, and the record it became (empty when it has no `@message`).
#[derive(Debug)]
pub(crate) struct OpenedRow {
    pub index: usize,
    pub row: QueryRow,
    pub records: Vec<CorrelatedRecord>,
    /// Why the row could not become a record, for the pane.
    pub note: Option<String>,
}

/// Open a result row (runs in a background task): fetch its full record by
/// `@ptr` when it lacks `@message` (or holds a cut-short line), then parse
/// it and correlate it with the Lambda lines around its time.
pub(crate) async fn open_row(
    logs: Arc<dyn LogSource>,
    targets: LogTargets,
    index: usize,
    mut row: QueryRow,
) -> OpenedRow {
    if needs_full_record(&row) {
        match fetch_full_record(logs.as_ref(), &row).await {
            Ok(rec) => merge_record(&mut row, rec),
            Err(e) => {
                return OpenedRow {
                    index,
                    row,
                    records: vec![],
                    note: Some(format!("GetLogRecord: {}", e.message)),
                };
            }
        }
    }
    let access = targets.access_group.clone().unwrap_or_default();
    let ts_s = field(&row, "@timestamp")
        .and_then(parse_insights_time)
        .map(|ms| ms / 1000);
    let (records, _) = match ts_s {
        Some(t) => correlate_rows(logs.as_ref(), &targets, &access, vec![row.clone()], t, t).await,
        None => (vec![], vec![]),
    };
    let note = if records.is_empty() {
        Some("the record has no @message or @timestamp to show it by".into())
    } else {
        None
    };
    OpenedRow {
        index,
        row,
        records,
        note,
    }
}

/// Rows carrying `@message` become records, correlated with the Lambda
/// lines of the same window (a minute either side: invocations straddle
/// the edges). Other rows are returned as they are.
async fn correlate_rows(
    logs: &dyn LogSource,
    targets: &LogTargets,
    access: &str,
    rows: Vec<QueryRow>,
    start_s: i64,
    end_s: i64,
) -> (Vec<CorrelatedRecord>, Vec<QueryRow>) {
    let events = rows_to_events(&rows, access);
    if events.is_empty() {
        return (vec![], rows);
    }
    // The index must hold every invocation of the window, not just as many
    // as there are rows.
    let mut book = LogBook::new(targets, crate::app::logs::configured_capacity());
    book.ingest(&events);
    let lambda = fetch_window(
        logs,
        &targets.lambda_groups(),
        start_s * 1000 - 60_000,
        Some(end_s * 1000 + 60_000),
        None,
        200_000,
    )
    .await;
    book.ingest(&lambda.events);
    (book.correlate_all(), vec![])
}
