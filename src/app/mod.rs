//! The application layer: each use case once (send, diagnose, inventory, logs,
//! health...), called alike by the TUI views and the CLI. It returns typed
//! results or streams of typed progress and never touches the terminal.

pub mod authorizer;
pub mod diagnose;
pub mod examples;
pub mod health;
pub mod history;
pub mod inventory;
pub mod logs;
pub mod problems;
pub mod send;
pub mod test_invoke;
pub mod tour;
pub mod usage;

/// The real clock and fresh random bytes, for the engines that take them as
/// inputs (the event builder).
/// The route API Gateway's routing gives a request (its event built from
/// the URL), the match (route key, path parameters) and the stage (named
/// by the URL, else the default stage).
pub(crate) struct Routed<'a> {
    pub route: &'a crate::domain::Route,
    pub matched: crate::engines::routing::RouteMatch,
    pub stage: String,
}

/// Route `input` (built from `method` and the request's URL) through `api`
/// as API Gateway would, for the real calls that act on one route (the
/// authorizer's TestInvoke, TestInvokeMethod). `Err`: why no route matches,
/// in one sentence with the routing's own summary.
pub(crate) fn route_request<'a>(
    api: &'a crate::domain::Api,
    method: &str,
    input: &crate::engines::event_build::EventInput,
) -> Result<Routed<'a>, String> {
    let resolution = crate::engines::routing::Router::from_api(api).resolve(method, &input.path);
    let Some(matched) = resolution.matched.clone() else {
        return Err(format!(
            "no route of {} matches {} {}: {}",
            api.id,
            method,
            input.path,
            resolution.summary()
        ));
    };
    let route = api
        .route(&matched.route_key)
        .ok_or("the matched route is not in the API")?;
    let stage = resolution
        .stage
        .unwrap_or_else(|| crate::engines::routing::DEFAULT_STAGE.to_string());
    Ok(Routed {
        route,
        matched,
        stage,
    })
}

pub fn seed() -> crate::engines::event_build::Seed {
    let mut random = [0u8; 48];
    for chunk in random.chunks_mut(16) {
        chunk.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    crate::engines::event_build::Seed {
        now_ms: chrono::Utc::now().timestamp_millis(),
        random,
    }
}
