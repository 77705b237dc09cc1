//! Memory and frame time of the logs TUI holding 100 k records (used by
//! `scripts/bench-logs`), printed as JSON.
//!
//! It does what the TUI does with a tail: the feed's [`LogBook`] (capacity
//! 100 k, the default buffer) ingests pages of access and Lambda lines with
//! `ingest_changes`, the correlated records become the page's rows as the
//! feed task makes them (`feed_rows`), and the page's record store receives
//! them (`LogsPage::add_rows`); then frames are drawn into ratatui's
//! TestBackend (200 x 50), without and with a filter. The peer is the input
//! itself: the bytes of the lines held, so the figure reads "RSS is N times
//! the log text kept".
//!
//! `logs_tui_memory ACCESS_FILE LAMBDA_FILE [N_ACCESS]` (default 100000;
//! the Lambda file is read until its lines have been offered too).

use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use gatescope::app::logs::kept::KeptRecord;
use gatescope::app::logs::row::{Row, feed_rows};
use gatescope::app::logs::{LogBook, LogTargets};
use gatescope::domain::{ApiType, CorrelatedRecord, RawLogEvent};
use gatescope::engines::access_log::{RECOMMENDED_HTTP, check_format};
use gatescope::ui::components::styles::BodyStyles;
use gatescope::ui::views::logs::filter::LogFilter;
use gatescope::ui::views::logs::page::LogsPage;
use gatescope::ui::views::logs::store::RecordStore;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

const PAGE: usize = 2_000;

/// `VmHWM` / `VmRSS` of this process, in kB.
fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The next `max` lines of a file as CloudWatch events of one group.
fn page(
    lines: &mut impl Iterator<Item = std::io::Result<String>>,
    max: usize,
    group: &str,
    stream: Option<&str>,
    bytes: &mut usize,
) -> Vec<RawLogEvent> {
    lines
        .take(max)
        .map(|l| {
            let message = l.expect("read");
            *bytes += message.len() + 1;
            RawLogEvent {
                log_group: group.to_string(),
                log_stream: stream.map(str::to_string),
                timestamp_ms: 0,
                message,
                ..Default::default()
            }
        })
        .collect()
}

/// Median of `n` frames, in ms.
fn frame_ms(page: &mut LogsPage, term: &mut Terminal<TestBackend>, n: usize) -> f64 {
    let styles = BodyStyles::default();
    let mut t: Vec<f64> = (0..n)
        .map(|_| {
            let s = Instant::now();
            term.draw(|f| page.render(f, f.area(), &styles))
                .expect("draw");
            s.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[n / 2]
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() < 3 {
        eprintln!("usage: logs_tui_memory ACCESS_FILE LAMBDA_FILE [N_ACCESS]");
        std::process::exit(2);
    }
    let n: usize = args.get(3).and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let open = |p: &str| {
        BufReader::new(std::fs::File::open(p).unwrap_or_else(|e| panic!("{p}: {e}"))).lines()
    };
    let (mut access, mut lambda) = (open(&args[1]), open(&args[2]));
    let before_kb = status_kb("VmRSS:");

    let t = Instant::now();
    // The stage as discovery reports it: HTTP API, the recommended format,
    // routes not known (events rebuilt for every record that reached an
    // integration, the most there can be).
    let targets = LogTargets {
        api_id: "abc".into(),
        stage: "prod".into(),
        api_type: ApiType::Http,
        access_group: Some("/aws/apigateway/bench".into()),
        access_format: Some(RECOMMENDED_HTTP.into()),
        advice: check_format(Some(RECOMMENDED_HTTP), ApiType::Http),
        lambdas: vec![],
        payload_by_route: Default::default(),
        notes: vec![],
        domain_name: Some("abc.execute-api.eu-west-1.amazonaws.com".into()),
    };
    let mut book = LogBook::new(&targets, n);
    let mut page_view = LogsPage::new("bench / prod", RecordStore::with_capacity(n));
    page_view.targets = Some(targets);
    let mut input_bytes = 0;
    // Time spent in the page's store (the UI thread's share of the load;
    // the rest is the feed task's).
    let mut page_s = 0.0;
    // n access lines and as many Lambda lines (n / 4 invocations), in pages
    // as a tail delivers them.
    let mut left = n;
    while left > 0 {
        let take = left.min(PAGE);
        left -= take;
        let a = page(
            &mut access,
            take,
            "/aws/apigateway/bench",
            None,
            &mut input_bytes,
        );
        let l = page(
            &mut lambda,
            take,
            "/aws/lambda/bench",
            Some("2026/11/25/[$LATEST]abc"),
            &mut input_bytes,
        );
        for changes in [book.ingest_changes(&a), book.ingest_changes(&l)] {
            // What the feed task sends: the page's rows, made off the UI thread.
            let rows = feed_rows(changes, book.format());
            let s = Instant::now();
            page_view.add_rows(rows);
            page_s += s.elapsed().as_secs_f64();
        }
    }
    let load_s = t.elapsed().as_secs_f64();
    let mut page = page_view;
    let records = page.store.view_len();
    let held_kb = status_kb("VmRSS:");
    let peak_kb = status_kb("VmHWM:");

    // The peer, same run: the page's records held once more, as its rows
    // (`Row`: the line shared, what the table reads, the record parsed
    // again when opened), as `KeptRecord`s (the layout before) and as
    // `CorrelatedRecord`s (the one before that), pushed one by one as the
    // page's ring grows; the RSS each copy adds is what that layout costs
    // (line texts shared in all). All stay held until all are measured:
    // freed memory would be reused.
    fn copies<T>(page: &LogsPage, make: impl Fn(&Row) -> T) -> (VecDeque<T>, u64) {
        let before = status_kb("VmRSS:");
        let mut held = VecDeque::new();
        for i in 0..page.store.view_len() {
            if let Some((_, r)) = page.store.view_get(i) {
                held.push_back(make(r));
            }
        }
        let grown = status_kb("VmRSS:").saturating_sub(before);
        (held, grown)
    }
    let parsed = (0..page.store.view_len())
        .filter(|&i| page.store.view_get(i).is_some_and(|(_, r)| r.is_parsed()))
        .count();
    let (row_copy, as_row_kb) = copies(&page, Row::clone);
    let (kept_copy, as_kept_kb) = copies(&page, |r| KeptRecord::from(r.to_record()));
    let (correlated_copy, as_correlated_kb) =
        copies(&page, |r| -> CorrelatedRecord { r.to_record() });
    drop((row_copy, kept_copy, correlated_copy));

    let mut term = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    let frame = frame_ms(&mut page, &mut term, 21);
    page.store
        .set_filter(LogFilter::parse("status:5xx route:/pets"));
    let filtered = page.store.view_len();
    let frame_filtered = frame_ms(&mut page, &mut term, 21);
    println!(
        "{}",
        serde_json::json!({
            "records": records,
            "recordsFiltered": filtered,
            "inputBytes": input_bytes,
            "loadSeconds": load_s,
            "pageSeconds": page_s,
            "rssBeforeKb": before_kb,
            "rssHeldKb": held_kb,
            "peakRssKb": peak_kb,
            "frameMs": frame,
            "frameFilteredMs": frame_filtered,
            "recordsAsCorrelatedKb": as_correlated_kb,
            "recordsAsKeptKb": as_kept_kb,
            "recordsAsRowKb": as_row_kb,
            "rowsKeptAsLines": parsed,
        })
    );
}
