//! Account-wide REST resources and custom domains: usage plans with their
//! keys, API keys, and domain names with their mappings from both services
//! (reference §13.4, §14.1).
//!
//! API key values never leave this file: `GetApiKeys` is called with
//! `includeValues=false`, and `GetUsagePlanKeys` — which returns each key's
//! `value` whatever is asked — is mapped into [`ApiKeyRef`], which has no
//! field for it.

use std::collections::BTreeMap;

use aws_sdk_apigateway::types as rest;

use super::control_plane::AwsControlPlane;
use super::errors::Call;
use super::rest_apis::all_pages;
use crate::backends::BackendError;
use crate::domain::{
    AccountResources, ApiKeyRef, CustomDomain, DomainMapping, PlanStage, Quota, Throttle,
    UsagePlan, UsagePlans,
};

/// The largest page REST list calls accept.
const PAGE: i32 = 500;

pub(crate) async fn account_resources(cp: &AwsControlPlane) -> AccountResources {
    let (plans, domains) = futures::join!(usage_plans(cp), domains(cp));
    let mut out = AccountResources::default();
    match plans {
        Ok(p) => out.usage_plans = p,
        Err(e) => out.usage_plans_problem = Some(e.to_string()),
    }
    match domains {
        Ok((d, problem)) => {
            out.domains = d;
            out.domains_problem = problem;
        }
        Err(e) => out.domains_problem = Some(e.to_string()),
    }
    out
}

/// Usage plans (each with its keys) and every API key, by name and id.
async fn usage_plans(cp: &AwsControlPlane) -> Result<UsagePlans, BackendError> {
    let plans = async {
        all_pages!(cp, Call::new("GetUsagePlans", "/usageplans"), |pos| cp
            .rest
            .get_usage_plans()
            .limit(PAGE)
            .set_position(pos.clone())
            .send())
    };
    let keys = async {
        all_pages!(cp, Call::new("GetApiKeys", "/apikeys"), |pos| cp
            .rest
            .get_api_keys()
            .include_values(false)
            .limit(PAGE)
            .set_position(pos.clone())
            .send())
    };
    let (plans, keys) = futures::join!(plans, keys);
    let plans = plans?;
    let keys = keys?;
    let plan_keys = futures::future::join_all(plans.iter().map(|p| plan_keys(cp, p))).await;
    let mut out = UsagePlans {
        plans: Vec::with_capacity(plans.len()),
        keys: keys.iter().map(map_api_key).collect(),
    };
    for (p, k) in plans.iter().zip(plan_keys) {
        let mut plan = map_plan(p);
        plan.keys = k?;
        out.plans.push(plan);
    }
    Ok(out)
}

/// The keys of one plan. AWS returns each key's value here: it is dropped
/// in [`map_plan_key`] and goes no further.
async fn plan_keys(
    cp: &AwsControlPlane,
    p: &rest::UsagePlan,
) -> Result<Vec<ApiKeyRef>, BackendError> {
    let id = p.id().unwrap_or_default();
    let items = all_pages!(
        cp,
        Call::new("GetUsagePlanKeys", format!("/usageplans/{id}/keys")),
        |pos| cp
            .rest
            .get_usage_plan_keys()
            .usage_plan_id(id)
            .limit(PAGE)
            .set_position(pos.clone())
            .send()
    )?;
    Ok(items.iter().map(map_plan_key).collect())
}

fn map_plan_key(k: &rest::UsagePlanKey) -> ApiKeyRef {
    ApiKeyRef {
        id: k.id().unwrap_or_default().to_string(),
        name: k.name().map(str::to_string),
        enabled: None,
    }
}

fn map_api_key(k: &rest::ApiKey) -> ApiKeyRef {
    ApiKeyRef {
        id: k.id().unwrap_or_default().to_string(),
        name: k.name().map(str::to_string),
        enabled: Some(k.enabled()),
    }
}

fn map_throttle(t: &rest::ThrottleSettings) -> Throttle {
    // REST uses 0 / 0.0 for "not set" in throttle settings.
    Throttle {
        rate_limit: Some(t.rate_limit()).filter(|r| *r > 0.0),
        burst_limit: Some(t.burst_limit()).filter(|b| *b > 0),
    }
}

fn map_plan(p: &rest::UsagePlan) -> UsagePlan {
    UsagePlan {
        id: p.id().unwrap_or_default().to_string(),
        name: p.name().unwrap_or_default().to_string(),
        description: p.description().map(str::to_string),
        api_stages: p
            .api_stages()
            .iter()
            .map(|s| PlanStage {
                api_id: s.api_id().unwrap_or_default().to_string(),
                stage: s.stage().unwrap_or_default().to_string(),
                method_throttles: s
                    .throttle()
                    .map(|m| {
                        m.iter()
                            .map(|(k, t)| (k.clone(), map_throttle(t)))
                            .collect::<BTreeMap<_, _>>()
                    })
                    .unwrap_or_default(),
            })
            .collect(),
        throttle: p.throttle().map(map_throttle),
        quota: p.quota().map(|q| Quota {
            limit: q.limit(),
            period: q
                .period()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            offset: q.offset(),
        }),
        keys: Vec::new(),
    }
}

/// Custom domains from both services, merged by name (AWS shows the same
/// domain through both; moto keeps them apart). A failure of one service
/// keeps the other's domains and is returned as the problem.
async fn domains(
    cp: &AwsControlPlane,
) -> Result<(Vec<CustomDomain>, Option<String>), BackendError> {
    let (v1, v2) = futures::join!(rest_domains(cp), v2_domains(cp));
    let mut out: Vec<CustomDomain> = Vec::new();
    let mut problem = None;
    match (v1, v2) {
        (Err(e), Err(_)) => return Err(e),
        (a, b) => {
            for part in [a, b] {
                match part {
                    Ok(list) => merge_domains(&mut out, list),
                    Err(e) => problem = Some(e.to_string()),
                }
            }
        }
    }
    out.sort_by(|a, b| a.domain_name.cmp(&b.domain_name));
    Ok((out, problem))
}

/// Add `list` to `out`, joining a domain seen already (mappings deduplicated).
pub(crate) fn merge_domains(out: &mut Vec<CustomDomain>, list: Vec<CustomDomain>) {
    for d in list {
        match out.iter_mut().find(|o| o.domain_name == d.domain_name) {
            Some(o) => {
                for m in d.mappings {
                    if !o.mappings.contains(&m) {
                        o.mappings.push(m);
                    }
                }
                o.target_domain_name = o.target_domain_name.take().or(d.target_domain_name);
                o.endpoint_type = o.endpoint_type.take().or(d.endpoint_type);
                o.status = o.status.take().or(d.status);
            }
            None => out.push(d),
        }
    }
}

async fn rest_domains(cp: &AwsControlPlane) -> Result<Vec<CustomDomain>, BackendError> {
    let names = all_pages!(cp, Call::new("GetDomainNames", "/domainnames"), |pos| cp
        .rest
        .get_domain_names()
        .limit(PAGE)
        .set_position(pos.clone())
        .send())?;
    let mappings = futures::future::join_all(names.iter().map(|d| async move {
        let name = d.domain_name().unwrap_or_default();
        all_pages!(
            cp,
            Call::new(
                "GetBasePathMappings",
                format!("/domainnames/{name}/basepathmappings")
            ),
            |pos| cp
                .rest
                .get_base_path_mappings()
                .domain_name(name)
                .limit(PAGE)
                .set_position(pos.clone())
                .send()
        )
    }))
    .await;
    let mut out = Vec::new();
    for (d, m) in names.iter().zip(mappings) {
        let types = d
            .endpoint_configuration()
            .map(|c| {
                c.types()
                    .iter()
                    .map(|t| t.as_str().to_string())
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let regional = types.iter().any(|t| t == "REGIONAL");
        out.push(CustomDomain {
            domain_name: d.domain_name().unwrap_or_default().to_string(),
            target_domain_name: if regional {
                d.regional_domain_name()
            } else {
                d.distribution_domain_name().or(d.regional_domain_name())
            }
            .map(str::to_string),
            endpoint_type: types.first().cloned(),
            status: d.domain_name_status().map(|s| s.as_str().to_string()),
            mappings: m?
                .iter()
                .map(|b| DomainMapping {
                    api_id: b.rest_api_id().unwrap_or_default().to_string(),
                    stage: b
                        .stage()
                        .map(str::to_string)
                        .filter(|s| s != "(none)" && !s.is_empty()),
                    base_path: base_path(b.base_path()),
                })
                .collect(),
        });
    }
    Ok(out)
}

/// A mapping key without slashes; `(none)` and empty are the root.
fn base_path(p: Option<&str>) -> String {
    match p.map(|p| p.trim_matches('/')) {
        None | Some("(none)") => String::new(),
        Some(p) => p.to_string(),
    }
}

async fn v2_domains(cp: &AwsControlPlane) -> Result<Vec<CustomDomain>, BackendError> {
    let mut names = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = cp
            .call(Call::new("GetDomainNames", "/v2/domainnames"), || {
                cp.v2
                    .get_domain_names()
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        names.extend(page.items().iter().cloned());
        match page.next_token() {
            Some(t) if !t.is_empty() && Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break,
        }
    }
    let mappings = futures::future::join_all(names.iter().map(|d| async move {
        let name = d.domain_name().unwrap_or_default();
        let mut items = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = cp
                .call(
                    Call::new(
                        "GetApiMappings",
                        format!("/v2/domainnames/{name}/apimappings"),
                    ),
                    || {
                        cp.v2
                            .get_api_mappings()
                            .domain_name(name)
                            .set_next_token(token.clone())
                            .send()
                    },
                )
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
    }))
    .await;
    let mut out = Vec::new();
    for (d, m) in names.iter().zip(mappings) {
        let conf = d.domain_name_configurations().first();
        out.push(CustomDomain {
            domain_name: d.domain_name().unwrap_or_default().to_string(),
            target_domain_name: conf
                .and_then(|c| c.api_gateway_domain_name())
                .map(str::to_string),
            endpoint_type: conf
                .and_then(|c| c.endpoint_type())
                .map(|t| t.as_str().to_string()),
            status: conf
                .and_then(|c| c.domain_name_status())
                .map(|s| s.as_str().to_string()),
            mappings: m?
                .iter()
                .map(|a| DomainMapping {
                    api_id: a.api_id().unwrap_or_default().to_string(),
                    stage: a.stage().map(str::to_string),
                    base_path: base_path(a.api_mapping_key()),
                })
                .collect(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_key_keeps_name_and_id_and_drops_the_value() {
        let k = rest::UsagePlanKey::builder()
            .id("k1")
            .name("partner")
            .value("s3cr3t-value-0123456789")
            .r#type("API_KEY")
            .build();
        let r = map_plan_key(&k);
        assert_eq!((r.id.as_str(), r.name.as_deref()), ("k1", Some("partner")));
        let json = serde_json::to_string(&r).unwrap();
        assert!(!json.contains("s3cr3t"), "{json}");
    }

    #[test]
    fn base_paths_lose_slashes_and_none_is_root() {
        assert_eq!(base_path(Some("(none)")), "");
        assert_eq!(base_path(None), "");
        assert_eq!(base_path(Some("/v2/")), "v2");
        assert_eq!(base_path(Some("orders/v1")), "orders/v1");
    }

    #[test]
    fn the_same_domain_from_both_services_is_one_domain() {
        let mut out = Vec::new();
        let m = |api: &str, bp: &str| DomainMapping {
            api_id: api.into(),
            stage: Some("prod".into()),
            base_path: bp.into(),
        };
        merge_domains(
            &mut out,
            vec![CustomDomain {
                domain_name: "api.example.com".into(),
                mappings: vec![m("rest1", "v1")],
                ..Default::default()
            }],
        );
        merge_domains(
            &mut out,
            vec![CustomDomain {
                domain_name: "api.example.com".into(),
                target_domain_name: Some("d-1.execute-api.us-east-1.amazonaws.com".into()),
                mappings: vec![m("rest1", "v1"), m("http1", "v2")],
                ..Default::default()
            }],
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].mappings.len(), 2);
        assert!(out[0].target_domain_name.is_some());
    }
}
