//! A REST API with everything around its routes: a TOKEN and a REQUEST
//! Lambda authorizer, usage plans with keys (names and ids), a resource
//! policy, gateway responses and a custom domain mapping `/v2` to its stage.

use std::collections::BTreeMap;

use crate::domain::*;
use crate::ui::testing::FakeControl;

pub const API_ID: &str = "r5t1u2v3w4";
const FN: &str = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:";

fn route(key: &str, function: &str, authorizer: Option<&str>) -> Route {
    Route {
        route_key: key.into(),
        route_id: Some(format!("res{}", key.len())),
        authorization_type: Some(
            if authorizer.is_some() {
                "CUSTOM"
            } else {
                "NONE"
            }
            .into(),
        ),
        authorizer_id: authorizer.map(str::to_string),
        integration: Some(Integration {
            integration_type: Some("AWS_PROXY".into()),
            uri: Some(format!("{FN}{function}/invocations")),
            ..Default::default()
        }),
        ..Default::default()
    }
}

pub fn users_rest_api() -> Api {
    let mut post_orders = route("POST /orders", "orders", None);
    post_orders.api_key_required = true;
    let mut api = Api {
        id: API_ID.into(),
        name: "users-rest".into(),
        protocol: Some(Protocol::Rest),
        endpoint: Some(format!(
            "https://{API_ID}.execute-api.eu-west-1.amazonaws.com"
        )),
        endpoint_types: vec!["REGIONAL".into()],
        resource_policy: Some(serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
                 "Resource": "execute-api:/*"},
                {"Sid": "DenyOffice", "Effect": "Deny", "Principal": "*",
                 "Action": "execute-api:Invoke", "Resource": "execute-api:/*/GET/admin",
                 "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}}
            ]
        })),
        routes: vec![
            route("GET /me", "whoami", Some("tok01")),
            route("GET /me/orders", "whoami", Some("tok01")),
            route("GET /reports", "reports", Some("req01")),
            route("GET /admin", "whoami", None),
            post_orders,
        ],
        authorizers: vec![
            Authorizer {
                id: "tok01".into(),
                name: "users-token".into(),
                authorizer_type: "TOKEN".into(),
                identity_source: vec!["method.request.header.Authorization".into()],
                authorizer_uri: Some(format!("{FN}users-authorizer/invocations")),
                result_ttl_in_seconds: Some(300),
                ..Default::default()
            },
            Authorizer {
                id: "req01".into(),
                name: "tenant-request".into(),
                authorizer_type: "REQUEST".into(),
                identity_source: vec![
                    "method.request.header.x-tenant, method.request.querystring.region".into(),
                ],
                authorizer_uri: Some(format!("{FN}tenant-authorizer/invocations")),
                result_ttl_in_seconds: Some(0),
                ..Default::default()
            },
        ],
        stages: vec![Stage {
            stage_name: "dev".into(),
            invoke_url: Some(format!(
                "https://{API_ID}.execute-api.eu-west-1.amazonaws.com/dev"
            )),
            ..Default::default()
        }],
        api_key_source: Some("HEADER".into()),
        gateway_responses: vec![
            GatewayResponse {
                response_type: "ACCESS_DENIED".into(),
                status_code: Some("403".into()),
                response_templates: BTreeMap::from([(
                    "application/json".to_string(),
                    r#"{"error":"denied","why":$context.authorizer.error}"#.to_string(),
                )]),
                response_parameters: BTreeMap::from([(
                    "gatewayresponse.header.Access-Control-Allow-Origin".to_string(),
                    "'*'".to_string(),
                )]),
                default_response: false,
            },
            GatewayResponse {
                response_type: "DEFAULT_4XX".into(),
                response_templates: BTreeMap::from([(
                    "application/json".to_string(),
                    r#"{"message":$context.error.messageString}"#.to_string(),
                )]),
                default_response: true,
                ..Default::default()
            },
            GatewayResponse {
                response_type: "QUOTA_EXCEEDED".into(),
                status_code: Some("429".into()),
                default_response: true,
                ..Default::default()
            },
        ],
        details_loaded: true,
        ..Default::default()
    };
    api.fill_lambda_authorizers();
    api
}

/// The account's usage plans (keys by name and id) and custom domains: the
/// control plane hands them out once, the inventory attaches them.
pub fn account() -> AccountResources {
    AccountResources {
        usage_plans: usage_plans(),
        domains: domains(),
        ..Default::default()
    }
}

fn usage_plans() -> UsagePlans {
    UsagePlans {
        plans: vec![
            UsagePlan {
                id: "gold01".into(),
                name: "gold".into(),
                description: Some("Partners".into()),
                api_stages: vec![PlanStage {
                    api_id: API_ID.into(),
                    stage: "dev".into(),
                    method_throttles: BTreeMap::from([(
                        "/orders/POST".to_string(),
                        Throttle {
                            rate_limit: Some(1.0),
                            burst_limit: Some(1),
                        },
                    )]),
                }],
                throttle: Some(Throttle {
                    rate_limit: Some(10.0),
                    burst_limit: Some(5),
                }),
                quota: Some(Quota {
                    limit: 1000,
                    period: "MONTH".into(),
                    offset: 0,
                }),
                keys: vec![
                    ApiKeyRef {
                        id: "key1alice".into(),
                        name: Some("alice-key".into()),
                        enabled: None,
                    },
                    ApiKeyRef {
                        id: "key2old".into(),
                        name: Some("old-key".into()),
                        enabled: None,
                    },
                ],
            },
            UsagePlan {
                id: "free01".into(),
                name: "free".into(),
                api_stages: vec![
                    PlanStage {
                        api_id: API_ID.into(),
                        stage: "dev".into(),
                        ..Default::default()
                    },
                    PlanStage {
                        api_id: "other9999".into(),
                        stage: "prod".into(),
                        ..Default::default()
                    },
                ],
                quota: Some(Quota {
                    limit: 5,
                    period: "DAY".into(),
                    offset: 0,
                }),
                ..Default::default()
            },
        ],
        // GetApiKeys (no values) says which keys are enabled.
        keys: vec![
            ApiKeyRef {
                id: "key1alice".into(),
                name: Some("alice-key".into()),
                enabled: Some(true),
            },
            ApiKeyRef {
                id: "key2old".into(),
                name: Some("old-key".into()),
                enabled: Some(false),
            },
        ],
    }
}

fn domains() -> Vec<CustomDomain> {
    vec![CustomDomain {
        domain_name: "api.example.com".into(),
        target_domain_name: Some("d-abc123.execute-api.eu-west-1.amazonaws.com".into()),
        endpoint_type: Some("REGIONAL".into()),
        status: Some("AVAILABLE".into()),
        mappings: vec![
            DomainMapping {
                api_id: API_ID.into(),
                stage: Some("dev".into()),
                base_path: "v2".into(),
            },
            DomainMapping {
                api_id: "other9999".into(),
                stage: Some("prod".into()),
                base_path: String::new(),
            },
        ],
    }]
}

pub fn control() -> FakeControl {
    FakeControl {
        apis: vec![users_rest_api()],
        account: account(),
        ..Default::default()
    }
}
