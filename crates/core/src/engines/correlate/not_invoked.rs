//! Records API Gateway answered by itself: the authorizer rejected the request, it was
//! throttled, no route matched... Then no function ran, so "no Lambda lines yet" is the
//! wrong thing to say (and there is no event to rebuild): say why instead.
//!
//! Read from `$context.error.responseType` (the gateway-response types, reference §4.5),
//! `$context.authorizer.error`, and the absence of every integration field.

use crate::domain::AccessLogRecord;

fn present(v: Option<&str>) -> Option<&str> {
    v.map(str::trim)
        .filter(|v| !v.is_empty() && *v != "-" && *v != "null")
}

/// Whether the record shows API Gateway reached the integration (any integration
/// field logged): then the function may have run, whatever the status.
fn reached_integration(rec: &AccessLogRecord) -> bool {
    rec.integration_status.is_some()
        || rec.function_status.is_some()
        || rec.integration_latency_ms.is_some()
        || present(rec.integration_request_id.as_deref()).is_some()
        || present(rec.integration_error.as_deref()).is_some()
}

/// Why no function was called for this record, when the record says so; `None` when
/// the integration was reached or the record does not tell.
pub fn not_invoked_reason(rec: &AccessLogRecord) -> Option<String> {
    if reached_integration(rec) {
        return None;
    }
    let status = rec.status.map(|s| s.to_string());
    let kind = present(rec.error_type.as_deref());
    let authorizer_error = present(rec.authorizer_error.as_deref());
    // "401 UNAUTHORIZED: the token has expired"
    let what = [status.as_deref(), kind]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let what = match authorizer_error {
        Some(e) if !what.is_empty() => format!("{what}: {e}"),
        Some(e) => e.to_string(),
        None => what,
    };
    let who = match kind {
        Some("UNAUTHORIZED" | "ACCESS_DENIED" | "EXPIRED_TOKEN" | "INVALID_SIGNATURE") => {
            "the authorizer rejected it"
        }
        Some("AUTHORIZER_FAILURE" | "AUTHORIZER_CONFIGURATION_ERROR") => "the authorizer failed",
        Some("INVALID_API_KEY") => "API Gateway rejected its API key",
        Some("THROTTLED" | "QUOTA_EXCEEDED") => "API Gateway throttled it",
        Some("RESOURCE_NOT_FOUND" | "MISSING_AUTHENTICATION_TOKEN") => {
            "no route or method matched it"
        }
        Some(
            "BAD_REQUEST_PARAMETERS"
            | "BAD_REQUEST_BODY"
            | "REQUEST_TOO_LARGE"
            | "UNSUPPORTED_MEDIA_TYPE"
            | "WAF_FILTERED",
        ) => "API Gateway refused it",
        // An HTTP API JWT rejection logs the authorizer's reason.
        _ if authorizer_error.is_some() => "the authorizer rejected it",
        _ => return None,
    };
    Some(format!("{who} ({what}), so the function was not called"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(status: u16, kind: &str, authorizer: &str) -> AccessLogRecord {
        AccessLogRecord {
            status: Some(status),
            error_type: Some(kind.into()),
            authorizer_error: Some(authorizer.into()),
            integration_request_id: Some("-".into()),
            integration_error: Some("-".into()),
            ..Default::default()
        }
    }

    #[test]
    fn gateway_answers_name_who_stopped_the_request() {
        for (r, want) in [
            (
                rec(401, "UNAUTHORIZED", "the token has expired"),
                Some(
                    "the authorizer rejected it (401 UNAUTHORIZED: the token has expired), so the function was not called",
                ),
            ),
            (
                rec(403, "ACCESS_DENIED", "insufficient_scope"),
                Some(
                    "the authorizer rejected it (403 ACCESS_DENIED: insufficient_scope), so the function was not called",
                ),
            ),
            (
                rec(401, "-", "the token is missing"),
                Some(
                    "the authorizer rejected it (401: the token is missing), so the function was not called",
                ),
            ),
            (
                rec(500, "AUTHORIZER_CONFIGURATION_ERROR", "-"),
                Some(
                    "the authorizer failed (500 AUTHORIZER_CONFIGURATION_ERROR), so the function was not called",
                ),
            ),
            (
                rec(429, "THROTTLED", "-"),
                Some("API Gateway throttled it (429 THROTTLED), so the function was not called"),
            ),
            (
                rec(403, "MISSING_AUTHENTICATION_TOKEN", "-"),
                Some(
                    "no route or method matched it (403 MISSING_AUTHENTICATION_TOKEN), so the function was not called",
                ),
            ),
            // A 5xx type says nothing about whether the function ran.
            (rec(502, "DEFAULT_5XX", "-"), None),
            // Nothing logged about errors: unknown, not "not called".
            (rec(404, "-", "-"), None),
        ] {
            assert_eq!(not_invoked_reason(&r).as_deref(), want, "{r:?}");
        }
    }

    #[test]
    fn a_reached_integration_is_never_not_invoked() {
        let mut r = rec(401, "UNAUTHORIZED", "x");
        r.integration_status = Some(200);
        assert_eq!(not_invoked_reason(&r), None);
        let mut r = rec(401, "UNAUTHORIZED", "x");
        r.integration_request_id = Some("8f5e2c1a".into());
        assert_eq!(not_invoked_reason(&r), None);
    }
}
