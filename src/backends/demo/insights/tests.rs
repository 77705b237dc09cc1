use super::*;

fn ev(ts: i64, group: &str, msg: &str) -> RawLogEvent {
    RawLogEvent {
        log_group: group.into(),
        log_stream: Some("s".into()),
        event_id: Some(ts.to_string()),
        timestamp_ms: ts,
        ingestion_ms: Some(ts),
        message: msg.into(),
    }
}

fn records() -> Vec<Record> {
    let access = |ts: i64, status: &str, route: &str, lat: &str| {
        ev(
            ts,
            "/aws/apigateway/x",
            &format!(
                r#"{{"requestId":"r{ts}","status":"{status}","routeKey":"{route}","responseLatency":"{lat}"}}"#
            ),
        )
    };
    let evs = [
        access(1_000, "200", "GET /orders", "12"),
        access(2_000, "500", "GET /report", "30"),
        access(3_000, "502", "GET /crash", "9"),
        access(4_000, "200", "GET /orders", "100"),
        ev(
            5_000,
            "/aws/lambda/f",
            "REPORT RequestId: 0b3c6a4e-0000-4000-8000-000000000001\tDuration: 12.50 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t",
        ),
    ];
    evs.iter()
        .enumerate()
        .map(|(i, e)| discover(e, "123456789012", &i.to_string()))
        .collect()
}

fn run(q: &str) -> Vec<Vec<(String, String)>> {
    evaluate(&parse(q).unwrap(), records(), None)
}

fn col(rows: &[Vec<(String, String)>], name: &str) -> Vec<String> {
    rows.iter()
        .map(|r| {
            r.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn discovers_json_and_lambda_fields() {
    let r = &records()[4];
    assert_eq!(r["@type"], "REPORT");
    assert_eq!(r["@duration"], "12.50");
    assert_eq!(r["@billedDuration"], "13");
    assert_eq!(r["@maxMemoryUsed"], "40");
    assert_eq!(r["@log"], "123456789012:/aws/lambda/f");
    assert_eq!(records()[0]["routeKey"], "GET /orders");
    assert_eq!(records()[0]["@timestamp"], "1970-01-01 00:00:01.000");
}

#[test]
fn no_commands_gives_timestamp_and_message_newest_first_with_ptr() {
    let rows = run("");
    assert_eq!(rows.len(), 5);
    assert_eq!(rows[0][0].0, "@timestamp");
    assert_eq!(rows[0][1].0, "@message");
    assert_eq!(rows[0][2], ("@ptr".to_string(), "4".to_string()));
}

#[test]
fn fields_filter_sort_limit() {
    let rows = run(
        "fields @timestamp, requestId, status as code\n| filter status like /^5/ | sort @timestamp asc | limit 1",
    );
    assert_eq!(rows.len(), 1);
    assert_eq!(col(&rows, "requestId"), ["r2000"]);
    assert_eq!(col(&rows, "code"), ["500"]);
}

#[test]
fn filter_operators() {
    let ids = |q: &str| {
        col(
            &run(&format!("fields requestId | filter {q} | sort requestId")),
            "requestId",
        )
    };
    assert_eq!(ids(r#"status = "200""#), ["r1000", "r4000"]);
    assert_eq!(ids("status = 200"), ["r1000", "r4000"]);
    assert_eq!(ids(r#"status != "200""#), ["r2000", "r3000"]);
    assert_eq!(ids("responseLatency > 20"), ["r2000", "r4000"]);
    assert_eq!(ids("responseLatency < 10"), ["r3000"]);
    assert_eq!(ids(r#"routeKey like "crash""#), ["r3000"]);
    assert_eq!(ids("status = 500 or status = 502"), ["r2000", "r3000"]);
    assert_eq!(ids("status = 200 and responseLatency >= 100"), ["r4000"]);
    assert_eq!(
        ids("not (status = 200) and ispresent_never_missing"),
        Vec::<String>::new()
    );
    assert_eq!(ids("status in [500, 502]"), ["r2000", "r3000"]);
    assert_eq!(ids("routeKey =~ /(?i)get \\/REPORT/"), ["r2000"]);
    assert_eq!(ids(r#"status not like /^2/"#), ["r2000", "r3000"]);
}

#[test]
fn stats_count_by_field() {
    let rows = run(
        "filter ispresent_status or status like /./ | stats count(*) as n by status | sort n desc",
    );
    assert_eq!(
        rows,
        vec![
            vec![
                ("status".to_string(), "200".to_string()),
                ("n".to_string(), "2".to_string())
            ],
            vec![
                ("status".to_string(), "500".to_string()),
                ("n".to_string(), "1".to_string())
            ],
            vec![
                ("status".to_string(), "502".to_string()),
                ("n".to_string(), "1".to_string())
            ],
        ]
    );
    let rows = run("stats count() by routeKey, status");
    assert!(
        rows.iter()
            .any(|r| r[0].1 == "GET /orders" && r[2] == ("count()".to_string(), "2".to_string()))
    );
    let rows = run(
        "filter status = 200 | stats avg(responseLatency) as avg, max(responseLatency), sum(responseLatency)",
    );
    assert_eq!(
        rows[0],
        vec![
            ("avg".to_string(), "56".to_string()),
            ("max(responseLatency)".to_string(), "100".to_string()),
            ("sum(responseLatency)".to_string(), "112".to_string()),
        ]
    );
}

#[test]
fn comments_and_errors() {
    assert_eq!(
        run("# all 5xx\nfilter status like /^5/ # trailing\n| limit 10").len(),
        2
    );
    for (q, want) in [
        (
            "parse @message 'x'",
            "does not support the command \"parse\"",
        ),
        ("filter status like", "expected \"text\" or /regex/"),
        ("limit 0", "limit needs a positive number"),
        ("filter status like /[/", "invalid regex"),
        ("fields a b", "unexpected b"),
        ("stats avg()", "avg() needs a field"),
        ("filter x = \"open", "unterminated"),
    ] {
        let err = parse(q).unwrap_err();
        assert!(err.contains(want), "{q}: {err}");
    }
}

/// Issue 12 case 6: the `errors` preset against access lines in the recommended formats
/// (every line carries the keys `integrationError`, `errorMessage`...) and Lambda lines.
#[test]
fn the_errors_preset_matches_error_values_not_key_names() {
    use crate::app::logs::insights::resolve_query;
    use crate::backends::demo::access_logging::{ContextVars, render};
    use crate::engines::access_log::{RECOMMENDED_HTTP, RECOMMENDED_REST};

    let access = |id: &str, status: &str, extra: &[(&'static str, &str)]| {
        let mut vars = ContextVars::new();
        vars.insert("requestId", id.into());
        vars.insert("status", status.into());
        vars.insert("routeKey", "GET /orders".into());
        for (k, v) in extra {
            vars.insert(k, (*v).into());
        }
        vars
    };
    let cases: Vec<(ContextVars, bool)> = vec![
        (access("ok200", "200", &[]), false),
        (
            access("created201", "201", &[("integration.status", "201")]),
            false,
        ),
        (access("redirect302", "302", &[]), false),
        (
            access(
                "bad502",
                "502",
                &[("integrationErrorMessage", "Malformed Lambda proxy response")],
            ),
            true,
        ),
        (
            access(
                "unauth401",
                "401",
                &[
                    ("error.message", "Unauthorized"),
                    ("error.responseType", "UNAUTHORIZED"),
                ],
            ),
            true,
        ),
        (access("throttled429", "429", &[]), true),
        // An error message on a status that is not 4xx/5xx still counts.
        (
            access(
                "autherr200",
                "200",
                &[("authorizer.error", "The authorizer timed out")],
            ),
            true,
        ),
    ];
    let id = "0b3c6a4e-0000-4000-8000-000000000001";
    let lambda: Vec<(String, bool)> = vec![
        (format!("START RequestId: {id} Version: $LATEST"), false),
        (format!("END RequestId: {id}"), false),
        (
            format!(
                "REPORT RequestId: {id}\tDuration: 1.00 ms\tBilled Duration: 1 ms\tMemory Size: 128 MB\tMax Memory Used: 40 MB\t"
            ),
            false,
        ),
        (
            format!("2026-12-05T10:00:00.000Z\t{id}\tINFO\terrors so far: 0"),
            false,
        ),
        (
            r#"{"level":"INFO","message":"no error, no exception"}"#.into(),
            false,
        ),
        (
            format!("2026-12-05T10:00:00.000Z\t{id}\tERROR\tInvoke Error"),
            true,
        ),
        (
            format!("[ERROR]\t2026-12-05T10:00:00.000Z\t{id}\tKeyError: 'x'"),
            true,
        ),
        (r#"{"level":"ERROR","message":"db down"}"#.into(), true),
        (
            r#"{"errorType":"TypeError","errorMessage":"x is undefined","stackTrace":[]}"#.into(),
            true,
        ),
        (
            format!("2026-12-05T10:00:03.000Z {id} Task timed out after 3.00 seconds"),
            true,
        ),
    ];
    let mut evs = Vec::new();
    let mut expected = Vec::new();
    let mut ts = 0;
    for fmt in [RECOMMENDED_HTTP, RECOMMENDED_REST] {
        for (vars, is_error) in &cases {
            ts += 1;
            let line = render(fmt, vars);
            // The keys are in every line, 200s included: that is what broke the old query.
            assert!(
                line.contains("\"integrationError\":\"-\"") || *is_error,
                "{line}"
            );
            evs.push(ev(ts, "/aws/apigateway/x", &line));
            expected.push((line, *is_error));
        }
    }
    for (line, is_error) in lambda {
        ts += 1;
        evs.push(ev(ts, "/aws/lambda/f", &line));
        expected.push((line, is_error));
    }
    let records: Vec<Record> = evs
        .iter()
        .enumerate()
        .map(|(i, e)| discover(e, "123456789012", &i.to_string()))
        .collect();
    let matched = |q: &str| -> Vec<String> {
        let rows = evaluate(&parse(q).unwrap(), records.clone(), None);
        col(&rows, "@message")
    };
    let got = matched(&resolve_query("errors", 1000));
    let wrong: Vec<String> = expected
        .iter()
        .filter(|(line, is_error)| got.contains(line) != *is_error)
        .map(|(line, is_error)| format!("expected match={is_error}: {line}"))
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The preset before the fix matched every record, 200s and REPORT lines included.
    let old = "fields @timestamp, @message | filter status like /^[45]/ or @message like /(?i)(error|exception|task timed out)/";
    assert!(matched(old).len() > got.len());
    assert!(
        matched(old)
            .iter()
            .any(|m| m.contains("\"requestId\":\"ok200\""))
    );
}

/// The demo answers gatescope's own named queries (`slowest` uses `ispresent(...)`).
#[test]
fn every_named_query_runs_in_the_demo() {
    for q in crate::app::logs::default_queries(10) {
        let commands = parse(&q.query).unwrap_or_else(|e| panic!("{}: {e}", q.name));
        let rows = evaluate(&commands, records(), None);
        match q.name {
            "recent" => assert_eq!(rows.len(), 5),
            "errors" => assert_eq!(rows.len(), 2, "the 500 and the 502"),
            "slowest" => assert_eq!(col(&rows, "responseLatency"), ["100", "30", "12", "9"]),
            other => panic!("a new named query {other}: add its expectation"),
        }
    }
}
