//! Scenario table: 401/403 (JWT, Lambda authorizers, IAM, API keys), 404 and
//! REST `Missing Authentication Token` (routing, stage prefix), CORS.

use super::test_support::*;
use crate::domain::*;

const UNAUTHORIZED: &str = r#"{"message":"Unauthorized"}"#;
const FORBIDDEN: &str = r#"{"message":"Forbidden"}"#;
const NOT_FOUND: &str = r#"{"message":"Not Found"}"#;
const MAT: &str = r#"{"message":"Missing Authentication Token"}"#;

fn www(desc: &str) -> String {
    format!(r#"Bearer scope="" error="invalid_token" error_description="{desc}""#)
}

fn r401(desc: Option<&str>) -> HttpResponse {
    let w = desc.map(www);
    let mut h: Vec<(&str, &str)> = vec![("apigw-requestid", "id1=")];
    if let Some(w) = w.as_deref() {
        h.push(("www-authenticate", w));
    }
    resp(401, &h, UNAUTHORIZED)
}

fn bearer(token: &str) -> HttpRequest {
    req(
        "GET",
        "/me",
        &[("Authorization", &format!("Bearer {token}"))],
    )
}

fn claims(edit: impl FnOnce(&mut serde_json::Map<String, serde_json::Value>)) -> String {
    let mut c = good_claims();
    edit(c.as_object_mut().unwrap());
    jwt(c)
}

#[test]
fn jwt_mistakes() {
    let api = || Some(http_api());
    let me = Some("GET /me");
    run(vec![
        scenario(
            "expired token, reason in www-authenticate",
            ev(
                api(),
                me,
                Some(bearer(&claims(|c| {
                    c.insert("exp".into(), (NOW_S - 10).into());
                }))),
                r401(Some("the token has expired")),
            ),
            &["JWT_EXPIRED"],
            &["JWT_INVALID"],
        ),
        scenario(
            "audience mismatch, reason in www-authenticate",
            ev(
                api(),
                me,
                Some(bearer(&claims(|c| {
                    c.insert("aud".into(), "other-client".into());
                }))),
                r401(Some("the token does not have a valid audience")),
            ),
            &["JWT_AUDIENCE_MISMATCH"],
            &[],
        ),
        scenario(
            "issuer typo found by evaluating the token",
            ev(
                api(),
                me,
                Some(bearer(&claims(|c| {
                    c.insert(
                        "iss".into(),
                        "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Pool/".into(),
                    );
                }))),
                r401(Some("something unexpected")),
            ),
            &["JWT_ISSUER_MISMATCH"],
            &["JWT_INVALID"],
        ),
        scenario(
            "missing Authorization header",
            ev(api(), me, Some(req("GET", "/me", &[])), r401(None)),
            &["JWT_MISSING"],
            &["JWT_INVALID", "AUTHORIZER_IDENTITY_MISSING"],
        ),
        scenario(
            "expired token, no www-authenticate, evaluation names it",
            ev(
                api(),
                me,
                Some(bearer(&claims(|c| {
                    c.insert("exp".into(), (NOW_S - 10).into());
                }))),
                r401(None),
            ),
            &["JWT_EXPIRED"],
            &["JWT_INVALID"],
        ),
        scenario(
            "opaque token is not a JWT",
            ev(
                api(),
                me,
                Some(bearer("not-a-jwt")),
                r401(Some("the token is malformed")),
            ),
            &["JWT_MALFORMED"],
            &[],
        ),
        scenario(
            "valid token without the route's scope: 403",
            ev(
                api(),
                Some("GET /admin"),
                Some(req(
                    "GET",
                    "/admin",
                    &[("Authorization", &format!("Bearer {}", jwt(good_claims())))],
                )),
                resp(403, &[("apigw-requestid", "x=")], FORBIDDEN),
            ),
            &["JWT_SCOPE_MISSING"],
            &["ACCESS_DENIED"],
        ),
        scenario(
            "401 with reason but no configuration",
            ev(None, None, None, r401(Some("the token has expired"))),
            &["JWT_EXPIRED"],
            &[],
        ),
    ]);
}

#[test]
fn authorizer_and_iam_failures() {
    let http = || Some(http_api());
    let rest = || Some(rest_api());
    let sig = r#"{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'GET\n/prod/iam\n\nhost:abc\n'\n"}"#;
    run(vec![
        scenario(
            "Lambda authorizer: identity source missing (401, not invoked)",
            ev(
                http(),
                Some("GET /custom"),
                Some(req("GET", "/custom", &[])),
                resp(401, &[], UNAUTHORIZED),
            ),
            &["AUTHORIZER_IDENTITY_MISSING"],
            &["AUTHORIZER_UNAUTHORIZED"],
        ),
        scenario(
            "Lambda authorizer: identity present, still 401",
            ev(
                http(),
                Some("GET /custom"),
                Some(req("GET", "/custom", &[("X-Token", "t")])),
                resp(401, &[], UNAUTHORIZED),
            ),
            &["AUTHORIZER_UNAUTHORIZED"],
            &["AUTHORIZER_IDENTITY_MISSING"],
        ),
        scenario(
            "HTTP Lambda authorizer deny (403 Forbidden)",
            ev(
                http(),
                Some("GET /custom"),
                Some(req("GET", "/custom", &[("X-Token", "t")])),
                resp(403, &[], FORBIDDEN),
            ),
            &["AUTHORIZER_DENIED"],
            &["ACCESS_DENIED"],
        ),
        scenario(
            "REST Lambda authorizer explicit deny",
            ev(
                rest(),
                None,
                None,
                resp(
                    403,
                    &[("x-amzn-ErrorType", "AccessDeniedException")],
                    r#"{"Message":"User is not authorized to access this resource with an explicit deny"}"#,
                ),
            ),
            &["AUTHORIZER_DENIED"],
            &[],
        ),
        scenario(
            "IAM signature mismatch",
            ev(
                rest(),
                Some("GET /iam"),
                Some(req(
                    "GET",
                    "/prod/iam",
                    &[("Authorization", "AWS4-HMAC-SHA256 Credential=x")],
                )),
                resp(
                    403,
                    &[("x-amzn-ErrorType", "InvalidSignatureException")],
                    sig,
                ),
            ),
            &["IAM_SIGNATURE_MISMATCH"],
            &[],
        ),
        scenario(
            "HTTP IAM route, unsigned request",
            ev(
                http(),
                Some("GET /iam"),
                Some(req("GET", "/iam", &[])),
                resp(403, &[], FORBIDDEN),
            ),
            &["IAM_NOT_SIGNED"],
            &["IAM_ACCESS_DENIED"],
        ),
        scenario(
            "HTTP IAM route, signed but denied",
            ev(
                http(),
                Some("GET /iam"),
                Some(req(
                    "GET",
                    "/iam",
                    &[("Authorization", "AWS4-HMAC-SHA256 Credential=x")],
                )),
                resp(403, &[], FORBIDDEN),
            ),
            &["IAM_ACCESS_DENIED"],
            &["IAM_NOT_SIGNED"],
        ),
        scenario(
            "IAM identity not allowed",
            ev(
                rest(),
                Some("GET /iam"),
                None,
                resp(
                    403,
                    &[],
                    r#"{"Message":"User: arn:aws:iam::123456789012:user/bob is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/iam"}"#,
                ),
            ),
            &["IAM_ACCESS_DENIED"],
            &[],
        ),
        scenario(
            "resource policy denies anonymous",
            ev(
                rest(),
                None,
                None,
                resp(
                    403,
                    &[],
                    r#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/items with an explicit deny"}"#,
                ),
            ),
            &["RESOURCE_POLICY_DENIED"],
            &[],
        ),
        scenario(
            "REST API key missing",
            ev(
                rest(),
                Some("GET /keyed"),
                Some(req("GET", "/prod/keyed", &[])),
                resp(
                    403,
                    &[("x-amzn-ErrorType", "ForbiddenException")],
                    FORBIDDEN,
                ),
            ),
            &["API_KEY_INVALID"],
            &["ACCESS_DENIED"],
        ),
        scenario(
            "expired signature",
            ev(
                rest(),
                Some("GET /iam"),
                None,
                resp(
                    403,
                    &[],
                    r#"{"message":"Signature expired: 20260101T000000Z is now earlier than 20260101T000500Z"}"#,
                ),
            ),
            &["IAM_EXPIRED_CREDENTIALS"],
            &[],
        ),
    ]);
}

#[test]
fn routing_misses() {
    let get = |p: &str| Some(req("GET", p, &[]));
    let mut disabled = http_api();
    disabled.disable_execute_api_endpoint = true;
    run(vec![
        scenario(
            "HTTP 404: stage prefix missing (only a named stage exists)",
            ev(
                Some(http_api_named_stage()),
                None,
                get("/items"),
                resp(404, &[], NOT_FOUND),
            ),
            &["NO_ROUTE_MATCHED", "STAGE_PREFIX_MISSING"],
            &["STAGE_PREFIX_UNEXPECTED"],
        ),
        scenario(
            "HTTP 404: stage prefix on a $default-stage API",
            ev(
                Some(http_api()),
                None,
                get("/prod/items"),
                resp(404, &[], NOT_FOUND),
            ),
            &["NO_ROUTE_MATCHED", "STAGE_PREFIX_UNEXPECTED"],
            &["STAGE_PREFIX_MISSING"],
        ),
        scenario(
            "HTTP 404: unknown stage and no $default stage",
            ev(
                Some(http_api_named_stage()),
                None,
                get("/staging/nothing-here"),
                resp(404, &[], NOT_FOUND),
            ),
            &["NO_ROUTE_MATCHED", "STAGE_NOT_FOUND"],
            &["STAGE_PREFIX_MISSING"],
        ),
        scenario(
            "HTTP 404: typo, nearest routes",
            ev(
                Some(http_api()),
                None,
                get("/itemz"),
                resp(404, &[], NOT_FOUND),
            ),
            &["NO_ROUTE_MATCHED"],
            &["STAGE_PREFIX_MISSING", "STAGE_PREFIX_UNEXPECTED"],
        ),
        scenario(
            "HTTP 404: method not routed",
            ev(
                Some(http_api()),
                None,
                Some(req("DELETE", "/items", &[])),
                resp(404, &[], NOT_FOUND),
            ),
            &["NO_ROUTE_MATCHED", "ROUTE_METHOD_MISMATCH"],
            &[],
        ),
        scenario(
            "REST Missing Authentication Token: no such resource",
            ev(
                Some(rest_api()),
                None,
                get("/prod/itemz"),
                resp(
                    403,
                    &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
                    MAT,
                ),
            ),
            &["REST_NO_SUCH_RESOURCE"],
            &["IAM_NOT_SIGNED", "ACCESS_DENIED"],
        ),
        scenario(
            "REST Missing Authentication Token: stage segment forgotten",
            ev(
                Some(rest_api()),
                None,
                get("/items"),
                resp(
                    403,
                    &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
                    MAT,
                ),
            ),
            &["REST_NO_SUCH_RESOURCE", "STAGE_PREFIX_MISSING"],
            &[],
        ),
        scenario(
            "REST Missing Authentication Token: unsigned call to an IAM method",
            ev(
                Some(rest_api()),
                None,
                get("/prod/iam"),
                resp(
                    403,
                    &[("x-amzn-ErrorType", "MissingAuthenticationTokenException")],
                    MAT,
                ),
            ),
            &["IAM_NOT_SIGNED"],
            &["REST_NO_SUCH_RESOURCE"],
        ),
        scenario(
            "REST Missing Authentication Token without configuration",
            ev(None, None, None, resp(403, &[], MAT)),
            &["REST_NO_SUCH_RESOURCE"],
            &[],
        ),
        scenario(
            "default endpoint disabled",
            ev(
                Some(disabled),
                None,
                get("/items"),
                resp(404, &[], NOT_FOUND),
            ),
            &["EXECUTE_API_ENDPOINT_DISABLED"],
            &["NO_ROUTE_MATCHED"],
        ),
    ]);
}

#[test]
fn cors_mistakes() {
    let origin = "https://app.example.com";
    let mut with_cors = http_api();
    with_cors.cors = Some(Cors {
        allow_origins: vec!["https://other.example.com".into()],
        allow_methods: vec!["GET".into()],
        allow_headers: vec!["content-type".into()],
        ..Default::default()
    });
    let preflight = req(
        "OPTIONS",
        "/items",
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "PUT"),
            ("Access-Control-Request-Headers", "authorization"),
        ],
    );
    run(vec![
        scenario(
            "gateway 401 without CORS headers hides the real error",
            ev(
                Some(http_api()),
                Some("GET /me"),
                Some(req("GET", "/me", &[("Origin", origin)])),
                r401(None),
            ),
            &["CORS_MISSING_ON_ERROR", "JWT_MISSING"],
            &[],
        ),
        scenario(
            "HTTP API without CORS configuration",
            ev(
                Some(http_api()),
                Some("GET /items"),
                Some(req("GET", "/items", &[("Origin", origin)])),
                resp(200, &[], "[]"),
            ),
            &["CORS_NOT_CONFIGURED"],
            &[],
        ),
        scenario(
            "REST proxy function forgot Access-Control-Allow-Origin",
            ev(
                Some(rest_api()),
                Some("GET /items"),
                Some(req("GET", "/prod/items", &[("Origin", origin)])),
                resp(200, &[], "[]"),
            ),
            &["CORS_PROXY_HEADERS_MISSING"],
            &[],
        ),
        scenario(
            "allow-origin names another origin",
            ev(
                Some(with_cors.clone()),
                Some("GET /items"),
                Some(req("GET", "/items", &[("Origin", origin)])),
                resp(
                    200,
                    &[("access-control-allow-origin", "https://other.example.com")],
                    "[]",
                ),
            ),
            &["CORS_ORIGIN_MISMATCH"],
            &[],
        ),
        scenario(
            "wildcard origin with credentials",
            ev(
                Some(with_cors.clone()),
                Some("GET /items"),
                Some(req(
                    "GET",
                    "/items",
                    &[("Origin", origin), ("Cookie", "s=1")],
                )),
                resp(200, &[("access-control-allow-origin", "*")], "[]"),
            ),
            &["CORS_CREDENTIALS_WITH_WILDCARD"],
            &[],
        ),
        scenario(
            "preflight: method and header not allowed",
            ev(
                Some(with_cors),
                None,
                Some(preflight),
                resp(
                    204,
                    &[
                        ("access-control-allow-origin", origin),
                        ("access-control-allow-methods", "GET"),
                        ("access-control-allow-headers", "content-type"),
                    ],
                    "",
                ),
            ),
            &["CORS_METHOD_NOT_ALLOWED", "CORS_HEADER_NOT_ALLOWED"],
            &[],
        ),
        scenario(
            "no Origin: CORS not judged",
            ev(
                Some(http_api()),
                Some("GET /items"),
                Some(req("GET", "/items", &[])),
                resp(200, &[], "[]"),
            ),
            &[],
            &["CORS_NOT_CONFIGURED", "CORS_MISSING_ON_ERROR"],
        ),
    ]);
}
