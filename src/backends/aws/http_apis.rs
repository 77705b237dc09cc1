//! HTTP and WebSocket APIs (apigatewayv2) mapped into the domain model.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_apigatewayv2::types as v2;

use super::control_plane::AwsControlPlane;
use super::details::{self, all_failed};
use super::errors::Call;
use crate::backends::BackendError;
use crate::domain::{
    AccessLogSettings, Api, AuthorizationType, Authorizer, AuthorizerType, Cors, Integration,
    IntegrationType, JwtConfiguration, Protocol, Route, RouteSettings, Stage,
};

/// Works on both `Authorizer` (list) and `GetAuthorizerOutput` (by id): the
/// SDK gives them the same accessors but no common trait.
macro_rules! map_authorizer {
    ($a:expr) => {{
        let a = &$a;
        Authorizer {
            id: a.authorizer_id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            authorizer_type: a
                .authorizer_type()
                .map(|t| AuthorizerType::parse(t.as_str()))
                .unwrap_or_default(),
            identity_source: a.identity_source().to_vec(),
            jwt_configuration: a.jwt_configuration().map(|j| JwtConfiguration {
                issuer: j.issuer().map(str::to_string),
                audience: j.audience().to_vec(),
            }),
            authorizer_uri: a.authorizer_uri().map(str::to_string),
            provider_arns: Vec::new(),
            authorizer_payload_format_version: a
                .authorizer_payload_format_version()
                .map(str::to_string),
            enable_simple_responses: a.enable_simple_responses(),
            result_ttl_in_seconds: a.authorizer_result_ttl_in_seconds(),
            lambda: None,
        }
    }};
}

/// GetApis, every page.
pub async fn list_apis(cp: &AwsControlPlane) -> Result<Vec<Api>, BackendError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = cp
            .call(Call::new("GetApis", "/apis"), || {
                cp.v2.get_apis().set_next_token(token.clone()).send()
            })
            .await?;
        out.extend(page.items().iter().map(map_api));
        match page.next_token() {
            Some(t) if !t.is_empty() && Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// Follow `nextToken` to the end of one per-API list call.
macro_rules! all_pages {
    ($cp:expr, $op:literal, $resource:expr, $method:ident, $api_id:expr) => {{
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        let call = Call::new($op, $resource);
        loop {
            let page = $cp
                .call(call.clone(), || {
                    $cp.v2
                        .$method()
                        .api_id($api_id)
                        .set_next_token(token.clone())
                        .send()
                })
                .await?;
            items.extend(page.items().iter().cloned());
            match page.next_token() {
                Some(t) if !t.is_empty() && Some(t) != token.as_deref() => {
                    token = Some(t.to_string())
                }
                _ => break,
            }
        }
        Ok::<_, BackendError>(items)
    }};
}

async fn routes(cp: &AwsControlPlane, id: &str) -> Result<Vec<v2::Route>, BackendError> {
    all_pages!(
        cp,
        "GetRoutes",
        format!("/apis/{id}/routes"),
        get_routes,
        id
    )
}

async fn integrations(
    cp: &AwsControlPlane,
    id: &str,
) -> Result<Vec<v2::Integration>, BackendError> {
    all_pages!(
        cp,
        "GetIntegrations",
        format!("/apis/{id}/integrations"),
        get_integrations,
        id
    )
}

async fn authorizers(cp: &AwsControlPlane, id: &str) -> Result<Vec<v2::Authorizer>, BackendError> {
    all_pages!(
        cp,
        "GetAuthorizers",
        format!("/apis/{id}/authorizers"),
        get_authorizers,
        id
    )
}

async fn stages(cp: &AwsControlPlane, id: &str) -> Result<Vec<v2::Stage>, BackendError> {
    all_pages!(
        cp,
        "GetStages",
        format!("/apis/{id}/stages"),
        get_stages,
        id
    )
}

/// GetAuthorizer for one id: the fallback when GetAuthorizers fails.
async fn authorizer(
    cp: &AwsControlPlane,
    api_id: &str,
    auth_id: &str,
) -> Result<Authorizer, BackendError> {
    let out = cp
        .call(
            Call::new(
                "GetAuthorizer",
                format!("/apis/{api_id}/authorizers/{auth_id}"),
            ),
            || {
                cp.v2
                    .get_authorizer()
                    .api_id(api_id)
                    .authorizer_id(auth_id)
                    .send()
            },
        )
        .await?;
    Ok(map_authorizer!(out))
}

/// Routes (joined with their integrations), authorizers and stages of one API,
/// fetched concurrently. A failed call becomes a problem, not a failed API.
pub(crate) async fn load_details(cp: &AwsControlPlane, mut api: Api) -> Result<Api, BackendError> {
    let id = api.id.clone();
    let (r, i, a, s) = futures::join!(
        routes(cp, &id),
        integrations(cp, &id),
        authorizers(cp, &id),
        stages(cp, &id)
    );
    if let Some(e) = all_failed(&[
        r.as_ref().err(),
        i.as_ref().err(),
        a.as_ref().err(),
        s.as_ref().err(),
    ]) {
        return Err(e);
    }
    let integrations: HashMap<String, Integration> = match i {
        Ok(list) => list
            .iter()
            .map(map_integration)
            .filter_map(|i| Some((i.id.clone()?, i)))
            .collect(),
        Err(e) => {
            api.problems.push(format!("integrations are missing: {e}"));
            HashMap::new()
        }
    };
    let endpoint = api.endpoint.clone();
    let parts = details::Parts {
        routes: r.map(|l| l.iter().map(|r| map_route(r, &integrations)).collect()),
        authorizers: a.map(|l| l.iter().map(|a| map_authorizer!(a)).collect()),
        stages: s.map(|l| {
            l.iter()
                .map(|s| map_stage(s, endpoint.as_deref()))
                .collect()
        }),
    };
    let words = details::Words {
        routes: "routes",
        referenced_by: "routes",
    };
    Ok(details::assemble(api, parts, words, |aid| {
        let id = &id;
        async move { authorizer(cp, id, &aid).await }
    })
    .await)
}

fn map_api(a: &v2::Api) -> Api {
    Api {
        id: a.api_id().unwrap_or_default().to_string(),
        name: a.name().unwrap_or_default().to_string(),
        protocol: Some(match a.protocol_type() {
            Some(v2::ProtocolType::Websocket) => Protocol::Websocket,
            _ => Protocol::Http,
        }),
        endpoint: a.api_endpoint().map(str::to_string),
        description: a.description().map(str::to_string),
        disable_execute_api_endpoint: a.disable_execute_api_endpoint().unwrap_or(false),
        cors: a.cors_configuration().map(|c| Cors {
            allow_origins: c.allow_origins().to_vec(),
            allow_methods: c.allow_methods().to_vec(),
            allow_headers: c.allow_headers().to_vec(),
            expose_headers: c.expose_headers().to_vec(),
            max_age: c.max_age(),
            allow_credentials: c.allow_credentials(),
        }),
        ..Api::default()
    }
}

fn map_integration(i: &v2::Integration) -> Integration {
    Integration {
        id: i.integration_id().map(str::to_string),
        integration_type: i
            .integration_type()
            .map(|t| IntegrationType::parse(t.as_str())),
        uri: i.integration_uri().map(str::to_string),
        payload_format_version: i.payload_format_version().map(str::to_string),
        timeout_in_millis: i.timeout_in_millis().map(i64::from),
        integration_method: i.integration_method().map(str::to_string),
        connection_type: i.connection_type().map(|t| t.as_str().to_string()),
        credentials_arn: i.credentials_arn().map(str::to_string),
    }
}

fn map_route(r: &v2::Route, integrations: &HashMap<String, Integration>) -> Route {
    // Target is "integrations/{id}"; when GetIntegrations failed keep the id
    // so the route is not mistaken for one without an integration.
    let integration = r.target().map(|t| {
        let id = t.trim_start_matches("integrations/");
        integrations
            .get(id)
            .cloned()
            .unwrap_or_else(|| Integration {
                id: Some(id.to_string()),
                ..Integration::default()
            })
    });
    Route {
        route_key: r.route_key().unwrap_or_default().to_string(),
        route_id: r.route_id().map(str::to_string),
        authorization_type: r
            .authorization_type()
            .map(|t| AuthorizationType::parse(t.as_str())),
        authorization_scopes: r.authorization_scopes().to_vec(),
        authorizer_id: r.authorizer_id().map(str::to_string),
        api_key_required: r.api_key_required().unwrap_or(false),
        integration,
    }
}

fn map_settings(s: &v2::RouteSettings) -> RouteSettings {
    RouteSettings {
        throttling_rate_limit: s.throttling_rate_limit(),
        throttling_burst_limit: s.throttling_burst_limit(),
        detailed_metrics_enabled: s.detailed_metrics_enabled(),
        logging_level: s.logging_level().map(|l| l.as_str().to_string()),
        data_trace_enabled: s.data_trace_enabled(),
    }
}

fn map_stage(s: &v2::Stage, endpoint: Option<&str>) -> Stage {
    let name = s.stage_name().unwrap_or_default().to_string();
    Stage {
        invoke_url: endpoint.map(|e| invoke_url(e, &name)),
        auto_deploy: s.auto_deploy().unwrap_or(false),
        deployment_id: s.deployment_id().map(str::to_string),
        access_log_settings: s.access_log_settings().map(|l| AccessLogSettings {
            destination_arn: l.destination_arn().map(str::to_string),
            format: l.format().map(str::to_string),
        }),
        default_route_settings: s.default_route_settings().map(map_settings),
        route_settings: s
            .route_settings()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), map_settings(v)))
                    .collect()
            })
            .unwrap_or_default(),
        stage_variables: s
            .stage_variables()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect::<BTreeMap<_, _>>()
            })
            .unwrap_or_default(),
        last_updated: s.last_updated_date().map(|d| d.to_string()),
        stage_name: name,
    }
}

/// The base URL of a stage: no stage segment for `$default`.
pub fn invoke_url(endpoint: &str, stage: &str) -> String {
    let base = endpoint.trim_end_matches('/');
    if stage == "$default" {
        base.to_string()
    } else {
        format!("{base}/{stage}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_stage_has_no_stage_segment() {
        let e = "https://abc.execute-api.eu-west-1.amazonaws.com";
        assert_eq!(invoke_url(e, "$default"), e);
        assert_eq!(invoke_url(&format!("{e}/"), "prod"), format!("{e}/prod"));
    }

    #[test]
    fn route_target_joins_its_integration_or_keeps_the_id() {
        let route = v2::Route::builder()
            .route_key("GET /items/{id}")
            .target("integrations/i1")
            .authorization_type(v2::AuthorizationType::Jwt)
            .authorization_scopes("read")
            .authorizer_id("au1")
            .build();
        let mut ints = HashMap::new();
        ints.insert(
            "i1".to_string(),
            Integration {
                id: Some("i1".into()),
                uri: Some("arn:fn".into()),
                ..Default::default()
            },
        );
        let r = map_route(&route, &ints);
        assert_eq!(r.authorization_type, Some(AuthorizationType::Jwt));
        assert_eq!(r.authorization_scopes, vec!["read"]);
        assert_eq!(r.integration.unwrap().uri.as_deref(), Some("arn:fn"));
        let r = map_route(&route, &HashMap::new());
        assert_eq!(r.integration.unwrap().id.as_deref(), Some("i1"));
    }
}
