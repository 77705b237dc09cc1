//! `gatescope inspect [API_ID]`: APIs with routes, integrations, authorizers,
//! stages and CORS. The JSON is the domain model itself (camelCase keys named
//! after the AWS fields), one object per API.

use super::output::{out, outln};
use super::problems;
use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Context;

use super::GlobalArgs;
use super::output::{OutputFormat, print_json, table};
use crate::app::inventory::loader::ReportPace;
use crate::app::inventory::{InventoryCache, Loader, flags, merge_for_cache};
use crate::app::problems::{self as found, Problem};
use crate::domain::{AccessLogging, Api, Inventory, RouteSettings};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API to show (all APIs when omitted).
    pub api_id: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// APIs loaded at once.
    #[arg(long, default_value_t = crate::app::inventory::loader::DEFAULT_CONCURRENCY, hide = true)]
    pub concurrency: usize,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let loaded = load_inventory_with(global, args.api_id.as_deref(), args.concurrency).await?;
    let inventory = &loaded.inventory;
    match args.output {
        OutputFormat::Json => print_json(&inventory.apis)?,
        OutputFormat::Table => {
            for (i, api) in inventory.apis.iter().enumerate() {
                if i > 0 {
                    outln!();
                }
                out!("{}", render_api(api));
            }
            if inventory.apis.is_empty() {
                outln!("{}", loaded.none_found());
            }
        }
    }
    Ok(problems::report(&loaded.problems, args.output))
}

/// An inventory load and what it could not load.
pub(crate) struct Loaded {
    pub inventory: Inventory,
    /// Listing families and APIs that could not be (fully) loaded; the
    /// command reports them and exits 1 ([`problems::report`]).
    pub problems: Vec<Problem>,
    listing_incomplete: bool,
}

impl Loaded {
    /// What to say when no API is shown: "none" only when the lists truly
    /// came back empty.
    pub(crate) fn none_found(&self) -> &'static str {
        if self.listing_incomplete {
            "no APIs could be listed (the listing is incomplete: see the warnings)"
        } else {
            "no APIs in this account and region"
        }
    }
}

/// Load the inventory (one API or all) and refresh the disk cache (a partial
/// load is merged with it, see [`merge_for_cache`]). What could not be
/// loaded is in [`Loaded::problems`].
pub(crate) async fn load_inventory(
    global: &GlobalArgs,
    api_id: Option<&str>,
) -> anyhow::Result<Loaded> {
    load_inventory_with(
        global,
        api_id,
        crate::app::inventory::loader::DEFAULT_CONCURRENCY,
    )
    .await
}

async fn load_inventory_with(
    global: &GlobalArgs,
    api_id: Option<&str>,
    concurrency: usize,
) -> anyhow::Result<Loaded> {
    let backend = global.backend().await?;
    let mut loader = Loader::new(backend.control.clone()).concurrency(concurrency);
    if let Some(id) = api_id {
        loader = loader.only(vec![id.to_string()]);
    }
    // A frozen endpoint must not look like a hung gatescope: say on stderr
    // what is being waited for (fast loads print nothing).
    let pace = ReportPace {
        first: std::time::Duration::from_secs(2),
        every: std::time::Duration::from_secs(5),
    };
    let (inventory, listing) = loader
        .load_reporting(Some(pace), |w| eprintln!("gatescope: {w}"))
        .await
        .context("cannot list APIs")?;
    let mut problems = found::of_inventory(&inventory, &listing);
    if let Some(id) = api_id
        && inventory.apis.is_empty()
    {
        if listing.is_empty() {
            anyhow::bail!(
                "no API with id {id} in {} (`gatescope apis` lists them)",
                backend.info.region.as_deref().unwrap_or("this region")
            );
        }
        // It may be among the APIs that could not be listed.
        problems.push(Problem::new(
            Some(id.to_string()),
            "not among the APIs that could be listed",
        ));
    }
    if api_id.is_none() {
        // The TUI starts from this file; failing to write it is not the user's problem now.
        let cache = InventoryCache::for_backend(&backend.info);
        let previous = cache.load().map(|c| c.inventory);
        match merge_for_cache(previous.as_ref(), &inventory, &listing) {
            Some(merged) => {
                if let Err(e) = cache.save(&merged) {
                    tracing::warn!("cannot write the inventory cache: {e}");
                }
            }
            None => tracing::info!("partial first load: the inventory cache is not written"),
        }
    }
    Ok(Loaded {
        inventory,
        problems,
        listing_incomplete: !listing.is_empty(),
    })
}

fn or_dash(s: Option<&str>) -> String {
    s.filter(|s| !s.is_empty()).unwrap_or("-").to_string()
}

fn throttle(s: Option<&RouteSettings>) -> String {
    let s = s.cloned().unwrap_or_default();
    match (s.throttling_rate_limit, s.throttling_burst_limit) {
        (None, None) => "account default".into(),
        (r, b) => format!(
            "{} rps / burst {}",
            r.map(|r| r.to_string()).unwrap_or("-".into()),
            b.map(|b| b.to_string()).unwrap_or("-".into())
        ),
    }
}

/// The human report of one API.
pub(crate) fn render_api(api: &Api) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({})  {}  {}",
        api.name,
        api.id,
        api.protocol().as_str(),
        or_dash(api.endpoint.as_deref())
    );
    if let Some(c) = &api.cors {
        let _ = writeln!(
            out,
            "CORS: origins {}; methods {}; headers {}; expose {}; max-age {}; credentials {}",
            or_dash(Some(&c.allow_origins.join(","))),
            or_dash(Some(&c.allow_methods.join(","))),
            or_dash(Some(&c.allow_headers.join(","))),
            or_dash(Some(&c.expose_headers.join(","))),
            c.max_age.map(|m| m.to_string()).unwrap_or("-".into()),
            c.allow_credentials
                .map(|b| b.to_string())
                .unwrap_or("-".into()),
        );
    }
    let mut rows = vec![
        [
            "ROUTE",
            "AUTH",
            "AUTHORIZER",
            "SCOPES",
            "INTEGRATION",
            "TARGET",
            "PAYLOAD",
            "TIMEOUT",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for r in &api.routes {
        let i = r.integration.clone().unwrap_or_default();
        let authorizer = r.authorizer_id.as_deref().map(|id| {
            api.authorizer(id)
                .map(|a| a.name.clone())
                .unwrap_or(id.to_string())
        });
        rows.push(vec![
            r.route_key.clone(),
            or_dash(r.authorization_type.as_ref().map(|t| t.as_str())),
            or_dash(authorizer.as_deref()),
            or_dash(Some(&r.authorization_scopes.join(","))),
            if r.integration.is_some() {
                or_dash(i.integration_type.as_ref().map(|t| t.as_str()))
            } else {
                "NONE".into()
            },
            or_dash(
                i.lambda_arn()
                    .as_ref()
                    .map(|f| f.as_str())
                    .or(i.uri.as_deref()),
            ),
            or_dash(i.payload_format_version.as_deref()),
            i.timeout_in_millis
                .map(|t| format!("{t}ms"))
                .unwrap_or("-".into()),
        ]);
    }
    out.push('\n');
    out.push_str(&table(&rows));
    if !api.authorizers.is_empty() {
        let mut rows = vec![
            [
                "AUTHORIZER",
                "ID",
                "TYPE",
                "IDENTITY SOURCE",
                "ISSUER / URI",
                "AUDIENCE",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for a in &api.authorizers {
            let jwt = a.jwt_configuration.clone().unwrap_or_default();
            rows.push(vec![
                a.name.clone(),
                a.id.clone(),
                a.authorizer_type.to_string(),
                or_dash(Some(&a.identity_source.join(","))),
                or_dash(jwt.issuer.as_deref().or(a.authorizer_uri.as_deref())),
                or_dash(Some(&jwt.audience.join(","))),
            ]);
        }
        out.push('\n');
        out.push_str(&table(&rows));
    }
    let mut rows = vec![
        [
            "STAGE",
            "AUTO-DEPLOY",
            "INVOKE URL",
            "THROTTLING",
            "ACCESS LOG",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for s in &api.stages {
        rows.push(vec![
            s.stage_name.clone(),
            if s.auto_deploy { "yes" } else { "no" }.into(),
            or_dash(s.invoke_url.as_deref()),
            throttle(s.default_route_settings.as_ref()),
            match s.access_logging() {
                AccessLogging::Off => "off".into(),
                AccessLogging::CloudWatch { group, .. } => group,
                AccessLogging::Elsewhere { destination, .. } => destination.to_string(),
            },
        ]);
    }
    out.push('\n');
    out.push_str(&table(&rows));
    let flags = flags(api);
    if !flags.is_empty() {
        out.push('\n');
        for f in flags {
            let _ = writeln!(out, "! {}: {}", f.code, f.message);
        }
    }
    out
}
