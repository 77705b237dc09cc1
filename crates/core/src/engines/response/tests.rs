//! Table-driven interpreter tests: one row per behaviour of the reference,
//! each citing its section.

use super::*;

const R: (ApiType, PayloadFormat) = (ApiType::Rest, PayloadFormat::V1);
const H1: (ApiType, PayloadFormat) = (ApiType::Http, PayloadFormat::V1);
const H2: (ApiType, PayloadFormat) = (ApiType::Http, PayloadFormat::V2);

struct Row {
    section: &'static str,
    api: (ApiType, PayloadFormat),
    output: &'static str,
    status: u16,
    /// Codes that must be among the findings.
    codes: &'static [&'static str],
    /// Expected client body, when it matters.
    body: Option<&'static str>,
}

const ROWS: &[Row] = &[
    // §2.1 documented shape passes.
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":201,"headers":{"a":"b"},"body":"x"}"#,
        status: 201,
        codes: &[],
        body: Some("x"),
    },
    Row {
        section: "§2.1",
        api: R,
        output: "not json",
        status: 502,
        codes: &["RESPONSE_NOT_JSON"],
        body: Some(REST_ERROR_BODY),
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#""Bad response""#,
        status: 502,
        codes: &["RESPONSE_NOT_OBJECT"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: "42",
        status: 502,
        codes: &["RESPONSE_NOT_OBJECT"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: "[1,2]",
        status: 502,
        codes: &["RESPONSE_NOT_OBJECT"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":200,"body":"x","ok":true}"#,
        status: 502,
        codes: &["REST_UNKNOWN_KEY"],
        body: None,
    },
    Row {
        section: "§2.1 [UNVERIFIED] cookies on REST",
        api: R,
        output: r#"{"statusCode":200,"body":"x","cookies":["a=1"]}"#,
        status: 502,
        codes: &["REST_UNKNOWN_KEY"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":200,"headers":"x"}"#,
        status: 502,
        codes: &["HEADERS_NOT_OBJECT"],
        body: None,
    },
    Row {
        section: "§2.1 LocalStack",
        api: R,
        output: r#"{"statusCode":200,"headers":{"n":1}}"#,
        status: 502,
        codes: &["HEADER_VALUE_NOT_STRING"],
        body: None,
    },
    Row {
        section: "§2.1 LocalStack",
        api: R,
        output: r#"{"statusCode":200,"headers":{"b":true}}"#,
        status: 200,
        codes: &["HEADER_VALUE_COERCED"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":"abc"}"#,
        status: 502,
        codes: &["STATUS_CODE_INVALID"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":200.5}"#,
        status: 502,
        codes: &["STATUS_CODE_INVALID"],
        body: None,
    },
    Row {
        section: "§2.1 SAM int()",
        api: R,
        output: r#"{"statusCode":"404","body":"nf"}"#,
        status: 404,
        codes: &["STATUS_CODE_STRING"],
        body: Some("nf"),
    },
    Row {
        section: "§2.1 [UNVERIFIED]",
        api: R,
        output: r#"{"body":"x"}"#,
        status: 200,
        codes: &["STATUS_CODE_DEFAULTED"],
        body: Some("x"),
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":200,"body":{"a":1}}"#,
        status: 502,
        codes: &["BODY_NOT_STRING"],
        body: Some(REST_ERROR_BODY),
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":200,"multiValueHeaders":{"a":"b"}}"#,
        status: 502,
        codes: &["MULTI_VALUE_HEADER_NOT_ARRAY"],
        body: None,
    },
    Row {
        section: "§2.1",
        api: R,
        output: r#"{"statusCode":200,"multiValueHeaders":[1]}"#,
        status: 502,
        codes: &["MULTI_VALUE_HEADERS_NOT_OBJECT"],
        body: None,
    },
    Row {
        section: "§2.1 merge",
        api: R,
        output: r#"{"statusCode":200,"headers":{"a":"1"},"multiValueHeaders":{"a":["1","2"]}}"#,
        status: 200,
        codes: &["HEADERS_MERGED"],
        body: None,
    },
    Row {
        section: "§2.1 binaryMediaTypes",
        api: R,
        output: r#"{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}"#,
        status: 200,
        codes: &["BASE64_NOT_DECODED"],
        body: Some("aGk="),
    },
    Row {
        section: "§2.1 base64Encoded key",
        api: R,
        output: r#"{"statusCode":200,"base64Encoded":false,"isBase64Encoded":true,"body":"aGk="}"#,
        status: 200,
        codes: &["BASE64_ENCODED_KEY"],
        body: Some("aGk="),
    },
    Row {
        section: "§2.3 thrown",
        api: R,
        output: r#"{"errorMessage":"boom","errorType":"Error","stackTrace":[]}"#,
        status: 502,
        codes: &["FUNCTION_ERROR"],
        body: Some(REST_ERROR_BODY),
    },
    Row {
        section: "§2.3 timeout",
        api: H2,
        output: r#"{"errorMessage":"RequestId: x Error: Task timed out after 5.00 seconds"}"#,
        status: 500,
        codes: &["FUNCTION_TIMEOUT"],
        body: Some(HTTP_ERROR_BODY),
    },
    // §2.1 HTTP API payload 1.0.
    Row {
        section: "§2.1 HTTP 1.0",
        api: H1,
        output: r#"{"body":"x"}"#,
        status: 500,
        codes: &["STATUS_CODE_MISSING"],
        body: Some(HTTP_ERROR_BODY),
    },
    Row {
        section: "§2.1 HTTP 1.0",
        api: H1,
        output: r#"{"statusCode":200,"body":"x","ok":true}"#,
        status: 200,
        codes: &["UNKNOWN_KEY_IGNORED"],
        body: Some("x"),
    },
    Row {
        section: "§2.1 HTTP 1.0",
        api: H1,
        output: r#"{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}"#,
        status: 200,
        codes: &[],
        body: Some("hi"),
    },
    Row {
        section: "§2.1 HTTP 1.0",
        api: H1,
        output: r#""str""#,
        status: 500,
        codes: &["RESPONSE_NOT_OBJECT"],
        body: None,
    },
    // §2.2 payload 2.0.
    Row {
        section: "§2.2 inference",
        api: H2,
        output: r#""Hello from Lambda!""#,
        status: 200,
        codes: &["V2_INFERRED_RESPONSE"],
        body: Some("Hello from Lambda!"),
    },
    Row {
        section: "§2.2 inference",
        api: H2,
        output: r#"{"message":"Hello"}"#,
        status: 200,
        codes: &["V2_INFERRED_RESPONSE"],
        body: Some(r#"{"message":"Hello"}"#),
    },
    Row {
        section: "§2.2 inference",
        api: H2,
        output: "42",
        status: 200,
        codes: &["V2_INFERRED_RESPONSE"],
        body: Some("42"),
    },
    Row {
        section: "§2.2 wrapped",
        api: H2,
        output: r#"{"body":"x","headers":{"a":"b"}}"#,
        status: 200,
        codes: &["V2_STATUS_CODE_MISSING_WRAPPED"],
        body: Some(r#"{"body":"x","headers":{"a":"b"}}"#),
    },
    Row {
        section: "§2.2",
        api: H2,
        output: r#"{"statusCode":201,"body":"x"}"#,
        status: 201,
        codes: &[],
        body: Some("x"),
    },
    Row {
        section: "§2.2",
        api: H2,
        output: r#"{"statusCode":200,"body":{"a":1}}"#,
        status: 500,
        codes: &["BODY_NOT_STRING"],
        body: Some(HTTP_ERROR_BODY),
    },
    Row {
        section: "§2.2",
        api: H2,
        output: "not json",
        status: 500,
        codes: &["RESPONSE_NOT_JSON"],
        body: None,
    },
    Row {
        section: "§2.2 always decodes",
        api: H2,
        output: r#"{"statusCode":200,"isBase64Encoded":true,"body":"aGk="}"#,
        status: 200,
        codes: &[],
        body: Some("hi"),
    },
    Row {
        section: "§2.2 [UNVERIFIED] invalid base64",
        api: H2,
        output: r#"{"statusCode":200,"isBase64Encoded":true,"body":"%%"}"#,
        status: 500,
        codes: &["BASE64_INVALID"],
        body: None,
    },
    Row {
        section: "§2.2 no multiValueHeaders",
        api: H2,
        output: r#"{"statusCode":200,"multiValueHeaders":{"a":["1"]}}"#,
        status: 200,
        codes: &["MULTI_VALUE_HEADERS_IGNORED"],
        body: None,
    },
    Row {
        section: "§2.2 set-cookie",
        api: H2,
        output: r#"{"statusCode":200,"headers":{"set-cookie":"a=1"}}"#,
        status: 200,
        codes: &["SET_COOKIE_IN_HEADERS"],
        body: None,
    },
    Row {
        section: "§2.2 [UNVERIFIED] cookies shape",
        api: H2,
        output: r#"{"statusCode":200,"cookies":"a=1"}"#,
        status: 500,
        codes: &["COOKIES_NOT_ARRAY"],
        body: None,
    },
    Row {
        section: "§2.2 [UNVERIFIED] scalar headers",
        api: H2,
        output: r#"{"statusCode":200,"headers":{"x-n":5}}"#,
        status: 200,
        codes: &["HEADER_VALUE_COERCED"],
        body: None,
    },
    Row {
        section: "§2.2",
        api: H2,
        output: r#"{"statusCode":200,"headers":{"x":{"a":1}}}"#,
        status: 500,
        codes: &["HEADER_VALUE_NOT_STRING"],
        body: None,
    },
    Row {
        section: "[UNVERIFIED] range",
        api: H2,
        output: r#"{"statusCode":1000}"#,
        status: 500,
        codes: &["STATUS_CODE_OUT_OF_RANGE"],
        body: None,
    },
    Row {
        section: "[UNVERIFIED] flag type",
        api: H2,
        output: r#"{"statusCode":200,"isBase64Encoded":"yes","body":"aGk="}"#,
        status: 200,
        codes: &["BASE64_FLAG_NOT_BOOLEAN"],
        body: Some("aGk="),
    },
];

#[test]
fn every_row_of_the_reference() {
    for row in ROWS {
        let ctx = ResponseContext::new(row.api.0, row.api.1);
        let got = interpret(row.output.as_bytes(), &ctx);
        let codes: Vec<&str> = got.findings.iter().map(|f| f.code.as_str()).collect();
        let label = format!("{} {:?} {}", row.section, row.api, row.output);
        assert_eq!(got.client_status, row.status, "{label}: {codes:?}");
        assert_eq!(
            got.ok,
            row.status == 200 || row.status == 201 || row.status == 404,
            "{label}"
        );
        for c in row.codes {
            assert!(codes.contains(c), "{label}: expected {c} in {codes:?}");
        }
        if row.codes.is_empty() {
            assert!(codes.is_empty(), "{label}: unexpected {codes:?}");
        }
        if let Some(b) = row.body {
            assert_eq!(got.client_body, b, "{label}");
        }
        // Every finding says how to fix it.
        assert!(got.findings.iter().all(|f| f.fix.is_some()), "{label}");
    }
}

#[test]
fn unverified_rules_are_labelled() {
    let ctx = ResponseContext::new(ApiType::Rest, PayloadFormat::V1);
    let got = interpret(br#"{"body":"x"}"#, &ctx);
    assert!(got.findings[0].unverified);
    let got = interpret(br#"{"statusCode":200,"body":{}}"#, &ctx);
    assert!(!got.findings[0].unverified);
}

#[test]
fn cookies_become_set_cookie_and_headers_merge() {
    let ctx = ResponseContext::new(ApiType::Http, PayloadFormat::V2);
    let got = interpret(
        br#"{"statusCode":200,"headers":{"content-type":"text/plain"},"cookies":["a=1; Path=/","b=2"],"body":"ok"}"#,
        &ctx,
    );
    assert!(got.ok);
    let sc: Vec<&str> = got
        .client_headers
        .iter()
        .filter(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(sc, ["a=1; Path=/", "b=2"]);

    let ctx = ResponseContext::new(ApiType::Rest, PayloadFormat::V1);
    let got = interpret(
        br#"{"statusCode":200,"headers":{"a":"1","c":"3"},"multiValueHeaders":{"a":["1","2"]}}"#,
        &ctx,
    );
    let a: Vec<&str> = got
        .client_headers
        .iter()
        .filter(|(k, _)| k == "a")
        .map(|(_, v)| v.as_str())
        .collect();
    assert_eq!(a, ["1", "2"], "the pair in both appears once");
    assert_eq!(crate::domain::header(&got.client_headers, "c"), Some("3"));
}

/// Issue 12 case 8b: the proxy-integration rule. Only the request's FIRST Accept media
/// type is compared with binaryMediaTypes; the response's Content-Type alone decides
/// nothing; `*/*` in binaryMediaTypes covers every request.
#[test]
fn rest_binary_media_types_decide_decoding() {
    let out = br#"{"statusCode":200,"headers":{"Content-Type":"image/png"},"isBase64Encoded":true,"body":"AJ+Slg=="}"#;
    let mut ctx = ResponseContext::new(ApiType::Rest, PayloadFormat::V1);
    let decoded = |ctx: &ResponseContext| interpret(out, ctx).client_body_base64.is_some();
    ctx.binary_media_types = vec!["image/*".into()];
    // The Content-Type matches, but no Accept says image: the base64 text is returned.
    let got = interpret(out, &ctx);
    assert!(got.client_body_base64.is_none());
    assert_eq!(got.client_body, "AJ+Slg==");
    let f = got
        .findings
        .iter()
        .find(|f| f.code == "BASE64_NOT_DECODED")
        .expect("the finding says why");
    assert!(
        f.evidence.iter().any(|e| e.contains("first Accept header")),
        "{f:?}"
    );
    // The first Accept media type decides.
    ctx.request_accept = Some("image/png".into());
    assert!(decoded(&ctx));
    ctx.request_accept = Some("image/webp;q=0.9, text/html".into());
    assert!(decoded(&ctx));
    // A match further down the list does not count (a browser's Accept).
    ctx.request_accept =
        Some("text/html,application/xhtml+xml,image/avif,image/webp,*/*;q=0.8".into());
    assert!(!decoded(&ctx));
    ctx.binary_media_types = vec!["application/octet-stream".into()];
    ctx.request_accept = Some("application/octet-stream".into());
    assert!(decoded(&ctx));
    ctx.request_accept = None;
    assert!(!decoded(&ctx));
    // `*/*` in binaryMediaTypes: every request, whatever its Accept.
    ctx.binary_media_types = vec!["*/*".into()];
    assert!(decoded(&ctx));
    ctx.request_accept = Some("text/html".into());
    assert!(decoded(&ctx));
}

#[test]
fn function_error_flag_overrides_shape() {
    let mut ctx = ResponseContext::new(ApiType::Http, PayloadFormat::V2);
    ctx.function_error = Some(false);
    // Returned (not thrown): the 2.0 inference rule applies.
    let got = interpret(br#"{"errorMessage":"x"}"#, &ctx);
    assert_eq!(got.client_status, 200);
    ctx.function_error = Some(true);
    let got = interpret(br#"{"statusCode":200,"body":"fine"}"#, &ctx);
    assert_eq!(got.client_status, 500);
    assert_eq!(got.findings[0].code, "FUNCTION_ERROR");
}

#[test]
fn size_limits() {
    let ctx = ResponseContext::new(ApiType::Rest, PayloadFormat::V1);
    let big = format!(
        r#"{{"statusCode":200,"body":"{}"}}"#,
        "x".repeat(LAMBDA_RESPONSE_LIMIT)
    );
    let got = interpret(big.as_bytes(), &ctx);
    assert_eq!(got.client_status, 502);
    assert_eq!(got.findings[0].code, "RESPONSE_TOO_LARGE_LAMBDA");
    let near = format!(
        r#"{{"statusCode":200,"body":"{}"}}"#,
        "x".repeat(LAMBDA_RESPONSE_LIMIT - 100)
    );
    let got = interpret(near.as_bytes(), &ctx);
    assert!(got.ok);
    assert_eq!(got.findings[0].code, "RESPONSE_NEAR_LIMIT");
}

#[test]
fn error_answers_match_the_api_type() {
    let rest = interpret(
        b"nope",
        &ResponseContext::new(ApiType::Rest, PayloadFormat::V1),
    );
    assert_eq!(
        crate::domain::header(&rest.client_headers, "x-amzn-errortype"),
        Some("InternalServerErrorException")
    );
    let http = interpret(
        b"nope",
        &ResponseContext::new(ApiType::Http, PayloadFormat::V1),
    );
    assert_eq!(http.client_status, 500);
    assert_eq!(http.client_body, HTTP_ERROR_BODY);
}

#[test]
fn every_code_is_registered() {
    for row in ROWS {
        for c in row.codes {
            assert!(crate::domain::FindingCode::parse(c).is_some(), "{c}");
        }
    }
}
