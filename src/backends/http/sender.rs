//! Sends one [`HttpRequest`] with reqwest (rustls) and reads the answer:
//! a timeout, cancellation (a token, or simply dropping the future), the body
//! streamed with a cap on what is kept (the full size is still counted), and
//! timing (first byte = response head received, total = body read).

use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::backends::{BackendError, ErrorKind};
use crate::domain::{HttpRequest, HttpResponse, Timing};

/// How much of a body is kept by default: enough for any JSON a person reads,
/// small enough that a 100 MB download cannot exhaust memory.
pub(crate) const DEFAULT_BODY_CAP: usize = 8 * 1024 * 1024;
pub(crate) const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Clone)]
pub struct SendOptions {
    /// Whole exchange: connect, request, response head and body.
    pub timeout: Duration,
    /// Bytes of body kept; the rest is read (to measure size and time) and dropped.
    pub body_cap: usize,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            timeout: DEFAULT_TIMEOUT,
            body_cap: DEFAULT_BODY_CAP,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    #[error("cancelled")]
    Cancelled,
    #[error("no complete answer within {0:?} (raise --timeout if the integration is slow)")]
    TimedOut(Duration),
    #[error("{0}")]
    Failed(BackendError),
}

/// The most response headers read (HTTP/1); the head's size is bounded by
/// hyper's read buffer (400 KiB), far above the 64 KiB a head may need.
pub(crate) const MAX_RESPONSE_HEADERS: usize = 1000;

/// A reusable sender (a connection pool per scheme).
///
/// Plain `http://` URLs go through a client that loads no TLS roots; the
/// TLS client is built on the first URL that needs it. Reading and parsing
/// the system's CA certificates (146 files opened on the dev VM) was the largest part of
/// a one-shot `gatescope send` to a plain-http URL (profiled with `perf`:
/// about a third of the process's CPU), and such a URL never uses them.
#[derive(Debug, Clone)]
pub struct Sender {
    plain: reqwest::Client,
    tls: Arc<OnceLock<Result<reqwest::Client, BackendError>>>,
    options: SendOptions,
}

impl Sender {
    pub fn new(options: SendOptions) -> Result<Sender, BackendError> {
        // No roots at all: a TLS handshake through this client fails
        // (unknown issuer), it never passes unverified.
        let plain = build_client(client_builder(&options).tls_certs_only([]))?;
        Ok(Sender {
            plain,
            tls: Arc::new(OnceLock::new()),
            options,
        })
    }

    /// The client for `url`: TLS only when the exchange can need it.
    fn client_for(&self, url: &str) -> Result<&reqwest::Client, BackendError> {
        if !needs_tls(url, |name| std::env::var(name).ok()) {
            return Ok(&self.plain);
        }
        self.tls
            .get_or_init(|| build_client(client_builder(&self.options)))
            .as_ref()
            .map_err(Clone::clone)
    }

    pub fn options(&self) -> &SendOptions {
        &self.options
    }

    /// Send and read the answer. Dropping the future cancels the exchange.
    pub async fn send(&self, req: &HttpRequest) -> Result<HttpResponse, SendError> {
        let timeout = self.options.timeout;
        let exchange = super::connect_timing::measured(self.exchange(req));
        match tokio::time::timeout(timeout, exchange).await {
            Ok((Ok(mut resp), connect)) => {
                resp.timing.connect_ms = connect.map(ms);
                Ok(resp)
            }
            Ok((Err(e), _)) => Err(e),
            Err(_) => Err(SendError::TimedOut(timeout)),
        }
    }

    /// [`Sender::send`] that stops as soon as `cancel` fires (the TUI's `Esc`).
    pub(crate) async fn send_cancellable(
        &self,
        req: &HttpRequest,
        cancel: &CancellationToken,
    ) -> Result<HttpResponse, SendError> {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(SendError::Cancelled),
            r = self.send(req) => r,
        }
    }

    /// Run the exchange as a background task: the UI keeps drawing, and
    /// [`SendHandle::cancel`] (or dropping the handle) aborts it.
    pub fn spawn(&self, req: HttpRequest) -> SendHandle {
        let cancel = CancellationToken::new();
        let sender = self.clone();
        let token = cancel.clone();
        let task = tokio::spawn(async move { sender.send_cancellable(&req, &token).await });
        SendHandle { cancel, task }
    }

    async fn exchange(&self, req: &HttpRequest) -> Result<HttpResponse, SendError> {
        let request = self.to_reqwest(req)?;
        let started = Instant::now();
        let resp = self
            .client_for(&req.url)
            .map_err(SendError::Failed)?
            .execute(request)
            .await
            .map_err(|e| SendError::Failed(network_error(&req.url, &e)))?;
        let first_byte = started.elapsed();
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_ascii_lowercase(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let (body, body_size, truncated) =
            read_capped(resp, self.options.body_cap, &req.url).await?;
        Ok(HttpResponse {
            status,
            headers,
            body,
            body_size,
            truncated,
            timing: Timing {
                total_ms: ms(started.elapsed()),
                first_byte_ms: Some(ms(first_byte)),
                connect_ms: None,
            },
        })
    }

    fn to_reqwest(&self, req: &HttpRequest) -> Result<reqwest::Request, SendError> {
        let bad = |msg: String| SendError::Failed(BackendError::new(ErrorKind::Other, msg));
        let method = reqwest::Method::from_bytes(req.method.as_bytes())
            .map_err(|_| bad(format!("{:?} is not a valid HTTP method", req.method)))?;
        let url = reqwest::Url::parse(&req.url)
            .map_err(|e| bad(format!("the URL {:?} is not valid: {e}", req.url)))?;
        let mut headers = reqwest::header::HeaderMap::new();
        for (k, v) in &req.headers {
            let name = reqwest::header::HeaderName::from_bytes(k.as_bytes())
                .map_err(|_| bad(format!("the header name {k:?} is not valid")))?;
            let value = reqwest::header::HeaderValue::from_bytes(v.as_bytes())
                .map_err(|_| bad(format!("the value of header {k:?} is not valid")))?;
            headers.append(name, value);
        }
        let mut out = reqwest::Request::new(method, url);
        *out.headers_mut() = headers;
        if !req.body.is_empty() {
            *out.body_mut() = Some(req.body.clone().into());
        }
        Ok(out)
    }
}

/// A running send. Dropping it aborts the exchange.
#[derive(Debug)]
pub struct SendHandle {
    cancel: CancellationToken,
    task: tokio::task::JoinHandle<Result<HttpResponse, SendError>>,
}

impl SendHandle {
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Wait for the outcome.
    pub async fn outcome(mut self) -> Result<HttpResponse, SendError> {
        match (&mut self.task).await {
            Ok(r) => r,
            Err(e) if e.is_cancelled() => Err(SendError::Cancelled),
            Err(e) => Err(SendError::Failed(BackendError::new(
                ErrorKind::Other,
                format!("the send task failed: {e}"),
            ))),
        }
    }
}

impl Drop for SendHandle {
    fn drop(&mut self) {
        self.cancel.cancel();
        self.task.abort();
    }
}

/// Stream the body, keeping at most `cap` bytes but counting all of them.
async fn read_capped(
    mut resp: reqwest::Response,
    cap: usize,
    url: &str,
) -> Result<(Vec<u8>, u64, bool), SendError> {
    let hint = resp.content_length().unwrap_or(0).min(cap as u64) as usize;
    let mut body = Vec::with_capacity(hint);
    let mut size: u64 = 0;
    let mut truncated = false;
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| SendError::Failed(network_error(url, &e)))?
    {
        size += chunk.len() as u64;
        let room = cap.saturating_sub(body.len());
        if chunk.len() > room {
            truncated = true;
        }
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    Ok((body, size, truncated))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One sentence about what went wrong on the network, with the cause chain.
fn network_error(url: &str, e: &reqwest::Error) -> BackendError {
    let msg = super::auth::error_chain(e);
    let host = url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_else(|| url.to_string());
    let fix = if e.is_connect() {
        format!("check that {host} is reachable and the URL's scheme and port are right")
    } else if msg.contains("message head is too large") || msg.contains("too many headers") {
        format!(
            "the response head is over gatescope's limit of {MAX_RESPONSE_HEADERS} headers; \
             the server sent an unusually large head"
        )
    } else {
        "retry; if it persists, check proxies (HTTPS_PROXY) and TLS".to_string()
    };
    BackendError::new(
        ErrorKind::Network,
        format!("request to {host} failed: {msg}"),
    )
    .with_fix(fix)
}

/// The standard reason phrase of a status code (`""` when there is none).
pub fn reason(status: u16) -> &'static str {
    ::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// The settings both clients share.
fn client_builder(options: &SendOptions) -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        // A debugging tool shows the 3xx the API answered, it does not follow it.
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(options.timeout.min(Duration::from_secs(10)))
        .connector_layer(super::connect_timing::TimingLayer)
        // curl reads 1,000 headers; hyper's default stops at 100.
        .http1_max_headers(MAX_RESPONSE_HEADERS)
}

fn build_client(builder: reqwest::ClientBuilder) -> Result<reqwest::Client, BackendError> {
    builder
        .build()
        .map_err(|e| BackendError::new(ErrorKind::Other, format!("cannot set up HTTP client: {e}")))
}

/// Whether sending to `url` may open a TLS connection: an `https` URL, or
/// any URL when a proxy variable reqwest reads names an `https://` proxy.
fn needs_tls(url: &str, env: impl Fn(&str) -> Option<String>) -> bool {
    let is_https = |u: &str| {
        u.get(..8)
            .is_some_and(|p| p.eq_ignore_ascii_case("https://"))
    };
    let plain = url
        .get(..7)
        .is_some_and(|p| p.eq_ignore_ascii_case("http://"));
    !plain
        || ["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]
            .iter()
            .filter_map(|name| env(name))
            .any(|proxy| is_https(proxy.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_urls_that_can_meet_tls_load_the_tls_client() {
        let none = |_: &str| None;
        assert!(!needs_tls("http://127.0.0.1:8080/pets", none));
        assert!(!needs_tls("HTTP://example.com/", none));
        assert!(needs_tls(
            "https://abc.execute-api.eu-west-1.amazonaws.com/",
            none
        ));
        assert!(needs_tls("HTTPS://x/", none));
        // Not a URL reqwest sends plainly: the full client decides.
        assert!(needs_tls("ftp://x/", none));
        // A plain URL through an https proxy needs TLS to the proxy.
        let proxy = |name: &str| (name == "HTTP_PROXY").then(|| " https://proxy:3128".to_string());
        assert!(needs_tls("http://127.0.0.1/", proxy));
        let plain_proxy =
            |name: &str| (name == "all_proxy").then(|| "http://proxy:3128".to_string());
        assert!(!needs_tls("http://127.0.0.1/", plain_proxy));
    }

    #[tokio::test]
    async fn a_plain_url_is_sent_without_building_the_tls_client() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = tokio::spawn(async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 4096];
            let _ = sock.read(&mut buf).await.unwrap();
            sock.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
                .await
                .unwrap();
        });
        let sender = Sender::new(SendOptions::default()).unwrap();
        let req = HttpRequest {
            method: "GET".into(),
            url: format!("http://127.0.0.1:{port}/"),
            ..Default::default()
        };
        let resp = sender.send(&req).await.unwrap();
        assert_eq!(resp.status, 204);
        assert!(
            sender.tls.get().is_none(),
            "the TLS client was built for a plain URL"
        );
        server.await.unwrap();
    }
}
