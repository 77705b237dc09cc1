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

/// Call `f` with each line of `path` (newline stripped), through one reused
/// buffer: lines arrive one at a time as CloudWatch delivers them, so the
/// whole file is never held as text.
fn for_each_line(path: &str, mut f: impl FnMut(&str)) {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let mut buf = String::new();
    loop {
        buf.clear();
        match reader.read_line(&mut buf) {
            Ok(0) => break,
            Ok(_) => f(buf.trim_end_matches(['\n', '\r'])),
            Err(e) => panic!("{path}: {e}"),
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: logs_bench ACCESS_FILE LAMBDA_FILE [FORMAT]");
        std::process::exit(2);
    }
    let format = AccessLogFormat::new(args.get(3).map_or(RECOMMENDED_HTTP, String::as_str));

    // Reading is inside each timing, as it is for jq.
    let t1 = Instant::now();
    let mut access = Vec::new();
    for_each_line(&args[1], |l| {
        let ts = access.len() as i64;
        access.push(format.parse_lenient(l, ts));
    });
    let access_s = t1.elapsed().as_secs_f64();

    let t2 = Instant::now();
    let mut parser = LambdaLogParser::new();
    let mut ev = RawLogEvent {
        log_group: "/aws/lambda/bench".into(),
        log_stream: Some("s".into()),
        ..Default::default()
    };
    let mut lambda = Vec::new();
    for_each_line(&args[2], |l| {
        ev.timestamp_ms = lambda.len() as i64;
        l.clone_into(&mut ev.message);
        lambda.push(parser.parse(&ev));
    });
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
