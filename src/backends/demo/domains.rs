//! The demo's custom domains (reference §14): each listens on its own loopback port,
//! standing in for `https://{domainName}`. A request's path picks the mapping with the
//! longest base path that is a whole-segment prefix (else the `(none)` mapping); the
//! mapping names the API and stage, so the path continues without the stage segment.
//! With no mapping API Gateway answers itself, before any API: `403
//! {"message":"Forbidden"}` (observed for REST domains; [UNVERIFIED] for HTTP-only
//! domains) and no API's access log records it.

use std::sync::Arc;

use super::pipeline::{self, ApiRuntime, GatewayRequest, GatewayResponse};
use crate::domain::{CustomDomain, DomainMapping};

/// One custom domain with the runtimes of the APIs its mappings lead to.
pub(crate) struct DomainRuntime {
    pub domain: CustomDomain,
    pub targets: Vec<(DomainMapping, Arc<ApiRuntime>)>,
}

/// The mapping a path selects, and the path on the API's own host it stands for.
fn select<'a, T>(
    targets: &'a [(DomainMapping, T)],
    path: &str,
) -> Option<(&'a DomainMapping, &'a T, String)> {
    let p = path.trim_start_matches('/');
    let (m, rt) = targets
        .iter()
        .filter(|(m, _)| {
            m.base_path.is_empty()
                || p == m.base_path
                || p.starts_with(&format!("{}/", m.base_path))
        })
        .max_by_key(|(m, _)| m.base_path.len())?;
    let rest = p
        .strip_prefix(m.base_path.as_str())
        .unwrap_or(p)
        .trim_start_matches('/');
    let on_api = match m.stage.as_deref() {
        Some("$default") | None => format!("/{rest}"),
        Some(stage) => format!("/{stage}/{rest}").trim_end_matches('/').to_string(),
    };
    Some((m, rt, on_api))
}

/// Serve one request that arrived on the domain.
pub async fn handle(d: &DomainRuntime, mut req: GatewayRequest) -> GatewayResponse {
    let Some((_, rt, path)) = select(&d.targets, &req.path) else {
        return GatewayResponse {
            status: 403,
            headers: vec![
                ("content-type".into(), "application/json".into()),
                ("x-amzn-RequestId".into(), uuid::Uuid::new_v4().to_string()),
                ("x-amzn-ErrorType".into(), "ForbiddenException".into()),
            ],
            body: br#"{"message":"Forbidden"}"#.to_vec(),
        };
    };
    req.path = path;
    req.domain_name = Some(d.domain.domain_name.clone());
    pipeline::handle(rt, req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(base: &str, stage: Option<&str>) -> DomainMapping {
        DomainMapping {
            api_id: "a".into(),
            stage: stage.map(str::to_string),
            base_path: base.into(),
        }
    }

    #[test]
    fn the_longest_whole_segment_base_path_wins_and_the_stage_is_put_back() {
        let m = [
            (mapping("v2", Some("prod")), 1),
            (mapping("v2/admin", Some("admin")), 2),
            (mapping("v1", None), 3),
            (mapping("root", Some("$default")), 4),
        ];
        let pick = |path: &str| select(&m, path).map(|(_, n, p)| (*n, p));
        assert_eq!(pick("/v2/orders"), Some((1, "/prod/orders".into())));
        assert_eq!(pick("/v2"), Some((1, "/prod".into())));
        assert_eq!(pick("/v2/admin/x"), Some((2, "/admin/x".into())));
        // A mapping without a stage leaves the stage in the path.
        assert_eq!(pick("/v1/dev/orders"), Some((3, "/dev/orders".into())));
        assert_eq!(pick("/root/orders"), Some((4, "/orders".into())));
        assert_eq!(pick("/v2x/orders"), None);
        assert_eq!(pick("/v3/orders"), None);
    }
}
