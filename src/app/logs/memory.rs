//! An in-memory [`LogSource`]: log groups in a map, FilterLogEvents with
//! small pages, scripted Insights statuses, injected throttling, and a live
//! tail fed by `push`. For tests of the services and the views: compiled
//! only for the crate's own tests (`#[cfg(test)]`), not part of the library.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};

use async_trait::async_trait;
use futures::StreamExt;
use tokio::sync::broadcast;

use crate::backends::log_source::{
    FilterPage, FilterRequest, LiveTailStream, QueryRequest, QueryResults, QueryStats, QueryStatus,
};
use crate::backends::{BackendError, ErrorKind, LogSource};
use crate::domain::RawLogEvent;

pub(crate) struct MemoryLogSource {
    groups: Mutex<BTreeMap<String, Vec<RawLogEvent>>>,
    next_id: AtomicU64,
    /// Events per FilterLogEvents page.
    pub page_size: usize,
    /// The next N FilterLogEvents calls answer "throttled".
    pub throttle_filter: AtomicU32,
    /// The next N StartQuery calls answer "throttled" (LimitExceeded).
    pub throttle_start: AtomicU32,
    /// Statuses successive GetQueryResults calls report (the last repeats).
    pub query_script: Mutex<Vec<QueryStatus>>,
    /// Offer live tail at all.
    pub live: bool,
    live_tx: broadcast::Sender<RawLogEvent>,
    queries: Mutex<HashMap<String, QueryState>>,
    /// Calls made, by operation name (for assertions).
    pub calls: Mutex<BTreeMap<&'static str, u32>>,
    /// Function ARN → log group overrides (LoggingConfig).
    pub lambda_groups: Mutex<HashMap<String, String>>,
}

struct QueryState {
    req: QueryRequest,
    polls: usize,
    stopped: bool,
}

/// The names of a query's first `fields` command, if it has one.
fn fields_command(query: &str) -> Option<Vec<String>> {
    let cmd = query
        .split('|')
        .map(str::trim)
        .find_map(|c| c.strip_prefix("fields "))?;
    Some(cmd.split(',').map(|f| f.trim().to_string()).collect())
}

impl Default for MemoryLogSource {
    fn default() -> Self {
        MemoryLogSource::new()
    }
}

impl MemoryLogSource {
    pub fn new() -> Self {
        let (live_tx, _) = broadcast::channel(10_000);
        MemoryLogSource {
            groups: Mutex::new(BTreeMap::new()),
            next_id: AtomicU64::new(1),
            page_size: 3,
            throttle_filter: AtomicU32::new(0),
            throttle_start: AtomicU32::new(0),
            query_script: Mutex::new(vec![QueryStatus::Complete]),
            live: false,
            live_tx,
            queries: Mutex::new(HashMap::new()),
            calls: Mutex::new(BTreeMap::new()),
            lambda_groups: Mutex::new(HashMap::new()),
        }
    }

    /// Append an event (given an id like CloudWatch's); live tails see it.
    pub fn push(&self, group: &str, stream: &str, timestamp_ms: i64, message: &str) -> RawLogEvent {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let ev = RawLogEvent {
            log_group: group.to_string(),
            log_stream: Some(stream.to_string()),
            event_id: Some(format!("{id:020}")),
            timestamp_ms,
            ingestion_ms: Some(timestamp_ms),
            message: message.to_string(),
        };
        self.groups
            .lock()
            .expect("groups")
            .entry(group.to_string())
            .or_default()
            .push(ev.clone());
        let _ = self.live_tx.send(ev.clone());
        ev
    }

    pub(crate) fn create_group(&self, group: &str) {
        self.groups
            .lock()
            .expect("groups")
            .entry(group.to_string())
            .or_default();
    }

    pub fn calls(&self, op: &'static str) -> u32 {
        self.calls
            .lock()
            .expect("calls")
            .get(op)
            .copied()
            .unwrap_or(0)
    }

    fn count(&self, op: &'static str) {
        *self.calls.lock().expect("calls").entry(op).or_default() += 1;
    }

    fn throttled(counter: &AtomicU32, op: &str) -> Result<(), BackendError> {
        let left = counter.load(Ordering::SeqCst);
        if left > 0 {
            counter.store(left - 1, Ordering::SeqCst);
            return Err(BackendError::new(
                ErrorKind::Throttled,
                format!("{op} was throttled: Rate exceeded"),
            ));
        }
        Ok(())
    }
}

#[async_trait]
impl LogSource for MemoryLogSource {
    async fn filter_events(&self, req: FilterRequest) -> Result<FilterPage, BackendError> {
        self.count("FilterLogEvents");
        Self::throttled(&self.throttle_filter, "FilterLogEvents")?;
        let groups = self.groups.lock().expect("groups");
        let Some(events) = groups.get(&req.log_group) else {
            return Err(BackendError::new(
                ErrorKind::NotFound,
                format!("log group {} does not exist", req.log_group),
            ));
        };
        let mut matching: Vec<&RawLogEvent> = events
            .iter()
            .filter(|e| {
                e.timestamp_ms >= req.start_ms && req.end_ms.is_none_or(|end| e.timestamp_ms <= end)
            })
            .filter(|e| {
                req.filter_pattern
                    .as_deref()
                    .is_none_or(|p| e.message.contains(p.trim_matches('"')))
            })
            .collect();
        matching.sort_by_key(|e| e.timestamp_ms);
        let offset: usize = req
            .next_token
            .as_deref()
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        let page: Vec<RawLogEvent> = matching
            .iter()
            .skip(offset)
            .take(self.page_size)
            .map(|e| (*e).clone())
            .collect();
        let next = offset + page.len();
        Ok(FilterPage {
            events: page,
            next_token: (next < matching.len()).then(|| next.to_string()),
        })
    }

    async fn start_query(&self, req: QueryRequest) -> Result<String, BackendError> {
        self.count("StartQuery");
        Self::throttled(&self.throttle_start, "StartQuery")?;
        let mut q = self.queries.lock().expect("queries");
        let id = format!("q-{}", q.len() + 1);
        q.insert(
            id.clone(),
            QueryState {
                req,
                polls: 0,
                stopped: false,
            },
        );
        Ok(id)
    }

    async fn query_results(&self, query_id: &str) -> Result<QueryResults, BackendError> {
        self.count("GetQueryResults");
        let mut q = self.queries.lock().expect("queries");
        let st = q.get_mut(query_id).ok_or_else(|| {
            BackendError::new(
                ErrorKind::NotFound,
                format!("query {query_id} does not exist"),
            )
        })?;
        let script = self.query_script.lock().expect("script").clone();
        let status = if st.stopped {
            QueryStatus::Cancelled
        } else {
            script
                .get(st.polls)
                .or(script.last())
                .copied()
                .unwrap_or(QueryStatus::Complete)
        };
        st.polls += 1;
        let groups = self.groups.lock().expect("groups");
        let mut rows = Vec::new();
        for g in &st.req.log_groups {
            for e in groups.get(g).into_iter().flatten() {
                let ts_s = e.timestamp_ms / 1000;
                if ts_s < st.req.start_s || ts_s > st.req.end_s {
                    continue;
                }
                rows.push(vec![
                    ("@timestamp".to_string(), e.timestamp_ms.to_string()),
                    ("@message".to_string(), e.message.clone()),
                    ("@log".to_string(), format!("000000000000:{g}")),
                    (
                        "@logStream".to_string(),
                        e.log_stream.clone().unwrap_or_default(),
                    ),
                    (
                        "@ptr".to_string(),
                        format!("{g}#{}", e.event_id.clone().unwrap_or_default()),
                    ),
                ]);
            }
        }
        // Like CloudWatch, a `fields` command picks the row's fields (`@ptr`
        // always comes along): `fields @timestamp` rows have no `@message`.
        if let Some(picked) = fields_command(&st.req.query) {
            for row in &mut rows {
                row.retain(|(k, _)| k == "@ptr" || picked.iter().any(|p| p == k));
            }
        }
        // Running shows partial results, as CloudWatch does.
        if status == QueryStatus::Running {
            rows.truncate(rows.len() / 2);
        }
        if matches!(
            status,
            QueryStatus::Failed
                | QueryStatus::Timeout
                | QueryStatus::Cancelled
                | QueryStatus::Scheduled
        ) {
            rows.clear();
        }
        let n = rows.len() as f64;
        Ok(QueryResults {
            status,
            stats: QueryStats {
                records_matched: n,
                records_scanned: n * 2.0,
                bytes_scanned: n * 100.0,
            },
            rows,
        })
    }

    async fn stop_query(&self, query_id: &str) -> Result<(), BackendError> {
        self.count("StopQuery");
        let mut q = self.queries.lock().expect("queries");
        match q.get_mut(query_id) {
            Some(st) => {
                st.stopped = true;
                Ok(())
            }
            None => Err(BackendError::new(
                ErrorKind::NotFound,
                format!("query {query_id} does not exist"),
            )),
        }
    }

    async fn get_log_record(&self, ptr: &str) -> Result<BTreeMap<String, String>, BackendError> {
        self.count("GetLogRecord");
        let (group, id) = ptr
            .split_once('#')
            .ok_or_else(|| BackendError::new(ErrorKind::NotFound, "bad @ptr"))?;
        let groups = self.groups.lock().expect("groups");
        let e = groups
            .get(group)
            .and_then(|evs| evs.iter().find(|e| e.event_id.as_deref() == Some(id)))
            .ok_or_else(|| BackendError::new(ErrorKind::NotFound, "no such record"))?;
        Ok(BTreeMap::from([
            ("@message".to_string(), e.message.clone()),
            ("@timestamp".to_string(), e.timestamp_ms.to_string()),
            (
                "@logStream".to_string(),
                e.log_stream.clone().unwrap_or_default(),
            ),
        ]))
    }

    async fn live_tail(
        &self,
        log_groups: &[String],
        filter_pattern: Option<String>,
    ) -> Result<LiveTailStream, BackendError> {
        self.count("StartLiveTail");
        if !self.live {
            return Err(BackendError::unsupported("live tail"));
        }
        let groups: Vec<String> = log_groups.to_vec();
        // A lagged receiver skips ahead (what the real tail does when it
        // cannot keep up), so lag errors are dropped.
        let rx = tokio_stream::wrappers::BroadcastStream::new(self.live_tx.subscribe())
            .filter_map(|ev| std::future::ready(ev.ok()));
        let s = rx.filter_map(move |ev| {
            let keep = groups.contains(&ev.log_group)
                && filter_pattern
                    .as_deref()
                    .is_none_or(|p| ev.message.contains(p.trim_matches('"')));
            // Live tail reports no event ids.
            let out = keep.then(|| {
                Ok(vec![RawLogEvent {
                    event_id: None,
                    ..ev
                }])
            });
            async move { out }
        });
        Ok(s.boxed())
    }

    async fn lambda_log_group(&self, function_arn: &str) -> Result<String, BackendError> {
        if let Some(g) = self
            .lambda_groups
            .lock()
            .expect("lambda groups")
            .get(function_arn)
        {
            return Ok(g.clone());
        }
        Ok(format!(
            "/aws/lambda/{}",
            crate::domain::FunctionArn::name_of(function_arn)
        ))
    }
}
