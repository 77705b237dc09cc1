//! Assembling an API's details from its list calls, the same way for HTTP
//! (apigatewayv2) and REST (apigateway) APIs: a failed call becomes one
//! problem sentence on the API instead of failing it, and a failed authorizer
//! list falls back to fetching the authorizers the routes name, one by one.
//! Only the SDK calls and the type mapping differ per service.

use std::future::Future;

use crate::backends::BackendError;
use crate::domain::{Api, Authorizer, Route, Stage};

/// One API's detail calls, mapped into the domain; each may have failed.
pub(super) struct Parts {
    pub routes: Result<Vec<Route>, BackendError>,
    pub authorizers: Result<Vec<Authorizer>, BackendError>,
    pub stages: Result<Vec<Stage>, BackendError>,
}

/// How a family of APIs names its routes in problem sentences.
pub(super) struct Words {
    /// What the route list is called: `routes` (HTTP) or `resources` (REST).
    pub routes: &'static str,
    /// What references authorizers: `routes` (HTTP) or `methods` (REST).
    pub referenced_by: &'static str,
}

/// Put the parts into `api` (problems for the failed ones, authorizers
/// fetched one by one with `get_one` when their list failed) and mark its
/// details loaded.
pub(super) async fn assemble<F, Fut>(mut api: Api, parts: Parts, words: Words, get_one: F) -> Api
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Authorizer, BackendError>>,
{
    set_routes(&mut api, parts.routes, words.routes);
    set_authorizers(&mut api, parts.authorizers, words.referenced_by, get_one).await;
    set_stages(&mut api, parts.stages);
    api.fill_lambda_authorizers();
    api.details_loaded = true;
    api
}

/// The routes, sorted, or a problem naming what is missing (`routes` for
/// HTTP APIs, `resources` for REST).
fn set_routes(api: &mut Api, routes: Result<Vec<Route>, BackendError>, what: &str) {
    match routes {
        Ok(mut list) => {
            sort_routes(&mut list);
            api.routes = list;
        }
        Err(e) => api.problems.push(format!("{what} are missing: {e}")),
    }
}

/// The authorizers, sorted by name. When the list call failed, fetch each
/// authorizer the routes reference with `get_one` (GetAuthorizer often stays
/// allowed when the list is denied) and say which could not be loaded.
/// `referenced_by` names the routes in the message (`routes` / `methods`).
async fn set_authorizers<F, Fut>(
    api: &mut Api,
    listed: Result<Vec<Authorizer>, BackendError>,
    referenced_by: &str,
    get_one: F,
) where
    F: Fn(String) -> Fut,
    Fut: Future<Output = Result<Authorizer, BackendError>>,
{
    match listed {
        Ok(list) => api.authorizers = list,
        Err(e) => {
            let mut ids: Vec<String> = api
                .routes
                .iter()
                .filter_map(|r| r.authorizer_id.clone())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let got = futures::future::join_all(ids.iter().cloned().map(get_one)).await;
            let mut found = Vec::new();
            let mut missing = Vec::new();
            for (aid, res) in ids.iter().zip(got) {
                match res {
                    Ok(a) => found.push(a),
                    Err(e) => missing.push(format!("authorizer {aid} is missing: {e}")),
                }
            }
            api.problems.push(format!(
                "the authorizer list is missing ({e}); loaded the {} authorizer(s) referenced by {referenced_by} one by one, unreferenced ones are not shown",
                found.len()
            ));
            api.problems.extend(missing);
            api.authorizers = found;
        }
    }
    api.authorizers.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The stages, sorted by name, or a problem.
fn set_stages(api: &mut Api, stages: Result<Vec<Stage>, BackendError>) {
    match stages {
        Ok(mut list) => {
            list.sort_by(|a, b| a.stage_name.cmp(&b.stage_name));
            api.stages = list;
        }
        Err(e) => api.problems.push(format!("stages are missing: {e}")),
    }
}

/// Order routes the way people read them: by path, then method; `$default` last.
fn sort_routes(routes: &mut [Route]) {
    routes.sort_by(|a, b| {
        let key = |r: &Route| {
            (
                r.path().is_none(),
                r.path().unwrap_or(&r.route_key).to_string(),
                r.method().to_string(),
            )
        };
        key(a).cmp(&key(b))
    });
}

/// When every sub-call of a detail load failed, the API as a whole failed
/// (typically credentials or network): report that one error instead of an
/// API with only problems.
pub(super) fn all_failed(errors: &[Option<&BackendError>]) -> Option<BackendError> {
    if !errors.is_empty() && errors.iter().all(Option::is_some) {
        errors[0].cloned()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::ErrorKind;

    fn denied() -> BackendError {
        BackendError::new(ErrorKind::Auth, "access denied")
    }

    fn route(key: &str, authorizer: Option<&str>) -> Route {
        Route {
            route_key: key.into(),
            authorizer_id: authorizer.map(str::to_string),
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn a_denied_authorizer_list_falls_back_to_the_referenced_ones() {
        let mut api = Api {
            routes: vec![
                route("GET /a", Some("z1")),
                route("GET /b", Some("a1")),
                route("GET /c", Some("a1")),
                route("GET /d", Some("gone")),
            ],
            ..Default::default()
        };
        set_authorizers(&mut api, Err(denied()), "routes", |id| async move {
            if id == "gone" {
                Err(BackendError::new(ErrorKind::NotFound, "not found"))
            } else {
                Ok(Authorizer {
                    name: format!("n-{id}"),
                    id,
                    ..Default::default()
                })
            }
        })
        .await;
        let names: Vec<&str> = api.authorizers.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["n-a1", "n-z1"]);
        assert_eq!(api.problems.len(), 2, "{:?}", api.problems);
        assert!(api.problems[0].contains("loaded the 2 authorizer(s) referenced by routes"));
        assert!(api.problems[1].starts_with("authorizer gone is missing"));
    }

    #[test]
    fn failed_calls_become_problems_and_lists_are_sorted() {
        let mut api = Api::default();
        set_routes(&mut api, Err(denied()), "resources");
        let stage = |n: &str| Stage {
            stage_name: n.into(),
            ..Default::default()
        };
        set_stages(&mut api, Ok(vec![stage("prod"), stage("dev")]));
        assert_eq!(api.problems, ["resources are missing: access denied"]);
        assert_eq!(api.stages[0].stage_name, "dev");
    }
}
