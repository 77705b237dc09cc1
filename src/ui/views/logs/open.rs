//! `:logs [STAGE] [REQUEST_ID]`: open the logs page on the selected API's
//! stage and start its feed. Which stage: the argument, else the one the
//! user points at, else the only one, else the first with access logging.
//! A request id (from the response page's "see its logs") is selected as
//! soon as its record arrives.

use futures::StreamExt;

use super::page::{Connection, LogsPage};
use super::screen;
use super::store::RecordStore;
use crate::app::logs::feed::{self, FeedSpec};
use crate::domain::{AccessLogging, Api, ApiType, Stage};
use crate::engines::access_log::check_format;
use crate::ui::commands::CommandCtx;
use crate::ui::page::{Effect, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::response::screen::copy_effect;

/// What `:logs` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogsRequest {
    pub api_id: String,
    pub stage: String,
    pub request_id: Option<String>,
}

/// The `:logs` command.
pub(crate) fn cmd_logs(args: &str, ctx: &mut CommandCtx<'_>) -> Result<Vec<Effect>, String> {
    let api = selected_api(&ctx.selection, ctx.shared)?;
    let req = resolve(api, &ctx.selection, args)?;
    let stage = api.stage(&req.stage).expect("resolve checked the stage");
    if let Some(refusal) = logging_off(api, stage) {
        return Ok(refusal);
    }
    Ok(vec![open(ctx.shared, api.clone(), req)])
}

fn selected_api<'a>(sel: &Selection, shared: &'a Shared) -> Result<&'a Api, String> {
    let Some(id) = sel.api_id.as_deref() else {
        return Err("no API selected: select one in the list (or open it), then :logs".into());
    };
    let api = shared
        .inventory
        .api(id)
        .ok_or_else(|| format!("API {id} is not in the inventory (any more): press r to reload"))?;
    if !api.details_loaded {
        return Err(format!(
            "the stages of {} are still loading: try :logs again in a moment",
            api.name
        ));
    }
    Ok(api)
}

/// Work out stage and request id from the arguments and the selection.
pub fn resolve(api: &Api, sel: &Selection, args: &str) -> Result<LogsRequest, String> {
    let mut stage = None;
    let mut request_id = None;
    for word in args.split_whitespace() {
        if stage.is_none() && api.stage(word).is_some() {
            stage = Some(word.to_string());
        } else if request_id.is_none() {
            request_id = Some(word.to_string());
        } else {
            return Err(format!(
                "usage: :logs [STAGE] [REQUEST_ID] (stages of {}: {})",
                api.name,
                stage_names(api)
            ));
        }
    }
    // A lone word that is not a stage of an API with several stages is more
    // likely a mistyped stage than a request id: say so.
    if stage.is_none()
        && let Some(word) = request_id.as_deref()
        && sel.stage_name.is_none()
        && api.stages.len() > 1
        && word.len() < 12
    {
        return Err(format!(
            "{} has no stage {word:?} (stages: {})",
            api.name,
            stage_names(api)
        ));
    }
    let stage = stage
        .or_else(|| sel.stage_name.clone().filter(|s| api.stage(s).is_some()))
        .or_else(|| default_stage(api).map(|s| s.stage_name.clone()))
        .ok_or_else(|| format!("{} has no stages: nothing is deployed to log", api.name))?;
    Ok(LogsRequest {
        api_id: api.id.clone(),
        stage,
        request_id,
    })
}

fn stage_names(api: &Api) -> String {
    let names: Vec<&str> = api.stages.iter().map(|s| s.stage_name.as_str()).collect();
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// The only stage, else the first whose access log goes to CloudWatch.
fn default_stage(api: &Api) -> Option<&Stage> {
    match api.stages.as_slice() {
        [only] => Some(only),
        all => all
            .iter()
            .find(|s| s.access_logging().group().is_some())
            .or(all.first()),
    }
}

/// The one-line refusal when the stage writes no access log to CloudWatch:
/// which format to paste (also put on the clipboard, it is long).
fn logging_off(api: &Api, stage: &Stage) -> Option<Vec<Effect>> {
    let logging = stage.access_logging();
    let why = match &logging {
        AccessLogging::CloudWatch { .. } => return None,
        AccessLogging::Elsewhere { destination, .. } => format!(
            "stage {} logs to {destination}, not CloudWatch Logs",
            stage.stage_name
        ),
        AccessLogging::Off => format!("access logging is off for stage {}", stage.stage_name),
    };
    let advice = check_format(logging.format(), ApiType::from(api.protocol()));
    Some(vec![
        copy_effect(&advice.recommended, "the recommended access-log format"),
        Effect::Error(format!(
            "{why}: enable it with this format (copied to the clipboard): {}",
            advice.recommended
        )),
    ])
}

/// `r` on the logs page: drop the feed (its tail stops) and start a fresh
/// one over the same stage, e.g. after credentials were renewed.
pub(crate) fn restart_feed(page: &mut LogsPage, shared: &Shared) -> Vec<Effect> {
    let sel = page.selection.clone();
    let (Some(api_id), Some(stage)) = (sel.api_id, sel.stage_name) else {
        return vec![];
    };
    let Some(api) = shared.inventory.api(&api_id).cloned() else {
        return vec![Effect::Error(format!(
            "API {api_id} is not in the inventory (any more)"
        ))];
    };
    page.feed = None;
    page.clear_records();
    page.showing_query = false;
    page.paused = false;
    page.tail.connection = Connection::Connecting;
    page.tail.lag_ms = None;
    let spec = FeedSpec::new(api, stage, shared.backend.logs.clone());
    let (control, reports) = feed::start(spec);
    page.feed = Some(control);
    vec![
        Effect::page_feed::<LogsPage, _, _>("logs feed", feed_updates(reports)),
        Effect::Info("reconnecting the tail".into()),
    ]
}

fn feed_updates(
    reports: impl futures::Stream<Item = feed::FeedReport> + Send + 'static,
) -> impl futures::Stream<Item = impl FnOnce(&mut LogsPage, &mut Shared) -> Vec<Effect> + Send + 'static>
+ Send
+ 'static {
    reports
        .map(|report| move |page: &mut LogsPage, _: &mut Shared| screen::apply_feed(page, report))
}

/// Push the logs page for `req` with its feed running.
pub fn open(shared: &Shared, api: Api, req: LogsRequest) -> Effect {
    open_filtered(shared, api, req, None)
}

/// [`open`] with the `/` filter already applied (the Health page opens the
/// logs of one cause: `status:502 route:/orders`).
pub(crate) fn open_filtered(
    shared: &Shared,
    api: Api,
    req: LogsRequest,
    filter: Option<&str>,
) -> Effect {
    let mut page = LogsPage::new(
        format!("{} ({}) / {}", api.name, api.id, req.stage),
        RecordStore::default(),
    );
    page.selection = Selection {
        api_id: Some(api.id.clone()),
        route_key: None,
        stage_name: Some(req.stage.clone()),
    };
    page.tail.connection = Connection::Connecting;
    page.diagnose = Some(screen::diagnose_with(api.clone()));
    page.exec_logs.source =
        crate::app::logs::gather::ExecSource::for_stage(&shared.backend, &api, &req.stage);
    if let Some(f) = filter {
        page.set_filter_text(f);
    }
    if let Some(id) = &req.request_id {
        page.wait_for_request(id);
    }
    let spec = FeedSpec::new(api, req.stage.clone(), shared.backend.logs.clone());
    let (control, reports) = feed::start(spec);
    page.feed = Some(control);
    Effect::PushWith(
        Box::new(page),
        vec![Effect::page_feed::<LogsPage, _, _>(
            "logs feed",
            feed_updates(reports),
        )],
    )
}
