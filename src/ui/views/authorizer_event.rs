//! The Lambda authorizer event of a request, as lines: what API Gateway
//! does (invoke, or 401 without invocation), the method / route ARN, the
//! cache key and what caching means for it, then the event itself. Shown
//! by the authorizer detail page and the composer's Authorizer tab.

use ratatui::text::{Line, Span};

use crate::app::authorizer::{Call, Prepared};
use crate::domain::LambdaAuthorizerKind;
use crate::ui::components::json;
use crate::ui::components::kv;
use crate::ui::components::styles::BodyStyles;
use crate::ui::theme::Theme;

const W: usize = 14;

/// Lines for a preview (or why there is none).
pub fn lines(result: &Result<Prepared, String>, theme: &Theme) -> Vec<Line<'static>> {
    let p = match result {
        Ok(p) => p,
        Err(e) => return vec![Line::styled(e.clone(), theme.get("dim"))],
    };
    let mut out = vec![kv::kv(
        theme,
        W,
        "route",
        format!(
            "{} → authorizer {} ({})",
            p.route_key,
            p.authorizer.name,
            p.kind.label()
        ),
    )];
    if let Some(note) = &p.via_domain {
        out.push(kv::kv(theme, W, "custom domain", note.clone()));
        if p.kind != LambdaAuthorizerKind::RestToken {
            // Reference §14.4: REST and 1.0 `path` keep the base path.
            out.push(Line::styled(
                format!(
                    "{:W$} the event below is built for that execute-api URL: through the domain, REST and payload 1.0 `path` also carry the base path",
                    ""
                ),
                theme.get("dim"),
            ));
        }
    }
    match &p.call {
        Call::NotInvoked { missing } => {
            out.push(Line::raw(""));
            out.push(kv::error(
                theme,
                format!("401 {{\"message\":\"Unauthorized\"}}: identity source {missing} is missing or empty"),
            ));
            out.push(Line::styled(
                "A missing identity source is a 401 without invocation: API Gateway does not call the authorizer, so nothing reaches its logs. Send the header / query value it names.",
                theme.get("warn"),
            ));
        }
        Call::Invoke {
            event,
            method_arn,
            identity,
            unresolved,
        } => {
            let arn_label = if p.kind == LambdaAuthorizerKind::HttpV2 {
                "routeArn"
            } else {
                "methodArn"
            };
            out.push(kv::kv(theme, W, arn_label, method_arn.to_string()));
            let key = identity
                .iter()
                .map(|(_, v)| v.as_str())
                .collect::<Vec<_>>()
                .join(" | ");
            out.push(kv::kv(
                theme,
                W,
                "cache key",
                match p.authorizer.result_ttl_in_seconds {
                    _ if key.is_empty() => "(no identity source: not cached)".to_string(),
                    Some(0) => format!("{key}  (TTL 0: not cached)"),
                    _ => key,
                },
            ));
            match p.authorizer.result_ttl_in_seconds {
                Some(ttl) if ttl > 0 && !identity.is_empty() => out.push(Line::styled(
                    format!(
                        "{:W$} answers are cached {ttl} s per identity and reused on every route this authorizer guards: a policy naming only this ARN denies the others (AUTHORIZER_CACHED_POLICY_TOO_NARROW)",
                        ""
                    ),
                    theme.get("dim"),
                )),
                _ => {}
            }
            for s in unresolved {
                out.push(kv::warn(
                    theme,
                    format!("gatescope cannot resolve identity source {s}: if it is empty AWS answers 401 without invocation"),
                ));
            }
            out.push(Line::raw(""));
            out.push(Line::from(vec![
                Span::styled("Event", theme.get("header")),
                Span::styled(
                    "  (what the authorizer function receives; nothing is invoked)",
                    theme.get("dim"),
                ),
            ]));
            let styles = BodyStyles::from_theme(theme);
            let text = json::pretty_values(std::slice::from_ref(event));
            out.extend(text.lines().map(|l| json::highlight_line(l, &styles)));
        }
    }
    out
}
