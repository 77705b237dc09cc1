//! Rebuild the proxy event a Lambda received from access-log fields, for
//! records whose function did not log its event, with the engines' event
//! builder. Always labelled `reconstructed`: only what the access log carried
//! is real (method, path, route, stage, ids, source IP, user agent, time);
//! headers, query and body are unknown and left empty.

use crate::domain::{AccessLogRecord, ApiType, DecodedEvent, PayloadFormat};
use crate::engines::event_build::{EventInput, build_event};
use crate::engines::event_decode::decode;

/// `None` when the record lacks a method and a path or route. `apiId` and
/// `domainName` come from the record when its format logs them, else from the API
/// the options name (never the event builder's placeholder when the API is known).
pub(crate) fn reconstruct(
    rec: &AccessLogRecord,
    api_type: ApiType,
    payload: PayloadFormat,
    opts: &super::CorrelateOptions,
) -> Option<DecodedEvent> {
    let route_method = rec
        .route_key
        .as_deref()
        .and_then(|k| k.split_once(' ').map(|(m, _)| m.to_string()))
        .filter(|m| m != "ANY");
    let method = rec
        .http_method
        .as_deref()
        .map(str::to_string)
        .or(route_method)?;
    let route_path = rec
        .route_key
        .as_deref()
        .and_then(|k| k.split_once(' ').map(|(_, p)| p.to_string()));
    let path = rec
        .path
        .as_deref()
        .map(str::to_string)
        .or_else(|| route_path.clone())?;
    let f = |k: &str| rec.fields.get(k).map(|v| v.to_string());
    let mut headers = Vec::new();
    if let Some(ua) = &rec.user_agent {
        headers.push(("user-agent".to_string(), ua.to_string()));
    }
    let defaults = EventInput::default();
    let api_id = f("apiId")
        .or_else(|| opts.api_id.clone())
        .unwrap_or(defaults.api_id.clone());
    let domain_name = f("domainName")
        .or_else(|| opts.domain_name.clone())
        .unwrap_or(defaults.domain_name.clone());
    let input = EventInput {
        api_type,
        payload: if api_type == ApiType::Rest {
            PayloadFormat::V1
        } else {
            payload
        },
        method,
        path,
        headers,
        route_key: match api_type {
            // REST events carry the resource, not a route key.
            ApiType::Rest => f("resourcePath")
                .or(route_path)
                .unwrap_or_else(|| "/".into()),
            ApiType::Http => rec.route_key.as_deref().unwrap_or("$default").to_string(),
        },
        stage: rec.stage.as_deref().unwrap_or("$default").to_string(),
        api_id,
        account_id: f("accountId").unwrap_or(defaults.account_id),
        domain_name,
        request_id: rec.request_id.as_deref().unwrap_or_default().to_string(),
        extended_request_id: rec
            .extended_request_id
            .as_deref()
            .unwrap_or_default()
            .to_string(),
        time_epoch_ms: rec.timestamp_ms,
        source_ip: rec.source_ip.as_deref().unwrap_or_default().to_string(),
        protocol: f("protocol").unwrap_or(defaults.protocol),
        ..defaults
    };
    let mut ev = decode(build_event(&input)).ok()?;
    ev.reconstructed = true;
    Some(ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EventKind;

    fn opts() -> crate::engines::correlate::CorrelateOptions {
        crate::engines::correlate::CorrelateOptions {
            api_id: Some("k3x9q2w7ab".into()),
            domain_name: Some("k3x9q2w7ab.execute-api.eu-west-1.amazonaws.com".into()),
            ..Default::default()
        }
    }

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
        let ev = reconstruct(&rec(), ApiType::Http, PayloadFormat::V2, &opts()).unwrap();
        assert!(ev.reconstructed);
        assert_eq!(ev.kind, EventKind::HttpV2);
        assert_eq!(ev.request_id.as_deref(), Some("LV7="));
        assert_eq!(ev.method.as_deref(), Some("POST"));
        assert_eq!(ev.path.as_deref(), Some("/pets/7"));
        assert_eq!(ev.source_ip.as_deref(), Some("1.2.3.4"));
        assert_eq!(ev.route_key.as_deref(), Some("POST /pets/{id}"));
        // Issue 12 case 7: the API's own id, not the event builder's placeholder.
        assert_eq!(ev.raw["requestContext"]["apiId"], "k3x9q2w7ab");
        assert_eq!(
            ev.raw["requestContext"]["domainName"],
            "k3x9q2w7ab.execute-api.eu-west-1.amazonaws.com"
        );

        let ev = reconstruct(&rec(), ApiType::Http, PayloadFormat::V1, &opts()).unwrap();
        assert_eq!(ev.kind, EventKind::HttpV1);
        let ev = reconstruct(&rec(), ApiType::Rest, PayloadFormat::V1, &opts()).unwrap();
        assert_eq!(ev.kind, EventKind::Rest);
        assert_eq!(ev.method.as_deref(), Some("POST"));
    }

    #[test]
    fn needs_a_method_and_a_path() {
        let mut r = rec();
        r.http_method = None;
        assert!(reconstruct(&r, ApiType::Http, PayloadFormat::V2, &opts()).is_some());
        r.route_key = None;
        assert!(reconstruct(&r, ApiType::Http, PayloadFormat::V2, &opts()).is_none());
        assert!(
            reconstruct(
                &AccessLogRecord::default(),
                ApiType::Http,
                PayloadFormat::V2,
                &opts()
            )
            .is_none()
        );
    }
}
