//! Engines throughput: proxy events built, responses interpreted, events
//! decoded and routes resolved per second. Each has a peer measured in the
//! same run, the bare serde_json work on the same data, so the README can
//! report ratios rather than machine-dependent absolute figures.
//!
//! `CARGO_TARGET_DIR=/work/bench-target cargo bench --bench engines`

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use gatescope::domain::{ApiType, PayloadFormat};
use gatescope::engines::event_build::{EventInput, build_event};
use gatescope::engines::event_decode::{decode, find_event_after};
use gatescope::engines::response::{ResponseContext, interpret};
use gatescope::engines::routing::Router;
use serde_json::Value;

fn input(api: ApiType, payload: PayloadFormat) -> EventInput {
    let mut i = EventInput::from_url(
        api,
        payload,
        "POST",
        "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/items/42?a=1&a=2&q=x",
        gatescope::app::seed(),
    );
    i.route_key = "POST /items/{id}".into();
    i.path_parameters = vec![("id".into(), "42".into())];
    i.stage = "prod".into();
    i.headers = (0..15)
        .map(|n| (format!("x-header-{n}"), format!("value {n}")))
        .chain([
            ("content-type".to_string(), "application/json".to_string()),
            ("cookie".to_string(), "a=1; b=2".to_string()),
        ])
        .collect();
    i.body = br#"{"name":"widget","count":3,"tags":["a","b"]}"#.to_vec();
    i.with_gateway_headers()
}

fn bench_build(c: &mut Criterion) {
    let mut g = c.benchmark_group("event_build");
    g.throughput(Throughput::Elements(1));
    let v2 = input(ApiType::Http, PayloadFormat::V2);
    let rest = input(ApiType::Rest, PayloadFormat::V1);
    let v2_text = serde_json::to_string(&build_event(&v2)).unwrap();
    g.bench_function("build v2", |b| b.iter(|| build_event(black_box(&v2))));
    g.bench_function("build rest", |b| b.iter(|| build_event(black_box(&rest))));
    // Peer: parsing the same event from JSON text (what the Lambda runtime does).
    g.bench_function("peer: serde_json parse of the v2 event", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&v2_text)).unwrap())
    });
    g.finish();
}

fn bench_interpret(c: &mut Criterion) {
    let mut g = c.benchmark_group("response");
    g.throughput(Throughput::Elements(1));
    let ok = br#"{"statusCode":200,"headers":{"content-type":"application/json","x-a":"1"},"multiValueHeaders":{"set-cookie":["a=1","b=2"]},"body":"{\"items\":[1,2,3],\"next\":null}"}"#;
    let bad = br#"{"statusCode":"abc","body":{"a":1},"ok":true}"#;
    let rest = ResponseContext::new(ApiType::Rest, PayloadFormat::V1);
    let http = ResponseContext::new(ApiType::Http, PayloadFormat::V2);
    g.bench_function("interpret ok (REST)", |b| {
        b.iter(|| interpret(black_box(ok), &rest))
    });
    g.bench_function("interpret ok (HTTP 2.0)", |b| {
        b.iter(|| interpret(black_box(ok), &http))
    });
    g.bench_function("interpret malformed (REST)", |b| {
        b.iter(|| interpret(black_box(bad), &rest))
    });
    // Peer: only parsing the same output.
    g.bench_function("peer: serde_json parse of the output", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(ok)).unwrap())
    });
    g.finish();
}

fn bench_decode(c: &mut Criterion) {
    let mut g = c.benchmark_group("event_decode");
    g.throughput(Throughput::Elements(1));
    let ev = serde_json::to_string(&build_event(&input(ApiType::Http, PayloadFormat::V2))).unwrap();
    let line = format!("2026-11-25T10:00:00.000Z\t8f5e2c1a-uuid\tINFO\tEvent: {ev}");
    g.bench_function("decode v2 text", |b| {
        b.iter(|| decode(serde_json::from_str(black_box(&ev)).unwrap()).unwrap())
    });
    g.bench_function("find event in a Lambda log line", |b| {
        b.iter(|| find_event_after(black_box(&line), "Event:").unwrap())
    });
    g.bench_function("peer: serde_json parse of the event", |b| {
        b.iter(|| serde_json::from_str::<Value>(black_box(&ev)).unwrap())
    });
    g.finish();
}

fn bench_routing(c: &mut Criterion) {
    let mut g = c.benchmark_group("routing");
    g.throughput(Throughput::Elements(1));
    let mut keys: Vec<String> = (0..48)
        .map(|n| format!("GET /svc{}/items/{{id}}/part{}", n % 8, n))
        .collect();
    keys.push("ANY /{proxy+}".into());
    keys.push("$default".into());
    let router = Router::new(ApiType::Http, &keys, ["$default", "prod"]);
    g.bench_function("resolve among 50 routes", |b| {
        b.iter(|| router.resolve("GET", black_box("/prod/svc3/items/42/part11")))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_build,
    bench_interpret,
    bench_decode,
    bench_routing
);
criterion_main!(benches);
