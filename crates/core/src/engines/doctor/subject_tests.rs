//! Evidence names its subject (issue 12 case 4). Twin fixtures: two of everything
//! (routes, integrations, functions, authorizers, stages), one family named `alpha`,
//! the other `beta`, each broken in the same ways. Every rule must then report each
//! family's problem on its own: a finding about an `alpha` thing never cites a `beta`
//! name (title, evidence or fix), and one code about two subjects stays two findings.

use std::collections::BTreeMap;

use super::test_support::*;
use super::{Evidence, FunctionConfig, diagnose, lint_api};
use crate::domain::*;

const FAMILIES: [&str; 2] = ["alpha", "beta"];

fn arn(family: &str) -> String {
    format!("arn:aws:lambda:us-east-1:123456789012:function:fn-{family}")
}

/// Family `f`: a Lambda route whose integration (payload 1.0, 1 s) is shorter than
/// its function's 10 s timeout, a route without integration, a route naming an
/// authorizer that does not exist, a JWT authorizer with an http issuer ending in `/`
/// and no audience, and a stage without access logging or deployment.
fn family(f: &str) -> (Vec<Route>, Authorizer, Stage, FunctionConfig) {
    let lambda = Route {
        route_key: format!("GET /{f}"),
        route_id: Some(format!("route-{f}")),
        authorization_type: Some("NONE".into()),
        integration: Some(Integration {
            id: Some(format!("int-{f}")),
            integration_type: Some("AWS_PROXY".into()),
            uri: Some(arn(f)),
            payload_format_version: Some("1.0".into()),
            timeout_in_millis: Some(1_000),
            ..Default::default()
        }),
        ..Default::default()
    };
    let no_integration = Route {
        route_key: format!("GET /{f}-none"),
        route_id: Some(format!("route-{f}-none")),
        authorization_type: Some("NONE".into()),
        ..Default::default()
    };
    let mut lost_authorizer = lambda.clone();
    lost_authorizer.route_key = format!("GET /{f}-guarded");
    lost_authorizer.authorization_type = Some("JWT".into());
    lost_authorizer.authorizer_id = Some(format!("gone-{f}"));
    let authorizer = Authorizer {
        id: format!("jwt-{f}"),
        name: format!("{f}-pool"),
        authorizer_type: "JWT".into(),
        identity_source: vec!["$request.header.Authorization".into()],
        jwt_configuration: Some(JwtConfiguration {
            issuer: Some(format!("http://issuer-{f}.example.com/")),
            audience: vec![],
        }),
        ..Default::default()
    };
    let mut stage = stage(&format!("{f}-stage"));
    stage.access_log_settings = None;
    stage.auto_deploy = false;
    stage.deployment_id = None;
    let function = FunctionConfig {
        arn: arn(f),
        timeout_s: Some(10.0),
        memory_mb: Some(128),
        unavailable: None,
    };
    (
        vec![lambda, no_integration, lost_authorizer],
        authorizer,
        stage,
        function,
    )
}

fn twin_api() -> (Api, Vec<FunctionConfig>) {
    let mut api = Api {
        id: "twin01".into(),
        name: "twin".into(),
        protocol: Some(Protocol::Http),
        endpoint: Some("https://twin01.execute-api.us-east-1.amazonaws.com".into()),
        details_loaded: true,
        ..Default::default()
    };
    let mut functions = Vec::new();
    for f in FAMILIES {
        let (routes, authorizer, stage, function) = family(f);
        api.routes.extend(routes);
        api.authorizers.push(authorizer);
        api.stages.push(stage);
        functions.push(function);
    }
    (api, functions)
}

/// The families a finding's words name.
fn families_named(f: &Finding) -> Vec<&'static str> {
    let text = format!(
        "{} {} {}",
        f.title,
        f.evidence.join(" "),
        f.fix.as_deref().unwrap_or("")
    );
    FAMILIES
        .into_iter()
        .filter(|fam| text.contains(fam))
        .collect()
}

fn subject_family(s: &Subject) -> Option<&'static str> {
    let name = match s {
        Subject::Function(n)
        | Subject::Integration(n)
        | Subject::Route(n)
        | Subject::Authorizer(n)
        | Subject::Stage(n) => n,
    };
    FAMILIES.into_iter().find(|fam| name.contains(fam))
}

#[test]
fn every_lint_finding_names_only_its_own_subject() {
    let (api, functions) = twin_api();
    let findings = lint_api(&api, None, &functions);
    let mut per_code: BTreeMap<FindingCode, Vec<&'static str>> = BTreeMap::new();
    let mut wrong = Vec::new();
    for f in &findings {
        let named = families_named(f);
        match f.subject.as_ref().and_then(subject_family) {
            Some(fam) => {
                per_code.entry(f.code).or_default().push(fam);
                if named.iter().any(|n| *n != fam) {
                    wrong.push(format!(
                        "{} about {:?} names {named:?}: {}",
                        f.code,
                        f.subject,
                        f.to_text()
                    ));
                }
            }
            // A finding naming one family's things is about that thing: it says so.
            None if !named.is_empty() => wrong.push(format!(
                "{} names {named:?} but has no subject: {}",
                f.code,
                f.to_text()
            )),
            None => {}
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    // Each family's problems are reported on their own (never merged into one).
    for (code, fams) in &per_code {
        assert_eq!(fams, &["alpha", "beta"], "{code}: {fams:?}");
    }
    let codes: Vec<&str> = per_code.keys().map(|c| c.as_str()).collect();
    for expected in [
        "LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION",
        "PAYLOAD_FORMAT_1_0_ON_HTTP_API",
        "ROUTE_NO_INTEGRATION",
        "AUTHORIZER_NOT_FOUND",
        "JWT_ISSUER_NOT_HTTPS",
        "JWT_ISSUER_TRAILING_SLASH",
        "JWT_AUDIENCE_NOT_CONFIGURED",
        "ACCESS_LOGGING_OFF",
        "STAGE_NOT_DEPLOYED",
    ] {
        assert!(
            codes.contains(&expected),
            "{expected} not exercised: {codes:?}"
        );
    }
}

/// The issue's example, as the user saw it: each function's timeout finding names
/// that function, its own integration and its own timeout.
#[test]
fn two_functions_too_slow_for_their_integrations_are_two_findings() {
    let (mut api, mut functions) = twin_api();
    if let Some(i) = api.routes[3].integration.as_mut() {
        i.timeout_in_millis = Some(3_000);
    }
    functions[1].timeout_s = Some(5.0);
    let findings: Vec<Finding> = lint_api(&api, None, &functions)
        .into_iter()
        .filter(|f| f.code == FindingCode::LambdaTimeoutExceedsIntegration)
        .collect();
    assert_eq!(findings.len(), 2, "{findings:?}");
    let alpha = &findings[0];
    assert!(alpha.title.contains("fn-alpha may run 10 s") && alpha.title.contains("1000 ms"));
    assert_eq!(
        alpha.evidence,
        ["function fn-alpha timeout 10 s; integration int-alpha timeoutInMillis 1000"]
    );
    let beta = &findings[1];
    assert!(beta.title.contains("fn-beta may run 5 s") && beta.title.contains("3000 ms"));
    assert!(beta.fix.as_deref().unwrap().contains("fn-beta"), "{beta:?}");
}

/// A request to `GET /alpha` while `beta` also failed in the same window: the access
/// records and Lambda lines of the other request never become this one's evidence.
#[test]
fn a_diagnosis_cites_only_the_request_s_own_records_and_function() {
    let (api, functions) = twin_api();
    let record = |f: &str, error: &str| {
        let mut r = access(&[
            ("requestId", &format!("req-{f}")),
            ("routeKey", &format!("GET /{f}")),
            ("status", "504"),
            ("integrationStatus", "200"),
            ("integrationRequestId", &format!("lam-{f}")),
            ("integrationError", error),
            ("integrationLatency", "1000"),
        ]);
        r.stage = Some(format!("{f}-stage").as_str().into());
        r
    };
    let line = |f: &str, kind: LambdaLineKind, message: &str| LambdaLine {
        log_group: format!("/aws/lambda/fn-{f}").as_str().into(),
        request_id: Some(format!("lam-{f}").as_str().into()),
        ..lambda(kind, message)
    };
    let mut ev = Evidence {
        api: Some(api),
        stage: Some("alpha-stage".into()),
        route_key: Some("GET /alpha".into()),
        request: Some(req("GET", "/alpha-stage/alpha", &[])),
        response: Some(resp(
            504,
            &[("apigw-requestid", "req-alpha")],
            r#"{"message":"Service Unavailable"}"#,
        )),
        access_logs: vec![
            record("alpha", "Execution failed due to a timeout error"),
            record("beta", "Execution failed due to a timeout error"),
        ],
        functions,
        logs_searched: true,
        now_ms: Some(NOW_S * 1000),
        ..Default::default()
    };
    for f in FAMILIES {
        ev.lambda_lines.push(line(
            f,
            LambdaLineKind::Timeout {
                seconds: Some(10.0),
            },
            &format!("Task timed out after 10.00 seconds ({f})"),
        ));
        ev.lambda_lines.push(line(
            f,
            LambdaLineKind::Log {
                level: Some("ERROR".into()),
            },
            &format!("{f} failed"),
        ));
    }
    let findings = diagnose(&ev);
    assert!(!findings.is_empty());
    let wrong: Vec<String> = findings
        .iter()
        .filter(|f| families_named(f).contains(&"beta"))
        .map(Finding::to_text)
        .collect();
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
    assert!(
        findings
            .iter()
            .any(|f| f.evidence.iter().any(|e| e.contains("fn-alpha"))),
        "the alpha evidence is cited: {findings:?}"
    );
}
