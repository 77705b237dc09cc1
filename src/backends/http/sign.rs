//! AWS SigV4 for `execute-api`: the signature comes from the `aws-sigv4`
//! crate; the canonical request and string-to-sign are rebuilt here for the
//! debug pane (the crate keeps them private), and the rebuilt signature is
//! compared with the crate's so the pane never shows something that was not
//! actually signed.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use percent_encoding::utf8_percent_encode;
use serde::Serialize;

use crate::domain::HttpRequest;
use crate::engines::compose::STRICT;

/// The signing service for API Gateway's data plane.
pub(crate) const SERVICE: &str = "execute-api";

/// Headers the crate never signs (their values change in transit or are the signature).
const UNSIGNED_HEADERS: &[&str] = &[
    "authorization",
    "user-agent",
    "x-amzn-trace-id",
    "transfer-encoding",
];

/// What the debug pane shows for a signed request. Holds no secret: the
/// access key id appears only in `authorization`, which callers redact
/// before persisting like any other `Authorization` value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SigningDebug {
    pub region: String,
    pub service: String,
    /// `20261125T093800Z`
    pub amz_date: String,
    /// `20261125/eu-west-1/execute-api/aws4_request`
    pub credential_scope: String,
    /// `host;x-amz-date;x-amz-security-token`
    pub signed_headers: String,
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signature: String,
    /// True when the canonical request rebuilt here yields the crate's signature.
    pub verified: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("cannot sign: the URL {0:?} is not valid")]
    BadUrl(String),
    #[error(
        "cannot sign: header {0:?} has a non-ASCII value, which SigV4 cannot sign (percent-encode it or drop it)"
    )]
    BadHeader(String),
    #[error("cannot sign: {0}")]
    Signer(String),
}

/// Sign `req` for `execute-api` in `region` at `time`. Returns the request
/// with `x-amz-date`, `x-amz-security-token` (when the credentials have a
/// session token) and `authorization` added, and the debug view.
pub fn sign_request(
    req: &HttpRequest,
    creds: &Credentials,
    region: &str,
    time: SystemTime,
) -> Result<(HttpRequest, SigningDebug), SignError> {
    let mut req = req.clone();
    // A re-sign replaces the previous signature instead of adding a second one.
    req.headers.retain(|(k, _)| {
        !["authorization", "x-amz-date", "x-amz-security-token"]
            .iter()
            .any(|h| k.eq_ignore_ascii_case(h))
    });
    for (k, v) in &req.headers {
        if !v.is_ascii() {
            return Err(SignError::BadHeader(k.clone()));
        }
    }
    let identity = creds.clone().into();
    let params = v4::SigningParams::builder()
        .identity(&identity)
        .region(region)
        .name(SERVICE)
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .map_err(|e| SignError::Signer(e.to_string()))?;
    let signable = SignableRequest::new(
        &req.method,
        req.url.as_str(),
        req.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Bytes(&req.body),
    )
    .map_err(|_| SignError::BadUrl(req.url.clone()))?;
    let (instructions, signature) = sign(signable, &params.into())
        .map_err(|e| SignError::Signer(e.to_string()))?
        .into_parts();
    for (name, value) in instructions.headers() {
        req.headers.push((name.to_string(), value.to_string()));
    }
    let debug = rebuild(&req, creds, region, time, signature)?;
    Ok((req, debug))
}

/// Rebuild the canonical request of an already signed request (the
/// `x-amz-date` and token headers are in `req.headers`).
fn rebuild(
    req: &HttpRequest,
    creds: &Credentials,
    region: &str,
    time: SystemTime,
    crate_signature: String,
) -> Result<SigningDebug, SignError> {
    let amz_date = req
        .header("x-amz-date")
        .unwrap_or_default()
        .trim()
        .to_string();
    let date = amz_date.get(..8).unwrap_or_default();
    let credential_scope = format!("{date}/{region}/{SERVICE}/aws4_request");
    let (canonical_request, signed_headers) = canonical_request(req)?;
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{credential_scope}\n{}",
        sha256_hex(canonical_request.as_bytes())
    );
    let key = v4::generate_signing_key(creds.secret_access_key(), time, region, SERVICE);
    let mine = v4::calculate_signature(key, string_to_sign.as_bytes());
    Ok(SigningDebug {
        region: region.to_string(),
        service: SERVICE.to_string(),
        amz_date,
        credential_scope,
        signed_headers,
        canonical_request,
        string_to_sign,
        verified: mine == crate_signature,
        signature: crate_signature,
    })
}

/// The SigV4 canonical request of `req` as API Gateway computes it:
/// method, normalised and double-encoded path, sorted re-encoded query,
/// lower-cased sorted headers (values trimmed, repeats joined with `,`),
/// signed-header list, payload hash. Returns it with the signed-header list.
pub fn canonical_request(req: &HttpRequest) -> Result<(String, String), SignError> {
    let uri: http::Uri = req
        .url
        .parse()
        .map_err(|_| SignError::BadUrl(req.url.clone()))?;
    let path = utf8_percent_encode(&normalize_path(uri.path()), GREEDY).to_string();

    let mut query: Vec<(String, String)> =
        url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes())
            .map(|(k, v)| {
                (
                    utf8_percent_encode(&k, STRICT).to_string(),
                    utf8_percent_encode(&v, STRICT).to_string(),
                )
            })
            .collect();
    query.sort();
    let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();

    let mut headers: Vec<(String, String)> = Vec::new();
    if !req
        .headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("host"))
    {
        headers.push(("host".into(), host_header(&uri)));
    }
    for (k, v) in &req.headers {
        let name = k.to_ascii_lowercase();
        if UNSIGNED_HEADERS.contains(&name.as_str()) {
            continue;
        }
        let value = trim_all(v);
        match headers.iter_mut().find(|(n, _)| *n == name) {
            Some((_, existing)) => {
                existing.push(',');
                existing.push_str(&value);
            }
            None => headers.push((name, value)),
        }
    }
    headers.sort();
    let signed: Vec<&str> = headers.iter().map(|(k, _)| k.as_str()).collect();
    let signed = signed.join(";");
    let mut out = format!("{}\n{path}\n{}\n", req.method, query.join("&"));
    for (k, v) in &headers {
        out.push_str(&format!("{k}:{v}\n"));
    }
    out.push_str(&format!("\n{signed}\n{}", sha256_hex(&req.body)));
    Ok((out, signed))
}

/// The path set for a greedy label: everything but unreserved and `/`.
const GREEDY: &percent_encoding::AsciiSet = &STRICT.remove(b'/');

/// RFC 3986 dot-segment removal plus collapsing of empty segments, as the
/// signers do for every service but S3.
fn normalize_path(path: &str) -> String {
    if path.is_empty() {
        return "/".into();
    }
    if !(path.contains('.') || path.contains("//")) {
        return path.to_string();
    }
    let mut segs: Vec<&str> = Vec::new();
    for s in path.split('/') {
        match s {
            "" | "." => {}
            ".." => {
                segs.pop();
            }
            s => segs.push(s),
        }
    }
    let mut out = format!("/{}", segs.join("/"));
    let trailing = ["/", "/.", "/./", "/..", "/../"]
        .iter()
        .any(|t| path.ends_with(t));
    if trailing && !out.ends_with('/') {
        out.push('/');
    }
    out
}

fn host_header(uri: &http::Uri) -> String {
    let host = uri.host().unwrap_or_default();
    let default_port = matches!(
        (uri.scheme_str(), uri.port_u16()),
        (Some("http"), Some(80)) | (Some("https"), Some(443))
    );
    match uri.port_u16() {
        Some(p) if !default_port => format!("{host}:{p}"),
        _ => host.to_string(),
    }
}

/// Trim spaces and collapse runs of spaces (SigV4 header value rule).
fn trim_all(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    let mut prev_space = false;
    for c in v.trim_matches(' ').chars() {
        if c == ' ' && prev_space {
            continue;
        }
        prev_space = c == ' ';
        out.push(c);
    }
    out
}

pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    let d = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, bytes);
    d.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            token.map(str::to_string),
            None,
            "test",
        )
    }

    fn at() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_764_063_480)
    }

    fn req(url: &str) -> HttpRequest {
        HttpRequest::new("GET", url)
    }

    #[test]
    fn rebuilt_canonical_request_matches_the_crate_signature() {
        let cases = [
            "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items?b=2&a=1&a=0",
            "https://abc.execute-api.eu-west-1.amazonaws.com/a%20b/%C3%BC/x/../y//z?q=a%20b%2Bc&e=",
            "http://127.0.0.1:8080/files/dir%20one/f.txt?x=%2F%3D",
            "https://h.example:443/",
        ];
        for url in cases {
            for token in [None, Some("SESSIONTOKEN/+=")] {
                let mut r = req(url);
                r.headers.push(("X-Custom".into(), "  a   b ".into()));
                r.headers.push(("x-custom".into(), "c".into()));
                r.headers.push(("User-Agent".into(), "ignored".into()));
                r.body = b"{\"k\": 1}".to_vec();
                let (signed, dbg) = sign_request(&r, &creds(token), "eu-west-1", at()).unwrap();
                assert!(dbg.verified, "{url}\n{}", dbg.canonical_request);
                let auth = signed.header("authorization").unwrap();
                assert!(auth.ends_with(&dbg.signature));
                assert!(auth.contains(&dbg.signed_headers));
                assert_eq!(
                    signed.header("x-amz-security-token").is_some(),
                    token.is_some()
                );
            }
        }
    }

    #[test]
    fn canonical_request_shape() {
        let mut r = req("http://127.0.0.1:8080/a%20b?z=1&a=%2B");
        r.headers
            .push(("x-amz-date".into(), "20251125T093800Z".into()));
        let (creq, signed) = canonical_request(&r).unwrap();
        assert_eq!(signed, "host;x-amz-date");
        assert_eq!(
            creq,
            "GET\n/a%2520b\na=%2B&z=1\nhost:127.0.0.1:8080\nx-amz-date:20251125T093800Z\n\n\
             host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn resigning_replaces_the_old_signature() {
        let r = req("https://h.example/x");
        let (once, _) = sign_request(&r, &creds(Some("t1")), "us-east-1", at()).unwrap();
        let (twice, _) = sign_request(&once, &creds(None), "us-east-1", at()).unwrap();
        assert_eq!(
            twice
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
                .count(),
            1
        );
        assert!(twice.header("x-amz-security-token").is_none());
    }

    #[test]
    fn non_ascii_header_values_are_refused_with_a_reason() {
        let mut r = req("https://h.example/x");
        r.headers.push(("x-name".into(), "ünï".into()));
        let e = sign_request(&r, &creds(None), "us-east-1", at()).unwrap_err();
        assert!(e.to_string().contains("x-name"));
    }
}
