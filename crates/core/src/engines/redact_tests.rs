use super::*;

const JWT_SAMPLE: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.c2lnbmF0dXJlLXNlY3JldA";
const SIGV4: &str = "AWS4-HMAC-SHA256 Credential=ASIAABCDEFGHIJKLMNOP/20261125/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef";

#[test]
fn authorization_keeps_scheme_scope_and_signed_headers() {
    let r = Redactor::new();
    assert_eq!(
        r.header("Authorization", SIGV4),
        "AWS4-HMAC-SHA256 Credential=<redacted>/20261125/eu-west-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=<redacted>"
    );
    assert_eq!(
        r.header("authorization", &format!("Bearer {JWT_SAMPLE}")),
        "Bearer <redacted>"
    );
    assert_eq!(r.header("Authorization", "opaque"), "<redacted>");
    assert_eq!(
        r.header("Proxy-Authorization", "Basic dXNlcjpwYXNz"),
        "Basic <redacted>"
    );
}

#[test]
fn secret_headers_and_cookies_lose_their_values_only() {
    let r = Redactor::new();
    assert_eq!(r.header("X-Api-Key", "k3y-value"), REDACTED);
    assert_eq!(r.header("X-Amz-Security-Token", "IQoJb3JpZ2lu"), REDACTED);
    assert_eq!(
        r.header("Cookie", "session=abc; theme=dark"),
        "session=<redacted>; theme=<redacted>"
    );
    assert_eq!(
        r.header("set-cookie", "id=abc; Path=/; HttpOnly"),
        "id=<redacted>; Path=/; HttpOnly"
    );
    assert_eq!(r.header("x-plain", "hello"), "hello");
    assert_eq!(
        r.header("x-forwarded", &format!("tok {JWT_SAMPLE} end")),
        "tok <redacted> end"
    );
}

#[test]
fn urls_lose_signature_params_jwts_and_key_ids() {
    let r = Redactor::new();
    let url = format!(
        "https://h/p/{JWT_SAMPLE}?X-Amz-Signature=abc&x-amz-credential=AKIAABCDEFGHIJKLMNOP%2F2026&keep=1&X-Amz-Security-Token=t0k&x=AKIAABCDEFGHIJKLMNOP"
    );
    let out = r.url(&url);
    assert_eq!(
        out,
        "https://h/p/<redacted>?X-Amz-Signature=%3Credacted%3E&x-amz-credential=%3Credacted%3E&keep=1&X-Amz-Security-Token=%3Credacted%3E&x=<redacted>"
    );
}

#[test]
fn known_secrets_go_everywhere_also_percent_encoded() {
    let r = Redactor::new().with_known_secret("s3cr3t+/key");
    assert_eq!(
        r.text("a s3cr3t+/key b s3cr3t%2B%2Fkey"),
        "a <redacted> b <redacted>"
    );
    // Too short to be worth replacing.
    assert_eq!(Redactor::new().with_known_secret("ab").text("abc"), "abc");
}

#[test]
fn bodies_are_scrubbed_also_when_not_utf8() {
    let r = Redactor::new().with_known_secret("hunter22");
    let mut body = vec![0xff, 0xfe];
    body.extend_from_slice(format!("x{JWT_SAMPLE} hunter22 ").as_bytes());
    body.push(0x80);
    let out = r.bytes(&body);
    let mut expect = vec![0xff, 0xfe];
    expect.extend_from_slice(b"x<redacted> <redacted> ");
    expect.push(0x80);
    assert_eq!(out, expect);
    let json = format!(r#"{{"token":"{JWT_SAMPLE}","n":1}}"#);
    assert_eq!(
        r.bytes(json.as_bytes()),
        br#"{"token":"<redacted>","n":1}"#.to_vec()
    );
}

#[test]
fn drafts_lose_auth_secrets_and_keep_everything_else() {
    let draft = RequestDraft {
        method: "GET".into(),
        base_url: "https://h".into(),
        path: "/x".into(),
        query: vec![Field::new("api_key", "abc"), Field::new("page", "2")],
        headers: vec![Field::new("x-api-key", "k"), Field::new("accept", "*/*")],
        auth: AuthMode::Jwt {
            token: JWT_SAMPLE.into(),
        },
        ..Default::default()
    };
    let r = Redactor::for_auth(&draft.auth);
    let out = r.draft(&draft);
    assert_eq!(
        out.auth,
        AuthMode::Jwt {
            token: REDACTED.into()
        }
    );
    assert_eq!(out.query[0].value, REDACTED);
    assert_eq!(out.query[1].value, "2");
    assert_eq!(out.headers[0].value, REDACTED);
    assert_eq!(out.headers[1].value, "*/*");
    assert!(is_redacted(&out.query[0].value));
    // Empty secrets stay empty (nothing to hide, and the UI can tell "not set").
    let empty = AuthMode::ApiKey { key: String::new() };
    assert_eq!(r.auth(&empty), empty);
}

#[test]
fn requests_and_responses_are_scrubbed() {
    let r = Redactor::new();
    let req = HttpRequest {
        method: "GET".into(),
        url: "https://h/?access_token=zzz".into(),
        headers: vec![("Authorization".into(), SIGV4.into())],
        body: JWT_SAMPLE.as_bytes().to_vec(),
    };
    let out = r.request(&req);
    assert!(!out.url.contains("zzz"));
    assert!(!out.headers[0].1.contains("ASIAABCDEFGHIJKLMNOP"));
    assert_eq!(out.body, REDACTED.as_bytes());
    let resp = HttpResponse {
        status: 200,
        headers: vec![("set-cookie".into(), "s=1".into())],
        body: b"ok".to_vec(),
        ..Default::default()
    };
    let out = r.response(&resp);
    assert_eq!(out.headers[0].1, "s=<redacted>");
    assert_eq!(out.status, 200);
}

#[test]
fn secret_names_lose_their_values_in_headers_queries_and_bodies() {
    let r = Redactor::new();
    for name in [
        "X-Auth-Token",
        "x-session-id",
        "X-Client-Secret",
        "x-password",
        "X-Amz-Signature",
    ] {
        assert_eq!(r.header(name, "v4lue-9"), REDACTED, "{name}");
    }
    // Announcements are not secrets.
    assert_eq!(
        r.header("WWW-Authenticate", "Bearer realm=x"),
        "Bearer realm=x"
    );
    assert_eq!(r.header("Access-Control-Allow-Credentials", "true"), "true");
    assert_eq!(
        r.url("https://h/p?user=bob&password=hunter2&Session_Key=abc&page=2"),
        "https://h/p?user=bob&password=%3Credacted%3E&Session_Key=%3Credacted%3E&page=2"
    );
    let body =
        br#"{"user":"bob","client_secret": "s3cr3t-v4l", "nested":{"authToken":"x\"y"},"n":1}"#;
    assert_eq!(
        String::from_utf8(r.bytes(body)).unwrap(),
        r#"{"user":"bob","client_secret": "<redacted>", "nested":{"authToken":"<redacted>"},"n":1}"#
    );
    assert_eq!(
        String::from_utf8(r.bytes(b"user=bob&password=hunter2&x=1")).unwrap(),
        "user=bob&password=<redacted>&x=1"
    );
}

#[test]
fn aws_secret_key_shapes_leave_bodies_but_digests_stay() {
    let r = Redactor::new();
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    assert_eq!(secret.len(), 40);
    let body = format!("aws_key {secret} sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 end");
    let out = String::from_utf8(r.bytes(body.as_bytes())).unwrap();
    assert_eq!(
        out,
        "aws_key <redacted> sha1 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 end"
    );
    // Not 40 long: kept.
    let long = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYmore";
    assert_eq!(String::from_utf8(r.bytes(long.as_bytes())).unwrap(), long);
}
