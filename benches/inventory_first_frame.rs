//! First frame with a warm cache: create the AWS backend (no network), read
//! the inventory cache of 500 HTTP APIs x 20 routes + 1 stage, put it in the
//! UI's shared state and render the first frame (the API list) into ratatui's
//! TestBackend. Target: under 50 ms. Run by `scripts/bench-inventory`.

use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use gatescope::app::inventory::InventoryCache;
use gatescope::backends::aws::{AwsOptions, backend};
use gatescope::domain::{AccessLogSettings, Api, Integration, Inventory, Protocol, Route, Stage};
use gatescope::ui::app::App;
use gatescope::ui::keymap::Keymap;
use gatescope::ui::shared::Shared;
use gatescope::ui::theme::Theme;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn inventory(apis: usize, routes: usize) -> Inventory {
    let apis = (0..apis)
        .map(|i| {
            let endpoint = format!("https://a{i:05}.execute-api.us-east-1.amazonaws.com");
            Api {
                id: format!("a{i:05}"),
                name: format!("bench-{i}"),
                protocol: Some(Protocol::Http),
                routes: (0..routes)
                    .map(|r| Route {
                        route_key: format!("GET /r{r}/{{id}}"),
                        route_id: Some(format!("r{r}")),
                        authorization_type: Some("NONE".into()),
                        integration: Some(Integration {
                            id: Some("i1".into()),
                            integration_type: Some("AWS_PROXY".into()),
                            uri: Some(
                                "arn:aws:lambda:us-east-1:123456789012:function:bench".into(),
                            ),
                            payload_format_version: Some("2.0".into()),
                            timeout_in_millis: Some(30000),
                            ..Integration::default()
                        }),
                        ..Route::default()
                    })
                    .collect(),
                stages: vec![Stage {
                    stage_name: "prod".into(),
                    auto_deploy: true,
                    invoke_url: Some(format!("{endpoint}/prod")),
                    access_log_settings: Some(AccessLogSettings {
                        destination_arn: Some("arn:aws:logs:us-east-1:1:log-group:bench".into()),
                        format: Some("$context.requestId".into()),
                    }),
                    ..Stage::default()
                }],
                endpoint: Some(endpoint),
                details_loaded: true,
                ..Api::default()
            }
        })
        .collect();
    Inventory {
        apis,
        fetched_at_ms: 0,
    }
}

fn first_frame(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let opts = AwsOptions {
        profile: Some("bench".into()),
        region: Some("us-east-1".into()),
        endpoint_url: Some("http://127.0.0.1:9".into()),
        ..Default::default()
    };
    let info = rt.block_on(backend(&opts)).unwrap().info;
    InventoryCache::in_dir(dir.path(), &info)
        .save(&inventory(500, 20))
        .unwrap();

    let mut group = c.benchmark_group("inventory_first_frame");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("backend_cache_load_render_500x20", |b| {
        b.iter(|| {
            rt.block_on(async {
                let backend = backend(&opts).await.unwrap();
                let cached = InventoryCache::in_dir(dir.path(), &backend.info)
                    .load()
                    .expect("warm cache");
                let mut shared = Shared::new(backend, Keymap::defaults(), Theme::plain());
                shared.inventory = gatescope::app::inventory::InventoryState::from_cache(cached);
                let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
                let mut app = App::new(shared, tx);
                let mut terminal = Terminal::new(TestBackend::new(160, 48)).unwrap();
                terminal.draw(|f| app.render(f)).unwrap();
                let buf = terminal.backend().buffer();
                // The list really shows the cached APIs.
                assert!(buf.content.iter().any(|c| c.symbol() == "b"));
            })
        })
    });
    group.bench_function("cache_load_only_500x20", |b| {
        let cache = InventoryCache::in_dir(dir.path(), &info);
        b.iter(|| cache.load().expect("warm cache"))
    });
    group.finish();
}

criterion_group!(benches, first_frame);
criterion_main!(benches);
