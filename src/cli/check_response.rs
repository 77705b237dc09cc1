//! `gatescope check-response`: what a client receives for a Lambda's output
//! (a file or `-`), and why API Gateway turns it into a 502 (REST) or 500
//! (HTTP API) when it does. Exit code 0 when the response passes through,
//! 1 when the client gets API Gateway's error instead.

use std::process::ExitCode;

use base64::Engine;
use serde_json::json;

use super::cors::finding_json;
use super::event::{ApiTypeArg, emit, emit_json, parse_payload};
use super::output::OutputFormat;
use super::{GlobalArgs, read_input};
use crate::domain::{ApiType, PayloadFormat};
use crate::engines::response::{Interpretation, ResponseContext, interpret};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The function's output (what `aws lambda invoke` writes), `-` for stdin.
    pub file: String,
    #[arg(long, value_enum)]
    pub api_type: ApiTypeArg,
    /// Payload format version (HTTP APIs; REST is always 1.0).
    #[arg(long, value_parser = parse_payload, default_value = "2.0")]
    pub payload: PayloadFormat,
    /// REST binaryMediaTypes (repeatable), e.g. image/png or */*.
    #[arg(long = "binary-media-type")]
    pub binary_media_types: Vec<String>,
    /// The request's Accept header (REST binary handling).
    #[arg(long)]
    pub accept: Option<String>,
    /// The invoke returned `X-Amz-Function-Error` (the function threw).
    #[arg(long, conflicts_with = "returned")]
    pub function_error: bool,
    /// The function returned this value normally (do not infer a thrown error
    /// from an errorMessage/errorType shape).
    #[arg(long)]
    pub returned: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, _global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let output = read_input(&args.file)?;
    let mut ctx = ResponseContext::new(args.api_type.into(), args.payload);
    ctx.binary_media_types = args.binary_media_types.clone();
    ctx.request_accept = args.accept.clone();
    ctx.function_error = match (args.function_error, args.returned) {
        (true, _) => Some(true),
        (_, true) => Some(false),
        _ => None,
    };
    let verdict = interpret(&output, &ctx);
    match args.output {
        OutputFormat::Json => emit_json(&serde_json::to_string_pretty(&to_json(&verdict))?)?,
        OutputFormat::Table => emit(&report(&ctx, &verdict))?,
    }
    Ok(if verdict.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The `--output json` object: `{ok, clientStatus, clientHeaders, clientBody,
/// clientBodyBase64?, findings[{code, severity, message, evidence, fix, unverified}]}`.
/// Headers are `[name, value]` pairs: order and repeats (set-cookie) matter.
pub(crate) fn to_json(v: &Interpretation) -> serde_json::Value {
    let mut out = json!({
        "ok": v.ok,
        "clientStatus": v.client_status,
        "clientHeaders": v.client_headers,
        "clientBody": v.client_body,
        "findings": v.findings.iter().map(finding_json).collect::<Vec<_>>(),
    });
    if let Some(b) = &v.client_body_base64 {
        out["clientBodyBase64"] = json!(b);
    }
    out
}

/// The readable report.
pub fn report(ctx: &ResponseContext, v: &Interpretation) -> String {
    use std::fmt::Write;
    let api = match (ctx.api_type, ctx.payload) {
        (ApiType::Rest, _) => "REST API",
        (ApiType::Http, PayloadFormat::V1) => "HTTP API (payload 1.0)",
        (ApiType::Http, PayloadFormat::V2) => "HTTP API (payload 2.0)",
    };
    let mut t = String::new();
    if v.ok {
        let _ = writeln!(t, "{api}: the client receives {}", v.client_status);
    } else {
        let _ = writeln!(
            t,
            "{api}: API Gateway answers {} instead of the function's response",
            v.client_status
        );
    }
    for (k, val) in &v.client_headers {
        let _ = writeln!(t, "  {k}: {val}");
    }
    match &v.client_body_base64 {
        Some(b) => {
            let n = base64::engine::general_purpose::STANDARD
                .decode(b)
                .map(|x| x.len())
                .unwrap_or(0);
            let _ = writeln!(t, "\n({n} bytes of binary body)");
        }
        None if v.client_body.is_empty() => t.push_str("\n(empty body)\n"),
        None => {
            let _ = writeln!(t, "\n{}", v.client_body);
        }
    }
    if !v.findings.is_empty() {
        t.push_str("\nfindings:\n");
        for f in &v.findings {
            let tag = if f.unverified { " [UNVERIFIED]" } else { "" };
            let _ = writeln!(t, "  {:?} {}{tag}: {}", f.severity, f.code, f.title);
            for e in &f.evidence {
                let _ = writeln!(t, "      evidence: {e}");
            }
            if let Some(fix) = &f.fix {
                let _ = writeln!(t, "      fix: {fix}");
            }
        }
    }
    t.trim_end().to_string()
}
