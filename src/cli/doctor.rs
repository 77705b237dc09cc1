//! `gatescope doctor API_ID [--stage S] [--route KEY | METHOD URL] [request flags]`
//!
//! With a request: send it, gather its access-log record and Lambda lines
//! (waiting up to `--wait`), and explain the outcome. Without one: lint the
//! API's configuration. Exit status: 0 when no finding has error severity,
//! 1 when one does, 2 on usage or backend errors.

use super::output::out;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};

use super::GlobalArgs;
use super::output::{OutputFormat, print_json};
use super::problems;
use crate::app::diagnose;
use crate::app::problems::{self as found, Problem};
use crate::app::send::{self, Recording, SendInput};
use crate::backends::Backend;
use crate::backends::http::{SendOptions, Sender};
use crate::domain::draft::{ContentType, Field};
use crate::domain::{Api, AuthMode, HttpRequest, HttpResponse, RequestDraft, Stage};
use crate::engines::doctor::{self, Report};
use crate::engines::{compose, export};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API's id (as `gatescope apis` lists it).
    pub api_id: String,
    /// METHOD of a request to send and diagnose (with URL).
    #[arg(value_name = "METHOD", requires = "url", conflicts_with = "route")]
    pub method: Option<String>,
    /// URL of the request: absolute, or a path on the API's host, stage segment
    /// included as you would call it (`/prod/items/42`).
    #[arg(value_name = "URL")]
    pub url: Option<String>,
    /// Stage (default: the only stage, else `$default`).
    #[arg(long)]
    pub stage: Option<String>,
    /// Send a request to this route, e.g. 'GET /items/{id}' (fill variables with -p).
    #[arg(long, value_name = "KEY")]
    pub route: Option<String>,
    /// Path variable for --route: NAME=VALUE (repeatable).
    #[arg(short = 'p', long = "path-param", value_name = "NAME=VALUE")]
    pub path_params: Vec<String>,
    /// Request header 'Name: value' (repeatable).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    pub headers: Vec<String>,
    /// Request body: text, `@FILE`, or `@-` for stdin.
    #[arg(short = 'd', long = "data", value_name = "BODY")]
    pub data: Option<String>,
    /// none | sigv4[:REGION] | jwt:TOKEN | apikey:KEY, as in `gatescope send` (an empty
    /// TOKEN/KEY is read from $GATESCOPE_TOKEN / $GATESCOPE_API_KEY). Default: what the
    /// route needs, with the token/key from those variables.
    #[arg(long, value_name = "MODE")]
    pub auth: Option<String>,
    /// How long to wait for the request's logs to arrive (0s: don't read logs).
    #[arg(long, default_value = "20s", value_parser = super::flags::parse_duration)]
    pub wait: Duration,
    /// Timeout of the request itself.
    #[arg(long, default_value = "35s", value_parser = super::flags::parse_duration)]
    pub timeout: Duration,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let backend = global.backend().await?;
    let args = if backend.info.demo {
        super::demo::doctor_args(args, &backend).await?
    } else {
        args
    };
    let (api, problems) = match load_api_reporting(&backend, &args.api_id).await? {
        Ok(found) => found,
        Err(unlisted) => return Ok(problems::report(&unlisted, args.output)),
    };
    let stage = pick_stage(&api, args.stage.as_deref())?;
    let report_and_header = if args.route.is_some() || args.method.is_some() {
        diagnose_request(&args, global, &backend, &api, stage).await?
    } else {
        // Each function's own timeout, for LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION.
        let functions = backend
            .control
            .function_configs(&doctor::lambda_functions(&api))
            .await;
        let header = format!(
            "Lint of {} ({}){}",
            api.id,
            api.protocol().as_str(),
            stage
                .map(|s| format!(", stage {}", s.stage_name))
                .unwrap_or_default()
        );
        (
            Report {
                findings: diagnose::lint(&api, stage.map(|s| s.stage_name.as_str()), &functions),
            },
            vec![header],
        )
    };
    let (report, header) = report_and_header;
    match args.output {
        OutputFormat::Json => print_json(&report)?,
        OutputFormat::Table => out!("{}", doctor::render(&header, &report.findings)),
    }
    let code = if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };
    // A diagnosis on partial details may miss the cause: say what is missing.
    Ok(problems::worst(
        code,
        problems::report(&problems, args.output),
    ))
}

/// The API with its details, or why it cannot be diagnosed (the parity tests).
#[cfg(test)]
pub(crate) async fn load_api(backend: &Backend, id: &str) -> anyhow::Result<Api> {
    match load_api_reporting(backend, id).await? {
        Ok((api, _)) => Ok(api),
        Err(problems) => bail!(
            "{}",
            problems
                .iter()
                .map(Problem::line)
                .collect::<Vec<_>>()
                .join("; ")
        ),
    }
}

/// The API with its details and what of them could not be loaded; `Err(problems)`
/// when it is not in a listing that was incomplete (it may be among the
/// APIs that could not be listed). Not in a complete listing: a usage error.
async fn load_api_reporting(
    backend: &Backend,
    id: &str,
) -> anyhow::Result<Result<(Api, Vec<Problem>), Vec<Problem>>> {
    let (apis, listing) = backend.control.list_apis_partial().await?;
    let Some(api) = apis.into_iter().find(|a| a.id == id) else {
        if listing.is_empty() {
            bail!("no API with id {id} (see `gatescope apis`)");
        }
        let mut problems: Vec<Problem> =
            listing.into_iter().map(|p| Problem::new(None, p)).collect();
        problems.push(Problem::new(
            Some(id.to_string()),
            "not among the APIs that could be listed",
        ));
        return Ok(Err(problems));
    };
    let api = if api.details_loaded {
        api
    } else {
        backend.control.load_details(api).await?
    };
    let problems = found::of_api(&api);
    Ok(Ok((api, problems)))
}

/// The stage named, the only one, or `$default`; an unknown name is a usage error.
pub(crate) fn pick_stage<'a>(
    api: &'a Api,
    name: Option<&str>,
) -> anyhow::Result<Option<&'a Stage>> {
    match name {
        Some(n) => match api.stage(n) {
            Some(s) => Ok(Some(s)),
            None => {
                let names: Vec<&str> = api.stages.iter().map(|s| s.stage_name.as_str()).collect();
                bail!(
                    "API {} has no stage {n} (stages: {})",
                    api.id,
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                )
            }
        },
        None if api.stages.len() == 1 => Ok(api.stages.first()),
        None => Ok(api.stage("$default")),
    }
}

async fn diagnose_request(
    args: &Args,
    global: &GlobalArgs,
    backend: &Backend,
    api: &Api,
    stage: Option<&Stage>,
) -> anyhow::Result<(Report, Vec<String>)> {
    let draft = request_draft(args, api, stage)?;
    let fallback_region = global.region.as_deref().or(backend.info.region.as_deref());
    diagnose_draft(&draft, args, backend, api, fallback_region).await
}

/// The request `args` describe, as a draft the composer could hold: the
/// API and stage it targets are named in it, so the TUI and this command
/// resolve the same route and authorizer for it.
pub(crate) fn request_draft(
    args: &Args,
    api: &Api,
    stage: Option<&Stage>,
) -> anyhow::Result<RequestDraft> {
    let mut draft = match (&args.route, &args.method, &args.url) {
        (Some(key), _, _) => {
            let route = api.route(key).with_context(|| {
                let keys: Vec<&str> = api.routes.iter().map(|r| r.route_key.as_str()).collect();
                format!(
                    "API {} has no route `{key}` (routes: {})",
                    api.id,
                    keys.join(", ")
                )
            })?;
            let mut d = compose::draft_for_route(api, route, stage);
            for p in &args.path_params {
                let (name, value) = p
                    .split_once('=')
                    .with_context(|| format!("--path-param `{p}` is not NAME=VALUE"))?;
                match d.path_params.iter_mut().find(|f| f.name == name.trim()) {
                    Some(f) => f.value = value.to_string(),
                    None => bail!("route `{key}` has no path variable {name}"),
                }
            }
            if let Some(missing) = d.path_params.iter().find(|f| f.value.is_empty()) {
                bail!(
                    "route `{key}` needs its path variable {0}: pass -p {0}=VALUE",
                    missing.name
                );
            }
            d
        }
        (None, Some(method), Some(url)) => {
            let full =
                if url.starts_with('/') {
                    // Relative to the API's host, stage segment included as typed:
                    // the doctor must see the URL exactly as it was meant.
                    format!("{}{url}", api_origin(api).context(
                    "the API has no endpoint to resolve a path against: pass an absolute URL",
                )?)
                } else {
                    url.clone()
                };
            compose::draft_from_url(method, &full)?
        }
        _ => bail!("give --route KEY or METHOD URL"),
    };
    for h in &args.headers {
        let (name, value) = h
            .split_once(':')
            .with_context(|| format!("header `{h}` is not 'Name: value'"))?;
        draft.headers.push(Field::new(name.trim(), value.trim()));
    }
    if let Some(d) = &args.data {
        draft.body = match d.strip_prefix('@') {
            Some("-") => {
                let mut buf = Vec::new();
                std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                    .context("cannot read the body from stdin")?;
                buf
            }
            Some(path) => {
                std::fs::read(path).with_context(|| format!("cannot read the body file {path}"))?
            }
            None => d.clone().into_bytes(),
        };
        // As `gatescope send`: a JSON body goes out as application/json
        // unless -H says otherwise.
        if compose::json_problem(&draft.body).is_none() {
            draft.content_type = ContentType::Json;
        }
    }
    match &args.auth {
        Some(mode) => draft.auth = super::send::parse_auth(mode)?,
        // The route's default auth, with the secret from the environment.
        None => match &mut draft.auth {
            AuthMode::Jwt { token } => {
                *token = std::env::var(export::TOKEN_VAR).unwrap_or_default()
            }
            AuthMode::ApiKey { key } => {
                *key = std::env::var(export::API_KEY_VAR).unwrap_or_default()
            }
            _ => {}
        },
    }
    // The stage picked above (the draft of a bare URL names none); the
    // route is the one named, else what routing picks (app::send resolves it).
    if draft.target.stage.is_none() {
        draft.target.stage = stage.map(|s| s.stage_name.clone());
    }
    draft.target.api_id = Some(api.id.clone());
    compose::build(&draft)?; // early, clear errors for bad input
    Ok(draft)
}

/// Send `draft` to `api`, gather its logs (up to `--wait`) and diagnose it:
/// the report and the lines printed above it.
pub(crate) async fn diagnose_draft(
    draft: &RequestDraft,
    args: &Args,
    backend: &Backend,
    api: &Api,
    fallback_region: Option<&str>,
) -> anyhow::Result<(Report, Vec<String>)> {
    let sender = Sender::new(SendOptions {
        timeout: args.timeout,
        ..Default::default()
    })?;
    let never = tokio_util::sync::CancellationToken::new();
    let sent = send::send(SendInput {
        draft,
        api: Some(api),
        credentials: backend.credentials.as_ref(),
        fallback_region,
        sender: &sender,
        recording: Recording::default(),
        cancel: &never,
    })
    .await?;
    let request = &sent.prepared.request;
    let exchange = match (&sent.result, sent.exchange(Some(api))) {
        (Ok(_), Some(x)) => x,
        (Err(e), _) => bail!("{} {}: {e}", request.method, request.url),
        (Ok(_), None) => bail!("{} {}: no response", request.method, request.url),
    };
    let mut header = vec![summary_line(request, &exchange.response)];
    header.extend(sent.prepared.warnings.iter().map(|w| format!("note: {w}")));
    let done = exchange.with_logs(backend, args.wait).await;
    header.push(format!(
        "logs: {} access record(s), {} Lambda line(s){}{}",
        done.access,
        done.lines,
        done.exec
            .as_ref()
            .map(|t| format!(", {} execution-log line(s)", t.lines.len()))
            .unwrap_or_default(),
        if args.wait.is_zero() {
            " (not read: --wait 0s)".to_string()
        } else {
            format!(" (waited up to {})", humantime::format_duration(args.wait))
        }
    ));
    header.extend(done.notes.iter().map(|n| format!("note: {n}")));
    Ok((
        Report {
            findings: done.findings,
        },
        header,
    ))
}

/// `scheme://host[:port]` of the API: its endpoint, else a stage's invoke URL.
fn api_origin(api: &Api) -> Option<String> {
    let candidates = api
        .endpoint
        .iter()
        .chain(api.stages.iter().filter_map(|s| s.invoke_url.as_ref()));
    for c in candidates {
        if let Ok(u) = url::Url::parse(c) {
            let mut origin = format!("{}://{}", u.scheme(), u.host_str().unwrap_or_default());
            if let Some(p) = u.port() {
                origin.push_str(&format!(":{p}"));
            }
            return Some(origin);
        }
    }
    None
}

fn summary_line(req: &HttpRequest, resp: &HttpResponse) -> String {
    format!(
        "{} {} → {} in {:.0} ms{}",
        req.method,
        req.url,
        resp.status,
        resp.timing.total_ms,
        resp.request_id()
            .map(|id| format!(" (request id {id})"))
            .unwrap_or_default()
    )
}
