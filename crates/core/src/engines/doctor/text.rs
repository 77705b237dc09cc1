//! Small text helpers shared by the rules: reading `www-authenticate`,
//! mapping authorizer messages to codes, formatting evidence.

use crate::domain::FindingCode;
use crate::domain::HttpResponse;

/// A parsed `www-authenticate: Bearer scope="" error="invalid_token" error_description="..."`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct WwwAuthenticate {
    pub raw: String,
    pub error: Option<String>,
    pub description: Option<String>,
    pub scope: Option<String>,
}

pub fn www_authenticate(resp: &HttpResponse) -> Option<WwwAuthenticate> {
    let raw = resp.header("www-authenticate")?.to_string();
    let attr = |name: &str| -> Option<String> {
        let needle = format!("{name}=\"");
        let start = raw.find(&needle)? + needle.len();
        let end = raw[start..].find('"')? + start;
        Some(raw[start..end].to_string())
    };
    Some(WwwAuthenticate {
        error: attr("error"),
        description: attr("error_description"),
        scope: attr("scope"),
        raw,
    })
}

/// Map a JWT authorizer message (`www-authenticate` description or
/// `$context.authorizer.error`) to a finding code. Only the audience and
/// expiry wordings are documented; the rest match on key words
/// ([UNVERIFIED] exact texts), so the second value says whether it was a
/// documented wording.
pub(crate) fn jwt_reason(text: &str) -> Option<(FindingCode, bool)> {
    let t = text.to_ascii_lowercase();
    if t.contains("valid audience") {
        return Some((FindingCode::JwtAudienceMismatch, true));
    }
    if t.contains("has expired") {
        return Some((FindingCode::JwtExpired, true));
    }
    let code = if t.contains("audience") || t.contains("aud ") {
        FindingCode::JwtAudienceMismatch
    } else if t.contains("expired") {
        FindingCode::JwtExpired
    } else if t.contains("issuer") || t.contains("iss ") {
        FindingCode::JwtIssuerMismatch
    } else if t.contains("not valid yet") || t.contains("nbf") || t.contains("before") {
        FindingCode::JwtNotYetValid
    } else if t.contains("scope") {
        FindingCode::JwtScopeMissing
    } else if t.contains("malformed") || t.contains("decode") || t.contains("parse") {
        FindingCode::JwtMalformed
    } else if t.contains("missing") || t.contains("no token") || t.contains("not found") {
        FindingCode::JwtMissing
    } else if t.contains("token")
        || t.contains("signature")
        || t.contains("kid")
        || t.contains("jwt")
    {
        FindingCode::JwtInvalid
    } else {
        return None;
    };
    Some((code, false))
}

/// Access-log placeholders for "no value": empty, `-`, `null`.
pub fn blank(s: Option<&str>) -> bool {
    match s.map(str::trim) {
        None => true,
        Some(v) => v.is_empty() || v == "-" || v == "null",
    }
}

/// The value, unless it is a placeholder.
pub fn present(s: Option<&str>) -> Option<&str> {
    (!blank(s)).then(|| s.unwrap_or_default().trim())
}

pub fn ms(v: f64) -> String {
    if v >= 1000.0 {
        format!("{:.2} s", v / 1000.0)
    } else {
        format!("{v:.0} ms")
    }
}

/// A value cut to one line of reasonable length, for evidence.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let one_line = s.replace(['\n', '\r'], " ");
    if one_line.chars().count() <= max {
        return one_line;
    }
    let mut out: String = one_line.chars().take(max).collect();
    out.push('…');
    out
}

/// Human size of a byte count.
pub fn bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn www_authenticate_attributes_are_read() {
        let resp = HttpResponse {
            status: 401,
            headers: vec![(
                "www-authenticate".into(),
                r#"Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience""#.into(),
            )],
            ..Default::default()
        };
        let w = www_authenticate(&resp).unwrap();
        assert_eq!(w.error.as_deref(), Some("invalid_token"));
        assert_eq!(
            w.description.as_deref(),
            Some("the token does not have a valid audience")
        );
        assert_eq!(w.scope.as_deref(), Some(""));
    }

    #[test]
    fn jwt_messages_map_to_codes() {
        assert_eq!(
            jwt_reason("the token has expired"),
            Some((FindingCode::JwtExpired, true))
        );
        assert_eq!(
            jwt_reason("the token does not have a valid audience")
                .unwrap()
                .0,
            FindingCode::JwtAudienceMismatch
        );
        assert_eq!(
            jwt_reason("the token does not have a valid issuer")
                .unwrap()
                .0,
            FindingCode::JwtIssuerMismatch
        );
        assert_eq!(jwt_reason("disk full"), None);
    }

    #[test]
    fn placeholders_are_blank() {
        assert!(blank(Some("-")));
        assert!(blank(Some(" ")));
        assert!(blank(None));
        assert_eq!(present(Some("x")), Some("x"));
    }
}
