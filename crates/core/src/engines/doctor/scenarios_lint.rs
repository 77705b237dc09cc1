//! Scenario table for the configuration lint (no request at all).

use super::test_support::*;
use super::{FunctionConfig, has_errors, lint_api};
use crate::domain::*;

struct Row {
    name: &'static str,
    api: Api,
    functions: Vec<FunctionConfig>,
    expect: &'static [&'static str],
    absent: &'static [&'static str],
}

fn row(
    name: &'static str,
    api: Api,
    expect: &'static [&'static str],
    absent: &'static [&'static str],
) -> Row {
    Row {
        name,
        api,
        functions: vec![],
        expect,
        absent,
    }
}

fn run_lint(rows: Vec<Row>) {
    let mut failures = Vec::new();
    for r in rows {
        let findings = lint_api(&r.api, None, &r.functions);
        check_row(r.name, &findings, r.expect, r.absent, &mut failures);
        if findings
            .iter()
            .any(|f| f.certainty != Certainty::FromConfig)
        {
            failures.push(format!("{}: lint findings must be FromConfig", r.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} row(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn edit(f: impl FnOnce(&mut Api)) -> Api {
    let mut api = http_api();
    f(&mut api);
    api
}

fn cors(f: impl FnOnce(&mut Cors)) -> Api {
    edit(|a| {
        let mut c = Cors {
            allow_origins: vec!["https://app.example.com".into()],
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["content-type".into(), "authorization".into()],
            ..Default::default()
        };
        f(&mut c);
        a.cors = Some(c);
    })
}

#[test]
fn a_clean_api_has_no_warnings() {
    let findings = lint_api(&http_api(), None, &[]);
    assert!(
        findings.iter().all(|f| f.severity == Severity::Info),
        "{findings:#?}"
    );
    assert!(!has_errors(&findings));
}

#[test]
fn a_loopback_issuer_lints_clean_and_says_why() {
    // The demo's issuer (issue 12 case 5): http on loopback is information, not an error.
    let api = edit(|a| {
        a.authorizers[0].jwt_configuration.as_mut().unwrap().issuer =
            Some("http://127.0.0.1:4010/demo-issuer".into())
    });
    let findings = lint_api(&api, None, &[]);
    let f = findings
        .iter()
        .find(|f| f.code == "JWT_ISSUER_NOT_HTTPS")
        .expect("the rule still reports it");
    assert_eq!(f.severity, crate::domain::Severity::Info);
    assert!(f.code.is_registered_fix(f.fix.as_deref().unwrap()));
    assert!(f.fix.as_deref().unwrap().contains("loopback"));
    assert!(!has_errors(&findings), "{findings:?}");
}

#[test]
fn configuration_mistakes() {
    run_lint(vec![
        row(
            "route without integration",
            edit(|a| a.routes[0].integration = None),
            &["ROUTE_NO_INTEGRATION"],
            &[],
        ),
        row(
            "HTTP API payload 1.0",
            edit(|a| {
                a.routes
                    .iter_mut()
                    .for_each(|r| r.integration = Some(lambda_integration(Some("1.0"))))
            }),
            &["PAYLOAD_FORMAT_1_0_ON_HTTP_API"],
            &["PAYLOAD_FORMAT_MISSING"],
        ),
        row(
            "HTTP API payload version missing",
            edit(|a| {
                a.routes
                    .iter_mut()
                    .for_each(|r| r.integration = Some(lambda_integration(None)))
            }),
            &["PAYLOAD_FORMAT_MISSING"],
            &[],
        ),
        row(
            "REST integration claiming 2.0",
            {
                let mut api = rest_api();
                api.routes[0]
                    .integration
                    .as_mut()
                    .unwrap()
                    .payload_format_version = Some("2.0".into());
                api
            },
            &["PAYLOAD_FORMAT_MISMATCH"],
            &[],
        ),
        row(
            "integration timeout above 30 s",
            edit(|a| a.routes[0].integration.as_mut().unwrap().timeout_in_millis = Some(45_000)),
            &["INTEGRATION_TIMEOUT_OUT_OF_RANGE"],
            &[],
        ),
        row(
            "JWT issuer over http",
            edit(|a| {
                a.authorizers[0].jwt_configuration.as_mut().unwrap().issuer =
                    Some("http://issuer.example.com".into())
            }),
            &["JWT_ISSUER_NOT_HTTPS"],
            &["JWT_ISSUER_TRAILING_SLASH"],
        ),
        row(
            "JWT issuer with trailing slash",
            edit(|a| {
                a.authorizers[0].jwt_configuration.as_mut().unwrap().issuer =
                    Some("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool/".into())
            }),
            &["JWT_ISSUER_TRAILING_SLASH"],
            &["JWT_ISSUER_NOT_HTTPS"],
        ),
        row(
            "JWT audience empty",
            edit(|a| {
                a.authorizers[0]
                    .jwt_configuration
                    .as_mut()
                    .unwrap()
                    .audience
                    .clear()
            }),
            &["JWT_AUDIENCE_NOT_CONFIGURED"],
            &[],
        ),
        row(
            "route points at a deleted authorizer",
            edit(|a| a.authorizers.clear()),
            &["AUTHORIZER_NOT_FOUND"],
            &[],
        ),
        row(
            "authorizers failed to load: no false alarm",
            edit(|a| {
                a.authorizers.clear();
                a.problems.push("GetAuthorizers: not implemented".into());
            }),
            &[],
            &["AUTHORIZER_NOT_FOUND"],
        ),
        row(
            "access logging off",
            edit(|a| a.stages[0].access_log_settings = None),
            &["ACCESS_LOGGING_OFF"],
            &[],
        ),
        row(
            "access-log format of the console preset",
            edit(|a| {
                a.stages[0].access_log_settings.as_mut().unwrap().format = Some(
                    r#"{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength" }"#.into(),
                )
            }),
            &["ACCESS_LOG_MISSING_FIELDS"],
            &["ACCESS_LOGGING_OFF"],
        ),
        row(
            "public routes without throttling",
            edit(|a| a.stages[0].default_route_settings = None),
            &["PUBLIC_ROUTE_NOT_THROTTLED"],
            &[],
        ),
        row(
            "stage throttled to zero",
            edit(|a| {
                a.stages[0]
                    .default_route_settings
                    .as_mut()
                    .unwrap()
                    .throttling_rate_limit = Some(0.0)
            }),
            &["THROTTLE_BLOCKS_ALL"],
            &[],
        ),
        row(
            "only $default",
            edit(|a| a.routes = vec![route("$default")]),
            &["DEFAULT_ROUTE_ONLY"],
            &["DEFAULT_ROUTE_UNREACHABLE"],
        ),
        row(
            "$default shadowed by catch-alls",
            edit(|a| a.routes = vec![route("$default"), route("ANY /"), route("ANY /{proxy+}")]),
            &["DEFAULT_ROUTE_UNREACHABLE"],
            &["DEFAULT_ROUTE_ONLY"],
        ),
        row(
            "stage not deployed",
            edit(|a| {
                a.stages[0].auto_deploy = false;
                a.stages[0].deployment_id = None;
            }),
            &["STAGE_NOT_DEPLOYED"],
            &[],
        ),
        row("no stages", edit(|a| a.stages.clear()), &["NO_STAGES"], &[]),
        Row {
            name: "Lambda timeout above the integration timeout",
            api: http_api(),
            functions: vec![FunctionConfig {
                arn: "orders".into(),
                timeout_s: Some(60.0),
                memory_mb: Some(128),
                ..Default::default()
            }],
            expect: &["LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION"],
            absent: &[],
        },
        Row {
            name: "Lambda timeout within the integration timeout",
            api: http_api(),
            functions: vec![FunctionConfig {
                arn: FN_ARN.into(),
                timeout_s: Some(10.0),
                memory_mb: None,
                ..Default::default()
            }],
            expect: &[],
            absent: &["LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION"],
        },
        Row {
            name: "Lambda configuration not readable (access denied)",
            api: http_api(),
            functions: vec![FunctionConfig::unavailable(
                FN_ARN,
                "not allowed to call lambda:GetFunctionConfiguration",
            )],
            expect: &["LAMBDA_CONFIG_UNREADABLE"],
            absent: &["LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION"],
        },
        Row {
            name: "no function configuration given: nothing said",
            api: http_api(),
            functions: vec![],
            expect: &[],
            absent: &[
                "LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION",
                "LAMBDA_CONFIG_UNREADABLE",
            ],
        },
    ]);
}

#[test]
fn cors_configuration_mistakes() {
    run_lint(vec![
        row(
            "credentials with wildcard origin",
            cors(|c| {
                c.allow_origins = vec!["*".into()];
                c.allow_credentials = Some(true);
            }),
            &["CORS_CREDENTIALS_WITH_WILDCARD"],
            &[],
        ),
        row(
            "origin with trailing slash",
            cors(|c| c.allow_origins = vec!["https://app.example.com/".into()]),
            &["CORS_ORIGIN_TRAILING_SLASH"],
            &[],
        ),
        row(
            "origin without scheme",
            cors(|c| c.allow_origins = vec!["app.example.com".into()]),
            &["CORS_ORIGIN_NO_SCHEME"],
            &[],
        ),
        row(
            "JWT routes but no authorization header allowed",
            cors(|c| c.allow_headers = vec!["content-type".into()]),
            &["CORS_AUTHORIZATION_HEADER_MISSING"],
            &[],
        ),
        row(
            "DELETE route but DELETE not allowed",
            {
                let mut api = cors(|_| {});
                api.routes.push(route("DELETE /items/{id}"));
                api
            },
            &["CORS_METHODS_MISSING"],
            &[],
        ),
        row(
            "authorizer on $default catches preflights",
            {
                let mut api = cors(|_| {});
                api.routes
                    .push(with_auth(route("$default"), "JWT", Some("jwt1")));
                api
            },
            &["CORS_PREFLIGHT_HITS_AUTHORIZER"],
            &[],
        ),
        row(
            "IAM route without SigV4 headers allowed",
            cors(|_| {}),
            &["CORS_SIGV4_HEADERS_MISSING"],
            &[],
        ),
        row(
            "sound CORS configuration",
            cors(|c| {
                c.allow_headers.extend(
                    ["x-amz-date", "x-amz-security-token", "x-amz-content-sha256"]
                        .map(String::from),
                )
            }),
            &[],
            &[
                "CORS_ORIGIN_TRAILING_SLASH",
                "CORS_METHODS_MISSING",
                "CORS_SIGV4_HEADERS_MISSING",
            ],
        ),
    ]);
}

#[test]
fn rest_lint_skips_http_only_rules() {
    let mut api = rest_api();
    api.stages[0].auto_deploy = false;
    api.stages[0].deployment_id = None;
    let findings = lint_api(&api, None, &[]);
    let codes: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    assert!(!codes.contains(&"STAGE_NOT_DEPLOYED"), "{codes:?}");
    assert!(!codes.contains(&"PAYLOAD_FORMAT_MISSING"), "{codes:?}");
}

#[test]
fn stage_filter_limits_stage_checks() {
    let mut api = http_api();
    let mut dev = stage("dev");
    dev.access_log_settings = None;
    api.stages.push(dev);
    let all = lint_api(&api, None, &[]);
    assert!(all.iter().any(|f| f.code == "ACCESS_LOGGING_OFF"));
    let only_default = lint_api(&api, Some("$default"), &[]);
    assert!(!only_default.iter().any(|f| f.code == "ACCESS_LOGGING_OFF"));
}

#[test]
fn lambda_functions_lists_each_function_once_and_skips_stage_variables() {
    let mut api = http_api();
    // Two routes on the same function, one on a stage-variable URI.
    let shared = api.routes[0].clone();
    api.routes.push(Route {
        route_key: "DELETE /orders/{id}".into(),
        ..shared.clone()
    });
    let mut templated = shared;
    templated.route_key = "GET /templated".into();
    if let Some(i) = templated.integration.as_mut() {
        i.uri = Some("arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}".into());
    }
    api.routes.push(templated);
    assert_eq!(super::lambda_functions(&api), vec![FN_ARN.to_string()]);
}
