//! A proxy response the function logged (`console.log("Response:", JSON.stringify(res))`,
//! a Powertools `response` key, ...): the only place the function's own headers can be
//! seen once API Gateway has rewritten them (HTTP APIs with a CorsConfiguration replace
//! the function's `Access-Control-*` headers).

use serde_json::Value;

/// The headers of a Lambda proxy response found in a log message: a JSON object with a
/// `statusCode` and `headers` / `multiValueHeaders`, after any prefix, or nested one
/// level down (`{"message": "...", "response": {...}}`). Names are lower-cased; repeated
/// values are kept in order.
pub(crate) fn find_response_headers(message: &str) -> Option<Vec<(String, String)>> {
    if !message.contains("statusCode") {
        return None;
    }
    let start = message.find('{')?;
    let v: Value = serde_json::Deserializer::from_str(&message[start..])
        .into_iter::<Value>()
        .next()?
        .ok()?;
    headers_of(&v).or_else(|| {
        v.as_object()?
            .values()
            .filter(|x| x.is_object())
            .find_map(headers_of)
    })
}

fn headers_of(v: &Value) -> Option<Vec<(String, String)>> {
    let o = v.as_object()?;
    o.get("statusCode")?;
    let mut out = Vec::new();
    if let Some(h) = o.get("headers").and_then(Value::as_object) {
        for (k, v) in h {
            out.push((k.to_ascii_lowercase(), text(v)));
        }
    }
    if let Some(h) = o.get("multiValueHeaders").and_then(Value::as_object) {
        for (k, vs) in h {
            let k = k.to_ascii_lowercase();
            for v in vs.as_array().into_iter().flatten() {
                if !out.iter().any(|(n, x)| *n == k && *x == text(v)) {
                    out.push((k.clone(), text(v)));
                }
            }
        }
    }
    (o.contains_key("headers") || o.contains_key("multiValueHeaders")).then_some(out)
}

fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_response_after_a_prefix() {
        let h = find_response_headers(r#"Response: {"statusCode":200,"headers":{"Access-Control-Allow-Origin":"https://a.example","content-type":"application/json"},"body":"{}"}"#).unwrap();
        assert_eq!(
            h,
            [
                (
                    "access-control-allow-origin".to_string(),
                    "https://a.example".to_string()
                ),
                ("content-type".to_string(), "application/json".to_string())
            ]
        );
    }

    #[test]
    fn nested_and_multi_value_headers() {
        let msg = r#"{"level":"INFO","message":"done","response":{"statusCode":204,"multiValueHeaders":{"Set-Cookie":["a=1","b=2"]}}}"#;
        let h = find_response_headers(msg).unwrap();
        assert_eq!(h.len(), 2);
        assert_eq!(h[1], ("set-cookie".to_string(), "b=2".to_string()));
    }

    #[test]
    fn other_messages_are_not_responses() {
        assert_eq!(find_response_headers("listing widgets"), None);
        assert_eq!(find_response_headers(r#"statusCode is {"x": 1}"#), None);
        assert_eq!(find_response_headers(r#"{"statusCode": 200"#), None);
        assert_eq!(
            find_response_headers(r#"Event: {"statusCode": 200, "body": "x"}"#),
            None
        );
    }
}
