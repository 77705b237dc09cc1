//! `gatescope apis`: one line per API (HTTP, WebSocket and REST) with its
//! route count, stages and flags.

use super::output::{out, outln};
use std::process::ExitCode;

use serde::Serialize;

use super::GlobalArgs;
use super::inspect::load_inventory;
use super::output::{OutputFormat, print_json, table};
use crate::app::inventory::flags;
use crate::domain::{Api, Protocol};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// One API in `apis --output json`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ApiSummary<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub protocol: Protocol,
    pub endpoint: Option<&'a str>,
    pub description: Option<&'a str>,
    pub route_count: usize,
    pub stages: Vec<&'a str>,
    /// Flag codes (see `inspect` and the README).
    pub flags: Vec<&'static str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    pub problems: &'a [String],
}

impl<'a> ApiSummary<'a> {
    pub fn of(api: &'a Api) -> Self {
        ApiSummary {
            id: &api.id,
            name: &api.name,
            protocol: api.protocol(),
            endpoint: api.endpoint.as_deref(),
            description: api.description.as_deref(),
            route_count: api.routes.len(),
            stages: api.stages.iter().map(|s| s.stage_name.as_str()).collect(),
            flags: flags(api).iter().map(|f| f.code.as_str()).collect(),
            problems: &api.problems,
        }
    }
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_inventory(global, None).await?;
    let summaries: Vec<ApiSummary> = loaded.inventory.apis.iter().map(ApiSummary::of).collect();
    match args.output {
        OutputFormat::Json => print_json(&summaries)?,
        OutputFormat::Table => {
            let mut rows = vec![
                [
                    "NAME", "ID", "TYPE", "ROUTES", "STAGES", "ENDPOINT", "FLAGS",
                ]
                .map(String::from)
                .to_vec(),
            ];
            for s in &summaries {
                rows.push(vec![
                    s.name.to_string(),
                    s.id.to_string(),
                    s.protocol.as_str().to_string(),
                    s.route_count.to_string(),
                    s.stages.join(","),
                    s.endpoint.unwrap_or("-").to_string(),
                    s.flags.join(","),
                ]);
            }
            if summaries.is_empty() {
                outln!("{}", loaded.none_found());
            } else {
                out!("{}", table(&rows));
            }
        }
    }
    Ok(super::problems::report(&loaded.problems, args.output))
}
