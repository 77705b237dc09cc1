//! The UI's half of "send": hand the job to [`crate::app::send::run_job`],
//! then prepare everything the response page shows (pretty body, doctor
//! findings, the pending log confirmation) before the result reaches the UI
//! loop, so the loop never does heavy work. The composer, the history and
//! the response page's resend all come through here.

use super::page::ResponsePage;
use crate::app::diagnose::ConfirmJob;
pub(crate) use crate::app::send::SendJob;

use crate::app::send::Signing;
use crate::ui::views::response::log_confirm::LogConfirm;

/// What a finished send hands back.
pub struct SendResult {
    /// Ready to push; `None` when nothing came back.
    pub page: Option<ResponsePage>,
    /// One line: why nothing came back (bad draft, no credentials,
    /// network error, cancelled).
    pub error: Option<String>,
    /// What was signed (SigV4), for the composer's auth tab.
    pub signing: Option<Signing>,
    /// Pre-send checks (JWT expired, audience...) and history notes.
    pub warnings: Vec<String>,
}

pub async fn run(mut job: SendJob) -> SendResult {
    let sent = match crate::app::send::run_job(&mut job).await {
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
    page.authorizer = super::authorizer::AuthorizerPane::for_draft(
        job.api.as_ref(),
        &job.draft,
        job.backend.info.region.as_deref(),
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
