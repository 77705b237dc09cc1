//! `gatescope authorizer API_ID METHOD URL`: the event API Gateway sends the
//! route's Lambda authorizer for this request (REST `TOKEN`/`REQUEST`, HTTP
//! payload 1.0/2.0), or the 401 it answers without invoking it when an
//! identity source is missing. An answer is then evaluated as API Gateway
//! would (simple response or IAM policy against the method ARN, the context
//! that reaches the integration's `requestContext.authorizer`, the doctor's
//! findings: explicit deny, the cache pitfall). The answer comes from
//! `--answer FILE` (local), or from one of two opt-in REAL CALLS: `--invoke`
//! (`lambda:Invoke` of the authorizer's function with the event) and
//! `--test-invoke` (REST: `apigateway:TestInvokeAuthorizer`). The use case
//! itself lives in `app::authorizer`.

use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Value, json};

use super::output::{OutputFormat, errln, outln, print_json};
use super::{GlobalArgs, fetch_api, read_input};
use crate::app::authorizer::{self as use_case, AuthorizerQuery, Call, Evaluation, Prepared};
use crate::domain::Finding;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API's id (as `gatescope apis` lists it).
    pub api_id: String,
    /// HTTP method, e.g. GET.
    pub method: String,
    /// Full URL or a path with the stage segment (`/prod/items/42`).
    pub url: String,
    /// Request header `Name: value` (repeatable).
    #[arg(short = 'H', long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// The authorizer's answer to evaluate (JSON file; `-` reads standard input).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["invoke", "test_invoke"])]
    pub answer: Option<String>,
    /// REAL CALL: invoke the authorizer's Lambda function with the event
    /// (`lambda:Invoke`; runs and bills the function, writes to its logs)
    /// and evaluate its answer.
    #[arg(long, conflicts_with = "test_invoke")]
    pub invoke: bool,
    /// REAL CALL (REST): `apigateway:TestInvokeAuthorizer` with the
    /// request's headers; API Gateway runs the authorizer and reports the
    /// client status, policy and its execution log.
    #[arg(long)]
    pub test_invoke: bool,
    /// The caller's address as API Gateway sees it (`$context.identity.sourceIp`).
    #[arg(long, default_value = "127.0.0.1")]
    pub source_ip: String,
    /// Account id in the method ARN.
    #[arg(long, default_value = "123456789012")]
    pub account_id: String,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let answer: Option<Value> = match &args.answer {
        Some(path) => Some(
            serde_json::from_slice(&read_input(path)?)
                .with_context(|| format!("{path} is not JSON"))?,
        ),
        None => None,
    };
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("header `{h}` is not `Name: value`"))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let backend = global.backend().await?;
    let api = fetch_api(&backend, &args.api_id).await?;
    let query = AuthorizerQuery {
        method: args.method.clone(),
        url: args.url.clone(),
        headers,
        source_ip: args.source_ip.clone(),
        account_id: args.account_id.clone(),
    };
    let p = use_case::prepare(&api, &query, backend.info.region.as_deref())
        .map_err(anyhow::Error::msg)?;
    let (event, method_arn) = match &p.call {
        Call::NotInvoked { missing } => {
            let out = json!({
                "route": p.route_key, "authorizer": p.authorizer_json(),
                "invoked": false, "missingIdentitySource": missing,
                "status": 401, "body": {"message": "Unauthorized"},
            });
            match args.output {
                crate::cli::output::OutputFormat::Json => print_json(&out)?,
                crate::cli::output::OutputFormat::Table => outln!(
                    "{} {}: identity source {missing} is missing or empty: API Gateway answers 401 {{\"message\":\"Unauthorized\"}} without invoking authorizer {}",
                    args.method,
                    p.input.path,
                    p.authorizer.name
                ),
            }
            if args.invoke || args.test_invoke {
                errln!(
                    "gatescope: no real call was made: API Gateway would not invoke the authorizer"
                );
            }
            return Ok(ExitCode::from(1));
        }
        Call::Invoke {
            event, method_arn, ..
        } => (event.clone(), method_arn.to_string()),
    };
    let mut out = json!({
        "route": p.route_key,
        "authorizer": p.authorizer_json(),
        "invoked": true,
        "methodArn": method_arn,
        "event": event,
    });
    let mut evaluation: Option<Evaluation> = None;
    if let Some(answer) = &answer {
        evaluation = Some(use_case::evaluate(&p, answer, None));
    } else if args.invoke {
        let invoked = use_case::invoke(&backend, &p)
            .await
            .context("lambda:Invoke of the authorizer failed")?;
        out["realCall"] = invoked.to_json();
        evaluation = Some(invoked.evaluation);
    } else if args.test_invoke {
        let t = use_case::test_invoke(&backend, &p)
            .await
            .context("TestInvokeAuthorizer failed")?;
        let mut real = serde_json::to_value(&t)?;
        real["realCall"] = json!("apigateway:TestInvokeAuthorizer");
        out["realCall"] = real;
        evaluation = t.evaluation;
        if evaluation.is_none() {
            // No policy came back: AWS's client status is the verdict.
            out["verdict"] = json!({"status": t.result.client_status, "fromAws": true});
        }
    }
    let code = exit_code(&out, evaluation.as_ref());
    if let Some(e) = &evaluation {
        out["verdict"] = e.verdict_json();
        out["findings"] = serde_json::to_value(&e.findings)?;
    }
    match args.output {
        OutputFormat::Json => print_json(&out)?,
        OutputFormat::Table => print_table(&args, &p, &out, evaluation.as_ref())?,
    }
    Ok(code)
}

/// 0 when the request would reach the integration (or nothing was
/// evaluated), 1 when it would be refused.
fn exit_code(out: &Value, evaluation: Option<&Evaluation>) -> ExitCode {
    let refused_by_aws = out["realCall"]["clientStatus"]
        .as_i64()
        .is_some_and(|s| s != 0);
    if evaluation.is_some_and(Evaluation::refused) || refused_by_aws {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn print_table(
    args: &Args,
    p: &Prepared,
    out: &Value,
    evaluation: Option<&Evaluation>,
) -> anyhow::Result<()> {
    outln!(
        "{} {} → route {} → authorizer {} ({})",
        p.input.method,
        p.input.path,
        p.route_key,
        p.authorizer.name,
        p.kind.label()
    );
    outln!("method ARN: {}", out["methodArn"].as_str().unwrap_or(""));
    outln!("event:\n{}", serde_json::to_string_pretty(&out["event"])?);
    let real = &out["realCall"];
    if args.invoke {
        outln!(
            "REAL CALL lambda:Invoke {} → status {}{}{}",
            real["function"].as_str().unwrap_or("?"),
            real["status"],
            real["functionError"]
                .as_str()
                .map(|e| format!(", function error {e}"))
                .unwrap_or_default(),
            real["executedVersion"]
                .as_str()
                .map(|v| format!(", version {v}"))
                .unwrap_or_default(),
        );
        outln!(
            "answer:\n{}",
            serde_json::to_string_pretty(&real["answer"])?
        );
    }
    if args.test_invoke {
        let status = real["clientStatus"].as_i64().unwrap_or(0);
        outln!(
            "REAL CALL apigateway:TestInvokeAuthorizer → client status {} ({}), latency {} ms",
            status,
            if status == 0 {
                "allowed".to_string()
            } else {
                format!("the client would get {status}")
            },
            real["latencyMs"]
        );
        if let Some(pid) = real["principalId"].as_str() {
            outln!("principalId: {pid}");
        }
        if let Some(policy) = real["policy"].as_str() {
            outln!("policy: {policy}");
        }
        if let Some(log) = real["log"].as_str().filter(|l| !l.is_empty()) {
            outln!("execution log:\n{}", log.trim_end());
        }
    }
    if let Some(e) = evaluation {
        outln!(
            "verdict: {}",
            serde_json::to_string_pretty(&e.verdict_json())?
        );
        let findings: &[Finding] = &e.findings;
        for f in findings {
            outln!("{}", f.to_text());
        }
    }
    Ok(())
}
