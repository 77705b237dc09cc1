//! `$context` variables gatescope understands, and how a logged value lands
//! in an [`AccessLogRecord`].

use crate::domain::{AccessLogRecord, Text, intern};

/// A typed slot of [`AccessLogRecord`]; variables without one go to `fields`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    RequestId,
    ExtendedRequestId,
    RouteKey,
    ResourcePath,
    HttpMethod,
    Path,
    Stage,
    Status,
    IntegrationStatus,
    FunctionStatus,
    ResponseLatency,
    IntegrationLatency,
    IntegrationRequestId,
    IntegrationError,
    AuthorizerError,
    ErrorMessage,
    ErrorType,
    SourceIp,
    UserAgent,
    ResponseLength,
    RequestTime,
    RequestTimeEpoch,
}

/// The typed field of a `$context` variable name (without `$context.`).
pub(crate) fn field_of(var: &str) -> Option<Field> {
    Some(match var {
        "requestId" => Field::RequestId,
        "extendedRequestId" => Field::ExtendedRequestId,
        "routeKey" => Field::RouteKey,
        "resourcePath" => Field::ResourcePath,
        "httpMethod" => Field::HttpMethod,
        "path" => Field::Path,
        "stage" => Field::Stage,
        "status" => Field::Status,
        "integrationStatus" | "integration.integrationStatus" => Field::IntegrationStatus,
        "integration.status" => Field::FunctionStatus,
        "responseLatency" => Field::ResponseLatency,
        "integrationLatency" | "integration.latency" => Field::IntegrationLatency,
        "integration.requestId" | "awsEndpointRequestId" => Field::IntegrationRequestId,
        "integrationErrorMessage" | "integration.error" => Field::IntegrationError,
        "authorizer.error" => Field::AuthorizerError,
        "error.message" | "error.messageString" => Field::ErrorMessage,
        "error.responseType" => Field::ErrorType,
        "identity.sourceIp" => Field::SourceIp,
        "identity.userAgent" => Field::UserAgent,
        "responseLength" => Field::ResponseLength,
        "requestTime" => Field::RequestTime,
        "requestTimeEpoch" => Field::RequestTimeEpoch,
        _ => return None,
    })
}

/// Variables whose values never hold whitespace (lets the template matcher
/// split `"GET /pets HTTP/1.1"` correctly around a route key with a space).
pub(crate) fn is_single_token(var: &str) -> bool {
    matches!(
        field_of(var),
        Some(
            Field::RequestId
                | Field::ExtendedRequestId
                | Field::HttpMethod
                | Field::Status
                | Field::IntegrationStatus
                | Field::FunctionStatus
                | Field::ResponseLatency
                | Field::IntegrationLatency
                | Field::IntegrationRequestId
                | Field::SourceIp
                | Field::ResponseLength
                | Field::RequestTimeEpoch
                | Field::Stage
        )
    ) || var == "protocol"
        || var == "apiId"
        || var == "accountId"
        || var == "domainName"
}

/// API Gateway writes `-` for values it does not have.
fn present(v: &str) -> Option<&str> {
    let v = v.trim();
    (!v.is_empty() && v != "-").then_some(v)
}

/// Where a variable's values land: a typed field, or `fields` under the
/// variable's own name. Resolved once per format key, not once per value.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    Typed(Field),
    Other(Text),
}

pub(crate) fn slot_of(var: &str) -> Slot {
    field_of(var).map_or_else(|| Slot::Other(Text::new(var)), Slot::Typed)
}

/// Store one logged value of variable `var`.
pub(crate) fn assign(rec: &mut AccessLogRecord, var: &str, value: &str) {
    assign_to(rec, &slot_of(var), value);
}

/// Store one logged value. Values that repeat from record to record
/// (route keys, stages, error texts, user agents, most custom fields) are
/// interned; ids, paths and addresses are not.
pub(crate) fn assign_to(rec: &mut AccessLogRecord, slot: &Slot, value: &str) {
    let Some(v) = present(value) else { return };
    let field = match slot {
        Slot::Typed(field) => *field,
        Slot::Other(var) => {
            rec.fields.insert(var.clone(), intern(v));
            return;
        }
    };
    let own = || Some(Text::new(v));
    let shared = || Some(intern(v));
    match field {
        Field::RequestId => rec.request_id = own(),
        Field::ExtendedRequestId => rec.extended_request_id = own(),
        Field::RouteKey => rec.route_key = shared(),
        Field::HttpMethod => rec.http_method = shared(),
        Field::Path => rec.path = own(),
        Field::Stage => rec.stage = shared(),
        Field::Status => rec.status = v.parse().ok(),
        Field::IntegrationStatus => rec.integration_status = v.parse().ok(),
        Field::FunctionStatus => rec.function_status = v.parse().ok(),
        Field::ResponseLatency => rec.latency_ms = v.parse().ok(),
        Field::IntegrationLatency => rec.integration_latency_ms = v.parse().ok(),
        Field::IntegrationRequestId => rec.integration_request_id = own(),
        Field::IntegrationError => rec.integration_error = shared(),
        Field::AuthorizerError => rec.authorizer_error = shared(),
        // `messageString` is the quoted form: drop the quotes.
        Field::ErrorMessage => rec.error_message = Some(intern(v.trim_matches('"'))),
        Field::ErrorType => rec.error_type = shared(),
        Field::SourceIp => rec.source_ip = own(),
        Field::UserAgent => rec.user_agent = shared(),
        Field::ResponseLength => rec.response_length = v.parse().ok(),
        // Kept as text under the variable's name; `finish` turns them into
        // `timestamp_ms` and the REST route key.
        Field::ResourcePath => {
            rec.fields.insert(Text::new("resourcePath"), intern(v));
        }
        Field::RequestTime => {
            rec.fields.insert(Text::new("requestTime"), Text::new(v));
        }
        Field::RequestTimeEpoch => {
            rec.fields
                .insert(Text::new("requestTimeEpoch"), Text::new(v));
        }
    }
}

/// After all values are in: derive the timestamp and the REST route key.
pub fn finish(rec: &mut AccessLogRecord, event_ts_ms: i64) {
    rec.timestamp_ms = rec
        .fields
        .get("requestTimeEpoch")
        .and_then(|v| v.parse::<f64>().ok())
        // Seconds when it is too small to be milliseconds (HTTP API docs only say "epoch").
        .map(|n| if n < 1e11 { n * 1000.0 } else { n } as i64)
        .or_else(|| {
            rec.fields
                .get("requestTime")
                .and_then(|t| parse_clf_time(t))
        })
        .unwrap_or(event_ts_ms);
    if rec.route_key.is_none()
        && let Some(rp) = rec.fields.get("resourcePath")
    {
        rec.route_key = Some(match &rec.http_method {
            Some(m) => intern(&format!("{m} {rp}")),
            None => rp.clone(),
        });
    }
}

/// `25/Nov/2026:09:41:05 +0000` → epoch ms.
pub(crate) fn parse_clf_time(t: &str) -> Option<i64> {
    chrono::DateTime::parse_from_str(t.trim(), "%d/%b/%Y:%H:%M:%S %z")
        .ok()
        .map(|d| d.timestamp_millis())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dash_means_missing_and_numbers_parse() {
        let mut r = AccessLogRecord::default();
        assign(&mut r, "status", "502");
        assign(&mut r, "integrationStatus", "-");
        assign(&mut r, "responseLatency", "12.5");
        assign(&mut r, "integration.requestId", "abc");
        assign(&mut r, "custom.thing", "x");
        assert_eq!(r.status, Some(502));
        assert_eq!(r.integration_status, None);
        assert_eq!(r.latency_ms, Some(12.5));
        assert_eq!(r.integration_request_id.as_deref(), Some("abc"));
        assert_eq!(r.fields.get("custom.thing").map(Text::as_str), Some("x"));
    }

    #[test]
    fn timestamp_prefers_epoch_then_clf_then_event() {
        let mut r = AccessLogRecord::default();
        assign(&mut r, "requestTime", "25/Nov/2026:09:41:05 +0000");
        finish(&mut r, 7);
        assert_eq!(r.timestamp_ms, 1_795_599_665_000);
        assign(&mut r, "requestTimeEpoch", "1795599665");
        finish(&mut r, 7);
        assert_eq!(r.timestamp_ms, 1_795_599_665_000);
        let mut r = AccessLogRecord::default();
        finish(&mut r, 7);
        assert_eq!(r.timestamp_ms, 7);
    }

    #[test]
    fn rest_route_key_from_resource_path() {
        let mut r = AccessLogRecord::default();
        assign(&mut r, "httpMethod", "GET");
        assign(&mut r, "resourcePath", "/pets/{id}");
        finish(&mut r, 0);
        assert_eq!(r.route_key.as_deref(), Some("GET /pets/{id}"));
    }
}
