//! The `/` filter of the logs view: space-separated terms, all must match.
//!
//! - `status:5xx`, `status:502`, `status:4xx` — the response status
//! - `route:/orders` — substring of the route key
//! - `slow:500` — latency of at least 500 ms
//! - `error` — any error text (integration, authorizer, gateway) or status >= 500
//! - `unmatched` — no Lambda lines correlated
//! - anything else — case-insensitive substring of route, path, request ids,
//!   error texts or the raw line

use super::kept::KeptRecord;

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

    pub fn matches(&self, r: &KeptRecord) -> bool {
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

fn term_matches(t: &Term, r: &KeptRecord) -> bool {
    let a = &r.access;
    match t {
        Term::StatusExact(s) => a.status == Some(*s),
        Term::StatusClass(c) => a.status.is_some_and(|s| s / 100 == *c),
        Term::Route(needle) => contains_ci(a.route_key.as_deref(), needle),
        Term::Slow(ms) => a.latency_ms.is_some_and(|l| l >= *ms),
        Term::Error => {
            a.integration_error.is_some()
                || a.authorizer_error.is_some()
                || a.status.is_some_and(|s| s >= 500)
        }
        Term::Unmatched => r.unmatched,
        Term::Text(needle) => [
            a.route_key.as_deref(),
            a.path.as_deref(),
            a.request_id.as_deref(),
            a.integration_request_id.as_deref(),
            a.integration_error.as_deref(),
            a.error_message.as_deref(),
            a.authorizer_error.as_deref(),
            Some(a.raw.as_str()),
        ]
        .into_iter()
        .any(|f| contains_ci(f, needle)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AccessLogRecord, CorrelatedRecord};

    fn rec(status: u16, route: &str, latency: f64, err: Option<&str>) -> KeptRecord {
        CorrelatedRecord {
            access: AccessLogRecord {
                status: Some(status),
                route_key: Some(route.into()),
                latency_ms: Some(latency),
                integration_error: err.map(Into::into),
                request_id: Some("Req-ABC".into()),
                ..Default::default()
            },
            lambda_lines: vec![],
            report: None,
            event: None,
            unmatched: true,
            lambda_request_id: None,
            matched_by: None,
            timed_out: false,
        }
        .into()
    }

    #[test]
    fn terms_combine_with_and() {
        let ok = rec(200, "GET /orders", 12.0, None);
        let bad = rec(502, "POST /orders", 900.0, Some("malformed"));
        let f = LogFilter::parse("status:5xx route:/orders");
        assert!(!f.matches(&ok) && f.matches(&bad));
        assert!(LogFilter::parse("status:200").matches(&ok));
        assert!(LogFilter::parse("slow:500ms").matches(&bad));
        assert!(!LogFilter::parse("slow:500").matches(&ok));
        assert!(LogFilter::parse("error").matches(&bad));
        assert!(!LogFilter::parse("error").matches(&ok));
        assert!(LogFilter::parse("MALFORMED").matches(&bad));
        assert!(LogFilter::parse("req-abc unmatched").matches(&ok));
        assert!(LogFilter::parse("").matches(&ok));
        assert!(LogFilter::parse("").is_empty());
        assert!(!LogFilter::parse("nothing-like-this").matches(&ok));
    }

    #[test]
    fn unicode_text_terms() {
        let mut r = rec(500, "GET /ä", 1.0, Some("Fehler: Größe"));
        r.access.raw = Default::default();
        assert!(LogFilter::parse("größe").matches(&r));
        assert!(LogFilter::parse("/Ä").matches(&r));
    }
}
