//! The one-line response summary: status, reason, size, timing.

use ratatui::text::{Line, Span};

use crate::domain::HttpResponse;
use crate::ui::components::styles::BodyStyles;

/// `1.5 KB`, `12 B`, `3.0 MB`.
pub(crate) fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b < KB {
        format!("{bytes} B")
    } else if b < KB * KB {
        format!("{:.1} KB", b / KB)
    } else if b < KB * KB * KB {
        format!("{:.1} MB", b / (KB * KB))
    } else {
        format!("{:.1} GB", b / (KB * KB * KB))
    }
}

/// `123 ms`, `1.24 s`, `0.4 ms`.
pub(crate) fn human_ms(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// The reason phrase HTTP defines for a status, when it defines one.
pub fn reason(status: u16) -> &'static str {
    http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("")
}

/// `200 OK · 1.2 KB · 123 ms (connect 8.1 ms · first byte 95 ms)`.
pub(crate) fn summary_line(resp: &HttpResponse, styles: &BodyStyles) -> Line<'static> {
    let sep = || Span::styled("  ·  ", styles.dim);
    let mut spans = vec![Span::styled(
        format!("{} {}", resp.status, reason(resp.status))
            .trim_end()
            .to_string(),
        styles.status(resp.status).patch(styles.title),
    )];
    spans.push(sep());
    spans.push(Span::raw(human_size(resp.body_size)));
    spans.push(sep());
    spans.push(Span::raw(human_ms(resp.timing.total_ms)));
    let mut split = Vec::new();
    if let Some(c) = resp.timing.connect_ms {
        split.push(format!("connect {}", human_ms(c)));
    }
    if let Some(f) = resp.timing.first_byte_ms {
        split.push(format!("first byte {}", human_ms(f)));
    }
    if !split.is_empty() {
        spans.push(Span::styled(format!(" ({})", split.join(", ")), styles.dim));
    }
    if let Some(id) = resp.request_id() {
        spans.push(sep());
        spans.push(Span::styled("request id ", styles.dim));
        spans.push(Span::raw(id.to_string()));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Timing;

    #[test]
    fn sizes_and_times() {
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1536), "1.5 KB");
        assert_eq!(human_size(10 * 1024 * 1024), "10.0 MB");
        assert_eq!(human_ms(0.42), "0.4 ms");
        assert_eq!(human_ms(123.4), "123 ms");
        assert_eq!(human_ms(1240.0), "1.24 s");
    }

    #[test]
    fn summary_mentions_status_timing_and_request_id() {
        let resp = HttpResponse {
            status: 502,
            headers: vec![("apigw-requestid".into(), "abc=".into())],
            body_size: 36,
            timing: Timing {
                total_ms: 87.0,
                first_byte_ms: Some(80.0),
                connect_ms: Some(3.0),
            },
            ..Default::default()
        };
        let styles = BodyStyles::default();
        let line = summary_line(&resp, &styles);
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        assert_eq!(
            text,
            "502 Bad Gateway  ·  36 B  ·  87 ms (connect 3.0 ms, first byte 80 ms)  ·  request id abc="
        );
        assert_eq!(line.spans[0].style.fg, styles.server_error.fg);
        assert_eq!(reason(599), "");
    }
}
