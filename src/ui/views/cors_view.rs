//! The CORS tab: the configuration, and what is wrong with it.

use ratatui::text::Line;

use crate::domain::{Api, Protocol};
use crate::ui::components::kv;
use crate::ui::theme::Theme;

pub fn lines(api: &Api, theme: &Theme) -> Vec<Line<'static>> {
    let Some(cors) = &api.cors else {
        let text = if api.protocol() == Protocol::Rest {
            "REST APIs have no CorsConfiguration: CORS headers come from the integration (or an OPTIONS method) and from gateway responses."
        } else {
            "No CORS configuration: API Gateway adds no CORS headers and forwards OPTIONS preflights to the routes (the function must answer them)."
        };
        return vec![Line::styled(text, theme.get("dim"))];
    };
    let list = |v: &[String]| {
        if v.is_empty() {
            "-".to_string()
        } else {
            v.join(", ")
        }
    };
    let mut lines = vec![
        kv::kv(theme, 18, "allowOrigins", list(&cors.allow_origins)),
        kv::kv(theme, 18, "allowMethods", list(&cors.allow_methods)),
        kv::kv(theme, 18, "allowHeaders", list(&cors.allow_headers)),
        kv::kv(theme, 18, "exposeHeaders", list(&cors.expose_headers)),
        kv::kv(
            theme,
            18,
            "maxAge",
            cors.max_age
                .map(|m| format!("{m} s"))
                .unwrap_or_else(|| "-".into()),
        ),
        kv::kv(
            theme,
            18,
            "allowCredentials",
            cors.allow_credentials
                .map(|c| c.to_string())
                .unwrap_or_else(|| "-".into()),
        ),
        Line::raw(""),
    ];
    if crate::engines::cors::credentials_with_wildcard(cors).is_some() {
        lines.push(kv::warn(
            theme,
            "allowCredentials with a * origin: API Gateway rejects this pair and browsers refuse credentialed responses to *; list the origins instead.",
        ));
    }
    if cors.allow_origins.is_empty() {
        lines.push(kv::warn(
            theme,
            "no allowOrigins: no browser origin will get CORS headers.",
        ));
    }
    lines.push(Line::styled(
        "With a CorsConfiguration, API Gateway answers preflights itself and ignores the function's own CORS headers.",
        theme.get("dim"),
    ));
    lines
}
