//! From the answers of the planned queries to the report: series per stage,
//! route and function, routes sorted by failure, APIs by 5xx count, and the
//! `--max-5xx-rate` gate.

use std::collections::HashMap;

use super::plan::{Measure, Plan, Target, detailed_everywhere};
use super::series::{add, align, align_max, max, total};
use crate::domain::Api;
use crate::domain::health::Stat;
use crate::domain::health::{
    ApiHealth, FunctionHealth, MetricSeries, RouteHealth, SeriesStatus, StageHealth, Traffic,
    Window,
};

/// Build the API and stage skeletons with their metric series. Causes and
/// invocation health are filled in by the caller. `notes` receives one
/// sentence per query that did not complete.
pub fn assemble(
    apis: &[Api],
    stage: Option<&str>,
    plan: &Plan,
    answers: &[MetricSeries],
    window: &Window,
    notes: &mut Vec<String>,
) -> Vec<ApiHealth> {
    let mut by_target: HashMap<&Target, Vec<(Measure, Stat, &MetricSeries)>> = HashMap::new();
    let mut failed = 0;
    for a in answers {
        let Some(p) = plan.by_id(&a.id) else { continue };
        if !matches!(a.status, SeriesStatus::Complete | SeriesStatus::PartialData) {
            failed += 1;
            if failed == 1 {
                notes.push(format!(
                    "{} {} for {:?}: {}",
                    p.query.metric,
                    p.query.stat.as_str(),
                    p.query.dimensions,
                    a.message.as_deref().unwrap_or("not complete")
                ));
            }
        }
        by_target
            .entry(&p.target)
            .or_default()
            .push((p.measure, p.query.stat, a));
    }
    if failed > 1 {
        notes.push(format!("{failed} metric queries did not complete"));
    }
    let traffic_of =
        |t: &Target| traffic(by_target.get(t).map(Vec::as_slice).unwrap_or(&[]), window);
    let mut out: Vec<ApiHealth> = apis
        .iter()
        .map(|api| {
            let stages = api
                .stages
                .iter()
                .filter(|s| stage.is_none_or(|n| n == s.stage_name))
                .map(|s| {
                    let st = Target::Stage {
                        api_id: api.id.clone(),
                        stage: s.stage_name.clone(),
                    };
                    let mut routes: Vec<RouteHealth> = api
                        .routes
                        .iter()
                        .filter_map(|r| {
                            let t = Target::Route {
                                api_id: api.id.clone(),
                                stage: s.stage_name.clone(),
                                route_key: r.route_key.clone(),
                            };
                            by_target.contains_key(&t).then(|| RouteHealth {
                                route_key: r.route_key.clone(),
                                traffic: traffic_of(&t),
                            })
                        })
                        .collect();
                    sort_routes(&mut routes);
                    let functions = functions_of(api, plan, &by_target, window);
                    let findings = plan
                        .findings
                        .iter()
                        .filter(|(a, st, _)| *a == api.id && *st == s.stage_name)
                        .map(|(_, _, f)| f.clone())
                        .collect();
                    StageHealth {
                        stage: s.stage_name.clone(),
                        detailed_metrics: detailed_everywhere(api, s),
                        traffic: traffic_of(&st),
                        routes,
                        functions,
                        findings,
                        ..Default::default()
                    }
                })
                .collect();
            ApiHealth {
                api_id: api.id.clone(),
                api_name: api.name.clone(),
                protocol: api.protocol(),
                stages,
            }
        })
        .collect();
    sort_apis(&mut out);
    out
}

fn traffic(answers: &[(Measure, Stat, &MetricSeries)], window: &Window) -> Traffic {
    let mut t = Traffic {
        requests: vec![None; window.buckets()],
        errors_4xx: vec![None; window.buckets()],
        errors_5xx: vec![None; window.buckets()],
        latency_p50: vec![None; window.buckets()],
        latency_p99: vec![None; window.buckets()],
        ..Default::default()
    };
    for (m, _, a) in answers {
        match m {
            Measure::Requests => t.requests = add(&t.requests, &align(&a.points, window)),
            Measure::Errors4xx => t.errors_4xx = add(&t.errors_4xx, &align(&a.points, window)),
            Measure::Errors5xx => t.errors_5xx = add(&t.errors_5xx, &align(&a.points, window)),
            Measure::LatencyP50 => t.latency_p50 = align_max(&a.points, window),
            Measure::LatencyP99 => t.latency_p99 = align_max(&a.points, window),
            _ => {}
        }
    }
    t.total_requests = total(&t.requests);
    t.total_4xx = total(&t.errors_4xx);
    t.total_5xx = total(&t.errors_5xx);
    t.worst_p99_ms = max(&t.latency_p99);
    t
}

/// The functions the plan asked about, with what their queries answered.
/// A function whose queries all failed is still listed (its series empty):
/// its REPORT lines can still be read.
fn functions_of(
    api: &Api,
    plan: &Plan,
    by_target: &HashMap<&Target, Vec<(Measure, Stat, &MetricSeries)>>,
    window: &Window,
) -> Vec<FunctionHealth> {
    let mut out: Vec<FunctionHealth> = Vec::new();
    for r in &api.routes {
        let Some(arn) = r.integration.as_ref().and_then(|i| i.lambda_arn()) else {
            continue;
        };
        let name = arn.name().to_string();
        if let Some(f) = out.iter_mut().find(|f| f.function == name) {
            f.routes.push(r.route_key.clone());
            continue;
        }
        let t = Target::Function { name: name.clone() };
        if !plan.queries.iter().any(|p| p.target == t) {
            continue;
        }
        let none = vec![None; window.buckets()];
        let mut f = FunctionHealth {
            function: name,
            routes: vec![r.route_key.clone()],
            invocations: none.clone(),
            errors: none.clone(),
            throttles: none.clone(),
            duration_p50: none.clone(),
            duration_p99: none,
            ..Default::default()
        };
        for (m, _, a) in by_target.get(&t).map(Vec::as_slice).unwrap_or(&[]) {
            match m {
                Measure::Invocations => f.invocations = align(&a.points, window),
                Measure::FunctionErrors => f.errors = align(&a.points, window),
                Measure::Throttles => f.throttles = align(&a.points, window),
                Measure::DurationP50 => f.duration_p50 = align_max(&a.points, window),
                Measure::DurationP99 => f.duration_p99 = align_max(&a.points, window),
                Measure::Concurrency => f.max_concurrency = max(&align_max(&a.points, window)),
                _ => {}
            }
        }
        f.total_invocations = total(&f.invocations);
        f.total_errors = total(&f.errors);
        f.total_throttles = total(&f.throttles);
        out.push(f);
    }
    out.sort_by(|a, b| {
        (b.total_errors + b.total_throttles)
            .total_cmp(&(a.total_errors + a.total_throttles))
            .then_with(|| a.function.cmp(&b.function))
    });
    out
}

/// Most 5xx first, then most 4xx, then busiest, then by name.
pub fn sort_routes(routes: &mut [RouteHealth]) {
    routes.sort_by(|a, b| {
        b.traffic
            .total_5xx
            .total_cmp(&a.traffic.total_5xx)
            .then_with(|| b.traffic.total_4xx.total_cmp(&a.traffic.total_4xx))
            .then_with(|| {
                b.traffic
                    .total_requests
                    .total_cmp(&a.traffic.total_requests)
            })
            .then_with(|| a.route_key.cmp(&b.route_key))
    });
}

/// Most 5xx first, then busiest, then by name.
pub fn sort_apis(apis: &mut [ApiHealth]) {
    apis.sort_by(|a, b| {
        b.total_5xx()
            .total_cmp(&a.total_5xx())
            .then_with(|| b.total_requests().total_cmp(&a.total_requests()))
            .then_with(|| a.api_name.cmp(&b.api_name))
    });
}

/// One place whose 5xx rate exceeds the gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Breach {
    pub api_id: String,
    pub stage: String,
    /// `None`: the stage total (no route-level metrics).
    pub route_key: Option<String>,
    pub rate: f64,
}

/// Routes (or stages without route metrics) whose 5xx rate over the window
/// is above `max_rate` (a fraction: 0.05 = 5 %).
pub fn breaches(apis: &[ApiHealth], max_rate: f64) -> Vec<Breach> {
    let mut out = Vec::new();
    for a in apis {
        for s in &a.stages {
            let mut any_route = false;
            for r in &s.routes {
                any_route = true;
                if let Some(rate) = r.traffic.rate_5xx().filter(|r| *r > max_rate) {
                    out.push(Breach {
                        api_id: a.api_id.clone(),
                        stage: s.stage.clone(),
                        route_key: Some(r.route_key.clone()),
                        rate,
                    });
                }
            }
            if !any_route && let Some(rate) = s.traffic.rate_5xx().filter(|r| *r > max_rate) {
                out.push(Breach {
                    api_id: a.api_id.clone(),
                    stage: s.stage.clone(),
                    route_key: None,
                    rate,
                });
            }
        }
    }
    out
}
