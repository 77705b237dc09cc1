//! The `/` filter of the logs view: space-separated terms, all must match.
//!
//! - `status:5xx`, `status:502`, `status:4xx` — the response status
//! - `route:/orders` — substring of the route key
//! - `slow:500` — latency of at least 500 ms
//! - `error` — any error text (integration, authorizer, gateway) or status >= 500
//! - `unmatched` — no Lambda lines correlated
//! - anything else — case-insensitive substring of route, path, request ids,
//!   error texts or the raw line

use crate::app::logs::row::Row;

#[derive(Debug, Clone, PartialEq)]
enum Term {
    StatusExact(u16),
    StatusClass(u16),
    Route(String),
    Slow(f64),
    Error,
    Unmatched,
    Text(String),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct LogFilter {
    source: String,
    terms: Vec<Term>,
}

impl LogFilter {
    pub fn parse(source: &str) -> Self {
        let terms = source
            .split_whitespace()
            .map(|t| {
                let lower = t.to_lowercase();
                if let Some(s) = lower.strip_prefix("status:") {
                    if let Some(class) = s.strip_suffix("xx").and_then(|c| c.parse().ok()) {
                        return Term::StatusClass(class);
                    }
                    if let Ok(n) = s.parse() {
                        return Term::StatusExact(n);
                    }
                }
                if let Some(r) = lower.strip_prefix("route:") {
                    return Term::Route(r.to_string());
                }
                if let Some(ms) = lower
                    .strip_prefix("slow:")
                    .and_then(|m| m.trim_end_matches("ms").parse().ok())
                {
                    return Term::Slow(ms);
                }
                match lower.as_str() {
                    "error" | "errors" => Term::Error,
                    "unmatched" => Term::Unmatched,
                    _ => Term::Text(lower),
                }
            })
            .collect();
        LogFilter {
            source: source.trim().to_string(),
            terms,
        }
    }

    pub fn source(&self) -> &str {
        &self.source
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    pub fn matches(&self, r: &Row) -> bool {
        self.terms.iter().all(|t| term_matches(t, r))
    }
}

fn contains_ci(hay: Option<&str>, needle: &str) -> bool {
    hay.is_some_and(|h| {
        // Most fields are ASCII: avoid allocating when the needle is too.
        if h.is_ascii() && needle.is_ascii() {
            h.as_bytes()
                .windows(needle.len().max(1))
                .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
                || needle.is_empty()
        } else {
            h.to_lowercase().contains(needle)
        }
    })
}

fn term_matches(t: &Term, r: &Row) -> bool {
    match t {
        Term::StatusExact(s) => r.status() == Some(*s),
        Term::StatusClass(c) => r.status().is_some_and(|s| s / 100 == *c),
        Term::Route(needle) => contains_ci(r.route_key(), needle),
        Term::Slow(ms) => r.latency_ms().is_some_and(|l| l >= *ms),
        Term::Error => {
            r.integration_error().is_some()
                || r.authorizer_error().is_some()
                || r.status().is_some_and(|s| s >= 500)
        }
        Term::Unmatched => r.unmatched(),
        Term::Text(needle) => [
            r.route_key(),
            r.path(),
            r.request_id(),
            r.integration_request_id(),
            r.integration_error(),
            r.error_message(),
            r.authorizer_error(),
            Some(r.raw()),
        ]
        .into_iter()
        .any(|f| contains_ci(f, needle)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::domain::{CorrelatedRecord, RawLogEvent};
    use crate::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP};

    /// The same record twice: kept as its line, and kept whole. Every
    /// filter must say the same of both.
    fn rows(status: u16, route: &str, latency: f64, err: Option<&str>) -> [Row; 2] {
        let format = Arc::new(AccessLogFormat::new(RECOMMENDED_HTTP));
        let line = serde_json::json!({
            "requestId": "Req-ABC",
            "routeKey": route,
            "status": status.to_string(),
            "responseLatency": latency.to_string(),
            "integrationError": err.unwrap_or("-"),
        })
        .to_string();
        let access = format.parse_event(&RawLogEvent {
            message: line,
            ..Default::default()
        });
        let rec = CorrelatedRecord {
            access,
            unmatched: true,
            ..Default::default()
        };
        let parsed = Row::new(rec.clone(), Some(&format));
        assert!(parsed.is_parsed());
        [parsed, Row::new(rec, None)]
    }

    #[test]
    fn terms_combine_with_and() {
        let [oks, bads] = [
            rows(200, "GET /orders", 12.0, None),
            rows(502, "POST /orders", 900.0, Some("malformed")),
        ];
        for (ok, bad) in oks.iter().zip(&bads) {
            let f = LogFilter::parse("status:5xx route:/orders");
            assert!(!f.matches(ok) && f.matches(bad));
            assert!(LogFilter::parse("status:200").matches(ok));
            assert!(LogFilter::parse("slow:500ms").matches(bad));
            assert!(!LogFilter::parse("slow:500").matches(ok));
            assert!(LogFilter::parse("error").matches(bad));
            assert!(!LogFilter::parse("error").matches(ok));
            assert!(LogFilter::parse("MALFORMED").matches(bad));
            assert!(LogFilter::parse("req-abc unmatched").matches(ok));
            assert!(LogFilter::parse("").matches(ok));
            assert!(LogFilter::parse("").is_empty());
            assert!(!LogFilter::parse("nothing-like-this").matches(ok));
        }
    }

    #[test]
    fn unicode_text_terms() {
        for r in rows(500, "GET /ä", 1.0, Some("Fehler: Größe")) {
            assert!(LogFilter::parse("größe").matches(&r));
            assert!(LogFilter::parse("/Ä").matches(&r));
        }
    }
}
