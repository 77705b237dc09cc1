//! gatescope's SigV4 (aws-sigv4, via `backends::http::sign_request`) against
//! an independent signer: botocore's `SigV4Auth`, given the same request,
//! time, region and credentials. The `Authorization` headers must be equal,
//! and the canonical request gatescope shows must be the one botocore signed.

mod support;

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use base64::Engine;
use gatescope::backends::http::sign_request;
use gatescope::domain::{Field, HttpRequest, RequestDraft};
use gatescope::engines::compose;

const SCRIPT: &str = r#"
import base64, datetime, json, sys
import botocore.auth
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

when = datetime.datetime(2025, 11, 25, 9, 38, 0)
botocore.auth.get_current_datetime = lambda *a, **k: when
out = []
for case in json.loads(sys.argv[1]):
    req = AWSRequest(method=case["method"], url=case["url"], data=base64.b64decode(case["body"]))
    for k, v in case["headers"]:
        req.headers[k] = v  # appends: repeated headers stay repeated
    creds = Credentials(case["ak"], case["sk"], case["token"])
    auth = SigV4Auth(creds, "execute-api", case["region"])
    auth.add_auth(req)
    authorization = req.headers["Authorization"]
    del req.headers["Authorization"]  # so the canonical request is the one that was signed
    out.append({"authorization": authorization, "canonical": auth.canonical_request(req)})
print(json.dumps(out))
"#;

struct Case {
    name: &'static str,
    request: HttpRequest,
}

fn route_request(path: &str, params: &[(&str, &str)], query: &[(&str, &str)]) -> HttpRequest {
    let draft = RequestDraft {
        method: "GET".into(),
        base_url: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod".into(),
        path: path.into(),
        path_params: params.iter().map(|(k, v)| Field::new(*k, *v)).collect(),
        query: query.iter().map(|(k, v)| Field::new(*k, *v)).collect(),
        ..Default::default()
    };
    compose::build(&draft).unwrap()
}

fn cases() -> Vec<Case> {
    let mut json_post = route_request("/items", &[], &[]);
    json_post.method = "POST".into();
    json_post
        .headers
        .push(("Content-Type".into(), "application/json".into()));
    json_post.body = br#"{"name": "caf\u00e9", "n": [1, 2]}"#.to_vec();

    let mut extra = route_request("/items/{id}", &[("id", "42")], &[("v", "1")]);
    extra.method = "PUT".into();
    extra.headers = vec![
        ("X-Custom".into(), "  padded   value  ".into()),
        ("x-multi".into(), "one".into()),
        ("X-Multi".into(), "two".into()),
        ("Accept".into(), "application/json".into()),
    ];
    extra.body = b"plain text body".to_vec();

    let mut loopback = HttpRequest::new("DELETE", "http://127.0.0.1:8123/prod/x?b=2&a=1");
    loopback.headers.push(("x-amz-meta".into(), "m".into()));

    vec![
        Case {
            name: "query values needing encoding",
            request: route_request(
                "/search",
                &[],
                &[
                    ("q", "a b+c&d=e/f"),
                    ("emoji", "😀"),
                    ("tilde", "~-_."),
                    ("empty", ""),
                ],
            ),
        },
        Case {
            name: "repeated query keys",
            request: route_request(
                "/list",
                &[],
                &[("tag", "z"), ("tag", "a"), ("tag", "m"), ("a", "1")],
            ),
        },
        Case {
            name: "spaces and unicode in the path",
            request: route_request("/files/{name}", &[("name", "my file ü€.txt")], &[]),
        },
        Case {
            name: "proxy+ path",
            request: route_request(
                "/{proxy+}",
                &[("proxy", "a b/ç/d:e/%41/x.json")],
                &[("x", "1")],
            ),
        },
        Case {
            name: "literal path with dot segments and double slashes",
            request: HttpRequest::new(
                "GET",
                "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/a//b/./c/../d/",
            ),
        },
        Case {
            name: "empty body",
            request: route_request("/", &[], &[]),
        },
        Case {
            name: "JSON body",
            request: json_post,
        },
        Case {
            name: "extra signed headers",
            request: extra,
        },
        Case {
            name: "loopback host with a port",
            request: loopback,
        },
    ]
}

#[test]
fn authorization_headers_match_botocore() {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_063_480); // 2025-11-25T09:38:00Z
    let region = "eu-west-1";
    let mut inputs = Vec::new();
    let mut ours = Vec::new();
    for token in [
        None,
        Some("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+test="),
    ] {
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            token.map(str::to_string),
            None,
            "test",
        );
        for case in cases() {
            let (signed, debug) = sign_request(&case.request, &creds, region, time).unwrap();
            assert!(
                debug.verified,
                "{}: rebuilt canonical request disagrees with aws-sigv4",
                case.name
            );
            // botocore gets the request as it goes on the wire, minus the
            // headers the signer added (it adds its own).
            inputs.push(serde_json::json!({
                "method": case.request.method,
                "url": case.request.url,
                "headers": case.request.headers,
                "body": base64::engine::general_purpose::STANDARD.encode(&case.request.body),
                "ak": creds.access_key_id(),
                "sk": creds.secret_access_key(),
                "token": token,
                "region": region,
            }));
            ours.push((
                format!("{} (session token: {})", case.name, token.is_some()),
                signed.header("authorization").unwrap().to_string(),
                debug.canonical_request,
            ));
        }
    }
    let out = support::run_python(
        SCRIPT,
        &[&serde_json::Value::Array(inputs).to_string()],
        &[],
    );
    let theirs: Vec<serde_json::Value> = serde_json::from_str(out.trim()).unwrap();
    assert_eq!(theirs.len(), ours.len());
    assert_eq!(ours.len(), 18);
    for ((name, auth, canonical), boto) in ours.iter().zip(&theirs) {
        assert_eq!(
            canonical,
            boto["canonical"].as_str().unwrap(),
            "{name}: canonical requests differ"
        );
        assert_eq!(
            auth,
            boto["authorization"].as_str().unwrap(),
            "{name}: Authorization differs"
        );
    }
}
