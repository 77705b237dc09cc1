//! The demo gateway's single door to the engines: route matching, event building,
//! response interpretation, CORS and JWT evaluation.
//!
//! The gateway must not carry a second copy of API Gateway's rules, so every rule it
//! applies goes through this module. Until `crate::engines` has the code, the bodies
//! below are deliberately small stand-ins (marked `STAND-IN`); they are replaced by calls
//! into the engines, keeping these signatures, so the gateway does not change.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::domain::{Api, ApiType, Cors, JwtConfiguration, PayloadFormat};

/// The route a request matched, with its path variables.
#[derive(Debug, Clone, PartialEq)]
pub struct RouteMatch {
    /// Index into `api.routes`.
    pub route_index: usize,
    pub route_key: String,
    pub path_params: BTreeMap<String, String>,
}

/// Which route serves `method path` (path without the stage segment, not decoded).
pub fn match_route(api: &Api, method: &str, path: &str) -> Option<RouteMatch> {
    // STAND-IN: most specific wins: fewer variables, then non-greedy, then exact method.
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut best: Option<((usize, usize, usize), RouteMatch)> = None;
    for (i, r) in api.routes.iter().enumerate() {
        let Some(rpath) = r.path() else {
            continue;
        };
        let rm = r.method();
        if rm != "ANY" && !rm.eq_ignore_ascii_case(method) {
            continue;
        }
        let Some((params, vars, greedy)) = match_path(rpath, &segs) else {
            continue;
        };
        let score = (greedy as usize, vars, (rm == "ANY") as usize);
        if best.as_ref().is_none_or(|(s, _)| score < *s) {
            best = Some((
                score,
                RouteMatch {
                    route_index: i,
                    route_key: r.route_key.clone(),
                    path_params: params,
                },
            ));
        }
    }
    best.map(|(_, m)| m).or_else(|| {
        let i = api.routes.iter().position(|r| r.route_key == "$default")?;
        Some(RouteMatch {
            route_index: i,
            route_key: "$default".into(),
            path_params: BTreeMap::new(),
        })
    })
}

type PathMatch = (BTreeMap<String, String>, usize, bool);

fn match_path(template: &str, segs: &[&str]) -> Option<PathMatch> {
    let tsegs: Vec<&str> = template.trim_start_matches('/').split('/').collect();
    let mut params = BTreeMap::new();
    for (i, t) in tsegs.iter().enumerate() {
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix("+}")) {
            if i >= segs.len() || segs[i..].iter().all(|s| s.is_empty()) {
                return None;
            }
            params.insert(name.to_string(), decode(&segs[i..].join("/")));
            return Some((params, tsegs.len(), true));
        }
        let s = segs.get(i)?;
        if let Some(name) = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            if s.is_empty() {
                return None;
            }
            params.insert(name.to_string(), decode(s));
        } else if t != s {
            return None;
        }
    }
    (tsegs.len() == segs.len()).then(|| {
        let n = params.len();
        (params, n, false)
    })
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

/// What a passed JWT authorizer hands the integration: claims (values as strings) and scopes.
pub type JwtContext = (Map<String, Value>, Vec<String>);

/// Everything the event builder needs to know about one request.
#[derive(Debug, Clone)]
pub struct EventInput<'a> {
    pub api: &'a Api,
    pub api_type: ApiType,
    pub payload: PayloadFormat,
    pub method: &'a str,
    /// Path as sent, stage segment included.
    pub raw_path: &'a str,
    /// Path without the stage segment.
    pub path: &'a str,
    pub raw_query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
    pub stage: &'a str,
    pub stage_variables: &'a BTreeMap<String, String>,
    pub route_key: &'a str,
    pub path_params: &'a BTreeMap<String, String>,
    pub request_id: &'a str,
    pub extended_request_id: &'a str,
    pub source_ip: &'a str,
    pub domain_name: &'a str,
    pub time_ms: i64,
    /// JWT claims (values as strings) and scopes, when a JWT authorizer passed.
    pub jwt: Option<JwtContext>,
}

/// The proxy event the Lambda receives.
pub fn build_event(i: &EventInput<'_>) -> Value {
    // STAND-IN: the main fields of §1.2 / §1.3 of the reference.
    use base64::Engine as _;
    let text_body = std::str::from_utf8(i.body).ok().filter(|_| {
        let ct = crate::domain::header(i.headers, "content-type").unwrap_or("");
        i.api_type == ApiType::Rest
            || ct.starts_with("text/")
            || ct.contains("json")
            || ct.contains("xml")
            || ct.contains("javascript")
    });
    let (body, b64) = match (i.body.is_empty(), text_body) {
        (true, _) => (Value::Null, false),
        (false, Some(t)) => (json!(t), false),
        (false, None) => (
            json!(base64::engine::general_purpose::STANDARD.encode(i.body)),
            true,
        ),
    };
    let query: Vec<(String, String)> = url::form_urlencoded::parse(i.raw_query.as_bytes())
        .into_owned()
        .collect();
    let ua = crate::domain::header(i.headers, "user-agent").unwrap_or("");
    let time = chrono::DateTime::from_timestamp_millis(i.time_ms)
        .unwrap_or_default()
        .format("%d/%b/%Y:%H:%M:%S +0000")
        .to_string();
    let params = (!i.path_params.is_empty()).then(|| json!(i.path_params));
    let vars = (!i.stage_variables.is_empty()).then(|| json!(i.stage_variables));
    let account = "123456789012";
    let prefix = i.domain_name.split('.').next().unwrap_or("");
    if i.payload == PayloadFormat::V2 {
        let mut headers = Map::new();
        for (k, v) in i.headers {
            let k = k.to_ascii_lowercase();
            let joined = match headers.get(&k).and_then(Value::as_str) {
                Some(prev) => format!("{prev},{v}"),
                None => v.clone(),
            };
            headers.insert(k, json!(joined));
        }
        let mut qs = Map::new();
        for (k, v) in &query {
            let joined = match qs.get(k).and_then(Value::as_str) {
                Some(prev) => format!("{prev},{v}"),
                None => v.clone(),
            };
            qs.insert(k.clone(), json!(joined));
        }
        let mut ev = json!({
            "version": "2.0",
            "routeKey": i.route_key,
            "rawPath": i.raw_path,
            "rawQueryString": i.raw_query,
            "headers": headers,
            "requestContext": {
                "accountId": account, "apiId": i.api.id, "domainName": i.domain_name,
                "domainPrefix": prefix,
                "http": {"method": i.method, "path": i.raw_path, "protocol": "HTTP/1.1",
                         "sourceIp": i.source_ip, "userAgent": ua},
                "requestId": i.request_id, "routeKey": i.route_key, "stage": i.stage,
                "time": time, "timeEpoch": i.time_ms,
            },
            "isBase64Encoded": b64,
        });
        let obj = ev.as_object_mut().expect("object");
        if let Some(c) = crate::domain::header(i.headers, "cookie") {
            obj.insert(
                "cookies".into(),
                json!(c.split(';').map(str::trim).collect::<Vec<_>>()),
            );
        }
        if !qs.is_empty() {
            obj.insert("queryStringParameters".into(), Value::Object(qs));
        }
        if let Some(p) = params {
            obj.insert("pathParameters".into(), p);
        }
        if let Some(v) = vars {
            obj.insert("stageVariables".into(), v);
        }
        if !body.is_null() {
            obj.insert("body".into(), body);
        }
        if let Some((claims, scopes)) = &i.jwt {
            ev["requestContext"]["authorizer"] =
                json!({"jwt": {"claims": claims, "scopes": scopes}});
        }
        return ev;
    }
    let mut headers = Map::new();
    let mut mv_headers = Map::new();
    for (k, v) in i.headers {
        headers.insert(k.clone(), json!(v));
        let e = mv_headers.entry(k.clone()).or_insert_with(|| json!([]));
        e.as_array_mut().expect("array").push(json!(v));
    }
    let mut qs = Map::new();
    let mut mv_qs = Map::new();
    for (k, v) in &query {
        qs.insert(k.clone(), json!(v));
        let e = mv_qs.entry(k.clone()).or_insert_with(|| json!([]));
        e.as_array_mut().expect("array").push(json!(v));
    }
    let resource = i.route_key.split_once(' ').map(|x| x.1).unwrap_or("/");
    let nullable = |m: Map<String, Value>| {
        if m.is_empty() {
            Value::Null
        } else {
            Value::Object(m)
        }
    };
    let mut ctx = json!({
        "accountId": account, "apiId": i.api.id, "domainName": i.domain_name,
        "domainPrefix": prefix, "extendedRequestId": i.extended_request_id,
        "httpMethod": i.method, "path": i.raw_path, "protocol": "HTTP/1.1",
        "requestId": i.request_id, "requestTime": time, "requestTimeEpoch": i.time_ms,
        "resourceId": "", "resourcePath": resource, "stage": i.stage,
        "identity": {"sourceIp": i.source_ip, "userAgent": ua},
    });
    if let Some((claims, scopes)) = &i.jwt {
        ctx["authorizer"] = json!({"claims": claims, "scopes": scopes});
    }
    let mut ev = json!({
        "resource": resource, "path": i.path, "httpMethod": i.method,
        "headers": nullable(headers), "multiValueHeaders": nullable(mv_headers),
        "queryStringParameters": nullable(qs), "multiValueQueryStringParameters": nullable(mv_qs),
        "pathParameters": params.unwrap_or(Value::Null),
        "stageVariables": vars.unwrap_or(Value::Null),
        "requestContext": ctx, "body": body, "isBase64Encoded": b64,
    });
    if i.api_type == ApiType::Http {
        ev["version"] = json!("1.0");
    }
    ev
}

/// What the client receives for a Lambda's output.
#[derive(Debug, Clone, PartialEq)]
pub enum Interpreted {
    Ok {
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    },
    /// Not a valid proxy response: 502 (REST) / 500 (HTTP API).
    Malformed { reason: String },
}

pub fn interpret(api_type: ApiType, payload: PayloadFormat, output: &[u8]) -> Interpreted {
    // STAND-IN: the rules of §2.1 / §2.2.
    use base64::Engine as _;
    let bad = |r: &str| Interpreted::Malformed { reason: r.into() };
    let Ok(v) = serde_json::from_slice::<Value>(output) else {
        return bad("the output is not valid JSON");
    };
    let http2 = api_type == ApiType::Http && payload == PayloadFormat::V2;
    let Some(obj) = v
        .as_object()
        .filter(|o| !http2 || o.contains_key("statusCode"))
    else {
        if http2 {
            let body = match &v {
                Value::String(s) => s.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            return Interpreted::Ok {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body,
            };
        }
        return bad("the output is not a JSON object");
    };
    if api_type == ApiType::Rest {
        const ALLOWED: &[&str] = &[
            "statusCode",
            "body",
            "headers",
            "multiValueHeaders",
            "isBase64Encoded",
            "base64Encoded",
        ];
        if let Some(k) = obj.keys().find(|k| !ALLOWED.contains(&k.as_str())) {
            return bad(&format!("unknown top-level key {k:?}"));
        }
    }
    let status = match obj.get("statusCode") {
        None if api_type == ApiType::Rest => 200,
        None => return bad("statusCode is missing"),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(s @ 100..=599) => s as u16,
            _ => return bad("statusCode is not a valid status"),
        },
        Some(Value::String(s)) => match s.parse::<u16>() {
            Ok(s @ 100..=599) => s,
            _ => return bad("statusCode is not a valid status"),
        },
        Some(_) => return bad("statusCode is not an integer"),
    };
    let mut headers = Vec::new();
    match obj.get("headers") {
        None | Some(Value::Null) => {}
        Some(Value::Object(h)) => {
            for (k, v) in h {
                match v {
                    Value::String(s) => headers.push((k.clone(), s.clone())),
                    Value::Bool(_) | Value::Number(_) => headers.push((k.clone(), v.to_string())),
                    _ => return bad(&format!("header {k:?} is not a string")),
                }
            }
        }
        Some(_) => return bad("headers is not an object"),
    }
    if payload == PayloadFormat::V1
        && let Some(Value::Object(mv)) = obj.get("multiValueHeaders")
    {
        for (k, vs) in mv {
            headers.retain(|(h, _)| !h.eq_ignore_ascii_case(k));
            for v in vs.as_array().into_iter().flatten() {
                headers.push((k.clone(), v.as_str().map_or(v.to_string(), str::to_string)));
            }
        }
    }
    if http2 && let Some(Value::Array(cookies)) = obj.get("cookies") {
        for c in cookies.iter().filter_map(Value::as_str) {
            headers.push(("set-cookie".into(), c.into()));
        }
    }
    let body = match obj.get("body") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return bad("body is not a string"),
    };
    let b64 = obj
        .get("base64Encoded")
        .or_else(|| obj.get("isBase64Encoded"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let body = if b64 && api_type == ApiType::Http {
        match base64::engine::general_purpose::STANDARD.decode(body.trim()) {
            Ok(b) => b,
            Err(_) => return bad("body is not valid base64"),
        }
    } else {
        body.into_bytes()
    };
    Interpreted::Ok {
        status,
        headers,
        body,
    }
}

/// The headers API Gateway answers a preflight with (empty when the origin is not allowed).
pub fn cors_preflight(
    cors: &Cors,
    origin: &str,
    _method: &str,
    _req_headers: &str,
) -> Vec<(String, String)> {
    // STAND-IN: W3C model as SAM implements it (§3.1).
    let Some(allow_origin) = allowed_origin(cors, origin) else {
        return Vec::new();
    };
    let mut h = vec![("access-control-allow-origin".to_string(), allow_origin)];
    if !cors.allow_methods.is_empty() {
        h.push((
            "access-control-allow-methods".into(),
            cors.allow_methods.join(","),
        ));
    }
    if !cors.allow_headers.is_empty() {
        h.push((
            "access-control-allow-headers".into(),
            cors.allow_headers.join(","),
        ));
    }
    if let Some(age) = cors.max_age {
        h.push(("access-control-max-age".into(), age.to_string()));
    }
    if cors.allow_credentials == Some(true) {
        h.push(("access-control-allow-credentials".into(), "true".into()));
    }
    h
}

/// The CORS headers API Gateway adds to an actual (non-preflight) response.
pub fn cors_actual(cors: &Cors, origin: Option<&str>) -> Vec<(String, String)> {
    // STAND-IN
    let Some(allow_origin) = origin.and_then(|o| allowed_origin(cors, o)) else {
        return Vec::new();
    };
    let mut h = vec![("access-control-allow-origin".to_string(), allow_origin)];
    if !cors.expose_headers.is_empty() {
        h.push((
            "access-control-expose-headers".into(),
            cors.expose_headers.join(","),
        ));
    }
    if cors.allow_credentials == Some(true) {
        h.push(("access-control-allow-credentials".into(), "true".into()));
    }
    h
}

fn allowed_origin(cors: &Cors, origin: &str) -> Option<String> {
    if cors.allow_origins.iter().any(|o| o == origin) {
        Some(origin.to_string())
    } else if cors.allow_origins.iter().any(|o| o == "*") {
        Some("*".into())
    } else {
        None
    }
}

/// A JWT authorizer's decision on an already signature-checked token.
#[derive(Debug, Clone, PartialEq)]
pub enum JwtOutcome {
    Pass {
        /// Claims with every value turned into a string, as API Gateway passes them.
        claims: Map<String, Value>,
        scopes: Vec<String>,
    },
    /// 401 with this `www-authenticate` value.
    Unauthorized {
        reason: String,
        www_authenticate: String,
    },
    /// 403: valid token without a required scope.
    Forbidden { reason: String },
}

/// Evaluate the claims of `token` as an HTTP API JWT authorizer does (§4.1).
pub fn evaluate_jwt(
    token: &str,
    cfg: &JwtConfiguration,
    route_scopes: &[String],
    now_s: i64,
) -> JwtOutcome {
    // STAND-IN
    use base64::Engine as _;
    let scope = route_scopes.join(" ");
    let unauthorized = |reason: &str| JwtOutcome::Unauthorized {
        reason: reason.into(),
        www_authenticate: format!(
            "Bearer scope=\"{scope}\" error=\"invalid_token\" error_description=\"{reason}\""
        ),
    };
    let claims: Option<Map<String, Value>> = token
        .split('.')
        .nth(1)
        .and_then(|p| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(p)
                .ok()
        })
        .and_then(|b| serde_json::from_slice(&b).ok());
    let Some(claims) = claims else {
        return unauthorized("the token is not a valid JWT");
    };
    if claims.get("iss").and_then(Value::as_str) != cfg.issuer.as_deref() {
        return unauthorized("the token does not have a valid issuer");
    }
    let aud_ok = |v: Option<&Value>| match v {
        Some(Value::String(a)) => cfg.audience.contains(a),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .any(|a| cfg.audience.iter().any(|c| c == a)),
        _ => false,
    };
    if !aud_ok(claims.get("aud")) && !aud_ok(claims.get("client_id")) {
        return unauthorized("the token does not have a valid audience");
    }
    let num = |k: &str| claims.get(k).and_then(Value::as_i64);
    if num("exp").is_none_or(|e| e <= now_s) {
        return unauthorized("the token has expired");
    }
    if num("nbf").is_some_and(|n| n > now_s) || num("iat").is_some_and(|n| n > now_s) {
        return unauthorized("the token is not valid yet");
    }
    let scopes: Vec<String> = match claims.get("scope").or_else(|| claims.get("scp")) {
        Some(Value::String(s)) => s.split_whitespace().map(String::from).collect(),
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(Value::as_str)
            .map(String::from)
            .collect(),
        _ => Vec::new(),
    };
    if !route_scopes.is_empty() && !route_scopes.iter().any(|s| scopes.contains(s)) {
        return JwtOutcome::Forbidden {
            reason: format!("the token has none of the scopes {scope}"),
        };
    }
    let claims = claims
        .into_iter()
        .map(|(k, v)| {
            let s = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            (k, Value::String(s))
        })
        .collect();
    JwtOutcome::Pass { claims, scopes }
}
