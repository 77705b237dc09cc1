//! The UI's half of "send": hand the draft to [`crate::app::send`], then
//! prepare everything the response page shows (pretty body, doctor
//! findings, the pending log confirmation) before the result reaches the UI
//! loop, so the loop never does heavy work. The composer, the history and
//! the response page's resend all come through here.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::page::ResponsePage;
use crate::app::diagnose::ConfirmJob;
use crate::app::send::{Recording, SendInput, send};
use crate::backends::Backend;
use crate::backends::http::{Sender, SigningDebug};
use crate::domain::{Api, RequestDraft};
use crate::store::StoreOptions;
use crate::ui::views::response::log_confirm::LogConfirm;

/// What a finished send hands back.
pub struct SendResult {
    /// Ready to push; `None` when nothing came back.
    pub page: Option<ResponsePage>,
    /// One line: why nothing came back (bad draft, no credentials,
    /// network error, cancelled).
    pub error: Option<String>,
    pub signing: Option<SigningDebug>,
    /// Pre-send checks (JWT expired, audience...) and history notes.
    pub warnings: Vec<String>,
}

/// Everything the task needs, cloned out of the page and `Shared`.
pub struct SendJob {
    pub draft: RequestDraft,
    pub api: Option<Api>,
    pub backend: Backend,
    pub sender: Arc<Sender>,
    pub cancel: CancellationToken,
    /// Record in the history (tests turn it off).
    pub record: bool,
}

pub async fn run(job: SendJob) -> SendResult {
    let input = SendInput {
        draft: &job.draft,
        api: job.api.as_ref(),
        credentials: job.backend.credentials.as_ref(),
        fallback_region: job.backend.info.region.as_deref(),
        sender: &job.sender,
        recording: Recording {
            enabled: job.record,
            options: StoreOptions::from_env(),
        },
        cancel: &job.cancel,
    };
    let sent = match send(input).await {
        Ok(x) => x,
        Err(e) => {
            return SendResult {
                page: None,
                error: Some(e.to_string()),
                signing: None,
                warnings: vec![],
            };
        }
    };
    let warnings = sent.notes();
    let signing = sent.prepared.signing.clone();
    let Some(exchange) = sent.exchange(job.api.as_ref()) else {
        return SendResult {
            page: None,
            error: sent.result.err().map(|e| e.to_string()),
            signing,
            warnings,
        };
    };
    // The page shows (and exports) the request without its auth header
    // values, as sent otherwise.
    let mut page = ResponsePage::new(
        Some(sent.prepared.unsigned.clone()),
        exchange.response.clone(),
    );
    page.draft = Some(job.draft);
    page.doctor.set_findings(exchange.findings());
    match ConfirmJob::new(&job.backend, exchange) {
        Ok(confirm) => page.logs = LogConfirm::pending(confirm),
        Err(why) => page.doctor.banner = Some(why),
    }
    if !warnings.is_empty() {
        page.notice = Some(warnings.join(" · "));
    }
    SendResult {
        page: Some(page),
        error: None,
        signing,
        warnings,
    }
}
