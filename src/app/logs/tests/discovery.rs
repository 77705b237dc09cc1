use super::*;
use crate::app::logs::memory::MemoryLogSource;
use crate::domain::{AccessLogSettings, Integration, Protocol, Route, Stage};

fn api(format: Option<&str>, dest: Option<&str>) -> Api {
    let lambda = |name: &str, pf: &str| Integration {
        integration_type: Some("AWS_PROXY".into()),
        uri: Some(format!(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:{name}/invocations"
        )),
        payload_format_version: Some(pf.into()),
        ..Default::default()
    };
    Api {
        id: "a1".into(),
        name: "pets".into(),
        protocol: Some(Protocol::Http),
        routes: vec![
            Route {
                route_key: "GET /pets".into(),
                integration: Some(lambda("pets", "2.0")),
                ..Default::default()
            },
            Route {
                route_key: "POST /pets".into(),
                integration: Some(lambda("pets", "1.0")),
                ..Default::default()
            },
            Route {
                route_key: "GET /orders".into(),
                integration: Some(lambda("orders", "2.0")),
                ..Default::default()
            },
            Route {
                route_key: "GET /web".into(),
                integration: Some(Integration {
                    integration_type: Some("HTTP_PROXY".into()),
                    uri: Some("https://example.com".into()),
                    ..Default::default()
                }),
                ..Default::default()
            },
        ],
        stages: vec![Stage {
            stage_name: "prod".into(),
            access_log_settings: dest.map(|d| AccessLogSettings {
                destination_arn: Some(d.into()),
                format: format.map(str::to_string),
            }),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    }
}

const DEST: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/apigw/pets:*";

#[tokio::test]
async fn finds_access_and_lambda_groups() {
    let src = MemoryLogSource::new();
    src.lambda_groups.lock().unwrap().insert(
        "arn:aws:lambda:us-east-1:123456789012:function:orders".into(),
        "/custom/orders".into(),
    );
    let t = discover(
        &api(
            Some(crate::engines::access_log::RECOMMENDED_HTTP),
            Some(DEST),
        ),
        "prod",
        &src,
    )
    .await
    .unwrap();
    assert_eq!(t.access_group.as_deref(), Some("/apigw/pets"));
    assert!(t.advice.is_ok());
    assert_eq!(t.lambdas.len(), 2);
    let pets = t
        .lambdas
        .iter()
        .find(|l| l.function_name == "pets")
        .unwrap();
    assert_eq!(pets.log_group, "/aws/lambda/pets");
    assert_eq!(pets.route_keys, vec!["GET /pets", "POST /pets"]);
    let orders = t
        .lambdas
        .iter()
        .find(|l| l.function_name == "orders")
        .unwrap();
    assert_eq!(orders.log_group, "/custom/orders");
    assert_eq!(
        t.all_groups(),
        vec!["/apigw/pets", "/custom/orders", "/aws/lambda/pets"]
    );
    let opts = t.correlate_options();
    assert_eq!(opts.payload_by_route["POST /pets"], PayloadFormat::V1);
    assert!(!opts.lambda_routes.unwrap().contains("GET /web"));
}

#[tokio::test]
async fn says_when_logging_is_off_or_the_format_lacks_ids() {
    let src = MemoryLogSource::new();
    let off = discover(&api(None, None), "prod", &src).await.unwrap();
    assert!(!off.advice.logging_on);
    assert!(off.advice.message.contains("off"));
    assert!(
        off.advice
            .recommended
            .contains("$context.integration.requestId")
    );
    let preset = discover(
        &api(
            Some(crate::engines::access_log::presets::HTTP_CLF),
            Some(DEST),
        ),
        "prod",
        &src,
    )
    .await
    .unwrap();
    assert!(preset.advice.logging_on);
    assert!(
        preset
            .advice
            .missing
            .contains(&"$context.integration.requestId".to_string())
    );
    let firehose = discover(
        &api(
            Some("$context.requestId"),
            Some("arn:aws:firehose:us-east-1:1:deliverystream/amazon-apigateway-x"),
        ),
        "prod",
        &src,
    )
    .await
    .unwrap();
    assert!(firehose.access_group.is_none());
    assert!(!firehose.advice.logging_on);
    assert!(firehose.notes[0].contains("firehose"));
}

#[tokio::test]
async fn unknown_stage_names_the_known_ones() {
    let src = MemoryLogSource::new();
    let e = discover(&api(None, None), "dev", &src).await.unwrap_err();
    assert!(e.to_string().contains("prod"), "{e}");
}
