//! Evaluate the request's token against the route's JWT authorizer with
//! `engines::jwt`, so a 401/403 gets its reason even when the response does
//! not say it (reference §4.1).

use super::evidence::Evidence;
use crate::domain::{AuthorizationType, Finding};
use crate::engines::jwt::{self, JwtRule};

/// Adds the evaluator's findings (certainty `Evaluated`) when the route uses
/// a JWT authorizer and "now" is known.
pub fn check(ev: &Evidence, out: &mut Vec<Finding>) {
    let (Some(route), Some(api), Some(now_ms)) = (ev.route(), ev.api.as_ref(), ev.now_ms) else {
        return;
    };
    if !route.authorized_by(&AuthorizationType::Jwt) {
        return;
    }
    let Some(authorizer) = route
        .authorizer_id
        .as_deref()
        .and_then(|id| api.authorizer(id))
    else {
        return;
    };
    let Some(config) = authorizer.jwt_configuration.as_ref() else {
        return;
    };
    let Some(req) = ev.request.as_ref() else {
        return;
    };
    // The identity source names the header (or query parameter) holding the token.
    let source = authorizer
        .identity_source
        .first()
        .map(String::as_str)
        .unwrap_or("$request.header.Authorization");
    let raw = if let Some(h) = source.strip_prefix("$request.header.") {
        req.header(h).map(str::to_string)
    } else if let Some(q) = source.strip_prefix("$request.querystring.") {
        url::Url::parse(&req.url).ok().and_then(|u| {
            u.query_pairs()
                .find(|(k, _)| k == q)
                .map(|(_, v)| v.into_owned())
        })
    } else {
        req.header("authorization").map(str::to_string)
    };
    let rule = JwtRule::from_config(config, &route.authorization_scopes);
    let eval = jwt::evaluate_token(raw.as_deref(), &rule, now_ms.div_euclid(1000), None);
    out.extend(eval.findings);
}
