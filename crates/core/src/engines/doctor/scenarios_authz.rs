//! Doctor scenarios for Lambda authorizer answers, the cache pitfall and
//! REST resource policies (issue 18 items 1 and 3).

use serde_json::json;

use super::{AuthorizerAnswerSeen, Evidence, diagnose};
use crate::domain::{
    Api, Authorizer, Certainty, FindingCode, HttpRequest, HttpResponse, Protocol, Route, Stage,
};

const HOST: &str = "https://a1b2c3.execute-api.eu-west-1.amazonaws.com";
const PETS_ARN: &str = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets";

fn api(policy: Option<serde_json::Value>, auth: &str) -> Api {
    let route = |k: &str| Route {
        route_key: k.into(),
        authorization_type: Some(auth.into()),
        authorizer_id: (auth == "CUSTOM").then(|| "au1".into()),
        ..Default::default()
    };
    let mut api = Api {
        id: "a1b2c3".into(),
        name: "shop".into(),
        protocol: Some(Protocol::Rest),
        resource_policy: policy,
        routes: vec![route("GET /pets"), route("GET /owners")],
        authorizers: vec![Authorizer {
            id: "au1".into(),
            name: "users".into(),
            authorizer_type: "TOKEN".into(),
            identity_source: vec!["method.request.header.Authorization".into()],
            result_ttl_in_seconds: Some(300),
            ..Default::default()
        }],
        stages: vec![Stage {
            stage_name: "prod".into(),
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    };
    api.fill_lambda_authorizers();
    api
}

fn evidence(api: Api, path: &str, status: u16, body: &str) -> Evidence {
    Evidence {
        api: Some(api),
        stage: Some("prod".into()),
        route_key: Some(format!("GET {path}")),
        request: Some(HttpRequest::new("GET", format!("{HOST}/prod{path}"))),
        response: Some(HttpResponse {
            status,
            headers: vec![("x-amzn-ErrorType".into(), "AccessDeniedException".into())],
            body: body.as_bytes().to_vec(),
            ..Default::default()
        }),
        ..Default::default()
    }
}

fn ip_policy() -> serde_json::Value {
    // As GetRestApi returns it: text with escaped quotes.
    json!(
        r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3\/*\"},{\"Sid\":\"DenyOffice\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3\/*\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0\/24\"}}}]}"#
    )
}

const EXPLICIT: &str = r#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets with an explicit deny"}"#;

#[test]
fn resource_policy_deny_names_the_statement_when_the_ip_is_known() {
    let mut ev = evidence(api(Some(ip_policy()), "NONE"), "/pets", 403, EXPLICIT);
    ev.source_ip = Some("203.0.113.40".into());
    let f = diagnose(&ev);
    let rp = f
        .iter()
        .find(|f| f.code == FindingCode::ResourcePolicyDenied)
        .expect("finding");
    assert_eq!(rp.certainty, Certainty::Evaluated);
    assert!(rp.title.contains("DenyOffice"), "{}", rp.title);
    assert!(
        rp.evidence.iter().any(|e| e.contains("203.0.113.0/24")),
        "{:?}",
        rp.evidence
    );
    let fix = rp.fix.as_deref().unwrap();
    assert!(
        fix.contains(r#"statement 2 (Sid "DenyOffice")"#) && fix.contains("a1b2c3"),
        "{fix}"
    );
}

#[test]
fn resource_policy_deny_without_the_ip_names_the_only_deny_that_covers_the_arn() {
    let ev = evidence(api(Some(ip_policy()), "NONE"), "/pets", 403, EXPLICIT);
    let f = diagnose(&ev);
    let rp = f
        .iter()
        .find(|f| f.code == FindingCode::ResourcePolicyDenied)
        .expect("finding");
    assert_eq!(rp.certainty, Certainty::FromResponse);
    assert!(
        rp.evidence.iter().any(|e| e.contains("DenyOffice")),
        "{:?}",
        rp.evidence
    );
    assert!(rp.fix.as_deref().unwrap().contains("DenyOffice"));
    // What could not be evaluated is said, not guessed.
    let ne = f
        .iter()
        .find(|f| f.code == FindingCode::PolicyNotEvaluated)
        .expect("not evaluated");
    assert!(ne.evidence[0].contains("IP address"), "{:?}", ne.evidence);
}

#[test]
fn implicit_authorizer_deny_on_a_shared_cache_points_at_the_cache() {
    let ev = evidence(
        api(None, "CUSTOM"),
        "/owners",
        403,
        r#"{"message":"User is not authorized to access this resource"}"#,
    );
    let f = diagnose(&ev);
    let c = f
        .iter()
        .find(|f| f.code == FindingCode::AuthorizerCachedPolicyTooNarrow)
        .expect("cache finding");
    assert_eq!(c.certainty, Certainty::FromResponse);
    assert!(c.unverified);
    assert!(
        c.evidence.iter().any(|e| e.contains("TTL 300 s")),
        "{:?}",
        c.evidence
    );
    assert!(f.iter().any(|f| f.code == FindingCode::AuthorizerDenied));
    // TTL 0: no cache, no such finding.
    let mut a = api(None, "CUSTOM");
    a.authorizers[0].result_ttl_in_seconds = Some(0);
    let ev = evidence(
        a,
        "/owners",
        403,
        r#"{"message":"User is not authorized to access this resource"}"#,
    );
    assert!(
        !diagnose(&ev)
            .iter()
            .any(|f| f.code == FindingCode::AuthorizerCachedPolicyTooNarrow)
    );
}

#[test]
fn an_invoked_answer_is_evaluated_deny_and_cache_pitfall() {
    let narrow = json!({"principalId": "alice", "policyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": PETS_ARN}]}, "context": {"tier": "gold", "roles": ["a"]}});
    let mut ev = evidence(api(None, "CUSTOM"), "/pets", 200, "{}");
    ev.response = None;
    ev.authorizer_answer = Some(AuthorizerAnswerSeen {
        method_arn: PETS_ARN.into(),
        answer: narrow,
        function_error: None,
    });
    let f = diagnose(&ev);
    let c = f
        .iter()
        .find(|f| f.code == FindingCode::AuthorizerCachedPolicyTooNarrow)
        .expect("cache");
    assert_eq!(c.certainty, Certainty::Evaluated);
    assert!(c.title.contains("GET /owners"), "{}", c.title);
    assert!(
        c.fix.as_deref().unwrap().contains("a1b2c3/prod/*"),
        "{:?}",
        c.fix
    );
    let ctx = f
        .iter()
        .find(|f| f.code == FindingCode::AuthorizerContextNotPassed)
        .expect("context");
    assert!(ctx.evidence[0].contains("roles"), "{:?}", ctx.evidence);

    let deny = json!({"principalId": "bob", "policyDocument": {"Statement": [{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": PETS_ARN}]}});
    ev.authorizer_answer = Some(AuthorizerAnswerSeen {
        method_arn: PETS_ARN.into(),
        answer: deny,
        function_error: None,
    });
    let f = diagnose(&ev);
    let d = f
        .iter()
        .find(|f| f.code == FindingCode::AuthorizerDenied)
        .expect("deny");
    assert_eq!(d.certainty, Certainty::Evaluated);
    assert!(
        d.evidence.iter().any(|e| e.contains("explicit deny")),
        "{:?}",
        d.evidence
    );
    // An explicit Deny is a decision about the caller: not "widen the Allow".
    assert_eq!(
        d.fix.as_deref(),
        FindingCode::AuthorizerDenied.fix_template(None)
    );
    assert!(
        !f.iter()
            .any(|f| f.code == FindingCode::AuthorizerCachedPolicyTooNarrow)
    );
}

#[test]
fn an_invoked_function_that_failed_is_an_authorizer_failure_not_a_bad_answer() {
    let mut ev = evidence(api(None, "CUSTOM"), "/pets", 200, "{}");
    ev.response = None;
    ev.authorizer_answer = Some(AuthorizerAnswerSeen {
        method_arn: PETS_ARN.into(),
        answer: json!({"errorType": "TypeError", "errorMessage": "token.split is not a function"}),
        function_error: Some("Unhandled".into()),
    });
    let f = diagnose(&ev);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].code, FindingCode::AuthorizerFailure);
    assert!(f[0].title.contains("failed (Unhandled)"), "{}", f[0].title);
    assert!(
        f[0].evidence[0].contains("token.split is not a function"),
        "{:?}",
        f[0].evidence
    );
}

#[test]
fn an_invoked_function_that_threw_unauthorized_is_the_401_convention() {
    let mut ev = evidence(api(None, "CUSTOM"), "/pets", 200, "{}");
    ev.response = None;
    ev.authorizer_answer = Some(AuthorizerAnswerSeen {
        method_arn: PETS_ARN.into(),
        answer: json!({"errorType": "Error", "errorMessage": "Unauthorized"}),
        function_error: Some("Unhandled".into()),
    });
    let f = diagnose(&ev);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].code, FindingCode::AuthorizerUnauthorized);
    assert!(f[0].title.contains("401"), "{}", f[0].title);
}

#[test]
fn from_the_response_an_explicit_deny_asks_to_check_the_decision_a_missing_allow_to_widen_it() {
    let fix_of = |body: &str| {
        let ev = evidence(api(None, "CUSTOM"), "/pets", 403, body);
        diagnose(&ev)
            .into_iter()
            .find(|f| f.code == FindingCode::AuthorizerDenied)
            .and_then(|f| f.fix)
            .expect("AUTHORIZER_DENIED with a fix")
    };
    let explicit = fix_of(
        r#"{"Message":"User is not authorized to access this resource with an explicit deny"}"#,
    );
    assert_eq!(
        Some(explicit.as_str()),
        FindingCode::AuthorizerDenied.fix_template(None)
    );
    let no_allow = fix_of(r#"{"Message":"User is not authorized to access this resource"}"#);
    assert!(no_allow.starts_with("Return an Allow"), "{no_allow}");
    assert!(no_allow.contains("context.resourcePath"), "{no_allow}");
}
