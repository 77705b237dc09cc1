//! The demo's definitions, loaded from `assets/demo/*.toml` (embedded at build time) into
//! the domain model plus the few things only the demo needs: which function serves which
//! integration, the functions themselves, and the scenarios.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::domain::{
    AccountResources, Api, ApiKeyRef, CustomDomain, Integration, PayloadFormat, Protocol, Route,
    UsagePlan, UsagePlans,
};

pub(crate) const APIS_TOML: &str = include_str!("../../../assets/demo/apis.toml");
pub(crate) const FUNCTIONS_TOML: &str = include_str!("../../../assets/demo/functions.toml");
pub(crate) const SCENARIOS_TOML: &str = include_str!("../../../assets/demo/scenarios.toml");

/// The three definition files the demo serves. [`Definitions::builtin`] is the embedded
/// demo; tests (the browser CORS oracle) start gateways from their own definitions.
#[derive(Debug, Clone)]
pub struct Definitions {
    /// `apis.toml`: the APIs, their routes, integrations, CORS, stages.
    pub apis: String,
    /// `functions.toml`: the functions behind the integrations.
    pub functions: String,
    /// `scenarios.toml`: named requests with their expected answers.
    pub scenarios: String,
}

impl Definitions {
    /// The demo as embedded from `assets/demo/`.
    pub(crate) fn builtin() -> Self {
        Definitions {
            apis: APIS_TOML.to_string(),
            functions: FUNCTIONS_TOML.to_string(),
            scenarios: SCENARIOS_TOML.to_string(),
        }
    }
}

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// One API of the demo: the domain view (what the control plane shows) and the function
/// behind each route (same order as `api.routes`).
#[derive(Debug, Clone)]
pub(crate) struct DemoApi {
    pub api: Api,
    pub route_functions: Vec<Option<String>>,
}

impl DemoApi {
    pub fn api_type(&self) -> crate::domain::ApiType {
        self.api.protocol().into()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FunctionDef {
    pub name: String,
    pub handler: String,
    #[serde(default)]
    pub description: String,
    #[serde(default = "default_memory")]
    pub memory_mb: u64,
    #[serde(default = "default_timeout")]
    pub timeout_seconds: u64,
    /// For the `sleeps` handler.
    #[serde(default)]
    pub sleep_ms: u64,
    /// For the `returns` handler: the proxy response it returns verbatim
    /// (`statusCode`, `headers`, `body`, ...).
    #[serde(default)]
    pub response: Option<serde_json::Value>,
}

fn default_memory() -> u64 {
    128
}
fn default_timeout() -> u64 {
    3
}

pub fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

#[derive(Debug, Deserialize)]
struct ApisFile {
    #[serde(default)]
    api: Vec<ApiDef>,
    #[serde(default, rename = "apiKey")]
    api_keys: Vec<DemoApiKey>,
    #[serde(default, rename = "usagePlan")]
    usage_plans: Vec<UsagePlanDef>,
    #[serde(default)]
    domain: Vec<CustomDomain>,
}

/// A demo API key. Unlike AWS's (where gatescope never reads one), its value is demo
/// data: `gatescope demo tokens` prints it and `--auth apikey:NAME` sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoApiKey {
    pub id: String,
    pub name: String,
    pub value: String,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub description: String,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UsagePlanDef {
    #[serde(flatten)]
    plan: UsagePlan,
    /// Ids of the `[[apiKey]]`s in the plan.
    #[serde(default)]
    api_keys: Vec<String>,
}

/// The account-wide part of `apis.toml`: usage plans with their keys (names and ids, as
/// the control plane shows them), custom domains, and the demo keys' values.
#[derive(Debug, Clone, Default)]
pub(crate) struct DemoAccount {
    pub resources: AccountResources,
    pub keys: Vec<DemoApiKey>,
}

impl DemoAccount {
    /// The enabled key with this value, if any.
    pub(crate) fn key_by_value(&self, value: &str) -> Option<&DemoApiKey> {
        self.keys.iter().find(|k| k.value == value)
    }
}

/// Read the account-wide resources of `apis.toml` and check what they name.
pub(crate) fn load_account(text: &str) -> Result<DemoAccount, String> {
    let file: ApisFile = toml::from_str(text).map_err(|e| format!("apis.toml is invalid: {e}"))?;
    let api_stage = |api_id: &str, stage: Option<&str>| {
        file.api.iter().any(|a| {
            a.api.id == api_id
                && stage.is_none_or(|s| a.api.stages.iter().any(|t| t.stage_name == s))
        })
    };
    let mut plans = Vec::new();
    for def in file.usage_plans {
        let mut plan = def.plan;
        for s in &plan.api_stages {
            if !api_stage(&s.api_id, Some(&s.stage)) {
                return Err(format!(
                    "apis.toml: usage plan {} covers unknown stage {}/{}",
                    plan.name, s.api_id, s.stage
                ));
            }
        }
        for id in def.api_keys {
            let Some(k) = file.api_keys.iter().find(|k| k.id == id) else {
                return Err(format!(
                    "apis.toml: usage plan {} names unknown API key {id:?}",
                    plan.name
                ));
            };
            plan.keys.push(ApiKeyRef {
                id: k.id.clone(),
                name: Some(k.name.clone()),
                enabled: Some(k.enabled),
            });
        }
        plans.push(plan);
    }
    for d in &file.domain {
        for m in &d.mappings {
            if !api_stage(&m.api_id, m.stage.as_deref()) {
                return Err(format!(
                    "apis.toml: domain {} maps {:?} to unknown API stage {}/{}",
                    d.domain_name,
                    m.base_path,
                    m.api_id,
                    m.stage.as_deref().unwrap_or("(none)")
                ));
            }
        }
    }
    Ok(DemoAccount {
        resources: AccountResources {
            usage_plans: UsagePlans {
                plans,
                keys: file
                    .api_keys
                    .iter()
                    .map(|k| ApiKeyRef {
                        id: k.id.clone(),
                        name: Some(k.name.clone()),
                        enabled: Some(k.enabled),
                    })
                    .collect(),
            },
            domains: file.domain,
            ..Default::default()
        },
        keys: file.api_keys,
    })
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ApiDef {
    #[serde(flatten)]
    api: Api,
    #[serde(default)]
    integrations: BTreeMap<String, IntegrationDef>,
    #[serde(default, rename = "routes")]
    route_defs: Vec<RouteDef>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct IntegrationDef {
    function: String,
    payload_format_version: Option<String>,
    timeout_in_millis: Option<i64>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteDef {
    #[serde(flatten)]
    route: Route,
    integration: Option<String>,
}

#[derive(Debug, Deserialize)]
struct FunctionsFile {
    #[serde(default)]
    function: Vec<FunctionDef>,
}

/// Parse the function definitions.
pub(crate) fn load_functions(text: &str) -> Result<Vec<FunctionDef>, String> {
    let f: FunctionsFile =
        toml::from_str(text).map_err(|e| format!("functions.toml is invalid: {e}"))?;
    Ok(f.function)
}

/// Parse the API definitions, substituting `{{issuer}}`, and check every reference.
pub fn load_apis(
    text: &str,
    issuer: &str,
    functions: &[FunctionDef],
) -> Result<Vec<DemoApi>, String> {
    let text = text.replace("{{issuer}}", issuer);
    let account = load_account(&text)?;
    let file: ApisFile = toml::from_str(&text).map_err(|e| format!("apis.toml is invalid: {e}"))?;
    let mut out = Vec::new();
    for def in file.api {
        let mut api = def.api;
        let protocol = api.protocol();
        let mut route_functions = Vec::new();
        api.routes.clear();
        for rd in def.route_defs {
            let mut route = rd.route;
            let function = match &rd.integration {
                None => None,
                Some(name) => {
                    let Some(i) = def.integrations.get(name) else {
                        return Err(format!(
                            "apis.toml: route {:?} of {} names unknown integration {name:?}",
                            route.route_key, api.name
                        ));
                    };
                    if !functions.iter().any(|f| f.name == i.function) {
                        return Err(format!(
                            "apis.toml: integration {name:?} of {} names unknown function {:?}",
                            api.name, i.function
                        ));
                    }
                    route.integration = Some(integration(name, i, protocol));
                    Some(i.function.clone())
                }
            };
            if route.authorization_type.is_none() {
                route.authorization_type = Some(crate::domain::AuthorizationType::None);
            }
            if let Some(a) = &route.authorizer_id
                && api.authorizer(a).is_none()
            {
                return Err(format!(
                    "apis.toml: route {:?} of {} names unknown authorizer {a:?}",
                    route.route_key, api.name
                ));
            }
            route_functions.push(function);
            api.routes.push(route);
        }
        api.endpoint_types.retain(|t| !t.is_empty());
        api.fill_lambda_authorizers();
        account.resources.attach(&mut api);
        api.details_loaded = true;
        out.push(DemoApi {
            api,
            route_functions,
        });
    }
    Ok(out)
}

fn integration(name: &str, def: &IntegrationDef, protocol: Protocol) -> Integration {
    let arn = function_arn(&def.function);
    let payload = match protocol {
        // REST proxy integrations always speak 1.0.
        Protocol::Rest => "1.0".to_string(),
        _ => def
            .payload_format_version
            .clone()
            .unwrap_or_else(|| "2.0".into()),
    };
    let default_timeout = if protocol == Protocol::Rest {
        29_000
    } else {
        30_000
    };
    Integration {
        id: Some(format!("int-{name}")),
        integration_type: Some("AWS_PROXY".into()),
        uri: Some(format!(
            "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{arn}/invocations"
        )),
        payload_format_version: Some(payload),
        timeout_in_millis: Some(def.timeout_in_millis.unwrap_or(default_timeout)),
        integration_method: Some("POST".into()),
        connection_type: Some("INTERNET".into()),
        credentials_arn: None,
    }
}

/// The payload format an integration speaks.
pub(crate) fn payload_of(integration: Option<&Integration>) -> PayloadFormat {
    integration
        .and_then(|i| i.payload_format_version.as_deref())
        .and_then(PayloadFormat::parse)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_assets_load_and_reference_known_functions() {
        let functions = load_functions(FUNCTIONS_TOML).unwrap();
        let apis = load_apis(APIS_TOML, "http://127.0.0.1:1", &functions).unwrap();
        assert!(apis.len() >= 2);
        let http = &apis[0];
        assert_eq!(http.api.protocol(), Protocol::Http);
        assert_eq!(http.api.routes.len(), http.route_functions.len());
        let auth = &http.api.authorizers[0];
        assert_eq!(
            auth.jwt_configuration.as_ref().unwrap().issuer.as_deref(),
            Some("http://127.0.0.1:1")
        );
        let rest = apis.iter().find(|a| a.api.protocol() == Protocol::Rest);
        let rest = rest.unwrap();
        assert!(rest.api.routes.iter().all(|r| {
            r.integration
                .as_ref()
                .unwrap()
                .payload_format_version
                .as_deref()
                == Some("1.0")
        }));
        let arn = http.api.routes[0]
            .integration
            .as_ref()
            .unwrap()
            .lambda_arn();
        assert_eq!(arn.unwrap().as_str(), function_arn("demo-orders"));
    }

    #[test]
    fn unknown_integration_is_a_clear_error() {
        let functions = load_functions(FUNCTIONS_TOML).unwrap();
        let text =
            "[[api]]\nid='x'\nname='x'\n[[api.routes]]\nrouteKey='GET /'\nintegration='nope'\n";
        let err = load_apis(text, "", &functions).unwrap_err();
        assert!(err.contains("unknown integration \"nope\""), "{err}");
    }
}
