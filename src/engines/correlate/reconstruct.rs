//! Rebuild the proxy event a Lambda received from access-log fields, for
//! records whose function did not log its event. Always labelled
//! `reconstructed`: only what the access log carried is filled in (no body,
//! no headers beyond the user agent).

use serde_json::{Map, Value, json};

use crate::domain::{AccessLogRecord, ApiType, DecodedEvent, PayloadFormat};
use crate::engines::lambda_log::decode_event;

/// `None` when the record lacks a method and a path or route.
pub fn reconstruct(
    rec: &AccessLogRecord,
    api_type: ApiType,
    payload: PayloadFormat,
) -> Option<DecodedEvent> {
    let method = rec
        .http_method
        .clone()
        .or_else(|| route_method(rec.route_key.as_deref()))?;
    let route_path = rec
        .route_key
        .as_deref()
        .and_then(|k| k.split_once(' ').map(|(_, p)| p.to_string()));
    let path = rec.path.clone().or_else(|| route_path.clone())?;
    let f = |k: &str| rec.fields.get(k).cloned();
    let mut headers = Map::new();
    if let Some(ua) = &rec.user_agent {
        headers.insert("user-agent".into(), Value::String(ua.clone()));
    }
    if let Some(d) = f("domainName") {
        headers.insert("host".into(), Value::String(d));
    }
    let time_epoch = rec.timestamp_ms;
    let v = match (api_type, payload) {
        (ApiType::Http, PayloadFormat::V2) => json!({
            "version": "2.0",
            "routeKey": rec.route_key.clone().unwrap_or_else(|| "$default".into()),
            "rawPath": path,
            "rawQueryString": "",
            "headers": headers,
            "requestContext": {
                "apiId": f("apiId"),
                "accountId": f("accountId"),
                "domainName": f("domainName"),
                "http": {
                    "method": method,
                    "path": path,
                    "protocol": f("protocol"),
                    "sourceIp": rec.source_ip,
                    "userAgent": rec.user_agent,
                },
                "requestId": rec.request_id,
                "routeKey": rec.route_key,
                "stage": rec.stage.clone().unwrap_or_else(|| "$default".into()),
                "time": f("requestTime"),
                "timeEpoch": time_epoch,
            },
            "isBase64Encoded": false,
        }),
        _ => {
            let resource = f("resourcePath")
                .or(route_path)
                .unwrap_or_else(|| path.clone());
            let mut v = json!({
                "resource": resource,
                "path": path,
                "httpMethod": method,
                "headers": headers,
                "multiValueHeaders": {},
                "queryStringParameters": null,
                "pathParameters": null,
                "stageVariables": null,
                "requestContext": {
                    "resourcePath": resource,
                    "httpMethod": method,
                    "path": path,
                    "protocol": f("protocol"),
                    "stage": rec.stage,
                    "domainName": f("domainName"),
                    "apiId": f("apiId"),
                    "accountId": f("accountId"),
                    "requestId": rec.request_id,
                    "extendedRequestId": rec.extended_request_id,
                    "requestTime": f("requestTime"),
                    "requestTimeEpoch": time_epoch,
                    "identity": {
                        "sourceIp": rec.source_ip,
                        "userAgent": rec.user_agent,
                    },
                },
                "body": null,
                "isBase64Encoded": false,
            });
            if api_type == ApiType::Http {
                v["version"] = Value::String("1.0".into());
                v["routeKey"] = json!(rec.route_key);
            }
            v
        }
    };
    let mut ev = decode_event(v)?;
    ev.reconstructed = true;
    Some(ev)
}

fn route_method(route_key: Option<&str>) -> Option<String> {
    let (m, _) = route_key?.split_once(' ')?;
    (m != "ANY").then(|| m.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventKind;

    fn rec() -> AccessLogRecord {
        AccessLogRecord {
            request_id: Some("LV7=".into()),
            http_method: Some("POST".into()),
            route_key: Some("POST /pets/{id}".into()),
            path: Some("/pets/7".into()),
            stage: Some("prod".into()),
            source_ip: Some("1.2.3.4".into()),
            ..Default::default()
        }
    }

    #[test]
    fn v2_v1_and_rest_shapes() {
        let ev = reconstruct(&rec(), ApiType::Http, PayloadFormat::V2).unwrap();
        assert!(ev.reconstructed);
        assert_eq!(ev.kind, EventKind::HttpV2);
        assert_eq!(ev.request_id.as_deref(), Some("LV7="));
        assert_eq!(ev.method.as_deref(), Some("POST"));
        assert_eq!(ev.path.as_deref(), Some("/pets/7"));
        assert_eq!(ev.source_ip.as_deref(), Some("1.2.3.4"));

        let ev = reconstruct(&rec(), ApiType::Http, PayloadFormat::V1).unwrap();
        assert_eq!(ev.kind, EventKind::HttpV1);
        let ev = reconstruct(&rec(), ApiType::Rest, PayloadFormat::V1).unwrap();
        assert_eq!(ev.kind, EventKind::Rest);
        assert_eq!(ev.route_key.as_deref(), Some("POST /pets/{id}"));
    }

    #[test]
    fn needs_a_method_and_a_path() {
        let mut r = rec();
        r.http_method = None;
        assert!(reconstruct(&r, ApiType::Http, PayloadFormat::V2).is_some());
        r.route_key = None;
        assert!(reconstruct(&r, ApiType::Http, PayloadFormat::V2).is_none());
        assert!(
            reconstruct(
                &AccessLogRecord::default(),
                ApiType::Http,
                PayloadFormat::V2
            )
            .is_none()
        );
    }
}
