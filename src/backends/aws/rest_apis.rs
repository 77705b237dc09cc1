//! REST APIs (apigateway) mapped into the domain model: resources x methods
//! become routes `GET /items/{id}`.

use aws_sdk_apigateway::types as rest;

use super::control_plane::AwsControlPlane;
use super::details::{self, all_failed};
use super::errors::Call;
use super::http_apis::invoke_url;
use crate::backends::BackendError;
use crate::domain::{
    AccessLogSettings, Api, AuthorizationType, Authorizer, AuthorizerType, GatewayResponse,
    Integration, IntegrationType, Protocol, Route, RouteSettings, Stage,
};

/// The largest page REST list calls accept.
const PAGE: i32 = 500;

/// Follow `position` to the end of one REST list call.
macro_rules! all_pages {
    ($cp:expr, $call:expr, |$pos:ident| $send:expr) => {{
        let mut items = Vec::new();
        let mut $pos: Option<String> = None;
        let call = $call;
        loop {
            let page = $cp.call(call.clone(), || $send).await?;
            items.extend(page.items().iter().cloned());
            match page.position() {
                Some(p) if !p.is_empty() && Some(p) != $pos.as_deref() => {
                    $pos = Some(p.to_string())
                }
                _ => break,
            }
        }
        Ok::<_, BackendError>(items)
    }};
}
pub(super) use all_pages;

/// Works on `Authorizer` (list) and `GetAuthorizerOutput` (by id).
macro_rules! map_authorizer {
    ($a:expr) => {{
        let a = &$a;
        Authorizer {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            authorizer_type: a.r#type().map(|t| AuthorizerType::parse(t.as_str())).unwrap_or_default(),
            // REST gives one comma-separated string ("method.request.header.A, method.request.querystring.b").
            identity_source: a
                .identity_source()
                .map(|s| s.split(',').map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect())
                .unwrap_or_default(),
            jwt_configuration: None,
            authorizer_uri: a.authorizer_uri().map(str::to_string),
            provider_arns: a.provider_arns().to_vec(),
            authorizer_payload_format_version: None,
            enable_simple_responses: None,
            result_ttl_in_seconds: a.authorizer_result_ttl_in_seconds(),
            lambda: None,
        }
    }};
}

/// GetRestApis, every page.
pub(crate) async fn list_rest_apis(cp: &AwsControlPlane) -> Result<Vec<Api>, BackendError> {
    let region = cp.region()?.to_string();
    let items = all_pages!(cp, Call::new("GetRestApis", "/restapis"), |pos| cp
        .rest
        .get_rest_apis()
        .limit(PAGE)
        .set_position(pos.clone())
        .send())?;
    Ok(items.iter().map(|a| map_rest_api(a, &region)).collect())
}

async fn resources(cp: &AwsControlPlane, id: &str) -> Result<Vec<rest::Resource>, BackendError> {
    // embed=methods returns each method with its integration inline, saving
    // a GetMethod + GetIntegration per method.
    all_pages!(
        cp,
        Call::new("GetResources", format!("/restapis/{id}/resources")),
        |pos| cp
            .rest
            .get_resources()
            .rest_api_id(id)
            .embed("methods")
            .limit(PAGE)
            .set_position(pos.clone())
            .send()
    )
}

async fn authorizers(
    cp: &AwsControlPlane,
    id: &str,
) -> Result<Vec<rest::Authorizer>, BackendError> {
    all_pages!(
        cp,
        Call::new("GetAuthorizers", format!("/restapis/{id}/authorizers")),
        |pos| cp
            .rest
            .get_authorizers()
            .rest_api_id(id)
            .limit(PAGE)
            .set_position(pos.clone())
            .send()
    )
}

/// GetStages is not paginated (its answer is `item`, singular).
async fn stages(cp: &AwsControlPlane, id: &str) -> Result<Vec<rest::Stage>, BackendError> {
    let out = cp
        .call(
            Call::new("GetStages", format!("/restapis/{id}/stages")),
            || cp.rest.get_stages().rest_api_id(id).send(),
        )
        .await?;
    Ok(out.item().to_vec())
}

async fn authorizer(
    cp: &AwsControlPlane,
    api_id: &str,
    auth_id: &str,
) -> Result<Authorizer, BackendError> {
    let out = cp
        .call(
            Call::new(
                "GetAuthorizer",
                format!("/restapis/{api_id}/authorizers/{auth_id}"),
            ),
            || {
                cp.rest
                    .get_authorizer()
                    .rest_api_id(api_id)
                    .authorizer_id(auth_id)
                    .send()
            },
        )
        .await?;
    Ok(map_authorizer!(out))
}

/// GetGatewayResponses: AWS lists every response type, customised or not
/// (`defaultResponse`); moto lists only the customised ones.
async fn gateway_responses(
    cp: &AwsControlPlane,
    id: &str,
) -> Result<Vec<GatewayResponse>, BackendError> {
    let items = all_pages!(
        cp,
        Call::new(
            "GetGatewayResponses",
            format!("/restapis/{id}/gatewayresponses")
        ),
        |pos| cp
            .rest
            .get_gateway_responses()
            .rest_api_id(id)
            .limit(PAGE)
            .set_position(pos.clone())
            .send()
    )?;
    Ok(items.iter().map(map_gateway_response).collect())
}

fn map_gateway_response(g: &rest::GatewayResponse) -> GatewayResponse {
    let map = |m: Option<&std::collections::HashMap<String, String>>| {
        m.map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    };
    GatewayResponse {
        response_type: g
            .response_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        status_code: g.status_code().map(str::to_string),
        response_templates: map(g.response_templates()),
        response_parameters: map(g.response_parameters()),
        default_response: g.default_response(),
    }
}

/// Resources (their methods as routes), authorizers, stages and gateway
/// responses of one API, fetched concurrently. A failed call becomes a
/// problem, not a failed API.
pub(crate) async fn load_details(cp: &AwsControlPlane, api: Api) -> Result<Api, BackendError> {
    let id = api.id.clone();
    let (r, a, s, g) = futures::join!(
        resources(cp, &id),
        authorizers(cp, &id),
        stages(cp, &id),
        gateway_responses(cp, &id)
    );
    if let Some(e) = all_failed(&[r.as_ref().err(), a.as_ref().err(), s.as_ref().err()]) {
        return Err(e);
    }
    let endpoint = api.endpoint.clone();
    let parts = details::Parts {
        routes: r.map(|l| l.iter().flat_map(routes_of).collect()),
        authorizers: a.map(|l| l.iter().map(|a| map_authorizer!(a)).collect()),
        stages: s.map(|l| {
            l.iter()
                .map(|s| map_stage(s, endpoint.as_deref()))
                .collect()
        }),
    };
    let words = details::Words {
        routes: "resources",
        referenced_by: "methods",
    };
    let mut api = details::assemble(api, parts, words, |aid| {
        let id = &id;
        async move { authorizer(cp, id, &aid).await }
    })
    .await;
    match g {
        Ok(list) => api.gateway_responses = list,
        Err(e) => api
            .problems
            .push(format!("gateway responses are missing: {e}")),
    }
    Ok(api)
}

fn map_rest_api(a: &rest::RestApi, region: &str) -> Api {
    let id = a.id().unwrap_or_default().to_string();
    Api {
        endpoint: Some(format!("https://{id}.execute-api.{region}.amazonaws.com")),
        name: a.name().unwrap_or_default().to_string(),
        protocol: Some(Protocol::Rest),
        description: a.description().map(str::to_string),
        endpoint_types: a
            .endpoint_configuration()
            .map(|c| c.types().iter().map(|t| t.as_str().to_string()).collect())
            .unwrap_or_default(),
        disable_execute_api_endpoint: a.disable_execute_api_endpoint(),
        api_key_source: a.api_key_source().map(|s| s.as_str().to_string()),
        binary_media_types: a.binary_media_types().to_vec(),
        resource_policy: a.policy().filter(|p| !p.is_empty()).map(resource_policy),
        cors: None,
        id,
        ..Api::default()
    }
}

/// `policy` as JSON: AWS returns it as text whose quotes are escaped
/// (`{\"Version\":...}`); text that is not a policy stays a string so it
/// is still shown.
fn resource_policy(text: &str) -> serde_json::Value {
    let unescaped = text.replace("\\\"", "\"").replace("\\/", "/");
    serde_json::from_str(text)
        .ok()
        .filter(serde_json::Value::is_object)
        .or_else(|| serde_json::from_str(&unescaped).ok())
        .unwrap_or_else(|| serde_json::Value::String(text.to_string()))
}

/// One route per method of a resource.
fn routes_of(res: &rest::Resource) -> Vec<Route> {
    let path = res.path().unwrap_or("/");
    let Some(methods) = res.resource_methods() else {
        return Vec::new();
    };
    methods
        .iter()
        .map(|(verb, m)| Route {
            route_key: format!("{} {path}", m.http_method().unwrap_or(verb)),
            route_id: res.id().map(str::to_string),
            authorization_type: m.authorization_type().map(AuthorizationType::parse),
            authorization_scopes: m.authorization_scopes().to_vec(),
            authorizer_id: m.authorizer_id().map(str::to_string),
            api_key_required: m.api_key_required().unwrap_or(false),
            integration: m.method_integration().map(map_integration),
        })
        .collect()
}

fn map_integration(i: &rest::Integration) -> Integration {
    let kind = i.r#type().map(|t| IntegrationType::parse(t.as_str()));
    Integration {
        id: None,
        // REST Lambda proxy integrations always send payload format 1.0.
        payload_format_version: kind
            .as_ref()
            .is_some_and(IntegrationType::is_lambda_proxy)
            .then(|| "1.0".to_string()),
        integration_type: kind,
        uri: i.uri().map(str::to_string),
        timeout_in_millis: Some(i64::from(i.timeout_in_millis())).filter(|t| *t > 0),
        integration_method: i.http_method().map(str::to_string),
        connection_type: i.connection_type().map(|t| t.as_str().to_string()),
        credentials_arn: i.credentials().map(str::to_string),
    }
}

/// REST method settings use -1 / 0 for "not set".
fn map_method_setting(m: &rest::MethodSetting) -> RouteSettings {
    RouteSettings {
        throttling_rate_limit: Some(m.throttling_rate_limit()).filter(|v| *v >= 0.0),
        throttling_burst_limit: Some(m.throttling_burst_limit()).filter(|v| *v >= 0),
        detailed_metrics_enabled: Some(m.metrics_enabled()),
        logging_level: m.logging_level().map(str::to_string),
        data_trace_enabled: Some(m.data_trace_enabled()),
    }
}

fn map_stage(s: &rest::Stage, endpoint: Option<&str>) -> Stage {
    let name = s.stage_name().unwrap_or_default().to_string();
    let mut default_route_settings = None;
    let mut route_settings = std::collections::BTreeMap::new();
    // "*/*" is the stage-wide default; other keys are "{resource_path}/{METHOD}".
    for (key, m) in s.method_settings().into_iter().flatten() {
        if key == "*/*" {
            default_route_settings = Some(map_method_setting(m));
        } else {
            route_settings.insert(key.clone(), map_method_setting(m));
        }
    }
    Stage {
        invoke_url: endpoint.map(|e| invoke_url(e, &name)),
        auto_deploy: false,
        deployment_id: s.deployment_id().map(str::to_string),
        access_log_settings: s.access_log_settings().map(|l| AccessLogSettings {
            destination_arn: l.destination_arn().map(str::to_string),
            format: l.format().map(str::to_string),
        }),
        default_route_settings,
        route_settings,
        stage_variables: s
            .variables()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        last_updated: s.last_updated_date().map(|d| d.to_string()),
        stage_name: name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_methods_become_routes() {
        let method = rest::Method::builder()
            .http_method("GET")
            .authorization_type("COGNITO_USER_POOLS")
            .authorizer_id("a1")
            .authorization_scopes("email")
            .method_integration(
                rest::Integration::builder()
                    .r#type(rest::IntegrationType::AwsProxy)
                    .uri("arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations")
                    .http_method("POST")
                    .timeout_in_millis(29000)
                    .build(),
            )
            .build();
        let res = rest::Resource::builder()
            .id("r1")
            .path("/items/{id}")
            .resource_methods("GET", method)
            .build();
        let routes = routes_of(&res);
        assert_eq!(routes.len(), 1);
        let r = &routes[0];
        assert_eq!(r.route_key, "GET /items/{id}");
        assert_eq!(r.authorization_scopes, vec!["email"]);
        let i = r.integration.as_ref().unwrap();
        assert_eq!(i.payload_format_version.as_deref(), Some("1.0"));
        assert_eq!(i.timeout_in_millis, Some(29000));
        assert_eq!(
            i.lambda_arn().as_ref().map(|f| f.as_str()),
            Some("arn:aws:lambda:us-east-1:1:function:f")
        );
    }

    #[test]
    fn resource_policy_text_is_parsed_in_both_forms_aws_and_moto_return() {
        // AWS escapes the quotes; moto returns the text as given.
        let escaped = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Resource\":\"arn:aws:execute-api:us-east-1:1:a\/*\"}]}"#;
        let plain = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Resource":"arn:aws:execute-api:us-east-1:1:a/*"}]}"#;
        for text in [escaped, plain] {
            let v = resource_policy(text);
            assert_eq!(
                v["Statement"][0]["Resource"], "arn:aws:execute-api:us-east-1:1:a/*",
                "{text}"
            );
        }
        assert_eq!(
            resource_policy("not a policy"),
            serde_json::json!("not a policy")
        );
    }

    #[test]
    fn star_star_method_setting_is_the_stage_default() {
        let stage = rest::Stage::builder()
            .stage_name("prod")
            .method_settings(
                "*/*",
                rest::MethodSetting::builder()
                    .throttling_burst_limit(100)
                    .throttling_rate_limit(50.0)
                    .build(),
            )
            .method_settings(
                "items/GET",
                rest::MethodSetting::builder()
                    .throttling_burst_limit(-1)
                    .throttling_rate_limit(5.0)
                    .build(),
            )
            .build();
        let s = map_stage(
            &stage,
            Some("https://r.execute-api.us-east-1.amazonaws.com"),
        );
        assert_eq!(
            s.invoke_url.as_deref(),
            Some("https://r.execute-api.us-east-1.amazonaws.com/prod")
        );
        let d = s.default_route_settings.unwrap();
        assert_eq!(
            (d.throttling_burst_limit, d.throttling_rate_limit),
            (Some(100), Some(50.0))
        );
        let r = &s.route_settings["items/GET"];
        assert_eq!(
            (r.throttling_burst_limit, r.throttling_rate_limit),
            (None, Some(5.0))
        );
    }
}
