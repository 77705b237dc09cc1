//! A small, realistic inventory built in code (the shape of a seeded account).

use std::collections::BTreeMap;

use crate::domain::*;
use crate::ui::testing::FakeControl;

fn lambda(name: &str) -> Option<Integration> {
    Some(Integration {
        id: Some(format!("int-{name}")),
        integration_type: Some("AWS_PROXY".into()),
        uri: Some(format!(
            "arn:aws:lambda:eu-west-1:123456789012:function:{name}"
        )),
        payload_format_version: Some("2.0".into()),
        timeout_in_millis: Some(30000),
        ..Default::default()
    })
}

fn route(key: &str, integration: Option<Integration>) -> Route {
    Route {
        route_key: key.into(),
        route_id: Some(format!("r{}", key.len())),
        authorization_type: Some("NONE".into()),
        integration,
        ..Default::default()
    }
}

pub fn orders_api() -> Api {
    let mut get_order = route("GET /orders/{id}", lambda("orders"));
    get_order.authorization_type = Some("JWT".into());
    get_order.authorizer_id = Some("auth1".into());
    get_order.authorization_scopes = vec!["orders/read".into()];
    Api {
        id: "a1b2c3d4e5".into(),
        name: "orders-api".into(),
        protocol: Some(Protocol::Http),
        endpoint: Some("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com".into()),
        cors: Some(Cors {
            allow_origins: vec!["https://app.example.com".into()],
            allow_methods: vec!["GET".into(), "POST".into()],
            allow_headers: vec!["authorization".into(), "content-type".into()],
            max_age: Some(600),
            allow_credentials: Some(true),
            ..Default::default()
        }),
        routes: vec![
            route("GET /orders", lambda("orders")),
            get_order,
            route("POST /orders", lambda("orders")),
            route("DELETE /orders/{id}", None),
        ],
        authorizers: vec![Authorizer {
            id: "auth1".into(),
            name: "cognito-jwt".into(),
            authorizer_type: "JWT".into(),
            identity_source: vec!["$request.header.Authorization".into()],
            jwt_configuration: Some(JwtConfiguration {
                issuer: Some("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc".into()),
                audience: vec!["client-123".into()],
            }),
            ..Default::default()
        }],
        stages: vec![
            Stage {
                stage_name: "$default".into(),
                auto_deploy: true,
                invoke_url: Some("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com".into()),
                access_log_settings: Some(AccessLogSettings {
                    destination_arn: Some("arn:aws:logs:eu-west-1:123456789012:log-group:/apigw/orders:*".into()),
                    format: Some(r#"{"requestId":"$context.requestId","status":"$context.status","routeKey":"$context.routeKey"}"#.into()),
                }),
                default_route_settings: Some(RouteSettings {
                    throttling_rate_limit: Some(100.0),
                    throttling_burst_limit: Some(50),
                    ..Default::default()
                }),
                route_settings: BTreeMap::from([(
                    "POST /orders".to_string(),
                    RouteSettings { throttling_rate_limit: Some(5.0), throttling_burst_limit: Some(2), ..Default::default() },
                )]),
                ..Default::default()
            },
            Stage {
                stage_name: "dev".into(),
                invoke_url: Some("https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/dev".into()),
                ..Default::default()
            },
        ],
        details_loaded: true,
        ..Default::default()
    }
}

pub fn payments_api() -> Api {
    Api {
        id: "p9q8r7s6t5".into(),
        name: "payments".into(),
        protocol: Some(Protocol::Http),
        endpoint: Some("https://p9q8r7s6t5.execute-api.eu-west-1.amazonaws.com".into()),
        cors: Some(Cors {
            allow_origins: vec!["*".into()],
            allow_methods: vec!["*".into()],
            allow_credentials: Some(true),
            ..Default::default()
        }),
        routes: vec![
            route("POST /pay", lambda("pay")),
            route("$default", lambda("fallback")),
        ],
        stages: vec![Stage {
            stage_name: "prod".into(),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

pub fn legacy_rest_api() -> Api {
    let mut r = route("GET /items/{id}", None);
    r.integration = Some(Integration {
        integration_type: Some("AWS_PROXY".into()),
        uri: Some("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:items/invocations".into()),
        ..Default::default()
    });
    r.api_key_required = true;
    Api {
        id: "rst0001abc".into(),
        name: "legacy-rest".into(),
        protocol: Some(Protocol::Rest),
        endpoint: Some("https://rst0001abc.execute-api.eu-west-1.amazonaws.com".into()),
        endpoint_types: vec!["REGIONAL".into()],
        routes: vec![r],
        stages: vec![Stage {
            stage_name: "prod".into(),
            invoke_url: Some("https://rst0001abc.execute-api.eu-west-1.amazonaws.com/prod".into()),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

pub fn control() -> FakeControl {
    FakeControl {
        apis: vec![orders_api(), payments_api(), legacy_rest_api()],
        ..Default::default()
    }
}
