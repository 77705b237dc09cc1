//! The demo's `LogSource`: CloudWatch Logs semantics over the in-memory log store
//! (FilterLogEvents paging and filter patterns, Logs Insights queries evaluated locally,
//! GetLogRecord, a push-based live tail).

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use tokio::sync::{broadcast, mpsc};

use super::config::ACCOUNT;
use super::filter_pattern::FilterPattern;
use super::insights;
use super::lambda;
use super::log_store::{LogStore, parse_event_id};
use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, QueryRequest, QueryResults, QueryStats, QueryStatus,
};
use crate::backends::{BackendError, ErrorKind, LogSource};
use crate::domain::RawLogEvent;

/// FilterLogEvents' page size cap.
const MAX_PAGE: usize = 10_000;
/// Live tail batches at most this many events per update (as StartLiveTail does).
const MAX_BATCH: usize = 500;

/// The store's sequence number of an event (its id).
fn seq_of(e: &RawLogEvent) -> u64 {
    e.event_id.as_deref().and_then(parse_event_id).unwrap_or(0)
}

pub(crate) struct DemoLogs {
    store: Arc<LogStore>,
    queries: Mutex<HashMap<String, QueryResults>>,
}

impl DemoLogs {
    pub fn new(store: Arc<LogStore>) -> Self {
        DemoLogs {
            store,
            queries: Mutex::new(HashMap::new()),
        }
    }

    fn check_group(&self, group: &str) -> Result<(), BackendError> {
        if self.store.has_group(group) {
            return Ok(());
        }
        Err(BackendError::new(
            ErrorKind::NotFound,
            format!("the log group {group} does not exist in the demo"),
        )
        .with_fix(format!(
            "the demo's log groups are: {}",
            self.store.group_names().join(", ")
        )))
    }
}

fn bad_input(message: String) -> BackendError {
    BackendError::new(ErrorKind::Other, message)
}

#[async_trait]
impl LogSource for DemoLogs {
    async fn filter_events(&self, req: FilterRequest) -> Result<FilterPage, BackendError> {
        self.check_group(&req.log_group)?;
        let pattern = FilterPattern::parse(req.filter_pattern.as_deref().unwrap_or(""))
            .map_err(|e| bad_input(format!("invalid filter pattern: {e}")))?;
        let from_seq = match req.next_token.as_deref() {
            None => 0,
            Some(t) => {
                parse_event_id(t).ok_or_else(|| bad_input(format!("invalid next token {t:?}")))?
            }
        };
        let limit = req
            .limit
            .map_or(MAX_PAGE, |l| (l.max(1) as usize).min(MAX_PAGE));
        let mut matching = self
            .store
            .events(
                &req.log_group,
                req.start_ms,
                req.end_ms.unwrap_or(i64::MAX),
                from_seq,
            )
            .into_iter()
            .filter(|e| pattern.matches(&e.message));
        let events: Vec<_> = matching.by_ref().take(limit).collect();
        // The token resumes at the first event not returned.
        let next_token = matching.next().and_then(|e| e.event_id);
        Ok(FilterPage { events, next_token })
    }

    async fn start_query(&self, req: QueryRequest) -> Result<String, BackendError> {
        if req.log_groups.is_empty() {
            return Err(bad_input(
                "a Logs Insights query needs at least one log group".into(),
            ));
        }
        for g in &req.log_groups {
            self.check_group(g)?;
        }
        let commands = insights::parse(&req.query)
            .map_err(|e| bad_input(format!("MalformedQueryException: {e}")))?;
        let (start_ms, end_ms) = (req.start_s * 1000, req.end_s * 1000 + 999);
        let mut records = Vec::new();
        let mut bytes = 0usize;
        for g in &req.log_groups {
            for e in self.store.events(g, start_ms, end_ms, 0) {
                bytes += e.message.len();
                let ptr = e.event_id.clone().unwrap_or_default();
                records.push(insights::discover(&e, ACCOUNT, &ptr));
            }
        }
        let scanned = records.len() as f64;
        let rows = insights::evaluate(&commands, records, req.limit.map(|l| l.max(1) as usize));
        let id = uuid::Uuid::new_v4().to_string();
        let results = QueryResults {
            status: QueryStatus::Complete,
            stats: QueryStats {
                records_matched: rows.len() as f64,
                records_scanned: scanned,
                bytes_scanned: bytes as f64,
            },
            rows,
        };
        self.queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.clone(), results);
        Ok(id)
    }

    async fn query_results(&self, query_id: &str) -> Result<QueryResults, BackendError> {
        self.queries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(query_id)
            .cloned()
            .ok_or_else(|| {
                BackendError::new(ErrorKind::NotFound, format!("no query with id {query_id}"))
            })
    }

    async fn stop_query(&self, query_id: &str) -> Result<(), BackendError> {
        // Local queries complete at once; like AWS, stopping a finished query is an error.
        self.query_results(query_id).await?;
        Err(bad_input(format!("query {query_id} has already completed")))
    }

    async fn get_log_record(&self, ptr: &str) -> Result<BTreeMap<String, String>, BackendError> {
        let ev = self.store.by_id(ptr).ok_or_else(|| {
            BackendError::new(
                ErrorKind::NotFound,
                format!("no log record for pointer {ptr}"),
            )
        })?;
        let mut r = insights::discover(&ev, ACCOUNT, ptr);
        r.remove("@ptr");
        Ok(r)
    }

    async fn live_tail(
        &self,
        log_groups: &[String],
        filter_pattern: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        for g in log_groups {
            self.check_group(g)?;
        }
        let pattern = FilterPattern::parse(filter_pattern.as_deref().unwrap_or(""))
            .map_err(|e| bad_input(format!("invalid filter pattern: {e}")))?;
        let groups = log_groups.to_vec();
        let mut rx = self.store.subscribe();
        let store = self.store.clone();
        let (tx, out) = mpsc::channel(16);
        tokio::spawn(async move {
            // The highest event sequence already handled. When a burst
            // outruns the broadcast buffer (it says `Lagged`), what it
            // dropped is read back from the store from here on: the demo's
            // live tail loses nothing (up to the store's bound per group).
            let mut seen = 0u64;
            let backfill = |seen: u64| {
                let mut evs: Vec<RawLogEvent> = groups
                    .iter()
                    .flat_map(|g| store.events(g, i64::MIN, i64::MAX, seen + 1))
                    .collect();
                evs.sort_by_key(seq_of);
                evs
            };
            loop {
                let mut batch = match rx.recv().await {
                    Ok(e) => vec![e],
                    Err(broadcast::error::RecvError::Lagged(_)) => backfill(seen),
                    Err(broadcast::error::RecvError::Closed) => return,
                };
                // Batch what has already arrived, as one session update.
                while batch.len() < MAX_BATCH {
                    match rx.try_recv() {
                        Ok(e) => batch.push(e),
                        Err(broadcast::error::TryRecvError::Lagged(_)) => {
                            batch.extend(backfill(seen))
                        }
                        Err(_) => break,
                    }
                }
                // Backfilled events may also come through the channel.
                batch.sort_by_key(seq_of);
                batch.dedup_by_key(|e| seq_of(e));
                batch.retain(|e| seq_of(e) > seen);
                seen = batch.last().map_or(seen, seq_of);
                batch.retain(|e| groups.contains(&e.log_group) && pattern.matches(&e.message));
                for chunk in batch.chunks(MAX_BATCH) {
                    if tx.send(Ok(chunk.to_vec())).await.is_err() {
                        return; // the consumer hung up
                    }
                }
            }
        });
        Ok(Box::pin(tokio_stream::wrappers::ReceiverStream::new(out)))
    }

    async fn lambda_log_group(&self, function_arn: &str) -> Result<String, BackendError> {
        let name = crate::domain::FunctionArn::name_of(function_arn);
        if name.is_empty() {
            return Err(bad_input(format!("{function_arn:?} names no function")));
        }
        Ok(lambda::log_group(name))
    }
}

#[cfg(test)]
mod tests {
    use futures::StreamExt;

    use super::*;

    fn source() -> (Arc<LogStore>, DemoLogs) {
        let store = Arc::new(LogStore::default());
        (store.clone(), DemoLogs::new(store))
    }

    #[tokio::test]
    async fn filter_events_pages_and_filters() {
        let (store, logs) = source();
        for i in 0..5 {
            store.put("g", "s", format!(r#"{{"status":"{}"}}"#, 200 + i));
        }
        let mut req = FilterRequest {
            log_group: "g".into(),
            limit: Some(2),
            ..Default::default()
        };
        let mut seen = Vec::new();
        loop {
            let page = logs.filter_events(req.clone()).await.unwrap();
            seen.extend(page.events.into_iter().map(|e| e.message));
            match page.next_token {
                Some(t) => req.next_token = Some(t),
                None => break,
            }
        }
        assert_eq!(seen.len(), 5);
        req.next_token = None;
        req.filter_pattern = Some("{ $.status >= 203 }".into());
        assert_eq!(
            logs.filter_events(req.clone()).await.unwrap().events.len(),
            2
        );
        req.log_group = "nope".into();
        let err = logs.filter_events(req).await.unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
    }

    #[tokio::test]
    async fn insights_query_runs_locally() {
        let (store, logs) = source();
        store.put("g", "s", r#"{"status":"500","routeKey":"GET /a"}"#);
        store.put("g", "s", r#"{"status":"200","routeKey":"GET /a"}"#);
        store.put("g", "s", r#"{"status":"500","routeKey":"GET /b"}"#);
        let id = logs
            .start_query(QueryRequest {
                log_groups: vec!["g".into()],
                query: "filter status like /^5/ | stats count(*) as n by routeKey".into(),
                start_s: 0,
                end_s: i64::MAX / 2000,
                limit: None,
            })
            .await
            .unwrap();
        let r = logs.query_results(&id).await.unwrap();
        assert_eq!(r.status, QueryStatus::Complete);
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.stats.records_scanned, 3.0);
        let bad = logs
            .start_query(QueryRequest {
                log_groups: vec!["g".into()],
                query: "filter (".into(),
                ..Default::default()
            })
            .await
            .unwrap_err();
        assert!(bad.message.starts_with("MalformedQueryException"), "{bad}");
    }

    #[tokio::test]
    async fn live_tail_pushes_new_matching_events() {
        let (store, logs) = source();
        store.ensure_group("b");
        store.put("a", "s", "before");
        let mut tail = logs
            .live_tail(&["a".to_string()], Some("ERROR".into()))
            .await
            .unwrap();
        store.put("b", "s", "ERROR elsewhere");
        store.put("a", "s", "INFO fine");
        store.put("a", "s", "ERROR boom");
        let batch = tail.next().await.unwrap().unwrap();
        assert_eq!(batch.len(), 1);
        assert_eq!(batch[0].message, "ERROR boom");
    }

    /// 10 000 events put faster than the tail forwards them (nobody reads
    /// until the end): the broadcast buffer (4096) overflows, and the tail
    /// still delivers every matching event once, in order.
    #[tokio::test]
    async fn live_tail_is_lossless_through_a_burst() {
        let (store, logs) = source();
        store.ensure_group("a");
        let mut tail = logs.live_tail(&["a".to_string()], None).await.unwrap();
        for i in 0..10_000 {
            store.put("a", "s", format!("e{i}"));
            store.put("b", "s", "other group");
        }
        let mut got = Vec::new();
        while got.len() < 10_000 {
            let batch = tokio::time::timeout(std::time::Duration::from_secs(10), tail.next())
                .await
                .expect("no stall")
                .unwrap()
                .unwrap();
            assert!(batch.len() <= MAX_BATCH);
            got.extend(batch.into_iter().map(|e| e.message));
        }
        let want: Vec<String> = (0..10_000).map(|i| format!("e{i}")).collect();
        assert_eq!(got, want);
        // Nothing more, nothing repeated.
        store.put("a", "s", "last");
        let batch = tail.next().await.unwrap().unwrap();
        assert_eq!(
            batch.iter().map(|e| e.message.as_str()).collect::<Vec<_>>(),
            ["last"]
        );
    }

    #[tokio::test]
    async fn lambda_log_group_from_arn_or_name() {
        let (_, logs) = source();
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:demo-orders:live";
        assert_eq!(
            logs.lambda_log_group(arn).await.unwrap(),
            "/aws/lambda/demo-orders"
        );
        assert_eq!(logs.lambda_log_group("f").await.unwrap(), "/aws/lambda/f");
    }
}
