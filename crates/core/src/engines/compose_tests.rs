use super::*;
use crate::domain::ContentType;

fn api() -> Api {
    Api {
        id: "abc123".into(),
        endpoint: Some("https://abc123.execute-api.eu-west-1.amazonaws.com".into()),
        ..Default::default()
    }
}

fn stage(name: &str) -> Stage {
    Stage {
        stage_name: name.into(),
        ..Default::default()
    }
}

fn route(key: &str, auth: &str) -> Route {
    Route {
        route_key: key.into(),
        authorization_type: Some(auth.into()),
        ..Default::default()
    }
}

#[test]
fn invoke_url_has_no_stage_segment_for_default() {
    assert_eq!(
        invoke_url(&api(), &stage("$default")).unwrap(),
        "https://abc123.execute-api.eu-west-1.amazonaws.com"
    );
    assert_eq!(
        invoke_url(&api(), &stage("prod")).unwrap(),
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"
    );
    let mut s = stage("prod");
    s.invoke_url = Some("https://custom.example.com/base/".into());
    assert_eq!(
        invoke_url(&api(), &s).unwrap(),
        "https://custom.example.com/base"
    );
}

#[test]
fn region_and_api_id_come_from_execute_api_hosts_only() {
    let u = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/x";
    assert_eq!(region_from_url(u).as_deref(), Some("eu-west-1"));
    assert_eq!(api_id_from_url(u).as_deref(), Some("abc123"));
    let vpce = "https://abc123-vpce-0123.execute-api.us-gov-west-1.amazonaws.com/";
    assert_eq!(region_from_url(vpce).as_deref(), Some("us-gov-west-1"));
    assert_eq!(api_id_from_url(vpce).as_deref(), Some("abc123"));
    assert_eq!(region_from_url("https://api.example.com/x"), None);
    assert_eq!(region_from_url("http://127.0.0.1:8080/"), None);
    assert_eq!(region_from_url("not a url"), None);
}

#[test]
fn path_fields_lists_plain_and_greedy_params_once() {
    assert_eq!(
        path_fields("/a/{id}/b/{proxy+}/{id}"),
        vec![
            PathField {
                name: "id".into(),
                greedy: false
            },
            PathField {
                name: "proxy".into(),
                greedy: true
            },
        ]
    );
    assert!(path_fields("/plain/{unclosed").is_empty());
}

#[test]
fn route_draft_presets_method_path_fields_and_auth() {
    let d = draft_for_route(
        &api(),
        &route("ANY /files/{proxy+}", "AWS_IAM"),
        Some(&stage("prod")),
    );
    assert_eq!(d.method, "GET");
    assert_eq!(d.path, "/files/{proxy+}");
    assert_eq!(d.path_params, vec![Field::new("proxy", "")]);
    assert_eq!(
        d.auth,
        AuthMode::Sigv4 {
            region: Some("eu-west-1".into())
        }
    );
    assert_eq!(d.target.stage.as_deref(), Some("prod"));
    let jwt = draft_for_route(&api(), &route("POST /items", "JWT"), None);
    assert!(matches!(jwt.auth, AuthMode::Jwt { .. }));
    let dflt = draft_for_route(&api(), &route("$default", "NONE"), None);
    assert_eq!((dflt.method.as_str(), dflt.path.as_str()), ("GET", "/"));
}

#[test]
fn build_encodes_params_query_and_keeps_greedy_slashes() {
    let mut d = draft_for_route(
        &api(),
        &route("GET /u/{name}/f/{proxy+}", "NONE"),
        Some(&stage("prod")),
    );
    d.path_params = vec![
        Field::new("name", "a/b c+é"),
        Field::new("proxy", "dir one/ü/x.txt"),
    ];
    d.query = vec![
        Field::new("q", "a b&c=d+e"),
        Field::new("q", "2"),
        Field {
            enabled: false,
            ..Field::new("off", "x")
        },
        Field::new("ünï", "~ok-_."),
    ];
    let r = build(&d).unwrap();
    assert_eq!(
        r.url,
        "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/u/a%2Fb%20c%2B%C3%A9/f/dir%20one/%C3%BC/x.txt\
         ?q=a%20b%26c%3Dd%2Be&q=2&%C3%BCn%C3%AF=~ok-_."
    );
}

#[test]
fn build_reports_missing_params_and_bad_input() {
    let d = draft_for_route(&api(), &route("GET /i/{id}", "NONE"), Some(&stage("p")));
    assert_eq!(
        build(&d).unwrap_err(),
        ComposeError::MissingPathParam("id".into())
    );
    let mut d = draft_from_url("GET", "http://127.0.0.1:9/x").unwrap();
    d.headers = vec![Field::new("bad name", "v")];
    assert!(matches!(build(&d), Err(ComposeError::BadHeaderName(_))));
    d.headers = vec![Field::new("x-a", "line\nbreak")];
    assert!(matches!(build(&d), Err(ComposeError::BadHeaderValue(_))));
    d.headers.clear();
    d.method = "BAD METHOD".into();
    assert!(matches!(build(&d), Err(ComposeError::BadMethod(_))));
    assert!(matches!(
        draft_from_url("GET", "ftp://x/"),
        Err(ComposeError::BadScheme(_))
    ));
    assert!(matches!(
        draft_from_url("GET", "::"),
        Err(ComposeError::BadUrl { .. })
    ));
}

#[test]
fn free_url_round_trips_and_plus_means_space() {
    let d = draft_from_url("post", "http://127.0.0.1:8080/a%20b/c?x=1+2&y=%2B&flag").unwrap();
    assert_eq!(d.method, "POST");
    assert_eq!(d.base_url, "http://127.0.0.1:8080");
    assert_eq!(d.path, "/a%20b/c");
    assert_eq!(
        d.query,
        vec![
            Field::new("x", "1 2"),
            Field::new("y", "+"),
            Field::new("flag", "")
        ]
    );
    assert_eq!(
        build(&d).unwrap().url,
        "http://127.0.0.1:8080/a%20b/c?x=1%202&y=%2B&flag="
    );
    assert_eq!(
        canonical_url("https://h.example/p?b=é").unwrap(),
        "https://h.example/p?b=%C3%A9"
    );
}

#[test]
fn literal_paths_encode_unsafe_bytes_but_keep_escapes() {
    assert_eq!(
        encode_literal_path("/a b/%41/%zz/?#ü"),
        "/a%20b/%41/%25zz/%3F%23%C3%BC"
    );
    assert_eq!(
        encode_literal_path("/keep:@!$&'()*+,;="),
        "/keep:@!$&'()*+,;="
    );
}

#[test]
fn content_type_preset_never_overrides_an_explicit_header() {
    let mut d = draft_from_url("POST", "http://127.0.0.1/x").unwrap();
    d.content_type = ContentType::Json;
    d.body = b"{}".to_vec();
    let r = build(&d).unwrap();
    assert_eq!(r.header("content-type"), Some("application/json"));
    d.headers = vec![Field::new("Content-Type", "text/x-custom")];
    let r = build(&d).unwrap();
    assert_eq!(r.header("content-type"), Some("text/x-custom"));
    assert_eq!(r.headers.len(), 1);
    assert_eq!(r.body, b"{}");
}

#[test]
fn json_problem_points_at_the_error() {
    assert_eq!(json_problem(b""), None);
    assert_eq!(json_problem(b" {\"a\": [1, 2]} "), None);
    let p = json_problem(b"{\n  \"a\": }").unwrap();
    assert!(p.contains("line 2"), "{p}");
}

#[test]
fn content_type_guess_from_extension() {
    assert_eq!(ContentType::from_extension("a/b.JSON"), ContentType::Json);
    assert_eq!(ContentType::from_extension("x.png"), ContentType::Binary);
    assert_eq!(ContentType::from_extension("noext"), ContentType::None);
}

#[test]
fn the_routes_jwt_authorizer_is_found_by_id() {
    let mut a = api();
    a.authorizers.push(crate::domain::Authorizer {
        id: "au1".into(),
        jwt_configuration: Some(Default::default()),
        ..Default::default()
    });
    let mut r = route("GET /x", "JWT");
    assert!(route_jwt_authorizer(&a, &r).is_none());
    r.authorizer_id = Some("au1".into());
    assert_eq!(route_jwt_authorizer(&a, &r).unwrap().id, "au1");
}

#[test]
fn auth_modes_add_the_header_they_send() {
    assert_eq!(
        auth_header(&AuthMode::Jwt {
            token: "Bearer abc".into()
        }),
        Some(("authorization", "Bearer abc".into()))
    );
    assert_eq!(
        auth_header(&AuthMode::Jwt {
            token: "abc".into()
        }),
        Some(("authorization", "Bearer abc".into()))
    );
    assert_eq!(
        auth_header(&AuthMode::ApiKey { key: " k ".into() }),
        Some(("x-api-key", "k".into()))
    );
    assert_eq!(auth_header(&AuthMode::Jwt { token: " ".into() }), None);
    assert_eq!(auth_header(&AuthMode::ApiKey { key: String::new() }), None);
    assert_eq!(auth_header(&AuthMode::None), None);
    assert_eq!(auth_header(&AuthMode::Sigv4 { region: None }), None);
}
