//! The opt-in real calls through the real binary: `authorizer --invoke`
//! (lambda:Invoke), `authorizer --test-invoke` (TestInvokeAuthorizer),
//! `test-invoke` (TestInvokeMethod) and `usage` (GetUsage), against a local
//! fake for those calls in front of moto (which serves the inventory: moto
//! runs no Lambda code and lacks TestInvoke* and GetUsage). Each case checks
//! the output, the exit code (0 allowed / 1 refused / 2 the call failed)
//! and, for failures, one line on stderr naming the cause.

mod support;

use std::process::{Command, Output};
use std::sync::atomic::Ordering;

use serde_json::Value;
use support::fake_real_calls::FakeRealCalls;

const SEED: &str = include_str!("real_calls/seed.py");
const SECRET: &str = "real-calls-secret-key-value-0123456789";

struct Env {
    _moto: support::Moto,
    fake: FakeRealCalls,
    ids: Value,
    home: tempfile::TempDir,
}

fn env() -> Env {
    let moto = support::Moto::start();
    let ids: Value = serde_json::from_str(&moto.python(SEED, &[SECRET])).unwrap();
    let fake = FakeRealCalls::start(&moto.url(), ids["key"].as_str().unwrap());
    Env {
        _moto: moto,
        fake,
        ids,
        home: tempfile::tempdir().unwrap(),
    }
}

impl Env {
    fn rest(&self) -> &str {
        self.ids["rest"].as_str().unwrap()
    }

    fn run(&self, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
        let o = Command::new(support::gatescope_bin())
            .args(args)
            .envs(self.fake.env())
            .envs(extra_env.iter().copied())
            .env("GATESCOPE_HOME", self.home.path())
            .output()
            .unwrap();
        let (out, err) = (
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr),
        );
        assert!(
            !out.contains(SECRET) && !err.contains(SECRET),
            "the key value reached the output: {out}\n{err}"
        );
        o
    }
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

fn codes(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .map(|f| {
            f.iter()
                .map(|f| f["code"].as_str().unwrap().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// One line on stderr, starting `gatescope: `, exit 2.
fn assert_one_line_failure(o: &Output, needle: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.starts_with("gatescope: "), "{err}");
    assert!(err.contains(needle), "{needle:?} not in {err}");
}

fn authorizer(e: &Env, token: &str, how: &str) -> Output {
    let auth = format!("Authorization: {token}");
    e.run(
        &[
            "authorizer",
            e.rest(),
            "GET",
            "/prod/orders",
            "-H",
            &auth,
            how,
            "--output",
            "json",
        ],
        &[],
    )
}

#[test]
fn authorizer_invoke_evaluates_the_real_answer_and_reports_failures() {
    let e = env();

    // Allowed, for this method only: the cached policy would deny the
    // other route that shares the authorizer (TTL 300 s).
    let o = authorizer(&e, "allow", "--invoke");
    let v = json_of(&o);
    assert_eq!(v["realCall"]["realCall"], "lambda:Invoke", "{v:#}");
    assert_eq!(
        v["realCall"]["function"],
        "arn:aws:lambda:us-east-1:123456789012:function:token-auth"
    );
    assert_eq!(v["verdict"]["outcome"], "allow", "{v:#}");
    assert_eq!(v["verdict"]["principalId"], "alice");
    assert_eq!(v["verdict"]["context"]["tier"], "gold");
    assert_eq!(
        v["verdict"]["integrationAuthorizer"]["tier"], "gold",
        "{v:#}"
    );
    let c = codes(&v);
    assert!(
        c.contains(&"AUTHORIZER_CACHED_POLICY_TOO_NARROW".to_string()),
        "{c:?}"
    );
    assert!(
        c.contains(&"AUTHORIZER_CONTEXT_NOT_PASSED".to_string()),
        "{c:?}"
    );

    // An explicit Deny: refused, exit 1.
    let o = authorizer(&e, "deny", "--invoke");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v = json_of(&o);
    assert_eq!(v["verdict"]["outcome"], "explicitDeny");
    assert_eq!(v["verdict"]["status"], 403);
    assert_eq!(codes(&v), ["AUTHORIZER_DENIED"]);

    // The function threw: API Gateway answers 500, never reads the payload.
    let o = authorizer(&e, "boom", "--invoke");
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    assert_eq!(v["realCall"]["functionError"], "Unhandled");
    assert_eq!(v["verdict"]["status"], 500);
    assert_eq!(codes(&v), ["AUTHORIZER_FAILURE"]);
    assert!(
        v["findings"][0]["evidence"][0]
            .as_str()
            .unwrap()
            .contains("token.split is not a function"),
        "{v:#}"
    );

    // A malformed answer.
    let o = authorizer(&e, "garbage", "--invoke");
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    assert!(v["verdict"]["outcome"]["malformed"].is_string(), "{v:#}");
    assert_eq!(codes(&v), ["AUTHORIZER_FAILURE"]);

    // The identity may not invoke the function: one line naming the permission.
    let o = authorizer(&e, "forbidden", "--invoke");
    assert_one_line_failure(&o, "lambda:InvokeFunction");
    // Lambda throttled the call: said, and not retried (a retry would run
    // the function again).
    let before = e.fake.counts.invoke.load(Ordering::SeqCst);
    let o = authorizer(&e, "busy", "--invoke");
    assert_one_line_failure(&o, "throttled");
    assert_eq!(e.fake.counts.invoke.load(Ordering::SeqCst), before + 1);

    // The table output labels the real call.
    let o = e.run(
        &[
            "authorizer",
            e.rest(),
            "GET",
            "/prod/orders",
            "-H",
            "Authorization: allow",
            "--invoke",
        ],
        &[],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains(
            "REAL CALL lambda:Invoke arn:aws:lambda:us-east-1:123456789012:function:token-auth"
        ),
        "{out}"
    );

    // No identity: no call is made at all.
    let before = e.fake.counts.invoke.load(Ordering::SeqCst);
    let o = e.run(
        &["authorizer", e.rest(), "GET", "/prod/orders", "--invoke"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("no real call was made"),
        "{}",
        stderr(&o)
    );
    assert_eq!(e.fake.counts.invoke.load(Ordering::SeqCst), before);
}

#[test]
fn test_invoke_authorizer_and_method_through_the_control_plane() {
    let e = env();

    let o = authorizer(&e, "allow", "--test-invoke");
    assert_eq!(
        o.status.code(),
        Some(1),
        "the cache pitfall is an error finding? {}",
        stderr(&o)
    );
    let v = json_of(&o);
    let real = &v["realCall"];
    assert_eq!(real["realCall"], "apigateway:TestInvokeAuthorizer");
    assert_eq!(real["clientStatus"], 0);
    assert_eq!(real["principalId"], "alice");
    assert_eq!(
        real["trace"]["summary"]["authorizerId"], e.ids["authorizer"],
        "{v:#}"
    );
    assert_eq!(v["verdict"]["outcome"], "allow");

    let o = authorizer(&e, "deny", "--test-invoke");
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    assert_eq!(v["realCall"]["clientStatus"], 403);
    assert_eq!(v["verdict"]["outcome"], "explicitDeny");

    let o = authorizer(&e, "forbidden", "--test-invoke");
    assert_one_line_failure(&o, "apigateway:POST");

    // TestInvokeMethod: 200 with the log parsed, and the bypass said.
    let o = e.run(
        &[
            "test-invoke",
            e.rest(),
            "GET",
            "/prod/orders",
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v = json_of(&o);
    assert_eq!(v["realCall"], "apigateway:TestInvokeMethod");
    assert_eq!(v["status"], 200);
    assert_eq!(v["resourceId"], e.ids["orders"]);
    assert_eq!(v["pathWithQueryString"], "/orders");
    assert_eq!(v["trace"]["summary"]["status"], 200);
    assert_eq!(
        v["trace"]["summary"]["lambdaRequestId"],
        "0b7a0c2e-0000-4000-8000-0000000000aa"
    );
    assert!(
        stderr(&o).contains("bypasses the authorizer, API keys"),
        "{}",
        stderr(&o)
    );

    // A 502 whose log says why: the doctor names it from the log.
    let o = e.run(
        &[
            "test-invoke",
            e.rest(),
            "GET",
            "/prod/owners",
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    assert_eq!(v["status"], 502);
    assert!(
        codes(&v).contains(&"MALFORMED_PROXY_RESPONSE".to_string()),
        "{v:#}"
    );

    // The table output labels the real call and shows the log.
    let o = e.run(&["test-invoke", e.rest(), "GET", "/prod/owners"], &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with("REAL CALL apigateway:TestInvokeMethod GET /owners"),
        "{out}"
    );
    assert!(out.contains("Malformed Lambda proxy response"), "{out}");

    // The call itself throttled or denied.
    let o = e.run(
        &[
            "test-invoke",
            e.rest(),
            "GET",
            "/prod/orders",
            "-H",
            "x-fake-fault: throttle",
        ],
        &[],
    );
    assert_one_line_failure(&o, "throttled");
    let o = e.run(
        &[
            "test-invoke",
            e.rest(),
            "GET",
            "/prod/orders",
            "-H",
            "x-fake-fault: denied",
        ],
        &[],
    );
    assert_one_line_failure(&o, "apigateway:POST");
}

#[test]
fn usage_of_a_key_by_id_and_by_the_value_sent_never_printing_it() {
    let e = env();
    let key = e.ids["key"].as_str().unwrap();

    let o = e.run(
        &[
            "usage",
            e.rest(),
            "--key-id",
            key,
            "--days",
            "3",
            "--output",
            "json",
        ],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "quota used up: {}", stderr(&o));
    let v = json_of(&o);
    assert_eq!(v["realCall"], "apigateway:GetUsage");
    assert_eq!(v["key"]["keyId"], key);
    assert_eq!(v["key"]["name"], "partner-a");
    assert_eq!(v["planId"], e.ids["plan"]);
    assert_eq!(v["usage"]["days"].as_array().unwrap().len(), 3, "{v:#}");
    assert_eq!(v["remaining"], 0);
    assert_eq!(v["quota"]["limit"], 5);

    // By the value the client sends (from the environment, matched in the backend).
    let o = e.run(
        &["usage", e.rest(), "--sent-key"],
        &[("GATESCOPE_API_KEY", SECRET)],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.starts_with(&format!(
            "REAL CALL apigateway:GetUsage: key {key} (partner-a)"
        )),
        "{out}"
    );
    assert!(out.contains("Limit Exceeded"), "{out}");

    // A value that is in no plan of the stage: the 403 explained.
    let o = e.run(
        &["usage", e.rest(), "--sent-key", "--output", "json"],
        &[("GATESCOPE_API_KEY", "not-a-key-of-this-plan")],
    );
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    assert_eq!(v["inPlan"], false);
    assert!(v["reason"].as_str().unwrap().contains("403"), "{v:#}");

    // No key named: a usage error.
    let o = e.run(&["usage", e.rest(), "--sent-key"], &[]);
    assert_one_line_failure(&o, "GATESCOPE_API_KEY");

    // apiKeySource AUTHORIZER: the key is the authorizer's usageIdentifierKey.
    e._moto.python(
        "import sys, boto3\nboto3.client('apigateway', region_name='us-east-1').update_rest_api(restApiId=sys.argv[1], patchOperations=[{'op': 'replace', 'path': '/apiKeySource', 'value': 'AUTHORIZER'}])\nprint('{}')",
        &[e.rest()],
    );
    // The value sent names no key there: said in one line, exit 2, nothing called.
    let before = e.fake.counts.usage.load(Ordering::SeqCst);
    let o = e.run(
        &["usage", e.rest(), "--sent-key"],
        &[("GATESCOPE_API_KEY", SECRET)],
    );
    assert_one_line_failure(&o, "usageIdentifierKey");
    assert!(stderr(&o).contains("--key-id"), "{}", stderr(&o));
    assert_eq!(e.fake.counts.usage.load(Ordering::SeqCst), before);
    // By id it works, and says what it does not know.
    let o = e.run(
        &["usage", e.rest(), "--key-id", key, "--output", "json"],
        &[],
    );
    assert_eq!(o.status.code(), Some(1), "quota used up: {}", stderr(&o));
    let v = json_of(&o);
    assert_eq!(v["keySource"], "AUTHORIZER");
    assert_eq!(v["remaining"], 0);
    let note = v["notes"][0].as_str().unwrap_or_default();
    assert!(note.contains("usageIdentifierKey"), "{v:#}");
    assert!(
        note.contains("does not know which key the authorizer returns"),
        "{v:#}"
    );
    let o = e.run(&["usage", e.rest(), "--key-id", key], &[]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("note: API"), "{out}");
    assert!(out.contains("Limit Exceeded"), "{out}");
}
