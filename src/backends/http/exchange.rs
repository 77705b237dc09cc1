//! One call for "send this draft": build, apply auth, send (cancellable),
//! record in the history. The TUI runs it in a background task; the CLI
//! awaits it.

use tokio_util::sync::CancellationToken;

use super::auth::{AuthContext, Prepared, prepare};
use super::sender::{SendError, Sender};
use crate::backends::{BackendError, ErrorKind};
use crate::domain::{HttpResponse, RequestDraft};
use crate::engines::compose;
use crate::store::{History, HistoryEntry, Outcome, StoreOptions};

/// What happened to one send.
#[derive(Debug)]
pub struct Exchange {
    /// The request as sent, its signing debug view and pre-send warnings.
    pub prepared: Prepared,
    pub result: Result<HttpResponse, SendError>,
    /// History problems (unreadable file copied aside, write failure): one
    /// line each, for the status bar. A send never fails because of them.
    pub history_notes: Vec<String>,
}

/// Where (and whether) to record the send.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recording {
    pub enabled: bool,
    pub options: StoreOptions,
}

/// Build `draft`, apply its auth, send it, record it.
/// Errors before anything was sent (bad draft, no credentials) are `Err`;
/// network errors, timeouts and cancellation are in [`Exchange::result`].
pub async fn send_draft(
    draft: &RequestDraft,
    sender: &Sender,
    ctx: &AuthContext<'_>,
    cancel: &CancellationToken,
    recording: Recording,
) -> Result<Exchange, BackendError> {
    let request =
        compose::build(draft).map_err(|e| BackendError::new(ErrorKind::Other, e.to_string()))?;
    let prepared = tokio::select! {
        biased;
        _ = cancel.cancelled() => {
            return Err(BackendError::new(ErrorKind::Other, "cancelled"));
        }
        p = prepare(request, &draft.auth, ctx) => p?,
    };
    let result = sender.send_cancellable(&prepared.request, cancel).await;
    let mut history_notes = Vec::new();
    if recording.enabled {
        let outcome = match &result {
            Ok(r) => Outcome::from_response(r),
            Err(e) => Outcome::from_error(e.to_string()),
        };
        let entry = HistoryEntry::new(draft, &prepared.request, outcome);
        match History::open(&History::key_for(draft), recording.options) {
            Ok(mut h) => {
                history_notes.extend(h.warning.take());
                if let Err(e) = h.record(entry, &prepared.redactor) {
                    history_notes.push(format!("the request was not recorded in the history: {e}"));
                }
            }
            Err(e) => {
                history_notes.push(format!("the request was not recorded in the history: {e}"))
            }
        }
    }
    Ok(Exchange {
        prepared,
        result,
        history_notes,
    })
}
