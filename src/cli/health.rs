//! `gatescope health [API_ID] [--stage S] [--since 1h] [--output json]
//! [--max-5xx-rate R]`: what is failing now. With an API: its stages, routes
//! sorted by failure, top error causes with their finding codes, and the
//! functions' invocation health. Without: every API ranked by 5xx. Exit 1
//! when a route's (or, without route metrics, a stage's) 5xx rate over the
//! window exceeds `--max-5xx-rate`, so it can gate a deploy.

use std::process::ExitCode;

use serde::Serialize;
use tokio_util::sync::CancellationToken;

use super::GlobalArgs;
use super::output::{OutputFormat, errln, outln, print_json, table};
use crate::app::health::{self, HealthConfig, HealthRequest};
use crate::app::problems::Problem;
use crate::domain::health::{ApiHealth, HealthReport, Series, StageHealth};
use crate::engines::health::assemble::{Breach, breaches};
use crate::engines::health::series::bars;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API to triage (default: every API of the region, ranked by 5xx).
    pub api_id: Option<String>,
    /// Only this stage.
    #[arg(long)]
    pub stage: Option<String>,
    /// How far back: `15m`, `1h`, `6h`, `1d` (1-minute periods).
    #[arg(long, default_value = "1h")]
    pub since: String,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
    /// Exit 1 when any route's 5xx rate over the window exceeds this: a
    /// fraction (`0.05`) or a percentage (`5%`). Off by default.
    #[arg(long, value_name = "RATE")]
    pub max_5xx_rate: Option<String>,
}

/// `0.05`, `5%` → 0.05.
pub(crate) fn parse_rate(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (num, scale) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), 100.0),
        None => (t, 1.0),
    };
    let v: f64 = num.parse().map_err(|_| {
        format!("--max-5xx-rate {s:?}: give a fraction such as 0.05 or a percentage such as 5%")
    })?;
    let v = v / scale;
    if !(0.0..=1.0).contains(&v) || !v.is_finite() {
        return Err(format!(
            "--max-5xx-rate {s:?}: the rate must be between 0 and 1 (0% and 100%)"
        ));
    }
    Ok(v)
}

/// What `--output json` prints.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonOut<'a> {
    #[serde(flatten)]
    report: &'a HealthReport,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_5xx_rate: Option<f64>,
    breaches: Vec<JsonBreach>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonBreach {
    api_id: String,
    stage: String,
    route_key: Option<String>,
    rate: f64,
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    let since = humantime::parse_duration(args.since.trim())
        .map_err(|e| anyhow::anyhow!("--since {:?}: {e} (e.g. 15m, 1h, 1d)", args.since))?;
    if since.as_secs() < 60 || since.as_secs() > 15 * 86_400 {
        anyhow::bail!("--since {:?}: give between 1m and 15d", args.since);
    }
    let gate = args
        .max_5xx_rate
        .as_deref()
        .map(parse_rate)
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let backend = global.backend().await?;
    let req = HealthRequest::last(args.api_id.clone(), args.stage.clone(), since);
    let (report, problems) = health::run_for(
        &backend,
        &req,
        &HealthConfig::default(),
        CancellationToken::new(),
    )
    .await?;
    let found: Vec<Breach> = gate.map(|g| breaches(&report.apis, g)).unwrap_or_default();
    match args.output {
        OutputFormat::Json => print_json(&JsonOut {
            report: &report,
            max_5xx_rate: gate,
            breaches: found
                .iter()
                .map(|b| JsonBreach {
                    api_id: b.api_id.clone(),
                    stage: b.stage.clone(),
                    route_key: b.route_key.clone(),
                    rate: b.rate,
                })
                .collect(),
        })?,
        OutputFormat::Table => print_table(&report, args.api_id.is_some()),
    }
    // What could not be loaded: one warning each (or a JSON document) on
    // stderr, and exit 1, as `apis` and `inspect` do.
    let problems: Vec<Problem> = problems
        .into_iter()
        .map(|p| Problem::new(None, p))
        .collect();
    let loaded = super::problems::report(&problems, args.output);
    if let Some(g) = gate {
        for b in &found {
            errln!(
                "gatescope: {} {} {}: 5xx rate {} is above {}",
                b.api_id,
                b.stage,
                b.route_key.as_deref().unwrap_or("(stage total)"),
                pct(b.rate),
                pct(g)
            );
        }
        if !found.is_empty() {
            return Ok(ExitCode::from(1));
        }
    }
    Ok(loaded)
}

fn pct(r: f64) -> String {
    format!("{:.1}%", r * 100.0)
}

fn count(v: f64) -> String {
    format!("{}", v.round() as i64)
}

fn ms(v: Option<f64>) -> String {
    v.map_or("-".into(), |v| format!("{v:.0}"))
}

fn text_spark(s: &Series, width: usize) -> String {
    bars(s, width)
}

fn print_table(report: &HealthReport, one_api: bool) {
    if let Some(w) = report.window {
        let at = |s: i64| {
            chrono::DateTime::from_timestamp(s, 0)
                .map(|t| t.format("%Y-%m-%d %H:%M").to_string())
                .unwrap_or_default()
        };
        outln!(
            "window {} .. {} UTC, {} s periods",
            at(w.start_s),
            at(w.end_s),
            w.period_s
        );
    }
    if report.apis.is_empty() {
        outln!("no APIs in this account and region");
    } else if one_api {
        for a in &report.apis {
            print_api(a);
        }
    } else {
        print_ranking(&report.apis);
    }
    outln!(
        "calls: {} metric queries in {} GetMetricData calls, {} Insights queries, {} log reads",
        report.calls.metric_queries,
        report.calls.get_metric_data,
        report.calls.insights_queries,
        report.calls.log_reads
    );
    for n in &report.notes {
        outln!("note: {n}");
    }
}

fn print_ranking(apis: &[ApiHealth]) {
    let mut rows = vec![
        [
            "NAME", "ID", "TYPE", "STAGE", "REQUESTS", "4XX", "5XX", "5XX%", "P99 MS", "5XX/MIN",
        ]
        .map(String::from)
        .to_vec(),
    ];
    for a in apis {
        for s in &a.stages {
            let t = &s.traffic;
            rows.push(vec![
                a.api_name.clone(),
                a.api_id.clone(),
                a.protocol.as_str().to_string(),
                s.stage.clone(),
                count(t.total_requests),
                count(t.total_4xx),
                count(t.total_5xx),
                t.rate_5xx().map_or("-".into(), pct),
                ms(t.worst_p99_ms),
                text_spark(&t.errors_5xx, 30),
            ]);
        }
    }
    super::output::out!("{}", table(&rows));
}

fn print_api(a: &ApiHealth) {
    outln!("{} ({}, {})", a.api_name, a.api_id, a.protocol.as_str());
    for s in &a.stages {
        print_stage(s);
    }
}

fn print_stage(s: &StageHealth) {
    let t = &s.traffic;
    outln!();
    outln!(
        "stage {}: {} requests, {} 4xx, {} 5xx ({}), worst p99 {} ms",
        s.stage,
        count(t.total_requests),
        count(t.total_4xx),
        count(t.total_5xx),
        t.rate_5xx().map_or("-".into(), pct),
        ms(t.worst_p99_ms)
    );
    if !s.routes.is_empty() {
        let mut rows = vec![
            [
                "ROUTE", "REQUESTS", "4XX", "5XX", "5XX%", "P99 MS", "5XX/MIN",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for r in &s.routes {
            let t = &r.traffic;
            rows.push(vec![
                r.route_key.clone(),
                count(t.total_requests),
                count(t.total_4xx),
                count(t.total_5xx),
                t.rate_5xx().map_or("-".into(), pct),
                ms(t.worst_p99_ms),
                text_spark(&t.errors_5xx, 30),
            ]);
        }
        super::output::out!("{}", table(&rows));
    }
    for f in &s.findings {
        outln!("{} {}", f.code, f.title);
        if let Some(fix) = &f.fix {
            outln!("  fix: {fix}");
        }
    }
    outln!();
    outln!("top causes:");
    if s.causes.is_empty() {
        outln!(
            "  {}",
            s.causes_info
                .note
                .as_deref()
                .unwrap_or("no 4xx or 5xx in the window")
        );
    } else {
        let mut rows = vec![
            ["COUNT", "STATUS", "ROUTE", "CODE", "WHY"]
                .map(String::from)
                .to_vec(),
        ];
        for c in &s.causes {
            rows.push(vec![
                c.count.to_string(),
                c.status.map_or("-".into(), |s| s.to_string()),
                c.route_key.clone().unwrap_or_else(|| "-".into()),
                c.code.map_or("-".into(), |c| c.to_string()),
                c.title.clone(),
            ]);
        }
        for line in table(&rows).lines() {
            outln!("  {line}");
        }
    }
    if !s.causes_info.missing_fields.is_empty() {
        outln!(
            "  the access-log format lacks {}: causes are not broken down by them",
            s.causes_info.missing_fields.join(", ")
        );
    }
    if !s.functions.is_empty() {
        outln!();
        outln!("functions:");
        let mut rows = vec![
            [
                "FUNCTION",
                "INVOKED",
                "ERRORS",
                "THROTTLES",
                "COLD",
                "INIT P50/P99",
                "P50/P99 MS",
                "TIMEOUT",
                "TIMEOUTS",
                "MEMORY",
            ]
            .map(String::from)
            .to_vec(),
        ];
        for f in &s.functions {
            let h = f.invocation.as_ref();
            rows.push(vec![
                f.function.clone(),
                count(f.total_invocations),
                count(f.total_errors),
                count(f.total_throttles),
                h.and_then(|h| h.cold_start_share()).map_or("-".into(), pct),
                h.map_or("-".into(), |h| {
                    format!("{}/{}", ms(h.init_p50_ms), ms(h.init_p99_ms))
                }),
                h.map_or("-".into(), |h| {
                    format!("{}/{}", ms(h.duration_p50_ms), ms(h.duration_p99_ms))
                }),
                h.map_or("-".into(), |h| {
                    let f = h.function_timeout_s.map_or("-".into(), |s| format!("{s}s"));
                    let i = h
                        .integration_timeout_ms
                        .map_or("-".into(), |m| format!("{m}ms"));
                    format!("{f}/{i}")
                }),
                h.map_or("-".into(), |h| h.timeouts.to_string()),
                h.map_or("-".into(), |h| {
                    format!(
                        "{}/{} MB",
                        h.max_memory_used_mb.map_or("-".into(), |m| m.to_string()),
                        h.memory_size_mb.map_or("-".into(), |m| m.to_string())
                    )
                }),
            ]);
        }
        for line in table(&rows).lines() {
            outln!("  {line}");
        }
        for f in &s.functions {
            if let Some(n) = &f.invocation_note {
                outln!("  {}: {n}", f.function);
            }
            if let Some(p) = f.invocation.as_ref().and_then(|h| h.powertools.as_ref()) {
                outln!(
                    "  {}: Powertools service={} cold_start lines {}/{} correlation_id={} xray_trace_id={}",
                    f.function,
                    p.service.as_deref().unwrap_or("-"),
                    p.cold_start_lines,
                    p.lines,
                    p.correlation_id.as_deref().unwrap_or("-"),
                    p.xray_trace_id.as_deref().unwrap_or("-")
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_fractions_or_percentages() {
        assert_eq!(parse_rate("0.05"), Ok(0.05));
        assert_eq!(parse_rate("5%"), Ok(0.05));
        assert_eq!(parse_rate(" 0 "), Ok(0.0));
        for bad in ["", "x", "150%", "-1", "NaN", "2"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }
}
