//! The neutral inventory model: HTTP APIs (apigatewayv2) and REST APIs
//! (apigateway) mapped into one shape. REST resources x methods become routes
//! such as `GET /items/{id}`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::function_arn::FunctionArn;
use super::kinds::{AuthorizationType, AuthorizerType, IntegrationType};

/// Which flavour of API Gateway an API belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "UPPERCASE")]
pub enum Protocol {
    #[default]
    Http,
    Rest,
    Websocket,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Http => "HTTP",
            Protocol::Rest => "REST",
            Protocol::Websocket => "WEBSOCKET",
        }
    }
}

/// One API with everything gatescope knows about it.
///
/// `routes`, `authorizers`, `stages` stay empty until the details have loaded
/// (`detailsLoaded`); `problems` lists the calls that failed so a view can say
/// what is missing instead of failing as a whole.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Api {
    pub id: String,
    pub name: String,
    pub protocol: Option<Protocol>,
    /// `https://{id}.execute-api.{region}.amazonaws.com` (HTTP) or the REST equivalent.
    pub endpoint: Option<String>,
    pub description: Option<String>,
    /// REST only: EDGE / REGIONAL / PRIVATE.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub endpoint_types: Vec<String>,
    #[serde(default)]
    pub disable_execute_api_endpoint: bool,
    /// REST only: content types API Gateway treats as binary.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub binary_media_types: Vec<String>,
    pub cors: Option<Cors>,
    /// REST only: the resource policy (`policy`) as JSON. AWS returns it as
    /// text with escaped quotes; a policy that does not parse stays a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_policy: Option<serde_json::Value>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default)]
    pub authorizers: Vec<Authorizer>,
    #[serde(default)]
    pub stages: Vec<Stage>,
    /// REST: where API keys come from, `HEADER` (x-api-key) or `AUTHORIZER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_source: Option<String>,
    /// REST: the usage plans covering a stage of this API (keys by name and id).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub usage_plans: Vec<super::UsagePlan>,
    /// Custom domains with the mappings that point at this API.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<super::CustomDomain>,
    /// REST: gateway responses (customised or not) from `GetGatewayResponses`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateway_responses: Vec<super::GatewayResponse>,
    #[serde(default)]
    pub details_loaded: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl Api {
    pub fn protocol(&self) -> Protocol {
        self.protocol.unwrap_or_default()
    }

    pub fn stage(&self, name: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.stage_name == name)
    }

    pub fn route(&self, route_key: &str) -> Option<&Route> {
        self.routes.iter().find(|r| r.route_key == route_key)
    }

    pub fn authorizer(&self, id: &str) -> Option<&Authorizer> {
        self.authorizers.iter().find(|a| a.id == id)
    }

    /// The custom-domain base URLs that reach `stage` of this API: one per
    /// mapping naming the stage, and for REST `(none)`-stage mappings the
    /// URL with the stage name after the base path.
    pub fn domain_urls(&self, stage: &str) -> Vec<String> {
        let mut urls = Vec::new();
        for d in &self.domains {
            for m in d.mappings.iter().filter(|m| m.api_id == self.id) {
                match m.stage.as_deref() {
                    Some(s) if s == stage => urls.push(m.url(&d.domain_name)),
                    None => urls.push(format!("{}/{stage}", m.url(&d.domain_name))),
                    _ => {}
                }
            }
        }
        urls
    }

    /// Where a request to `host` + `path` goes when `host` is one of this API's custom
    /// domains: `Some(Some((stage, path on the API's own host)))` when a mapping of this
    /// API covers the path (the longest whole-segment base path, else `(none)`; the path
    /// gets the mapping's stage back, none for `$default` or a stage-less mapping),
    /// `Some(None)` when none does (API Gateway answers for the domain itself),
    /// `None` when `host` is not a domain of this API.
    pub fn through_domain(
        &self,
        host: &str,
        path: &str,
    ) -> Option<Option<(Option<String>, String)>> {
        let d = self
            .domains
            .iter()
            .find(|d| d.domain_name.eq_ignore_ascii_case(host))?;
        let p = path.trim_start_matches('/');
        let Some(m) = d
            .mappings
            .iter()
            .filter(|m| m.api_id == self.id)
            .filter(|m| {
                m.base_path.is_empty()
                    || p == m.base_path
                    || p.starts_with(&format!("{}/", m.base_path))
            })
            .max_by_key(|m| m.base_path.len())
        else {
            return Some(None);
        };
        let rest = p
            .strip_prefix(m.base_path.as_str())
            .unwrap_or(p)
            .trim_start_matches('/');
        Some(Some(match m.stage.as_deref() {
            Some("$default") | None => (
                m.stage.clone().filter(|s| s != "$default"),
                format!("/{rest}"),
            ),
            Some(stage) => (Some(stage.to_string()), format!("/{stage}/{rest}")),
        }))
    }

    /// The usage plans that cover `stage` of this API.
    pub fn plans_for_stage<'a>(
        &'a self,
        stage: &'a str,
    ) -> impl Iterator<Item = &'a super::UsagePlan> + 'a {
        self.usage_plans
            .iter()
            .filter(move |p| p.covers(&self.id, stage))
    }
}

/// HTTP API `CorsConfiguration` (for REST APIs CORS lives in the integration's
/// own headers and in gateway responses, so this stays `None`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Cors {
    #[serde(default)]
    pub allow_origins: Vec<String>,
    #[serde(default)]
    pub allow_methods: Vec<String>,
    #[serde(default)]
    pub allow_headers: Vec<String>,
    #[serde(default)]
    pub expose_headers: Vec<String>,
    pub max_age: Option<i32>,
    pub allow_credentials: Option<bool>,
}

/// A route: HTTP API route key, or one REST resource x method.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// `GET /items/{id}`, `ANY /{proxy+}` or `$default`.
    pub route_key: String,
    /// HTTP API route id, or REST resource id.
    pub route_id: Option<String>,
    /// NONE | AWS_IAM | CUSTOM | JWT | COGNITO_USER_POOLS
    pub authorization_type: Option<AuthorizationType>,
    #[serde(default)]
    pub authorization_scopes: Vec<String>,
    pub authorizer_id: Option<String>,
    #[serde(default)]
    pub api_key_required: bool,
    pub integration: Option<Integration>,
}

impl Route {
    /// The route's authorization type; a route that reports none is open
    /// (API Gateway's default is `NONE`).
    pub fn authorization(&self) -> AuthorizationType {
        self.authorization_type
            .clone()
            .unwrap_or(AuthorizationType::None)
    }

    /// `true` when the route's authorization type is exactly `t`.
    pub fn authorized_by(&self, t: &AuthorizationType) -> bool {
        self.authorization_type.as_ref() == Some(t)
    }

    /// Method part of the route key (`ANY` for `$default`).
    pub fn method(&self) -> &str {
        self.route_key
            .split_once(' ')
            .map(|(m, _)| m)
            .unwrap_or("ANY")
    }

    /// Path part of the route key (`None` for `$default`).
    pub fn path(&self) -> Option<&str> {
        self.route_key.split_once(' ').map(|(_, p)| p)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    pub id: Option<String>,
    /// AWS_PROXY | HTTP_PROXY | AWS | HTTP | MOCK
    #[serde(rename = "type")]
    pub integration_type: Option<IntegrationType>,
    pub uri: Option<String>,
    /// "1.0" | "2.0"; REST proxy integrations behave as "1.0".
    pub payload_format_version: Option<String>,
    pub timeout_in_millis: Option<i64>,
    pub integration_method: Option<String>,
    pub connection_type: Option<String>,
    pub credentials_arn: Option<String>,
}

impl Integration {
    /// The Lambda function behind the integration URI, either given directly
    /// or wrapped in `arn:aws:apigateway:...:lambda:path/.../functions/{arn}/invocations`.
    pub fn lambda_arn(&self) -> Option<FunctionArn> {
        FunctionArn::from_uri(self.uri.as_deref()?)
    }

    /// `true` for an `AWS_PROXY` integration.
    pub fn is_lambda_proxy(&self) -> bool {
        self.integration_type
            .as_ref()
            .is_some_and(IntegrationType::is_lambda_proxy)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Authorizer {
    pub id: String,
    pub name: String,
    /// JWT | REQUEST (HTTP); TOKEN | REQUEST | COGNITO_USER_POOLS (REST)
    #[serde(rename = "type")]
    pub authorizer_type: AuthorizerType,
    #[serde(default)]
    pub identity_source: Vec<String>,
    pub jwt_configuration: Option<JwtConfiguration>,
    /// Lambda authorizer function URI.
    pub authorizer_uri: Option<String>,
    /// Cognito user pool ARNs (REST COGNITO_USER_POOLS).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_arns: Vec<String>,
    pub authorizer_payload_format_version: Option<String>,
    pub enable_simple_responses: Option<bool>,
    pub result_ttl_in_seconds: Option<i32>,
    /// Lambda authorizers only: kind, function, caching and the routes
    /// behind it ([`Api::fill_lambda_authorizers`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<super::LambdaAuthorizer>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct JwtConfiguration {
    pub issuer: Option<String>,
    #[serde(default)]
    pub audience: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub stage_name: String,
    #[serde(default)]
    pub auto_deploy: bool,
    pub deployment_id: Option<String>,
    /// Base URL to call this stage, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/prod`
    /// (no stage segment for `$default`).
    pub invoke_url: Option<String>,
    pub access_log_settings: Option<AccessLogSettings>,
    pub default_route_settings: Option<RouteSettings>,
    /// Per-route overrides, keyed by route key (HTTP) or `{resource_path}/{METHOD}` (REST).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub route_settings: BTreeMap<String, RouteSettings>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stage_variables: BTreeMap<String, String>,
    pub last_updated: Option<String>,
}

impl Stage {
    /// REST execution logging as the stage-wide method settings say:
    /// `(loggingLevel, dataTraceEnabled)`, `None` when logging is off or unset.
    pub fn execution_logging(&self) -> Option<(&str, bool)> {
        let s = self.default_route_settings.as_ref()?;
        let level = s.logging_level.as_deref()?;
        (!level.eq_ignore_ascii_case("OFF"))
            .then_some((level, s.data_trace_enabled.unwrap_or(false)))
    }

    /// Whether any method of the stage writes execution logs (stage-wide or
    /// in a per-method override).
    pub fn writes_execution_logs(&self) -> bool {
        self.execution_logging().is_some()
            || self.route_settings.values().any(|s| {
                s.logging_level
                    .as_deref()
                    .is_some_and(|l| !l.eq_ignore_ascii_case("OFF"))
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogSettings {
    pub destination_arn: Option<String>,
    pub format: Option<String>,
}

impl AccessLogSettings {
    /// The CloudWatch log group name of the destination ARN
    /// (`arn:aws:logs:{region}:{acct}:log-group:{name}[:*]`).
    pub fn log_group_name(&self) -> Option<String> {
        let arn = self.destination_arn.as_deref()?;
        let name = arn.split_once(":log-group:")?.1;
        Some(name.trim_end_matches(":*").to_string())
    }
}

/// Where a stage's access log goes: THE rule for "access logging is off",
/// asked by the lint, the logs page, the views and the CLI alike.
/// apigw-debugging.md §7.1: no `AccessLogSettings` destination means access
/// logging is off. An empty destination counts as none (the console clears
/// the field that way).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessLogging<'a> {
    Off,
    /// A CloudWatch Logs group: gatescope can read it.
    CloudWatch {
        group: String,
        format: Option<&'a str>,
    },
    /// Another destination (REST can log to Kinesis Data Firehose): logging
    /// is on, but gatescope cannot read it.
    Elsewhere {
        destination: &'a str,
        format: Option<&'a str>,
    },
}

impl AccessLogging<'_> {
    pub fn is_off(&self) -> bool {
        matches!(self, AccessLogging::Off)
    }

    /// The CloudWatch group, when the log goes to one.
    pub fn group(&self) -> Option<&str> {
        match self {
            AccessLogging::CloudWatch { group, .. } => Some(group),
            _ => None,
        }
    }

    /// The configured format, when logging is on.
    pub fn format(&self) -> Option<&str> {
        match self {
            AccessLogging::Off => None,
            AccessLogging::CloudWatch { format, .. } | AccessLogging::Elsewhere { format, .. } => {
                *format
            }
        }
    }
}

impl Stage {
    /// Whether and where this stage writes its access log.
    pub fn access_logging(&self) -> AccessLogging<'_> {
        let Some(settings) = self.access_log_settings.as_ref() else {
            return AccessLogging::Off;
        };
        let format = settings.format.as_deref();
        match settings.destination_arn.as_deref().map(str::trim) {
            None | Some("") => AccessLogging::Off,
            Some(destination) => match settings.log_group_name() {
                Some(group) => AccessLogging::CloudWatch { group, format },
                None => AccessLogging::Elsewhere {
                    destination,
                    format,
                },
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct RouteSettings {
    pub throttling_rate_limit: Option<f64>,
    pub throttling_burst_limit: Option<i32>,
    pub detailed_metrics_enabled: Option<bool>,
    pub logging_level: Option<String>,
    pub data_trace_enabled: Option<bool>,
}

/// Account-wide resources several APIs share (reference §13, §14): REST
/// usage plans and API keys, custom domains. Loaded once per inventory and
/// attached to each API with [`AccountResources::attach`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct AccountResources {
    pub usage_plans: super::UsagePlans,
    pub domains: Vec<super::CustomDomain>,
    /// Why usage plans or API keys could not be read, when they could not.
    pub usage_plans_problem: Option<String>,
    /// Why custom domains or their mappings could not be read.
    pub domains_problem: Option<String>,
}

impl AccountResources {
    /// Give `api` the plans covering one of its stages (REST only; keys with
    /// their enabled flag from the account's key list) and the domains with
    /// the mappings that point at it; say what could not be read.
    pub fn attach(&self, api: &mut Api) {
        if api.protocol() == Protocol::Rest {
            api.usage_plans = self
                .usage_plans
                .plans
                .iter()
                .filter(|p| p.api_stages.iter().any(|s| s.api_id == api.id))
                .map(|p| {
                    let mut p = p.clone();
                    for k in &mut p.keys {
                        if k.enabled.is_none() {
                            k.enabled = self
                                .usage_plans
                                .keys
                                .iter()
                                .find(|a| a.id == k.id)
                                .and_then(|a| a.enabled);
                        }
                    }
                    p
                })
                .collect();
            if let Some(p) = &self.usage_plans_problem {
                api.problems.push(format!("usage plans are missing: {p}"));
            }
        }
        api.domains = self
            .domains
            .iter()
            .filter_map(|d| {
                let mappings: Vec<_> = d
                    .mappings
                    .iter()
                    .filter(|m| m.api_id == api.id)
                    .cloned()
                    .collect();
                (!mappings.is_empty()).then(|| super::CustomDomain {
                    mappings,
                    ..d.clone()
                })
            })
            .collect();
        if let Some(p) = &self.domains_problem {
            api.problems
                .push(format!("custom domains are missing: {p}"));
        }
    }
}

/// The result of one inventory load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Inventory {
    pub apis: Vec<Api>,
    /// Unix epoch ms of when this inventory was fetched.
    pub fetched_at_ms: i64,
}
