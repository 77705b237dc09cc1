//! The demo's Lambda functions, as plain Rust: each gets the proxy event and returns the
//! bytes a real function would return (or throws). They log like the Node.js runtime, so
//! the logs view has realistic lines to parse. Which handler serves which route is data
//! (`assets/demo/functions.toml`, `apis.toml`).

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use serde::Serialize;
use serde_json::{Value, json};

use super::config::FunctionDef;

/// Where a function's `console.log` goes.
pub(crate) trait FnLog: Send + Sync {
    fn log(&self, level: &str, message: &str);
}

/// What a function invocation produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The bytes the function returned (serialised JSON, as Lambda hands them over).
    Returned(Vec<u8>),
    /// An unhandled error: Lambda answers with this error object and `X-Amz-Function-Error`.
    Threw {
        error_type: String,
        message: String,
        stack: Vec<String>,
    },
}

/// The orders service's data, shared by every invocation (a stand-in for DynamoDB).
#[derive(Debug)]
pub(crate) struct OrdersDb {
    inner: Mutex<(BTreeMap<String, Order>, u32)>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Order {
    pub id: String,
    pub item: String,
    pub quantity: u64,
    pub status: String,
    #[serde(rename = "createdBy")]
    pub created_by: String,
}

impl Default for OrdersDb {
    fn default() -> Self {
        let seed = [
            ("ord-1001", "widget", 3, "open"),
            ("ord-1002", "gadget", 1, "shipped"),
        ];
        let map = seed
            .into_iter()
            .map(|(id, item, quantity, status)| {
                let o = Order {
                    id: id.into(),
                    item: item.into(),
                    quantity,
                    status: status.into(),
                    created_by: "seed".into(),
                };
                (id.to_string(), o)
            })
            .collect();
        OrdersDb {
            inner: Mutex::new((map, 1003)),
        }
    }
}

/// Run `def`'s handler on `event`.
pub async fn run(def: &FunctionDef, event: &Value, db: &OrdersDb, log: &dyn FnLog) -> Outcome {
    // Like many real functions, every demo function logs the event it received first.
    log.log("INFO", &format!("Event: {event}"));
    match def.handler.as_str() {
        "orders" => orders(event, db, log),
        "body_object" => {
            log.log("INFO", "building the monthly report");
            let body = json!({"month": "2026-11", "orders": 2, "total": 4});
            returned(
                json!({"statusCode": 200, "headers": {"content-type": "application/json"}, "body": body}),
            )
        }
        "no_status_code" => {
            log.log("INFO", "returning the legacy report");
            returned(json!({
                "headers": {"content-type": "application/json"},
                "body": json!({"report": "legacy report", "rows": 2}).to_string(),
            }))
        }
        "throws" => {
            log.log("INFO", "reading the report totals");
            Outcome::Threw {
                error_type: "TypeError".into(),
                message: "Cannot read properties of undefined (reading 'total')".into(),
                stack: vec![
                    "TypeError: Cannot read properties of undefined (reading 'total')".into(),
                    "    at Runtime.handler (/var/task/index.mjs:12:31)".into(),
                ],
            }
        }
        "sleeps" => {
            log.log(
                "INFO",
                &format!("generating a slow report ({} ms)", def.sleep_ms),
            );
            tokio::time::sleep(Duration::from_millis(def.sleep_ms)).await;
            log.log("INFO", "slow report done");
            ok(200, &json!({"report": "slow", "tookMs": def.sleep_ms}), &[])
        }
        "cors_disagree" => {
            log.log("INFO", "listing widgets for https://dashboard.example.org");
            let out = ok(
                200,
                &json!({"widgets": ["sprocket", "gear"]}),
                &[
                    (
                        "access-control-allow-origin",
                        "https://dashboard.example.org",
                    ),
                    ("access-control-allow-methods", "GET"),
                ],
            );
            log_response(log, &out);
            out
        }
        "token_authorizer" => token_authorizer(event, log),
        "whoami" => {
            let a = &event["requestContext"]["authorizer"];
            log.log("INFO", &format!("caller: {a}"));
            ok(
                200,
                &json!({"path": event["path"], "principalId": a["principalId"], "authorizer": a}),
                &[],
            )
        }
        "returns" => match &def.response {
            Some(response) => {
                let out = returned(response.clone());
                log_response(log, &out);
                out
            }
            None => Outcome::Threw {
                error_type: "Runtime.UserCodeSyntaxError".into(),
                message: format!("{} uses the `returns` handler without `response`", def.name),
                stack: Vec::new(),
            },
        },
        other => Outcome::Threw {
            error_type: "Runtime.HandlerNotFound".into(),
            message: format!("index.{other} is undefined or not exported"),
            stack: Vec::new(),
        },
    }
}

/// A REST `TOKEN` authorizer as many are written: `Bearer allow-NAME` is
/// allowed, `Bearer deny-NAME` denied, anything else throws `Unauthorized`
/// (API Gateway answers 401). Its policy names only `event.methodArn`, the
/// method it was asked about: with caching on, that is the cache pitfall.
fn token_authorizer(event: &Value, log: &dyn FnLog) -> Outcome {
    let token = event["authorizationToken"].as_str().unwrap_or("");
    let arn = event["methodArn"].clone();
    let (effect, user) = match token.strip_prefix("Bearer ") {
        Some(t) if t.starts_with("allow-") => ("Allow", &t[6..]),
        Some(t) if t.starts_with("deny-") => ("Deny", &t[5..]),
        _ => {
            log.log("INFO", "no known token: Unauthorized");
            return Outcome::Threw {
                error_type: "Error".into(),
                message: "Unauthorized".into(),
                stack: Vec::new(),
            };
        }
    };
    log.log("INFO", &format!("{effect} {user} on {arn}"));
    returned(json!({
        "principalId": user,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": effect, "Action": "execute-api:Invoke", "Resource": arn}
        ]},
        "context": {"user": user, "tier": if user == "alice" { "gold" } else { "basic" }, "roles": ["reader"]}
    }))
}

/// `console.log("Response:", JSON.stringify(response))`, as many functions do: the
/// doctor reads the function's own headers from such a line.
fn log_response(log: &dyn FnLog, out: &Outcome) {
    if let Outcome::Returned(bytes) = out {
        log.log(
            "INFO",
            &format!("Response: {}", String::from_utf8_lossy(bytes)),
        );
    }
}

fn returned(v: Value) -> Outcome {
    Outcome::Returned(v.to_string().into_bytes())
}

fn ok(status: u16, body: &Value, extra: &[(&str, &str)]) -> Outcome {
    let mut headers = serde_json::Map::new();
    headers.insert("content-type".into(), json!("application/json"));
    for (k, v) in extra {
        headers.insert((*k).into(), json!(v));
    }
    returned(json!({"statusCode": status, "headers": headers, "body": body.to_string()}))
}

/// The CRUD service. Understands payload 2.0 and 1.0/REST events alike.
fn orders(event: &Value, db: &OrdersDb, log: &dyn FnLog) -> Outcome {
    let method = event["requestContext"]["http"]["method"]
        .as_str()
        .or_else(|| event["httpMethod"].as_str())
        .unwrap_or("GET");
    let id = event["pathParameters"]["id"].as_str();
    let user = event["requestContext"]["authorizer"]["jwt"]["claims"]["sub"]
        .as_str()
        .or_else(|| event["requestContext"]["authorizer"]["claims"]["sub"].as_str())
        .unwrap_or("anonymous");
    let mut guard = db.inner.lock().unwrap_or_else(|e| e.into_inner());
    let (orders, next) = &mut *guard;
    match (method, id) {
        ("GET", None) => {
            let status = event["queryStringParameters"]["status"].as_str();
            let list: Vec<&Order> = orders
                .values()
                .filter(|o| status.is_none_or(|s| o.status == s))
                .collect();
            log.log("INFO", &format!("listed {} orders", list.len()));
            ok(200, &json!({"orders": list}), &[])
        }
        ("GET", Some(id)) => match orders.get(id) {
            Some(o) => ok(200, &json!(o), &[]),
            None => {
                log.log("WARN", &format!("order {id} not found"));
                ok(
                    404,
                    &json!({"message": format!("order {id} not found")}),
                    &[],
                )
            }
        },
        ("POST", None) => {
            let raw = event["body"].as_str().unwrap_or("");
            let raw = if event["isBase64Encoded"].as_bool() == Some(true) {
                base64::engine::general_purpose::STANDARD
                    .decode(raw)
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default()
            } else {
                raw.to_string()
            };
            let parsed: Option<(String, u64)> = serde_json::from_str::<Value>(&raw)
                .ok()
                .and_then(|v| Some((v["item"].as_str()?.to_string(), v["quantity"].as_u64()?)))
                .filter(|(item, q)| !item.is_empty() && *q > 0);
            let Some((item, quantity)) = parsed else {
                log.log("WARN", &format!("rejected body {raw:?}"));
                return ok(
                    400,
                    &json!({"message": "body must be a JSON object like {\"item\":\"widget\",\"quantity\":2}"}),
                    &[],
                );
            };
            let id = format!("ord-{next}");
            *next += 1;
            let o = Order {
                id: id.clone(),
                item,
                quantity,
                status: "open".into(),
                created_by: user.into(),
            };
            orders.insert(id.clone(), o.clone());
            log.log("INFO", &format!("created order {id} for {user}"));
            ok(201, &json!(o), &[("location", &format!("/orders/{id}"))])
        }
        ("DELETE", Some(id)) => match orders.remove(id) {
            Some(_) => {
                log.log("INFO", &format!("deleted order {id}"));
                returned(json!({"statusCode": 204}))
            }
            None => ok(
                404,
                &json!({"message": format!("order {id} not found")}),
                &[],
            ),
        },
        _ => ok(
            405,
            &json!({"message": format!("{method} is not supported here")}),
            &[],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Lines(Mutex<Vec<String>>);
    impl FnLog for Lines {
        fn log(&self, level: &str, message: &str) {
            self.0.lock().unwrap().push(format!("{level} {message}"));
        }
    }

    fn def(handler: &str) -> FunctionDef {
        FunctionDef {
            name: "f".into(),
            handler: handler.into(),
            description: String::new(),
            memory_mb: 128,
            timeout_seconds: 3,
            sleep_ms: 5,
            response: None,
        }
    }

    #[tokio::test]
    async fn returns_answers_its_response_and_logs_it() {
        let db = OrdersDb::default();
        let mut d = def("returns");
        let response = json!({"statusCode": 201, "headers": {"access-control-allow-origin": "*"}, "body": "hi"});
        d.response = Some(response.clone());
        let lines = Lines::default();
        let out = run(&d, &json!({}), &db, &lines).await;
        assert_eq!(out, Outcome::Returned(response.to_string().into_bytes()));
        let lines = lines.0.into_inner().unwrap();
        assert_eq!(lines.last().unwrap(), &format!("INFO Response: {response}"));
        // Without a response it fails the way a broken deployment does.
        let out = run(&def("returns"), &json!({}), &db, &Lines::default()).await;
        assert!(matches!(out, Outcome::Threw { .. }), "{out:?}");
    }

    async fn call(handler: &str, event: Value, db: &OrdersDb) -> (Value, Vec<String>) {
        let lines = Lines::default();
        let out = run(&def(handler), &event, db, &lines).await;
        let Outcome::Returned(bytes) = out else {
            panic!("{handler} threw: {out:?}");
        };
        (
            serde_json::from_slice(&bytes).unwrap(),
            lines.0.into_inner().unwrap(),
        )
    }

    fn v2(method: &str, id: Option<&str>, body: Option<&str>) -> Value {
        let mut e = json!({"version": "2.0", "requestContext": {"http": {"method": method}}});
        if let Some(id) = id {
            e["pathParameters"] = json!({"id": id});
        }
        if let Some(b) = body {
            e["body"] = json!(b);
        }
        e
    }

    #[tokio::test]
    async fn orders_crud_round_trip() {
        let db = OrdersDb::default();
        let (out, logs) = call("orders", v2("GET", None, None), &db).await;
        assert_eq!(out["statusCode"], 200);
        assert!(out["body"].as_str().unwrap().contains("ord-1002"));
        assert!(logs[0].starts_with("INFO Event: {"), "{logs:?}");
        let (out, _) = call(
            "orders",
            v2("POST", None, Some(r#"{"item":"bolt","quantity":5}"#)),
            &db,
        )
        .await;
        assert_eq!(out["statusCode"], 201);
        assert_eq!(out["headers"]["location"], "/orders/ord-1003");
        let (out, _) = call("orders", v2("GET", Some("ord-1003"), None), &db).await;
        let body: Value = serde_json::from_str(out["body"].as_str().unwrap()).unwrap();
        assert_eq!(body["item"], "bolt");
        let (out, _) = call("orders", v2("DELETE", Some("ord-1003"), None), &db).await;
        assert_eq!(out["statusCode"], 204);
        let (out, _) = call("orders", v2("GET", Some("ord-1003"), None), &db).await;
        assert_eq!(out["statusCode"], 404);
        let (out, _) = call("orders", v2("POST", None, Some("nope")), &db).await;
        assert_eq!(out["statusCode"], 400);
    }

    #[tokio::test]
    async fn orders_understands_rest_events_and_query_filters() {
        let db = OrdersDb::default();
        let e = json!({"httpMethod": "GET", "queryStringParameters": {"status": "shipped"}, "pathParameters": null});
        let (out, _) = call("orders", e, &db).await;
        let body = out["body"].as_str().unwrap();
        assert!(
            body.contains("ord-1002") && !body.contains("ord-1001"),
            "{body}"
        );
    }

    #[tokio::test]
    async fn broken_functions_are_broken_the_documented_way() {
        let db = OrdersDb::default();
        let (out, _) = call("body_object", v2("GET", None, None), &db).await;
        assert!(out["body"].is_object());
        let (out, _) = call("no_status_code", v2("GET", None, None), &db).await;
        assert!(out.get("statusCode").is_none() && out["body"].is_string());
        let (out, _) = call("cors_disagree", v2("GET", None, None), &db).await;
        assert_eq!(
            out["headers"]["access-control-allow-origin"],
            "https://dashboard.example.org"
        );
        let (out, logs) = call("sleeps", v2("GET", None, None), &db).await;
        assert_eq!(out["statusCode"], 200);
        assert_eq!(logs.last().unwrap(), "INFO slow report done");
        let lines = Lines::default();
        let thrown = run(&def("throws"), &v2("GET", None, None), &db, &lines).await;
        assert!(
            matches!(thrown, Outcome::Threw { ref error_type, .. } if error_type == "TypeError")
        );
    }
}
