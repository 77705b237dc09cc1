//! `gatescope demo send METHOD URL`: `gatescope send` against the demo, with the URL forms
//! a demo user has at hand (the demo's own URLs, `/prod/orders`, its execute-api hosts)
//! and its named credentials (`--auth jwt:valid`).

use std::process::ExitCode;

use crate::backends::demo;
use crate::cli::GlobalArgs;
use crate::domain::DraftTarget;

#[derive(Debug, clap::Args)]
#[command(
    after_help = "URL: the demo's URL (`gatescope demo apis`), a path with the stage \
    (`/prod/orders`, `/dev/report`), or https://{apiId}.execute-api.us-east-1.amazonaws.com/... \
    (sent to the demo on loopback, never to AWS), or https://api.gatescope-demo.example/v2/... \
    (the demo's custom domain).\n--auth jwt:valid | jwt:expired | jwt:wrong_audience | \
    jwt:missing_scope uses the demo's token of that name; --auth apikey:demo | apikey:trial | \
    apikey:burst | apikey:revoked its API key (`gatescope demo tokens` lists them)."
)]
pub struct DemoSendArgs {
    #[command(flatten)]
    pub send: crate::cli::send::Args,
    /// The API (id or name) a path such as `/prod/orders` is sent to (default: the API
    /// with a stage of that name).
    #[arg(long, value_name = "ID|NAME")]
    pub api: Option<String>,
}

pub async fn run(mut args: DemoSendArgs, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let backend = global.backend().await?;
    let apis = backend.control.list_apis().await?;
    let resolved = match demo::targets::through_domain(&args.send.url, &demo::demo_domains(), &apis)
    {
        Some(r) => r,
        None => demo::targets::resolve_url(&args.send.url, args.api.as_deref(), &apis)
            .map_err(anyhow::Error::msg)?,
    };
    args.send.url = resolved.url;
    if let Some(host) = resolved.host {
        // The loopback listener stands in for the domain; the Host says which one.
        args.send.headers.push(format!("host: {host}"));
    }
    let named = demo::targets::named_auth(
        &args.send.auth,
        &demo::demo_tokens(),
        &demo::demo_api_keys(),
    );
    // History says which demo token a request used (never the token itself).
    let auth_label = (named != args.send.auth)
        .then(|| args.send.auth.split_once(':').map(|(_, n)| n.to_string()))
        .flatten();
    args.send.auth = named;
    if let Some(api_id) = resolved.api_id {
        // History is kept per API id and stage, so it outlives this run's ports.
        args.send.target = Some(DraftTarget {
            api_id: Some(api_id),
            route_key: None,
            stage: resolved.stage,
            region: backend.info.region.clone(),
            auth_label,
        });
    }
    crate::cli::send::run(args.send, global).await
}

/// `gatescope demo doctor`: the same URL forms and named credentials as `demo send` (the
/// demo's execute-api hosts and custom domain mapped to loopback, `--auth jwt:NAME` /
/// `apikey:NAME`), so a tour line can be sent and diagnosed alike.
pub(crate) async fn doctor_args(
    mut args: crate::cli::doctor::Args,
    backend: &crate::backends::Backend,
) -> anyhow::Result<crate::cli::doctor::Args> {
    if let Some(url) = args.url.clone().filter(|u| !u.trim().starts_with('/')) {
        let apis = backend.control.list_apis().await?;
        let resolved = match demo::targets::through_domain(&url, &demo::demo_domains(), &apis) {
            Some(r) => r,
            None => demo::targets::resolve_url(&url, None, &apis).map_err(anyhow::Error::msg)?,
        };
        args.url = Some(resolved.url);
        if let Some(host) = resolved.host {
            args.headers.push(format!("host: {host}"));
        }
    }
    if let Some(auth) = &args.auth {
        args.auth = Some(demo::targets::named_auth(
            auth,
            &demo::demo_tokens(),
            &demo::demo_api_keys(),
        ));
    }
    Ok(args)
}
