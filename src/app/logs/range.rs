//! Time ranges for log reads and Logs Insights queries, as people type
//! them: a duration back from now (`15m`), or `START..END` where each end
//! is an RFC 3339 time, `YYYY-MM-DD HH:MM[:SS]` (UTC), a date, epoch
//! seconds (or milliseconds), `now`, or a time relative to now (`-2h`).
//!
//! Relative ends stay relative: a range is resolved against "now" each time
//! a query runs, so re-running `-2h..-1h` later reads a later hour.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

/// The duration presets the views cycle through.
pub const PRESETS: &[(&str, u64)] = &[("5m", 300), ("15m", 900), ("1h", 3600), ("24h", 86_400)];

/// Epoch seconds above this are taken as milliseconds (13 digits: the year
/// 2286 in seconds, 1973 in milliseconds).
const MS_THRESHOLD: i64 = 10_000_000_000;

/// One end of a range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Point {
    Now,
    /// Epoch seconds.
    At(i64),
    /// This long before now.
    Ago(Duration),
}

impl Point {
    /// `now`, `-2h` / `-90m`, epoch seconds or ms, RFC 3339,
    /// `YYYY-MM-DD HH:MM[:SS]` or `YYYY-MM-DDTHH:MM[:SS]` (UTC), `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Point, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("a range end is empty".into());
        }
        if s.eq_ignore_ascii_case("now") {
            return Ok(Point::Now);
        }
        if let Some(rel) = s.strip_prefix('-') {
            // `-1700000000` is a (negative) epoch, not a duration.
            if rel.chars().all(|c| c.is_ascii_digit()) {
                return Err(format!("{s:?} is before 1970"));
            }
            return humantime::parse_duration(rel.trim())
                .map(Point::Ago)
                .map_err(|_| format!("{s:?} is not a relative time like -2h or -90m"));
        }
        if s.chars().all(|c| c.is_ascii_digit()) {
            let n: i64 = s
                .parse()
                .map_err(|_| format!("{s:?} is too large for an epoch time"))?;
            return Ok(Point::At(if n >= MS_THRESHOLD { n / 1000 } else { n }));
        }
        if let Ok(d) = DateTime::parse_from_rfc3339(s) {
            return Ok(Point::At(d.timestamp()));
        }
        for f in [
            "%Y-%m-%d %H:%M",
            "%Y-%m-%d %H:%M:%S",
            "%Y-%m-%dT%H:%M",
            "%Y-%m-%dT%H:%M:%S",
        ] {
            if let Ok(d) = NaiveDateTime::parse_from_str(s, f) {
                return Ok(Point::At(d.and_utc().timestamp()));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Point::At(
                d.and_time(Default::default()).and_utc().timestamp(),
            ));
        }
        Err(format!(
            "{s:?} is not a time: use RFC 3339 (2026-11-25T09:00:00Z), \
             2026-11-25 09:00 (UTC), epoch seconds, now, or -2h"
        ))
    }

    /// Epoch seconds, given now.
    pub fn at(self, now_s: i64) -> i64 {
        match self {
            Point::Now => now_s,
            Point::At(s) => s,
            Point::Ago(d) => now_s.saturating_sub(secs(d)),
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Now => f.write_str("now"),
            Point::At(s) => match DateTime::<Utc>::from_timestamp(*s, 0) {
                Some(d) => write!(f, "{}", d.format("%Y-%m-%d %H:%M:%S")),
                None => write!(f, "{s}"),
            },
            Point::Ago(d) => write!(f, "-{}", humantime::format_duration(*d)),
        }
    }
}

/// Whole seconds of `d` as i64, saturating (a duration of 10^19 s must not
/// wrap into the future).
fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// A query's time range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRange {
    /// The last N (presets: 5m, 15m, 1h, 24h).
    Last(Duration),
    /// From one point to another.
    Between { start: Point, end: Point },
}

impl TimeRange {
    /// A duration (`15m`, `2h 30m`), `START..END`, `START..` (until now), or
    /// a single time (from then until now). Checks what can be checked
    /// without a clock; [`TimeRange::resolve`] checks the rest.
    pub fn parse(s: &str) -> Result<TimeRange, String> {
        let s = s.trim();
        if s.is_empty() {
            return Err("the time range is empty: try 15m, or START..END".into());
        }
        let range = if let Some((a, b)) = s.split_once("..") {
            let end = if b.trim().is_empty() {
                Point::Now
            } else {
                Point::parse(b)?
            };
            TimeRange::Between {
                start: Point::parse(a)?,
                end,
            }
        } else if let Ok(d) = humantime::parse_duration(s) {
            if d.is_zero() {
                return Err("the time range is empty (0s)".into());
            }
            TimeRange::Last(d)
        } else {
            let start = Point::parse(s)
                .map_err(|e| format!("{e}; or give a duration like 15m, or a range START..END"))?;
            TimeRange::Between {
                start,
                end: Point::Now,
            }
        };
        // Ends of the same kind can be ordered now; mixed ones at resolve.
        if let TimeRange::Between { start, end } = range {
            let inverted = match (start, end) {
                (Point::At(a), Point::At(b)) => a >= b,
                (Point::Ago(a), Point::Ago(b)) => a <= b,
                (Point::Now, _) => true,
                _ => false,
            };
            if inverted {
                return Err(format!(
                    "the range {start}..{end} does not end after it starts"
                ));
            }
        }
        Ok(range)
    }

    /// A start and an optional end given separately (`--since`, `--until`).
    pub(crate) fn parse_since_until(since: &str, until: Option<&str>) -> Result<TimeRange, String> {
        let Some(until) = until else {
            return TimeRange::parse(since);
        };
        if since.contains("..") {
            return Err("give either --since START..END or --since with --until, not both".into());
        }
        let start = match humantime::parse_duration(since.trim()) {
            // `--since 2h --until -1h`: a bare duration means "ago" here.
            Ok(d) => Point::Ago(d),
            Err(_) => Point::parse(since)?,
        };
        let end = Point::parse(until).map_err(|e| format!("--until: {e}"))?;
        if let Point::At(s) = end
            && s <= 0
        {
            return Err(format!("--until: {} is not after 1970", until.trim()));
        }
        TimeRange::parse(&format!("{}..{}", start.spec(), end.spec()))
    }

    /// (start, end) epoch seconds, given now. Errors when the range does
    /// not end after it starts, starts in the future, or starts before 1970
    /// (CloudWatch times are non-negative). An end in the future is read up
    /// to now: nothing can be logged there yet.
    pub fn resolve(self, now_s: i64) -> Result<(i64, i64), String> {
        let (start, end) = match self {
            TimeRange::Last(d) => (now_s.saturating_sub(secs(d)), now_s),
            TimeRange::Between { start, end } => (start.at(now_s), end.at(now_s).min(now_s)),
        };
        if start < 0 {
            return Err("the range starts before 1970".into());
        }
        if start >= now_s {
            return Err(format!(
                "the range starts in the future ({})",
                Point::At(start)
            ));
        }
        if start >= end {
            return Err(format!(
                "the range does not end after it starts ({} .. {})",
                Point::At(start),
                Point::At(end)
            ));
        }
        Ok((start, end))
    }

    /// For people: `last 15m`, `2026-11-25 09:00:00 .. 10:00:00 UTC`, `-2h .. -1h`.
    pub fn label(self) -> String {
        match self {
            TimeRange::Last(d) => format!("last {}", humantime::format_duration(d)),
            TimeRange::Between {
                start: Point::At(a),
                end: Point::At(b),
            } => {
                let (a, b) = (Point::At(a).to_string(), Point::At(b).to_string());
                // Same day: say the date once.
                match (a.split_once(' '), b.split_once(' ')) {
                    (Some((da, _)), Some((db, tb))) if da == db => format!("{a} .. {tb} UTC"),
                    _ => format!("{a} .. {b} UTC"),
                }
            }
            TimeRange::Between { start, end } => {
                let utc = if matches!(start, Point::At(_)) || matches!(end, Point::At(_)) {
                    " UTC"
                } else {
                    ""
                };
                format!("{start} .. {end}{utc}")
            }
        }
    }
}

impl Point {
    /// Text [`Point::parse`] reads back.
    fn spec(self) -> String {
        match self {
            Point::Now => "now".into(),
            Point::At(s) => s.to_string(),
            Point::Ago(d) => format!("-{}s", d.as_secs()),
        }
    }
}

#[cfg(test)]
#[path = "tests/range.rs"]
mod tests;
