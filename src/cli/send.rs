//! `gatescope send METHOD URL`: compose, sign, send, print, record in history.
//! `--as curl|httpie|awscurl` prints the command instead of sending;
//! `--preflight ORIGIN` probes CORS as a browser would instead.

use super::output::{errln, out, outln};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use base64::Engine;
use serde_json::{Map, Value, json};

use super::GlobalArgs;
use super::output::{OutputFormat, print_json};
use crate::app::send::{self, Recording, SendInput};
use crate::backends::http::{self, AuthContext, Prepared, SendOptions, Sender};
use crate::domain::{AuthMode, ContentType, Field, HttpResponse, RequestDraft};
use crate::engines::compose;
use crate::engines::export::{self, ExportFormat, ExportOptions};
use crate::store::{FileStore, StoreOptions};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// HTTP method (GET, POST, ...).
    pub method: String,
    /// Full URL, e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?x=1
    pub url: String,
    /// Header, `name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "'NAME: VALUE'")]
    pub headers: Vec<String>,
    /// Body: text, `@FILE`, or `@-` for stdin.
    #[arg(short = 'd', long = "data", value_name = "BODY|@FILE")]
    pub data: Option<String>,
    /// none | sigv4[:REGION] | jwt:TOKEN | apikey:KEY (an empty TOKEN/KEY is
    /// read from $GATESCOPE_TOKEN / $GATESCOPE_API_KEY). The signing region
    /// comes from the execute-api host, else --region / AWS_REGION.
    #[arg(long, default_value = "none", value_name = "MODE")]
    pub auth: String,
    /// Seconds to wait for the complete answer.
    #[arg(long, default_value_t = 30.0, value_name = "S", value_parser = super::flags::parse_seconds)]
    pub timeout: f64,
    /// Bytes of response body kept (the full size is still reported).
    #[arg(long, default_value_t = http::DEFAULT_BODY_CAP, value_name = "BYTES")]
    pub max_body: usize,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Print the request as a command instead of sending it.
    #[arg(long = "as", value_enum, value_name = "FORMAT")]
    pub as_command: Option<ExportFormat>,
    /// With --as: put the JWT / API key in the command instead of
    /// $GATESCOPE_TOKEN / $GATESCOPE_API_KEY (AWS keys are never literal).
    #[arg(long)]
    pub show_secrets: bool,
    /// Probe CORS as a browser on ORIGIN: the preflight, then the request
    /// with Origin; prints the verdict, exit 1 when the browser would block.
    #[arg(long, value_name = "ORIGIN")]
    pub preflight: Option<String>,
    /// Exit with status 1 when the response status is 400 or more.
    #[arg(long)]
    pub fail: bool,
    /// Do not record this request in the history.
    #[arg(long)]
    pub no_history: bool,
    /// Store secrets (Authorization, API key, tokens) in the history
    /// unredacted. Off by default; also GATESCOPE_STORE_SECRETS=1.
    #[arg(long)]
    pub store_secrets: bool,
    /// The API and stage the URL belongs to, when the caller knows better than the URL
    /// (`gatescope demo send`: loopback URLs of the demo's APIs).
    #[arg(skip)]
    pub target: Option<crate::domain::DraftTarget>,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let draft = draft_from_args(&args)?;
    let request = compose::build(&draft)?; // early, clear errors for bad input
    let fallback_region = global
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok());

    if let Some(format) = args.as_command {
        let region = match &draft.auth {
            AuthMode::Sigv4 { region } => {
                http::signing_region(region.as_deref(), &request.url, fallback_region.as_deref())
            }
            _ => None,
        };
        let opts = ExportOptions {
            region,
            literal_secrets: args.show_secrets,
        };
        outln!("{}", export::export(format, &request, &draft.auth, &opts));
        return Ok(ExitCode::SUCCESS);
    }
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        anyhow::bail!("--timeout must be a positive number of seconds");
    }
    let sender = Sender::new(SendOptions {
        timeout: Duration::from_secs_f64(args.timeout),
        body_cap: args.max_body,
    })?;

    let credentials = match &draft.auth {
        AuthMode::Sigv4 { region } => {
            let region =
                http::signing_region(region.as_deref(), &request.url, fallback_region.as_deref());
            if global.demo {
                Some(
                    aws_credential_types::provider::SharedCredentialsProvider::new(
                        crate::backends::demo::demo_credentials(),
                    ),
                )
            } else {
                Some(
                    http::credentials::default_chain(global.profile.as_deref(), region.as_deref())
                        .await,
                )
            }
        }
        _ => None,
    };
    let ctx = AuthContext {
        credentials: credentials.as_ref(),
        fallback_region: fallback_region.as_deref(),
        ..Default::default()
    };
    if let Some(origin) = &args.preflight {
        let prepared = http::prepare(request, &draft.auth, &ctx).await?;
        warn(&prepared.warnings);
        let probe =
            http::probe(&sender, &prepared.unsigned, Some(&prepared.request), origin).await?;
        match args.output {
            OutputFormat::Json => print_json(&probe)?,
            OutputFormat::Table => out!("{}", probe_table(&probe)),
        }
        return Ok(if probe.verdict.allowed {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let mut options = StoreOptions::from_env();
    options.store_secrets |= args.store_secrets;
    let never = tokio_util::sync::CancellationToken::new();
    let sent = send::send(SendInput {
        draft: &draft,
        // A bare URL: no inventory is loaded to name its route.
        api: None,
        credentials: ctx.credentials,
        fallback_region: ctx.fallback_region,
        sender: &sender,
        recording: Recording::to(
            Arc::new(FileStore {
                options,
                ..FileStore::from_env()
            }),
            !args.no_history,
        ),
        cancel: &never,
    })
    .await?;
    let prepared = sent.prepared;
    warn(&prepared.warnings);
    warn(&sent.history_notes);
    let response = sent.result?;
    match args.output {
        OutputFormat::Json => print_json(&response_json(&response, &prepared))?,
        OutputFormat::Table => out!("{}", response_table(&response, &prepared.warnings)),
    }
    Ok(if args.fail && response.status >= 400 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn warn(lines: &[String]) {
    for w in lines {
        errln!("gatescope: warning: {w}");
    }
}

fn draft_from_args(args: &Args) -> anyhow::Result<RequestDraft> {
    let mut draft = compose::draft_from_url(&args.method, &args.url)?;
    for h in &args.headers {
        let (name, value) = h
            .split_once(':')
            .with_context(|| format!("header {h:?} is not `name: value`"))?;
        draft.headers.push(Field::new(name.trim(), value.trim()));
    }
    if let Some(d) = &args.data {
        let (body, guess) = read_body(d)?;
        draft.content_type = if guess == ContentType::None && compose::json_problem(&body).is_none()
        {
            ContentType::Json
        } else {
            guess
        };
        draft.body = body;
    }
    draft.auth = parse_auth(&args.auth)?;
    if let Some(t) = &args.target {
        draft.target = t.clone();
    }
    Ok(draft)
}

/// `-d TEXT`, `-d @FILE`, `-d @-` (stdin); returns the body and a content-type guess.
fn read_body(d: &str) -> anyhow::Result<(Vec<u8>, ContentType)> {
    match d.strip_prefix('@') {
        Some("-") => Ok((
            super::flags::read_bounded(
                std::io::stdin().lock(),
                super::flags::MAX_INPUT_BYTES,
                "the body from stdin",
            )?,
            ContentType::None,
        )),
        Some(file) => Ok((
            http::body_from_file(Path::new(file))?,
            ContentType::from_extension(file),
        )),
        None => Ok((d.as_bytes().to_vec(), ContentType::None)),
    }
}

pub(crate) fn parse_auth(s: &str) -> anyhow::Result<AuthMode> {
    let (kind, rest) = s.split_once(':').unwrap_or((s, ""));
    let from_env = |var: &str| std::env::var(var).unwrap_or_default();
    Ok(match kind.to_ascii_lowercase().as_str() {
        "none" => AuthMode::None,
        "sigv4" | "iam" => AuthMode::Sigv4 {
            region: (!rest.is_empty()).then(|| rest.to_string()),
        },
        "jwt" | "bearer" => AuthMode::Jwt {
            token: if rest.is_empty() {
                from_env(export::TOKEN_VAR)
            } else {
                rest.to_string()
            },
        },
        "apikey" | "api-key" => AuthMode::ApiKey {
            key: if rest.is_empty() {
                from_env(export::API_KEY_VAR)
            } else {
                rest.to_string()
            },
        },
        _ => anyhow::bail!(
            "--auth {kind:?} is not one of none, sigv4[:REGION], jwt:TOKEN, apikey:KEY"
        ),
    })
}

/// `--output json`: one object (see the README's `send` section).
pub(crate) fn response_json(resp: &HttpResponse, prepared: &Prepared) -> Value {
    let mut headers = Map::new();
    for (k, v) in &resp.headers {
        match headers.get_mut(k) {
            None => {
                headers.insert(k.clone(), Value::String(v.clone()));
            }
            Some(Value::Array(a)) => a.push(Value::String(v.clone())),
            Some(prev) => *prev = Value::Array(vec![prev.take(), Value::String(v.clone())]),
        }
    }
    let mut out = json!({
        "status": resp.status,
        "reason": reason(resp.status),
        "headers": headers,
    });
    match std::str::from_utf8(&resp.body) {
        Ok(t) => out["body"] = json!(t),
        Err(_) => {
            out["body"] = json!(base64::engine::general_purpose::STANDARD.encode(&resp.body));
            out["bodyEncoding"] = json!("base64");
        }
    }
    out["bodySize"] = json!(resp.body_size);
    out["truncated"] = json!(resp.truncated);
    out["timing"] = serde_json::to_value(&resp.timing).unwrap_or_default();
    out["requestId"] = json!(resp.request_id());
    out["warnings"] = json!(prepared.warnings);
    if let Some(s) = &prepared.signing {
        out["signing"] = serde_json::to_value(s).unwrap_or_default();
    }
    out
}

fn reason(status: u16) -> &'static str {
    http::sender::reason(status)
}

/// `--output table`: status line, headers, body (pretty JSON, text, or hex).
pub(crate) fn response_table(resp: &HttpResponse, warnings: &[String]) -> String {
    let mut out = format!(
        "HTTP {} {}  {}{}  {:.1} ms",
        resp.status,
        reason(resp.status),
        human_size(resp.body_size),
        if resp.truncated {
            format!(" (kept {})", human_size(resp.body.len() as u64))
        } else {
            String::new()
        },
        resp.timing.total_ms
    );
    if let Some(fb) = resp.timing.first_byte_ms {
        out.push_str(&format!(" (first byte {fb:.1} ms)"));
    }
    out.push('\n');
    if let Some(id) = resp.request_id() {
        out.push_str(&format!("request id: {id}\n"));
    }
    for w in warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    for (k, v) in &resp.headers {
        out.push_str(&format!("{k}: {}\n", printable(v)));
    }
    out.push('\n');
    out.push_str(&body_text(&resp.body));
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// `--preflight` as text: the verdict, the findings, then the preflight answer.
fn probe_table(probe: &http::CorsProbe) -> String {
    let mut out = format!(
        "CORS from {}: {}{}\n",
        probe.origin,
        if probe.verdict.allowed {
            "allowed"
        } else {
            "BLOCKED"
        },
        if probe.preflight_needed {
            ""
        } else {
            " (simple request: a browser sends no preflight)"
        }
    );
    for f in &probe.verdict.findings {
        out.push_str(&printable(&f.to_text()));
        out.push('\n');
    }
    out.push_str(&format!("\npreflight: OPTIONS {}\n", probe.preflight.url));
    for (k, v) in &probe.preflight.headers {
        out.push_str(&format!("  {k}: {}\n", printable(v)));
    }
    out.push_str(&response_table(&probe.response, &[]));
    if let Some(actual) = &probe.actual_response {
        out.push_str("\nactual request (with Origin):\n");
        out.push_str(&response_table(actual, &[]));
    }
    out
}

/// Pretty JSON, else text with control characters made visible, else a hex dump.
fn body_text(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        return serde_json::to_string_pretty(&v).unwrap_or_default();
    }
    match std::str::from_utf8(body) {
        Ok(t) => printable(t),
        Err(_) => hex_dump(&body[..body.len().min(4096)], body.len()),
    }
}

/// Never let a response write terminal escapes: the one terminal gate.
fn printable(s: &str) -> String {
    crate::engines::terminal_text::escape(s).into_owned()
}

fn hex_dump(bytes: &[u8], total: usize) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|b| {
                if b.is_ascii_graphic() || *b == b' ' {
                    *b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!("{:08x}  {:<47}  {ascii}\n", i * 16, hex.join(" ")));
    }
    if total > bytes.len() {
        out.push_str(&format!("... {} more bytes\n", total - bytes.len()));
    }
    out
}

fn human_size(n: u64) -> String {
    match n {
        n if n < 1024 => format!("{n} B"),
        n if n < 1024 * 1024 => format!("{:.1} KiB", n as f64 / 1024.0),
        n => format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_modes_parse() {
        assert_eq!(parse_auth("none").unwrap(), AuthMode::None);
        assert_eq!(
            parse_auth("sigv4").unwrap(),
            AuthMode::Sigv4 { region: None }
        );
        assert_eq!(
            parse_auth("sigv4:eu-west-1").unwrap(),
            AuthMode::Sigv4 {
                region: Some("eu-west-1".into())
            }
        );
        assert_eq!(
            parse_auth("jwt:a.b.c").unwrap(),
            AuthMode::Jwt {
                token: "a.b.c".into()
            }
        );
        assert_eq!(
            parse_auth("apikey:k:with:colons").unwrap(),
            AuthMode::ApiKey {
                key: "k:with:colons".into()
            }
        );
        assert!(
            parse_auth("basic:x")
                .unwrap_err()
                .to_string()
                .contains("not one of")
        );
    }

    #[test]
    fn table_output_is_terminal_safe() {
        let resp = HttpResponse {
            status: 502,
            headers: vec![("x-amzn-requestid".into(), "rid".into())],
            body: b"bad \x1b[2J gateway".to_vec(),
            body_size: 16,
            ..Default::default()
        };
        let t = response_table(&resp, &["w".into()]);
        assert!(t.starts_with("HTTP 502 Bad Gateway  16 B"), "{t}");
        assert!(t.contains("request id: rid\n"));
        assert!(t.contains("bad \\u{1b}[2J gateway"));
        assert!(!t.contains('\u{1b}'));
        let bin = HttpResponse {
            body: vec![0, 159, 146, 150],
            ..Default::default()
        };
        assert!(response_table(&bin, &[]).contains("00000000  00 9f 92 96"));
    }
}
