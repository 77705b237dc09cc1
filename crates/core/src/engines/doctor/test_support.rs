//! Builders for the scenario tables: small APIs, responses, access-log
//! records and Lambda lines, and a runner that asserts codes (not wording).

use std::collections::BTreeMap;

use base64::Engine;

use super::{Evidence, diagnose};
use crate::domain::*;

pub const API_ID: &str = "abc123";
pub const HOST: &str = "https://abc123.execute-api.us-east-1.amazonaws.com";
pub const FN_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:orders";

pub fn lambda_integration(version: Option<&str>) -> Integration {
    Integration {
        id: Some("int1".into()),
        integration_type: Some("AWS_PROXY".into()),
        uri: Some(FN_ARN.into()),
        payload_format_version: version.map(str::to_string),
        timeout_in_millis: Some(30_000),
        ..Default::default()
    }
}

pub fn route(key: &str) -> Route {
    Route {
        route_key: key.into(),
        route_id: Some(format!("r-{}", key.len())),
        authorization_type: Some("NONE".into()),
        integration: Some(lambda_integration(Some("2.0"))),
        ..Default::default()
    }
}

pub fn with_auth(mut r: Route, kind: &str, authorizer: Option<&str>) -> Route {
    r.authorization_type = Some(kind.into());
    r.authorizer_id = authorizer.map(str::to_string);
    r
}

pub fn stage(name: &str) -> Stage {
    Stage {
        stage_name: name.into(),
        auto_deploy: true,
        deployment_id: Some("dep1".into()),
        access_log_settings: Some(AccessLogSettings {
            destination_arn: Some(
                "arn:aws:logs:us-east-1:123456789012:log-group:/apigw/abc".into(),
            ),
            format: Some(GOOD_FORMAT.into()),
        }),
        default_route_settings: Some(RouteSettings {
            throttling_rate_limit: Some(100.0),
            throttling_burst_limit: Some(50),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub const GOOD_FORMAT: &str = r#"{"requestId":"$context.requestId","status":"$context.status","integrationStatus":"$context.integrationStatus","functionStatus":"$context.integration.status","integrationRequestId":"$context.integration.requestId","integrationError":"$context.integrationErrorMessage","authorizerError":"$context.authorizer.error","integrationLatency":"$context.integrationLatency"}"#;

pub fn jwt_authorizer() -> Authorizer {
    Authorizer {
        id: "jwt1".into(),
        name: "cognito".into(),
        authorizer_type: "JWT".into(),
        identity_source: vec!["$request.header.Authorization".into()],
        jwt_configuration: Some(JwtConfiguration {
            issuer: Some("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool".into()),
            audience: vec!["client-1".into()],
        }),
        ..Default::default()
    }
}

pub fn lambda_authorizer() -> Authorizer {
    Authorizer {
        id: "lam1".into(),
        name: "custom".into(),
        authorizer_type: "REQUEST".into(),
        identity_source: vec!["$request.header.X-Token".into()],
        authorizer_uri: Some(FN_ARN.into()),
        ..Default::default()
    }
}

/// An HTTP API with a `$default` stage and a few routes.
pub fn http_api() -> Api {
    Api {
        id: API_ID.into(),
        name: "orders".into(),
        protocol: Some(Protocol::Http),
        endpoint: Some(HOST.into()),
        routes: vec![
            route("GET /items"),
            route("GET /items/{id}"),
            route("POST /items"),
            with_auth(route("GET /me"), "JWT", Some("jwt1")),
            {
                let mut r = with_auth(route("GET /admin"), "JWT", Some("jwt1"));
                r.authorization_scopes = vec!["admin".into()];
                r
            },
            with_auth(route("GET /custom"), "CUSTOM", Some("lam1")),
            with_auth(route("GET /iam"), "AWS_IAM", None),
        ],
        authorizers: vec![jwt_authorizer(), lambda_authorizer()],
        stages: vec![stage("$default")],
        details_loaded: true,
        ..Default::default()
    }
}

/// The same API served from a named stage `prod` only.
pub fn http_api_named_stage() -> Api {
    let mut api = http_api();
    api.stages = vec![stage("prod")];
    api
}

/// A REST API with stage `prod`.
pub fn rest_api() -> Api {
    let mut api = http_api();
    api.protocol = Some(Protocol::Rest);
    api.authorizers = vec![];
    api.routes = vec![
        route("GET /items"),
        route("GET /items/{id}"),
        with_auth(route("GET /iam"), "AWS_IAM", None),
        {
            let mut r = route("GET /keyed");
            r.api_key_required = true;
            r
        },
    ];
    for r in &mut api.routes {
        if let Some(i) = r.integration.as_mut() {
            i.payload_format_version = None;
            i.timeout_in_millis = Some(29_000);
        }
    }
    api.stages = vec![stage("prod")];
    api
}

pub fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        body_size: body.len() as u64,
        truncated: false,
        timing: Timing {
            total_ms: 120.0,
            ..Default::default()
        },
    }
}

pub fn req(method: &str, path: &str, headers: &[(&str, &str)]) -> HttpRequest {
    let mut r = HttpRequest::new(method, format!("{HOST}{path}"));
    r.headers = headers
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    r
}

/// Evidence for an API, a request and its response (route targeted too).
pub fn ev(
    api: Option<Api>,
    route_key: Option<&str>,
    request: Option<HttpRequest>,
    response: HttpResponse,
) -> Evidence {
    Evidence {
        api,
        route_key: route_key.map(str::to_string),
        request,
        response: Some(response),
        now_ms: Some(NOW_S * 1000),
        ..Default::default()
    }
}

pub const NOW_S: i64 = 1_790_000_000;

/// An access-log record from `(field, value)` pairs named as in the
/// recommended format.
pub fn access(pairs: &[(&str, &str)]) -> AccessLogRecord {
    let mut r = AccessLogRecord {
        raw: format!("{pairs:?}").into(),
        ..Default::default()
    };
    let mut fields = BTreeMap::new();
    for (k, v) in pairs {
        let v = v.to_string();
        match *k {
            "requestId" => r.request_id = Some(v.as_str().into()),
            "routeKey" => r.route_key = Some(v.as_str().into()),
            "status" => r.status = v.parse().ok(),
            "integrationStatus" => r.integration_status = v.parse().ok(),
            "functionStatus" => r.function_status = v.parse().ok(),
            "integrationLatency" => r.integration_latency_ms = v.parse().ok(),
            "integrationRequestId" => r.integration_request_id = Some(v.as_str().into()),
            "integrationError" => r.integration_error = Some(v.as_str().into()),
            "authorizerError" => r.authorizer_error = Some(v.as_str().into()),
            "errorType" => r.error_type = Some(v.as_str().into()),
            "errorMessage" => r.error_message = Some(v.as_str().into()),
            other => panic!("unknown access field {other}"),
        }
        let ctx = match *k {
            "integrationError" => "integrationErrorMessage",
            "authorizerError" => "authorizer.error",
            "functionStatus" => "integration.status",
            other => other,
        };
        fields.insert(ctx.to_string(), v);
    }
    r.fields = fields.into_iter().collect();
    r
}

pub fn lambda(kind: LambdaLineKind, message: &str) -> LambdaLine {
    LambdaLine {
        timestamp_ms: NOW_S * 1000,
        log_group: "/aws/lambda/orders".into(),
        request_id: Some("lambda-req-1".into()),
        kind,
        message: message.into(),
        event: None,
        raw: message.into(),
    }
}

pub fn report(memory: u64, max_used: u64, init_ms: Option<f64>) -> LambdaLine {
    lambda(
        LambdaLineKind::Report(Box::new(LambdaReport {
            duration_ms: Some(12.0),
            billed_ms: Some(13.0),
            memory_mb: Some(memory),
            max_memory_mb: Some(max_used),
            init_ms,
            status: None,
        })),
        "REPORT RequestId: lambda-req-1",
    )
}

/// An unsigned JWT (alg RS256) with these claims: enough for claim checks.
pub fn jwt(claims: serde_json::Value) -> String {
    let enc = |v: &serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(v).unwrap())
    };
    format!(
        "{}.{}.c2ln",
        enc(&serde_json::json!({"alg": "RS256", "kid": "k1", "typ": "JWT"})),
        enc(&claims)
    )
}

/// Claims that pass the test authorizer.
pub fn good_claims() -> serde_json::Value {
    serde_json::json!({
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool",
        "aud": "client-1",
        "exp": NOW_S + 3600,
        "iat": NOW_S - 60,
        "scope": "read"
    })
}

/// One row of a scenario table.
pub struct Scenario {
    pub name: &'static str,
    pub evidence: Evidence,
    /// Codes that must be reported.
    pub expect: &'static [&'static str],
    /// Codes that must not be (e.g. the guess the logs overturned).
    pub absent: &'static [&'static str],
}

pub fn scenario(
    name: &'static str,
    evidence: Evidence,
    expect: &'static [&'static str],
    absent: &'static [&'static str],
) -> Scenario {
    Scenario {
        name,
        evidence,
        expect,
        absent,
    }
}

/// Run every row; report all failing rows at once.
pub fn run(rows: Vec<Scenario>) {
    let mut failures = Vec::new();
    for row in rows {
        let findings = diagnose(&row.evidence);
        check_row(row.name, &findings, row.expect, row.absent, &mut failures);
    }
    assert!(
        failures.is_empty(),
        "{} scenario(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

pub fn check_row(
    name: &str,
    findings: &[Finding],
    expect: &[&str],
    absent: &[&str],
    failures: &mut Vec<String>,
) {
    let got: Vec<&str> = findings.iter().map(|f| f.code.as_str()).collect();
    for e in expect {
        if !got.contains(e) {
            failures.push(format!("{name}: expected {e}, got {got:?}"));
        }
    }
    for a in absent {
        if got.contains(a) {
            failures.push(format!("{name}: {a} should be absent, got {got:?}"));
        }
    }
    for f in findings {
        if f.fix.as_deref().is_none_or(str::is_empty) && f.severity != Severity::Info {
            failures.push(format!("{name}: {} has no fix", f.code));
        }
    }
}
