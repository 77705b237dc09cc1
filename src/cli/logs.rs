//! `gatescope logs API_ID --stage S [--since 15m] [--follow] [--query Q]`:
//! the stage's access log and its Lambdas' logs, parsed and correlated.

use super::output::{errln, out};
use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;

use super::GlobalArgs;
use super::output::{OutputFormat, table};
use crate::app::logs::fetch::{rows_to_events, stream_window};
use crate::app::logs::full_record::{complete_rows, needs_full_record};
use crate::app::logs::insights::{InsightsConfig, InsightsEvent, InsightsRunner, resolve_query};
use crate::app::logs::report::{error_text, record_json, rfc3339_ms};
use crate::app::logs::{
    LogBook, LogTargets, TailConfig, TailEvent, TailMode, TimeRange, discover, spawn_tail,
};
use crate::backends::LogSource;
use crate::backends::log_source::QueryRequest;
use crate::domain::CorrelatedRecord;

/// Events handed to the book at a time when a window is streamed (large
/// enough for the book to parse access lines on every core).
const STREAM_BATCH: usize = 8192;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The API id (see `gatescope apis`).
    pub api_id: String,
    /// Stage name (optional when the API has only one stage).
    #[arg(long)]
    pub stage: Option<String>,
    /// How far back: a duration (5m, 15m, 1h, 24h, 2h 30m), a time (from
    /// then until now), or START..END. A time is RFC 3339,
    /// `YYYY-MM-DD HH:MM` (UTC), epoch seconds, `now`, or relative (`-2h`):
    /// `--since -2h..-1h`, `--since "2026-11-25 09:00..2026-11-25 10:00"`.
    #[arg(long, default_value = "15m", allow_hyphen_values = true)]
    pub since: String,
    /// End of the range (same forms as a time in --since); default now.
    #[arg(long, allow_hyphen_values = true)]
    pub until: Option<String>,
    /// Keep tailing (live tail, or polling where live tail is unavailable).
    #[arg(long, short = 'f')]
    pub follow: bool,
    /// Run a Logs Insights query on the access log instead of reading it:
    /// `recent`, `errors`, `slowest`, or query text.
    #[arg(long, conflicts_with = "follow")]
    pub query: Option<String>,
    /// Most records to show (and the Insights `limit`).
    #[arg(long, default_value_t = 1000)]
    pub limit: u32,
    /// Records kept for correlation while following (default: $GATESCOPE_LOGS_BUFFER, else 100000).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub buffer: Option<u64>,
    /// CloudWatch filter pattern applied to every group (e.g. `"ERROR"`).
    #[arg(long)]
    pub filter: Option<String>,
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

/// `--stage`, or the API's only stage; with several, say which exist.
pub(crate) fn only_stage(api: &crate::domain::Api, asked: Option<&str>) -> anyhow::Result<String> {
    if let Some(s) = asked {
        return Ok(s.to_string());
    }
    let names: Vec<&str> = api.stages.iter().map(|s| s.stage_name.as_str()).collect();
    match names.as_slice() {
        [only] => Ok(only.to_string()),
        [] => anyhow::bail!("API {} has no stages: nothing to read", api.id),
        many => anyhow::bail!(
            "API {} has {} stages: choose one with --stage ({})",
            api.id,
            many.len(),
            many.join(", ")
        ),
    }
}

pub async fn run(args: Args, global: &GlobalArgs) -> anyhow::Result<ExitCode> {
    // Blame the flag at fault: `--until` errors name it already; a range
    // given by both flags names both.
    let flag = if args.until.is_some() {
        "--since/--until"
    } else {
        "--since"
    };
    let range = TimeRange::parse_since_until(&args.since, args.until.as_deref()).map_err(|e| {
        if e.starts_with("--") {
            anyhow::anyhow!(e)
        } else {
            anyhow::anyhow!("{flag}: {e}")
        }
    })?;
    // Resolve before any AWS call: a bad range fails fast, whatever the backend.
    let now_ms = chrono::Utc::now().timestamp_millis();
    let (start_s, end_s) = range
        .resolve(now_ms / 1000)
        .map_err(|e| anyhow::anyhow!("{flag}: {e}"))?;
    if args.follow && args.until.is_some() {
        anyhow::bail!("--follow reads until you stop it: drop --until");
    }
    if args.follow && args.buffer.is_none() {
        // A bad GATESCOPE_LOGS_BUFFER fails before anything starts (the demo included).
        crate::app::logs::capacity_from(
            std::env::var(crate::app::logs::CAPACITY_ENV)
                .ok()
                .as_deref(),
        )
        .map_err(anyhow::Error::msg)?;
    }
    let backend = global.backend().await?;
    let api = super::fetch_api(&backend, &args.api_id).await?;
    let stage = only_stage(&api, args.stage.as_deref())?;
    let targets = discover(&api, &stage, backend.logs.as_ref()).await?;
    say_advice(&targets);
    if targets.all_groups().is_empty() {
        anyhow::bail!(
            "stage {} has no access log in CloudWatch and no Lambda routes: nothing to read",
            stage
        );
    }
    if args.follow {
        return follow(&args, &targets, backend.logs.clone(), start_s * 1000).await;
    }
    let mut book = LogBook::new(&targets, args.limit.max(1) as usize * 4);
    let mut lost = Vec::new();
    match &args.query {
        Some(q) => {
            let Some(access) = targets.access_group.clone() else {
                anyhow::bail!(
                    "--query reads the access log, and this stage has none in CloudWatch"
                );
            };
            let mut rows =
                run_query(backend.logs.clone(), &access, q, args.limit, start_s, end_s).await?;
            // Rows that picked fields without @message: fetch their lines by @ptr.
            let wanted = rows.iter().filter(|r| needs_full_record(r)).count();
            if wanted > 0 {
                errln!("gatescope: fetching {wanted} full record(s) by @ptr (GetLogRecord)");
                let problems =
                    complete_rows(backend.logs.as_ref(), &mut rows, args.limit as usize).await;
                lost.extend(as_problems(&problems));
            }
            let events = rows_to_events(&rows, &access);
            if events.is_empty() && !rows.is_empty() {
                // A `stats` query or one without @message: print its rows.
                for row in &rows {
                    let obj: serde_json::Map<String, serde_json::Value> = row
                        .iter()
                        .map(|(k, v)| (k.clone(), v.clone().into()))
                        .collect();
                    super::output::print_json_line(&serde_json::Value::Object(obj))?;
                }
                return Ok(super::problems::report(&lost, args.output));
            }
            book.ingest(&events);
            // The Lambda side of the same window (plus the time the function
            // may run), streamed into the bounded book page by page.
            let lam = stream_window(
                backend.logs.as_ref(),
                &targets.lambda_groups(),
                start_s * 1000 - 60_000,
                Some(end_s * 1000 + 60_000),
                None,
                STREAM_BATCH,
                |batch| {
                    book.ingest(&batch);
                },
            )
            .await;
            lost.extend(as_problems(&lam.problems));
        }
        None => {
            // Streamed: the book keeps the newest `4 x --limit` records and
            // invocations, and no more than a page per group is held besides,
            // however many events the window has.
            let got = stream_window(
                backend.logs.as_ref(),
                &targets.all_groups(),
                start_s * 1000,
                // Without --until the window is open-ended: `end_s` is whole
                // seconds, and a request made in this second would be cut.
                args.until.as_ref().map(|_| end_s * 1000),
                args.filter.clone(),
                STREAM_BATCH,
                |batch| {
                    book.ingest(&batch);
                },
            )
            .await;
            lost.extend(as_problems(&got.problems));
        }
    }
    let mut records = book.correlate_all();
    records.sort_by_key(|r| r.access.timestamp_ms);
    let skip = records.len().saturating_sub(args.limit as usize);
    let records = &records[skip..];
    match args.output {
        OutputFormat::Json => {
            let v: Vec<serde_json::Value> = records.iter().map(record_json).collect();
            super::output::print_json(&v)?;
        }
        OutputFormat::Table => {
            out!("{}", render_table(records));
            let orphans = book.orphans().len();
            if orphans > 0 {
                errln!("{orphans} Lambda invocation(s) without an access record in this window");
            }
        }
    }
    Ok(super::problems::report(&lost, args.output))
}

fn say_advice(t: &LogTargets) {
    if !t.advice.is_ok() {
        errln!("gatescope: {}", t.advice.message);
        errln!(
            "  paste this access-log format into the stage's settings:\n  {}",
            t.advice.recommended
        );
    }
    for n in &t.notes {
        errln!("gatescope: {n}");
    }
}

/// Reads that failed (a log group, a record): the records shown are
/// incomplete, which the exit code says ([`super::problems::report`]).
fn as_problems(p: &[crate::backends::BackendError]) -> Vec<crate::app::problems::Problem> {
    p.iter()
        .map(|e| crate::app::problems::Problem::new(None, e.to_string()))
        .collect()
}

async fn run_query(
    source: Arc<dyn LogSource>,
    group: &str,
    q: &str,
    limit: u32,
    start_s: i64,
    end_s: i64,
) -> anyhow::Result<Vec<crate::backends::log_source::QueryRow>> {
    let runner = InsightsRunner::new(source, InsightsConfig::default());
    let (handle, mut rx) = runner.spawn(QueryRequest {
        log_groups: vec![group.to_string()],
        query: resolve_query(q, limit),
        start_s,
        end_s,
        limit: Some(limit as i32),
    });
    loop {
        let ev = tokio::select! {
            ev = rx.recv() => ev,
            _ = tokio::signal::ctrl_c() => { handle.cancel(); continue; }
        };
        match ev.context("the query task ended without a result")? {
            InsightsEvent::Started { query_id } => tracing::debug!(query_id, "query started"),
            InsightsEvent::Progress {
                status,
                stats,
                rows,
            } => {
                tracing::debug!(
                    ?status,
                    rows,
                    matched = stats.records_matched,
                    "query progress"
                )
            }
            InsightsEvent::Throttled { wait } => {
                errln!(
                    "gatescope: Logs Insights is rate-limited; retrying in {}s",
                    wait.as_secs_f32()
                )
            }
            InsightsEvent::Finished(o) => {
                if let Some(m) = &o.message {
                    anyhow::bail!("{m}");
                }
                errln!(
                    "gatescope: {} rows ({} records matched, {} scanned, {:.1} MB)",
                    o.rows.len(),
                    o.stats.records_matched,
                    o.stats.records_scanned,
                    o.stats.bytes_scanned / 1e6
                );
                return Ok(o.rows);
            }
            InsightsEvent::Failed(m) => anyhow::bail!("{m}"),
        }
    }
}

/// Tail until Ctrl-C: records are printed once their Lambda side has had a
/// moment to arrive (its REPORT line, or 3 s after the access line).
async fn follow(
    args: &Args,
    targets: &LogTargets,
    source: Arc<dyn LogSource>,
    since_ms: i64,
) -> anyhow::Result<ExitCode> {
    const SETTLE_MS: i64 = 3000;
    let mut cfg = TailConfig::new(targets.all_groups(), since_ms);
    cfg.filter_pattern = args.filter.clone();
    let (handle, mut rx) = spawn_tail(source, cfg);
    let capacity = match args.buffer {
        Some(n) => n as usize,
        None => crate::app::logs::capacity_from(
            std::env::var(crate::app::logs::CAPACITY_ENV)
                .ok()
                .as_deref(),
        )
        .map_err(anyhow::Error::msg)?,
    };
    let mut book = LogBook::new(targets, capacity);
    // Arrival time (ms) of each record not yet printed, by position.
    let mut pending: std::collections::VecDeque<i64> = Default::default();
    let mut last_mode = None;
    let mut tick = tokio::time::interval(Duration::from_millis(500));
    let mut out = std::io::stdout().lock();
    if args.output == OutputFormat::Table {
        writeln!(out, "{}", header_row().join("  "))?;
    }
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = tick.tick() => {}
            ev = rx.recv() => match ev {
                None => break,
                Some(TailEvent::Events(evs)) => {
                    let now = chrono::Utc::now().timestamp_millis();
                    let n = book.ingest(&evs);
                    for _ in 0..n.access { pending.push_back(now); }
                }
                Some(TailEvent::Status(s)) => {
                    if last_mode != Some(s.mode) {
                        last_mode = Some(s.mode);
                        let what = match s.mode {
                            TailMode::Live => "live tail connected",
                            TailMode::Polling => "polling FilterLogEvents",
                            TailMode::Connecting => "connecting",
                            TailMode::Paused => "paused",
                            TailMode::Stopped => "stopped",
                        };
                        errln!("gatescope: {what}{}", s.note.map(|n| format!(" ({n})")).unwrap_or_default());
                    }
                }
                Some(TailEvent::Error(e)) => errln!("gatescope: {e}"),
            }
        }
        // Print settled records, oldest first. Records the ring dropped
        // before printing are skipped (the buffer is 100k records).
        let now = chrono::Utc::now().timestamp_millis();
        let total = book.len() as u64 + book.dropped();
        while let Some(&arrived) = pending.front() {
            // Unprinted records are always the newest ones.
            let idx_abs = total - pending.len() as u64;
            let Some(idx) = idx_abs.checked_sub(book.dropped()) else {
                pending.pop_front();
                continue;
            };
            let Some(rec) = book.correlated(idx as usize) else {
                break;
            };
            let settled = rec.report.is_some() || rec.timed_out || now - arrived >= SETTLE_MS;
            if !settled {
                break;
            }
            pending.pop_front();
            match args.output {
                OutputFormat::Json => writeln!(out, "{}", record_json(&rec))?,
                OutputFormat::Table => writeln!(out, "{}", row_of(&rec).join("  "))?,
            }
        }
        out.flush()?;
    }
    let _ = handle.stop().await;
    Ok(ExitCode::SUCCESS)
}

fn header_row() -> Vec<String> {
    [
        "TIME", "STATUS", "ROUTE", "LATENCY", "INTEG", "LAMBDA", "ERROR",
    ]
    .map(String::from)
    .to_vec()
}

fn row_of(c: &CorrelatedRecord) -> Vec<String> {
    let a = &c.access;
    let opt = |v: Option<String>| v.unwrap_or_else(|| "-".into());
    let lambda = match (&c.report, c.unmatched, &c.lambda_request_id) {
        (Some(r), _, _) => format!(
            "{}ms/{}MB{}{}",
            r.duration_ms.map_or("?".into(), |d| format!("{d:.0}")),
            r.max_memory_mb.map_or("?".into(), |m| m.to_string()),
            if r.init_ms.is_some() { " cold" } else { "" },
            if c.timed_out { " TIMEOUT" } else { "" },
        ),
        (None, false, _) => format!("{} lines", c.lambda_lines.len()),
        (None, true, Some(_)) => "not found".into(),
        (None, true, None) => "-".into(),
    };
    vec![
        rfc3339_ms(a.timestamp_ms),
        opt(a.status.map(|s| s.to_string())),
        opt(a.route_key.as_deref().map(str::to_string)),
        opt(a.latency_ms.map(|l| format!("{l:.0}ms"))),
        opt(a.integration_status.map(|s| s.to_string())),
        lambda,
        error_text(c).unwrap_or("").to_string(),
    ]
}

fn render_table(records: &[CorrelatedRecord]) -> String {
    let mut rows = vec![header_row()];
    rows.extend(records.iter().map(row_of));
    table(&rows)
}

#[cfg(test)]
mod stage_tests {
    use super::only_stage;
    use crate::domain::{Api, Stage};

    #[test]
    fn the_only_stage_or_a_list_of_the_choices() {
        let stage = |n: &str| Stage {
            stage_name: n.into(),
            ..Default::default()
        };
        let mut api = Api {
            id: "a1".into(),
            stages: vec![stage("prod")],
            ..Default::default()
        };
        assert_eq!(only_stage(&api, None).unwrap(), "prod");
        assert_eq!(only_stage(&api, Some("dev")).unwrap(), "dev");
        api.stages.push(stage("dev"));
        let e = only_stage(&api, None).unwrap_err().to_string();
        assert_eq!(
            e,
            "API a1 has 2 stages: choose one with --stage (prod, dev)"
        );
    }
}
