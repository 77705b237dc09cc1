//! Which CloudWatch metrics a health run asks for (reference §11): per API
//! kind the metric names and dimension sets differ, route-level series exist
//! only where detailed metrics are on, and GetMetricData takes at most 500
//! queries a call.

use std::collections::BTreeSet;

use crate::domain::health::{MetricQuery, Stat, Window};
use crate::domain::{Api, Certainty, Finding, FindingCode, Protocol, Stage};

/// GetMetricData's limit on `MetricDataQueries` per call (reference §11.5).
pub const MAX_QUERIES_PER_CALL: usize = 500;

/// GetMetricData calls needed for `queries` queries.
pub fn calls_needed(queries: usize) -> usize {
    queries.div_ceil(MAX_QUERIES_PER_CALL)
}

/// What a series is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    Stage {
        api_id: String,
        stage: String,
    },
    Route {
        api_id: String,
        stage: String,
        route_key: String,
    },
    Function {
        name: String,
    },
}

/// What a series measures, whatever the API kind calls it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    Requests,
    Errors4xx,
    Errors5xx,
    LatencyP50,
    LatencyP99,
    Invocations,
    FunctionErrors,
    Throttles,
    DurationP50,
    DurationP99,
    Concurrency,
}

/// One planned query and what its answer means.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub query: MetricQuery,
    pub target: Target,
    pub measure: Measure,
}

/// The queries of a run, plus the lint findings planning found.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub queries: Vec<Planned>,
    /// `(api id, stage, finding)`.
    pub findings: Vec<(String, String, Finding)>,
}

impl Plan {
    /// The queries cut into GetMetricData-sized batches.
    pub fn batches(&self) -> Vec<Vec<MetricQuery>> {
        self.queries
            .chunks(MAX_QUERIES_PER_CALL)
            .map(|c| c.iter().map(|p| p.query.clone()).collect())
            .collect()
    }

    pub fn by_id(&self, id: &str) -> Option<&Planned> {
        // Ids are `q{index}`: no search needed.
        let i: usize = id.strip_prefix('q')?.parse().ok()?;
        self.queries.get(i).filter(|p| p.query.id == id)
    }
}

/// How much a plan asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    /// Stage totals only (the region-wide ranking, the API list's sparklines).
    Stages,
    /// Stages, routes (where detailed metrics are on) and functions.
    Full,
}

/// Plan the queries for `apis` (details loaded) over `window`; `stage`
/// narrows to one stage name.
pub fn plan(apis: &[Api], stage: Option<&str>, window: &Window, depth: Depth) -> Plan {
    let mut p = Builder {
        plan: Plan::default(),
        period: window.period_s,
    };
    let mut functions = BTreeSet::new();
    for api in apis {
        for s in api
            .stages
            .iter()
            .filter(|s| stage.is_none_or(|n| n == s.stage_name))
        {
            p.stage(api, s);
            if depth == Depth::Stages {
                continue;
            }
            p.routes(api, s);
            for r in &api.routes {
                if let Some(arn) = r.integration.as_ref().and_then(|i| i.lambda_arn()) {
                    functions.insert(arn.name().to_string());
                }
            }
        }
    }
    for f in functions {
        p.function(&f);
    }
    p.plan
}

/// `arn:aws:lambda:r:a:function:NAME[:qualifier]` (or a bare name) → NAME.
pub fn function_name(arn: &str) -> &str {
    crate::domain::FunctionArn::name_of(arn)
}

/// Whether route-level metrics are published for a route of a stage.
/// HTTP/WebSocket: `DefaultRouteSettings.DetailedMetricsEnabled` or the
/// route's own `RouteSettings`; REST: `methodSettings["*/*"].metricsEnabled`
/// or the `{resource_path}/{METHOD}` entry (the key's exact escaping is
/// [UNVERIFIED]: both `/pets/GET` and `~1pets/GET` are accepted).
pub(crate) fn detailed_for(api: &Api, stage: &Stage, route_key: &str) -> bool {
    let default = stage
        .default_route_settings
        .as_ref()
        .and_then(|r| r.detailed_metrics_enabled)
        .unwrap_or(false);
    let own = match api.protocol() {
        Protocol::Rest => {
            let (method, path) = route_key.split_once(' ').unwrap_or(("ANY", route_key));
            let plain = format!("{path}/{method}");
            let escaped = format!("{}/{method}", path.replace('/', "~1"));
            let bare = format!("{}/{method}", path.trim_start_matches('/'));
            [plain, escaped, bare]
                .iter()
                .find_map(|k| stage.route_settings.get(k))
                .and_then(|r| r.detailed_metrics_enabled)
        }
        _ => stage
            .route_settings
            .get(route_key)
            .and_then(|r| r.detailed_metrics_enabled),
    };
    own.unwrap_or(default)
}

/// Whether every route of the stage has route-level metrics.
pub(crate) fn detailed_everywhere(api: &Api, stage: &Stage) -> bool {
    !api.routes.is_empty()
        && api
            .routes
            .iter()
            .all(|r| detailed_for(api, stage, &r.route_key))
}

struct Builder {
    plan: Plan,
    period: u32,
}

impl Builder {
    fn push(
        &mut self,
        target: Target,
        measure: Measure,
        namespace: &str,
        metric: &str,
        dims: Vec<(String, String)>,
        stat: Stat,
    ) {
        let id = format!("q{}", self.plan.queries.len());
        self.plan.queries.push(Planned {
            query: MetricQuery {
                id,
                namespace: namespace.to_string(),
                metric: metric.to_string(),
                dimensions: dims,
                stat,
                period_s: self.period,
            },
            target,
            measure,
        });
    }

    /// The gateway measures of one dimension set.
    fn gateway(&mut self, protocol: Protocol, target: Target, dims: Vec<(String, String)>) {
        let names: &[(Measure, &str, Stat)] = match protocol {
            Protocol::Http => &[
                (Measure::Requests, "Count", Stat::Sum),
                (Measure::Errors4xx, "4xx", Stat::Sum),
                (Measure::Errors5xx, "5xx", Stat::Sum),
                (Measure::LatencyP50, "Latency", Stat::P50),
                (Measure::LatencyP99, "Latency", Stat::P99),
            ],
            Protocol::Rest => &[
                (Measure::Requests, "Count", Stat::Sum),
                (Measure::Errors4xx, "4XXError", Stat::Sum),
                (Measure::Errors5xx, "5XXError", Stat::Sum),
                (Measure::LatencyP50, "Latency", Stat::P50),
                (Measure::LatencyP99, "Latency", Stat::P99),
            ],
            // WebSocket: messages as requests, client errors as 4xx,
            // integration and execution errors as 5xx.
            Protocol::Websocket => &[
                (Measure::Requests, "MessageCount", Stat::Sum),
                (Measure::Errors4xx, "ClientError", Stat::Sum),
                (Measure::Errors5xx, "IntegrationError", Stat::Sum),
                (Measure::Errors5xx, "ExecutionError", Stat::Sum),
                (Measure::LatencyP50, "IntegrationLatency", Stat::P50),
                (Measure::LatencyP99, "IntegrationLatency", Stat::P99),
            ],
        };
        for (measure, metric, stat) in names {
            self.push(
                target.clone(),
                *measure,
                "AWS/ApiGateway",
                metric,
                dims.clone(),
                *stat,
            );
        }
    }

    fn stage(&mut self, api: &Api, s: &Stage) {
        let target = Target::Stage {
            api_id: api.id.clone(),
            stage: s.stage_name.clone(),
        };
        self.gateway(api.protocol(), target, stage_dims(api, s));
    }

    fn routes(&mut self, api: &Api, s: &Stage) {
        let mut off = Vec::new();
        for r in &api.routes {
            if !detailed_for(api, s, &r.route_key) {
                off.push(r.route_key.as_str());
                continue;
            }
            let target = Target::Route {
                api_id: api.id.clone(),
                stage: s.stage_name.clone(),
                route_key: r.route_key.clone(),
            };
            let mut dims = stage_dims(api, s);
            match api.protocol() {
                Protocol::Rest => {
                    let (method, path) =
                        r.route_key.split_once(' ').unwrap_or(("ANY", &r.route_key));
                    dims.push(("Method".into(), method.into()));
                    dims.push(("Resource".into(), path.into()));
                }
                // The doc says "route ID"; the route key is what the console
                // shows ([UNVERIFIED], reference §11.1).
                _ => dims.push(("Route".into(), r.route_key.clone())),
            }
            self.gateway(api.protocol(), target, dims);
        }
        if !off.is_empty() {
            let what = if off.len() == api.routes.len() {
                "any route".to_string()
            } else {
                format!("{} of {} routes", off.len(), api.routes.len())
            };
            let f = Finding::new(
                FindingCode::DetailedMetricsOff,
                Certainty::FromConfig,
                format!(
                    "Stage {} has no detailed metrics for {what}: only stage totals can be shown",
                    s.stage_name
                ),
            )
            .evidence(match api.protocol() {
                Protocol::Rest => format!("stage {} methodSettings metricsEnabled", s.stage_name),
                _ => format!(
                    "stage {} DetailedMetricsEnabled (default route settings and route settings)",
                    s.stage_name
                ),
            })
            .fix_with(
                (api.protocol() == Protocol::Rest).then_some("rest"),
                &[
                    ("api_id", api.id.as_str()),
                    ("stage", s.stage_name.as_str()),
                ],
            )
            .unverified();
            self.plan
                .findings
                .push((api.id.clone(), s.stage_name.clone(), f));
        }
    }

    fn function(&mut self, name: &str) {
        let target = Target::Function {
            name: name.to_string(),
        };
        let dims = vec![("FunctionName".to_string(), name.to_string())];
        for (measure, metric, stat) in [
            (Measure::Invocations, "Invocations", Stat::Sum),
            (Measure::FunctionErrors, "Errors", Stat::Sum),
            (Measure::Throttles, "Throttles", Stat::Sum),
            (Measure::DurationP50, "Duration", Stat::P50),
            (Measure::DurationP99, "Duration", Stat::P99),
            (Measure::Concurrency, "ConcurrentExecutions", Stat::Maximum),
        ] {
            self.push(
                target.clone(),
                measure,
                "AWS/Lambda",
                metric,
                dims.clone(),
                stat,
            );
        }
    }
}

/// `ApiId` + `Stage` (HTTP, WebSocket) or `ApiName` + `Stage` (REST: API
/// Gateway strips non-ASCII characters from the name and uses the id when
/// nothing is left, reference §11.2).
pub fn stage_dims(api: &Api, s: &Stage) -> Vec<(String, String)> {
    let first = match api.protocol() {
        Protocol::Rest => {
            let ascii: String = api.name.chars().filter(char::is_ascii).collect();
            let name = if ascii.trim().is_empty() {
                api.id.clone()
            } else {
                ascii
            };
            ("ApiName".to_string(), name)
        }
        _ => ("ApiId".to_string(), api.id.clone()),
    };
    vec![first, ("Stage".to_string(), s.stage_name.clone())]
}
