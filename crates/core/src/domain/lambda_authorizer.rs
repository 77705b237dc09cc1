//! Lambda authorizers in the inventory: which of the four event shapes an
//! authorizer receives and the facts that decide how it behaves (identity
//! sources, caching, simple responses, the routes behind it).

use serde::{Deserialize, Serialize};

use super::api::{Api, Authorizer, Protocol};
use super::function_arn::FunctionArn;
use super::kinds::AuthorizerType;

/// The event shape a Lambda authorizer receives (reference §1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum LambdaAuthorizerKind {
    /// REST `TOKEN`: one header value and the `methodArn`.
    RestToken,
    /// REST `REQUEST`: the request's headers, query, path and context.
    RestRequest,
    /// HTTP API `REQUEST`, payload format 1.0.
    HttpV1,
    /// HTTP API `REQUEST`, payload format 2.0.
    HttpV2,
}

impl LambdaAuthorizerKind {
    /// `None` for JWT and Cognito authorizers.
    pub fn of(protocol: Protocol, a: &Authorizer) -> Option<Self> {
        match (protocol, &a.authorizer_type) {
            (Protocol::Rest, AuthorizerType::Token) => Some(Self::RestToken),
            (Protocol::Rest, AuthorizerType::Request) => Some(Self::RestRequest),
            // The payload version is required for HTTP API Lambda
            // authorizers; the console's default is 2.0.
            (Protocol::Http, AuthorizerType::Request) => Some(
                match a
                    .authorizer_payload_format_version
                    .as_deref()
                    .map(str::trim)
                {
                    Some("1.0") => Self::HttpV1,
                    _ => Self::HttpV2,
                },
            ),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::RestToken => "REST TOKEN",
            Self::RestRequest => "REST REQUEST",
            Self::HttpV1 => "HTTP REQUEST (payload 1.0)",
            Self::HttpV2 => "HTTP REQUEST (payload 2.0)",
        }
    }

    pub fn is_rest(self) -> bool {
        matches!(self, Self::RestToken | Self::RestRequest)
    }
}

/// The `lambda` block of an authorizer in `inspect --output json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LambdaAuthorizer {
    pub kind: LambdaAuthorizerKind,
    /// The function behind `authorizerUri`.
    pub function_arn: Option<String>,
    pub identity_sources: Vec<String>,
    /// 0 disables caching; `None`: not reported.
    pub result_ttl_in_seconds: Option<i32>,
    /// HTTP 2.0 only: `{"isAuthorized": bool}` answers.
    pub simple_responses: bool,
    /// "1.0" / "2.0" for HTTP APIs; `None` for REST.
    pub payload_format_version: Option<String>,
    /// Route keys whose authorizer this is.
    pub routes: Vec<String>,
}

/// The function ARN inside an `authorizerUri`
/// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`).
pub fn authorizer_function_arn(uri: &str) -> Option<String> {
    FunctionArn::from_uri(uri).map(|f| f.as_str().to_string())
}

impl Api {
    /// Derive each Lambda authorizer's `lambda` block from the loaded
    /// details (call once routes and authorizers are in).
    pub fn fill_lambda_authorizers(&mut self) {
        let protocol = self.protocol();
        let routes = self.routes.clone();
        for a in &mut self.authorizers {
            a.lambda = LambdaAuthorizerKind::of(protocol, a).map(|kind| LambdaAuthorizer {
                kind,
                function_arn: a
                    .authorizer_uri
                    .as_deref()
                    .and_then(authorizer_function_arn),
                identity_sources: a
                    .identity_source
                    .iter()
                    .flat_map(|s| s.split(','))
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                result_ttl_in_seconds: a.result_ttl_in_seconds,
                simple_responses: kind == LambdaAuthorizerKind::HttpV2
                    && a.enable_simple_responses == Some(true),
                payload_format_version: (!kind.is_rest()).then(|| {
                    if kind == LambdaAuthorizerKind::HttpV1 {
                        "1.0"
                    } else {
                        "2.0"
                    }
                    .to_string()
                }),
                routes: routes
                    .iter()
                    .filter(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()))
                    .map(|r| r.route_key.clone())
                    .collect(),
            });
        }
    }
}
