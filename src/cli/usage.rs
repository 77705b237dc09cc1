//! `gatescope usage API_ID [--stage S] (--key-id ID | --sent-key)`: a REAL
//! CALL of `apigateway:GetUsage` for one API key under the usage plan that
//! covers the stage — requests used per day and what is left of the quota.
//! `--sent-key` names the key by the value you send (read from
//! $GATESCOPE_API_KEY, never from the command line): it is matched against
//! the plan's keys inside the backend and never printed. Exit 0 when quota
//! is left, 1 when it is used up or the key is in no plan of the stage, 2
//! when the calls fail.

use std::process::ExitCode;

use anyhow::bail;

use super::GlobalArgs;
use super::output::{OutputFormat, outln, print_json};
use crate::app::authorizer::RealCallError;
use crate::app::usage::{self, KeyChoice};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The REST API's id (as `gatescope apis` lists it).
    pub api_id: String,
    /// Stage (default: the only stage).
    #[arg(long)]
    pub stage: Option<String>,
    /// The API key's id (as `gatescope inspect` lists the plan's keys).
    #[arg(long, value_name = "ID", required_unless_present = "sent_key")]
    pub key_id: Option<String>,
    /// The key you send: its value is read from $GATESCOPE_API_KEY and
    /// matched against the stage's plans without being shown.
    #[arg(long, conflicts_with = "key_id")]
    pub sent_key: bool,
    /// Days of usage to show, ending today (UTC).
    #[arg(long, default_value_t = 7, value_parser = clap::value_parser!(u32).range(1..=90))]
    pub days: u32,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let key = match (&args.key_id, args.sent_key) {
        (Some(id), _) => KeyChoice::Id(id.clone()),
        (None, true) => match std::env::var("GATESCOPE_API_KEY") {
            Ok(v) if !v.trim().is_empty() => KeyChoice::Sent(v.trim().to_string()),
            _ => bail!("--sent-key reads the key from $GATESCOPE_API_KEY, which is not set"),
        },
        (None, false) => bail!("name the key with --key-id ID or --sent-key"),
    };
    let backend = global.backend().await?;
    let mut api = super::fetch_api(&backend, &args.api_id).await?;
    let account = backend.control.account_resources().await;
    if let Some(p) = &account.usage_plans_problem {
        bail!("usage plans could not be read: {p}");
    }
    account.attach(&mut api);
    if let (KeyChoice::Sent(_), Some(why)) = (&key, usage::sent_key_problem(&api)) {
        // Not a refusal (exit 1): the question cannot be asked this way.
        bail!("--sent-key does not apply: {why}");
    }
    let stage = match (&args.stage, api.stages.as_slice()) {
        (Some(s), _) => s.clone(),
        (None, [only]) => only.stage_name.clone(),
        (None, _) => bail!(
            "API {} has {} stages: pick one with --stage",
            api.id,
            api.stages.len()
        ),
    };
    let today = chrono::Utc::now().date_naive();
    let report = match usage::key_usage(&backend, &api, &stage, &key, today, args.days).await {
        Ok(r) => r,
        Err(RealCallError::NotApplicable(why)) => {
            match args.output {
                OutputFormat::Json => print_json(&serde_json::json!({
                    "apiId": api.id, "stage": stage, "inPlan": false, "reason": why,
                }))?,
                OutputFormat::Table => outln!("{why}"),
            }
            return Ok(ExitCode::from(1));
        }
        Err(e) => return Err(anyhow::Error::new(e).context("GetUsage failed")),
    };
    match args.output {
        OutputFormat::Json => print_json(&report)?,
        OutputFormat::Table => {
            outln!(
                "REAL CALL apigateway:GetUsage: key {}{} in plan {} ({}) for {}/{}",
                report.key.key_id,
                report
                    .key
                    .name
                    .as_deref()
                    .map(|n| format!(" ({n})"))
                    .unwrap_or_default(),
                report.plan_name,
                report.plan_id,
                report.api_id,
                report.stage
            );
            if report.key_enabled == Some(false) {
                outln!("the key is DISABLED: API Gateway answers 403 Forbidden to it");
            }
            let mut day =
                chrono::NaiveDate::parse_from_str(&report.usage.start_date, "%Y-%m-%d").ok();
            for (used, remaining) in &report.usage.days {
                let label = day
                    .map(|d| d.format("%Y-%m-%d").to_string())
                    .unwrap_or_else(|| "?".into());
                outln!("{label}  used {used:>8}  remaining {remaining:>8}");
                day = day.and_then(|d| d.succ_opt());
            }
            outln!("{}", report.verdict());
            for note in &report.notes {
                outln!("note: {note}");
            }
        }
    }
    let used_up = report.remaining.is_some_and(|r| r <= 0) && report.quota.is_some();
    Ok(if used_up || report.key_enabled == Some(false) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
