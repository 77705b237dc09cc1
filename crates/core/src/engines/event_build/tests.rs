//! Golden and rule tests for the event builder (reference §1). Shape tests
//! against the published fixtures live in `tests/event_shapes.rs`.

use serde_json::json;

use super::input::split_url;
use super::*;

/// A fixed clock and fixed random bytes: the builder is pure.
const SEED: Seed = Seed {
    now_ms: 1_587_481_701_067,
    random: [7; 48],
};

fn base(api_type: ApiType, payload: PayloadFormat) -> EventInput {
    let mut i = EventInput::from_url(
        api_type,
        payload,
        "post",
        "https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod/items/42?a=1&a=2&b=x%20y",
        SEED,
    );
    i.route_key = "POST /items/{id}".into();
    i.path_parameters = vec![("id".into(), "42".into())];
    i.stage = "prod".into();
    i.request_id = "LV7fzho-PHcEJPw=".into();
    i.extended_request_id = "K2G9wEbUoAMEvag=".into();
    i.time_epoch_ms = 1_587_481_701_067;
    i.source_ip = "1.2.3.4".into();
    i.headers = vec![
        ("Content-Type".into(), "application/json".into()),
        ("X-Multi".into(), "one".into()),
        ("x-multi".into(), "two".into()),
        ("Cookie".into(), "a=1; b=2".into()),
        ("User-Agent".into(), "curl/8".into()),
    ];
    i.body = br#"{"n":1}"#.to_vec();
    i
}

#[test]
fn v2_golden() {
    let ev = build_event(&base(ApiType::Http, PayloadFormat::V2));
    let expected = json!({
        "version": "2.0",
        "routeKey": "POST /items/{id}",
        "rawPath": "/prod/items/42",
        "rawQueryString": "a=1&a=2&b=x%20y",
        "cookies": ["a=1", "b=2"],
        "headers": {"content-type": "application/json", "x-multi": "one,two", "user-agent": "curl/8"},
        "queryStringParameters": {"a": "1,2", "b": "x y"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123defg",
            "domainName": "abc123defg.execute-api.eu-west-1.amazonaws.com",
            "domainPrefix": "abc123defg",
            "http": {"method": "POST", "path": "/prod/items/42", "protocol": "HTTP/1.1",
                     "sourceIp": "1.2.3.4", "userAgent": "curl/8"},
            "requestId": "LV7fzho-PHcEJPw=",
            "routeKey": "POST /items/{id}",
            "stage": "prod",
            "time": "21/Apr/2020:15:08:21 +0000",
            "timeEpoch": 1587481701067i64
        },
        "body": "{\"n\":1}",
        "pathParameters": {"id": "42"},
        "isBase64Encoded": false
    });
    assert_eq!(ev, expected);
    // Key order follows AWS's example.
    let keys: Vec<&String> = ev.as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "version",
            "routeKey",
            "rawPath",
            "rawQueryString",
            "cookies",
            "headers",
            "queryStringParameters",
            "requestContext",
            "body",
            "pathParameters",
            "isBase64Encoded"
        ]
    );
}

#[test]
fn rest_golden() {
    let mut input = base(ApiType::Rest, PayloadFormat::V2);
    input.request_id = "deef4878-7910-11e6-8f14-25afc3e9ae33".into();
    input.stage_variables.insert("env".into(), "prod".into());
    let ev = build_event(&input);
    assert_eq!(ev.get("version"), None, "REST events have no version");
    assert_eq!(ev["resource"], "/items/{id}");
    assert_eq!(ev["path"], "/items/42");
    assert_eq!(ev["httpMethod"], "POST");
    // Case kept, last value in the single map, all values in the multi map.
    assert_eq!(ev["headers"]["X-Multi"], "two");
    assert_eq!(ev["multiValueHeaders"]["X-Multi"], json!(["one", "two"]));
    assert_eq!(ev["headers"]["Cookie"], "a=1; b=2");
    assert_eq!(ev["queryStringParameters"], json!({"a": "2", "b": "x y"}));
    assert_eq!(
        ev["multiValueQueryStringParameters"],
        json!({"a": ["1", "2"], "b": ["x y"]})
    );
    assert_eq!(ev["pathParameters"], json!({"id": "42"}));
    assert_eq!(ev["stageVariables"], json!({"env": "prod"}));
    let ctx = &ev["requestContext"];
    assert_eq!(ctx["path"], "/prod/items/42");
    assert_eq!(ctx["resourcePath"], "/items/{id}");
    assert_eq!(ctx["requestTime"], "21/Apr/2020:15:08:21 +0000");
    assert_eq!(ctx["requestTimeEpoch"], 1_587_481_701_067i64);
    assert_eq!(ctx["identity"]["sourceIp"], "1.2.3.4");
    assert_eq!(ctx["identity"]["userAgent"], "curl/8");
    assert!(ctx["identity"]["apiKey"].is_null());
    assert!(ctx.get("authorizer").is_none());
    assert_eq!(ev["body"], "{\"n\":1}");
    assert_eq!(ev["isBase64Encoded"], false);
}

#[test]
fn http_v1_nulls_and_lowercase() {
    let mut input = base(ApiType::Http, PayloadFormat::V1);
    input.query.clear();
    input.path_parameters.clear();
    input.body.clear();
    let ev = build_event(&input);
    assert_eq!(ev["version"], "1.0");
    assert_eq!(ev["headers"]["x-multi"], "two");
    assert!(ev["queryStringParameters"].is_null());
    assert!(ev["multiValueQueryStringParameters"].is_null());
    assert!(ev["pathParameters"].is_null());
    assert!(ev["stageVariables"].is_null());
    assert!(ev["body"].is_null());
    assert_eq!(
        ev["requestContext"]["authorizer"],
        json!({"claims": null, "scopes": null})
    );
}

#[test]
fn binary_bodies_are_base64() {
    // HTTP API: anything outside the text list is base64 (§1.5 [OBS]).
    let mut input = base(ApiType::Http, PayloadFormat::V2);
    input.headers = vec![("content-type".into(), "application/octet-stream".into())];
    input.body = vec![0, 159, 146, 150];
    let ev = build_event(&input);
    assert_eq!(ev["isBase64Encoded"], true);
    assert_eq!(ev["body"], "AJ+Slg==");
    // No content type at all: base64 too.
    input.headers.clear();
    assert_eq!(build_event(&input)["isBase64Encoded"], true);
    // text/* is plain.
    input.headers = vec![("content-type".into(), "text/plain; charset=utf-8".into())];
    input.body = b"hi".to_vec();
    assert_eq!(build_event(&input)["body"], "hi");

    // REST: only binaryMediaTypes matches are base64.
    let mut input = base(ApiType::Rest, PayloadFormat::V1);
    input.headers = vec![("Content-Type".into(), "image/png".into())];
    input.body = vec![1, 2, 3];
    assert_eq!(build_event(&input)["isBase64Encoded"], false);
    input.binary_media_types = vec!["image/*".into()];
    let ev = build_event(&input);
    assert_eq!(ev["isBase64Encoded"], true);
    assert_eq!(ev["body"], "AQID");
}

#[test]
fn jwt_claims_become_strings_with_scopes() {
    let mut input = base(ApiType::Http, PayloadFormat::V2);
    let claims = json!({"sub": "u1", "exp": 1787996002, "admin": true,
                        "groups": ["a", "b"], "scope": "read write"});
    input.authorizer = AuthorizerData::Jwt {
        claims: claims.as_object().unwrap().clone(),
        scopes: None,
    };
    let ev = build_event(&input);
    let jwt = &ev["requestContext"]["authorizer"]["jwt"];
    assert_eq!(jwt["claims"]["exp"], "1787996002");
    assert_eq!(jwt["claims"]["admin"], "true");
    assert_eq!(jwt["claims"]["groups"], "[a b]");
    assert_eq!(jwt["scopes"], json!(["read", "write"]));
    // No scope claim: null, as real events carry.
    input.authorizer = AuthorizerData::Jwt {
        claims: json!({"sub": "u"}).as_object().unwrap().clone(),
        scopes: None,
    };
    assert!(build_event(&input)["requestContext"]["authorizer"]["jwt"]["scopes"].is_null());
}

#[test]
fn lambda_authorizer_context() {
    let ctx = json!({"user": "u1", "n": 2, "nested": {"a": 1}});
    let auth = AuthorizerData::Lambda {
        principal_id: Some("me".into()),
        context: ctx.as_object().unwrap().clone(),
    };
    let mut input = base(ApiType::Http, PayloadFormat::V2);
    input.authorizer = auth.clone();
    let ev = build_event(&input);
    assert_eq!(ev["requestContext"]["authorizer"]["lambda"], ctx);
    let mut input = base(ApiType::Rest, PayloadFormat::V1);
    input.authorizer = auth;
    let a = &build_event(&input)["requestContext"]["authorizer"];
    assert_eq!(a["principalId"], "me");
    assert_eq!(a["n"], 2);
    assert_eq!(a["nested"], "{\"a\":1}");
}

#[test]
fn url_helpers() {
    assert_eq!(
        parse_execute_api_host("abc.execute-api.us-west-2.amazonaws.com"),
        Some(("abc".into(), "us-west-2".into()))
    );
    assert_eq!(parse_execute_api_host("api.example.com"), None);
    assert_eq!(
        split_url("/a/b?x=1#f"),
        (None, "/a/b".to_string(), "x=1".to_string())
    );
    assert_eq!(
        split_url("http://127.0.0.1:8080?q"),
        (
            Some("127.0.0.1:8080".into()),
            "/".to_string(),
            "q".to_string()
        )
    );
    let id = request_id(ApiType::Http, [1; 16]);
    assert_eq!(id.len(), 15);
    assert!(id.ends_with('='));
    assert_eq!(request_id(ApiType::Rest, [2; 16]).len(), 36);
    assert_eq!(strip_stage("/prod", "prod", true), "/");
    assert_eq!(strip_stage("/production/x", "prod", true), "/production/x");
    let i = EventInput::from_url(ApiType::Http, PayloadFormat::V2, "get", "/x", SEED)
        .with_gateway_headers();
    assert!(i.headers.iter().any(|(k, _)| k == "x-amzn-trace-id"));
    assert_eq!(i.method, "GET");
}
