use std::sync::Arc;

use super::*;
use crate::app::logs::insights::{InsightsConfig, InsightsRunner};
use crate::app::logs::memory::MemoryLogSource;
use crate::backends::log_source::QueryRequest;

fn row(pairs: &[(&str, &str)]) -> QueryRow {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn which_rows_need_their_record() {
    let table: &[(QueryRow, bool)] = &[
        (row(&[("@timestamp", "1"), ("@ptr", "p")]), true),
        (
            row(&[("@message", "{\"status\":\"200\"}"), ("@ptr", "p")]),
            false,
        ),
        (
            row(&[("@message", "{\"status\":\"20"), ("@ptr", "p")]),
            true,
        ),
        (
            row(&[("@message", "plain text line"), ("@ptr", "p")]),
            false,
        ),
        // Aggregates have no record behind them.
        (row(&[("status", "200"), ("count(*)", "4")]), false),
    ];
    for (r, want) in table {
        assert_eq!(needs_full_record(r), *want, "{r:?}");
    }
}

#[test]
fn merging_keeps_the_row_and_replaces_a_cut_message() {
    let mut r = row(&[("status", "502"), ("@message", "{\"sta"), ("@ptr", "p")]);
    merge_record(
        &mut r,
        BTreeMap::from([
            ("@message".to_string(), "{\"status\":\"502\"}".to_string()),
            ("status".to_string(), "ignored".to_string()),
            ("@logStream".to_string(), "s".to_string()),
        ]),
    );
    assert_eq!(
        r,
        row(&[
            ("status", "502"),
            ("@message", "{\"status\":\"502\"}"),
            ("@ptr", "p"),
            ("@logStream", "s")
        ])
    );
}

/// A query that selects no `@message` gets its lines back through `@ptr`.
#[tokio::test]
async fn rows_without_message_are_completed_with_get_log_record() {
    let src = Arc::new(MemoryLogSource::new());
    for i in 0..6 {
        src.push(
            "/access",
            "s",
            1_000_000 + i * 1000,
            &format!("{{\"n\":{i}}}"),
        );
    }
    let runner = InsightsRunner::new(
        src.clone(),
        InsightsConfig {
            poll_interval: std::time::Duration::from_millis(1),
            ..Default::default()
        },
    );
    let (_, rx) = tokio::sync::watch::channel(false);
    let out = runner
        .run(
            QueryRequest {
                log_groups: vec!["/access".into()],
                query: "fields @timestamp, @logStream | sort @timestamp desc".into(),
                start_s: 0,
                end_s: 2000,
                limit: None,
            },
            None,
            rx,
        )
        .await
        .unwrap();
    let mut rows = out.rows;
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| field(r, "@message").is_none()));
    // At most 4 fetched: the cap holds.
    assert!(complete_rows(src.as_ref(), &mut rows, 4).await.is_empty());
    assert_eq!(src.calls("GetLogRecord"), 4);
    let messages: Vec<_> = rows.iter().filter_map(|r| field(r, "@message")).collect();
    assert_eq!(
        messages,
        ["{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}"]
    );
    assert!(complete_rows(src.as_ref(), &mut rows, 100).await.is_empty());
    assert_eq!(src.calls("GetLogRecord"), 6);
    assert!(rows.iter().all(|r| !needs_full_record(r)));
}

#[tokio::test]
async fn a_source_without_get_log_record_fails_once() {
    struct NoRecords;
    #[async_trait::async_trait]
    impl LogSource for NoRecords {
        async fn filter_events(
            &self,
            _: crate::backends::log_source::FilterRequest,
        ) -> Result<crate::backends::log_source::FilterPage, BackendError> {
            Ok(Default::default())
        }
        async fn start_query(&self, _: QueryRequest) -> Result<String, BackendError> {
            Err(BackendError::unsupported("Insights"))
        }
        async fn query_results(
            &self,
            _: &str,
        ) -> Result<crate::backends::log_source::QueryResults, BackendError> {
            Err(BackendError::unsupported("Insights"))
        }
        async fn stop_query(&self, _: &str) -> Result<(), BackendError> {
            Ok(())
        }
        async fn live_tail(
            &self,
            _: &[String],
            _: Option<String>,
        ) -> Result<crate::backends::log_source::LiveTailStream, BackendError> {
            Err(BackendError::unsupported("live tail"))
        }
        async fn lambda_log_group(&self, _: &str) -> Result<String, BackendError> {
            Ok(String::new())
        }
    }
    let mut rows = vec![row(&[("@ptr", "a")]), row(&[("@ptr", "b")])];
    let problems = complete_rows(&NoRecords, &mut rows, 10).await;
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].kind, ErrorKind::Unsupported);
    assert!(problems[0].message.contains("GetLogRecord"));
}
