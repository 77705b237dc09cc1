//! Properties: the doctor never panics on arbitrary evidence, every
//! non-info finding carries a fix, codes are known, and reconciling is
//! idempotent.

use proptest::prelude::*;

use super::test_support::*;
use super::{Evidence, diagnose, reconcile};
use crate::domain::*;

fn any_body() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(r#"{"message": "Internal server error"}"#.to_string()),
        Just(r#"{"message":"Internal Server Error"}"#.to_string()),
        Just(r#"{"message":"Not Found"}"#.to_string()),
        Just(r#"{"message":"Missing Authentication Token"}"#.to_string()),
        Just(r#"{"message":"Unauthorized"}"#.to_string()),
        Just(r#"{"message":"Forbidden"}"#.to_string()),
        Just(r#"{"message":"Too Many Requests"}"#.to_string()),
        Just(r#"{"message":null}"#.to_string()),
        ".{0,40}",
    ]
}

fn any_header() -> impl Strategy<Value = (String, String)> {
    (
        prop_oneof![
            Just("x-amzn-errortype".to_string()),
            Just("www-authenticate".to_string()),
            Just("apigw-requestid".to_string()),
            Just("access-control-allow-origin".to_string()),
            "[a-z-]{1,12}",
        ],
        ".{0,40}",
    )
}

fn any_access() -> impl Strategy<Value = AccessLogRecord> {
    (
        proptest::option::of(100u16..600),
        proptest::option::of(100u16..600),
        proptest::option::of(100u16..600),
        proptest::option::of(-1.0f64..40_000.0),
        proptest::option::of(".{0,60}"),
        proptest::option::of(".{0,60}"),
        proptest::option::of("[A-Z_]{0,20}"),
    )
        .prop_map(|(status, is, fs, lat, ie, ae, et)| AccessLogRecord {
            status,
            integration_status: is,
            function_status: fs,
            integration_latency_ms: lat,
            integration_error: ie.map(Into::into),
            authorizer_error: ae.map(Into::into),
            error_type: et.map(Into::into),
            ..Default::default()
        })
}

fn any_api() -> impl Strategy<Value = Option<Api>> {
    prop_oneof![
        Just(None),
        Just(Some(http_api())),
        Just(Some(rest_api())),
        Just(Some(http_api_named_stage()))
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_evidence_is_diagnosed_without_panic(
        api in any_api(),
        status in 100u16..600,
        headers in proptest::collection::vec(any_header(), 0..4),
        body in any_body(),
        method in prop_oneof![Just("GET"), Just("POST"), Just("OPTIONS"), Just("DELETE")],
        path in "(/[a-z{}]{0,6}){0,3}",
        req_headers in proptest::collection::vec(any_header(), 0..3),
        access in proptest::collection::vec(any_access(), 0..2),
        output in proptest::option::of(".{0,40}"),
    ) {
        let hdrs: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let rh: Vec<(&str, &str)> = req_headers.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut e: Evidence = ev(api, None, Some(req(method, &path, &rh)), resp(status, &hdrs, &body));
        e.access_logs = access;
        e.logs_searched = true;
        e.function_output = output;
        let findings = diagnose(&e);
        for f in &findings {
            // Every code is registered by construction; its fix is the registered one.
            let fix = f.fix.as_deref().unwrap_or_default();
            prop_assert!(f.code.is_registered_fix(fix), "{} carries a fix not registered for it: {}", f.code, fix);
        }
        prop_assert_eq!(reconcile(findings.clone()), findings);
    }
}
