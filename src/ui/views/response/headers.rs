//! Response headers as lines, with the API Gateway ones highlighted: they
//! name the request id, the error type and the auth/CORS outcome.

use ratatui::text::{Line, Span};

use crate::ui::components::styles::BodyStyles;

/// Headers API Gateway adds or that explain its decisions.
pub(crate) fn is_gateway_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    matches!(
        n.as_str(),
        "apigw-requestid"
            | "x-amzn-requestid"
            | "x-amz-apigw-id"
            | "x-amzn-errortype"
            | "www-authenticate"
            | "x-amzn-trace-id"
            | "x-amz-cf-id"
    ) || n.starts_with("access-control-")
}

pub(crate) fn header_lines(
    headers: &[(String, String)],
    styles: &BodyStyles,
) -> Vec<Line<'static>> {
    headers
        .iter()
        .map(|(k, v)| {
            let name_style = if is_gateway_header(k) {
                styles.gateway_header
            } else {
                styles.key
            };
            Line::from(vec![
                Span::styled(k.clone(), name_style),
                Span::styled(": ", styles.dim),
                Span::raw(v.clone()),
            ])
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gateway_headers_are_recognised_case_insensitively() {
        for h in [
            "apigw-requestid",
            "x-amzn-RequestId",
            "X-Amz-Apigw-Id",
            "x-amzn-ErrorType",
            "WWW-Authenticate",
            "access-control-allow-origin",
        ] {
            assert!(is_gateway_header(h), "{h}");
        }
        assert!(!is_gateway_header("content-type"));
        let s = BodyStyles::default();
        let lines = header_lines(&[("x-amzn-ErrorType".into(), "X".into())], &s);
        assert_eq!(lines[0].spans[0].style, s.gateway_header);
    }
}
