//! The API list's sparkline columns: each API's requests and 5xx rate over
//! the last hour, from one metrics-only triage run
//! ([`crate::app::health::totals`]: stage totals, at most ceil(n/500)
//! GetMetricData calls) started when the inventory has loaded, so the first
//! frame never waits for CloudWatch, and again every [`REFRESH`] while the
//! list is on screen (the shell's tick asks [`due`]). Kept in
//! [`Shared::sparks`]; the list reads it when it draws.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use futures::StreamExt;
use ratatui::text::Span;
use tokio_util::sync::CancellationToken;

use super::page::Effect;
use super::shared::Shared;
use super::theme::Theme;
use crate::app::health::{self, HealthConfig, HealthRequest};
use crate::backends::ErrorKind;
use crate::domain::health::{HealthReport, Series};
use crate::engines::health::series::{add, bars, rate, rebucket, total};

/// Cells of one sparkline on a wide terminal (an hour in 5-minute cells)
/// and on a narrow one (10-minute cells), where the 5xx column must fit
/// beside the flags at 80 columns.
pub(crate) const WIDE_CELLS: usize = 12;
pub(crate) const NARROW_CELLS: usize = 6;

/// How old the sparklines may get while the API list is shown: CloudWatch
/// publishes API Gateway's metrics per minute, so a minute is the finest
/// refresh that can show anything new (one metrics-only run per refresh).
pub(crate) const REFRESH: Duration = Duration::from_secs(60);

/// One API's last hour per minute, summed over its stages.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ApiSpark {
    pub requests: Series,
    pub errors_5xx: Series,
    pub total_requests: f64,
    pub total_5xx: f64,
}

/// The sparklines of every API, and where their load is.
#[derive(Debug, Default)]
pub struct ApiSparks {
    pub by_api: HashMap<String, ApiSpark>,
    /// A load is running.
    pub loading: bool,
    /// Why there are none (shown under the list); `None` also when the
    /// backend has no metrics at all (nothing to say).
    pub problem: Option<String>,
    /// Stops the previous load when a refresh starts another.
    cancel: CancellationToken,
    /// When the last load started (`None` before the inventory is in).
    started: Option<Instant>,
}

impl ApiSparks {
    pub fn get(&self, api_id: &str) -> Option<&ApiSpark> {
        self.by_api.get(api_id)
    }

    /// Take a finished run's stage totals, API by API.
    pub fn apply(&mut self, report: &HealthReport) {
        self.by_api = report
            .apis
            .iter()
            .map(|a| {
                let mut req: Series = Vec::new();
                let mut err: Series = Vec::new();
                for s in &a.stages {
                    req = if req.is_empty() {
                        s.traffic.requests.clone()
                    } else {
                        add(&req, &s.traffic.requests)
                    };
                    err = if err.is_empty() {
                        s.traffic.errors_5xx.clone()
                    } else {
                        add(&err, &s.traffic.errors_5xx)
                    };
                }
                let spark = ApiSpark {
                    total_requests: total(&req),
                    total_5xx: total(&err),
                    requests: req,
                    errors_5xx: err,
                };
                (a.api_id.clone(), spark)
            })
            .collect();
        // Some calls failed: say so when nothing came back at all.
        self.problem = match report.notes.first() {
            Some(n) if self.by_api.values().all(|s| s.total_requests == 0.0) => {
                Some(format!("no sparklines: {n}"))
            }
            _ => None,
        };
    }
}

/// True when the sparklines are [`REFRESH`] old at `now` and no load is
/// running: the shell then calls [`load`] again (while the list is on top).
pub(crate) fn due(sparks: &ApiSparks, now: Instant) -> bool {
    !sparks.loading
        && sparks
            .started
            .is_some_and(|t| now.saturating_duration_since(t) >= REFRESH)
}

/// Start loading the sparklines of every API whose details are in (stages
/// are needed to name the metrics) at `now`; a running load is cancelled.
/// Quiet: the columns appear (or change) when the numbers do.
pub fn load(shared: &mut Shared, now: Instant) -> Vec<Effect> {
    let apis: Vec<_> = shared
        .inventory
        .apis
        .iter()
        .filter(|a| a.details_loaded)
        .cloned()
        .collect();
    shared.sparks.cancel.cancel();
    shared.sparks.started = Some(now);
    if apis.is_empty() {
        shared.sparks.loading = false;
        return vec![];
    }
    let cancel = CancellationToken::new();
    shared.sparks.cancel = cancel.clone();
    shared.sparks.loading = true;
    let backend = shared.backend.clone();
    let run = async move {
        let req = HealthRequest::last(None, None, Duration::from_secs(3600));
        let r = health::totals(&backend, &apis, &req, &HealthConfig::default(), cancel).await;
        move |shared: &mut Shared| {
            shared.sparks.loading = false;
            match r {
                Ok(report) => shared.sparks.apply(&report),
                // Backends without metrics (tests, fakes): no columns, no words.
                Err(e) if e.kind == ErrorKind::Unsupported => {}
                Err(e) if e.message == "cancelled" => {}
                Err(e) => shared.sparks.problem = Some(format!("no sparklines: {e}")),
            }
            shared.inventory.generation += 1;
            vec![]
        }
    };
    match Effect::shared_stream("loading sparklines", futures::stream::once(run).boxed()) {
        Effect::Stream(mut t) => {
            t.quiet = true;
            vec![Effect::Stream(t)]
        }
        other => vec![other],
    }
}

/// `1234` → `1.2k`: a count that fits a narrow column.
fn short(n: f64) -> String {
    match n {
        n if n >= 1e6 => format!("{:.1}M", n / 1e6),
        n if n >= 1e4 => format!("{:.0}k", n / 1e3),
        n if n >= 1e3 => format!("{:.1}k", n / 1e3),
        n => format!("{}", n.round() as i64),
    }
}

/// The two cells of one API's row, `n` bars each: requests (bars + count)
/// and 5xx rate (bars + percentage, in the error style when any failed).
/// Empty while nothing is known, so the columns take no room; the numbers
/// keep both readable without colour.
pub(crate) fn cells(spark: Option<&ApiSpark>, n: usize, theme: &Theme) -> [Span<'static>; 2] {
    let Some(s) = spark else {
        return [Span::raw(""), Span::raw("")];
    };
    let requests = rebucket(&s.requests, n);
    let rate_5xx = rate(&rebucket(&s.errors_5xx, n), &requests);
    let req = format!("{} {}", bars(&requests, n), short(s.total_requests));
    let errors = if s.total_requests > 0.0 {
        let pct = 100.0 * s.total_5xx / s.total_requests;
        let pct = if pct > 0.0 && pct < 1.0 {
            "<1%".to_string()
        } else {
            format!("{pct:.0}%")
        };
        format!("{} {pct}", bars(&rate_5xx, n))
    } else {
        format!("{} -", bars(&rate_5xx, n))
    };
    let style = if s.total_5xx > 0.0 {
        theme.get("error")
    } else {
        theme.get("dim")
    };
    [Span::raw(req), Span::styled(errors, style)]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::health::{ApiHealth, StageHealth, Traffic};

    fn stage(requests: Vec<Option<f64>>, errors: Vec<Option<f64>>) -> StageHealth {
        StageHealth {
            traffic: Traffic {
                requests,
                errors_5xx: errors,
                ..Default::default()
            },
            ..Default::default()
        }
    }

    #[test]
    fn stages_add_up_and_an_hour_becomes_twelve_cells() {
        let mut req = vec![None; 60];
        let mut err = vec![None; 60];
        req[59] = Some(10.0);
        err[59] = Some(5.0);
        req[0] = Some(4.0);
        let report = HealthReport {
            apis: vec![ApiHealth {
                api_id: "a1".into(),
                stages: vec![stage(req.clone(), err.clone()), stage(req, vec![None; 60])],
                ..Default::default()
            }],
            ..Default::default()
        };
        let mut sparks = ApiSparks::default();
        sparks.apply(&report);
        let s = sparks.get("a1").unwrap();
        assert_eq!(s.requests.len(), 60);
        assert_eq!(s.requests[0], Some(8.0));
        assert_eq!(s.requests[59], Some(20.0));
        assert_eq!((s.total_requests, s.total_5xx), (28.0, 5.0));
        assert_eq!(sparks.problem, None);
        let theme = Theme::defaults();
        // Twelve 5-minute cells: 8 requests in the first, 20 (5 failed) in the last.
        let [r, e] = cells(Some(s), WIDE_CELLS, &theme);
        assert_eq!(r.content, "▃          █ 28");
        assert_eq!(e.content, "           █ 18%");
        let [r, e] = cells(Some(s), NARROW_CELLS, &theme);
        assert_eq!(r.content, "▃    █ 28");
        assert_eq!(e.content, "     █ 18%");
        assert_eq!(cells(None, WIDE_CELLS, &theme)[0].content, "");
    }

    #[test]
    fn a_run_with_only_failed_calls_says_why() {
        let report = HealthReport {
            apis: vec![ApiHealth {
                api_id: "a1".into(),
                stages: vec![stage(vec![None; 60], vec![None; 60])],
                ..Default::default()
            }],
            notes: vec!["metrics: GetMetricData was denied".into()],
            ..Default::default()
        };
        let mut sparks = ApiSparks::default();
        sparks.apply(&report);
        assert_eq!(
            sparks.problem.as_deref(),
            Some("no sparklines: metrics: GetMetricData was denied")
        );
        assert_eq!(short(1234.0), "1.2k");
        assert_eq!(short(56_000.0), "56k");
        assert_eq!(short(7.0), "7");
    }
}
