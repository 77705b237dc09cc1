//! Response-side rules for 401 and 403 (reference §4): JWT reasons from
//! `www-authenticate`, Lambda authorizer identity sources and denies, IAM
//! signatures, API keys and resource policies. The REST `Missing
//! Authentication Token` 403 is a routing question and lives in `rules_route`.

use super::evidence::Evidence;
use super::fingerprint::{Fingerprint, GatewayBody, body_excerpt, classify};
use super::jwt_eval;
use super::text::{clip, jwt_reason, www_authenticate};
use crate::domain::{AuthorizationType, Authorizer, Certainty, Finding, FindingCode, HttpResponse};

const FROM: Certainty = Certainty::FromResponse;

pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let Some(resp) = ev.response.as_ref() else {
        return;
    };
    let fp = classify(resp);
    let www = www_authenticate(resp);
    if !fp.from_gateway() && www.is_none() {
        return;
    }
    match resp.status {
        401 => unauthorized(ev, resp, out),
        403 => forbidden(ev, resp, &fp, out),
        _ => return,
    }
    // Evaluate the bearer token locally against the route's JWT authorizer:
    // it names the reason even when the response does not.
    jwt_eval::check(ev, out);
}

fn route_auth(ev: &Evidence) -> Option<AuthorizationType> {
    ev.route().and_then(|r| r.authorization_type.clone())
}

fn route_authorizer(ev: &Evidence) -> Option<&Authorizer> {
    let id = ev.route()?.authorizer_id.as_deref()?;
    ev.api.as_ref()?.authorizer(id)
}

fn unauthorized(ev: &Evidence, resp: &HttpResponse, out: &mut Vec<Finding>) {
    let status = format!("status 401 body {}", body_excerpt(resp));
    if let Some(w) = www_authenticate(resp) {
        let desc = w.description.clone().unwrap_or_default();
        let (code, documented) = match jwt_reason(&desc) {
            Some(found) => found,
            None if ev.bearer_token().is_none() && ev.request.is_some() => {
                (FindingCode::JwtMissing, false)
            }
            None => (FindingCode::JwtInvalid, false),
        };
        let mut f = Finding::new(
            code,
            FROM,
            format!(
                "The JWT authorizer rejected the request: {}",
                if desc.is_empty() {
                    "no reason given"
                } else {
                    &desc
                }
            ),
        )
        .evidence(status)
        .evidence(format!("www-authenticate: {}", w.raw))
        .fix_args(&ev.fix_args());
        if !documented {
            f = f.unverified();
        }
        out.push(f);
        return;
    }
    let auth = route_auth(ev);
    let has_token = ev
        .request
        .as_ref()
        .and_then(|r| r.header("authorization"))
        .is_some();
    if auth == Some(AuthorizationType::Jwt) {
        let code = if has_token || ev.request.is_none() {
            FindingCode::JwtInvalid
        } else {
            FindingCode::JwtMissing
        };
        out.push(
            Finding::new(code, FROM, "The JWT authorizer rejected the request")
                .evidence(status)
                .fix_args(&ev.fix_args()),
        );
        return;
    }
    // Lambda / Cognito authorizers: 401 means the identity source was
    // missing (authorizer not invoked) or the authorizer said "Unauthorized".
    let missing = route_authorizer(ev).and_then(|a| missing_identity(ev, a));
    match missing {
        Some(source) => out.push(
            Finding::new(FindingCode::AuthorizerIdentityMissing, FROM, format!("The request lacks the authorizer's identity source {source}, so the authorizer was not invoked"))
            .evidence(status)
            .evidence(format!("identity source {source} is absent from the request"))
            .fix_args(&[("source", &source)]),
        ),
        None => {
            let mut f = Finding::new(FindingCode::AuthorizerUnauthorized, FROM, "The authorizer rejected the caller's credentials (or its identity source was empty)")
            .evidence(status);
            if auth.is_none() {
                f = f.unverified();
            }
            out.push(f);
        }
    }
}

/// The first identity source the request does not carry, as written in the
/// authorizer (`$request.header.Authorization`, `method.request.header.X`).
fn missing_identity(ev: &Evidence, a: &Authorizer) -> Option<String> {
    let req = ev.request.as_ref()?;
    let sources: Vec<&str> = a
        .identity_source
        .iter()
        .flat_map(|s| s.split(','))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect();
    for source in sources {
        let header = source
            .strip_prefix("$request.header.")
            .or_else(|| source.strip_prefix("method.request.header."));
        let query = source
            .strip_prefix("$request.querystring.")
            .or_else(|| source.strip_prefix("method.request.querystring."));
        let present = if let Some(h) = header {
            req.header(h).is_some_and(|v| !v.trim().is_empty())
        } else if let Some(q) = query {
            url::Url::parse(&req.url)
                .ok()
                .is_some_and(|u| u.query_pairs().any(|(k, v)| k == q && !v.is_empty()))
        } else {
            // $context / $stageVariables sources are not the caller's to send.
            true
        };
        if !present {
            return Some(source.to_string());
        }
    }
    None
}

fn forbidden(ev: &Evidence, resp: &HttpResponse, fp: &Fingerprint, out: &mut Vec<Finding>) {
    let status = format!("status 403 body {}", clip(&body_excerpt(resp), 160));
    let msg = fp.message.clone().unwrap_or_default();
    let finding = match fp.body {
        Some(GatewayBody::MissingAuthenticationToken) => return, // rules_route
        Some(GatewayBody::SignatureMismatch) => Finding::new(FindingCode::IamSignatureMismatch, FROM, "The SigV4 signature does not match the one API Gateway computed")
        .evidence(status)
        .evidence(format!("canonical request expected: {}", clip(canonical_part(&msg), 300))),
        Some(GatewayBody::ExpiredCredentials) => Finding::new(FindingCode::IamExpiredCredentials, FROM, "The signature or the session token expired")
        .evidence(status),
        Some(GatewayBody::NotAuthorizedToInvoke { anonymous: true }) => Finding::new(FindingCode::ResourcePolicyDenied, FROM, "The API's resource policy denies this (anonymous) caller")
        .evidence(status)
        .fix_args(&ev.fix_args()),
        Some(GatewayBody::NotAuthorizedToInvoke { anonymous: false }) => Finding::new(FindingCode::IamAccessDenied, FROM, "The signing identity is not allowed execute-api:Invoke on this route")
        .evidence(status)
        .fix_args(&ev.fix_args()),
        Some(GatewayBody::AuthorizerDeny { explicit }) => Finding::new(FindingCode::AuthorizerDenied, FROM, if explicit {
                "The Lambda authorizer returned an explicit Deny"
            } else {
                "The authorizer's policy has no Allow for this method (often a cached policy written for another route)"
            })
        .evidence(status)
        // An explicit Deny is the authorizer's decision about this caller: the default
        // fix (check that decision); "widen the Allow" fits only a missing Allow.
        .fix_with((!explicit).then_some("policy"), &ev.fix_args()),
        _ => by_route_auth(ev, status),
    };
    out.push(finding);
}

/// `Forbidden` with no more detail: the route's authorization type decides.
fn by_route_auth(ev: &Evidence, status: String) -> Finding {
    let route = ev.route();
    // With apiKeySource AUTHORIZER the key is the authorizer's
    // `usageIdentifierKey`: whether x-api-key was sent says nothing.
    let from_authorizer = ev
        .api
        .as_ref()
        .is_some_and(|a| a.api_key_source.as_deref() == Some("AUTHORIZER"));
    let api_key_missing = route.is_some_and(|r| r.api_key_required)
        && !from_authorizer
        && ev
            .request
            .as_ref()
            .is_some_and(|r| r.header("x-api-key").is_none());
    if route.is_some_and(|r| r.api_key_required) && (api_key_missing || ev.is_rest()) {
        if from_authorizer {
            return Finding::new(
                FindingCode::ApiKeyInvalid,
                FROM,
                "The method requires an API key, taken from the Lambda authorizer's usageIdentifierKey: it returned none, or a key that is unknown, disabled or not in a usage plan of this stage",
            )
            .evidence(status)
            .fix_variant("authorizer", &ev.fix_args());
        }
        return Finding::new(FindingCode::ApiKeyInvalid, FROM, if api_key_missing {
                "The method requires an API key and the request sends no x-api-key"
            } else {
                "The method requires an API key; this one is unknown, disabled or not in a usage plan of this stage"
            })
        .evidence(status);
    }
    match route_auth(ev) {
        Some(AuthorizationType::Jwt) => Finding::new(
            FindingCode::JwtScopeMissing,
            FROM,
            "The token is valid but has none of the route's authorization scopes",
        )
        .evidence(status)
        .evidence(format!(
            "route scopes: {}",
            route
                .map(|r| r.authorization_scopes.join(" "))
                .unwrap_or_default()
        ))
        .unverified(),
        Some(AuthorizationType::Custom) => Finding::new(
            FindingCode::AuthorizerDenied,
            FROM,
            "The Lambda authorizer denied the request (isAuthorized: false or a Deny policy)",
        )
        .evidence(status)
        .unverified(),
        Some(AuthorizationType::AwsIam) if !ev.is_signed() && ev.request.is_some() => Finding::new(
            FindingCode::IamNotSigned,
            FROM,
            "The route uses IAM authorization but the request is not signed",
        )
        .evidence(status),
        Some(AuthorizationType::AwsIam) => Finding::new(
            FindingCode::IamAccessDenied,
            FROM,
            "IAM authorization failed for the signing identity",
        )
        .evidence(status)
        .fix_args(&ev.fix_args())
        .unverified(),
        _ => Finding::new(
            FindingCode::AccessDenied,
            FROM,
            "403 Forbidden; the evidence does not narrow the cause",
        )
        .evidence(status),
    }
}

/// The part of a signature-mismatch message that shows the expected canonical request.
fn canonical_part(msg: &str) -> &str {
    msg.find("The Canonical String")
        .map(|i| &msg[i..])
        .unwrap_or(msg)
}
