//! Table tests: IAM policy evaluation against method ARNs (wildcards in every
//! position, explicit deny wins, NotResource, NotAction), conditions,
//! authorizer answers, identity sources and the cache pitfall.

use serde_json::{Value, json};

use super::answer::{self, Outcome};
use super::arn::{MethodArn, wildcard_match};
use super::cache::narrow_cache;
use super::condition::CallFacts;
use super::event::{AuthorizerCall, build};
use super::policy::{Caller, Decision, INVOKE, PolicyDocument};
use super::resource_policy::{PolicyVerdict, check};
use crate::domain::{Api, Authorizer, LambdaAuthorizerKind, Protocol, Route};
use crate::engines::event_build::EventInput;

const ARN: &str = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets/7";

fn arn() -> MethodArn {
    MethodArn::parse(ARN).unwrap()
}

fn allow(resource: Value) -> PolicyDocument {
    PolicyDocument::from_value(&json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": resource}
    ]}))
    .unwrap()
}

fn decide(doc: &PolicyDocument) -> Decision {
    doc.evaluate(INVOKE, &arn(), &CallFacts::default())
}

#[test]
fn arn_round_trips_and_keeps_the_root_path_empty() {
    assert_eq!(arn().to_string(), ARN);
    assert_eq!(arn().path, "pets/7");
    let root = MethodArn::new("us-east-1", "1", "api", "test", "get", "/");
    assert_eq!(
        root.to_string(),
        "arn:aws:execute-api:us-east-1:1:api/test/GET/"
    );
    assert_eq!(
        MethodArn::parse("arn:aws:lambda:us-east-1:1:function:f"),
        None
    );
}

#[test]
fn wildcards_match_in_every_arn_position() {
    let table: &[(&str, bool)] = &[
        (ARN, true),
        (
            "arn:aws:execute-api:*:123456789012:a1b2c3/prod/GET/pets/7",
            true,
        ),
        (
            "arn:aws:execute-api:eu-west-1:*:a1b2c3/prod/GET/pets/7",
            true,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:*/prod/GET/pets/7",
            true,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/*/GET/pets/7",
            true,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/*/pets/7",
            true,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/*",
            true,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets/?",
            true,
        ),
        ("arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/*", true),
        ("*", true),
        ("execute-api:/prod/GET/pets/*", true),
        ("execute-api:/*", true),
        (
            "arn:aws-cn:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets/7",
            true,
        ),
        // misses
        (
            "arn:aws:execute-api:us-east-1:123456789012:a1b2c3/prod/GET/pets/7",
            false,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/pets/7",
            false,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/POST/pets/7",
            false,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets",
            false,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/get/pets/7",
            false,
        ),
        (
            "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets/??",
            false,
        ),
        ("execute-api:/dev/*", false),
    ];
    for (pattern, want) in table {
        assert_eq!(
            decide(&allow(json!(pattern))).is_allow(),
            *want,
            "{pattern}"
        );
    }
}

#[test]
fn wildcard_match_has_no_pathological_backtracking() {
    let text = "a".repeat(5000);
    let pattern = format!("{}b", "*a".repeat(200));
    assert!(!wildcard_match(&pattern, &text));
    assert!(wildcard_match("*", ""));
    assert!(!wildcard_match("?", ""));
}

#[test]
fn explicit_deny_wins_over_any_allow_in_any_order() {
    for order in [0, 1] {
        let mut st = vec![
            json!({"Effect": "Allow", "Action": "execute-api:*", "Resource": "*"}),
            json!({"Sid": "NoPets", "Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:*:*:*/*/*/pets/*"}),
        ];
        if order == 1 {
            st.reverse();
        }
        let doc = PolicyDocument::from_value(&json!({"Statement": st})).unwrap();
        match decide(&doc) {
            Decision::ExplicitDeny { by } => {
                assert_eq!(by.sid.as_deref(), Some("NoPets"));
                assert!(by.label().contains("NoPets"), "{}", by.label());
            }
            d => panic!("{d:?}"),
        }
    }
}

#[test]
fn not_resource_and_not_action_invert_the_match() {
    let doc = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "NotResource": "arn:aws:execute-api:*:*:*/prod/DELETE/*"}
    ]}))
    .unwrap();
    assert!(decide(&doc).is_allow());
    let doc = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Allow", "Action": "execute-api:Invoke", "NotResource": ["arn:aws:execute-api:*:*:*/prod/GET/pets/*"]}
    ]}))
    .unwrap();
    assert_eq!(decide(&doc), Decision::ImplicitDeny);
    let doc = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Deny", "NotAction": "execute-api:ManageConnections", "Resource": "*"}
    ]}))
    .unwrap();
    assert!(matches!(decide(&doc), Decision::ExplicitDeny { .. }));
}

#[test]
fn actions_match_case_insensitively_and_other_actions_do_not() {
    assert!(decide(&PolicyDocument::from_value(&json!({"Statement": {"Effect": "Allow", "Action": "EXECUTE-API:invoke", "Resource": "*"}})).unwrap()).is_allow());
    assert_eq!(
        decide(&PolicyDocument::from_value(&json!({"Statement": {"Effect": "Allow", "Action": "execute-api:ManageConnections", "Resource": "*"}})).unwrap()),
        Decision::ImplicitDeny
    );
}

#[test]
fn malformed_policies_are_errors_not_guesses() {
    for bad in [
        json!([]),
        json!({"Version": "2012-10-17"}),
        json!({"Statement": [{"Effect": "Maybe", "Action": "x", "Resource": "*"}]}),
        json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
        json!({"Statement": [{"Effect": "Allow", "Action": "x"}]}),
        json!({"Statement": [{"Effect": "Allow", "Action": 3, "Resource": "*"}]}),
    ] {
        assert!(PolicyDocument::from_value(&bad).is_err(), "{bad}");
    }
}

#[test]
fn escaped_policy_text_from_get_rest_api_parses() {
    let text = r#"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"arn:aws:execute-api:eu-west-1:123456789012:a1b2c3\/*\"}]}"#;
    let doc = PolicyDocument::parse_text(text).unwrap();
    assert!(decide(&doc).is_allow());
    assert!(PolicyDocument::parse_text("not json").is_err());
}

fn ip_policy() -> PolicyDocument {
    PolicyDocument::from_value(&json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Sid": "DenyOffice", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]}}}
    ]}))
    .unwrap()
}

fn from_ip(ip: &str) -> CallFacts {
    CallFacts {
        source_ip: Some(ip.parse().unwrap()),
        ..Default::default()
    }
}

#[test]
fn source_ip_conditions_use_cidrs_and_single_addresses() {
    let doc = ip_policy();
    let table: &[(&str, bool)] = &[
        ("203.0.113.9", false),
        ("203.0.114.9", true),
        ("2001:db8::1", false),
        ("2001:db9::1", true),
    ];
    for (ip, allowed) in table {
        let d = doc.evaluate(INVOKE, &arn(), &from_ip(ip));
        assert_eq!(d.is_allow(), *allowed, "{ip}: {d:?}");
    }
    let not_ip = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": "198.51.100.7"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}
    ]}))
    .unwrap();
    assert!(
        not_ip
            .evaluate(INVOKE, &arn(), &from_ip("198.51.100.7"))
            .is_allow()
    );
    assert!(
        !not_ip
            .evaluate(INVOKE, &arn(), &from_ip("198.51.100.8"))
            .is_allow()
    );
}

#[test]
fn unknown_ip_or_condition_is_cannot_evaluate_never_a_guess() {
    let d = ip_policy().evaluate(INVOKE, &arn(), &CallFacts::default());
    assert!(
        matches!(&d, Decision::CannotEvaluate { reason, .. } if reason.contains("IP")),
        "{d:?}"
    );
    let odd = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
         "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}}
    ]}))
    .unwrap();
    match odd.evaluate(INVOKE, &arn(), &from_ip("1.2.3.4")) {
        Decision::CannotEvaluate { reason, .. } => {
            assert!(reason.contains("DateGreaterThan"), "{reason}")
        }
        d => panic!("{d:?}"),
    }
    // An unknown Allow does not matter when another statement allows.
    let both = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "*"}
    ]}))
    .unwrap();
    assert!(
        both.evaluate(INVOKE, &arn(), &from_ip("1.2.3.4"))
            .is_allow()
    );
}

#[test]
fn source_vpce_conditions() {
    let doc = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-0abc"}}}
    ]}))
    .unwrap();
    let via = |vpce: Option<&str>| CallFacts {
        source_vpce: vpce.map(str::to_string),
        vpc_keys_known: true,
        ..Default::default()
    };
    assert!(
        doc.evaluate(INVOKE, &arn(), &via(Some("vpce-0abc")))
            .is_allow()
    );
    assert!(matches!(
        doc.evaluate(INVOKE, &arn(), &via(Some("vpce-other"))),
        Decision::ExplicitDeny { .. }
    ));
    // From the internet the key is absent: StringNotEquals holds, so Deny.
    assert!(matches!(
        doc.evaluate(INVOKE, &arn(), &via(None)),
        Decision::ExplicitDeny { .. }
    ));
    // Not knowing how the call arrives: cannot evaluate.
    assert!(matches!(
        doc.evaluate(INVOKE, &arn(), &CallFacts::default()),
        Decision::CannotEvaluate { .. }
    ));
}

#[test]
fn named_principals_match_only_signed_callers() {
    let doc = PolicyDocument::from_value(&json!({"Statement": [
        {"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:user/ci"]},
         "Action": "execute-api:Invoke", "Resource": "*"}
    ]}))
    .unwrap();
    let iam = |arn: Option<&str>, account: Option<&str>| CallFacts {
        caller: Caller::Iam {
            arn: arn.map(str::to_string),
            account: account.map(str::to_string),
        },
        ..Default::default()
    };
    assert_eq!(
        doc.evaluate(INVOKE, &arn(), &CallFacts::default()),
        Decision::ImplicitDeny
    );
    assert!(
        doc.evaluate(
            INVOKE,
            &arn(),
            &iam(
                Some("arn:aws:iam::111122223333:user/x"),
                Some("111122223333")
            )
        )
        .is_allow()
    );
    assert!(
        doc.evaluate(
            INVOKE,
            &arn(),
            &iam(
                Some("arn:aws:iam::444455556666:user/ci"),
                Some("444455556666")
            )
        )
        .is_allow()
    );
    assert_eq!(
        doc.evaluate(
            INVOKE,
            &arn(),
            &iam(
                Some("arn:aws:iam::444455556666:user/x"),
                Some("444455556666")
            )
        ),
        Decision::ImplicitDeny
    );
    assert!(matches!(
        doc.evaluate(INVOKE, &arn(), &iam(None, None)),
        Decision::CannotEvaluate { .. }
    ));
}

#[test]
fn resource_policy_verdict_depends_on_the_method_authorization() {
    let deny_ip = ip_policy();
    match check(&deny_ip, &arn(), &from_ip("203.0.113.5"), Some("NONE")).verdict {
        PolicyVerdict::Denied {
            explicit: true,
            body,
        } => {
            assert!(body.contains("User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/pets/7 with an explicit deny"), "{body}");
        }
        v => panic!("{v:?}"),
    }
    let only_other = allow(json!("execute-api:/prod/POST/*"));
    assert!(matches!(
        check(&only_other, &arn(), &from_ip("1.1.1.1"), Some("NONE")).verdict,
        PolicyVerdict::Denied {
            explicit: false,
            ..
        }
    ));
    assert!(matches!(
        check(&only_other, &arn(), &from_ip("1.1.1.1"), Some("AWS_IAM")).verdict,
        PolicyVerdict::DependsOn(_)
    ));
    assert!(matches!(
        check(&only_other, &arn(), &from_ip("1.1.1.1"), Some("CUSTOM")).verdict,
        PolicyVerdict::DependsOn(_)
    ));
    assert_eq!(
        check(&deny_ip, &arn(), &from_ip("8.8.8.8"), None).verdict,
        PolicyVerdict::Passes
    );
}

#[test]
fn simple_responses_and_policy_answers() {
    let v2 = LambdaAuthorizerKind::HttpV2;
    let call = CallFacts::default();
    let yes = answer::evaluate(
        v2,
        true,
        &json!({"isAuthorized": true, "context": {"user": "alice", "n": 3, "ok": true, "tags": ["a"], "o": {}}}),
        &arn(),
        &call,
    );
    assert_eq!(yes.outcome, Outcome::Allow);
    assert_eq!(
        yes.context,
        json!({"user": "alice", "n": 3, "ok": true})
            .as_object()
            .unwrap()
            .clone()
    );
    let dropped: Vec<&str> = yes
        .dropped_context
        .iter()
        .map(|(k, _)| k.as_str())
        .collect();
    assert_eq!(dropped, ["tags", "o"]);
    let no = answer::evaluate(v2, true, &json!({"isAuthorized": false}), &arn(), &call);
    assert_eq!(
        (no.outcome, no.status),
        (Outcome::Deny { explicit: false }, Some(403))
    );
    let bad = answer::evaluate(v2, true, &json!({"isAuthorized": "yes"}), &arn(), &call);
    assert!(
        matches!(bad.outcome, Outcome::Malformed(ref m) if m.contains("boolean")),
        "{bad:?}"
    );
    assert_eq!(bad.status, Some(500));

    let rest = LambdaAuthorizerKind::RestToken;
    let deny = json!({"principalId": "bob", "policyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": ARN}]}});
    let v = answer::evaluate(rest, false, &deny, &arn(), &call);
    assert_eq!(v.outcome, Outcome::Deny { explicit: true });
    assert_eq!(
        v.body.as_deref(),
        Some(
            r#"{"message":"User is not authorized to access this resource with an explicit deny"}"#
        )
    );
    assert_eq!(v.principal_id.as_deref(), Some("bob"));
    let elsewhere = json!({"principalId": "ann", "policyDocument": {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/GET/owners"}]}});
    let v = answer::evaluate(rest, false, &elsewhere, &arn(), &call);
    assert_eq!(v.outcome, Outcome::Deny { explicit: false });
    assert_eq!(
        v.body.as_deref(),
        Some(r#"{"message":"User is not authorized to access this resource"}"#)
    );
    let none = answer::evaluate(rest, false, &json!({"principalId": "x"}), &arn(), &call);
    assert!(matches!(none.outcome, Outcome::Malformed(ref m) if m.contains("policyDocument")));
    let not_obj = answer::evaluate(rest, false, &json!("Allow"), &arn(), &call);
    assert!(matches!(not_obj.outcome, Outcome::Malformed(_)));
}

#[test]
fn an_allowed_answer_fills_the_integration_event_authorizer_block() {
    use crate::engines::event_build::{AuthorizerData, build_event};
    let answer = json!({"principalId": "alice", "policyDocument": {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}, "context": {"tier": "gold", "n": 2, "nested": {"a": 1}}});
    let v = answer::evaluate(
        LambdaAuthorizerKind::RestRequest,
        false,
        &answer,
        &arn(),
        &CallFacts::default(),
    );
    let mut input = rest_input();
    input.authorizer = v.authorizer_data();
    let ev = build_event(&input);
    let a = &ev["requestContext"]["authorizer"];
    assert_eq!(a["principalId"], "alice");
    assert_eq!(a["tier"], "gold");
    assert_eq!(a["n"], 2);
    assert!(a.get("nested").is_none(), "{a}");
    // HTTP 2.0: under `lambda`.
    let mut input = http_input();
    input.authorizer = AuthorizerData::Lambda {
        principal_id: None,
        context: v.context.clone(),
    };
    let ev = build_event(&input);
    assert_eq!(ev["requestContext"]["authorizer"]["lambda"]["tier"], "gold");
}

fn rest_input() -> EventInput {
    let mut i = EventInput::from_url(
        crate::domain::ApiType::Rest,
        crate::domain::PayloadFormat::V1,
        "GET",
        "https://a1b2c3.execute-api.eu-west-1.amazonaws.com/prod/pets/7?x=1",
        crate::engines::event_build::Seed {
            now_ms: 1_700_000_000_000,
            random: [7; 48],
        },
    );
    i.stage = "prod".into();
    i.route_key = "GET /pets/{id}".into();
    i.path_parameters = vec![("id".into(), "7".into())];
    i.account_id = "123456789012".into();
    i.headers = vec![("Authorization".into(), "Bearer allow-alice".into())];
    i
}

fn http_input() -> EventInput {
    let mut i = rest_input();
    i.api_type = crate::domain::ApiType::Http;
    i.payload = crate::domain::PayloadFormat::V2;
    i
}

#[test]
fn token_event_carries_the_header_and_method_arn() {
    match build(
        LambdaAuthorizerKind::RestToken,
        &[],
        &rest_input(),
        "eu-west-1",
    ) {
        AuthorizerCall::Invoke {
            event, method_arn, ..
        } => {
            assert_eq!(
                event,
                json!({"type": "TOKEN", "authorizationToken": "Bearer allow-alice", "methodArn": ARN})
            );
            assert_eq!(method_arn, arn());
        }
        c => panic!("{c:?}"),
    }
}

#[test]
fn a_missing_or_empty_identity_source_means_no_invocation() {
    let mut i = rest_input();
    i.headers.clear();
    assert_eq!(
        build(LambdaAuthorizerKind::RestToken, &[], &i, "eu-west-1"),
        AuthorizerCall::NotInvoked {
            missing: "method.request.header.Authorization".into()
        }
    );
    i.headers = vec![("authorization".into(), "  ".into())];
    assert!(matches!(
        build(
            LambdaAuthorizerKind::HttpV2,
            &["$request.header.Authorization".into()],
            &i,
            "eu-west-1"
        ),
        AuthorizerCall::NotInvoked { .. }
    ));
    // Query names are case-sensitive.
    let mut i = http_input();
    assert!(matches!(
        build(
            LambdaAuthorizerKind::HttpV2,
            &["$request.querystring.X".into()],
            &i,
            "eu-west-1"
        ),
        AuthorizerCall::NotInvoked { .. }
    ));
    i.query = "X=1".into();
    assert!(matches!(
        build(
            LambdaAuthorizerKind::HttpV2,
            &["$request.querystring.X".into()],
            &i,
            "eu-west-1"
        ),
        AuthorizerCall::Invoke { .. }
    ));
}

#[test]
fn http_events_join_or_list_the_identity_values() {
    let mut i = http_input();
    i.headers.push(("X-Tenant".into(), "t1".into()));
    let srcs = vec![
        "$request.header.Authorization".to_string(),
        "$request.header.x-tenant".to_string(),
        "$context.routeKey".to_string(),
    ];
    let AuthorizerCall::Invoke { event, .. } =
        build(LambdaAuthorizerKind::HttpV1, &srcs, &i, "eu-west-1")
    else {
        panic!()
    };
    assert_eq!(
        event["identitySource"],
        "Bearer allow-alice,t1,GET /pets/{id}"
    );
    assert_eq!(event["authorizationToken"], event["identitySource"]);
    assert_eq!(event["methodArn"], ARN);
    let AuthorizerCall::Invoke { event, .. } =
        build(LambdaAuthorizerKind::HttpV2, &srcs, &i, "eu-west-1")
    else {
        panic!()
    };
    assert_eq!(
        event["identitySource"],
        json!(["Bearer allow-alice", "t1", "GET /pets/{id}"])
    );
    assert_eq!(event["routeArn"], ARN);
    assert!(event.get("body").is_none());
    assert!(event["requestContext"].get("authorizer").is_none());
}

fn api_with_cache(ttl: i32, sources: &[&str]) -> (Api, Authorizer) {
    let auth = Authorizer {
        id: "au1".into(),
        name: "users".into(),
        authorizer_type: "TOKEN".into(),
        identity_source: sources.iter().map(|s| s.to_string()).collect(),
        result_ttl_in_seconds: Some(ttl),
        ..Default::default()
    };
    let route = |k: &str| Route {
        route_key: k.into(),
        authorization_type: Some("CUSTOM".into()),
        authorizer_id: Some("au1".into()),
        ..Default::default()
    };
    let mut api = Api {
        id: "a1b2c3".into(),
        protocol: Some(Protocol::Rest),
        routes: vec![
            route("GET /pets/{id}"),
            route("GET /owners"),
            Route {
                route_key: "GET /health".into(),
                ..Default::default()
            },
        ],
        authorizers: vec![auth.clone()],
        ..Default::default()
    };
    api.fill_lambda_authorizers();
    (api, auth)
}

#[test]
fn cache_pitfall_is_found_from_the_policy_and_the_ttl() {
    let exact = allow(json!(ARN));
    let (api, auth) = api_with_cache(300, &["method.request.header.Authorization"]);
    let n = narrow_cache(
        &api,
        &auth,
        &exact,
        &arn(),
        "GET /pets/{id}",
        &CallFacts::default(),
    )
    .unwrap();
    assert_eq!(n.ttl_seconds, 300);
    let denied: Vec<&str> = n.denied.iter().map(|(k, _)| k.as_str()).collect();
    // The other route, and the same route with another id; not the route without the authorizer.
    assert_eq!(denied, ["GET /pets/{id}", "GET /owners"]);
    assert_eq!(n.allowed_resources, [ARN]);
    // A wildcard policy, TTL 0, or a route-specific cache key: no pitfall.
    let wide = allow(json!(
        "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/prod/*"
    ));
    assert_eq!(
        narrow_cache(
            &api,
            &auth,
            &wide,
            &arn(),
            "GET /pets/{id}",
            &CallFacts::default()
        ),
        None
    );
    let (api0, auth0) = api_with_cache(0, &["method.request.header.Authorization"]);
    assert_eq!(
        narrow_cache(
            &api0,
            &auth0,
            &exact,
            &arn(),
            "GET /pets/{id}",
            &CallFacts::default()
        ),
        None
    );
    let (apik, authk) = api_with_cache(
        300,
        &[
            "method.request.header.Authorization",
            "context.resourcePath",
        ],
    );
    assert_eq!(
        narrow_cache(
            &apik,
            &authk,
            &exact,
            &arn(),
            "GET /pets/{id}",
            &CallFacts::default()
        ),
        None
    );
}

#[test]
fn inventory_block_names_kind_function_and_routes() {
    let (mut api, _) = api_with_cache(300, &["method.request.header.Authorization"]);
    api.authorizers[0].authorizer_uri = Some("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations".into());
    api.fill_lambda_authorizers();
    let l = api.authorizers[0].lambda.clone().unwrap();
    assert_eq!(l.kind, LambdaAuthorizerKind::RestToken);
    assert_eq!(
        l.function_arn.as_deref(),
        Some("arn:aws:lambda:eu-west-1:123456789012:function:auth")
    );
    assert_eq!(l.routes, ["GET /pets/{id}", "GET /owners"]);
    assert_eq!(l.result_ttl_in_seconds, Some(300));
    assert_eq!(l.payload_format_version, None);
    let jwt = Authorizer {
        authorizer_type: "JWT".into(),
        ..Default::default()
    };
    assert_eq!(LambdaAuthorizerKind::of(Protocol::Http, &jwt), None);
}
