//! The demo gateway's definitions for the cases: one API and its functions per case.

use super::cases::{Api, Case, PAGE};
use gatescope::backends::demo::Definitions;
use serde_json::{Value, json};

pub(crate) fn id(i: usize) -> String {
    format!("case{i:02}")
}

pub(crate) fn fill(s: &str, page: &str) -> String {
    s.replace(PAGE, page)
}

pub(crate) fn fill_value(v: &Value, page: &str) -> Value {
    match v {
        Value::String(s) => Value::String(fill(s, page)),
        Value::Array(a) => Value::Array(a.iter().map(|x| fill_value(x, page)).collect()),
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| (k.clone(), fill_value(x, page)))
                .collect(),
        ),
        other => other.clone(),
    }
}

pub(crate) fn headers_of(h: &[(&str, &str)], page: &str) -> Vec<(String, String)> {
    h.iter()
        .map(|(k, v)| (k.to_string(), fill(v, page)))
        .collect()
}

/// The function's answer: its own headers, plus one the page may try to read.
pub(crate) fn function_response(status: u16, h: &[(&str, &str)], page: &str) -> Value {
    let mut headers = serde_json::Map::new();
    headers.insert("content-type".into(), json!("text/plain"));
    headers.insert("x-request-id".into(), json!("req-1"));
    for (k, v) in headers_of(h, page) {
        headers.insert(k, json!(v));
    }
    json!({"statusCode": status, "headers": headers, "body": "ok"})
}

/// The gateway's definitions: one API (and one or two functions) per case.
pub(crate) fn definitions(cases: &[Case], page: &str) -> Definitions {
    let mut apis = Vec::new();
    let mut functions = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let id = id(i);
        let main_fn = format!("fn-{id}");
        let mut routes = vec![
            json!({"routeKey": format!("{} /r", c.method), "routeId": "r-main", "authorizationType": "NONE", "integration": "main"}),
        ];
        let mut integrations = json!({"main": {"function": main_fn}});
        let mut api = json!({"id": id, "name": format!("cors-{}", c.name)});
        match &c.api {
            Api::Http { cors, function } => {
                api["protocol"] = json!("HTTP");
                api["stages"] = json!([{"stageName": "prod", "autoDeploy": true}]);
                if let Some(cors) = cors {
                    api["cors"] = fill_value(cors, page);
                }
                functions.push(json!({"name": main_fn, "handler": "returns", "response": function_response(200, function, page)}));
            }
            Api::Rest {
                status,
                function,
                options,
            } => {
                api["protocol"] = json!("REST");
                api["stages"] = json!([{"stageName": "prod"}]);
                functions.push(json!({"name": main_fn, "handler": "returns", "response": function_response(*status, function, page)}));
                if let Some(options) = options {
                    let opt_fn = format!("fn-{id}-options");
                    integrations["options"] = json!({"function": opt_fn});
                    routes.push(json!({"routeKey": "OPTIONS /r", "routeId": "r-main", "authorizationType": "NONE", "integration": "options"}));
                    functions.push(json!({"name": opt_fn, "handler": "returns", "response": function_response(200, options, page)}));
                }
            }
        }
        api["integrations"] = integrations;
        api["routes"] = json!(routes);
        apis.push(api);
    }
    Definitions {
        apis: toml::to_string(&json!({"api": apis})).expect("apis as TOML"),
        functions: toml::to_string(&json!({"function": functions})).expect("functions as TOML"),
        scenarios: String::new(),
    }
}
