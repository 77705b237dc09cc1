//! Decoder tests (reference §1.1, §1.3 null handling, §1.5 base64). Every
//! published fixture is decoded in `tests/event_shapes.rs`.

use serde_json::json;

use super::*;
use crate::domain::{ApiType, PayloadFormat};
use crate::engines::event_build::{AuthorizerData, EventInput, build_event};

#[test]
fn version_first_then_shape() {
    assert_eq!(classify(&json!({"version": "2.0"})), Ok(EventKind::HttpV2));
    assert_eq!(
        classify(&json!({"version": "1.0", "httpMethod": "GET"})),
        Ok(EventKind::HttpV1)
    );
    assert_eq!(
        classify(&json!({"httpMethod": "GET", "requestContext": {"httpMethod": "GET"}})),
        Ok(EventKind::Rest)
    );
    assert_eq!(
        classify(&json!({"requestContext": {"http": {"method": "GET"}}})),
        Ok(EventKind::HttpV2)
    );
    assert!(matches!(
        classify(&json!([1])),
        Err(DecodeError::NotAnObject)
    ));
    assert!(matches!(
        classify(&json!({"statusCode": 200, "body": ""})),
        Err(DecodeError::NotAnEvent(_))
    ));
    assert!(matches!(
        classify(&json!({"httpMethod": "GET", "requestContext": {"elb": {}}})),
        Err(DecodeError::NotAnEvent(_))
    ));
}

#[test]
fn round_trips_built_events() {
    for (api, payload, kind) in [
        (ApiType::Http, PayloadFormat::V2, EventKind::HttpV2),
        (ApiType::Http, PayloadFormat::V1, EventKind::HttpV1),
        (ApiType::Rest, PayloadFormat::V1, EventKind::Rest),
    ] {
        let mut input = EventInput::from_url(
            api,
            payload,
            "PUT",
            "/prod/items/7?x=1",
            crate::engines::event_build::Seed {
                now_ms: 1_587_481_701_067,
                random: [7; 48],
            },
        );
        input.stage = "prod".into();
        input.route_key = "PUT /items/{id}".into();
        input.headers = vec![("content-type".into(), "application/octet-stream".into())];
        input.binary_media_types = vec!["*/*".into()];
        input.body = b"hello".to_vec();
        input.authorizer = AuthorizerData::Jwt {
            claims: json!({"sub": "u1", "scope": "a b"})
                .as_object()
                .unwrap()
                .clone(),
            scopes: None,
        };
        let d = decode(build_event(&input)).unwrap();
        assert_eq!(d.kind, kind);
        assert_eq!(d.method.as_deref(), Some("PUT"));
        assert_eq!(d.stage.as_deref(), Some("prod"));
        assert_eq!(d.route_key.as_deref(), Some("PUT /items/{id}"));
        assert_eq!(d.body_text.as_deref(), Some("hello"));
        assert!(d.body_was_base64);
        assert_eq!(d.claims.as_ref().unwrap()["sub"], "u1");
        assert_eq!(d.scopes, vec!["a", "b"]);
        assert_eq!(d.request_id.as_deref(), Some(input.request_id.as_str()));
        assert_eq!(d.source_ip.as_deref(), Some("127.0.0.1"));
    }
}

#[test]
fn tolerates_nulls_and_missing_keys() {
    let d = decode(json!({
        "httpMethod": "GET", "headers": null, "multiValueHeaders": null,
        "requestContext": null, "body": null, "isBase64Encoded": null
    }))
    .unwrap();
    assert_eq!(d.kind, EventKind::Rest);
    assert_eq!(d.body_text, None);
    assert_eq!(d.stage, None);
    let d = decode(json!({"version": "2.0", "requestContext": {"authorizer": {"jwt": {"claims": {}, "scopes": null}}}})).unwrap();
    assert!(d.scopes.is_empty());
    assert_eq!(d.method, None);
}

#[test]
fn invalid_base64_is_kept_as_sent() {
    let d = decode(json!({"version": "2.0", "body": "%%%", "isBase64Encoded": true})).unwrap();
    assert_eq!(d.body_text.as_deref(), Some("%%%"));
    assert!(!d.body_was_base64);
    // The undocumented REST key is honoured too.
    let d = decode(json!({"httpMethod": "GET", "body": "aGk=", "base64Encoded": "true"})).unwrap();
    assert_eq!(d.body_text.as_deref(), Some("hi"));
}

#[test]
fn finds_events_in_log_lines() {
    let ev = r#"{"version":"2.0","routeKey":"GET /a","rawPath":"/a","requestContext":{"http":{"method":"GET"},"requestId":"abc="}}"#;
    let line = format!("2024-05-01T10:00:00.000Z\t6f1c-uuid\tINFO\tEvent: {ev}\n");
    let found = find_event_after(&line, "Event:").unwrap();
    assert_eq!(&line[found.start..found.end], ev);
    assert_eq!(found.event.route_key.as_deref(), Some("GET /a"));
    assert!(!found.relaxed);

    // A JSON log line whose message holds the event (Powertools style).
    let pt = json!({"level": "INFO", "message": serde_json::from_str::<serde_json::Value>(ev).unwrap(), "x": {"y": 1}});
    let found = find_event(&pt.to_string()).unwrap();
    assert_eq!(found.event.request_id.as_deref(), Some("abc="));

    // The event as escaped JSON text inside a field.
    let esc = json!({"msg": format!("received {ev}")});
    assert!(find_event(&esc.to_string()).is_some());

    // Python print(event).
    let py = "START {'x': 1} then {'version': '2.0', 'rawPath': '/p', 'isBase64Encoded': False, 'requestContext': {'http': {'method': 'POST'}}}";
    let found = find_event(py).unwrap();
    assert!(found.relaxed);
    assert_eq!(found.event.method.as_deref(), Some("POST"));

    // Nothing there.
    assert!(find_event("REPORT RequestId: x Duration: 1 ms {not json").is_none());
    assert!(find_event("").is_none());
}
