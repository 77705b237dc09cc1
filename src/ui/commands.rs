//! The `:` command bar's commands. Built-ins live here; pages register theirs
//! in [`super::views::COMMANDS`] (one line each).

use super::inventory_feed;
use super::page::{Effect, Selection};
use super::shared::Shared;
use super::views;
use crate::backends::aws::AwsOptions;

/// What a command gets: the shared state and what the current page points at.
pub struct CommandCtx<'a> {
    pub shared: &'a mut Shared,
    pub selection: Selection,
    /// The request on the current page, if it has one (`:save`).
    pub draft: Option<crate::domain::RequestDraft>,
}

pub(crate) type CommandFn = fn(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String>;

/// One `:` command.
#[derive(Clone, Copy)]
pub struct CommandSpec {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    /// Argument synopsis for help, e.g. `<region>`.
    pub usage: &'static str,
    pub desc: &'static str,
    pub run: CommandFn,
}

const BUILTIN: &[CommandSpec] = &[
    CommandSpec {
        name: "apis",
        aliases: &["api"],
        usage: "",
        desc: "List APIs (the top page)",
        run: cmd_apis,
    },
    CommandSpec {
        name: "region",
        aliases: &[],
        usage: "<region>",
        desc: "Switch AWS region and reload",
        run: cmd_region,
    },
    CommandSpec {
        name: "profile",
        aliases: &[],
        usage: "<profile>",
        desc: "Switch AWS profile and reload",
        run: cmd_profile,
    },
    CommandSpec {
        name: "help",
        aliases: &["h"],
        usage: "",
        desc: "Keys and commands",
        run: |_, _| Ok(vec![Effect::Help]),
    },
    CommandSpec {
        name: "quit",
        aliases: &["q", "q!", "quit!"],
        usage: "",
        desc: "Quit gatescope",
        run: |_, _| Ok(vec![Effect::Quit]),
    },
];

/// Every command: built-ins, then those the views register.
pub fn all() -> impl Iterator<Item = &'static CommandSpec> {
    BUILTIN.iter().chain(views::COMMANDS.iter())
}

pub fn find(name: &str) -> Option<&'static CommandSpec> {
    all().find(|c| c.name == name || c.aliases.contains(&name))
}

/// Run one command line such as `region eu-west-1`.
pub fn run(line: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let line = line.trim().trim_start_matches(':').trim();
    let (name, args) = line
        .split_once(char::is_whitespace)
        .map(|(n, a)| (n, a.trim()))
        .unwrap_or((line, ""));
    if name.is_empty() {
        return Ok(vec![]);
    }
    let spec =
        find(name).ok_or_else(|| format!("unknown command `:{name}` (press ? for the list)"))?;
    (spec.run)(args, ctx)
}

fn cmd_apis(_args: &str, _ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    Ok(vec![Effect::Root(Box::new(
        views::api_list::ApiListPage::default(),
    ))])
}

fn cmd_region(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    if args.is_empty() {
        return Err("usage: :region <region>, e.g. :region eu-west-1".into());
    }
    let mut opts = aws_options(ctx)?;
    opts.region = Some(args.to_string());
    Ok(switch_backend(opts))
}

fn cmd_profile(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    if args.is_empty() {
        return Err("usage: :profile <profile>".into());
    }
    let mut opts = aws_options(ctx)?;
    opts.profile = Some(args.to_string());
    Ok(switch_backend(opts))
}

fn aws_options(ctx: &CommandCtx<'_>) -> Result<AwsOptions, String> {
    let info = &ctx.shared.backend.info;
    if info.demo {
        return Err("the demo has no AWS profiles or regions; run gatescope without `demo`".into());
    }
    Ok(AwsOptions {
        profile: info.profile.clone(),
        region: info.region.clone(),
        endpoint_url: info.endpoint.clone(),
        // `GATESCOPE_AWS_TIMEOUT` still applies (read when the backend is built).
        call_timeout: None,
    })
}

/// Build a new AWS backend in the background, then swap it in and reload.
fn switch_backend(opts: AwsOptions) -> Vec<Effect> {
    let label = format!(
        "connecting to {}",
        opts.region.as_deref().unwrap_or("the default region")
    );
    vec![Effect::shared_task(label, async move {
        let result = crate::backends::aws::backend(&opts).await;
        move |shared: &mut Shared| match result {
            Ok(backend) => {
                shared.backend = backend;
                shared.inventory = Default::default();
                let mut effects = vec![Effect::Root(Box::new(
                    views::api_list::ApiListPage::default(),
                ))];
                effects.extend(inventory_feed::refresh(shared));
                effects
            }
            Err(e) => vec![Effect::Error(e.to_string())],
        }
    })]
}
