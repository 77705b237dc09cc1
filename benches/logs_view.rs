//! The logs view must draw a frame in under 10 ms with 100k records loaded
//! and a filter applied. Measured here against the peer a straightforward
//! implementation would be: a ratatui `Table` holding every filtered row.
//!
//! `cargo bench --bench logs_view` (criterion; `cargo test --benches` runs
//! each case once).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use gatescope::domain::{
    AccessLogRecord, CorrelatedRecord, DecodedEvent, EventKind, LambdaLine, LambdaLineKind,
    LambdaReport,
};
use gatescope::ui::components::styles::BodyStyles;
use gatescope::ui::views::logs::filter::LogFilter;
use gatescope::ui::views::logs::page::LogsPage;
use gatescope::ui::views::logs::store::RecordStore;
use gatescope::ui::views::logs::table::row_line;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Constraint;
use ratatui::widgets::{Row, Table};

const N: usize = 100_000;
const W: u16 = 200;
const H: u16 = 50;

fn record(i: usize) -> CorrelatedRecord {
    let status = [200, 200, 201, 404, 502, 200, 500, 429][i % 8];
    let lambda_id = format!("5f0c{i:08}-aaaa-bbbb-cccc-000000000000");
    let line = |kind, msg: String| LambdaLine {
        timestamp_ms: 1_764_064_800_000 + i as i64,
        log_group: "/aws/lambda/orders".into(),
        request_id: Some(lambda_id.as_str().into()),
        kind,
        message: msg.as_str().into(),
        event: None,
        raw: msg.into(),
    };
    CorrelatedRecord {
        access: AccessLogRecord {
            timestamp_ms: 1_764_064_800_000 + i as i64 * 10,
            request_id: Some(format!("Req{i:08}=").into()),
            route_key: Some(format!("GET /orders/{{id}}/items{}", i % 13).into()),
            status: Some(status),
            integration_status: Some(200),
            latency_ms: Some((i % 997) as f64),
            integration_request_id: Some(lambda_id.as_str().into()),
            integration_error: (status >= 500).then(|| "The response from the Lambda function doesn't match the format that API Gateway expects.".into()),
            raw: format!("{{\"requestId\":\"Req{i:08}=\",\"status\":\"{status}\"}}").into(),
            ..Default::default()
        },
        lambda_lines: vec![
            line(LambdaLineKind::Start { version: None }, format!("START RequestId: {lambda_id}")),
            line(LambdaLineKind::Log { level: Some("INFO".into()) }, "handling order".into()),
            line(LambdaLineKind::End, format!("END RequestId: {lambda_id}")),
        ],
        report: Some(LambdaReport {
            duration_ms: Some(12.5),
            billed_ms: Some(13.0),
            memory_mb: Some(128),
            max_memory_mb: Some(70),
            ..Default::default()
        }),
        event: Some(DecodedEvent {
            kind: EventKind::HttpV2,
            method: Some("GET".into()),
            path: Some("/orders/1".into()),
            route_key: None,
            stage: Some("prod".into()),
            request_id: None,
            source_ip: None,
            body_text: None,
            body_was_base64: false,
            claims: None,
            scopes: vec![],
            raw: serde_json::json!({"version": "2.0", "rawPath": "/prod/orders/1", "headers": {"accept": "*/*"}}),
            reconstructed: false,
        }),
        unmatched: false,
        lambda_request_id: None,
        matched_by: None,
        timed_out: false,
    }
}

fn loaded_page() -> LogsPage {
    let mut store = RecordStore::with_capacity(N);
    store.extend((0..N).map(record));
    store.set_filter(LogFilter::parse("status:5xx route:/orders"));
    LogsPage::new("bench / prod", store)
}

fn bench(c: &mut Criterion) {
    let styles = BodyStyles::default();
    let mut term = Terminal::new(TestBackend::new(W, H)).expect("terminal");
    let mut page = loaded_page();
    assert_eq!(page.store.view_len(), N / 4, "filter keeps the 5xx quarter");

    let mut g = c.benchmark_group("logs_view_100k_filtered");
    g.bench_function("gatescope_frame", |b| {
        b.iter(|| {
            term.draw(|f| page.render(f, f.area(), &styles))
                .expect("draw");
        })
    });
    // Moving the selection rebuilds the detail pane (event JSON, Lambda lines).
    let down = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    let up = KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE);
    let mut flip = false;
    g.bench_function("gatescope_frame_after_selection_move", |b| {
        b.iter(|| {
            flip = !flip;
            page.handle_key(if flip { up } else { down });
            term.draw(|f| page.render(f, f.area(), &styles))
                .expect("draw");
        })
    });
    // The peer: every filtered row turned into a Table row on each frame.
    g.bench_function("peer_full_table_frame", |b| {
        b.iter(|| {
            let rows: Vec<Row> = (0..page.store.view_len())
                .filter_map(|i| page.store.view_get(i))
                .map(|(_, r)| Row::new(vec![row_line(r, W, &styles)]))
                .collect();
            let table = Table::new(rows, [Constraint::Fill(1)]);
            term.draw(|f| f.render_widget(table, f.area()))
                .expect("draw");
        })
    });
    g.finish();

    let mut g = c.benchmark_group("logs_store_100k");
    g.sample_size(10);
    g.bench_function("set_filter", |b| {
        b.iter(|| {
            page.store
                .set_filter(LogFilter::parse(black_box("error slow:100")));
        })
    });
    g.bench_function("append_1000_filtered", |b| {
        let mut i = N;
        b.iter(|| {
            page.store.extend((i..i + 1000).map(record));
            i += 1000;
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
