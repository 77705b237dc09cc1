//! One stage: deployment, throttling (default and per route), access logging
//! with its format pretty-printed, stage variables.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::checks;
use crate::domain::{AccessLogging, Api, RouteSettings, Stage};
use crate::ui::action::Action;
use crate::ui::components::{ScrollText, kv};
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::theme::Theme;

pub(crate) struct StageDetailPage {
    pub api_id: String,
    pub stage_name: String,
    scroll: ScrollText,
}

impl StageDetailPage {
    pub fn new(api_id: &str, stage_name: &str) -> StageDetailPage {
        StageDetailPage {
            api_id: api_id.into(),
            stage_name: stage_name.into(),
            scroll: ScrollText::default(),
        }
    }
}

const W: usize = 16;

/// The access-log format as readable lines: JSON formats indented, others
/// (CLF, CSV) split before each `$context` variable group when long.
pub(crate) fn pretty_format(format: &str) -> Vec<String> {
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(format)
        && let Ok(pretty) = serde_json::to_string_pretty(&value)
    {
        return pretty.lines().map(String::from).collect();
    }
    if format.len() <= 100 {
        return vec![format.to_string()];
    }
    format
        .split_inclusive(' ')
        .fold(vec![String::new()], |mut acc, word| {
            if acc.last().is_some_and(|l| l.len() + word.len() > 100) {
                acc.push(String::new());
            }
            if let Some(last) = acc.last_mut() {
                last.push_str(word);
            }
            acc
        })
}

fn throttle(t: &RouteSettings) -> String {
    let rate = t
        .throttling_rate_limit
        .map(|r| format!("{r} rps"))
        .unwrap_or_else(|| "account rate".into());
    let burst = t
        .throttling_burst_limit
        .map(|b| format!("burst {b}"))
        .unwrap_or_else(|| "account burst".into());
    format!("{rate}, {burst}")
}

fn stage_lines(api: &Api, stage: &Stage, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![
        Line::styled(stage.stage_name.clone(), theme.get("title")),
        Line::raw(""),
        kv::kv(
            theme,
            W,
            "invoke URL",
            stage.invoke_url.clone().unwrap_or_else(|| "-".into()),
        ),
    ];
    // The other ways in: one URL per custom-domain mapping of this stage.
    for url in api.domain_urls(&stage.stage_name) {
        lines.push(kv::kv(theme, W, "custom domain", url));
    }
    if api.disable_execute_api_endpoint {
        lines.push(kv::warn(
            theme,
            "the execute-api endpoint is disabled: only custom-domain URLs answer",
        ));
    }
    lines.push(kv::kv(
        theme,
        W,
        "auto deploy",
        if stage.auto_deploy { "yes" } else { "no" },
    ));
    if let Some(d) = &stage.deployment_id {
        lines.push(kv::kv(theme, W, "deployment", d.clone()));
    }
    if let Some(u) = &stage.last_updated {
        lines.push(kv::kv(theme, W, "last updated", u.clone()));
    }

    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Throttling"));
    match &stage.default_route_settings {
        Some(t) => lines.push(kv::kv(theme, W, "default", throttle(t))),
        None => lines.push(kv::kv(
            theme,
            W,
            "default",
            "account limits (not set on the stage)",
        )),
    }
    for (route, t) in &stage.route_settings {
        lines.push(kv::kv(theme, W, route, throttle(t)));
    }
    if let Some(t) = &stage.default_route_settings {
        if t.detailed_metrics_enabled == Some(true) {
            lines.push(kv::kv(theme, W, "metrics", "detailed (per route)"));
        }
        if let Some(level) = &t.logging_level {
            lines.push(kv::kv(theme, W, "execution log", level.clone()));
        }
    }

    lines.push(Line::raw(""));
    lines.push(kv::heading(theme, "Access logging"));
    let logging = stage.access_logging();
    if logging.is_off() {
        lines.push(kv::warn(
            theme,
            "off: failed requests leave no access-log record. Turn it on with a JSON format that includes $context.requestId (see README).",
        ));
    } else {
        if let Some(group) = logging.group() {
            lines.push(kv::kv(theme, W, "log group", group.to_string()));
        }
        if let AccessLogging::Elsewhere { destination, .. } = &logging {
            lines.push(kv::warn(
                theme,
                format!(
                    "logs go to {destination}, not CloudWatch Logs: gatescope cannot read them"
                ),
            ));
        }
        let destination = stage
            .access_log_settings
            .as_ref()
            .and_then(|s| s.destination_arn.clone());
        lines.push(kv::kv(
            theme,
            W,
            "destination",
            destination.unwrap_or_default(),
        ));
        match logging.format() {
            Some(format) => {
                let json = serde_json::from_str::<serde_json::Value>(format).is_ok();
                lines.push(kv::kv(
                    theme,
                    W,
                    "format",
                    if json { "JSON" } else { "text" },
                ));
                for l in pretty_format(format) {
                    lines.push(Line::from(vec![
                        Span::raw("  "),
                        Span::styled(l, theme.get("value")),
                    ]));
                }
                if checks::lacks_request_id(api, stage) {
                    lines.push(kv::warn(theme, "the format lacks $context.requestId: records cannot be matched to responses or Lambda logs"));
                }
            }
            None => lines.push(kv::warn(theme, "no format set")),
        }
    }

    if !stage.stage_variables.is_empty() {
        lines.push(Line::raw(""));
        lines.push(kv::heading(theme, "Stage variables"));
        for (k, v) in &stage.stage_variables {
            lines.push(kv::kv(theme, W, k, v.clone()));
        }
    }
    lines
}

impl Page for StageDetailPage {
    fn title(&self, _shared: &Shared) -> String {
        format!("stage {}", self.stage_name)
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["stage", "detail"]
    }

    fn filterable(&self) -> bool {
        false
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        Selection {
            api_id: Some(self.api_id.clone()),
            route_key: None,
            stage_name: Some(self.stage_name.clone()),
        }
    }

    fn handle(&mut self, action: &Action, _shared: &mut Shared) -> Option<Vec<Effect>> {
        self.scroll.handle(action).then(Vec::new)
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        let theme = &shared.theme;
        let api = shared.inventory.api(&self.api_id);
        let stage = api.and_then(|a| Some((a, a.stage(&self.stage_name)?)));
        let lines = match stage {
            Some((api, stage)) => stage_lines(api, stage, theme),
            None => vec![kv::error(
                theme,
                format!(
                    "stage {} is not in the inventory (any more)",
                    self.stage_name
                ),
            )],
        };
        self.scroll
            .render_detail(frame, area, " Stage ", lines, theme);
    }
}

#[cfg(test)]
mod tests {
    use super::pretty_format;

    #[test]
    fn json_formats_are_indented_and_keep_key_order() {
        let lines =
            pretty_format(r#"{"requestId":"$context.requestId","status":"$context.status"}"#);
        assert_eq!(
            lines,
            vec![
                "{",
                r#"  "requestId": "$context.requestId","#,
                r#"  "status": "$context.status""#,
                "}"
            ]
        );
    }

    #[test]
    fn long_text_formats_wrap_at_words() {
        let f = "$context.identity.sourceIp - - [$context.requestTime] \"$context.httpMethod $context.routeKey $context.protocol\" $context.status $context.responseLength $context.requestId";
        let lines = pretty_format(f);
        assert!(lines.len() > 1);
        assert_eq!(lines.concat(), f);
    }
}
