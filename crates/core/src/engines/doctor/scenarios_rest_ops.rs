//! Usage plans and API keys, custom domains, customised gateway responses and
//! the execution log, end to end through `diagnose` and `lint_api`.

use super::test_support::*;
use super::*;
use crate::domain::{
    Api, ApiKeyRef, CustomDomain, DomainMapping, GatewayResponse, PlanStage, Quota, Throttle,
    UsagePlan,
};
use crate::engines::exec_log::{group_by_request, parse_exec_line};

fn plan(api_id: &str) -> UsagePlan {
    UsagePlan {
        id: "plan1".into(),
        name: "basic".into(),
        api_stages: vec![PlanStage {
            api_id: api_id.into(),
            stage: "prod".into(),
            method_throttles: [(
                "/keyed/GET".to_string(),
                Throttle {
                    rate_limit: Some(1.0),
                    burst_limit: Some(1),
                },
            )]
            .into(),
        }],
        throttle: Some(Throttle {
            rate_limit: Some(5.0),
            burst_limit: Some(2),
        }),
        quota: Some(Quota {
            limit: 3,
            period: "DAY".into(),
            offset: 0,
        }),
        keys: vec![
            ApiKeyRef {
                id: "k1".into(),
                name: Some("partner-a".into()),
                enabled: Some(true),
            },
            ApiKeyRef {
                id: "k2".into(),
                name: Some("partner-b".into()),
                enabled: Some(false),
            },
        ],
        ..Default::default()
    }
}

fn keyed_api() -> Api {
    let mut api = rest_api();
    api.api_key_source = Some("HEADER".into());
    api.usage_plans = vec![plan(&api.id)];
    api
}

fn codes(found: &[Finding]) -> Vec<&str> {
    found.iter().map(|f| f.code.as_str()).collect()
}

fn joined(f: &Finding) -> String {
    f.evidence.join(" | ")
}

#[test]
fn forbidden_without_a_key_names_the_plan_its_keys_and_numbers() {
    let e = ev(
        Some(keyed_api()),
        Some("GET /keyed"),
        Some(req("GET", "/prod/keyed", &[])),
        resp(
            403,
            &[("x-amzn-ErrorType", "ForbiddenException")],
            r#"{"message":"Forbidden"}"#,
        ),
    );
    let found = diagnose(&Evidence {
        stage: Some("prod".into()),
        ..e
    });
    assert_eq!(found[0].code, FindingCode::ApiKeyInvalid, "{found:#?}");
    let text = joined(&found[0]);
    assert!(text.contains("the request sent no x-api-key"), "{text}");
    assert!(
        text.contains("usage plan `basic` (plan1) covers stage prod: quota 3 per DAY"),
        "{text}"
    );
    assert!(text.contains("partner-b (k2, DISABLED)"), "{text}");
    assert!(
        text.contains("`GET /keyed` rate 1 req/s, burst 1"),
        "{text}"
    );
    assert!(text.contains("API key source: HEADER"), "{text}");
}

/// apiKeySource AUTHORIZER: the key is the authorizer's
/// usageIdentifierKey, so "no x-api-key sent" would be wrong advice.
#[test]
fn forbidden_with_the_key_from_the_authorizer_never_says_no_key_was_sent() {
    let mut api = keyed_api();
    api.api_key_source = Some("AUTHORIZER".into());
    for headers in [&[][..], &[("x-api-key", "k")][..]] {
        let e = ev(
            Some(api.clone()),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", headers)),
            resp(
                403,
                &[("x-amzn-ErrorType", "ForbiddenException")],
                r#"{"message":"Forbidden"}"#,
            ),
        );
        let found = diagnose(&Evidence {
            stage: Some("prod".into()),
            ..e
        });
        let f = &found[0];
        assert_eq!(f.code, FindingCode::ApiKeyInvalid, "{found:#?}");
        assert!(f.title.contains("usageIdentifierKey"), "{}", f.title);
        let text = joined(f);
        assert!(!text.contains("sent no x-api-key"), "{text}");
        assert!(!text.contains("the request sent an x-api-key"), "{text}");
        assert!(text.contains("API key source: AUTHORIZER"), "{text}");
        assert!(
            text.contains("does not know which key the authorizer returned"),
            "{text}"
        );
        assert!(text.contains("usage plan `basic` (plan1)"), "{text}");
        let fix = f.fix.as_deref().unwrap_or_default();
        assert!(fix.contains("return `usageIdentifierKey`"), "{fix}");
        assert!(!fix.starts_with("Send `x-api-key"), "{fix}");
    }
}

#[test]
fn forbidden_with_a_key_but_no_plan_on_the_stage_says_every_key_fails() {
    let mut api = rest_api();
    api.usage_plans = vec![];
    let e = Evidence {
        stage: Some("prod".into()),
        ..ev(
            Some(api),
            Some("GET /keyed"),
            Some(req(
                "GET",
                "/prod/keyed",
                &[("x-api-key", "0123456789abcdefghij")],
            )),
            resp(403, &[], r#"{"message":"Forbidden"}"#),
        )
    };
    let found = diagnose(&e);
    let f = found
        .iter()
        .find(|f| f.code == FindingCode::ApiKeyInvalid)
        .unwrap();
    let text = joined(f);
    assert!(text.contains("no usage plan covers stage prod"), "{text}");
    assert!(
        !text.contains("0123456789abcdefghij"),
        "a key value reached the evidence"
    );
}

#[test]
fn limit_exceeded_shows_the_quota() {
    let e = Evidence {
        stage: Some("prod".into()),
        ..ev(
            Some(keyed_api()),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", &[("x-api-key", "k")])),
            resp(429, &[], r#"{"message":"Limit Exceeded"}"#),
        )
    };
    let found = diagnose(&e);
    assert_eq!(found[0].code, FindingCode::UsagePlanQuotaExceeded);
    assert!(
        joined(&found[0]).contains("quota 3 per DAY"),
        "{:?}",
        found[0]
    );
}

#[test]
fn too_many_requests_on_a_keyed_method_names_the_plan_throttle() {
    let e = Evidence {
        stage: Some("prod".into()),
        ..ev(
            Some(keyed_api()),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", &[("x-api-key", "k")])),
            resp(429, &[], r#"{"message":"Too Many Requests"}"#),
        )
    };
    let found = diagnose(&e);
    let f = found
        .iter()
        .find(|f| f.code == FindingCode::UsagePlanThrottled)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(
        f.fix.as_deref().unwrap().contains("--usage-plan-id plan1"),
        "{f:?}"
    );
    assert!(
        joined(f).contains("throttle rate 5 req/s, burst 2"),
        "{f:?}"
    );
}

#[test]
fn the_execution_log_confirms_the_key_throttle_with_its_numbers() {
    let rid = "0f0e0d0c-1111-4222-8333-444455556666";
    let lines = [
        format!(
            "({rid}) Verifying Usage Plan for request: {rid}. API Key: **********bMZHBg API Stage: abc/prod"
        ),
        format!(
            "({rid}) Key throttle limit exceeded for RestApi abc, Stage prod, Resource k0w8mc, HttpMethod GET. Limit: 1.00 Burst: 1"
        ),
        format!("({rid}) Method completed with status: 429"),
    ];
    let trace = group_by_request(lines.iter().map(|l| parse_exec_line(0, l)));
    let e = Evidence {
        stage: Some("prod".into()),
        exec_logs: vec![trace[0].summary.clone()],
        ..ev(
            Some(keyed_api()),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", &[("x-api-key", "k")])),
            resp(429, &[], r#"{"message":"Too Many Requests"}"#),
        )
    };
    let found = diagnose(&e);
    assert_eq!(found[0].code, FindingCode::UsagePlanThrottled, "{found:#?}");
    assert_eq!(found[0].certainty, Certainty::ConfirmedByLogs);
    assert!(
        joined(&found[0]).contains("limit 1 req/s, burst 1"),
        "{:?}",
        found[0]
    );
    // The logs overturn the guesses about stage or account limits.
    assert!(
        !codes(&found).contains(&"STAGE_THROTTLED")
            && !codes(&found).contains(&"ACCOUNT_THROTTLED"),
        "{found:#?}"
    );
}

#[test]
fn the_execution_log_says_why_the_key_was_refused() {
    let rid = "0f0e0d0c-1111-4222-8333-444455556666";
    let line = format!(
        "({rid}) API Key **********bMZHBg not authorized because method 'GET /keyed' requires API Key and API Key is not associated with a Usage Plan for API Stage abc/prod: No Usage Plan found for key and API Stage"
    );
    let trace = group_by_request([parse_exec_line(0, &line)]);
    let e = Evidence {
        exec_logs: vec![trace[0].summary.clone()],
        ..ev(
            Some(keyed_api()),
            Some("GET /keyed"),
            None,
            resp(403, &[], r#"{"message":"Forbidden"}"#),
        )
    };
    let found = diagnose(&e);
    assert_eq!(found[0].code, FindingCode::ApiKeyInvalid);
    assert_eq!(found[0].certainty, Certainty::ConfirmedByLogs);
    assert!(
        joined(&found[0]).contains("No Usage Plan found for key"),
        "{:?}",
        found[0]
    );
}

#[test]
fn a_customised_gateway_response_is_still_diagnosed() {
    let mut api = keyed_api();
    api.gateway_responses = vec![GatewayResponse {
        response_type: "INVALID_API_KEY".into(),
        status_code: Some("401".into()),
        response_templates: [(
            "application/json".to_string(),
            r#"{"error":"key please","detail":$context.error.messageString}"#.to_string(),
        )]
        .into(),
        ..Default::default()
    }];
    let e = Evidence {
        stage: Some("prod".into()),
        ..ev(
            Some(api),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", &[])),
            resp(401, &[], r#"{"error":"key please","detail":"Forbidden"}"#),
        )
    };
    let found = diagnose(&e);
    assert_eq!(found[0].code, FindingCode::ApiKeyInvalid, "{found:#?}");
    assert!(
        joined(&found[0]).contains("customises gateway response INVALID_API_KEY"),
        "{:?}",
        found[0]
    );
    // Not mistaken for a JWT or Lambda-authorizer 401.
    assert!(
        !codes(&found).iter().any(|c| c.starts_with("JWT")),
        "{found:#?}"
    );
}

#[test]
fn a_body_that_fits_no_customised_response_is_left_alone() {
    let mut api = keyed_api();
    api.gateway_responses = vec![GatewayResponse {
        response_type: "INVALID_API_KEY".into(),
        status_code: Some("401".into()),
        response_templates: [(
            "application/json".to_string(),
            r#"{"error":"key please"}"#.to_string(),
        )]
        .into(),
        ..Default::default()
    }];
    let e = ev(
        Some(api),
        Some("GET /keyed"),
        None,
        resp(401, &[], r#"{"error":"something the function said"}"#),
    );
    assert!(!codes(&diagnose(&e)).contains(&"API_KEY_INVALID"));
}

fn domain_api(stage: Option<&str>) -> Api {
    let mut api = rest_api();
    api.domains = vec![CustomDomain {
        domain_name: "api.example.com".into(),
        mappings: vec![DomainMapping {
            api_id: api.id.clone(),
            stage: stage.map(str::to_string),
            base_path: "v1".into(),
        }],
        ..Default::default()
    }];
    api
}

fn domain_req(path: &str) -> crate::domain::HttpRequest {
    crate::domain::HttpRequest::new("GET", format!("https://api.example.com{path}"))
}

#[test]
fn an_unmapped_base_path_is_explained_and_nothing_else_guessed() {
    let e = ev(
        Some(domain_api(Some("prod"))),
        None,
        Some(domain_req("/v2/items")),
        resp(
            403,
            &[("x-amzn-ErrorType", "ForbiddenException")],
            r#"{"message":"Forbidden"}"#,
        ),
    );
    let found = diagnose(&e);
    assert_eq!(codes(&found), ["CUSTOM_DOMAIN_NO_MAPPING"], "{found:#?}");
    let f = &found[0];
    assert!(joined(f).contains("`v1` → "), "{f:?}");
    assert!(joined(f).contains("leave no access log"), "{f:?}");
    assert!(
        f.fix
            .as_deref()
            .unwrap()
            .contains("https://api.example.com/v1/PATH"),
        "{f:?}"
    );
}

#[test]
fn the_stage_repeated_after_the_base_path_is_explained() {
    let e = ev(
        Some(domain_api(Some("prod"))),
        None,
        Some(domain_req("/v1/prod/items")),
        resp(403, &[], r#"{"message":"Missing Authentication Token"}"#),
    );
    let found = diagnose(&e);
    let f = found
        .iter()
        .find(|f| f.code == FindingCode::CustomDomainStageInPath)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(f.title.contains("repeats the stage `prod`"), "{f:?}");
}

#[test]
fn a_mapped_request_is_routed_as_its_execute_api_url() {
    // /v1/items → prod stage, resource /items exists: the 403 is not a routing problem
    // of the custom domain, and the disabled default endpoint does not apply.
    let mut api = domain_api(Some("prod"));
    api.disable_execute_api_endpoint = true;
    let e = ev(
        Some(api),
        None,
        Some(domain_req("/v1/nope")),
        resp(403, &[], r#"{"message":"Missing Authentication Token"}"#),
    );
    let found = diagnose(&e);
    assert!(
        !codes(&found).contains(&"EXECUTE_API_ENDPOINT_DISABLED"),
        "{found:#?}"
    );
    assert!(
        !codes(&found).contains(&"CUSTOM_DOMAIN_NO_MAPPING"),
        "{found:#?}"
    );
    assert!(
        codes(&found).contains(&"REST_NO_SUCH_RESOURCE"),
        "{found:#?}"
    );
    let f = found
        .iter()
        .find(|f| f.code == FindingCode::RestNoSuchResource)
        .unwrap();
    assert!(joined(f).contains("is mapped by `v1` to prod"), "{f:?}");
}

#[test]
fn x_api_key_to_an_http_api_is_a_warning() {
    let e = ev(
        Some(http_api()),
        Some("GET /items"),
        Some(req("GET", "/items", &[("x-api-key", "abc")])),
        resp(200, &[], "{}"),
    );
    let found = diagnose(&e);
    let f = found
        .iter()
        .find(|f| f.code == FindingCode::ApiKeyIgnoredByHttpApi)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert_eq!(f.severity, Severity::Warning);
    // Not for REST APIs, where the key means something.
    let e = ev(
        Some(rest_api()),
        Some("GET /items"),
        Some(req("GET", "/prod/items", &[("x-api-key", "abc")])),
        resp(200, &[], "{}"),
    );
    assert!(!codes(&diagnose(&e)).contains(&"API_KEY_IGNORED_BY_HTTP_API"));
}

#[test]
fn lint_flags_rest_execution_logging_off_and_data_trace_on() {
    let mut api = rest_api();
    let found = lint_api(&api, None, &[]);
    let off = found
        .iter()
        .find(|f| f.code == FindingCode::ExecutionLoggingOff)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(
        off.fix
            .as_deref()
            .unwrap()
            .contains("logging/loglevel,value=ERROR")
    );
    assert!(off.fix.as_deref().unwrap().contains(&api.id));
    let d = api.stages[0].default_route_settings.as_mut().unwrap();
    d.logging_level = Some("INFO".into());
    d.data_trace_enabled = Some(true);
    let found = lint_api(&api, None, &[]);
    assert!(!codes(&found).contains(&"EXECUTION_LOGGING_OFF"));
    let trace = found
        .iter()
        .find(|f| f.code == FindingCode::ExecutionDataTraceOn)
        .unwrap_or_else(|| panic!("{found:#?}"));
    assert!(
        joined(trace).contains("API-Gateway-Execution-Logs_"),
        "{trace:?}"
    );
    // HTTP APIs have no execution logs.
    assert!(!codes(&lint_api(&http_api(), None, &[])).contains(&"EXECUTION_LOGGING_OFF"));
}

#[test]
fn the_stage_repeated_after_the_base_path_comes_first_and_routing_guesses_give_way() {
    let e = ev(
        Some(domain_api(Some("prod"))),
        None,
        Some(domain_req("/v1/prod/items")),
        resp(403, &[], r#"{"message":"Missing Authentication Token"}"#),
    );
    let found = diagnose(&e);
    assert_eq!(codes(&found), ["CUSTOM_DOMAIN_STAGE_IN_PATH"], "{found:#?}");
}

#[test]
fn a_host_header_names_the_custom_domain_when_the_url_is_another_host() {
    // The request went to the domain's target (or the demo's loopback listener) with
    // `Host: api.example.com`: API Gateway picks the domain by that name.
    let mut r = crate::domain::HttpRequest::new("GET", "http://127.0.0.1:9/v2/items");
    r.headers
        .push(("Host".into(), "api.example.com:443".into()));
    let e = ev(
        Some(domain_api(Some("prod"))),
        None,
        Some(r),
        resp(
            403,
            &[("x-amzn-ErrorType", "ForbiddenException")],
            r#"{"message":"Forbidden"}"#,
        ),
    );
    let found = diagnose(&e);
    assert_eq!(codes(&found), ["CUSTOM_DOMAIN_NO_MAPPING"], "{found:#?}");
}

#[test]
fn a_plan_throttle_below_the_stage_limits_is_the_cause_not_the_stage() {
    let mut api = keyed_api();
    // The stage allows far more than the plan's method throttle (1 req/s, burst 1).
    for s in &mut api.stages {
        s.default_route_settings = Some(crate::domain::RouteSettings {
            throttling_rate_limit: Some(100.0),
            throttling_burst_limit: Some(50),
            ..Default::default()
        });
    }
    let e = Evidence {
        stage: Some("prod".into()),
        ..ev(
            Some(api),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", &[("x-api-key", "k")])),
            resp(
                429,
                &[("x-amzn-ErrorType", "TooManyRequestsException")],
                r#"{"message":"Too Many Requests"}"#,
            ),
        )
    };
    let found = diagnose(&e);
    assert_eq!(found[0].code, FindingCode::UsagePlanThrottled, "{found:#?}");
    assert!(
        !found.iter().any(|f| f.code == FindingCode::StageThrottled),
        "{found:#?}"
    );
    let text = joined(&found[0]);
    assert!(text.contains("`basic` rate 1 req/s, burst 1"), "{text}");
    assert!(text.contains("rate 100 req/s, burst 50"), "{text}");
    assert!(found[0].title.contains("`basic`"), "{:?}", found[0]);
}

#[test]
fn a_quota_429_in_the_access_log_stays_a_quota_finding() {
    let api = keyed_api();
    let rec = crate::domain::AccessLogRecord {
        status: Some(429),
        error_type: Some("QUOTA_EXCEEDED".into()),
        ..Default::default()
    };
    let e = Evidence {
        stage: Some("prod".into()),
        access_logs: vec![rec],
        ..ev(
            Some(api),
            Some("GET /keyed"),
            Some(req("GET", "/prod/keyed", &[("x-api-key", "k")])),
            resp(
                429,
                &[("x-amzn-ErrorType", "LimitExceededException")],
                r#"{"message":"Limit Exceeded"}"#,
            ),
        )
    };
    let found = diagnose(&e);
    assert_eq!(codes(&found), ["USAGE_PLAN_QUOTA_EXCEEDED"], "{found:#?}");
}
