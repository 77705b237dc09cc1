//! The inventory against moto: seed HTTP, WebSocket and REST APIs with boto3,
//! then check the library loader and `gatescope inspect --output json` (the
//! real binary) return exactly what was seeded, field by field.

mod support;

use std::process::Command;
use std::sync::Arc;

use gatescope::app::inventory::{InventoryEvent, InventoryState, Loader};
use gatescope::backends::ControlPlane;
use serde_json::{Value, json};

const SEED: &str = include_str!("inventory/seed.py");

fn seed(moto: &support::Moto) -> Value {
    serde_json::from_str(&moto.python(SEED, &[])).expect("seed output is JSON")
}

/// A control plane pointed at moto, built in-process (no env mutation).
async fn control_plane(moto: &support::Moto) -> Arc<dyn ControlPlane> {
    support::aws::shared_control_plane(&moto.url(), None).await
}

fn find<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .find(|v| v[key] == value)
        .unwrap_or_else(|| panic!("no {key}={value} in {list:#}"))
}

/// Every assertion about the seeded inventory, on its JSON form (the CLI's
/// contract), so the library and the binary are held to the same shape.
fn assert_matches_seed(apis: &Value, s: &Value) {
    assert_eq!(apis.as_array().unwrap().len(), 4, "{apis:#}");

    // --- HTTP API ---
    let h = &s["http"];
    let api = find(apis, "id", h["id"].as_str().unwrap());
    assert_eq!(api["name"], "orders-http");
    assert_eq!(api["protocol"], "HTTP");
    assert_eq!(api["description"], "orders");
    assert_eq!(
        api["endpoint"],
        format!(
            "https://{}.execute-api.us-east-1.amazonaws.com",
            h["id"].as_str().unwrap()
        )
    );
    assert_eq!(
        api["cors"],
        json!({
            "allowOrigins": ["https://app.example.com"],
            "allowMethods": ["GET", "POST"],
            "allowHeaders": ["authorization", "content-type"],
            "exposeHeaders": ["x-request-id"],
            "maxAge": 300,
            "allowCredentials": true
        })
    );
    let routes = &api["routes"];
    assert_eq!(routes.as_array().unwrap().len(), 4);
    let keys: Vec<&str> = routes
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["routeKey"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "GET /orders",
            "POST /orders",
            "GET /orders/{id}",
            "$default"
        ],
        "sorted by path, $default last"
    );
    let lambda = json!({
        "id": h["lambdaIntegrationId"], "type": "AWS_PROXY", "uri": h["fn"],
        "payloadFormatVersion": "2.0", "timeoutInMillis": 10000,
        "integrationMethod": "POST", "connectionType": null, "credentialsArn": null
    });
    let get = find(routes, "routeKey", "GET /orders");
    assert_eq!(get["routeId"], h["routes"]["GET /orders"]);
    assert_eq!(get["authorizationType"], "JWT");
    assert_eq!(get["authorizationScopes"], json!(["orders/read"]));
    assert_eq!(get["authorizerId"], h["authorizerId"]);
    assert_eq!(get["integration"], lambda);
    let post = find(routes, "routeKey", "POST /orders");
    assert_eq!(
        post["authorizationScopes"],
        json!(["orders/write", "orders/admin"])
    );
    let by_id = find(routes, "routeKey", "GET /orders/{id}");
    assert_eq!(by_id["authorizationType"], "NONE");
    assert_eq!(by_id["authorizationScopes"], json!([]));
    assert_eq!(by_id["authorizerId"], Value::Null);
    assert_eq!(by_id["integration"]["type"], "HTTP_PROXY");
    assert_eq!(
        by_id["integration"]["uri"],
        "https://backend.example.com/{proxy}"
    );
    assert_eq!(by_id["integration"]["payloadFormatVersion"], "1.0");
    assert_eq!(by_id["integration"]["timeoutInMillis"], 30000);
    assert_eq!(by_id["integration"]["integrationMethod"], "ANY");
    assert_eq!(
        find(routes, "routeKey", "$default")["integration"],
        Value::Null
    );

    // moto answers GetAuthorizers with 500: the referenced one comes from GetAuthorizer.
    let auths = api["authorizers"].as_array().unwrap();
    assert_eq!(auths.len(), 1);
    let a = &auths[0];
    assert_eq!(a["id"], h["authorizerId"]);
    assert_eq!(a["name"], "jwt-auth");
    assert_eq!(a["type"], "JWT");
    assert_eq!(
        a["identitySource"],
        json!(["$request.header.Authorization"])
    );
    assert_eq!(
        a["jwtConfiguration"],
        json!({"issuer": "https://issuer.example.com", "audience": ["aud1", "aud2"]})
    );
    let problems = api["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .as_str()
            .unwrap()
            .contains("authorizer list is missing"),
        "{problems:?}"
    );

    let stages = api["stages"].as_array().unwrap();
    assert_eq!(stages.len(), 2);
    let prod = find(&api["stages"], "stageName", "prod");
    assert_eq!(prod["autoDeploy"], true);
    assert_eq!(
        prod["invokeUrl"],
        format!("{}/prod", api["endpoint"].as_str().unwrap())
    );
    assert_eq!(
        prod["accessLogSettings"],
        json!({"destinationArn": h["logArn"], "format": h["logFormat"]})
    );
    assert_eq!(prod["defaultRouteSettings"]["throttlingRateLimit"], 100.0);
    assert_eq!(prod["defaultRouteSettings"]["throttlingBurstLimit"], 50);
    assert_eq!(
        prod["routeSettings"]["GET /orders"]["throttlingRateLimit"],
        10.0
    );
    assert_eq!(
        prod["routeSettings"]["GET /orders"]["throttlingBurstLimit"],
        5
    );
    assert_eq!(prod["stageVariables"], json!({"env": "prod"}));
    let dflt = find(&api["stages"], "stageName", "$default");
    assert_eq!(dflt["autoDeploy"], false);
    assert_eq!(
        dflt["invokeUrl"], api["endpoint"],
        "no stage segment for $default"
    );
    assert_eq!(dflt["accessLogSettings"], Value::Null);

    // --- wildcard CORS API and WebSocket API ---
    let w = find(apis, "id", s["wildcard"]["id"].as_str().unwrap());
    assert_eq!(w["cors"]["allowOrigins"], json!(["*"]));
    assert_eq!(w["cors"]["allowCredentials"], true);
    assert_eq!(w["routes"], json!([]));
    let ws = find(apis, "id", s["ws"]["id"].as_str().unwrap());
    assert_eq!(ws["protocol"], "WEBSOCKET");
    assert_eq!(ws["endpoint"], s["ws"]["endpoint"]);
    assert_eq!(ws["cors"], Value::Null);
    assert_eq!(ws["routes"][0]["routeKey"], "$connect");

    // --- REST API: resources x methods become routes ---
    let r = &s["rest"];
    let api = find(apis, "id", r["id"].as_str().unwrap());
    assert_eq!(api["name"], "pets-rest");
    assert_eq!(api["protocol"], "REST");
    assert_eq!(api["endpointTypes"], json!(["REGIONAL"]));
    assert_eq!(api["cors"], Value::Null);
    let routes = &api["routes"];
    let keys: Vec<&str> = routes
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["routeKey"].as_str().unwrap())
        .collect();
    assert_eq!(
        keys,
        [
            "GET /pets",
            "POST /pets",
            "GET /pets/{petId}",
            "GET /pets/{petId}/toys"
        ]
    );
    let get = find(routes, "routeKey", "GET /pets");
    assert_eq!(get["routeId"], r["resources"]["/pets"]);
    assert_eq!(get["authorizationType"], "NONE");
    assert_eq!(
        get["integration"],
        json!({"id": null, "type": "AWS_PROXY", "uri": r["fnUri"], "payloadFormatVersion": "1.0",
               "timeoutInMillis": 29000, "integrationMethod": "POST", "connectionType": null, "credentialsArn": null})
    );
    let post = find(routes, "routeKey", "POST /pets");
    assert_eq!(post["authorizationType"], "COGNITO_USER_POOLS");
    assert_eq!(post["authorizerId"], r["poolAuthorizerId"]);
    assert_eq!(post["authorizationScopes"], json!(["pets/write"]));
    let pet = find(routes, "routeKey", "GET /pets/{petId}");
    assert_eq!(pet["routeId"], r["resources"]["/pets/{petId}"]);
    assert_eq!(pet["authorizationType"], "CUSTOM");
    assert_eq!(pet["authorizerId"], r["tokenAuthorizerId"]);
    assert_eq!(
        find(routes, "routeKey", "GET /pets/{petId}/toys")["integration"],
        Value::Null
    );
    let token = find(&api["authorizers"], "name", "token-auth");
    assert_eq!(token["id"], r["tokenAuthorizerId"]);
    assert_eq!(token["type"], "TOKEN");
    assert_eq!(
        token["identitySource"],
        json!(["method.request.header.Authorization"])
    );
    assert_eq!(token["authorizerUri"], r["fnUri"]);
    assert_eq!(token["resultTtlInSeconds"], 300);
    assert_eq!(token["jwtConfiguration"], Value::Null);
    // The derived Lambda block: kind, function, the methods behind it.
    assert_eq!(
        token["lambda"],
        json!({"kind": "REST_TOKEN", "functionArn": r["fnUri"].as_str().unwrap().split("/functions/").nth(1).unwrap().trim_end_matches("/invocations"),
               "identitySources": ["method.request.header.Authorization"], "resultTtlInSeconds": 300,
               "simpleResponses": false, "payloadFormatVersion": null, "routes": ["GET /pets/{petId}"]})
    );
    // moto returns `policy` as the JSON text it was given; inspect shows it parsed.
    assert_eq!(api["resourcePolicy"]["Statement"][1]["Sid"], "DenyOffice");
    assert_eq!(
        api["resourcePolicy"]["Statement"][1]["Condition"]["IpAddress"]["aws:SourceIp"],
        json!(["203.0.113.0/24"])
    );
    let pool = find(&api["authorizers"], "name", "pool-auth");
    assert_eq!(pool["type"], "COGNITO_USER_POOLS");
    assert_eq!(
        pool["providerArns"],
        json!(["arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc"])
    );
    assert_eq!(
        api.get("problems"),
        None,
        "REST GetAuthorizers works on moto"
    );
    let prod = find(&api["stages"], "stageName", "prod");
    assert_eq!(
        prod["invokeUrl"],
        format!(
            "https://{}.execute-api.us-east-1.amazonaws.com/prod",
            r["id"].as_str().unwrap()
        )
    );
    assert_eq!(
        prod["accessLogSettings"],
        json!({"destinationArn": s["http"]["logArn"], "format": s["http"]["logFormat"]})
    );
    assert_eq!(prod["defaultRouteSettings"]["throttlingRateLimit"], 200.0);
    assert_eq!(prod["defaultRouteSettings"]["throttlingBurstLimit"], 100);
    assert_eq!(prod["stageVariables"], json!({"color": "blue"}));
    assert!(prod["deploymentId"].is_string());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loader_streams_the_seeded_inventory_and_it_matches_field_by_field() {
    let moto = support::Moto::start();
    let seeded = seed(&moto);
    let control = control_plane(&moto).await;

    let (mut rx, _task) = Loader::new(control).concurrency(2).spawn();
    let mut state = InventoryState::default();
    state.start_refresh();
    let mut order = Vec::new();
    let mut done = None;
    while let Some(ev) = rx.recv().await {
        order.push(match &ev {
            InventoryEvent::ApisListed { apis, problems } => {
                assert!(problems.is_empty(), "{problems:?}");
                assert_eq!(apis.len(), 4);
                assert!(
                    apis.iter()
                        .all(|a| !a.details_loaded && a.routes.is_empty()),
                    "summaries first"
                );
                "listed"
            }
            InventoryEvent::ApiLoaded(a) => {
                assert!(a.details_loaded);
                "loaded"
            }
            InventoryEvent::Failed { error, .. } => panic!("unexpected failure: {error}"),
            InventoryEvent::ListFailed(e) => panic!("listing failed: {e}"),
            InventoryEvent::Done(inv) => {
                done = Some(inv.clone());
                "done"
            }
        });
        state.apply(ev);
    }
    assert_eq!(
        order,
        ["listed", "loaded", "loaded", "loaded", "loaded", "done"]
    );
    assert!(!state.loading && state.progress() == (4, 4));
    let done = serde_json::to_value(&done.unwrap().apis).unwrap();
    assert_matches_seed(&done, &seeded);
    assert_eq!(
        serde_json::to_value(&state.apis).unwrap(),
        done,
        "state ends equal to the final inventory"
    );
}

#[test]
fn inspect_json_from_the_binary_matches_the_seed_and_warms_the_cache() {
    let moto = support::Moto::start();
    let seeded = seed(&moto);
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(support::gatescope_bin())
        .args(["inspect", "--output", "json"])
        .envs(moto.env())
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    // moto answers GetAuthorizers (v2) with a 500: each HTTP / WebSocket
    // API's authorizer list is incomplete (the routes' own authorizers are
    // read one by one), which is exit 1 with those APIs named.
    assert_eq!(
        out.status.code(),
        Some(1),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let apis: Value = serde_json::from_slice(&out.stdout).expect("stdout is one JSON document");
    assert_matches_seed(&apis, &seeded);
    // With --output json the problems are one JSON document on stderr.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Value = serde_json::from_str(stderr.trim()).expect("one problems document");
    let problems = problems["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 3, "{stderr}");
    assert!(
        problems.iter().all(|p| p["message"]
            .as_str()
            .unwrap()
            .contains("authorizer list is missing")),
        "{stderr}"
    );

    // The full load refreshed the disk cache the TUI starts from.
    let cache_dir = home.path().join("cache/inventory");
    let files: Vec<_> = std::fs::read_dir(&cache_dir).unwrap().collect();
    assert_eq!(files.len(), 1);

    // One API by id, and `apis` summaries.
    let id = seeded["rest"]["id"].as_str().unwrap();
    let out = Command::new(support::gatescope_bin())
        .args(["inspect", id, "--output", "json"])
        .envs(moto.env())
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let one: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one.as_array().unwrap().len(), 1);
    assert_eq!(one[0]["id"], id);

    let out = Command::new(support::gatescope_bin())
        .args(["apis", "--output", "json"])
        .envs(moto.env())
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "moto's GetAuthorizers, as above"
    );
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let http = find(&list, "id", seeded["http"]["id"].as_str().unwrap());
    assert_eq!(http["routeCount"], 4);
    assert_eq!(http["stages"], json!(["$default", "prod"]));
    assert_eq!(
        http["flags"],
        json!([
            "ACCESS_LOGGING_OFF",
            "ROUTE_NO_INTEGRATION",
            "DETAILS_INCOMPLETE"
        ])
    );
    let w = find(&list, "id", seeded["wildcard"]["id"].as_str().unwrap());
    assert_eq!(w["flags"][0], "CORS_CREDENTIALS_WITH_WILDCARD");

    // Table output names each API and flags what breaks.
    let out = Command::new(support::gatescope_bin())
        .args(["inspect", seeded["http"]["id"].as_str().unwrap()])
        .envs(moto.env())
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("orders-http ("), "{text}");
    assert!(text.contains("GET /orders       JWT   jwt-auth"), "{text}");
    assert!(
        text.contains("! ROUTE_NO_INTEGRATION: Route `$default` has no integration"),
        "{text}"
    );
}

#[test]
fn unknown_api_id_is_a_one_line_error() {
    let moto = support::Moto::start();
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(support::gatescope_bin())
        .args(["inspect", "nope123", "--output", "json"])
        .envs(moto.env())
        .env("GATESCOPE_HOME", home.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    // On a loaded machine the load may report progress first (after 2 s):
    // that is not the error, which stays one line.
    let err: Vec<&str> = err
        .lines()
        .filter(|l| !l.contains("listing the APIs: waiting") && !l.contains("APIs loaded; waiting"))
        .collect();
    assert_eq!(err.len(), 1, "{err:?}");
    let err = err[0];
    assert!(
        err.starts_with("gatescope: no API with id nope123 in us-east-1"),
        "{err}"
    );
}
