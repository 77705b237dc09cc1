//! `gatescope cors`: evaluate a browser request against a CORS configuration
//! (a file as `aws apigatewayv2 get-api --query CorsConfiguration` prints it,
//! or a deployed API), printing the preflight API Gateway would answer and the
//! browser's verdict. Exit code 0 when the browser allows it, 1 when not.

use super::output::outln;
use std::process::ExitCode;

use anyhow::Context;
use serde::Deserialize;
use serde_json::json;

use super::output::OutputFormat;
use super::{GlobalArgs, fetch_api, headers_json, read_input};
use crate::domain::FindingCode;
use crate::domain::{Cors, Finding, Protocol};
use crate::engines::cors::{self, BrowserRequest, CorsEvaluation, Preflight};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// A CorsConfiguration JSON file (PascalCase or camelCase keys), `-` for stdin.
    #[arg(long, conflicts_with = "api", required_unless_present = "api")]
    pub config: Option<String>,
    /// Read the configuration (and routes) of a deployed API.
    #[arg(long)]
    pub api: Option<String>,
    /// The page's origin, e.g. https://app.example.com
    #[arg(long)]
    pub origin: String,
    /// The method the page uses.
    #[arg(long, default_value = "GET")]
    pub method: String,
    /// Request headers the page sets (comma-separated or repeated).
    #[arg(long, value_delimiter = ',')]
    pub headers: Vec<String>,
    /// The request is sent with credentials (cookies, `credentials: 'include'`).
    #[arg(long)]
    pub credentials: bool,
    /// A header the integration returns, `name: value` (REST APIs and HTTP APIs
    /// without CorsConfiguration pass the function's own CORS headers).
    #[arg(long = "response-header", value_name = "NAME: VALUE")]
    pub response_headers: Vec<String>,
    /// A header of the answer to the preflight, `name: value` (REST: what the
    /// resource's OPTIONS method returns; ignored for an HTTP API with CorsConfiguration,
    /// which answers preflights itself).
    #[arg(long = "preflight-header", value_name = "NAME: VALUE")]
    pub preflight_headers: Vec<String>,
    /// Status of the answer to the preflight (default 200 when --preflight-header is given).
    #[arg(long = "preflight-status", value_name = "STATUS")]
    pub preflight_status: Option<u16>,
    /// A response header the page's script reads (comma-separated or repeated): reported
    /// when Access-Control-Expose-Headers hides it.
    #[arg(long = "read-header", value_delimiter = ',', value_name = "NAME")]
    pub read_headers: Vec<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `CorsConfiguration` with either key casing.
#[derive(Deserialize, Default)]
struct CorsFile {
    #[serde(default, alias = "AllowOrigins")]
    #[serde(rename = "allowOrigins")]
    allow_origins: Vec<String>,
    #[serde(default, alias = "AllowMethods", rename = "allowMethods")]
    allow_methods: Vec<String>,
    #[serde(default, alias = "AllowHeaders", rename = "allowHeaders")]
    allow_headers: Vec<String>,
    #[serde(default, alias = "ExposeHeaders", rename = "exposeHeaders")]
    expose_headers: Vec<String>,
    #[serde(default, alias = "MaxAge", rename = "maxAge")]
    max_age: Option<i32>,
    #[serde(default, alias = "AllowCredentials", rename = "allowCredentials")]
    allow_credentials: Option<bool>,
}

/// Parse a CorsConfiguration document (null = no configuration).
pub(crate) fn parse_cors(text: &[u8]) -> anyhow::Result<Option<Cors>> {
    let v: serde_json::Value =
        serde_json::from_slice(text).context("the CORS configuration is not valid JSON")?;
    if v.is_null() {
        return Ok(None);
    }
    let v = v.get("CorsConfiguration").cloned().unwrap_or(v);
    let f: CorsFile = serde_json::from_value(v)
        .context("the CORS configuration does not have the CorsConfiguration shape")?;
    Ok(Some(Cors {
        allow_origins: f.allow_origins,
        allow_methods: f.allow_methods,
        allow_headers: f.allow_headers,
        expose_headers: f.expose_headers,
        max_age: f.max_age,
        allow_credentials: f.allow_credentials,
    }))
}

fn parse_header(h: &str) -> anyhow::Result<(String, String)> {
    let (k, v) = h
        .split_once(':')
        .with_context(|| format!("`{h}` is not `name: value`"))?;
    Ok((k.trim().to_string(), v.trim().to_string()))
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let response_headers = args
        .response_headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let preflight_headers = args
        .preflight_headers
        .iter()
        .map(|h| parse_header(h))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let options =
        (args.preflight_status.is_some() || !preflight_headers.is_empty()).then(|| Preflight {
            status: args.preflight_status.unwrap_or(200),
            headers: preflight_headers,
        });
    let req = BrowserRequest {
        origin: args.origin.trim().to_string(),
        method: args.method.to_ascii_uppercase(),
        headers: args.headers.clone(),
        credentials: args.credentials,
        read_headers: args.read_headers.clone(),
    };
    let mut notes: Vec<String> = Vec::new();
    let eval = if let Some(path) = &args.config {
        let cors = parse_cors(&read_input(path)?)?;
        evaluate(
            cors.as_ref(),
            &[],
            &req,
            &response_headers,
            options.as_ref(),
            &mut notes,
        )
    } else {
        let id = args.api.as_deref().unwrap_or_default();
        let backend = global.backend().await?;
        let api = fetch_api(&backend, id).await?;
        if api.protocol() == Protocol::Rest {
            notes.push("REST APIs have no API-level CORS: the function's headers (--response-header) and the resource's OPTIONS method decide".into());
        }
        let mut eval = evaluate(
            api.cors.as_ref(),
            &api.routes,
            &req,
            &response_headers,
            options.as_ref(),
            &mut notes,
        );
        // The fixes name this API, not an `API_ID` placeholder.
        for f in &mut eval.findings {
            f.fill_slot("api_id", &api.id);
        }
        eval
    };
    print(&eval, &notes, args.output)?;
    Ok(if eval.allowed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn evaluate(
    cors: Option<&Cors>,
    routes: &[crate::domain::Route],
    req: &BrowserRequest,
    response_headers: &[(String, String)],
    options: Option<&Preflight>,
    notes: &mut Vec<String>,
) -> CorsEvaluation {
    match cors {
        Some(c) => {
            if options.is_some() {
                notes.push("--preflight-header/--preflight-status ignored: an HTTP API with a CorsConfiguration answers preflights itself".into());
            }
            let mut e = cors::evaluate_http_api(c, req, response_headers);
            if !routes.is_empty() {
                let known: Vec<FindingCode> = e.findings.iter().map(|f| f.code).collect();
                e.findings.extend(
                    cors::lint_with_routes(c, routes)
                        .into_iter()
                        .filter(|f| !known.contains(&f.code)),
                );
            }
            e
        }
        None => {
            notes.push("no CorsConfiguration: the integration's own headers decide".into());
            cors::evaluate_passthrough(req, options, response_headers)
        }
    }
}

fn print(e: &CorsEvaluation, notes: &[String], output: OutputFormat) -> anyhow::Result<()> {
    match output {
        OutputFormat::Json => super::output::print_json(&json!({
            "allowed": e.allowed,
            "preflightNeeded": e.preflight_needed,
            "preflight": e.preflight.as_ref().map(|p| json!({"status": p.status, "headers": headers_json(&p.headers)})),
            "responseHeaders": headers_json(&e.response_headers),
            "findings": e.findings.iter().map(finding_json).collect::<Vec<_>>(),
            "notes": notes,
        })),
        OutputFormat::Table => {
            outln!(
                "{}",
                if e.allowed {
                    "ALLOWED: the browser lets the page read the response"
                } else {
                    "BLOCKED: the browser reports a CORS error"
                }
            );
            match &e.preflight {
                Some(p) => {
                    outln!(
                        "\npreflight answer (status {}{}):",
                        p.status,
                        if p.status == cors::HTTP_API_PREFLIGHT_STATUS {
                            ", [UNVERIFIED] status"
                        } else {
                            ""
                        }
                    );
                    if p.headers.is_empty() {
                        outln!("  (no CORS headers)");
                    }
                    for (k, v) in &p.headers {
                        outln!("  {k}: {v}");
                    }
                }
                None if e.preflight_needed => outln!("\npreflight: needed, answer unknown"),
                None => outln!("\npreflight: not needed (simple request)"),
            }
            outln!("\nactual response CORS headers:");
            if e.response_headers.is_empty() {
                outln!("  (none)");
            }
            for (k, v) in &e.response_headers {
                outln!("  {k}: {v}");
            }
            print_findings(&e.findings);
            for n in notes {
                outln!("note: {n}");
            }
            Ok(())
        }
    }
}

/// `{code, severity, message, fix}` plus evidence, as the engines' CLIs print findings.
pub(crate) fn finding_json(f: &Finding) -> serde_json::Value {
    json!({
        "code": f.code,
        "severity": f.severity,
        "message": f.title,
        "evidence": f.evidence,
        "fix": f.fix,
        "unverified": f.unverified,
    })
}

/// Human rendering of findings for the report outputs.
pub(crate) fn print_findings(findings: &[Finding]) {
    if findings.is_empty() {
        return;
    }
    outln!("\nfindings:");
    for f in findings {
        let tag = if f.unverified { " [UNVERIFIED]" } else { "" };
        outln!("  {:?} {}{tag}: {}", f.severity, f.code, f.title);
        for ev in &f.evidence {
            outln!("      evidence: {ev}");
        }
        if let Some(fix) = &f.fix {
            outln!("      fix: {fix}");
        }
    }
}
