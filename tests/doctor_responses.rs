//! The doctor on real HTTP answers: a local axum server plays API Gateway's
//! error responses (bodies and headers as the reference records them); the
//! request goes through gatescope's sender and the doctor explains it.

mod support;

use std::net::SocketAddr;

use gatescope::backends::http::{SendOptions, Sender};
use gatescope::domain::*;
use gatescope::engines::doctor::{self, Evidence};
use support::fake_http::{Canned, canned, serve};

/// API Gateway's error answers, one path each.
const ANSWERS: &[Canned] = &[
    Canned {
        path: "/prod/items",
        status: 502,
        headers: &[
            ("content-type", "application/json"),
            ("x-amzn-RequestId", "5b6f5c5e-1111-2222-3333-444455556666"),
            ("x-amz-apigw-id", "K2G9wEbUoAMEvag="),
            ("x-amzn-ErrorType", "InternalServerErrorException"),
        ],
        body: r#"{"message": "Internal server error"}"#,
    },
    Canned {
        path: "/prod/slow",
        status: 429,
        headers: &[("x-amzn-ErrorType", "TooManyRequestsException")],
        body: r#"{"message":"Too Many Requests"}"#,
    },
    Canned {
        path: "/prod/itemz",
        status: 403,
        headers: &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
        body: r#"{"message":"Missing Authentication Token"}"#,
    },
    Canned {
        path: "/me",
        status: 401,
        headers: &[
            ("apigw-requestid", "LV7fzho-PHcEJPw="),
            (
                "www-authenticate",
                r#"Bearer scope="" error="invalid_token" error_description="the token has expired""#,
            ),
        ],
        body: r#"{"message":"Unauthorized"}"#,
    },
    Canned {
        path: "/items",
        status: 404,
        headers: &[("apigw-requestid", "LV7fzho-PHcEJPx=")],
        body: r#"{"message":"Not Found"}"#,
    },
];

async fn fake_gateway() -> SocketAddr {
    serve(canned(ANSWERS)).await
}

fn route(key: &str, auth: &str, authorizer: Option<&str>) -> Route {
    Route {
        route_key: key.into(),
        authorization_type: Some(auth.into()),
        authorizer_id: authorizer.map(str::to_string),
        integration: Some(Integration {
            integration_type: Some("AWS_PROXY".into()),
            uri: Some("arn:aws:lambda:us-east-1:123456789012:function:orders".into()),
            payload_format_version: Some("2.0".into()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn rest_api() -> Api {
    Api {
        id: "rest1".into(),
        protocol: Some(Protocol::Rest),
        routes: vec![route("GET /items", "NONE", None)],
        stages: vec![Stage {
            stage_name: "prod".into(),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

fn http_api() -> Api {
    Api {
        id: "http1".into(),
        protocol: Some(Protocol::Http),
        routes: vec![
            route("GET /me", "JWT", Some("j1")),
            route("GET /orders", "NONE", None),
        ],
        authorizers: vec![Authorizer {
            id: "j1".into(),
            name: "jwt".into(),
            authorizer_type: "JWT".into(),
            identity_source: vec!["$request.header.Authorization".into()],
            jwt_configuration: Some(JwtConfiguration {
                issuer: Some("https://issuer.example.com".into()),
                audience: vec!["app".into()],
            }),
            ..Default::default()
        }],
        stages: vec![Stage {
            stage_name: "prod".into(),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

/// An (unsigned) JWT for the test issuer that expired an hour ago.
fn expired_jwt() -> String {
    use base64::Engine;
    let enc = |v: serde_json::Value| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(serde_json::to_vec(&v).unwrap())
    };
    let now = chrono::Utc::now().timestamp();
    format!(
        "{}.{}.c2ln",
        enc(serde_json::json!({"alg": "RS256", "kid": "k"})),
        enc(
            serde_json::json!({"iss": "https://issuer.example.com", "aud": "app", "exp": now - 3600})
        )
    )
}

async fn diagnose(
    addr: SocketAddr,
    api: Api,
    method: &str,
    path: &str,
    route_key: Option<&str>,
) -> Vec<String> {
    let mut req = HttpRequest::new(method, format!("http://{addr}{path}"));
    if path == "/me" {
        req.headers
            .push(("Authorization".into(), format!("Bearer {}", expired_jwt())));
    }
    let sender = Sender::new(SendOptions::default()).unwrap();
    let resp = sender.send(&req).await.unwrap();
    let ev = Evidence {
        api: Some(api),
        route_key: route_key.map(str::to_string),
        request: Some(req),
        response: Some(resp),
        now_ms: Some(chrono::Utc::now().timestamp_millis()),
        ..Default::default()
    };
    let findings = doctor::diagnose(&ev);
    assert!(
        findings
            .iter()
            .all(|f| f.fix.is_some() || f.severity == Severity::Info)
    );
    findings.into_iter().map(|f| f.code.to_string()).collect()
}

#[tokio::test]
async fn gateway_errors_on_the_wire_are_explained() {
    let addr = fake_gateway().await;
    let codes = diagnose(addr, rest_api(), "GET", "/prod/items", Some("GET /items")).await;
    assert!(
        codes.contains(&"INTEGRATION_RESPONSE_REJECTED".to_string()),
        "{codes:?}"
    );

    let codes = diagnose(addr, rest_api(), "GET", "/prod/slow", None).await;
    assert!(
        codes.contains(&"ACCOUNT_THROTTLED".to_string()),
        "{codes:?}"
    );

    let codes = diagnose(addr, rest_api(), "GET", "/prod/itemz", None).await;
    assert!(
        codes.contains(&"REST_NO_SUCH_RESOURCE".to_string()),
        "{codes:?}"
    );

    let codes = diagnose(addr, http_api(), "GET", "/me", Some("GET /me")).await;
    assert!(codes.contains(&"JWT_EXPIRED".to_string()), "{codes:?}");

    // `/items` on an API whose only stage is `prod`: the stage segment is missing.
    let mut api = http_api();
    api.routes.push(route("GET /items", "NONE", None));
    let codes = diagnose(addr, api, "GET", "/items", None).await;
    assert!(codes.contains(&"NO_ROUTE_MATCHED".to_string()), "{codes:?}");
    assert!(
        codes.contains(&"STAGE_PREFIX_MISSING".to_string()),
        "{codes:?}"
    );
}
