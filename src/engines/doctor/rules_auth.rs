//! Response-side rules for 401 and 403 (reference §4): JWT reasons from
//! `www-authenticate`, Lambda authorizer identity sources and denies, IAM
//! signatures, API keys and resource policies. The REST `Missing
//! Authentication Token` 403 is a routing question and lives in `rules_route`.

use super::codes;
use super::evidence::Evidence;
use super::fingerprint::{Fingerprint, GatewayBody, body_excerpt, classify};
use super::jwt_eval;
use super::text::{clip, jwt_reason, www_authenticate};
use crate::domain::{Authorizer, Certainty, Finding, HttpResponse, Severity};

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

fn route_auth(ev: &Evidence) -> Option<String> {
    ev.route()
        .and_then(|r| r.authorization_type.clone())
        .map(|t| t.to_ascii_uppercase())
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
                (codes::JWT_MISSING, false)
            }
            None => (codes::JWT_INVALID, false),
        };
        let mut f = Finding::new(
            code,
            Severity::Error,
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
        .fix(jwt_fix(code, ev));
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
    if auth.as_deref() == Some("JWT") {
        let code = if has_token || ev.request.is_none() {
            codes::JWT_INVALID
        } else {
            codes::JWT_MISSING
        };
        out.push(
            Finding::new(
                code,
                Severity::Error,
                FROM,
                "The JWT authorizer rejected the request",
            )
            .evidence(status)
            .fix(jwt_fix(code, ev)),
        );
        return;
    }
    // Lambda / Cognito authorizers: 401 means the identity source was
    // missing (authorizer not invoked) or the authorizer said "Unauthorized".
    let missing = route_authorizer(ev).and_then(|a| missing_identity(ev, a));
    match missing {
        Some(source) => out.push(
            Finding::new(
                codes::AUTHORIZER_IDENTITY_MISSING,
                Severity::Error,
                FROM,
                format!("The request lacks the authorizer's identity source {source}, so the authorizer was not invoked"),
            )
            .evidence(status)
            .evidence(format!("identity source {source} is absent from the request"))
            .fix(format!("Send {source} with a non-empty value.")),
        ),
        None => {
            let mut f = Finding::new(
                codes::AUTHORIZER_UNAUTHORIZED,
                Severity::Error,
                FROM,
                "The authorizer rejected the caller's credentials (or its identity source was empty)",
            )
            .evidence(status)
            .fix("Check the token/credentials the authorizer expects; a Lambda authorizer answers 401 when it throws `Unauthorized`.");
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
        Some(GatewayBody::SignatureMismatch) => Finding::new(
            codes::IAM_SIGNATURE_MISMATCH,
            Severity::Error,
            FROM,
            "The SigV4 signature does not match the one API Gateway computed",
        )
        .evidence(status)
        .evidence(format!("canonical request expected: {}", clip(canonical_part(&msg), 300)))
        .fix("Sign for service `execute-api` in the API's Region, over the exact path (stage included), query string and body you send; don't change Host or headers after signing."),
        Some(GatewayBody::ExpiredCredentials) => Finding::new(
            codes::IAM_EXPIRED_CREDENTIALS,
            Severity::Error,
            FROM,
            "The signature or the session token expired",
        )
        .evidence(status)
        .fix("Refresh the credentials (`aws sso login` / new session) and check the clock (signatures are valid 5 minutes)."),
        Some(GatewayBody::NotAuthorizedToInvoke { anonymous: true }) => Finding::new(
            codes::RESOURCE_POLICY_DENIED,
            Severity::Error,
            FROM,
            "The API's resource policy denies this (anonymous) caller",
        )
        .evidence(status)
        .fix("Review the REST API's resource policy (`aws apigateway get-rest-api --rest-api-id ID --query policy`) and redeploy the stage after changing it."),
        Some(GatewayBody::NotAuthorizedToInvoke { anonymous: false }) => Finding::new(
            codes::IAM_ACCESS_DENIED,
            Severity::Error,
            FROM,
            "The signing identity is not allowed execute-api:Invoke on this route",
        )
        .evidence(status)
        .fix("Grant `execute-api:Invoke` on arn:aws:execute-api:REGION:ACCOUNT:API_ID/STAGE/METHOD/PATH to the identity (and check the resource policy for a Deny)."),
        Some(GatewayBody::AuthorizerDeny { explicit }) => Finding::new(
            codes::AUTHORIZER_DENIED,
            Severity::Error,
            FROM,
            if explicit {
                "The Lambda authorizer returned an explicit Deny"
            } else {
                "The authorizer's policy has no Allow for this method (often a cached policy written for another route)"
            },
        )
        .evidence(status)
        .fix("Return an Allow whose Resource covers this method ARN (use a wildcard like arn:...:API_ID/STAGE/*), or add $context.routeKey to the identity sources / lower the cache TTL."),
        _ => by_route_auth(ev, status),
    };
    out.push(finding);
}

/// `Forbidden` with no more detail: the route's authorization type decides.
fn by_route_auth(ev: &Evidence, status: String) -> Finding {
    let route = ev.route();
    let api_key_missing = route.is_some_and(|r| r.api_key_required)
        && ev
            .request
            .as_ref()
            .is_some_and(|r| r.header("x-api-key").is_none());
    if route.is_some_and(|r| r.api_key_required) && (api_key_missing || ev.is_rest()) {
        return Finding::new(
            codes::API_KEY_INVALID,
            Severity::Error,
            FROM,
            if api_key_missing {
                "The method requires an API key and the request sends no x-api-key"
            } else {
                "The method requires an API key; this one is unknown, disabled or not in a usage plan of this stage"
            },
        )
        .evidence(status)
        .fix("Send `x-api-key: KEY` with a key attached to a usage plan that includes this API stage.");
    }
    match route_auth(ev).as_deref() {
        Some("JWT") => Finding::new(
            codes::JWT_SCOPE_MISSING,
            Severity::Error,
            FROM,
            "The token is valid but has none of the route's authorization scopes",
        )
        .evidence(status)
        .evidence(format!(
            "route scopes: {}",
            route.map(|r| r.authorization_scopes.join(" ")).unwrap_or_default()
        ))
        .fix("Request a token with one of the route's scopes (scope/scp claim), or change the route's authorizationScopes.")
        .unverified(),
        Some("CUSTOM") => Finding::new(
            codes::AUTHORIZER_DENIED,
            Severity::Error,
            FROM,
            "The Lambda authorizer denied the request (isAuthorized: false or a Deny policy)",
        )
        .evidence(status)
        .fix("Check the authorizer's decision for this caller; with caching on, a cached decision may apply to every route.")
        .unverified(),
        Some("AWS_IAM") if !ev.is_signed() && ev.request.is_some() => Finding::new(
            codes::IAM_NOT_SIGNED,
            Severity::Error,
            FROM,
            "The route uses IAM authorization but the request is not signed",
        )
        .evidence(status)
        .fix("Sign the request with SigV4 for service execute-api (`gatescope send --auth sigv4 ...`)."),
        Some("AWS_IAM") => Finding::new(
            codes::IAM_ACCESS_DENIED,
            Severity::Error,
            FROM,
            "IAM authorization failed for the signing identity",
        )
        .evidence(status)
        .fix("Grant execute-api:Invoke on this route's ARN to the identity; check the signature's Region and service (execute-api).")
        .unverified(),
        _ => Finding::new(
            codes::ACCESS_DENIED,
            Severity::Error,
            FROM,
            "403 Forbidden; the evidence does not narrow the cause",
        )
        .evidence(status)
        .fix("Check the route's authorization (authorizer, scopes, IAM), API keys, the resource policy, WAF, and whether the execute-api endpoint is disabled."),
    }
}

/// The part of a signature-mismatch message that shows the expected canonical request.
fn canonical_part(msg: &str) -> &str {
    msg.find("The Canonical String")
        .map(|i| &msg[i..])
        .unwrap_or(msg)
}

pub fn jwt_fix(code: &str, ev: &Evidence) -> String {
    let issuer = ev
        .route()
        .and_then(|r| r.authorizer_id.as_deref())
        .and_then(|id| ev.api.as_ref()?.authorizer(id))
        .and_then(|a| a.jwt_configuration.as_ref())
        .and_then(|j| j.issuer.clone())
        .unwrap_or_else(|| "the configured issuer".into());
    match code {
        c if c == codes::JWT_MISSING => {
            "Send `Authorization: Bearer <token>` (the authorizer's identity source).".into()
        }
        c if c == codes::JWT_EXPIRED => "Get a fresh token (the exp claim is in the past).".into(),
        c if c == codes::JWT_AUDIENCE_MISMATCH => "Add the token's aud (or Cognito client_id) to the authorizer's audience list, or request the token for an existing audience.".into(),
        c if c == codes::JWT_ISSUER_MISMATCH => format!("Make the token's iss equal {issuer} exactly (scheme, host, path, trailing slash)."),
        c if c == codes::JWT_NOT_YET_VALID => "Check the clocks: nbf/iat lie in the future.".into(),
        c if c == codes::JWT_MALFORMED => "Send the raw JWT (three base64url parts), not an opaque or quoted token.".into(),
        _ => format!("Check the token's signature and kid against {issuer}/.well-known/openid-configuration (jwks_uri); only RSA algorithms are supported. `gatescope jwt` decodes it."),
    }
}
