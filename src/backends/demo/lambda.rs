//! The demo's Lambda service: runs a handler for one invocation and writes what the
//! Lambda runtime would write to `/aws/lambda/<name>`: `START`, the function's own lines
//! (Node.js format `time<TAB>requestId<TAB>LEVEL<TAB>message`), `Task timed out` when the
//! function's own timeout fires, `END` and `REPORT` (with `Init Duration` on a cold start).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::task::JoinHandle;

use super::config::FunctionDef;
use super::handlers::{self, FnLog, OrdersDb, Outcome};
use super::log_store::LogStore;

/// What the Invoke API hands back to API Gateway.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum InvokeResult {
    /// The function returned these bytes.
    Returned(Vec<u8>),
    /// Invoke answered with `X-Amz-Function-Error: Unhandled` and this error object.
    FunctionError(Value),
}

pub(crate) struct LambdaService {
    store: Arc<LogStore>,
    functions: Vec<FunctionDef>,
    db: OrdersDb,
    /// Log stream of each function's warm execution environment.
    warm: Mutex<HashMap<String, String>>,
}

pub fn log_group(function: &str) -> String {
    format!("/aws/lambda/{function}")
}

struct Logger<'a> {
    store: &'a LogStore,
    group: &'a str,
    stream: &'a str,
    request_id: &'a str,
}

impl FnLog for Logger<'_> {
    fn log(&self, level: &str, message: &str) {
        let ts = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
        self.store.put(
            self.group,
            self.stream,
            format!("{ts}\t{}\t{level}\t{message}", self.request_id),
        );
    }
}

impl LambdaService {
    pub fn new(store: Arc<LogStore>, functions: Vec<FunctionDef>) -> Self {
        for f in &functions {
            store.ensure_group(&log_group(&f.name));
        }
        LambdaService {
            store,
            functions,
            db: OrdersDb::default(),
            warm: Mutex::new(HashMap::new()),
        }
    }

    pub fn functions(&self) -> &[FunctionDef] {
        &self.functions
    }

    /// Start an invocation: returns the Lambda request id at once (API Gateway logs it
    /// even when it stops waiting) and the running invocation. The invocation keeps
    /// running, and logging, after the caller gives up on it, as on AWS.
    pub fn invoke(
        self: &Arc<Self>,
        function: &str,
        event: Value,
    ) -> Option<(String, JoinHandle<InvokeResult>)> {
        let def = self.functions.iter().find(|f| f.name == function)?.clone();
        let request_id = uuid::Uuid::new_v4().to_string();
        let this = Arc::clone(self);
        let id = request_id.clone();
        let handle = tokio::spawn(async move { this.run(def, id, event).await });
        Some((request_id, handle))
    }

    async fn run(&self, def: FunctionDef, request_id: String, event: Value) -> InvokeResult {
        let group = log_group(&def.name);
        let (stream, cold) = {
            let mut warm = self.warm.lock().unwrap_or_else(|e| e.into_inner());
            match warm.get(&def.name) {
                Some(s) => (s.clone(), false),
                None => {
                    let s = format!(
                        "{}/[$LATEST]{}",
                        chrono::Utc::now().format("%Y/%m/%d"),
                        uuid::Uuid::new_v4().simple()
                    );
                    warm.insert(def.name.clone(), s.clone());
                    (s, true)
                }
            }
        };
        let put = |m: String| {
            self.store.put(&group, &stream, m);
        };
        put(format!("START RequestId: {request_id} Version: $LATEST"));
        let logger = Logger {
            store: &self.store,
            group: &group,
            stream: &stream,
            request_id: &request_id,
        };
        let started = Instant::now();
        let limit = Duration::from_secs(def.timeout_seconds.max(1));
        let outcome =
            tokio::time::timeout(limit, handlers::run(&def, &event, &self.db, &logger)).await;
        let elapsed = started.elapsed().as_secs_f64() * 1000.0;
        let result = match outcome {
            Ok(Outcome::Returned(bytes)) => InvokeResult::Returned(bytes),
            Ok(Outcome::Threw {
                error_type,
                message,
                stack,
            }) => {
                let err = json!({"errorType": error_type, "errorMessage": message, "stack": stack});
                logger.log("ERROR", &format!("Invoke Error \t{err}"));
                InvokeResult::FunctionError(err)
            }
            Err(_) => {
                let secs = format!("{:.2}", limit.as_secs_f64());
                let ts = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3fZ");
                put(format!(
                    "{ts} {request_id} Task timed out after {secs} seconds"
                ));
                InvokeResult::FunctionError(json!({
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": format!("RequestId: {request_id} Error: Task timed out after {secs} seconds"),
                }))
            }
        };
        put(format!("END RequestId: {request_id}"));
        let mut report = format!(
            "REPORT RequestId: {request_id}\tDuration: {elapsed:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB\t",
            elapsed.ceil().max(1.0) as u64,
            def.memory_mb,
            (def.memory_mb / 3).max(38),
        );
        if cold {
            report.push_str("Init Duration: 173.52 ms\t");
        }
        put(report);
        result
    }
}
