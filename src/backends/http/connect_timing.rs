//! Connect time (TCP + TLS) of a send, measured by a layer around reqwest's
//! connector. The time is written into a slot that only the send which
//! started the connect can see (a task-local set around that send), so two
//! sends in flight never get each other's figure; a reused pooled
//! connection has no connect, and the figure stays `None`.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

pub(crate) type Slot = Arc<Mutex<Option<Duration>>>;

tokio::task_local! {
    static SLOT: Slot;
}

/// Run `fut` with a fresh slot; returns its output and the connect time
/// recorded while it ran.
pub(crate) async fn measured<F: Future>(fut: F) -> (F::Output, Option<Duration>) {
    let slot: Slot = Arc::default();
    let out = SLOT.scope(slot.clone(), fut).await;
    let connect = *slot.lock().unwrap_or_else(|e| e.into_inner());
    (out, connect)
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TimingLayer;

impl<S> tower_layer::Layer<S> for TimingLayer {
    type Service = Timed<S>;
    fn layer(&self, inner: S) -> Timed<S> {
        Timed { inner }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Timed<S> {
    inner: S,
}

impl<S, R> tower_service::Service<R> for Timed<S>
where
    S: tower_service::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: R) -> Self::Future {
        // Captured now, while the send that asked for the connection is polling.
        let slot = SLOT.try_with(Clone::clone).ok();
        let started = Instant::now();
        let fut = self.inner.call(req);
        Box::pin(async move {
            let out = fut.await;
            if let (Some(slot), true) = (slot, out.is_ok()) {
                *slot.lock().unwrap_or_else(|e| e.into_inner()) = Some(started.elapsed());
            }
            out
        })
    }
}
