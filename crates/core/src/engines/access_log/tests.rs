//! Table tests: every console preset and the reference's formats, rendered the
//! way API Gateway renders them (variables substituted into the template),
//! then parsed back.

use super::presets::*;
use super::*;

/// Values API Gateway would substitute (HTTP API shapes).
fn values() -> Vec<(&'static str, &'static str)> {
    vec![
        ("requestId", "LV7fzho-PHcEJPw="),
        ("extendedRequestId", "K2G9wEbUoAMEvag="),
        ("identity.sourceIp", "203.0.113.9"),
        ("identity.caller", "-"),
        ("identity.user", "-"),
        ("identity.userAgent", "curl/8.5.0"),
        ("requestTime", "25/Nov/2026:09:41:05 +0000"),
        ("requestTimeEpoch", "1795599665123"),
        ("httpMethod", "GET"),
        ("routeKey", "GET /pets/{id}"),
        ("resourcePath", "/pets/{id}"),
        ("path", "/prod/pets/7"),
        ("protocol", "HTTP/1.1"),
        ("status", "502"),
        ("responseLength", "35"),
        ("responseLatency", "41"),
        ("integrationLatency", "38"),
        ("integrationStatus", "200"),
        ("integration.status", "-"),
        (
            "integration.requestId",
            "8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b",
        ),
        (
            "integrationErrorMessage",
            "The Lambda function returned the following error: boom",
        ),
        ("authorizer.error", "-"),
        ("error.message", "Internal Server Error"),
        ("error.responseType", "-"),
        ("domainName", "abc.execute-api.eu-west-1.amazonaws.com"),
        ("stage", "prod"),
        ("xrayTraceId", "-"),
        ("authorize.status", "-"),
        ("authorizer.integrationLatency", "-"),
    ]
}

/// Substitute variables the way API Gateway does: longest names first so
/// `$context.integration.status` is not eaten by `$context.integration...`.
fn render(format: &str, vals: &[(&str, &str)]) -> String {
    let mut sorted: Vec<_> = vals.to_vec();
    sorted.sort_by_key(|(k, _)| std::cmp::Reverse(k.len()));
    let mut out = format.to_string();
    for (k, v) in sorted {
        out = out.replace(&format!("$context.{k}"), v);
    }
    out
}

fn check_common(fmt: &str, r: &AccessLogRecord) {
    assert_eq!(r.request_id.as_deref(), Some("LV7fzho-PHcEJPw="), "{fmt}");
    assert_eq!(r.http_method.as_deref(), Some("GET"), "{fmt}");
    assert_eq!(r.status, Some(502), "{fmt}");
    assert_eq!(r.response_length, Some(35), "{fmt}");
    assert_eq!(r.source_ip.as_deref(), Some("203.0.113.9"), "{fmt}");
    assert_eq!(r.route_key.as_deref(), Some("GET /pets/{id}"), "{fmt}");
    // requestTime (second precision) or requestTimeEpoch.
    assert!(
        (r.timestamp_ms - 1_795_599_665_000).abs() < 1000,
        "{fmt}: {}",
        r.timestamp_ms
    );
    assert!(!r.fields.contains_key("identity.caller"), "- is missing");
}

#[test]
fn every_console_preset_round_trips() {
    let vals = values();
    for fmt in [
        HTTP_CLF, HTTP_JSON, HTTP_XML, HTTP_CSV, REST_CLF, REST_JSON, REST_XML, REST_CSV,
    ] {
        let f = AccessLogFormat::new(fmt);
        let line = render(fmt, &vals);
        let r = f
            .parse(&line, 1)
            .unwrap_or_else(|e| panic!("{fmt}\n{line}\n{e}"));
        check_common(fmt, &r);
        assert_eq!(
            r.fields.get("protocol").map(crate::domain::Text::as_str),
            Some("HTTP/1.1")
        );
        assert_eq!(r.raw, line);
    }
}

#[test]
fn recommended_formats_carry_the_correlation_fields() {
    let vals = values();
    for fmt in [RECOMMENDED_HTTP, RECOMMENDED_REST] {
        let f = AccessLogFormat::new(fmt);
        let r = f.parse(&render(fmt, &vals), 1).unwrap();
        check_common(fmt, &r);
        assert_eq!(r.timestamp_ms, 1_795_599_665_123);
        assert_eq!(
            r.integration_request_id.as_deref(),
            Some("8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b")
        );
        assert_eq!(r.integration_status, Some(200));
        assert_eq!(r.function_status, None);
        assert_eq!(r.latency_ms, Some(41.0));
        assert_eq!(r.integration_latency_ms, Some(38.0));
        assert!(r.integration_error.as_deref().unwrap().ends_with("boom"));
        assert_eq!(r.error_message.as_deref(), Some("Internal Server Error"));
        assert_eq!(r.stage.as_deref(), Some("prod"));
    }
}

#[test]
fn unescaped_quotes_in_json_fall_back_to_the_template() {
    let fmt = RECOMMENDED_HTTP;
    let mut vals = values();
    for v in vals.iter_mut() {
        if v.0 == "integrationErrorMessage" {
            v.1 = r#"Lambda body contains the wrong type for field "body""#;
        }
    }
    let line = render(fmt, &vals);
    assert!(serde_json::from_str::<serde_json::Value>(&line).is_err());
    let r = AccessLogFormat::new(fmt).parse(&line, 0).unwrap();
    assert_eq!(
        r.integration_error.as_deref(),
        Some(r#"Lambda body contains the wrong type for field "body""#)
    );
    assert_eq!(r.status, Some(502));
    assert_eq!(r.stage.as_deref(), Some("prod"));
}

#[test]
fn unquoted_dash_in_json_falls_back() {
    let f = AccessLogFormat::new(
        r#"{"id":"$context.requestId","lat":$context.integrationLatency,"s":$context.status}"#,
    );
    let r = f.parse(r#"{"id":"x","lat":-,"s":404}"#, 5).unwrap();
    assert_eq!(r.request_id.as_deref(), Some("x"));
    assert_eq!(r.integration_latency_ms, None);
    assert_eq!(r.status, Some(404));
    let r = f.parse(r#"{"id":"y","lat":12,"s":200}"#, 5).unwrap();
    assert_eq!(r.integration_latency_ms, Some(12.0));
    assert_eq!(r.timestamp_ms, 5);
}

#[test]
fn json_key_order_and_spacing_do_not_matter() {
    let f = AccessLogFormat::new(HTTP_JSON);
    let r = f
        .parse(
            r#"{"status":"200","requestId":"abc","extra":"kept","routeKey":"$default"}"#,
            0,
        )
        .unwrap();
    assert_eq!(r.status, Some(200));
    assert_eq!(r.route_key.as_deref(), Some("$default"));
    assert_eq!(
        r.fields.get("extra").map(crate::domain::Text::as_str),
        Some("kept")
    );
}

#[test]
fn escaped_json_values_are_unescaped() {
    let f = AccessLogFormat::new(RECOMMENDED_HTTP);
    let r = f
        .parse(r#"{"requestId":"a","integrationError":"say \"hi\"\n"}"#, 0)
        .unwrap();
    assert_eq!(r.integration_error.as_deref(), Some("say \"hi\""));
}

#[test]
fn xml_entities_are_decoded() {
    let f = AccessLogFormat::new(HTTP_XML);
    let mut vals = values();
    for v in vals.iter_mut() {
        if v.0 == "routeKey" {
            v.1 = "GET /a&amp;b";
        }
    }
    let r = f.parse(&render(HTTP_XML, &vals), 0).unwrap();
    assert_eq!(r.route_key.as_deref(), Some("GET /a&b"));
}

#[test]
fn lines_that_do_not_fit_stay_visible() {
    let f = AccessLogFormat::new(HTTP_CLF);
    assert_eq!(f.parse("", 0), Err(AccessParseError::Empty));
    assert_eq!(f.parse("garbage", 0), Err(AccessParseError::NoMatch));
    let r = f.parse_lenient("garbage\n", 9);
    assert_eq!(
        (r.raw.as_str(), r.timestamp_ms, r.status),
        ("garbage", 9, None)
    );
}

#[test]
fn json_lines_under_a_non_json_format_use_the_usual_keys() {
    let f = AccessLogFormat::new(HTTP_CLF);
    let r = f
        .parse(
            r#"{"requestId":"q","status":"500","integrationRequestId":"L"}"#,
            0,
        )
        .unwrap();
    assert_eq!(r.status, Some(500));
    assert_eq!(r.integration_request_id.as_deref(), Some("L"));
}

#[test]
fn message_string_quotes_are_dropped() {
    let f = AccessLogFormat::new("$context.requestId $context.error.messageString");
    let r = f.parse(r#"abc "Not Found""#, 0).unwrap();
    assert_eq!(r.error_message.as_deref(), Some("Not Found"));
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]

        /// Any line, any format: no panic, and a parsed record keeps the raw line.
        #[test]
        fn never_panics(fmt in "\\PC{0,80}", line in "\\PC{0,200}") {
            for f in [AccessLogFormat::new(&fmt), AccessLogFormat::new(HTTP_CLF), AccessLogFormat::new(RECOMMENDED_HTTP)] {
                if let Ok(r) = f.parse(&line, 0) {
                    prop_assert_eq!(r.raw, line.trim_end_matches(['\n', '\r']));
                }
                let _ = f.parse_lenient(&line, 0);
            }
        }

        /// Values without the template's delimiters round-trip through CLF.
        #[test]
        fn clf_round_trip(ip in "[0-9.]{1,15}", rid in "[A-Za-z0-9=][A-Za-z0-9=-]{0,19}", status in 100u16..600) {
            let vals = [("identity.sourceIp", ip.as_str()), ("requestId", rid.as_str()), ("requestTime", "25/Nov/2026:09:41:05 +0000"),
                ("httpMethod", "GET"), ("routeKey", "GET /a b"), ("protocol", "HTTP/1.1"), ("responseLength", "1")];
            let st = status.to_string();
            let mut vals = vals.to_vec();
            vals.push(("status", st.as_str()));
            let r = AccessLogFormat::new(HTTP_CLF).parse(&render(HTTP_CLF, &vals), 0).unwrap();
            prop_assert_eq!(r.request_id.as_deref(), Some(rid.as_str()));
            prop_assert_eq!(r.status, Some(status));
            prop_assert_eq!(r.route_key.as_deref(), Some("GET /a b"));
        }
    }
}
