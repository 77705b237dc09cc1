//! A local fake for the calls moto cannot answer (it runs no Lambda code and
//! answers 500 / 404 to TestInvoke* and GetUsage), in front of a moto server
//! that serves everything else: `lambda:Invoke`, `TestInvokeAuthorizer`,
//! `TestInvokeMethod` and `GetUsage` are answered here, every other request
//! is forwarded to moto unchanged. The real SDK clients talk to it through
//! an endpoint override.
//!
//! Behaviour is chosen by the request, so one fake serves every case:
//! - Invoke (a TOKEN authorizer event): `authorizationToken` `allow` (Allow
//!   for exactly the method ARN asked about), `deny` (explicit Deny),
//!   `boom` (the function throws: `X-Amz-Function-Error: Unhandled`),
//!   `garbage` (returns `"yes"`), `forbidden` (403 AccessDeniedException),
//!   `busy` (429 TooManyRequestsException);
//! - TestInvokeAuthorizer: header `Authorization` `allow` / `deny` /
//!   `forbidden`;
//! - TestInvokeMethod: path `/orders` (200 with its log), any other path (a
//!   502 Malformed Lambda proxy response, as the log says); header
//!   `x-fake-fault: throttle` / `denied` fails the call itself;
//! - GetUsage: key `known_key` has used up its quota of 5 on the last day;
//!   any other key id is 404 NotFoundException.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, Uri};
use axum::response::Response;
use serde_json::{Value, json};

use super::fake_http::{aws_error, json_ok, reply, serve_in_thread};

#[derive(Default)]
pub struct Counts {
    pub invoke: AtomicU32,
    pub test_authorizer: AtomicU32,
    pub test_method: AtomicU32,
    pub usage: AtomicU32,
    pub forwarded: AtomicU32,
}

pub struct FakeRealCalls {
    pub url: String,
    pub counts: Arc<Counts>,
}

struct State {
    moto: String,
    known_key: String,
    counts: Arc<Counts>,
    http: reqwest::Client,
}

impl FakeRealCalls {
    /// Serve in front of `moto_url`; `known_key` is the key id GetUsage knows.
    pub fn start(moto_url: &str, known_key: &str) -> FakeRealCalls {
        let counts = Arc::new(Counts::default());
        let state = Arc::new(State {
            moto: moto_url.trim_end_matches('/').to_string(),
            known_key: known_key.to_string(),
            counts: counts.clone(),
            http: reqwest::Client::new(),
        });
        let app =
            axum::Router::new().fallback(move |m: Method, u: Uri, h: HeaderMap, body: Bytes| {
                let s = state.clone();
                async move { handle(&s, m, u, h, body).await }
            });
        let addr = serve_in_thread(app);
        FakeRealCalls {
            url: format!("http://{addr}"),
            counts,
        }
    }

    /// Environment for the gatescope binary pointed at this fake.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID", "testing".into()),
            ("AWS_SECRET_ACCESS_KEY", "testing".into()),
            ("AWS_SESSION_TOKEN", "testing".into()),
            ("AWS_REGION", "us-east-1".into()),
            ("AWS_DEFAULT_REGION", "us-east-1".into()),
            ("AWS_ENDPOINT_URL", self.url.clone()),
            ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ]
    }
}

async fn handle(s: &State, m: Method, u: Uri, h: HeaderMap, body: Bytes) -> Response {
    let path = u.path();
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let req: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    match (&m, parts.as_slice()) {
        (&Method::POST, ["2015-03-31", "functions", _, "invocations"]) => {
            s.counts.invoke.fetch_add(1, Ordering::SeqCst);
            invoke(&req)
        }
        (&Method::POST, ["restapis", _, "authorizers", aid]) => {
            s.counts.test_authorizer.fetch_add(1, Ordering::SeqCst);
            test_authorizer(aid, &req)
        }
        (&Method::POST, ["restapis", _, "resources", _, "methods", verb]) => {
            s.counts.test_method.fetch_add(1, Ordering::SeqCst);
            test_method(verb, &req)
        }
        (&Method::GET, ["usageplans", plan, "usage"]) => {
            s.counts.usage.fetch_add(1, Ordering::SeqCst);
            usage(s, plan, u.query().unwrap_or(""))
        }
        _ => {
            s.counts.forwarded.fetch_add(1, Ordering::SeqCst);
            forward(s, m, &u, &h, body).await
        }
    }
}

/// Forward a request to moto as it came (moto accepts any signature).
async fn forward(s: &State, m: Method, u: &Uri, h: &HeaderMap, body: Bytes) -> Response {
    let url = format!(
        "{}{}",
        s.moto,
        u.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    );
    let mut req = s.http.request(m, url).body(body);
    for (k, v) in h {
        if k != "host" && k != "content-length" && k != "transfer-encoding" {
            req = req.header(k, v);
        }
    }
    let resp = match req.send().await {
        Ok(r) => r,
        Err(e) => return reply(502, &[], &format!("moto unreachable: {e}")),
    };
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .filter(|(k, _)| *k != "content-length" && *k != "transfer-encoding" && *k != "connection")
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
        .collect();
    let body = resp.text().await.unwrap_or_default();
    let h: Vec<(&str, &str)> = headers
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    reply(status, &h, &body)
}

fn policy(effect: &str, resource: &str) -> Value {
    json!({"Version": "2012-10-17", "Statement": [
        {"Effect": effect, "Action": "execute-api:Invoke", "Resource": resource}
    ]})
}

fn invoke(event: &Value) -> Response {
    let token = event["authorizationToken"].as_str().unwrap_or("");
    let arn = event["methodArn"].as_str().unwrap_or("");
    match token {
        "allow" => json_ok(json!({
            "principalId": "alice",
            "policyDocument": policy("Allow", arn),
            "context": {"tier": "gold", "roles": ["admin"]},
        })),
        "deny" => json_ok(json!({"principalId": "bob", "policyDocument": policy("Deny", arn)})),
        "boom" => reply(
            200,
            &[
                ("content-type", "application/json"),
                ("x-amz-function-error", "Unhandled"),
                ("x-amz-executed-version", "$LATEST"),
            ],
            r#"{"errorType":"TypeError","errorMessage":"token.split is not a function","trace":[]}"#,
        ),
        "garbage" => json_ok(json!("yes")),
        "forbidden" => aws_error(
            403,
            "AccessDeniedException",
            "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: lambda:InvokeFunction on resource: token-auth",
        ),
        "busy" => aws_error(429, "TooManyRequestsException", "Rate Exceeded."),
        _ => aws_error(400, "InvalidRequestContentException", "unexpected token"),
    }
}

const DATE: &str = "Sat Dec 05 13:00:00 UTC 2026";

fn log(id: &str, lines: &[String]) -> String {
    let mut out = format!("Execution log for request {id}\n");
    for l in lines {
        out.push_str(&format!("{DATE} : {l}\n"));
    }
    out
}

fn test_authorizer(aid: &str, req: &Value) -> Response {
    let token = req["headers"]["Authorization"].as_str().unwrap_or("");
    let resource = "arn:aws:execute-api:*:*:*/*/GET/orders";
    let (status, effect, principal) = match token {
        "allow" => (0, "Allow", "alice"),
        "deny" => (403, "Deny", "bob"),
        "forbidden" => {
            return aws_error(
                403,
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: apigateway:POST",
            );
        }
        _ => (401, "Deny", "nobody"),
    };
    let policy = policy(effect, resource).to_string();
    json_ok(json!({
        "clientStatus": status,
        "log": log("test-request", &[
            format!("Starting authorizer: {aid} for request: test-request"),
            "Incoming identity: ****allow".into(),
            format!("Authorizer result body before parsing: {{\"principalId\":\"{principal}\",\"policyDocument\":{policy}}}"),
            format!("Using valid authorizer policy for principal: ****{principal}"),
            "Successfully completed authorizer execution".into(),
        ]),
        "latency": 41,
        "principalId": principal,
        "policy": policy,
        "authorization": {"tier": ["gold"]},
    }))
}

fn test_method(verb: &str, req: &Value) -> Response {
    match req["headers"]["x-fake-fault"].as_str() {
        Some("throttle") => return aws_error(429, "TooManyRequestsException", "Too Many Requests"),
        Some("denied") => {
            return aws_error(
                403,
                "AccessDeniedException",
                "User: arn:aws:iam::123456789012:user/dev is not authorized to perform: apigateway:POST",
            );
        }
        _ => {}
    }
    let path = req["pathWithQueryString"].as_str().unwrap_or("/");
    let id = "5a1f0c2e-0000-4000-8000-00000000cafe";
    let fnuri = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders/invocations";
    let start = [
        format!("Starting execution for request: {id}"),
        format!("HTTP Method: {verb}, Resource Path: {path}"),
        "Method request path: {}".into(),
        "Method request query string: {}".into(),
        format!("Endpoint request URI: {fnuri}"),
        format!("Sending request to {fnuri}"),
        "Received response. Status: 200, Integration latency: 12 ms".into(),
    ];
    if path.starts_with("/orders") {
        let mut lines = start.to_vec();
        lines.extend([
            "Endpoint response headers: {Date=Sat, 05 Dec 2026 13:00:00 GMT, Content-Type=application/json, x-amzn-RequestId=0b7a0c2e-0000-4000-8000-0000000000aa, X-Amz-Executed-Version=$LATEST}".to_string(),
            r#"Endpoint response body before transformations: {"statusCode":200,"body":"{\"orders\":[]}"}"#.into(),
            "Method response body after transformations: {\"orders\":[]}".into(),
            "Successfully completed execution".into(),
            "Method completed with status: 200".into(),
        ]);
        json_ok(json!({
            "status": 200,
            "body": "{\"orders\":[]}",
            "headers": {"Content-Type": "application/json"},
            "multiValueHeaders": {"Content-Type": ["application/json"]},
            "log": log(id, &lines),
            "latency": 37,
        }))
    } else {
        let mut lines = start.to_vec();
        lines.extend([
            "Endpoint response body before transformations: \"hello\"".to_string(),
            "Execution failed due to configuration error: Malformed Lambda proxy response".into(),
            "Method completed with status: 502".into(),
        ]);
        json_ok(json!({
            "status": 502,
            "body": "{\"message\": \"Internal server error\"}",
            "headers": {"x-amzn-ErrorType": "InternalServerErrorException"},
            "log": log(id, &lines),
            "latency": 20,
        }))
    }
}

fn usage(s: &State, plan: &str, query: &str) -> Response {
    let q: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
    let key = q.get("keyId").cloned().unwrap_or_default();
    if key != s.known_key {
        return aws_error(
            404,
            "NotFoundException",
            "Invalid API Key identifier specified",
        );
    }
    let (start, end) = (q["startDate"].clone(), q["endDate"].clone());
    let d = |t: &str| chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").unwrap();
    let n = (d(&end) - d(&start)).num_days() + 1;
    let mut days: Vec<Value> = (1..n).map(|_| json!([2, 3])).collect();
    days.push(json!([5, 0]));
    json_ok(json!({
        "usagePlanId": plan,
        "startDate": start,
        "endDate": end,
        "values": {key: days},
    }))
}
