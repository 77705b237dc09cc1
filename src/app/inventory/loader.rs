//! Loading the inventory: list every API, then load the details of each
//! concurrently (bounded), streaming events so a view shows the API list first
//! and fills details in as they arrive.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{FutureExt, StreamExt};
use tokio::sync::mpsc;

use crate::backends::{BackendError, ControlPlane};
use crate::domain::{Api, Inventory};

/// What the loader reports, in this order: `ApisListed` once, then one
/// `ApiLoaded` or `Failed` per API (in completion order), then `Done`. When
/// listing itself fails: `ListFailed` then `Done` with no APIs.
#[derive(Debug, Clone)]
pub enum InventoryEvent {
    /// Every API with summary fields only (`details_loaded == false`), and
    /// one sentence per family of APIs that could not be listed.
    ApisListed {
        apis: Vec<Api>,
        problems: Vec<String>,
    },
    /// One API with its routes, authorizers and stages (and `problems` for
    /// sub-calls that failed).
    ApiLoaded(Box<Api>),
    /// Loading the details of this API failed as a whole.
    Failed { api_id: String, error: BackendError },
    /// Listing the APIs failed: nothing else will come but `Done`.
    ListFailed(BackendError),
    /// The end: everything that was loaded, APIs in listing order. APIs whose
    /// details failed are included without details, with the error in `problems`.
    Done(Inventory),
}

/// Default bound on APIs loaded at once. Each HTTP API load runs four calls
/// concurrently, so this keeps about 32 requests in flight: below API
/// Gateway's control-plane burst of 40.
pub(crate) const DEFAULT_CONCURRENCY: usize = 8;

#[derive(Clone)]
pub struct Loader {
    control: Arc<dyn ControlPlane>,
    concurrency: usize,
    /// Only these API ids (all when `None`).
    only: Option<Vec<String>>,
}

impl Loader {
    pub fn new(control: Arc<dyn ControlPlane>) -> Self {
        Loader {
            control,
            concurrency: DEFAULT_CONCURRENCY,
            only: None,
        }
    }

    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Load details only for these API ids (the listing is filtered too).
    pub fn only(mut self, ids: Vec<String>) -> Self {
        self.only = Some(ids);
        self
    }

    /// Run the load, sending every event to `tx`. Stops early (quietly) when
    /// the receiver is dropped, e.g. the view was closed.
    pub async fn run(&self, tx: mpsc::Sender<InventoryEvent>) {
        let fetched_at_ms = now_ms();
        let (mut apis, problems) = match self.control.list_apis_partial().await {
            Ok(v) => v,
            Err(e) => {
                let _ = tx.send(InventoryEvent::ListFailed(e)).await;
                let _ = tx
                    .send(InventoryEvent::Done(Inventory {
                        apis: Vec::new(),
                        fetched_at_ms,
                    }))
                    .await;
                return;
            }
        };
        if let Some(only) = &self.only {
            apis.retain(|a| only.contains(&a.id));
        }
        if tx
            .send(InventoryEvent::ApisListed {
                apis: apis.clone(),
                problems,
            })
            .await
            .is_err()
        {
            return;
        }
        let mut loaded: Vec<Option<Api>> = vec![None; apis.len()];
        // Usage plans and custom domains are account-wide: read once, while
        // the first details load, and attached to each API as it arrives.
        let account = {
            let control = self.control.clone();
            async move { control.account_resources().await }
                .boxed()
                .shared()
        };
        let mut stream = futures::stream::iter(apis.iter().cloned().enumerate())
            .map(|(i, api)| {
                let control = self.control.clone();
                let account = account.clone();
                async move {
                    let id = api.id.clone();
                    let details = control.load_details(api).await;
                    let account = account.await;
                    let details = details.map(|mut api| {
                        account.attach(&mut api);
                        api
                    });
                    (i, id, details)
                }
            })
            .buffer_unordered(self.concurrency);
        while let Some((i, api_id, result)) = stream.next().await {
            let event = match result {
                Ok(api) => {
                    loaded[i] = Some(api.clone());
                    InventoryEvent::ApiLoaded(Box::new(api))
                }
                Err(error) => {
                    let mut api = apis[i].clone();
                    api.problems
                        .push(format!("details could not be loaded: {error}"));
                    loaded[i] = Some(api);
                    InventoryEvent::Failed { api_id, error }
                }
            };
            if tx.send(event).await.is_err() {
                return;
            }
        }
        let apis = loaded.into_iter().flatten().collect();
        let _ = tx
            .send(InventoryEvent::Done(Inventory {
                apis,
                fetched_at_ms,
            }))
            .await;
    }

    /// Start [`Loader::run`] on the runtime; events arrive on the returned receiver.
    pub fn spawn(&self) -> (mpsc::Receiver<InventoryEvent>, tokio::task::JoinHandle<()>) {
        let (tx, rx) = mpsc::channel(64);
        let me = self.clone();
        let handle = tokio::spawn(async move { me.run(tx).await });
        (rx, handle)
    }

    /// Load everything and return it (the CLI's path). Fails only when the
    /// listing fails; per-API failures are in each API's `problems`.
    pub async fn load(&self) -> Result<(Inventory, Vec<String>), BackendError> {
        self.load_reporting(None, |_| {}).await
    }

    /// [`Loader::load`], saying what it waits for when a call takes long:
    /// `report` gets a [`LoadWait`] once nothing arrived for `pace.first`,
    /// then every `pace.every` until something does.
    pub(crate) async fn load_reporting(
        &self,
        pace: Option<ReportPace>,
        mut report: impl FnMut(LoadWait),
    ) -> Result<(Inventory, Vec<String>), BackendError> {
        let (mut rx, _handle) = self.spawn();
        let mut problems = Vec::new();
        let mut listed: Option<Vec<String>> = None;
        let mut finished: HashSet<String> = HashSet::new();
        let mut last = Instant::now();
        let mut next = pace.map(|p| p.first);
        loop {
            let ev = match next {
                Some(after) => tokio::select! {
                    ev = rx.recv() => ev,
                    _ = tokio::time::sleep_until((last + after).into()) => {
                        let waited = last.elapsed();
                        report(match &listed {
                            None => LoadWait::Listing { waited },
                            Some(ids) => {
                                // `buffer_unordered` starts them in order, at most
                                // `concurrency` unfinished at once.
                                let started = (finished.len() + self.concurrency).min(ids.len());
                                LoadWait::Details {
                                    waited,
                                    apis: ids[..started]
                                        .iter()
                                        .filter(|id| !finished.contains(*id))
                                        .cloned()
                                        .collect(),
                                    loaded: finished.len(),
                                    total: ids.len(),
                                }
                            }
                        });
                        next = pace.map(|p| after + p.every);
                        continue;
                    }
                },
                None => rx.recv().await,
            };
            let Some(ev) = ev else { break };
            last = Instant::now();
            next = pace.map(|p| p.first);
            match ev {
                InventoryEvent::ApisListed { apis, problems: p } => {
                    problems = p;
                    listed = Some(apis.into_iter().map(|a| a.id).collect());
                }
                InventoryEvent::ListFailed(e) => return Err(e),
                InventoryEvent::Done(inv) => return Ok((inv, problems)),
                InventoryEvent::ApiLoaded(a) => {
                    finished.insert(a.id);
                }
                InventoryEvent::Failed { api_id, .. } => {
                    finished.insert(api_id);
                }
            }
        }
        Err(BackendError::new(
            crate::backends::ErrorKind::Other,
            "the inventory load stopped before it finished",
        ))
    }
}

/// When [`Loader::load_reporting`] speaks up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReportPace {
    /// Quiet for this long before the first report (fast loads say nothing).
    pub first: Duration,
    /// Then once per this.
    pub every: Duration,
}

/// What a slow inventory load is waiting for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LoadWait {
    /// The two lists (GetApis, GetRestApis) have not answered.
    Listing { waited: Duration },
    /// The details of these APIs have not arrived.
    Details {
        waited: Duration,
        apis: Vec<String>,
        loaded: usize,
        total: usize,
    },
}

impl std::fmt::Display for LoadWait {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadWait::Listing { waited } => write!(
                f,
                "listing the APIs: waiting {} s for GetApis / GetRestApis",
                waited.as_secs()
            ),
            LoadWait::Details {
                waited,
                apis,
                loaded,
                total,
            } => write!(
                f,
                "{loaded} of {total} APIs loaded; waiting {} s for the details (routes, \
                 integrations, authorizers, stages) of {}",
                waited.as_secs(),
                if apis.is_empty() {
                    "the last API".to_string()
                } else {
                    apis.join(", ")
                }
            ),
        }
    }
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
