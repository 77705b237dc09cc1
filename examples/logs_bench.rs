//! Throughput of the logs pipeline on files (used by `scripts/bench-logs`):
//! parse an access log (one CloudWatch message per line) with the stage's
//! format, parse a Lambda log, correlate, and print figures as JSON.
//!
//! `logs_bench ACCESS_FILE LAMBDA_FILE [FORMAT_STRING]`

use std::io::{BufRead, BufReader};
use std::time::Instant;

use gatescope::domain::RawLogEvent;
use gatescope::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP};
use gatescope::engines::correlate::{CorrelateOptions, correlate};
use gatescope::engines::lambda_log::LambdaLogParser;

fn lines(path: &str) -> Vec<String> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    BufReader::new(f)
        .lines()
        .map(|l| l.expect("utf-8 line"))
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: logs_bench ACCESS_FILE LAMBDA_FILE [FORMAT]");
        std::process::exit(2);
    }
    let format = AccessLogFormat::new(args.get(3).map_or(RECOMMENDED_HTTP, String::as_str));
    let t0 = Instant::now();
    let access_lines = lines(&args[1]);
    let lambda_lines = lines(&args[2]);
    let read_s = t0.elapsed().as_secs_f64();

    let t1 = Instant::now();
    let access: Vec<_> = access_lines
        .iter()
        .enumerate()
        .map(|(i, l)| format.parse_lenient(l, i as i64))
        .collect();
    let access_s = t1.elapsed().as_secs_f64();
    drop(access_lines);

    let t2 = Instant::now();
    let mut parser = LambdaLogParser::new();
    let mut ev = RawLogEvent {
        log_group: "/aws/lambda/bench".into(),
        log_stream: Some("s".into()),
        ..Default::default()
    };
    let lambda: Vec<_> = lambda_lines
        .into_iter()
        .enumerate()
        .map(|(i, l)| {
            ev.timestamp_ms = i as i64;
            ev.message = l;
            parser.parse(&ev)
        })
        .collect();
    let lambda_s = t2.elapsed().as_secs_f64();

    let t3 = Instant::now();
    let n_access = access.len();
    let n_lambda = lambda.len();
    let c = correlate(
        access,
        lambda,
        &CorrelateOptions {
            no_reconstruct: true,
            ..Default::default()
        },
    );
    let correlate_s = t3.elapsed().as_secs_f64();
    let matched = c.records.iter().filter(|r| !r.unmatched).count();
    let total = access_s + lambda_s + correlate_s;
    println!(
        "{}",
        serde_json::json!({
            "accessLines": n_access,
            "lambdaLines": n_lambda,
            "matched": matched,
            "readSeconds": read_s,
            "accessParseSeconds": access_s,
            "accessLinesPerSecond": n_access as f64 / access_s,
            "lambdaParseSeconds": lambda_s,
            "lambdaLinesPerSecond": n_lambda as f64 / lambda_s,
            "correlateSeconds": correlate_s,
            "pipelineSeconds": total,
            "pipelineLinesPerSecond": (n_access + n_lambda) as f64 / total,
        })
    );
}
