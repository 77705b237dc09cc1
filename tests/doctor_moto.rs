//! `gatescope doctor` end to end against moto: the configuration lint on an
//! API seeded with boto3, and the log-side rules on access-log and Lambda
//! log groups seeded with the lines API Gateway and Lambda write. Requests go
//! to a local server that answers like API Gateway.

mod support;

use std::process::{Command, Output};

use serde_json::Value;

fn doctor(moto: &support::Moto, args: &[&str]) -> (Output, Value) {
    let mut cmd = Command::new(support::gatescope_bin());
    cmd.arg("doctor").args(args).args(["--output", "json"]);
    cmd.env("GATESCOPE_HOME", tempfile::tempdir().unwrap().keep());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "doctor printed no JSON ({e}):\nstdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, json)
}

fn codes(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn finding<'a>(report: &'a Value, code: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {report:#}"))
}

const SEED_LINT: &str = r#"
import boto3
v2 = boto3.client("apigatewayv2")
api = v2.create_api(Name="shop", ProtocolType="HTTP", CorsConfiguration={
    "AllowOrigins": ["https://app.example.com/"],
    "AllowMethods": ["GET"],
    "AllowHeaders": ["content-type"],
})["ApiId"]
integ = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY",
    IntegrationUri="arn:aws:lambda:us-east-1:123456789012:function:shop",
    PayloadFormatVersion="1.0")["IntegrationId"]
auth = v2.create_authorizer(ApiId=api, Name="jwt", AuthorizerType="JWT",
    IdentitySource=["$request.header.Authorization"],
    JwtConfiguration={"Issuer": "http://issuer.example.com/", "Audience": ["app"]})["AuthorizerId"]
v2.create_route(ApiId=api, RouteKey="GET /items", Target="integrations/" + integ)
v2.create_route(ApiId=api, RouteKey="GET /me", Target="integrations/" + integ,
    AuthorizationType="JWT", AuthorizerId=auth)
v2.create_route(ApiId=api, RouteKey="DELETE /items/{id}")
v2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True, AccessLogSettings={
    "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:/apigw/shop",
    "Format": '{"requestId":"$context.requestId","status":"$context.status"}',
})
print(api)
"#;

#[test]
fn lint_reports_configuration_mistakes_and_exits_1() {
    let moto = support::Moto::start();
    let api = moto.python(SEED_LINT, &[]).trim().to_string();
    let (out, report) = doctor(&moto, &[&api]);
    let got = codes(&report);
    for want in [
        "ROUTE_NO_INTEGRATION",
        "PAYLOAD_FORMAT_1_0_ON_HTTP_API",
        "CORS_ORIGIN_TRAILING_SLASH",
        "CORS_METHODS_MISSING",
        "CORS_AUTHORIZATION_HEADER_MISSING",
        "JWT_ISSUER_NOT_HTTPS",
        "JWT_ISSUER_TRAILING_SLASH",
        "ACCESS_LOG_MISSING_FIELDS",
        "PUBLIC_ROUTE_NOT_THROTTLED",
    ] {
        assert!(got.contains(&want.to_string()), "missing {want} in {got:?}");
    }
    assert_eq!(
        finding(&report, "ROUTE_NO_INTEGRATION")["certainty"],
        "fromConfig"
    );
    assert_eq!(out.status.code(), Some(1), "an error finding must exit 1");

    // An unknown stage is a usage error.
    let (code, stderr) = {
        let mut cmd = Command::new(support::gatescope_bin());
        cmd.args(["doctor", &api, "--stage", "nope"]);
        for (k, v) in moto.env() {
            cmd.env(k, v);
        }
        let o = cmd.output().unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).to_string(),
        )
    };
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("no stage nope"), "{stderr}");
}

const SEED_LOGS: &str = r#"
import boto3, json, time
v2 = boto3.client("apigatewayv2")
logs = boto3.client("logs")
fn = create_function("orders", timeout=3)
api = v2.create_api(Name="orders", ProtocolType="HTTP")["ApiId"]
integ = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=fn,
    PayloadFormatVersion="2.0")["IntegrationId"]
for key in ["GET /items", "GET /slow"]:
    v2.create_route(ApiId=api, RouteKey=key, Target="integrations/" + integ)
fmt = json.dumps({
    "requestId": "$context.requestId", "routeKey": "$context.routeKey", "status": "$context.status",
    "integrationStatus": "$context.integrationStatus", "functionStatus": "$context.integration.status",
    "integrationRequestId": "$context.integration.requestId",
    "integrationError": "$context.integrationErrorMessage", "authorizerError": "$context.authorizer.error",
    "integrationLatency": "$context.integrationLatency",
}, separators=(",", ":"))
v2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True, AccessLogSettings={
    "DestinationArn": "arn:aws:logs:us-east-1:123456789012:log-group:/apigw/orders", "Format": fmt})
now = int(time.time() * 1000)
def put(group, lines):
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName="s")
    logs.put_log_events(logGroupName=group, logStreamName="s",
        logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(lines)])
def access(**kw):
    rec = {"requestId": "-", "routeKey": "-", "status": "-", "integrationStatus": "-", "functionStatus": "-",
           "integrationRequestId": "-", "integrationError": "-", "authorizerError": "-", "integrationLatency": "-"}
    rec.update(kw)
    return json.dumps(rec, separators=(",", ":"))
lid = "9f1c2d3e-0000-4000-8000-000000000001"
put("/apigw/orders", [
    access(requestId="REQPERM0000001=", routeKey="GET /items", status="500",
        integrationError="The IAM role configured on the integration or API Gateway doesn't have permissions to call the integration. Check the permissions and try again."),
    access(requestId="REQSLOW0000001=", routeKey="GET /slow", status="500", integrationStatus="200",
        integrationRequestId=lid, integrationLatency="3012"),
])
put("/aws/lambda/orders", [
    "START RequestId: %s Version: $LATEST" % lid,
    "2026-11-25T10:00:03.000Z %s Task timed out after 3.00 seconds" % lid,
    "END RequestId: %s" % lid,
    "REPORT RequestId: %s\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\tMemory Size: 128 MB\tMax Memory Used: 64 MB\tInit Duration: 250.12 ms" % lid,
])
print(api)
"#;

/// A server answering every request like an HTTP API 500, with the request
/// id of the path (`/slow` → REQSLOW…, anything else → REQPERM…).
fn fake_gateway() -> u16 {
    let answer = |id: &'static str| {
        move || async move {
            support::fake_http::reply(
                500,
                &[
                    ("content-type", "application/json"),
                    ("apigw-requestid", id),
                ],
                r#"{"message":"Internal Server Error"}"#,
            )
        }
    };
    let app = axum::Router::new()
        .route("/slow", axum::routing::any(answer("REQSLOW0000001=")))
        .fallback(answer("REQPERM0000001="));
    support::fake_http::serve_in_thread(app).port()
}

#[test]
fn logs_confirm_the_cause_of_a_500() {
    let moto = support::Moto::start();
    let api = moto
        .python_with_functions(SEED_LOGS, &[])
        .trim()
        .to_string();
    let port = fake_gateway();

    let url = format!("http://127.0.0.1:{port}/items");
    let (out, report) = doctor(&moto, &[&api, "GET", &url, "--wait", "5s"]);
    let f = finding(&report, "MISSING_INVOKE_PERMISSION");
    assert_eq!(f["certainty"], "confirmedByLogs", "{report:#}");
    assert!(
        !codes(&report).contains(&"HTTP_API_INTERNAL_ERROR".to_string()),
        "the guess must be overturned: {report:#}"
    );
    assert_eq!(out.status.code(), Some(1));

    let url = format!("http://127.0.0.1:{port}/slow");
    let (_, report) = doctor(&moto, &[&api, "GET", &url, "--wait", "5s"]);
    assert_eq!(
        finding(&report, "FUNCTION_TIMEOUT")["certainty"],
        "confirmedByLogs",
        "{report:#}"
    );
    assert_eq!(finding(&report, "COLD_START")["severity"], "info");
    assert!(
        !codes(&report).contains(&"MALFORMED_PROXY_RESPONSE".to_string()),
        "{report:#}"
    );
}

/// Two functions (timeouts 60 s and 10 s) behind HTTP API integrations that
/// wait 30 s, plus an integration naming a function that does not exist.
/// moto's create_function stores the function without running it (no docker).
const SEED_TIMEOUTS: &str = r#"
import boto3
v2 = boto3.client("apigatewayv2")
out = []
for name, timeout in [("slowfn", 60), ("quickfn", 10)]:
    fn = create_function(name, timeout=timeout)
    api = v2.create_api(Name=name, ProtocolType="HTTP")["ApiId"]
    integ = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY", IntegrationUri=fn,
        PayloadFormatVersion="2.0", TimeoutInMillis=30000)["IntegrationId"]
    v2.create_route(ApiId=api, RouteKey="GET /items", Target="integrations/" + integ)
    v2.create_stage(ApiId=api, StageName="$default", AutoDeploy=True)
    out.append(api)
api = v2.create_api(Name="ghost", ProtocolType="HTTP")["ApiId"]
integ = v2.create_integration(ApiId=api, IntegrationType="AWS_PROXY",
    IntegrationUri="arn:aws:lambda:us-east-1:123456789012:function:ghost",
    PayloadFormatVersion="2.0", TimeoutInMillis=30000)["IntegrationId"]
v2.create_route(ApiId=api, RouteKey="GET /items", Target="integrations/" + integ)
out.append(api)
print(" ".join(out))
"#;

#[test]
fn lint_compares_the_lambda_timeout_with_the_integration_timeout() {
    let moto = support::Moto::start();
    let seeded = moto.python_with_functions(SEED_TIMEOUTS, &[]);
    let [slow, quick, ghost]: [&str; 3] = seeded
        .split_whitespace()
        .collect::<Vec<_>>()
        .try_into()
        .unwrap();

    // Timeout=60 s behind a 30 s integration: clients get 503 while it runs on.
    let (_, report) = doctor(&moto, &[slow]);
    let f = finding(&report, "LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION");
    assert_eq!(f["severity"], "warning", "{report:#}");
    assert_eq!(f["certainty"], "fromConfig", "{report:#}");
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains("60") && evidence.contains("30000"),
        "{report:#}"
    );

    // Timeout=10 s fits within 30 s: nothing to say about timeouts.
    let (_, report) = doctor(&moto, &[quick]);
    let got = codes(&report);
    assert!(
        !got.contains(&"LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION".to_string()),
        "{report:#}"
    );
    assert!(
        !got.contains(&"LAMBDA_CONFIG_UNREADABLE".to_string()),
        "{report:#}"
    );

    // A function Lambda cannot find: the lint says it could not check, and
    // still reports everything else (exit status from the other findings).
    let (out, report) = doctor(&moto, &[ghost]);
    let f = finding(&report, "LAMBDA_CONFIG_UNREADABLE");
    assert_eq!(f["severity"], "info", "{report:#}");
    assert!(f["evidence"].to_string().contains("ghost"), "{report:#}");
    assert!(
        !codes(&report).contains(&"LAMBDA_TIMEOUT_EXCEEDS_INTEGRATION".to_string()),
        "{report:#}"
    );
    assert_ne!(out.status.code(), Some(2), "{report:#}");
}

/// A REST API whose stage writes execution logs (INFO, data trace) but no
/// access log, and the execution-log lines of two requests: a 502 from a
/// malformed Lambda proxy response, and another request's 200.
const SEED_EXEC_LOGS: &str = r#"
import boto3, time
rest = boto3.client("apigateway")
logs = boto3.client("logs")
fn = create_function("orders", timeout=3)
uri = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/%s/invocations" % fn
rid = rest.create_rest_api(name="shop", endpointConfiguration={"types": ["REGIONAL"]})["id"]
root = rest.get_resources(restApiId=rid)["items"][0]["id"]
orders = rest.create_resource(restApiId=rid, parentId=root, pathPart="orders")["id"]
rest.put_method(restApiId=rid, resourceId=orders, httpMethod="GET", authorizationType="NONE")
rest.put_integration(restApiId=rid, resourceId=orders, httpMethod="GET", type="AWS_PROXY",
                     integrationHttpMethod="POST", uri=uri)
rest.create_deployment(restApiId=rid, stageName="prod")
rest.update_stage(restApiId=rid, stageName="prod", patchOperations=[
    {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
    {"op": "replace", "path": "/*/*/logging/dataTrace", "value": "true"},
])
group = "API-Gateway-Execution-Logs_%s/prod" % rid
logs.create_log_group(logGroupName=group)
logs.create_log_stream(logGroupName=group, logStreamName="2a38a4a9316c49e5a833517c45d31070")
now = int(time.time() * 1000)
bad, good = "5a1f0c2e-0000-4000-8000-0000000000b2", "5a1f0c2e-0000-4000-8000-0000000000c3"
lines = []
for rid_, tail in ((good, ['Endpoint response body before transformations: {"statusCode":200,"body":"[]"}',
                           "Method completed with status: 200"]),
                   (bad, ['Endpoint response body before transformations: "hello world"',
                          "Execution failed due to configuration error: Malformed Lambda proxy response",
                          "Method completed with status: 502"])):
    for text in ["Starting execution for request: %s" % rid_, "HTTP Method: GET, Resource Path: /orders",
                 "Endpoint request URI: https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/%s/invocations" % fn,
                 "Received response. Status: 200, Integration latency: 20 ms"] + tail:
        lines.append("(%s) %s" % (rid_, text))
logs.put_log_events(logGroupName=group, logStreamName="2a38a4a9316c49e5a833517c45d31070",
    logEvents=[{"timestamp": now + i, "message": m} for i, m in enumerate(lines)])
print(rid)
"#;

#[test]
fn the_execution_log_confirms_a_rest_502_without_an_access_log() {
    let moto = support::Moto::start();
    let api = moto
        .python_with_functions(SEED_EXEC_LOGS, &[])
        .trim()
        .to_string();
    let app = axum::Router::new().fallback(|| async {
        support::fake_http::reply(
            502,
            &[
                ("content-type", "application/json"),
                ("x-amzn-requestid", "5a1f0c2e-0000-4000-8000-0000000000b2"),
                ("x-amzn-errortype", "InternalServerErrorException"),
            ],
            r#"{"message": "Internal server error"}"#,
        )
    });
    let port = support::fake_http::serve_in_thread(app).port();
    let url = format!("http://127.0.0.1:{port}/prod/orders");
    let (out, report) = doctor(&moto, &[&api, "GET", &url, "--wait", "5s"]);
    let f = finding(&report, "MALFORMED_PROXY_RESPONSE");
    assert_eq!(f["certainty"], "confirmedByLogs", "{report:#}");
    let evidence = f["evidence"].to_string();
    assert!(
        evidence.contains("execution log (5a1f0c2e-0000-4000-8000-0000000000b2)"),
        "{evidence}"
    );
    assert!(
        evidence.contains("Method completed with status: 502"),
        "{evidence}"
    );
    assert_eq!(out.status.code(), Some(1));

    // The table header counts the execution-log lines of this request only.
    let mut cmd = Command::new(support::gatescope_bin());
    cmd.args(["doctor", &api, "GET", &url, "--wait", "5s"]);
    cmd.env("GATESCOPE_HOME", tempfile::tempdir().unwrap().keep());
    for (k, v) in moto.env() {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("7 execution-log line(s)"), "{stdout}");
}
