use super::*;
use crate::domain::{
    AuthorizationType, AuthorizerType, CustomDomain, DomainMapping, Protocol, Route, Stage,
};
use crate::engines::event_build::Seed;

const SEED: Seed = Seed {
    now_ms: 1_700_000_000_000,
    random: [7; 48],
};

fn preview(api: &Api, req: &HttpRequest) -> Result<Prepared, String> {
    prepare_with(api, &AuthorizerQuery::local(req), Some("eu-west-1"), SEED)
}

/// A REST API with a TOKEN authorizer on `GET /me`, an open `GET /open`
/// and a custom domain mapping `v2` to stage `dev`.
fn rest_api() -> Api {
    let mut api = Api {
        id: "rest123".into(),
        name: "users".into(),
        protocol: Some(Protocol::Rest),
        endpoint: Some("https://rest123.execute-api.eu-west-1.amazonaws.com".into()),
        routes: vec![
            Route {
                route_key: "GET /me".into(),
                authorization_type: Some(AuthorizationType::Custom),
                authorizer_id: Some("auth1".into()),
                ..Default::default()
            },
            Route {
                route_key: "GET /open".into(),
                ..Default::default()
            },
        ],
        authorizers: vec![Authorizer {
            id: "auth1".into(),
            name: "tokens".into(),
            authorizer_type: AuthorizerType::Token,
            identity_source: vec!["method.request.header.Authorization".into()],
            authorizer_uri: Some("arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations".into()),
            result_ttl_in_seconds: Some(300),
            ..Default::default()
        }],
        stages: vec![Stage {
            stage_name: "dev".into(),
            ..Default::default()
        }],
        domains: vec![CustomDomain {
            domain_name: "api.example.com".into(),
            mappings: vec![DomainMapping {
                api_id: "rest123".into(),
                stage: Some("dev".into()),
                base_path: "v2".into(),
            }],
            ..Default::default()
        }],
        details_loaded: true,
        ..Default::default()
    };
    api.fill_lambda_authorizers();
    api
}

fn get(url: &str, headers: &[(&str, &str)]) -> HttpRequest {
    HttpRequest {
        method: "GET".into(),
        url: url.into(),
        headers: headers
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        body: Vec::new(),
    }
}

const URL: &str = "https://rest123.execute-api.eu-west-1.amazonaws.com/dev/me";

#[test]
fn a_missing_identity_source_is_a_401_without_invocation() {
    let p = preview(&rest_api(), &get(URL, &[])).unwrap();
    assert_eq!(p.route_key, "GET /me");
    let Call::NotInvoked { missing } = &p.call else {
        panic!("{:?}", p.call)
    };
    assert_eq!(missing, "method.request.header.Authorization");
}

#[test]
fn the_token_event_names_the_method_arn_and_the_token() {
    let p = preview(
        &rest_api(),
        &get(URL, &[("Authorization", "Bearer allow-alice")]),
    )
    .unwrap();
    let Call::Invoke {
        event, identity, ..
    } = &p.call
    else {
        panic!("{:?}", p.call)
    };
    assert_eq!(event["type"], "TOKEN");
    assert_eq!(event["authorizationToken"], "Bearer allow-alice");
    assert_eq!(
        event["methodArn"],
        "arn:aws:execute-api:eu-west-1:123456789012:rest123/dev/GET/me"
    );
    assert_eq!(p.input.stage, "dev");
    assert_eq!(
        identity,
        &vec![(
            "method.request.header.Authorization".to_string(),
            "Bearer allow-alice".to_string()
        )]
    );
}

#[test]
fn a_custom_domain_url_is_read_through_its_mapping() {
    let p = preview(
        &rest_api(),
        &get(
            "https://api.example.com/v2/me",
            &[("Authorization", "Bearer x")],
        ),
    )
    .unwrap();
    assert!(p.via_domain.as_deref().unwrap().contains("api.example.com"));
    assert_eq!(p.input.domain_name, "api.example.com");
    // The host names no region: the backend's is used.
    assert_eq!(p.region, "eu-west-1");
    let Call::Invoke { method_arn, .. } = &p.call else {
        panic!("{:?}", p.call)
    };
    assert_eq!(
        method_arn.to_string(),
        "arn:aws:execute-api:eu-west-1:123456789012:rest123/dev/GET/me"
    );
    let err = preview(&rest_api(), &get("https://api.example.com/v1/me", &[])).unwrap_err();
    assert!(
        err.contains("no mapping of api.example.com covers /v1/me"),
        "{err}"
    );
}

#[test]
fn routes_without_a_lambda_authorizer_say_why() {
    let api = rest_api();
    let open = "https://rest123.execute-api.eu-west-1.amazonaws.com/dev/open";
    assert_eq!(
        preview(&api, &get(open, &[])).unwrap_err(),
        "route GET /open has no authorizer"
    );
    let nowhere = "https://rest123.execute-api.eu-west-1.amazonaws.com/dev/nowhere";
    assert!(
        preview(&api, &get(nowhere, &[]))
            .unwrap_err()
            .starts_with("no route of rest123 matches GET /dev/nowhere")
    );
}

/// Lambda that never answers: only cancelling ends the wait.
struct NeverAnswers(std::sync::Arc<std::sync::atomic::AtomicU32>);

#[async_trait::async_trait]
impl crate::backends::real_calls::RealCalls for NeverAnswers {
    async fn invoke_function(
        &self,
        _: &str,
        _: &[u8],
    ) -> Result<crate::backends::real_calls::FunctionInvocation, BackendError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_real_call_stops_waiting_when_cancelled_and_says_what_it_cannot_do() {
    let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
    let mut backend = crate::ui::testing::fake_backend(Default::default());
    backend.calls = std::sync::Arc::new(NeverAnswers(calls.clone()));
    let url = "https://rest123.execute-api.eu-west-1.amazonaws.com/dev/me";
    let p = preview(&rest_api(), &get(url, &[("Authorization", "tok")])).unwrap();
    let cancel = tokio_util::sync::CancellationToken::new();
    let stopper = cancel.clone();
    let (result, ()) = tokio::join!(real_call(&backend, &p, RealCall::Invoke, &cancel), async {
        // Cancel once the call is under way.
        while calls.load(std::sync::atomic::Ordering::SeqCst) == 0 {
            tokio::task::yield_now().await;
        }
        stopper.cancel();
    });
    assert_eq!(result.unwrap_err(), RealCallError::Cancelled);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // No identity source: nothing to invoke, and the backend is not called.
    let p = preview(&rest_api(), &get(url, &[])).unwrap();
    let err = real_call(&backend, &p, RealCall::Invoke, &cancel)
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RealCallError::Cancelled | RealCallError::NotApplicable(_)
        ),
        "{err:?}"
    );
    let fresh = tokio_util::sync::CancellationToken::new();
    let err = real_call(&backend, &p, RealCall::Invoke, &fresh)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("would not invoke the authorizer"),
        "{err}"
    );
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // TestInvokeAuthorizer through a backend that does not serve it: its
    // error, in one line.
    let p = preview(&rest_api(), &get(url, &[("Authorization", "tok")])).unwrap();
    let err = real_call(&backend, &p, RealCall::TestInvoke, &fresh)
        .await
        .unwrap_err();
    assert!(matches!(err, RealCallError::Backend(_)), "{err:?}");
    assert!(!err.to_string().contains('\n'), "{err}");
}

/// `usageIdentifierKey` is an API key value: the findings quoting the
/// answer (here an explicit Deny) never carry it.
#[test]
fn the_usage_identifier_key_never_reaches_the_findings() {
    let url = "https://rest123.execute-api.eu-west-1.amazonaws.com/dev/me";
    let p = preview(&rest_api(), &get(url, &[("Authorization", "tok")])).unwrap();
    let secret = "usage-key-value-0123456789abcdef";
    let answer = serde_json::json!({
        "principalId": "bob",
        "usageIdentifierKey": secret,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "execute-api:Invoke", "Resource": "*"}
        ]},
    });
    let e = evaluate(&p, &answer, None);
    let text = serde_json::to_string(&e.findings).unwrap();
    assert!(text.contains("AUTHORIZER_DENIED"), "{text}");
    assert!(text.contains(MASKED_KEY), "the answer is quoted: {text}");
    assert!(!text.contains(secret), "{text}");
    assert_eq!(mask_usage_key(answer)["usageIdentifierKey"], MASKED_KEY);
}
