//! Where a demo request goes: the URL forms `gatescope demo send` accepts, the named demo
//! credentials, and re-pointing a stored request at the demo running now. Demo requests are
//! identified by API id and stage (as on AWS), never by the loopback port of one run.

use crate::domain::{Api, RequestDraft};

use super::config::DemoApiKey;
use super::tokens::DemoToken;

/// A URL resolved against the running demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    /// What to send to: a loopback URL of the running demo (or the URL as given when it
    /// is not the demo's).
    pub url: String,
    /// The demo API and stage it targets, when it targets one.
    pub api_id: Option<String>,
    pub stage: Option<String>,
    /// The custom domain it goes through: sent as the `Host` header to the loopback
    /// listener standing in for it.
    pub host: Option<String>,
}

/// Resolve what the user typed:
/// - `/prod/orders?x=1`: relative to the API named by `api` (id or name), else to the only
///   API with a stage named like the first segment;
/// - `https://{apiId}.execute-api.{region}.amazonaws.com/prod/orders`: the demo API with
///   that id, on loopback (the host is never looked up in DNS);
/// - a loopback URL of a demo API (what `demo apis` prints): as it is;
/// - anything else: as it is, with no API attached.
pub(crate) fn resolve_url(url: &str, api: Option<&str>, apis: &[Api]) -> Result<Resolved, String> {
    let wanted = match api {
        Some(a) => Some(find_api(a, apis)?),
        None => None,
    };
    let url = url.trim();
    if url.starts_with('/') {
        return relative(url, wanted, apis);
    }
    let Ok(parsed) = url::Url::parse(url) else {
        return Ok(as_given(url));
    };
    let host = parsed.host_str().unwrap_or("").to_ascii_lowercase();
    if host.ends_with(".amazonaws.com") && host.contains(".execute-api.") {
        let id = host.split('.').next().unwrap_or("");
        let Some(a) = apis.iter().find(|a| a.id.eq_ignore_ascii_case(id)) else {
            return Err(format!(
                "{host} is not one of the demo's APIs ({}); the demo never sends to AWS",
                ids(apis)
            ));
        };
        let mut rest = parsed.path().to_string();
        if let Some(q) = parsed.query() {
            rest.push('?');
            rest.push_str(q);
        }
        return relative(&rest, Some(a), apis);
    }
    let origin = parsed.origin().ascii_serialization();
    let on_demo = apis
        .iter()
        .find(|a| a.endpoint.as_deref().map(|e| e.trim_end_matches('/')) == Some(&origin));
    match on_demo {
        Some(a) => Ok(Resolved {
            url: url.to_string(),
            api_id: Some(a.id.clone()),
            stage: stage_of(a, parsed.path()),
            host: None,
        }),
        None => Ok(as_given(url)),
    }
}

fn as_given(url: &str) -> Resolved {
    Resolved {
        url: url.to_string(),
        api_id: None,
        stage: None,
        host: None,
    }
}

/// `https://{domain}/v2/orders` for one of the demo's custom domains (`domains`: name →
/// its loopback listener): that listener, with the domain as `Host`, and the API and
/// stage its mapping leads to. `None` when the URL is not on a demo domain.
pub fn through_domain(
    url: &str,
    domains: &std::collections::BTreeMap<String, String>,
    apis: &[Api],
) -> Option<Resolved> {
    let parsed = url::Url::parse(url.trim()).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let base = domains.get(&host)?;
    let mut rest = parsed.path().to_string();
    if let Some(q) = parsed.query() {
        rest.push('?');
        rest.push_str(q);
    }
    let first = parsed
        .path()
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or("");
    let mapped = apis.iter().find_map(|a| {
        let d = a.domains.iter().find(|d| d.domain_name == host)?;
        let m = d
            .mappings
            .iter()
            .find(|m| m.api_id == a.id && m.base_path == first)?;
        Some((a.id.clone(), m.stage.clone()))
    });
    Some(Resolved {
        url: format!("{}{rest}", base.trim_end_matches('/')),
        api_id: mapped.as_ref().map(|(id, _)| id.clone()),
        stage: mapped.and_then(|(_, s)| s),
        host: Some(host),
    })
}

fn ids(apis: &[Api]) -> String {
    apis.iter()
        .map(|a| a.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn find_api<'a>(wanted: &str, apis: &'a [Api]) -> Result<&'a Api, String> {
    apis.iter()
        .find(|a| a.id == wanted || a.name == wanted)
        .ok_or_else(|| format!("--api {wanted}: the demo's APIs are {}", ids(apis)))
}

/// The stage a path on `api` starts with (`/prod/...` → `prod`), or `$default`.
fn stage_of(api: &Api, path: &str) -> Option<String> {
    let first = path.trim_start_matches('/').split(['/', '?']).next()?;
    if api.stages.iter().any(|s| s.stage_name == first) {
        return Some(first.to_string());
    }
    api.stages
        .iter()
        .find(|s| s.stage_name == "$default")
        .map(|s| s.stage_name.clone())
}

fn relative(path: &str, api: Option<&Api>, apis: &[Api]) -> Result<Resolved, String> {
    let api = match api {
        Some(a) => a,
        None => {
            let by_stage: Vec<&Api> = apis
                .iter()
                .filter(|a| stage_of(a, path).is_some_and(|s| s != "$default"))
                .collect();
            match by_stage.as_slice() {
                [one] => one,
                [] if apis.len() == 1 => &apis[0],
                _ => {
                    let stages: Vec<String> = apis
                        .iter()
                        .flat_map(|a| {
                            a.stages
                                .iter()
                                .map(move |s| format!("{} ({})", s.stage_name, a.id))
                        })
                        .collect();
                    return Err(format!(
                        "{path}: say which API with --api ID (stages: {})",
                        stages.join(", ")
                    ));
                }
            }
        }
    };
    let base = api
        .endpoint
        .as_deref()
        .ok_or_else(|| format!("the demo API {} has no listener", api.id))?;
    Ok(Resolved {
        url: format!("{}{path}", base.trim_end_matches('/')),
        api_id: Some(api.id.clone()),
        stage: stage_of(api, path),
        host: None,
    })
}

/// `jwt:valid` (or `jwt:expired`, `jwt:wrong_audience`, `jwt:missing_scope`): the demo token
/// of that name in place of the name; `apikey:demo` (`trial`, `burst`, `revoked`): the
/// demo API key of that name. Other values are returned unchanged.
pub(crate) fn named_auth(auth: &str, tokens: &[DemoToken], keys: &[DemoApiKey]) -> String {
    let (kind, rest) = auth.split_once(':').unwrap_or((auth, ""));
    match kind.to_ascii_lowercase().as_str() {
        "jwt" | "bearer" => {
            if let Some(t) = tokens.iter().find(|t| t.name == rest) {
                return format!("{kind}:{}", t.token);
            }
        }
        "apikey" | "api-key" => {
            if let Some(k) = keys.iter().find(|k| k.name == rest) {
                return format!("{kind}:{}", k.value);
            }
        }
        _ => {}
    }
    auth.to_string()
}

/// A stored demo request keeps the name of the demo credential it was sent with
/// (`target.auth_label`: `valid`, `trial`...), never its value, which was redacted: put the
/// running demo's credential of that name back (a JWT is minted per run, so the stored one
/// would be stale anyway). Returns whether it did. A credential that was not redacted, a
/// name this demo does not have, or a request with no name is left alone (the composer then
/// asks for the secret as usual).
pub fn fill_named_credential(
    draft: &mut RequestDraft,
    tokens: &[DemoToken],
    keys: &[DemoApiKey],
) -> bool {
    use crate::domain::AuthMode;
    use crate::engines::redact::is_redacted;
    let Some(name) = draft.target.auth_label.as_deref() else {
        return false;
    };
    match &mut draft.auth {
        AuthMode::Jwt { token } if is_redacted(token) => {
            match tokens.iter().find(|t| t.name == name) {
                Some(t) => *token = t.token.clone(),
                None => return false,
            }
        }
        AuthMode::ApiKey { key } if is_redacted(key) => {
            match keys.iter().find(|k| k.name == name) {
                Some(k) => *key = k.value.clone(),
                None => return false,
            }
        }
        _ => return false,
    }
    true
}

/// Point a stored demo request (history, a saved request) at `api` as it runs now: the
/// origin of its base URL (the loopback port of the run that stored it) becomes the API's
/// current one; the stage and path stay. A request to one of the API's custom domains (by
/// its `Host` header, or by its URL as the composer's `u` sets it) goes to that domain's
/// loopback listener instead, with a `Host` naming the domain (never to DNS). Returns
/// whether it changed. Requests for another API, or whose base URL is not an http(s) URL,
/// are left alone.
pub(crate) fn rebase(draft: &mut RequestDraft, api: &Api) -> bool {
    if draft.target.api_id.as_deref() != Some(api.id.as_str()) {
        return false;
    }
    let Ok(old) = url::Url::parse(&draft.base_url) else {
        return false;
    };
    if !matches!(old.scheme(), "http" | "https") {
        return false;
    }
    let header_host = draft
        .headers
        .iter()
        .find(|f| f.enabled && f.name.eq_ignore_ascii_case("host"))
        .map(|f| f.value.trim().to_ascii_lowercase());
    let url_host = old.host_str().map(str::to_ascii_lowercase);
    let domain_of = |h: &str| {
        api.domains
            .iter()
            .find(|d| d.domain_name.eq_ignore_ascii_case(h))
    };
    let by_header = header_host.as_deref().and_then(domain_of);
    let by_url = url_host.as_deref().and_then(domain_of);
    // The demo points each domain's DNS target at its loopback listener.
    let domain = by_header.or(by_url);
    let domain_base = domain
        .and_then(|d| d.target_domain_name.as_deref())
        .map(|t| format!("http://{t}"));
    let Some(endpoint) = domain_base.as_deref().or(api.endpoint.as_deref()) else {
        return false;
    };
    let mut changed = false;
    if let (None, Some(d), Some(_)) = (by_header, by_url, &domain_base) {
        // Sent to loopback, the domain is named by the Host header (as `demo send` does).
        draft
            .headers
            .retain(|f| !f.name.eq_ignore_ascii_case("host"));
        draft
            .headers
            .push(crate::domain::Field::new("host", d.domain_name.clone()));
        changed = true;
    }
    let rest = old.path().trim_end_matches('/');
    let rebased = format!("{}{rest}", endpoint.trim_end_matches('/'));
    if rebased != draft.base_url {
        draft.base_url = rebased;
        changed = true;
    }
    changed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{DraftTarget, Stage};

    fn api(id: &str, name: &str, port: u16, stages: &[&str]) -> Api {
        let base = format!("http://127.0.0.1:{port}");
        Api {
            id: id.into(),
            name: name.into(),
            endpoint: Some(base.clone()),
            stages: stages
                .iter()
                .map(|s| Stage {
                    stage_name: s.to_string(),
                    invoke_url: Some(format!("{base}/{s}")),
                    ..Default::default()
                })
                .collect(),
            ..Default::default()
        }
    }

    fn demo() -> Vec<Api> {
        vec![
            api("demohttp01", "demo-orders-http", 4001, &["prod"]),
            api("demorest01", "demo-orders-rest", 4002, &["dev"]),
        ]
    }

    #[test]
    fn relative_paths_resolve_by_stage_or_by_api() {
        let apis = demo();
        let r = resolve_url("/prod/orders?status=open", None, &apis).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4001/prod/orders?status=open");
        assert_eq!(r.api_id.as_deref(), Some("demohttp01"));
        assert_eq!(r.stage.as_deref(), Some("prod"));
        let r = resolve_url("/dev/report", None, &apis).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4002/dev/report");
        // An unknown stage on an explicit API goes there (the gateway answers 404/403).
        let r = resolve_url("/nope", Some("demo-orders-rest"), &apis).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4002/nope");
        assert_eq!(r.stage, None);
        let e = resolve_url("/staging/x", None, &apis).unwrap_err();
        assert!(
            e.contains("--api") && e.contains("prod (demohttp01)"),
            "{e}"
        );
        let e = resolve_url("/prod", Some("nope"), &apis).unwrap_err();
        assert!(e.contains("demohttp01, demorest01"), "{e}");
    }

    #[test]
    fn execute_api_hosts_map_to_loopback_and_foreign_ones_are_refused() {
        let apis = demo();
        let r = resolve_url(
            "https://demohttp01.execute-api.us-east-1.amazonaws.com/prod/orders/ord-1001?a=b",
            None,
            &apis,
        )
        .unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4001/prod/orders/ord-1001?a=b");
        assert_eq!(r.stage.as_deref(), Some("prod"));
        let e = resolve_url(
            "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
            None,
            &apis,
        )
        .unwrap_err();
        assert!(e.contains("never sends to AWS"), "{e}");
    }

    #[test]
    fn custom_domain_urls_go_to_the_domain_listener_with_their_host() {
        let mut apis = demo();
        apis[0].domains = vec![crate::domain::CustomDomain {
            domain_name: "api.example.test".into(),
            mappings: vec![crate::domain::DomainMapping {
                api_id: "demohttp01".into(),
                stage: Some("prod".into()),
                base_path: "v2".into(),
            }],
            ..Default::default()
        }];
        let domains = [(
            "api.example.test".to_string(),
            "http://127.0.0.1:4009".to_string(),
        )]
        .into();
        let r = through_domain("https://API.example.test/v2/orders?a=1", &domains, &apis).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4009/v2/orders?a=1");
        assert_eq!(r.host.as_deref(), Some("api.example.test"));
        assert_eq!(r.api_id.as_deref(), Some("demohttp01"));
        assert_eq!(r.stage.as_deref(), Some("prod"));
        // An unmapped base path still goes to the domain (which answers 403 itself).
        let r = through_domain("https://api.example.test/v3/orders", &domains, &apis).unwrap();
        assert_eq!((r.api_id, r.stage), (None, None));
        assert!(through_domain("https://other.example.test/v2", &domains, &apis).is_none());
    }

    #[test]
    fn loopback_urls_keep_their_form_and_gain_the_api() {
        let apis = demo();
        let r = resolve_url("http://127.0.0.1:4002/dev/orders", None, &apis).unwrap();
        assert_eq!(r.url, "http://127.0.0.1:4002/dev/orders");
        assert_eq!(r.api_id.as_deref(), Some("demorest01"));
        assert_eq!(r.stage.as_deref(), Some("dev"));
        let r = resolve_url("http://127.0.0.1:9/x", None, &apis).unwrap();
        assert_eq!((r.api_id, r.stage), (None, None));
    }

    #[test]
    fn named_tokens_replace_the_name_only() {
        let tokens = vec![DemoToken {
            name: "valid".into(),
            description: String::new(),
            expect_status: 201,
            token: "a.b.c".into(),
        }];
        let keys = vec![DemoApiKey {
            id: "k1".into(),
            name: "demo".into(),
            value: "the-demo-key-value".into(),
            enabled: true,
            description: String::new(),
        }];
        assert_eq!(named_auth("jwt:valid", &tokens, &keys), "jwt:a.b.c");
        assert_eq!(named_auth("jwt:x.y.z", &tokens, &keys), "jwt:x.y.z");
        assert_eq!(named_auth("none", &tokens, &keys), "none");
        assert_eq!(named_auth("apikey:valid", &tokens, &keys), "apikey:valid");
        assert_eq!(
            named_auth("apikey:demo", &tokens, &keys),
            "apikey:the-demo-key-value"
        );
        assert_eq!(named_auth("jwt:demo", &tokens, &keys), "jwt:demo");
    }

    #[test]
    fn rebase_moves_a_stored_request_to_the_running_demo() {
        let now = api("demohttp01", "demo-orders-http", 5001, &["prod"]);
        let mut d = RequestDraft {
            base_url: "http://127.0.0.1:4001/prod".into(),
            path: "/orders".into(),
            target: DraftTarget {
                api_id: Some("demohttp01".into()),
                stage: Some("prod".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(rebase(&mut d, &now));
        assert_eq!(d.base_url, "http://127.0.0.1:5001/prod");
        assert!(!rebase(&mut d, &now), "already there");
        let other = api("demorest01", "demo-orders-rest", 5002, &["dev"]);
        assert!(!rebase(&mut d, &other));
        // A request sent from the shell: the stage is in the path, the base is the origin.
        d.base_url = "http://127.0.0.1:4001".into();
        d.path = "/prod/orders".into();
        assert!(rebase(&mut d, &now));
        assert_eq!(d.base_url, "http://127.0.0.1:5001");
    }

    #[test]
    fn a_stored_credential_name_gets_the_running_demos_credential_back() {
        use crate::domain::AuthMode;
        use crate::engines::redact::REDACTED;
        let tokens = vec![DemoToken {
            name: "valid".into(),
            description: String::new(),
            expect_status: 201,
            token: "fresh.jwt.token".into(),
        }];
        let keys = vec![DemoApiKey {
            id: "demokey02".into(),
            name: "trial".into(),
            value: "the-trial-key".into(),
            enabled: true,
            description: String::new(),
        }];
        let stored = |auth: AuthMode, label: Option<&str>| RequestDraft {
            auth,
            target: DraftTarget {
                auth_label: label.map(str::to_string),
                ..Default::default()
            },
            ..Default::default()
        };
        let mut d = stored(
            AuthMode::ApiKey {
                key: REDACTED.into(),
            },
            Some("trial"),
        );
        assert!(fill_named_credential(&mut d, &tokens, &keys));
        assert_eq!(
            d.auth,
            AuthMode::ApiKey {
                key: "the-trial-key".into()
            }
        );
        let mut d = stored(
            AuthMode::Jwt {
                token: REDACTED.into(),
            },
            Some("valid"),
        );
        assert!(fill_named_credential(&mut d, &tokens, &keys));
        assert_eq!(
            d.auth,
            AuthMode::Jwt {
                token: "fresh.jwt.token".into()
            }
        );
        // Unknown name, no name, a key name on a JWT, or a secret that was kept: untouched.
        for (auth, label) in [
            (
                AuthMode::ApiKey {
                    key: REDACTED.into(),
                },
                Some("burst"),
            ),
            (
                AuthMode::ApiKey {
                    key: REDACTED.into(),
                },
                None,
            ),
            (
                AuthMode::Jwt {
                    token: REDACTED.into(),
                },
                Some("trial"),
            ),
            (AuthMode::ApiKey { key: "kept".into() }, Some("trial")),
        ] {
            let mut d = stored(auth.clone(), label);
            assert!(!fill_named_credential(&mut d, &tokens, &keys), "{auth:?}");
            assert_eq!(d.auth, auth);
        }
    }

    #[test]
    fn rebase_sends_a_custom_domain_url_to_its_listener_with_its_host() {
        let mut now = api("demorest01", "demo-orders-rest", 5002, &["dev"]);
        now.domains = vec![crate::domain::CustomDomain {
            domain_name: "api.example.test".into(),
            target_domain_name: Some("127.0.0.1:5009".into()),
            mappings: vec![crate::domain::DomainMapping {
                base_path: "v1".into(),
                api_id: "demorest01".into(),
                stage: Some("dev".into()),
            }],
            ..Default::default()
        }];
        // What `u` puts in the composer: the domain's URL, no Host header.
        let mut d = RequestDraft {
            base_url: "https://API.example.test/v1".into(),
            path: "/dev/orders".into(),
            target: DraftTarget {
                api_id: Some("demorest01".into()),
                stage: Some("dev".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        assert!(rebase(&mut d, &now));
        assert_eq!(d.base_url, "http://127.0.0.1:5009/v1");
        let hosts: Vec<&str> = d
            .headers
            .iter()
            .filter(|f| f.name.eq_ignore_ascii_case("host"))
            .map(|f| f.value.as_str())
            .collect();
        assert_eq!(hosts, ["api.example.test"]);
        // Stored like that and re-sent by a later run: the Host header decides.
        assert!(!rebase(&mut d, &now), "already there");
        d.base_url = "http://127.0.0.1:4009/v1".into();
        assert!(rebase(&mut d, &now));
        assert_eq!(d.base_url, "http://127.0.0.1:5009/v1");
        assert_eq!(d.headers.len(), 1);
    }
}
