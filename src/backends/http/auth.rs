//! Applying an [`AuthMode`] to a built request: SigV4 (credentials resolved
//! from the backend's provider), JWT bearer (with pre-send checks that warn,
//! never block), API key.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};

use super::sign::{SigningDebug, sign_request};
use crate::backends::{BackendError, ErrorKind};
use crate::domain::{AuthMode, Authorizer, HttpRequest};
use crate::engines::compose::region_from_url;
use crate::engines::jwt_check;
use crate::engines::redact::Redactor;

/// What the signer needs to know besides the request.
#[derive(Clone, Default)]
pub struct AuthContext<'a> {
    /// `Backend.credentials`.
    pub credentials: Option<&'a SharedCredentialsProvider>,
    /// Region used when neither the auth mode nor the host names one
    /// (`--region`, the profile's region).
    pub fallback_region: Option<&'a str>,
    /// The route's JWT authorizer, for the pre-send checks.
    pub authorizer: Option<&'a Authorizer>,
    /// The route's `authorizationScopes`.
    pub route_scopes: &'a [String],
    /// Signing time; `None` = now.
    pub now: Option<SystemTime>,
}

/// A request ready to send, with what the composer shows around it.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Send this one (signed / with the auth header).
    pub request: HttpRequest,
    /// The request before auth was applied (exports build on this one, so
    /// they never carry a literal signature).
    pub unsigned: HttpRequest,
    /// SigV4 only: canonical request and string-to-sign for the debug pane.
    pub signing: Option<SigningDebug>,
    /// Pre-send checks that failed (JWT expired, wrong audience...): shown,
    /// never blocking.
    pub warnings: Vec<String>,
    /// Knows every secret used for this request (token, key, session
    /// token): use it before persisting anything about the request.
    pub redactor: Redactor,
}

/// Resolve the signing region: the auth mode's, the execute-api host's, then the fallback.
pub(crate) fn signing_region(
    auth_region: Option<&str>,
    url: &str,
    fallback: Option<&str>,
) -> Option<String> {
    auth_region
        .filter(|r| !r.is_empty())
        .map(str::to_string)
        .or_else(|| region_from_url(url))
        .or_else(|| fallback.filter(|r| !r.is_empty()).map(str::to_string))
}

/// Fetch credentials from a provider, as one clear error when there are none.
pub(crate) async fn resolve_credentials(
    provider: Option<&SharedCredentialsProvider>,
) -> Result<Credentials, BackendError> {
    let Some(p) = provider else {
        return Err(no_credentials("no credential source is configured"));
    };
    p.provide_credentials()
        .await
        .map_err(|e| no_credentials(&error_chain(&e)))
}

/// `outer: cause: cause` on one line (the SDK nests the useful part).
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let t = s.to_string();
        if !msg.contains(&t) {
            msg.push_str(": ");
            msg.push_str(&t);
        }
        src = s.source();
    }
    msg.replace('\n', " ")
}

fn no_credentials(why: &str) -> BackendError {
    BackendError::new(ErrorKind::Auth, format!("cannot sign the request: {why}"))
        .with_fix("set AWS_PROFILE / --profile, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
}

/// A body sent as JSON that does not parse is sent anyway (the user may be
/// testing exactly that) but said out loud.
pub(crate) fn body_warnings(headers: &crate::domain::Headers, body: &[u8]) -> Vec<String> {
    let is_json = crate::domain::header(headers, "content-type")
        .is_some_and(|ct| ct.to_ascii_lowercase().contains("json"));
    match crate::engines::compose::json_problem(body) {
        Some(problem) if is_json && !body.is_empty() => vec![format!(
            "the body is sent as JSON but is not valid JSON: {problem}"
        )],
        _ => Vec::new(),
    }
}

/// Apply `auth` to `req`.
pub async fn prepare(
    req: HttpRequest,
    auth: &AuthMode,
    ctx: &AuthContext<'_>,
) -> Result<Prepared, BackendError> {
    let mut redactor = Redactor::for_auth(auth);
    let warnings = body_warnings(&req.headers, &req.body);
    let mut out = Prepared {
        request: req.clone(),
        unsigned: req,
        signing: None,
        warnings,
        redactor: Redactor::new(),
    };
    match auth {
        AuthMode::None => {}
        AuthMode::Sigv4 { region } => {
            let region = signing_region(region.as_deref(), &out.request.url, ctx.fallback_region)
                .ok_or_else(|| {
                BackendError::new(
                    ErrorKind::Config,
                    "cannot sign: no region (the host is not an execute-api host)",
                )
                .with_fix("pass --region, or set AWS_REGION")
            })?;
            let creds = resolve_credentials(ctx.credentials).await?;
            redactor.add_known_secret(creds.secret_access_key());
            redactor.add_known_secret(creds.access_key_id());
            if let Some(t) = creds.session_token() {
                redactor.add_known_secret(t);
            }
            let now = ctx.now.unwrap_or_else(SystemTime::now);
            let (signed, debug) = sign_request(&out.request, &creds, &region, now)
                .map_err(|e| BackendError::new(ErrorKind::Other, e.to_string()))?;
            out.request = signed;
            // The canonical request holds the session token: show it redacted.
            out.signing = Some(SigningDebug {
                canonical_request: redactor.text(&debug.canonical_request),
                ..debug
            });
        }
        AuthMode::Jwt { token } => {
            let token = token.trim();
            let token = token.strip_prefix("Bearer ").unwrap_or(token).trim();
            if let Some((name, value)) = crate::engines::compose::auth_header(auth) {
                set_header(&mut out.request, name, &value);
                let now = ctx.now.unwrap_or_else(SystemTime::now);
                out.warnings.extend(jwt_check::warnings(
                    token,
                    ctx.authorizer,
                    ctx.route_scopes,
                    now,
                ));
            } else {
                out.warnings
                    .push("no JWT given: sending without Authorization".into());
            }
        }
        AuthMode::ApiKey { .. } => match crate::engines::compose::auth_header(auth) {
            Some((name, value)) => set_header(&mut out.request, name, &value),
            None => out
                .warnings
                .push("no API key given: sending without x-api-key".into()),
        },
    }
    out.redactor = redactor;
    Ok(out)
}

/// Replace (not add to) a header.
fn set_header(req: &mut HttpRequest, name: &str, value: &str) {
    req.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
    req.headers.push((name.to_string(), value.to_string()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider(token: Option<&str>) -> SharedCredentialsProvider {
        SharedCredentialsProvider::new(Credentials::new(
            "AKIAABCDEFGHIJKLMNOP",
            "secretsecretsecret",
            token.map(str::to_string),
            None,
            "test",
        ))
    }

    #[tokio::test]
    async fn sigv4_signs_with_the_host_region_and_knows_its_secrets() {
        let p = provider(Some("sessiontoken123"));
        let ctx = AuthContext {
            credentials: Some(&p),
            ..Default::default()
        };
        let req = HttpRequest::new("GET", "https://a1.execute-api.ap-south-1.amazonaws.com/x");
        let out = prepare(req.clone(), &AuthMode::Sigv4 { region: None }, &ctx)
            .await
            .unwrap();
        let dbg = out.signing.as_ref().unwrap();
        assert_eq!(dbg.region, "ap-south-1");
        assert!(dbg.verified);
        assert_eq!(out.unsigned, req);
        assert_eq!(
            out.request.header("x-amz-security-token"),
            Some("sessiontoken123")
        );
        let stored = out.redactor.request(&out.request);
        let text = format!("{stored:?}");
        for secret in ["sessiontoken123", "AKIAABCDEFGHIJKLMNOP", &dbg.signature] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }

    #[tokio::test]
    async fn sigv4_without_region_or_credentials_says_what_to_do() {
        let req = HttpRequest::new("GET", "http://127.0.0.1:1/x");
        let e = prepare(
            req.clone(),
            &AuthMode::Sigv4 { region: None },
            &AuthContext::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config);
        let ctx = AuthContext {
            fallback_region: Some("us-east-1"),
            ..Default::default()
        };
        let e = prepare(req, &AuthMode::Sigv4 { region: None }, &ctx)
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Auth);
        assert!(e.fix.is_some());
    }

    #[tokio::test]
    async fn jwt_and_api_key_set_their_headers_once() {
        let mut req = HttpRequest::new("GET", "http://127.0.0.1:1/x");
        req.headers.push(("Authorization".into(), "old".into()));
        let jwt = AuthMode::Jwt {
            token: "Bearer abc.def.ghi".into(),
        };
        let out = prepare(req.clone(), &jwt, &AuthContext::default())
            .await
            .unwrap();
        assert_eq!(
            out.request.header("authorization"),
            Some("Bearer abc.def.ghi")
        );
        assert_eq!(out.request.headers.len(), 1);
        assert!(!out.warnings.is_empty(), "a non-JWT should warn");
        let key = AuthMode::ApiKey {
            key: " k3y ".into(),
        };
        let out = prepare(req, &key, &AuthContext::default()).await.unwrap();
        assert_eq!(out.request.header("x-api-key"), Some("k3y"));
        assert!(!format!("{:?}", out.redactor.request(&out.request)).contains("k3y"));
    }
}
