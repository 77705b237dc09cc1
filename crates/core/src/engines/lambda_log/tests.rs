//! Table tests over the Lambda line shapes gatescope meets in log groups.

use super::*;
use crate::domain::EventKind;

const ID: &str = "8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b";

fn kind_name(k: &LambdaLineKind) -> &'static str {
    match k {
        LambdaLineKind::Start { .. } => "start",
        LambdaLineKind::End => "end",
        LambdaLineKind::Report(_) => "report",
        LambdaLineKind::Timeout { .. } => "timeout",
        LambdaLineKind::Log { .. } => "log",
        LambdaLineKind::Event => "event",
    }
}

#[test]
fn table_of_line_shapes() {
    let ev_v2 = r#"{"version":"2.0","routeKey":"GET /pets","rawPath":"/pets","requestContext":{"requestId":"LV7fzho-PHcEJPw=","http":{"method":"GET"}}}"#;
    let cases: Vec<(String, &str, Option<&str>, &str)> = vec![
        (
            format!("START RequestId: {ID} Version: $LATEST\n"),
            "start",
            Some(ID),
            "",
        ),
        (format!("END RequestId: {ID}\n"), "end", Some(ID), ""),
        (
            format!(
                "REPORT RequestId: {ID}\tDuration: 2.13 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\tInit Duration: 150.52 ms\t\n"
            ),
            "report",
            Some(ID),
            "",
        ),
        (
            format!("2024-01-01T00:00:00.000Z\t{ID}\tINFO\thello\n"),
            "log",
            Some(ID),
            "hello",
        ),
        (
            format!(
                "2024-01-01T00:00:00.000Z\t{ID}\tERROR\tInvoke Error \t{{\"errorType\":\"Error\"}}\n"
            ),
            "log",
            Some(ID),
            "Invoke Error \t{\"errorType\":\"Error\"}",
        ),
        (
            format!("[ERROR]\t2024-01-01T00:00:00.000Z\t{ID}\tKeyError: 'x'"),
            "log",
            Some(ID),
            "KeyError: 'x'",
        ),
        (
            format!("2024-01-01T00:00:03.000Z {ID} Task timed out after 3.00 seconds\n"),
            "timeout",
            Some(ID),
            "Task timed out after 3.00 seconds",
        ),
        (
            "plain print output\n".into(),
            "log",
            None,
            "plain print output",
        ),
        (
            format!("2024-01-01T00:00:00.000Z\t{ID}\tINFO\tEvent: {ev_v2}"),
            "event",
            Some(ID),
            "",
        ),
        (format!("Received event: {ev_v2}"), "event", None, ""),
        (ev_v2.to_string(), "event", None, ""),
        (
            format!(
                r#"{{"timestamp":"2024-01-01T00:00:00Z","level":"INFO","requestId":"{ID}","message":"json app line"}}"#
            ),
            "log",
            Some(ID),
            "json app line",
        ),
        (
            format!(
                r#"{{"level":"WARNING","message":"pt","function_request_id":"{ID}","xray_trace_id":"1-a-b","service":"svc"}}"#
            ),
            "log",
            Some(ID),
            "pt",
        ),
        (
            format!(
                r#"{{"time":"2024-01-01T00:00:00Z","type":"platform.start","record":{{"requestId":"{ID}","version":"$LATEST"}}}}"#
            ),
            "start",
            Some(ID),
            "",
        ),
        (
            format!(
                r#"{{"time":"2024-01-01T00:00:00Z","type":"platform.report","record":{{"requestId":"{ID}","metrics":{{"durationMs":1.5,"billedDurationMs":2,"memorySizeMB":128,"maxMemoryUsedMB":60}},"status":"success"}}}}"#
            ),
            "report",
            Some(ID),
            "",
        ),
        ("{not json at all".into(), "log", None, "{not json at all"),
        ("".into(), "log", None, ""),
    ];
    for (line, kind, id, msg) in cases {
        let l = parse_line("/aws/lambda/f", 1, &line);
        assert_eq!(kind_name(&l.kind), kind, "{line}");
        assert_eq!(l.request_id.as_deref(), id, "{line}");
        if !msg.is_empty() {
            assert_eq!(l.message, msg, "{line}");
        }
        assert_eq!(l.raw, line.trim_end_matches('\n'));
        assert_eq!(l.log_group, "/aws/lambda/f");
        if kind == "event" {
            let ev = l.event.as_ref().expect("decoded event");
            assert_eq!(ev.kind, EventKind::HttpV2);
            assert_eq!(ev.request_id.as_deref(), Some("LV7fzho-PHcEJPw="));
        }
    }
}

#[test]
fn report_figures_from_text() {
    let l = parse_line(
        "g",
        0,
        &format!(
            "REPORT RequestId: {ID}  Duration: 2.13 ms  Billed Duration: 3 ms  Memory Size: 128 MB  Max Memory Used: 67 MB"
        ),
    );
    let LambdaLineKind::Report(r) = l.kind else {
        panic!()
    };
    assert_eq!(r.duration_ms, Some(2.13));
    assert_eq!(r.billed_ms, Some(3.0));
    assert_eq!(r.memory_mb, Some(128));
    assert_eq!(r.max_memory_mb, Some(67));
    assert_eq!(r.init_ms, None);
}

#[test]
fn stream_context_attributes_lines_without_ids() {
    let mut p = LambdaLogParser::new();
    let ev = |stream: &str, msg: &str| RawLogEvent {
        log_group: "/aws/lambda/f".into(),
        log_stream: Some(stream.into()),
        message: msg.into(),
        ..Default::default()
    };
    p.parse(&ev(
        "s1",
        &format!("START RequestId: {ID} Version: $LATEST"),
    ));
    let other = "11111111-2222-3333-4444-555555555555";
    p.parse(&ev("s2", &format!("START RequestId: {other} Version: 1")));
    assert_eq!(p.parse(&ev("s1", "print")).request_id.as_deref(), Some(ID));
    assert_eq!(
        p.parse(&ev("s2", "print")).request_id.as_deref(),
        Some(other)
    );
    p.parse(&ev("s1", &format!("REPORT RequestId: {ID} Duration: 1 ms")));
    assert_eq!(p.parse(&ev("s1", "after")).request_id, None);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]

        #[test]
        fn never_panics_and_keeps_the_line(line in "\\PC{0,300}") {
            let l = parse_line("g", 0, &line);
            prop_assert_eq!(l.raw, line.trim_end_matches(['\n', '\r']));
        }

        #[test]
        fn report_figures_round_trip(d in 0.0f64..900_000.0, b in 1u64..900_000, m in 128u64..10_240, u in 1u64..10_240) {
            let line = format!("REPORT RequestId: {ID}\tDuration: {d:.2} ms\tBilled Duration: {b} ms\tMemory Size: {m} MB\tMax Memory Used: {u} MB\t");
            let LambdaLineKind::Report(r) = parse_line("g", 0, &line).kind else { panic!("{line}") };
            prop_assert_eq!(r.duration_ms, Some(format!("{d:.2}").parse::<f64>().unwrap()));
            prop_assert_eq!(r.billed_ms, Some(b as f64));
            prop_assert_eq!((r.memory_mb, r.max_memory_mb), (Some(m), Some(u)));
        }
    }
}
