//! The inventory against a small fake API Gateway that does what moto does
//! not: it pages every list (nextToken / position, two items a page),
//! answers TooManyRequestsException before succeeding, and fails
//! GetAuthorizers for one API of each kind. Nothing may be lost.

mod support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{Method, Uri};
use axum::response::Response;
use gatescope::app::inventory::Loader;
use gatescope::backends::aws::retry::RetryPolicy;
use gatescope::backends::{ControlPlane, ErrorKind};
use gatescope::domain::Api;
use serde_json::{Value, json};
use support::fake_http::{aws_error, json_ok, serve};

const HTTP_APIS: usize = 5;
const REST_APIS: usize = 3;
const ROUTES: usize = 5;
const PAGE: usize = 2;

#[derive(Default)]
struct Fake {
    /// Attempts per request (method + path + query).
    attempts: HashMap<String, u32>,
    throttled: u32,
    pages_followed: u32,
    /// Every API's GetAuthorizers answers 403 (the "denied" scenario).
    deny_all: bool,
}

type Shared = Arc<Mutex<Fake>>;

/// One page of `items` starting at the token/position in the query.
fn page(
    items: Vec<Value>,
    query: &HashMap<String, String>,
    token_key: &str,
    fake: &mut Fake,
) -> Value {
    let start: usize = query
        .get(token_key)
        .and_then(|t| t.trim_start_matches("tok").parse().ok())
        .unwrap_or(0);
    if start > 0 {
        fake.pages_followed += 1;
    }
    let end = (start + PAGE).min(items.len());
    // apigatewayv2 names the list `items`, apigateway (REST) names it `item`.
    let list_key = if token_key == "position" {
        "item"
    } else {
        "items"
    };
    let mut body = json!({ list_key: items[start..end] });
    if end < items.len() {
        body[token_key] = json!(format!("tok{end}"));
    }
    body
}

fn http_api(i: usize) -> Value {
    json!({"apiId": format!("h{i}"), "name": format!("http-{i}"), "protocolType": "HTTP",
           "apiEndpoint": format!("https://h{i}.execute-api.us-east-1.amazonaws.com")})
}

fn v2_routes(api: &str) -> Vec<Value> {
    (0..ROUTES)
        .map(|r| json!({"routeId": format!("{api}r{r}"), "routeKey": format!("GET /items/{r}"),
                        "target": format!("integrations/{api}i{r}"), "authorizationType": "JWT",
                        "authorizerId": format!("{api}a{}", r % 3), "authorizationScopes": [format!("scope{r}")]}))
        .collect()
}

fn v2_integrations(api: &str) -> Vec<Value> {
    (0..ROUTES)
        .map(|r| {
            json!({"integrationId": format!("{api}i{r}"), "integrationType": "AWS_PROXY",
                        "integrationUri": format!("arn:aws:lambda:us-east-1:1:function:{api}-{r}"),
                        "payloadFormatVersion": "2.0", "timeoutInMillis": 1000 + r})
        })
        .collect()
}

/// Three authorizers; routes reference a0..a2 (every one of them).
fn v2_authorizer(api: &str, n: usize) -> Value {
    json!({"authorizerId": format!("{api}a{n}"), "name": format!("auth-{n}"), "authorizerType": "JWT",
           "identitySource": ["$request.header.Authorization"],
           "jwtConfiguration": {"issuer": format!("https://issuer/{n}"), "audience": ["aud"]}})
}

fn v2_stages(api: &str) -> Vec<Value> {
    ["$default", "dev", "prod"]
        .iter()
        .map(|s| json!({"stageName": s, "autoDeploy": true,
                        "accessLogSettings": {"destinationArn": format!("arn:aws:logs:us-east-1:1:log-group:{api}-{s}"), "format": "$context.requestId"}}))
        .collect()
}

fn rest_resources(api: &str) -> Vec<Value> {
    (0..ROUTES)
        .map(|r| json!({"id": format!("{api}res{r}"), "path": format!("/items/{r}"),
                        "resourceMethods": {"GET": {"httpMethod": "GET", "authorizationType": "CUSTOM",
                            "authorizerId": format!("{api}a{}", r % 2),
                            "methodIntegration": {"type": "AWS_PROXY", "httpMethod": "POST",
                                "uri": format!("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:{api}-{r}/invocations")}}}}))
        .collect()
}

fn rest_authorizer(api: &str, n: usize) -> Value {
    json!({"id": format!("{api}a{n}"), "name": format!("auth-{n}"), "type": "TOKEN",
           "identitySource": "method.request.header.Authorization"})
}

async fn handle(state: Shared, method: Method, uri: Uri) -> Response {
    let key = format!("{method} {uri}");
    let query: HashMap<String, String> = uri
        .query()
        .map(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .into_owned()
                .collect()
        })
        .unwrap_or_default();
    let mut fake = state.lock().unwrap();
    let attempt = {
        let n = fake.attempts.entry(key.clone()).or_default();
        *n += 1;
        *n
    };
    // Throttle the first attempt of every request, and the first listing three times.
    let throttles = if uri.path() == "/v2/apis" && !query.contains_key("nextToken") {
        3
    } else {
        1
    };
    if attempt <= throttles {
        fake.throttled += 1;
        return aws_error(429, "TooManyRequestsException", "Too Many Requests");
    }
    let parts: Vec<&str> = uri.path().trim_matches('/').split('/').collect();
    match parts.as_slice() {
        ["v2", "apis"] => {
            let items = (0..HTTP_APIS).map(http_api).collect();
            json_ok(page(items, &query, "nextToken", &mut fake))
        }
        ["v2", "apis", id, "routes"] => {
            json_ok(page(v2_routes(id), &query, "nextToken", &mut fake))
        }
        ["v2", "apis", id, "integrations"] => {
            json_ok(page(v2_integrations(id), &query, "nextToken", &mut fake))
        }
        ["v2", "apis", id, "stages"] => {
            json_ok(page(v2_stages(id), &query, "nextToken", &mut fake))
        }
        ["v2", "apis", id, "authorizers"] => {
            if *id == "h1" || fake.deny_all {
                return aws_error(403, "AccessDeniedException", "User is not authorized");
            }
            let items = (0..3).map(|n| v2_authorizer(id, n)).collect();
            json_ok(page(items, &query, "nextToken", &mut fake))
        }
        ["v2", "apis", id, "authorizers", aid] => {
            let n: usize = aid.rsplit('a').next().unwrap().parse().unwrap();
            json_ok(v2_authorizer(id, n))
        }
        ["restapis"] => {
            let items = (0..REST_APIS)
                .map(|i| json!({"id": format!("r{i}"), "name": format!("rest-{i}")}))
                .collect();
            json_ok(page(items, &query, "position", &mut fake))
        }
        ["restapis", id, "resources"] => {
            assert_eq!(
                query.get("embed").map(String::as_str),
                Some("methods"),
                "methods must be embedded"
            );
            json_ok(page(rest_resources(id), &query, "position", &mut fake))
        }
        ["restapis", id, "authorizers"] => {
            if *id == "r2" || fake.deny_all {
                return aws_error(500, "InternalFailure", "not implemented");
            }
            let items = (0..2).map(|n| rest_authorizer(id, n)).collect();
            json_ok(page(items, &query, "position", &mut fake))
        }
        ["restapis", id, "authorizers", aid] => {
            let n: usize = aid.rsplit('a').next().unwrap().parse().unwrap();
            json_ok(rest_authorizer(id, n))
        }
        ["restapis", _, "stages"] => {
            json_ok(json!({"item": [{"stageName": "prod", "deploymentId": "d1"}]}))
        }
        // No usage plans, keys, custom domains or customised responses.
        ["usageplans"] | ["apikeys"] | ["domainnames"] | ["restapis", _, "gatewayresponses"] => {
            json_ok(json!({"item": []}))
        }
        ["v2", "domainnames"] => json_ok(json!({"items": []})),
        _ => aws_error(404, "NotFoundException", "no such path"),
    }
}

async fn start(fake: Fake) -> (String, Shared) {
    let state: Shared = Arc::new(Mutex::new(fake));
    let s = state.clone();
    let app = axum::Router::new().fallback(move |m: Method, u: Uri| handle(s.clone(), m, u));
    (format!("http://{}", serve(app).await), state)
}

async fn control_plane(url: &str) -> Arc<dyn ControlPlane> {
    support::aws::shared_control_plane(url, Some(support::aws::fast_retry(6))).await
}

fn keys(api: &Api) -> Vec<String> {
    api.routes.iter().map(|r| r.route_key.clone()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paged_throttled_and_failing_calls_lose_nothing() {
    let (url, state) = start(Fake::default()).await;
    let (inv, problems) = Loader::new(control_plane(&url).await)
        .concurrency(4)
        .load()
        .await
        .unwrap();
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        inv.apis.len(),
        HTTP_APIS + REST_APIS,
        "every page of GetApis and GetRestApis"
    );
    let ids: Vec<&str> = inv.apis.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(
        ids,
        ["h0", "h1", "h2", "h3", "h4", "r0", "r1", "r2"],
        "listing order kept"
    );
    let expected_keys: Vec<String> = (0..ROUTES).map(|r| format!("GET /items/{r}")).collect();

    for api in &inv.apis {
        assert!(api.details_loaded, "{}", api.id);
        assert_eq!(
            keys(api),
            expected_keys,
            "every page of routes/resources of {}",
            api.id
        );
        for (r, route) in api.routes.iter().enumerate() {
            let i = route.integration.as_ref().expect("integration joined");
            assert_eq!(
                i.lambda_arn().unwrap().as_str(),
                format!("arn:aws:lambda:us-east-1:1:function:{}-{r}", api.id)
            );
            assert!(
                api.authorizer(route.authorizer_id.as_deref().unwrap())
                    .is_some(),
                "authorizer of {} {r}",
                api.id
            );
        }
        if api.id.starts_with('h') {
            assert_eq!(api.routes[0].authorization_scopes, ["scope0"]);
            assert_eq!(
                api.routes[4]
                    .integration
                    .as_ref()
                    .unwrap()
                    .timeout_in_millis,
                Some(1004)
            );
            assert_eq!(api.authorizers.len(), 3, "all authorizers of {}", api.id);
            assert_eq!(
                api.stages
                    .iter()
                    .map(|s| s.stage_name.as_str())
                    .collect::<Vec<_>>(),
                ["$default", "dev", "prod"]
            );
            assert_eq!(
                api.stage("dev")
                    .unwrap()
                    .access_log_settings
                    .as_ref()
                    .unwrap()
                    .log_group_name()
                    .unwrap(),
                format!("{}-dev", api.id)
            );
        } else {
            assert_eq!(api.authorizers.len(), 2, "all authorizers of {}", api.id);
            assert_eq!(api.stages.len(), 1);
            assert_eq!(
                api.stages[0].invoke_url.as_deref(),
                Some(&*format!(
                    "https://{}.execute-api.us-east-1.amazonaws.com/prod",
                    api.id
                ))
            );
        }
        // The one failing call is reported, and its fallback found everything.
        if api.id == "h1" || api.id == "r2" {
            assert_eq!(api.problems.len(), 1, "{:?}", api.problems);
            assert!(
                api.problems[0].contains("authorizer list is missing"),
                "{:?}",
                api.problems
            );
        } else {
            assert!(api.problems.is_empty(), "{}: {:?}", api.id, api.problems);
        }
    }
    assert!(inv.apis.iter().find(|a| a.id == "h1").unwrap().problems[0].contains("access denied: GetAuthorizers needs apigateway:GET on arn:aws:apigateway:us-east-1::/apis/h1/authorizers"));

    let fake = state.lock().unwrap();
    assert!(
        fake.throttled > 50,
        "every request was throttled first: {}",
        fake.throttled
    );
    assert!(
        fake.pages_followed > 30,
        "pages followed: {}",
        fake.pages_followed
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_that_never_ends_is_a_clear_error() {
    let (url, state) = start(Fake::default()).await;
    // The first GetApis page is throttled 3 times: with 2 attempts we give up.
    let retry = RetryPolicy {
        max_attempts: 2,
        base_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(2),
    };
    let sdk_cp = support::aws::control_plane(&url, Some(retry)).await;
    let (apis, problems) = sdk_cp.list_apis_partial().await.unwrap();
    // REST listing succeeded (throttled once, retried once); HTTP did not.
    assert_eq!(apis.len(), REST_APIS);
    assert_eq!(problems.len(), 1);
    assert!(
        problems[0].starts_with("HTTP and WebSocket APIs are missing: GetApis was throttled"),
        "{problems:?}"
    );
    drop(state);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denied_authorizers_everywhere_still_show_referenced_ones() {
    let (url, _state) = start(Fake {
        deny_all: true,
        ..Fake::default()
    })
    .await;
    let (inv, _) = Loader::new(control_plane(&url).await).load().await.unwrap();
    for api in &inv.apis {
        assert!(!api.authorizers.is_empty(), "{}", api.id);
        assert!(
            api.problems
                .iter()
                .any(|p| p.contains("unreferenced ones are not shown")),
            "{:?}",
            api.problems
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_failure_on_both_services_is_one_error() {
    // Nothing listens on this port.
    let url = format!("http://127.0.0.1:{}", support::free_port());
    let err = control_plane(&url).await.list_apis().await.unwrap_err();
    assert_eq!(err.kind, ErrorKind::Network);
    assert_eq!(err.message, format!("connection refused by {url}"));
}
