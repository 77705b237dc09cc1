//! `gatescope jwt`: decode a token and evaluate it as an HTTP API JWT
//! authorizer would (issuer, audience / client_id, exp / nbf / iat, scopes),
//! against explicit flags or a deployed route's authorizer. The signature is
//! verified only with `--jwks` / `--fetch-jwks`, and the output says so.
//! Exit code 0 when the authorizer would pass the token, 1 otherwise.

use super::output::outln;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context;
use serde_json::{Value, json};

use super::cors::{finding_json, print_findings};
use super::output::OutputFormat;
use super::{GlobalArgs, fetch_api, read_input};
use crate::engines::jwt::{self, Jwks, JwtRule, Outcome, SignatureCheck};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The token (a leading `Bearer ` is fine); `-` reads it from stdin
    /// (keeps it out of your shell history).
    pub token: String,
    /// Expected issuer (exact match).
    #[arg(long, conflicts_with = "api")]
    pub issuer: Option<String>,
    /// Accepted audience(s); repeat or comma-separate.
    #[arg(long, value_delimiter = ',', conflicts_with = "api")]
    pub audience: Vec<String>,
    /// Route scopes (any one must be in the token's scope/scp).
    #[arg(long, value_delimiter = ',', conflicts_with = "api")]
    pub scopes: Vec<String>,
    /// Take issuer, audience and scopes from this API's route + authorizer.
    #[arg(long, requires = "route")]
    pub api: Option<String>,
    /// Route key, e.g. 'GET /orders/{id}' (with --api).
    #[arg(long)]
    pub route: Option<String>,
    /// Evaluate at this time (epoch seconds) instead of now.
    #[arg(long)]
    pub now: Option<i64>,
    /// Verify the signature with this JWKS file (`-` for stdin).
    #[arg(long, conflicts_with = "fetch_jwks")]
    pub jwks: Option<String>,
    /// Fetch the JWKS from the issuer's /.well-known/openid-configuration.
    #[arg(long)]
    pub fetch_jwks: bool,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let token = if args.token == "-" {
        String::from_utf8(read_input("-")?)
            .context("the token on stdin is not UTF-8")?
            .trim()
            .to_string()
    } else {
        args.token.clone()
    };
    // A token that does not decode is still a question with an answer: API Gateway
    // says 401, and the decode error is the reason.
    let decoded = jwt::decode(&token);
    let rule = match &args.api {
        Some(api_id) => {
            rule_from_api(global, api_id, args.route.as_deref().unwrap_or_default()).await?
        }
        None => JwtRule {
            issuer: args.issuer.clone(),
            audience: args.audience.clone(),
            scopes: args.scopes.clone(),
        },
    };
    let jwks = match (&args.jwks, args.fetch_jwks) {
        (Some(path), _) => Some(
            Jwks::parse(&String::from_utf8_lossy(&read_input(path)?))
                .map_err(anyhow::Error::msg)?,
        ),
        // The authorizer rejects a malformed token before it needs any key.
        (None, true) if decoded.is_err() => None,
        (None, true) => {
            let iss = rule.issuer.clone().or_else(|| {
                decoded
                    .as_ref()
                    .ok()
                    .and_then(|d| d.claims.get("iss"))
                    .and_then(Value::as_str)
                    .map(str::to_string)
            });
            let iss =
                iss.context("--fetch-jwks needs an issuer (--issuer, --api or an `iss` claim)")?;
            Some(fetch_jwks(&iss).await?)
        }
        _ => None,
    };
    let now = args.now.unwrap_or_else(|| chrono::Utc::now().timestamp());
    let eval = jwt::evaluate_token(Some(&token), &rule, now, jwks.as_ref());
    let decoded = decoded.ok();
    let mut notes = Vec::new();
    if rule.is_unset() {
        notes.push("no authorizer given (--issuer/--audience or --api/--route): issuer and audience not checked".to_string());
    }
    match args.output {
        OutputFormat::Json => super::output::print_json(&json!({
            "header": decoded.as_ref().map(|d| &d.header),
            "claims": decoded.as_ref().map(|d| &d.claims),
            "outcome": eval.outcome,
            "reason": eval.reason,
            "wwwAuthenticate": eval.www_authenticate,
            "expiresInSeconds": decoded.as_ref().and_then(|d| d.expires_in(now)),
            "signature": eval.signature,
            "rule": rule,
            "findings": eval.findings.iter().map(finding_json).collect::<Vec<_>>(),
            "notes": notes,
        }))?,
        OutputFormat::Table => {
            if let Some(decoded) = &decoded {
                outln!("header: {}", Value::Object(decoded.header.clone()));
                outln!("claims:");
                for (k, v) in &decoded.claims {
                    outln!(
                        "  {k}: {}",
                        v.as_str().map_or_else(|| v.to_string(), str::to_string)
                    );
                }
            }
            if let Some(left) = decoded.as_ref().and_then(|d| d.expires_in(now)) {
                let when = if left > 0 {
                    format!("expires in {left}s")
                } else {
                    format!("EXPIRED {}s ago", -left)
                };
                outln!("exp: {when}");
            }
            let verdict = match eval.outcome {
                Outcome::Pass => "PASS: the authorizer lets this token through".to_string(),
                Outcome::Unauthorized => {
                    format!("401 Unauthorized: {}", eval.reason.as_deref().unwrap_or(""))
                }
                Outcome::Forbidden => "403 Forbidden: no route scope in the token".to_string(),
            };
            outln!("\n{verdict}");
            if let Some(w) = &eval.www_authenticate {
                outln!("www-authenticate: {w}");
            }
            outln!(
                "signature: {}",
                match &eval.signature {
                    SignatureCheck::NotVerified =>
                        "NOT VERIFIED (give --jwks or --fetch-jwks)".to_string(),
                    SignatureCheck::Valid => "valid".to_string(),
                    SignatureCheck::Invalid(why) => format!("INVALID: {why}"),
                }
            );
            print_findings(&eval.findings);
            for n in notes {
                outln!("note: {n}");
            }
        }
    }
    Ok(if eval.outcome == Outcome::Pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

async fn rule_from_api(
    global: &GlobalArgs,
    api_id: &str,
    route_key: &str,
) -> anyhow::Result<JwtRule> {
    let backend = global.backend().await?;
    let api = fetch_api(&backend, api_id).await?;
    let route = api.route(route_key).with_context(|| {
        let keys: Vec<&str> = api.routes.iter().map(|r| r.route_key.as_str()).collect();
        format!(
            "API {api_id} has no route `{route_key}` (routes: {})",
            keys.join(", ")
        )
    })?;
    let auth_id = route
        .authorizer_id
        .as_deref()
        .with_context(|| format!("route `{route_key}` has no authorizer"))?;
    let authorizer = api.authorizer(auth_id).with_context(|| {
        format!("authorizer {auth_id} of route `{route_key}` could not be read")
    })?;
    let config = authorizer.jwt_configuration.as_ref().with_context(|| {
        format!(
            "authorizer {} is a {} authorizer, not JWT",
            authorizer.name, authorizer.authorizer_type
        )
    })?;
    Ok(JwtRule::from_config(config, &route.authorization_scopes))
}

/// OIDC discovery then JWKS, with API Gateway's own patience (1.5 s each is
/// its limit; we allow a little more for a human at a terminal).
async fn fetch_jwks(issuer: &str) -> anyhow::Result<Jwks> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(5))
        .build()?;
    let discovery = format!(
        "{}/.well-known/openid-configuration",
        issuer.trim_end_matches('/')
    );
    let body = client
        .get(&discovery)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .with_context(|| format!("cannot fetch {discovery}"))?;
    let body = bounded_text(body, &discovery).await?;
    let doc: Value =
        serde_json::from_str(&body).with_context(|| format!("{discovery} is not JSON"))?;
    let uri = doc
        .get("jwks_uri")
        .and_then(Value::as_str)
        .with_context(|| format!("{discovery} has no jwks_uri"))?;
    let text = client
        .get(uri)
        .send()
        .await
        .and_then(|r| r.error_for_status())
        .with_context(|| format!("cannot fetch {uri}"))?;
    let text = bounded_text(text, uri).await?;
    Jwks::parse(&text).map_err(anyhow::Error::msg)
}

/// The most bytes read of a discovery document or a JWKS: real ones are a
/// few KiB; a 200 MB answer ends with this limit named.
pub(crate) const MAX_JWKS_BYTES: usize = 1024 * 1024;

async fn bounded_text(mut resp: reqwest::Response, url: &str) -> anyhow::Result<String> {
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .with_context(|| format!("cannot read {url}"))?
    {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            anyhow::bail!(
                "{url} is larger than the {} MiB limit of a JWKS / discovery document",
                MAX_JWKS_BYTES / (1024 * 1024)
            );
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}
