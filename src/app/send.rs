//! "Send this draft", once for every front end (the composer, a resend from
//! the history or the response page, `gatescope send`, `gatescope doctor`):
//! resolve what the request targets (route, stage, authorizer), build it,
//! apply its auth, send it (cancellable), record it in the history.
//!
//! [`resolve_target`] is the one rule for "which route, stage and authorizer
//! does this request meet": before it, the composer, `gatescope send` and
//! `gatescope doctor` each had their own, and the same exchange could be
//! checked against different authorizers.

use std::sync::{Arc, OnceLock};

use aws_credential_types::provider::SharedCredentialsProvider;
use tokio_util::sync::CancellationToken;

use super::diagnose::Exchange;
use super::history::Store;
use crate::backends::http::{AuthContext, Prepared, SendError, SendOptions, Sender, prepare};
use crate::backends::{Backend, BackendError, ErrorKind};
use crate::domain::{Api, Authorizer, HttpRequest, HttpResponse, RequestDraft, Route};
use crate::engines::compose;
use crate::engines::routing::Router;
use crate::store::{History, HistoryEntry, Outcome};

/// What SigV4 signed (canonical request, string to sign), for display.
pub(crate) type Signing = crate::backends::http::SigningDebug;

/// Where to record the send (`None`: not at all).
#[derive(Clone, Default)]
pub struct Recording {
    pub store: Option<Store>,
}

impl Recording {
    /// Into `store`, or nowhere when `enabled` is false.
    pub fn to(store: Store, enabled: bool) -> Recording {
        Recording {
            store: enabled.then_some(store),
        }
    }
}

/// The HTTP client of a front end's session: built on first use, then
/// shared by every send (composer, history, resend, CORS probe) so
/// connections are reused. Cloning shares it.
#[derive(Clone, Default)]
pub struct Client(Arc<OnceLock<Arc<Sender>>>);

impl Client {
    pub fn sender(&self) -> Result<Arc<Sender>, BackendError> {
        if let Some(s) = self.0.get() {
            return Ok(s.clone());
        }
        let s = Arc::new(Sender::new(SendOptions::default())?);
        Ok(self.0.get_or_init(|| s).clone())
    }
}

/// A send as the TUI starts it: everything it needs, cloned out of the
/// page and the shared state, to run as a task.
pub struct SendJob {
    pub draft: RequestDraft,
    pub api: Option<Api>,
    pub backend: Backend,
    pub client: Client,
    pub cancel: CancellationToken,
    /// Record in the history (tests turn it off).
    pub record: bool,
    pub store: Store,
}

/// Run a [`SendJob`]: a demo request stored by an earlier run is sent to
/// the demo running now (its port changed), then [`send`].
pub(crate) async fn run_job(job: &mut SendJob) -> Result<Sent, BackendError> {
    if job.backend.info.demo
        && let Some(a) = &job.api
    {
        crate::backends::demo::targets::rebase(&mut job.draft, a);
    }
    let sender = job.client.sender()?;
    send(SendInput {
        draft: &job.draft,
        api: job.api.as_ref(),
        credentials: job.backend.credentials.as_ref(),
        fallback_region: job.backend.info.region.as_deref(),
        sender: &sender,
        recording: Recording::to(job.store.clone(), job.record),
        cancel: &job.cancel,
    })
    .await
}

/// The browser CORS probe of `req` from `origin`, on the session's client.
pub(crate) async fn cors_probe(
    client: &Client,
    req: &HttpRequest,
    origin: &str,
) -> Result<crate::backends::http::cors_probe::CorsProbe, String> {
    let sender = client.sender().map_err(|e| e.to_string())?;
    crate::backends::http::cors_probe::probe(&sender, req, Some(req), origin)
        .await
        .map_err(|e| e.to_string())
}

/// The region a SigV4 request to `url` is signed for (the auth mode's,
/// else the host's, else `fallback`), for "copy as awscurl".
pub(crate) fn signing_region(
    auth_region: Option<&str>,
    url: &str,
    fallback: Option<&str>,
) -> Option<String> {
    crate::backends::http::signing_region(auth_region, url, fallback)
}

/// A body file for the composer, bounded like `send -d @FILE`, read on a
/// blocking thread.
pub(crate) async fn read_body_file(path: String) -> Result<Vec<u8>, String> {
    tokio::task::spawn_blocking(move || {
        crate::backends::http::body_from_file(std::path::Path::new(&path))
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| format!("the body file could not be read: {e}"))?
}

/// What a request meets at the gateway, as far as the inventory tells.
#[derive(Debug, Clone, Copy, Default)]
pub struct Target<'a> {
    pub route: Option<&'a Route>,
    pub stage: Option<&'a str>,
    /// The route's authorizer (any type; the pre-send JWT checks use its
    /// JWT configuration when it has one).
    pub authorizer: Option<&'a Authorizer>,
}

impl Target<'_> {
    pub fn route_key(&self) -> Option<String> {
        self.route.map(|r| r.route_key.clone())
    }

    pub fn route_scopes(&self) -> &[String] {
        self.route
            .map(|r| r.authorization_scopes.as_slice())
            .unwrap_or(&[])
    }
}

/// The route, stage and authorizer `request` (built from `draft`) meets on
/// `api`: the route the draft names when the API has it, else the one API
/// Gateway's routing picks for the request's method and path; the stage the
/// draft names, else the one routing picks. Without an API: nothing.
pub(crate) fn resolve_target<'a>(
    api: Option<&'a Api>,
    draft: &'a RequestDraft,
    request: &HttpRequest,
) -> Target<'a> {
    let Some(api) = api else {
        return Target::default();
    };
    let named_route = draft.target.route_key.as_deref().and_then(|k| api.route(k));
    // Through one of the API's custom domains, the mapping decides stage and path; a
    // path no mapping covers reaches no stage or route at all.
    if let Some(through) = domain_call(api, request) {
        let Some((stage, path)) = through else {
            return Target::default();
        };
        let routed = Router::from_api(api).resolve(&request.method, &path);
        let route = routed
            .matched
            .as_ref()
            .and_then(|m| api.route(&m.route_key));
        let stage = stage
            .or(routed.stage)
            .and_then(|s| api.stage(&s))
            .map(|s| s.stage_name.as_str());
        return Target {
            route,
            stage,
            authorizer: route
                .and_then(|r| r.authorizer_id.as_deref())
                .and_then(|id| api.authorizer(id)),
        };
    }
    let routed = if named_route.is_some() && draft.target.stage.is_some() {
        None
    } else {
        url::Url::parse(&request.url)
            .ok()
            .map(|u| Router::from_api(api).resolve(&request.method, u.path()))
    };
    let route = named_route.or_else(|| {
        let key = routed.as_ref()?.matched.as_ref()?.route_key.clone();
        api.route(&key)
    });
    let stage = draft.target.stage.as_deref().or_else(|| {
        let name = routed.as_ref()?.stage.clone()?;
        api.stage(&name).map(|s| s.stage_name.as_str())
    });
    let authorizer = route
        .and_then(|r| r.authorizer_id.as_deref())
        .and_then(|id| api.authorizer(id));
    Target {
        route,
        stage,
        authorizer,
    }
}

/// Where a request to one of `api`'s custom domains goes ([`Api::through_domain`]); the
/// `Host` header names the domain when there is one (the demo's loopback listener).
pub(crate) fn domain_call(
    api: &Api,
    request: &HttpRequest,
) -> Option<Option<(Option<String>, String)>> {
    let url = url::Url::parse(&request.url).ok()?;
    let host = match request.header("host") {
        Some(h) => h.split(':').next().unwrap_or(h).trim().to_string(),
        None => url.host_str()?.to_string(),
    };
    api.through_domain(&host, url.path())
}

/// One send's inputs.
pub struct SendInput<'a> {
    pub draft: &'a RequestDraft,
    /// The API the draft targets, when the inventory knows it.
    pub api: Option<&'a Api>,
    /// For SigV4.
    pub credentials: Option<&'a SharedCredentialsProvider>,
    /// Signing region when neither the auth mode nor the host names one.
    pub fallback_region: Option<&'a str>,
    pub sender: &'a Sender,
    pub recording: Recording,
    pub cancel: &'a CancellationToken,
}

/// What happened to one send.
#[derive(Debug)]
pub struct Sent {
    /// The request as sent, its signing debug view and pre-send warnings.
    pub prepared: Prepared,
    pub result: Result<HttpResponse, SendError>,
    /// History problems (unreadable file copied aside, write failure): one
    /// line each, for the status bar. A send never fails because of them.
    pub history_notes: Vec<String>,
    /// What [`resolve_target`] found.
    pub route_key: Option<String>,
    pub stage: Option<String>,
    /// When the request went out (epoch ms): the log search starts before it.
    pub sent_ms: i64,
}

impl Sent {
    /// The exchange to diagnose, when a response came back. The request is
    /// the one that went on the wire, auth applied: the doctor must see the
    /// bearer token the gateway saw (the composer once handed it the request
    /// before auth, and a sent JWT was diagnosed as `JWT_MISSING`).
    pub(crate) fn exchange(&self, api: Option<&Api>) -> Option<Exchange> {
        let response = self.result.as_ref().ok()?;
        Some(Exchange {
            api: api.cloned(),
            stage: self.stage.clone(),
            route_key: self.route_key.clone(),
            request: self.prepared.request.clone(),
            response: response.clone(),
            sent_ms: self.sent_ms,
        })
    }

    /// Pre-send warnings, then history notes.
    pub fn notes(&self) -> Vec<String> {
        let mut out = self.prepared.warnings.clone();
        out.extend(self.history_notes.iter().cloned());
        out
    }
}

/// Build the draft, apply its auth, send it, record it.
/// Errors before anything was sent (bad draft, no credentials, cancelled
/// while signing) are `Err`; network errors, timeouts and cancellation of
/// the exchange are in [`Sent::result`].
pub async fn send(input: SendInput<'_>) -> Result<Sent, BackendError> {
    let draft = input.draft;
    let request =
        compose::build(draft).map_err(|e| BackendError::new(ErrorKind::Other, e.to_string()))?;
    let target = resolve_target(input.api, draft, &request);
    let ctx = AuthContext {
        credentials: input.credentials,
        fallback_region: input.fallback_region,
        authorizer: target.authorizer,
        route_scopes: target.route_scopes(),
        now: None,
    };
    let prepared = tokio::select! {
        biased;
        _ = input.cancel.cancelled() => {
            return Err(BackendError::new(ErrorKind::Other, "cancelled"));
        }
        p = prepare(request, &draft.auth, &ctx) => p?,
    };
    let sent_ms = chrono::Utc::now().timestamp_millis();
    let result = input
        .sender
        .send_cancellable(&prepared.request, input.cancel)
        .await;
    let history_notes = match &input.recording.store {
        Some(store) => record(store.as_ref(), draft, &prepared, &result),
        None => Vec::new(),
    };
    Ok(Sent {
        route_key: target.route_key(),
        stage: target.stage.map(str::to_string),
        prepared,
        result,
        history_notes,
        sent_ms,
    })
}

/// Keep the exchange in the history (redacted); problems come back as notes.
fn record(
    store: &dyn crate::backends::store::RequestStore,
    draft: &RequestDraft,
    prepared: &Prepared,
    result: &Result<HttpResponse, SendError>,
) -> Vec<String> {
    let outcome = match result {
        Ok(r) => Outcome::from_response(r),
        Err(e) => Outcome::from_error(e.to_string()),
    };
    let entry = HistoryEntry::new(draft, &prepared.request, outcome);
    store.record(&History::key_for(draft), entry, &prepared.redactor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Protocol, Stage};

    fn api() -> Api {
        let route = |key: &str| Route {
            route_key: key.into(),
            ..Default::default()
        };
        let items = Route {
            authorizer_id: Some("au1".into()),
            authorization_scopes: vec!["read".into()],
            ..route("GET /items/{id}")
        };
        Api {
            id: "a1".into(),
            name: "orders".into(),
            protocol: Some(Protocol::Http),
            endpoint: Some("https://a1.execute-api.eu-west-1.amazonaws.com".into()),
            routes: vec![items, route("POST /items")],
            authorizers: vec![Authorizer {
                id: "au1".into(),
                name: "jwt".into(),
                ..Default::default()
            }],
            stages: vec![Stage {
                stage_name: "prod".into(),
                ..Default::default()
            }],
            details_loaded: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_named_route_and_stage_win_and_bring_their_authorizer() {
        let api = api();
        let route = api.route("GET /items/{id}").unwrap();
        let mut draft = compose::draft_for_route(&api, route, api.stage("prod"));
        draft.path_params[0].value = "42".into();
        let req = compose::build(&draft).unwrap();
        let t = resolve_target(Some(&api), &draft, &req);
        assert_eq!(t.route_key().as_deref(), Some("GET /items/{id}"));
        assert_eq!(t.stage, Some("prod"));
        assert_eq!(t.authorizer.map(|a| a.id.as_str()), Some("au1"));
        assert_eq!(t.route_scopes(), ["read".to_string()]);
    }

    #[test]
    fn a_free_url_is_routed_as_api_gateway_would() {
        let api = api();
        let draft = compose::draft_from_url(
            "GET",
            "https://a1.execute-api.eu-west-1.amazonaws.com/prod/items/7",
        )
        .unwrap();
        let req = compose::build(&draft).unwrap();
        let t = resolve_target(Some(&api), &draft, &req);
        assert_eq!(t.route_key().as_deref(), Some("GET /items/{id}"));
        assert_eq!(t.stage, Some("prod"));
        assert_eq!(t.authorizer.map(|a| a.id.as_str()), Some("au1"));
        // No route matches: nothing is guessed.
        let draft = compose::draft_from_url(
            "DELETE",
            "https://a1.execute-api.eu-west-1.amazonaws.com/prod/items/7",
        )
        .unwrap();
        let req = compose::build(&draft).unwrap();
        let t = resolve_target(Some(&api), &draft, &req);
        assert!(t.route.is_none() && t.authorizer.is_none());
        assert!(resolve_target(None, &draft, &req).stage.is_none());
    }
}
