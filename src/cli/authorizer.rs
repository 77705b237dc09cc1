//! `gatescope authorizer API_ID METHOD URL`: the event API Gateway sends the
//! route's Lambda authorizer for this request (REST `TOKEN`/`REQUEST`, HTTP
//! payload 1.0/2.0), or the 401 it answers without invoking it when an
//! identity source is missing. With `--answer FILE` the authorizer's answer
//! (as the function returned it) is evaluated as API Gateway would: simple
//! response or IAM policy against the method ARN, the context that reaches
//! the integration's `requestContext.authorizer`, and the doctor's findings
//! (explicit deny, the cache pitfall). Nothing is invoked: this is local.

use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Value, json};

use super::output::{OutputFormat, outln, print_json};
use super::{GlobalArgs, fetch_api, read_input};
use crate::app::authorizer::{self, PreviewContext};
use crate::domain::{HttpRequest, PayloadFormat};
use crate::engines::authz::answer::{self, Outcome};
use crate::engines::authz::condition::CallFacts;
use crate::engines::authz::event::AuthorizerCall;
use crate::engines::doctor::{self, AuthorizerAnswerSeen, Evidence};
use crate::engines::event_build::build_event;

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
    #[arg(long, value_name = "FILE")]
    pub answer: Option<String>,
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
    let backend = global.backend().await?;
    let api = fetch_api(&backend, &args.api_id).await?;
    let mut headers = Vec::new();
    for h in &args.headers {
        let (k, v) = h
            .split_once(':')
            .with_context(|| format!("header `{h}` is not `Name: value`"))?;
        headers.push((k.trim().to_string(), v.trim().to_string()));
    }
    let request = HttpRequest {
        method: args.method.trim().to_ascii_uppercase(),
        url: args.url.clone(),
        headers,
        body: Vec::new(),
    };
    let ctx = PreviewContext {
        source_ip: args.source_ip.clone(),
        account_id: args.account_id.clone(),
        ..PreviewContext::local(backend.info.region.clone())
    };
    let p = authorizer::preview(&api, &request, &ctx)?;
    let (input, auth, kind) = (&p.input, &p.authorizer, p.kind);
    let route = api
        .route(&p.route_key)
        .context("the matched route is not in the API")?;
    let lambda = auth.lambda.clone();
    let (event, method_arn) = match &p.call {
        AuthorizerCall::NotInvoked { missing } => {
            let out = json!({
                "route": route.route_key, "authorizer": {"id": auth.id, "name": auth.name, "lambda": lambda},
                "invoked": false, "missingIdentitySource": missing,
                "status": 401, "body": {"message": "Unauthorized"},
            });
            match args.output {
                OutputFormat::Json => print_json(&out)?,
                OutputFormat::Table => outln!("{} {}: {}", args.method, input.path, p.verdict()),
            }
            return Ok(ExitCode::from(1));
        }
        AuthorizerCall::Invoke {
            event, method_arn, ..
        } => (event.clone(), method_arn.clone()),
    };
    let mut out = json!({
        "route": route.route_key,
        "authorizer": {"id": auth.id, "name": auth.name, "lambda": lambda},
        "invoked": true,
        "methodArn": method_arn.to_string(),
        "event": event,
    });
    let mut code = ExitCode::SUCCESS;
    if let Some(answer) = &answer {
        let simple = auth.enable_simple_responses == Some(true);
        let facts = CallFacts {
            source_ip: args.source_ip.parse().ok(),
            ..Default::default()
        };
        let v = answer::evaluate(kind, simple, answer, &method_arn, &facts);
        let outcome = match &v.outcome {
            Outcome::Allow => json!("allow"),
            Outcome::Deny { explicit } => json!(if *explicit { "explicitDeny" } else { "deny" }),
            Outcome::Malformed(why) => json!({"malformed": why}),
            Outcome::CannotEvaluate(why) => json!({"cannotEvaluate": why}),
        };
        let mut integration = input.clone();
        integration.payload = route
            .integration
            .as_ref()
            .and_then(|i| i.payload_format_version.as_deref())
            .and_then(PayloadFormat::parse)
            .unwrap_or(PayloadFormat::V1);
        integration.authorizer = v.authorizer_data();
        let integration_authorizer = (v.outcome == Outcome::Allow)
            .then(|| build_event(&integration)["requestContext"]["authorizer"].clone());
        let evidence = Evidence {
            api: Some(api.clone()),
            stage: Some(input.stage.clone()),
            route_key: Some(route.route_key.clone()),
            request: Some(HttpRequest {
                method: input.method.clone(),
                url: args.url.clone(),
                headers: input.headers.clone(),
                body: Vec::new(),
            }),
            authorizer_answer: Some(AuthorizerAnswerSeen {
                method_arn: method_arn.to_string(),
                answer: answer.clone(),
            }),
            source_ip: Some(args.source_ip.clone()),
            ..Default::default()
        };
        let findings = doctor::diagnose(&evidence);
        if v.outcome != Outcome::Allow || doctor::has_errors(&findings) {
            code = ExitCode::from(1);
        }
        out["verdict"] = json!({
            "outcome": outcome,
            "status": v.status,
            "body": v.body,
            "decision": v.decision.as_ref().map(|d| d.describe()),
            "principalId": v.principal_id,
            "context": v.context,
            "droppedContext": v.dropped_context.iter().map(|(k, why)| json!({"key": k, "reason": why})).collect::<Vec<_>>(),
            "integrationAuthorizer": integration_authorizer,
            "unverified": v.unverified,
        });
        out["findings"] = serde_json::to_value(&findings)?;
    }
    match args.output {
        OutputFormat::Json => print_json(&out)?,
        OutputFormat::Table => {
            outln!(
                "{} {} → route {} → authorizer {} ({})",
                input.method,
                input.path,
                route.route_key,
                auth.name,
                kind.label()
            );
            outln!("method ARN: {method_arn}");
            outln!("event:\n{}", serde_json::to_string_pretty(&out["event"])?);
            if let Some(v) = out.get("verdict") {
                outln!("verdict: {}", serde_json::to_string_pretty(v)?);
                let findings: Vec<crate::domain::Finding> =
                    serde_json::from_value(out["findings"].clone())?;
                for f in &findings {
                    outln!("{}", f.to_text());
                }
            }
        }
    }
    Ok(code)
}
