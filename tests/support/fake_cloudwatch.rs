//! A fake CloudWatch for what moto 5.2.5 cannot do in a triage run:
//! `GetMetricData` with percentile stats (`p50`, `p99`; moto fails the whole
//! call), answered in two pages, and Logs Insights `StartQuery` /
//! `GetQueryResults` with `stats` rows (moto ignores `stats`), going
//! Scheduled → Running → Complete, or Failed, with throttling on request.
//! Every other call (the API Gateway control plane, Lambda, FilterLogEvents)
//! is forwarded to a moto server, so one endpoint URL serves a whole
//! `gatescope health` run; only `GetAuthorizers` (v2), which moto answers
//! with a 500, is answered here (with none).
//!
//! The metric values are a fixed table per route (see [`SHOP`]): datapoints
//! in the last three periods before the request's `EndTime`.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{Value, json};

use super::fake_http::{aws_error, json_ok, reply, serve_in_thread};

/// What the fake should do beyond answering.
#[derive(Debug, Clone, Copy, Default)]
pub struct Script {
    /// The first N GetMetricData calls are throttled (`Throttling`, 400).
    pub throttle_metrics: u32,
    /// The first N StartQuery calls hit the concurrency limit.
    pub throttle_start_query: u32,
    /// The first N GetQueryResults calls are throttled.
    pub throttle_results: u32,
    /// The causes query ends `Failed` instead of `Complete`.
    pub insights_fail: bool,
}

/// What the fake saw.
#[derive(Debug, Default, Clone)]
pub struct Seen {
    /// GetMetricData calls answered (pages included), and throttled.
    pub metric_calls: u32,
    pub metric_throttled: u32,
    /// Queries per answered first page (pages of the same call not repeated).
    pub queries_per_call: Vec<usize>,
    /// Every stat asked for, with how often.
    pub stats: BTreeMap<String, usize>,
    pub start_query: u32,
    pub start_throttled: u32,
    pub results_calls: u32,
    pub results_throttled: u32,
    /// The query strings StartQuery received.
    pub queries: Vec<String>,
    /// Calls forwarded to moto.
    pub forwarded: u32,
}

struct Fake {
    script: Script,
    seen: Mutex<Seen>,
    moto: String,
    http: reqwest::Client,
    /// Query id → (kind, polls so far).
    queries: Mutex<BTreeMap<String, (QueryKind, u32)>>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum QueryKind {
    Causes,
    Example,
    Other,
}

/// The fake's handle: its URL and what it saw.
#[derive(Clone)]
pub struct FakeCloudWatch {
    pub addr: SocketAddr,
    fake: Arc<Fake>,
}

impl FakeCloudWatch {
    /// Serve on a loopback port (from a thread of its own), forwarding what
    /// it does not fake to `moto_url`.
    pub fn start(moto_url: &str, script: Script) -> FakeCloudWatch {
        let fake = Arc::new(Fake {
            script,
            seen: Mutex::new(Seen::default()),
            moto: moto_url.trim_end_matches('/').to_string(),
            http: reqwest::Client::builder().no_proxy().build().unwrap(),
            queries: Mutex::new(BTreeMap::new()),
        });
        let app = axum::Router::new()
            .fallback(handle)
            .with_state(fake.clone());
        FakeCloudWatch {
            addr: serve_in_thread(app),
            fake,
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn seen(&self) -> Seen {
        self.fake.seen.lock().unwrap().clone()
    }
}

/// One route's traffic per period: requests, 4xx, 5xx, p50 ms, and p99 ms
/// of each of the three periods.
pub struct RouteTraffic(
    pub &'static str,
    pub f64,
    pub f64,
    pub f64,
    pub f64,
    pub [f64; 3],
);

/// The fixed traffic of the fake's "shop" API for its three busiest minutes.
pub const SHOP: &[RouteTraffic] = &[
    RouteTraffic("GET /crash", 10.0, 0.0, 6.0, 20.0, [900.0, 950.0, 1000.0]),
    RouteTraffic("GET /orders", 20.0, 2.0, 0.0, 12.0, [80.0, 70.0, 60.0]),
];

/// The functions behind [`SHOP`]: `(name, invocations, errors, p50, p99, max concurrency)`.
pub const SHOP_FUNCTIONS: &[(&str, f64, f64, f64, f64, f64)] = &[
    ("crash", 10.0, 6.0, 15.0, 850.0, 3.0),
    ("orders", 20.0, 0.0, 8.0, 40.0, 2.0),
];

/// The stats rows of the causes query: `(requests, status, routeKey, integrationError)`.
pub const CAUSE_ROWS: &[(u64, u16, &str, &str)] = &[
    (
        18,
        500,
        "GET /crash",
        "The Lambda function returned the following error: boom. Check your Lambda function code and try again.",
    ),
    (6, 404, "-", "-"),
];

/// The request id the example query finds for the 500 cause.
pub const EXAMPLE_REQUEST: &str = "Ex4mpleReq1dA=";

async fn handle(State(fake): State<Arc<Fake>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, 16 << 20)
        .await
        .unwrap_or_default();
    let target = parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let form_action = parts
        .headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .filter(|c| c.starts_with("application/x-www-form-urlencoded"))
        .and_then(|_| {
            url::form_urlencoded::parse(&body)
                .find(|(k, _)| k == "Action")
                .map(|(_, v)| v.into_owned())
        });
    if form_action.as_deref() == Some("GetMetricData") {
        return get_metric_data(&fake, &body);
    }
    match target.rsplit('.').next().unwrap_or("") {
        "StartQuery" if target.starts_with("Logs_") => return start_query(&fake, &body),
        "GetQueryResults" if target.starts_with("Logs_") => return query_results(&fake, &body),
        "StopQuery" if target.starts_with("Logs_") => return json_ok(json!({"success": true})),
        _ => {}
    }
    let path = parts.uri.path();
    if parts.method == axum::http::Method::GET
        && path.starts_with("/v2/apis/")
        && path.ends_with("/authorizers")
    {
        return json_ok(json!({"items": []}));
    }
    forward(&fake, parts.method, &parts.uri, &parts.headers, body).await
}

async fn forward(
    fake: &Fake,
    method: axum::http::Method,
    uri: &axum::http::Uri,
    headers: &HeaderMap,
    body: Bytes,
) -> Response {
    fake.seen.lock().unwrap().forwarded += 1;
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let mut req = fake.http.request(method, format!("{}{path}", fake.moto));
    for (k, v) in headers {
        if !matches!(k.as_str(), "host" | "content-length" | "transfer-encoding") {
            req = req.header(k, v);
        }
    }
    let resp = match req.body(body).send().await {
        Ok(r) => r,
        Err(e) => return reply(502, &[], &format!("fake: moto unreachable: {e}")),
    };
    let status = resp.status();
    let mut out = Response::builder().status(status.as_u16());
    for (k, v) in resp.headers() {
        if !matches!(
            k.as_str(),
            "content-length" | "transfer-encoding" | "connection"
        ) {
            out = out.header(k, v);
        }
    }
    let bytes = resp.bytes().await.unwrap_or_default();
    out.body(Body::from(bytes)).unwrap()
}

/// One `MetricDataQueries.member.N` of a Query-protocol form.
#[derive(Debug, Default)]
struct FormQuery {
    id: String,
    metric: String,
    stat: String,
    dims: BTreeMap<String, String>,
}

fn parse_queries(form: &[(String, String)]) -> Vec<FormQuery> {
    let mut by_n: BTreeMap<usize, FormQuery> = BTreeMap::new();
    let mut dim_names: BTreeMap<(usize, usize), String> = BTreeMap::new();
    let mut dim_values: BTreeMap<(usize, usize), String> = BTreeMap::new();
    for (k, v) in form {
        let Some(rest) = k.strip_prefix("MetricDataQueries.member.") else {
            continue;
        };
        let Some((n, field)) = rest.split_once('.') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        let q = by_n.entry(n).or_default();
        match field {
            "Id" => q.id = v.clone(),
            "MetricStat.Stat" => q.stat = v.clone(),
            "MetricStat.Metric.MetricName" => q.metric = v.clone(),
            f => {
                if let Some(d) = f.strip_prefix("MetricStat.Metric.Dimensions.member.")
                    && let Some((i, what)) = d.split_once('.')
                    && let Ok(i) = i.parse::<usize>()
                {
                    match what {
                        "Name" => dim_names.insert((n, i), v.clone()),
                        "Value" => dim_values.insert((n, i), v.clone()),
                        _ => None,
                    };
                }
            }
        }
    }
    for ((n, i), name) in dim_names {
        if let (Some(q), Some(v)) = (by_n.get_mut(&n), dim_values.get(&(n, i))) {
            q.dims.insert(name, v.clone());
        }
    }
    by_n.into_values().collect()
}

/// The three values of one query, oldest first (`None`: no datapoints).
fn values(q: &FormQuery) -> Option<[f64; 3]> {
    let flat = |v: f64| Some([v, v, v]);
    if let Some(f) = q.dims.get("FunctionName") {
        let &(_, inv, err, p50, p99, conc) = SHOP_FUNCTIONS.iter().find(|r| r.0 == f)?;
        return match (q.metric.as_str(), q.stat.as_str()) {
            ("Invocations", "Sum") => flat(inv),
            ("Errors", "Sum") => flat(err),
            ("Throttles", "Sum") => flat(0.0),
            ("Duration", "p50") => flat(p50),
            ("Duration", "p99") => flat(p99),
            ("ConcurrentExecutions", "Maximum") => flat(conc),
            _ => None,
        };
    }
    let rows: Vec<_> = match q.dims.get("Route") {
        Some(r) => SHOP.iter().filter(|x| x.0 == r).collect(),
        None => SHOP.iter().collect(),
    };
    if rows.is_empty() {
        return None;
    }
    let sum = |f: fn(&&RouteTraffic) -> f64| flat(rows.iter().map(f).sum::<f64>());
    match (q.metric.as_str(), q.stat.as_str()) {
        ("Count", "Sum") => sum(|r| r.1),
        ("4xx", "Sum") => sum(|r| r.2),
        ("5xx", "Sum") => sum(|r| r.3),
        // A stage's percentile is not a sum of its routes': the slowest.
        ("Latency", "p50") => flat(rows.iter().map(|r| r.4).fold(0.0, f64::max)),
        ("Latency", "p99") => {
            let mut v = [0.0; 3];
            for r in &rows {
                for (i, x) in r.5.iter().enumerate() {
                    v[i] = f64::max(v[i], *x);
                }
            }
            Some(v)
        }
        _ => None,
    }
}

fn iso(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0)
        .unwrap()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn query_error(code: &str, message: &str) -> Response {
    reply(
        400,
        &[("content-type", "text/xml")],
        &format!(
            "<ErrorResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>fake</RequestId></ErrorResponse>"
        ),
    )
}

/// Page 1 holds each series' oldest datapoint and a NextToken; page 2 the
/// rest (so the source must merge pages by id).
fn get_metric_data(fake: &Fake, body: &[u8]) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    {
        let mut seen = fake.seen.lock().unwrap();
        if seen.metric_throttled < fake.script.throttle_metrics {
            seen.metric_throttled += 1;
            return query_error("Throttling", "Rate exceeded");
        }
    }
    let queries = parse_queries(&form);
    if queries.len() > 500 {
        return query_error(
            "InvalidParameterValue",
            "The collection MetricDataQueries must not have a size greater than 500.",
        );
    }
    let Some(end) = get("EndTime")
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.timestamp())
    else {
        return query_error("MissingParameter", "EndTime");
    };
    let second_page = get("NextToken") == Some("page2");
    {
        let mut seen = fake.seen.lock().unwrap();
        seen.metric_calls += 1;
        if !second_page {
            seen.queries_per_call.push(queries.len());
            for q in &queries {
                *seen.stats.entry(q.stat.clone()).or_default() += 1;
            }
        }
    }
    let times = [end - 180, end - 120, end - 60];
    let mut members = String::new();
    for q in &queries {
        let points: Vec<(i64, f64)> = match values(q) {
            Some(v) => times.iter().copied().zip(v).collect(),
            None => vec![],
        };
        let page: &[(i64, f64)] = match (second_page, points.split_first()) {
            (false, Some((first, _))) => std::slice::from_ref(first),
            (true, Some((_, rest))) => rest,
            (_, None) => &[],
        };
        let ts: String = page
            .iter()
            .map(|(t, _)| format!("<member>{}</member>", iso(*t)))
            .collect();
        let vs: String = page
            .iter()
            .map(|(_, v)| format!("<member>{v}</member>"))
            .collect();
        let status = if second_page {
            "Complete"
        } else {
            "PartialData"
        };
        members.push_str(&format!(
            "<member><Id>{}</Id><Label>{}</Label><Timestamps>{ts}</Timestamps><Values>{vs}</Values><StatusCode>{status}</StatusCode></member>",
            q.id, q.metric
        ));
    }
    let next = if second_page {
        String::new()
    } else {
        "<NextToken>page2</NextToken>".into()
    };
    reply(
        200,
        &[("content-type", "text/xml")],
        &format!(
            "<GetMetricDataResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\"><GetMetricDataResult><MetricDataResults>{members}</MetricDataResults>{next}<Messages/></GetMetricDataResult><ResponseMetadata><RequestId>fake</RequestId></ResponseMetadata></GetMetricDataResponse>"
        ),
    )
}

fn start_query(fake: &Fake, body: &[u8]) -> Response {
    let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let q = req["queryString"].as_str().unwrap_or("").to_string();
    {
        let mut seen = fake.seen.lock().unwrap();
        seen.start_query += 1;
        if seen.start_throttled < fake.script.throttle_start_query {
            seen.start_throttled += 1;
            return aws_error(
                400,
                "LimitExceededException",
                "Account maximum query concurrency limit of [30] reached",
            );
        }
        seen.queries.push(q.clone());
    }
    let kind = if q.contains("stats count(*)") {
        QueryKind::Causes
    } else if q.contains("limit 1") {
        QueryKind::Example
    } else {
        QueryKind::Other
    };
    let mut queries = fake.queries.lock().unwrap();
    let id = format!("fake-query-{}", queries.len());
    // The example query only finds the 500 cause's request.
    let kind = match kind {
        QueryKind::Example if !(q.contains("= 500") && q.contains("\"GET /crash\"")) => {
            QueryKind::Other
        }
        k => k,
    };
    queries.insert(id.clone(), (kind, 0));
    json_ok(json!({"queryId": id}))
}

fn field(name: &str, value: &str) -> Value {
    json!({"field": name, "value": value})
}

fn query_results(fake: &Fake, body: &[u8]) -> Response {
    let req: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let id = req["queryId"].as_str().unwrap_or("").to_string();
    {
        let mut seen = fake.seen.lock().unwrap();
        seen.results_calls += 1;
        if seen.results_throttled < fake.script.throttle_results {
            seen.results_throttled += 1;
            return aws_error(400, "ThrottlingException", "Rate exceeded");
        }
    }
    let (kind, polls) = {
        let mut queries = fake.queries.lock().unwrap();
        let Some(e) = queries.get_mut(&id) else {
            return aws_error(400, "ResourceNotFoundException", &format!("no query {id}"));
        };
        e.1 += 1;
        *e
    };
    // Scheduled, then Running (with partial rows), then the end.
    let (status, rows): (&str, Vec<Value>) = match (kind, polls) {
        (_, 1) => ("Scheduled", vec![]),
        (QueryKind::Causes, 2) => ("Running", vec![cause_row(CAUSE_ROWS[0])]),
        (QueryKind::Causes, _) if fake.script.insights_fail => ("Failed", vec![]),
        (QueryKind::Causes, _) => (
            "Complete",
            CAUSE_ROWS.iter().copied().map(cause_row).collect(),
        ),
        (QueryKind::Example, _) => {
            let line = json!({"requestId": EXAMPLE_REQUEST, "status": "500",
                "routeKey": "GET /crash", "integrationError": CAUSE_ROWS[0].3});
            (
                "Complete",
                vec![json!([
                    field("@timestamp", "2026-12-05 09:00:00.000"),
                    field("@message", &line.to_string()),
                    field("@ptr", "ptr-example")
                ])],
            )
        }
        (QueryKind::Other, _) => ("Complete", vec![]),
    };
    let n = rows.len() as f64;
    json_ok(json!({"status": status, "results": rows,
        "statistics": {"recordsMatched": n, "recordsScanned": n * 10.0, "bytesScanned": n * 100.0}}))
}

fn cause_row((n, status, route, error): (u64, u16, &str, &str)) -> Value {
    json!([
        field("status", &status.to_string()),
        field("routeKey", route),
        field("integrationError", error),
        field("requests", &n.to_string())
    ])
}
