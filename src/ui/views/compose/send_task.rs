//! The background half of "send": build, sign, send (cancellable), record,
//! then prepare everything the response page shows (pretty body, doctor
//! findings) before handing it to the UI loop, so the loop never does
//! heavy work.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::backends::Backend;
use crate::backends::http::{AuthContext, Recording, Sender, SigningDebug, send_draft};
use crate::domain::{Api, HttpRequest, RequestDraft};
use crate::engines::compose;
use crate::store::StoreOptions;
use crate::ui::views::doctor::confirm::ConfirmJob;
use crate::ui::views::doctor::hook;
use crate::ui::views::response::log_confirm::LogConfirm;
use crate::ui::views::response::page::ResponsePage;

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
    let SendJob {
        mut draft,
        api,
        backend,
        sender,
        cancel,
        record,
    } = job;
    // A demo request stored by an earlier run names its API and stage; send it to the
    // demo running now, not to the port that run had.
    if backend.info.demo
        && let Some(a) = &api
    {
        crate::backends::demo::targets::rebase(&mut draft, a);
    }
    let route = api
        .as_ref()
        .and_then(|a| draft.target.route_key.as_deref().and_then(|k| a.route(k)));
    let authorizer = match (api.as_ref(), route) {
        (Some(a), Some(r)) => compose::route_jwt_authorizer(a, r),
        _ => None,
    };
    let scopes = route
        .map(|r| r.authorization_scopes.clone())
        .unwrap_or_default();
    let ctx = AuthContext {
        credentials: backend.credentials.as_ref(),
        fallback_region: backend.info.region.as_deref(),
        authorizer,
        route_scopes: &scopes,
        now: None,
    };
    let recording = Recording {
        enabled: record,
        options: StoreOptions::from_env(),
    };
    // The log search for this request starts a minute before it went out.
    let sent_ms = chrono::Utc::now().timestamp_millis();
    let exchange = match send_draft(&draft, &sender, &ctx, &cancel, recording).await {
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
    let mut warnings = exchange.prepared.warnings.clone();
    warnings.extend(exchange.history_notes.iter().cloned());
    let signing = exchange.prepared.signing.clone();
    match exchange.result {
        Ok(resp) => {
            // The page shows (and exports) the request without its auth
            // header values, as sent otherwise.
            let shown: HttpRequest = exchange.prepared.unsigned.clone();
            let mut page = ResponsePage::new(Some(shown), resp.clone());
            page.draft = Some(draft.clone());
            page.doctor.set_findings(hook::diagnose_response(
                api.as_ref(),
                draft.target.stage.as_deref(),
                draft.target.route_key.as_deref(),
                &exchange.prepared.unsigned,
                &resp,
            ));
            match ConfirmJob::new(
                &backend,
                api.as_ref(),
                draft.target.stage.as_deref(),
                draft.target.route_key.as_deref(),
                &exchange.prepared.unsigned,
                &resp,
                sent_ms,
            ) {
                Ok(job) => page.logs = LogConfirm::pending(job),
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
        Err(e) => SendResult {
            page: None,
            error: Some(e.to_string()),
            signing,
            warnings,
        },
    }
}
