//! `gatescope test-invoke API_ID METHOD URL`: a REAL CALL of
//! `apigateway:TestInvokeMethod` ("send via the control plane", the
//! console's Test button) for a REST method: status, headers, body and the
//! execution log of that request — even when the stage logs nothing — with
//! the doctor's reading of it. It runs the integration (the function is
//! invoked) and bypasses the authorizer, API keys and usage plans, as AWS
//! documents: the output says so. Exit 0 when the status is below 400, 1
//! otherwise, 2 when the call could not be made.

use std::process::ExitCode;

use anyhow::Context;
use serde_json::json;

use super::output::{OutputFormat, errln, outln, print_json};
use super::{GlobalArgs, fetch_api, read_input};
use crate::app::test_invoke::{self, BYPASS_NOTE, MethodQuery};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The REST API's id (as `gatescope apis` lists it).
    pub api_id: String,
    /// HTTP method, e.g. GET.
    pub method: String,
    /// Full URL or a path with the stage segment (`/prod/items/42?x=1`).
    pub url: String,
    /// Request header `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// Body: text, `@FILE`, or `@-` for stdin.
    #[arg(short = 'd', long = "data", value_name = "BODY|@FILE")]
    pub data: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("header `{h}` is not `Name: value`"))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let body = match args.data.as_deref() {
        Some(d) => Some(match d.strip_prefix('@') {
            Some(path) => String::from_utf8(read_input(path)?).with_context(|| {
                format!("{path} is not UTF-8 text (TestInvokeMethod takes a text body)")
            })?,
            None => d.to_string(),
        }),
        None => None,
    };
    let backend = global.backend().await?;
    let api = fetch_api(&backend, &args.api_id).await?;
    let query = MethodQuery {
        method: args.method.clone(),
        url: args.url.clone(),
        headers,
        body,
    };
    let prepared = test_invoke::prepare(&api, &query).map_err(anyhow::Error::msg)?;
    let sent = test_invoke::run(&backend, &prepared)
        .await
        .context("TestInvokeMethod failed")?;
    let code = if (100..400).contains(&sent.result.status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    };
    match args.output {
        OutputFormat::Json => print_json(&json!(sent))?,
        OutputFormat::Table => {
            outln!(
                "REAL CALL apigateway:TestInvokeMethod {} {} (route {}, resource {}) → status {}, latency {} ms",
                sent.http_method,
                sent.path_with_query_string,
                sent.route_key,
                sent.resource_id,
                sent.result.status,
                sent.result.latency_ms
            );
            for (k, v) in &sent.result.headers {
                outln!("{k}: {v}");
            }
            if let Some(b) = &sent.result.body {
                outln!();
                outln!("{b}");
            }
            if !sent.result.log.is_empty() {
                outln!();
                outln!("execution log:");
                outln!("{}", sent.result.log.trim_end());
            }
            for f in &sent.findings {
                outln!("{}", f.to_text());
            }
        }
    }
    errln!("gatescope: note: {BYPASS_NOTE}");
    Ok(code)
}
