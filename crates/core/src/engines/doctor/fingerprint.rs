//! What a response says about who produced it: API Gateway's own error bodies
//! differ between REST and HTTP APIs (casing, spacing, `x-amzn-ErrorType`),
//! and a body that is none of them came from the function.

use crate::domain::{ApiType, HttpResponse};

/// The generic error bodies API Gateway itself produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayBody {
    /// REST `{"message": "Internal server error"}` (lower-case, space after colon).
    RestInternalError,
    /// HTTP API `{"message":"Internal Server Error"}`.
    HttpInternalError,
    /// REST 504 `Endpoint request timed out`.
    EndpointTimedOut,
    /// HTTP API 503 `Service Unavailable`.
    ServiceUnavailable,
    /// `Not Found` (HTTP API 404).
    NotFound,
    /// REST `Missing Authentication Token`.
    MissingAuthenticationToken,
    Unauthorized,
    Forbidden,
    /// REST Lambda authorizer: `User is not authorized to access this resource[ with an explicit deny]`.
    AuthorizerDeny {
        explicit: bool,
    },
    /// IAM / resource policy: `User: <arn> is not authorized to perform: execute-api:Invoke ...`.
    NotAuthorizedToInvoke {
        anonymous: bool,
    },
    SignatureMismatch,
    /// `Signature expired` / `The security token included in the request is expired`.
    ExpiredCredentials,
    TooManyRequests,
    /// REST usage-plan quota: `Limit Exceeded`.
    LimitExceeded,
    RequestTooLarge,
    /// `{"message": null}` and other shapes seen for REST authorizer configuration errors.
    NullMessage,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    /// The gateway body, when the body is one of API Gateway's.
    pub body: Option<GatewayBody>,
    /// The API type the body or headers reveal, when they do.
    pub api_type: Option<ApiType>,
    /// `x-amzn-ErrorType`, without any `:` suffix.
    pub error_type: Option<String>,
    /// The `message` text of a gateway body.
    pub message: Option<String>,
}

impl Fingerprint {
    /// True when API Gateway (not the function) produced the response.
    pub fn from_gateway(&self) -> bool {
        self.body.is_some() || self.error_type.is_some()
    }
}

pub fn classify(resp: &HttpResponse) -> Fingerprint {
    let text = String::from_utf8_lossy(&resp.body);
    let trimmed = text.trim();
    let error_type = resp
        .header("x-amzn-errortype")
        .map(|v| v.split(':').next().unwrap_or(v).trim().to_string())
        .filter(|v| !v.is_empty());
    let message = gateway_message(trimmed);
    let mut api_type = None;
    let body = message.as_deref().and_then(|m| {
        use GatewayBody::*;
        Some(match m {
            "Internal server error" => {
                api_type = Some(ApiType::Rest);
                RestInternalError
            }
            "Internal Server Error" => {
                api_type = Some(ApiType::Http);
                HttpInternalError
            }
            "Endpoint request timed out" => {
                api_type = Some(ApiType::Rest);
                EndpointTimedOut
            }
            "Service Unavailable" => ServiceUnavailable,
            "Not Found" => NotFound,
            "Missing Authentication Token" => {
                api_type = Some(ApiType::Rest);
                MissingAuthenticationToken
            }
            "Unauthorized" => Unauthorized,
            "Forbidden" => Forbidden,
            "Too Many Requests" => TooManyRequests,
            "Limit Exceeded" => LimitExceeded,
            "Request Too Long" | "Request Entity Too Large" | "Payload Too Large" => {
                RequestTooLarge
            }
            "" => NullMessage,
            m if m.starts_with("User is not authorized to access this resource") => {
                api_type = Some(ApiType::Rest);
                AuthorizerDeny {
                    explicit: m.contains("explicit deny"),
                }
            }
            m if m.starts_with("User: ") && m.contains("is not authorized to perform") => {
                NotAuthorizedToInvoke {
                    anonymous: m.starts_with("User: anonymous "),
                }
            }
            m if m.starts_with("The request signature we calculated does not match") => {
                SignatureMismatch
            }
            m if m.starts_with("Signature expired")
                || m.contains("security token included in the request is expired") =>
            {
                ExpiredCredentials
            }
            _ => return None,
        })
    });
    // REST adds x-amzn-ErrorType and x-amz-apigw-id; HTTP APIs send apigw-requestid.
    if api_type.is_none() && body.is_some() {
        if error_type.is_some() || resp.header("x-amz-apigw-id").is_some() {
            api_type = Some(ApiType::Rest);
        } else if resp.header("apigw-requestid").is_some() {
            api_type = Some(ApiType::Http);
        }
    }
    let body = body.or_else(|| {
        // Gateway responses REST adds by error type even when a body was customised.
        use GatewayBody::*;
        Some(match error_type.as_deref()? {
            "MissingAuthenticationTokenException" => MissingAuthenticationToken,
            "InvalidSignatureException" => SignatureMismatch,
            "TooManyRequestsException" => TooManyRequests,
            "LimitExceededException" => LimitExceeded,
            "UnauthorizedException" => Unauthorized,
            _ => return None,
        })
    });
    Fingerprint {
        body,
        api_type,
        error_type,
        message,
    }
}

/// The `message` of a body shaped `{"message": ...}` / `{"Message": ...}`
/// with nothing else in it (`null` becomes ""), else `None`.
fn gateway_message(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    let obj = v.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    let (k, m) = obj.iter().next()?;
    if k != "message" && k != "Message" {
        return None;
    }
    match m {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Null => Some(String::new()),
        _ => None,
    }
}

/// The body as one short line, for evidence text.
pub(crate) fn body_excerpt(resp: &HttpResponse) -> String {
    let text = String::from_utf8_lossy(&resp.body);
    let mut s: String = text.chars().take(160).collect();
    if text.chars().count() > 160 {
        s.push('…');
    }
    s.replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse {
            status,
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: body.as_bytes().to_vec(),
            body_size: body.len() as u64,
            ..Default::default()
        }
    }

    #[test]
    fn rest_and_http_internal_errors_differ_by_casing() {
        let rest = classify(&resp(502, &[], r#"{"message": "Internal server error"}"#));
        assert_eq!(rest.body, Some(GatewayBody::RestInternalError));
        assert_eq!(rest.api_type, Some(ApiType::Rest));
        let http = classify(&resp(500, &[], r#"{"message":"Internal Server Error"}"#));
        assert_eq!(http.body, Some(GatewayBody::HttpInternalError));
        assert_eq!(http.api_type, Some(ApiType::Http));
    }

    #[test]
    fn headers_reveal_the_api_type_of_shared_bodies() {
        let rest = classify(&resp(
            429,
            &[("x-amzn-errortype", "TooManyRequestsException")],
            r#"{"message":"Too Many Requests"}"#,
        ));
        assert_eq!(rest.api_type, Some(ApiType::Rest));
        assert_eq!(rest.error_type.as_deref(), Some("TooManyRequestsException"));
        let http = classify(&resp(
            404,
            &[("apigw-requestid", "abc=")],
            r#"{"message":"Not Found"}"#,
        ));
        assert_eq!(http.api_type, Some(ApiType::Http));
    }

    #[test]
    fn function_bodies_are_not_gateway_bodies() {
        let f = classify(&resp(500, &[], r#"{"message":"db down","code":7}"#));
        assert!(!f.from_gateway());
        let f = classify(&resp(500, &[], "oops"));
        assert!(!f.from_gateway());
    }

    #[test]
    fn error_type_suffix_is_dropped() {
        let f = classify(&resp(
            403,
            &[(
                "x-amzn-errortype",
                "MissingAuthenticationTokenException:http://internal.amazon.com/",
            )],
            "{}",
        ));
        assert_eq!(
            f.error_type.as_deref(),
            Some("MissingAuthenticationTokenException")
        );
        assert_eq!(f.body, Some(GatewayBody::MissingAuthenticationToken));
    }
}
