//! `gatescope event`: the proxy event a Lambda would receive for a request,
//! field for field (payload 2.0, HTTP API 1.0 or REST). The route comes from
//! `--route` (or from a deployed API's routes with `--api`); path parameters
//! come from matching it, and the API id and region from an execute-api host.
//! `--output json` prints the event alone, ready for `sam local invoke -e`.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde_json::Value;

use super::output::OutputFormat;
use super::{GlobalArgs, fetch_api, read_input};
use crate::domain::{ApiType, PayloadFormat};
use crate::engines::event_build::{AuthorizerData, EventInput, build_event};
use crate::engines::routing::{DEFAULT_STAGE, Outcome, Resolution, Router};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApiTypeArg {
    Http,
    Rest,
}

impl From<ApiTypeArg> for ApiType {
    fn from(a: ApiTypeArg) -> Self {
        match a {
            ApiTypeArg::Http => ApiType::Http,
            ApiTypeArg::Rest => ApiType::Rest,
        }
    }
}

/// `1.0` or `2.0`.
pub(crate) fn parse_payload(s: &str) -> Result<PayloadFormat, String> {
    PayloadFormat::parse(s).ok_or_else(|| format!("`{s}` is not a payload format; use 1.0 or 2.0"))
}

#[derive(Debug, clap::Args)]
pub struct Args {
    /// HTTP method, e.g. GET.
    pub method: String,
    /// Full URL (https://ID.execute-api.REGION.amazonaws.com/stage/path?q) or a path.
    pub url: String,
    /// Payload format version (HTTP APIs; REST is always 1.0).
    #[arg(long, value_parser = parse_payload, default_value = "2.0")]
    pub payload: PayloadFormat,
    #[arg(long, value_enum, default_value_t = ApiTypeArg::Http)]
    pub api_type: ApiTypeArg,
    /// Route key, e.g. 'GET /items/{id}' (default: `$default` for HTTP APIs,
    /// `METHOD /path` for REST).
    #[arg(long)]
    pub route: Option<String>,
    /// Which leading path segment is the stage (default: `$default` for HTTP
    /// APIs, the first segment for REST).
    #[arg(long)]
    pub stage: Option<String>,
    /// Take routes, stages, payload format and binary media types from this API.
    #[arg(long, conflicts_with_all = ["route"])]
    pub api: Option<String>,
    /// Request header `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Request body; `@file` reads a file, `@-` standard input.
    #[arg(short = 'd', long = "data")]
    pub data: Option<String>,
    /// Stage variable `name=value` (repeatable).
    #[arg(long = "stage-var", value_name = "NAME=VALUE")]
    pub stage_vars: Vec<String>,
    /// JWT authorizer: put this token's claims (and scopes) in the event.
    #[arg(long, conflicts_with = "lambda_context")]
    pub jwt: Option<String>,
    /// Lambda authorizer: this JSON object as the authorizer context.
    #[arg(long, value_name = "JSON")]
    pub lambda_context: Option<String>,
    /// REST binaryMediaTypes (repeatable), e.g. image/png or */*.
    #[arg(long = "binary-media-type")]
    pub binary_media_types: Vec<String>,
    #[arg(long)]
    pub source_ip: Option<String>,
    #[arg(long)]
    pub account_id: Option<String>,
    #[arg(long)]
    pub request_id: Option<String>,
    /// Request time, epoch milliseconds (default: now).
    #[arg(long)]
    pub time: Option<i64>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// A full http(s) URL with a host, or a path starting with `/`; anything
/// else (`""`, `notaurl`, `http://`) is a one-line error, not an event for
/// a request that cannot exist.
fn check_url(url: &str) -> anyhow::Result<()> {
    let u = url.trim();
    if u.starts_with('/') {
        return Ok(());
    }
    match url::Url::parse(u) {
        Ok(parsed)
            if matches!(parsed.scheme(), "http" | "https")
                && parsed.host_str().is_some_and(|h| !h.is_empty()) =>
        {
            Ok(())
        }
        _ => anyhow::bail!(
            "{url:?} is not a URL: give https://ID.execute-api.REGION.amazonaws.com/stage/path or a path like /pets"
        ),
    }
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    check_url(&args.url)?;
    let mut api_type: ApiType = args.api_type.into();
    let mut payload = args.payload;
    let mut input;
    let resolution;
    if let Some(api_id) = &args.api {
        let backend = global.backend().await?;
        let api = fetch_api(&backend, api_id).await?;
        api_type = api.protocol().into();
        input = EventInput::from_url(
            api_type,
            payload,
            &args.method,
            &args.url,
            crate::app::seed(),
        );
        resolution = Router::from_api(&api).resolve(&args.method, &input.path);
        let m = matched(&resolution)?;
        if let Some(route) = api.route(&m.route_key)
            && let Some(p) = route
                .integration
                .as_ref()
                .and_then(|i| i.payload_format_version.as_deref())
                .and_then(PayloadFormat::parse)
        {
            payload = p;
        }
        if let Some(stage) = resolution.stage.as_deref().and_then(|s| api.stage(s)) {
            input.stage_variables = stage.stage_variables.clone();
        }
        input.binary_media_types = api.binary_media_types.clone();
        input.payload = if api_type == ApiType::Rest {
            PayloadFormat::V1
        } else {
            payload
        };
        if input.domain_name.starts_with("abcdef1234.") {
            input.api_id = api.id.clone();
        }
    } else {
        input = EventInput::from_url(
            api_type,
            payload,
            &args.method,
            &args.url,
            crate::app::seed(),
        );
        // Only the named stage exists; without --stage it is assumed
        // (`$default` for HTTP APIs, the first segment for REST).
        let stages: Vec<String> = args.stage.iter().cloned().collect();
        let route = match (&args.route, api_type) {
            (Some(r), _) => r.clone(),
            (None, ApiType::Http) => "$default".to_string(),
            (None, ApiType::Rest) => {
                let r = Router::new(ApiType::Rest, Vec::<String>::new(), &stages);
                format!(
                    "{} {}",
                    input.method,
                    r.resolve(&input.method, &input.path).path
                )
            }
        };
        resolution =
            Router::new(api_type, [route.as_str()], &stages).resolve(&args.method, &input.path);
        matched(&resolution)?;
    }
    let m = matched(&resolution)?.clone();
    input.route_key = m.route_key.clone();
    input.path_parameters = m.path_parameters.clone();
    input.stage = resolution
        .stage
        .clone()
        .unwrap_or_else(|| DEFAULT_STAGE.to_string());
    fill_optional(&mut input, &args)?;
    let input = input.with_gateway_headers();
    let event = build_event(&input);

    let text = match args.output {
        OutputFormat::Json => serde_json::to_string_pretty(&event)?,
        OutputFormat::Table => {
            let kind = match (api_type, input.payload) {
                (ApiType::Rest, _) => "REST (payload 1.0)",
                (ApiType::Http, PayloadFormat::V1) => "HTTP API, payload 1.0",
                (ApiType::Http, PayloadFormat::V2) => "HTTP API, payload 2.0",
            };
            let mut t = format!("{kind}: {}\n", resolution.summary());
            t += &format!(
                "api id {}, region {}, stage {}\n",
                input.api_id,
                input.region().unwrap_or_else(|| "(unknown)".into()),
                input.stage
            );
            if !m.path_parameters.is_empty() {
                let p: Vec<String> = m
                    .path_parameters
                    .iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect();
                t += &format!("path parameters: {}\n", p.join(", "));
            }
            let body = if event["isBase64Encoded"] == true {
                "base64-encoded (binary content type)"
            } else if input.body.is_empty() {
                "none"
            } else {
                "text"
            };
            t += &format!("body: {body}\n\n{}", serde_json::to_string_pretty(&event)?);
            t
        }
    };
    match args.output {
        OutputFormat::Json => emit_json(&text)?,
        OutputFormat::Table => emit(&text)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// The matched route, or a one-line error saying why nothing matched.
fn matched(res: &Resolution) -> anyhow::Result<&crate::engines::routing::RouteMatch> {
    if let Some(m) = &res.matched {
        return Ok(m);
    }
    let why: Vec<String> = res
        .others
        .iter()
        .map(|o| format!("`{}`: {}", o.route_key, o.explanation))
        .collect();
    let status = res.miss_response().map(|(s, _)| s).unwrap_or(404);
    match res.outcome {
        Outcome::NoStage => bail!(
            "{} (API Gateway answers {status}, the Lambda is not invoked)",
            res.summary()
        ),
        _ => bail!(
            "{} (API Gateway answers {status}): {}",
            res.summary(),
            why.join("; ")
        ),
    }
}

fn fill_optional(input: &mut EventInput, args: &Args) -> anyhow::Result<()> {
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("header `{h}` is not `Name: value`"))?;
        input
            .headers
            .push((k.trim().to_string(), v.trim().to_string()));
    }
    if let Some(d) = &args.data {
        input.body = match d.strip_prefix('@') {
            Some(path) => read_input(path)?,
            None => d.clone().into_bytes(),
        };
    }
    let mut vars = BTreeMap::new();
    for sv in &args.stage_vars {
        let (k, v) = sv
            .split_once('=')
            .with_context(|| format!("stage variable `{sv}` is not `name=value`"))?;
        vars.insert(k.to_string(), v.to_string());
    }
    input.stage_variables.extend(vars);
    if let Some(token) = &args.jwt {
        let jwt = crate::engines::jwt::decode(token).map_err(|e| anyhow::anyhow!("--jwt: {e}"))?;
        input.authorizer = AuthorizerData::Jwt {
            claims: jwt.claims,
            scopes: None,
        };
        if !input
            .headers
            .iter()
            .any(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        {
            input.headers.push((
                "authorization".into(),
                format!("Bearer {}", crate::engines::jwt::strip_bearer(token)),
            ));
        }
    }
    if let Some(ctx) = &args.lambda_context {
        let v: Value = serde_json::from_str(ctx).context("--lambda-context is not JSON")?;
        let Value::Object(context) = v else {
            bail!("--lambda-context must be a JSON object")
        };
        input.authorizer = AuthorizerData::Lambda {
            principal_id: Some("user".into()),
            context,
        };
    }
    input
        .binary_media_types
        .extend(args.binary_media_types.iter().cloned());
    if let Some(ip) = &args.source_ip {
        input.source_ip = ip.clone();
    }
    if let Some(a) = &args.account_id {
        input.account_id = a.clone();
    }
    if let Some(r) = &args.request_id {
        input.request_id = r.clone();
    }
    if let Some(t) = args.time {
        input.time_epoch_ms = t;
    }
    Ok(())
}

/// Print human text to stdout, control and bidi characters escaped
/// ([`crate::engines::terminal_text::escape`]); a closed pipe (`| head`)
/// ends quietly instead of panicking.
pub(crate) fn emit(text: &str) -> anyhow::Result<()> {
    emit_raw(&crate::engines::terminal_text::escape(text))
}

/// Print serde_json text, the same characters as JSON escapes.
pub(crate) fn emit_json(json: &str) -> anyhow::Result<()> {
    emit_raw(&crate::engines::terminal_text::escape_json(json))
}

fn emit_raw(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out
        .write_all(text.as_bytes())
        .and_then(|_| out.write_all(b"\n"))
        .and_then(|_| out.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod url_tests {
    #[test]
    fn urls_and_paths_pass_the_rest_is_refused() {
        for ok in [
            "/pets",
            "https://abc.execute-api.us-east-1.amazonaws.com/prod/pets?x=1",
            "http://127.0.0.1:8080/x",
        ] {
            assert!(super::check_url(ok).is_ok(), "{ok}");
        }
        for bad in ["", "  ", "notaurl", "http://", "ftp://h/x", "pets"] {
            let e = super::check_url(bad).unwrap_err().to_string();
            assert!(
                e.contains("is not a URL") && !e.contains('\n'),
                "{bad}: {e}"
            );
        }
    }
}
