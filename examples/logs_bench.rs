//! Throughput and memory of the logs pipeline on files (used by
//! `scripts/bench-logs`), printed as JSON.
//!
//! Both files go into one [`LogBook`] — the store behind the TUI's logs view
//! and `gatescope logs` — in pages, access and Lambda pages interleaved as a
//! tail delivers them. The book parses each line, keeps every record and
//! correlates as lines arrive (hash indexes on both join keys, no second
//! pass). A first pass parses the same lines and drops them, so what
//! keeping + correlating costs is the difference between the two.
//!
//! `logs_bench ACCESS_FILE LAMBDA_FILE [FORMAT_STRING]`

use std::io::{BufRead, BufReader};
use std::time::Instant;

use gatescope::app::logs::LogBook;
use gatescope::app::logs::book::parse_access_lines;
use gatescope::domain::RawLogEvent;
use gatescope::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP};
use gatescope::engines::correlate::CorrelateOptions;
use gatescope::engines::lambda_log::LambdaLogParser;

const ACCESS_GROUP: &str = "/aws/apigateway/bench";
const LAMBDA_GROUP: &str = "/aws/lambda/bench";
/// Events per page (FilterLogEvents and live tail deliver pages).
const PAGE: usize = 10_000;

/// A file read as pages of CloudWatch events of one group.
struct Pages {
    reader: BufReader<std::fs::File>,
    group: &'static str,
    stream: Option<String>,
    next_ts: i64,
}

impl Pages {
    fn open(path: &str, group: &'static str, stream: Option<&str>) -> Pages {
        let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        Pages {
            reader: BufReader::with_capacity(1 << 20, file),
            group,
            stream: stream.map(str::to_string),
            next_ts: 0,
        }
    }

    /// The next page (empty at the end of the file).
    fn next_page(&mut self) -> Vec<RawLogEvent> {
        let mut page = Vec::with_capacity(PAGE);
        let mut buf = String::new();
        while page.len() < PAGE {
            buf.clear();
            match self.reader.read_line(&mut buf) {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => panic!("{}: {e}", self.group),
            }
            self.next_ts += 1;
            page.push(RawLogEvent {
                log_group: self.group.to_string(),
                log_stream: self.stream.clone(),
                timestamp_ms: self.next_ts,
                message: buf.trim_end_matches(['\n', '\r']).to_string(),
                ..Default::default()
            });
        }
        page
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: logs_bench ACCESS_FILE LAMBDA_FILE [FORMAT]");
        std::process::exit(2);
    }
    let format = AccessLogFormat::new(args.get(3).map_or(RECOMMENDED_HTTP, String::as_str));
    let open = || {
        (
            Pages::open(&args[1], ACCESS_GROUP, None),
            Pages::open(&args[2], LAMBDA_GROUP, Some("2026/11/25/[$LATEST]abc")),
        )
    };

    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Pass 1: read + parse only (nothing kept), each file on its own.
    let (mut access, mut lambda) = open();
    let t = Instant::now();
    let mut n_access = 0;
    loop {
        let page = access.next_page();
        if page.is_empty() {
            break;
        }
        n_access += page.len();
        // As the book does it: on every core for a page this large.
        let refs: Vec<&RawLogEvent> = page.iter().collect();
        std::hint::black_box(parse_access_lines(&format, &refs, threads));
    }
    let access_parse_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    let mut parser = LambdaLogParser::new();
    let mut n_lambda = 0;
    loop {
        let page = lambda.next_page();
        if page.is_empty() {
            break;
        }
        n_lambda += page.len();
        for ev in &page {
            std::hint::black_box(parser.parse(ev));
        }
    }
    let lambda_parse_s = t.elapsed().as_secs_f64();

    // Pass 2: the pipeline: pages into the book, interleaved; every record kept.
    let (mut access, mut lambda) = open();
    let opts = CorrelateOptions {
        no_reconstruct: true,
        ..Default::default()
    };
    let t = Instant::now();
    let mut book = LogBook::from_parts(
        format.clone(),
        [ACCESS_GROUP.to_string()],
        opts,
        n_access.max(n_lambda) + 1,
    )
    .parse_threads(threads);
    loop {
        let (a, l) = (access.next_page(), lambda.next_page());
        if a.is_empty() && l.is_empty() {
            break;
        }
        book.ingest(&a);
        book.ingest(&l);
    }
    let ingest_s = t.elapsed().as_secs_f64();
    // The book keeps each access record as its line and parses it again
    // when asked for it (a view opening it, the CLI printing it): the join
    // for every record, which does that parse plus one hash lookup, is
    // timed on its own, outside the pipeline.
    let t = Instant::now();
    let index = book.index();
    let matched = book
        .records()
        .filter(|a| index.lambda_id_for(a).is_some())
        .count();
    let join_s = t.elapsed().as_secs_f64();
    let pipeline_s = ingest_s;
    let parse_s = access_parse_s + lambda_parse_s;
    let keep_correlate_s = (pipeline_s - parse_s).max(0.0);
    println!(
        "{}",
        serde_json::json!({
            "parseThreads": threads,
            "accessLines": n_access,
            "lambdaLines": n_lambda,
            "recordsKept": book.len(),
            "invocationsKept": index.len(),
            "matched": matched,
            "accessParseSeconds": access_parse_s,
            "accessLinesPerSecond": n_access as f64 / access_parse_s,
            "lambdaParseSeconds": lambda_parse_s,
            "lambdaLinesPerSecond": n_lambda as f64 / lambda_parse_s,
            "joinSeconds": join_s,
            "keepCorrelateSeconds": keep_correlate_s,
            "keepCorrelateShare": keep_correlate_s / pipeline_s,
            "pipelineSeconds": pipeline_s,
            "pipelineLinesPerSecond": (n_access + n_lambda) as f64 / pipeline_s,
        })
    );
}
