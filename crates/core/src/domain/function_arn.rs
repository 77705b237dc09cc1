//! `FunctionArn`: how an integration, an authorizer or the user names a Lambda
//! function, with the ONE parser of that name. Every place that needs the
//! function's name, region or qualifier asks this type instead of splitting
//! the text by hand.
//!
//! Lambda accepts three spellings (`GetFunctionConfiguration`'s
//! `FunctionName`): a full ARN `arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`,
//! a partial ARN `ACCOUNT:function:NAME[:QUALIFIER]`, and a bare `NAME[:QUALIFIER]`.
//! The text is kept as given, because that is what Lambda must be asked with.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A Lambda function as some configuration names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FunctionArn(String);

/// The pieces of a function reference, borrowed from its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FunctionParts<'a> {
    pub region: Option<&'a str>,
    pub account: Option<&'a str>,
    pub name: &'a str,
    pub qualifier: Option<&'a str>,
}

impl FunctionArn {
    /// Any spelling Lambda accepts; the text is kept as given (trimmed).
    pub fn new(text: impl Into<String>) -> FunctionArn {
        let text: String = text.into();
        FunctionArn(text.trim().to_string())
    }

    /// The function behind an integration or authorizer URI: the ARN itself,
    /// or the one wrapped in
    /// `arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/ARN/invocations`.
    /// `None` when the URI names no Lambda function (an HTTP URL, another service).
    pub(crate) fn from_uri(uri: &str) -> Option<FunctionArn> {
        let uri = uri.trim();
        if let Some((_, rest)) = uri.split_once("/functions/") {
            let arn = rest.strip_suffix("/invocations").unwrap_or(rest);
            return (!arn.is_empty()).then(|| FunctionArn::new(arn));
        }
        let mut it = uri.splitn(4, ':');
        let lambda_arn =
            it.next() == Some("arn") && it.next().is_some() && it.next() == Some("lambda");
        lambda_arn.then(|| FunctionArn::new(uri))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Region, account, name and qualifier, as far as the spelling has them.
    pub fn parts(&self) -> FunctionParts<'_> {
        FunctionArn::parse_parts(&self.0)
    }

    /// The one parser, over borrowed text (for callers holding a `&str`).
    pub(crate) fn parse_parts<'a>(text: &'a str) -> FunctionParts<'a> {
        let (head, tail) = match text.split_once(":function:") {
            Some((h, t)) => (Some(h), t),
            None => (None, text),
        };
        let (name, qualifier) = match tail.split_once(':') {
            Some((n, q)) => (n, Some(q).filter(|q| !q.is_empty())),
            None => (tail, None),
        };
        // head: `arn:PARTITION:lambda:REGION:ACCOUNT` or `ACCOUNT`.
        let (region, account) = match head.map(|h| h.split(':').collect::<Vec<_>>()) {
            Some(p) if p.len() == 5 && p[0] == "arn" => (Some(p[3]), Some(p[4])),
            Some(p) if p.len() == 1 => (None, Some(p[0])),
            _ => (None, None),
        };
        let nonempty = |s: Option<&'a str>| s.filter(|s| !s.is_empty());
        FunctionParts {
            region: nonempty(region),
            account: nonempty(account),
            name,
            qualifier,
        }
    }

    /// The function's name (what `/aws/lambda/NAME` and the console use).
    pub fn name(&self) -> &str {
        self.parts().name
    }

    /// The name in any spelling of a function reference.
    pub fn name_of(text: &str) -> &str {
        FunctionArn::parse_parts(text).name
    }

    /// `true` when two references name the same function (an ARN with a
    /// qualifier and the bare name compare equal: the name is what Lambda
    /// logs and configures by).
    pub fn same_function(a: &str, b: &str) -> bool {
        a == b || FunctionArn::name_of(a) == FunctionArn::name_of(b)
    }

    /// A URI built from a stage variable (`function:${stageVariables.fn}`)
    /// names no function by itself: only a deployed stage resolves it.
    pub fn is_templated(&self) -> bool {
        self.0.contains("${")
    }
}

impl fmt::Display for FunctionArn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for FunctionArn {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_spelling_yields_the_name() {
        let cases = [
            (
                "arn:aws:lambda:eu-west-1:123456789012:function:orders",
                "orders",
                None,
                Some("eu-west-1"),
                Some("123456789012"),
            ),
            (
                "arn:aws:lambda:eu-west-1:123456789012:function:orders:live",
                "orders",
                Some("live"),
                Some("eu-west-1"),
                Some("123456789012"),
            ),
            (
                "arn:aws-cn:lambda:cn-north-1:1:function:f:$LATEST",
                "f",
                Some("$LATEST"),
                Some("cn-north-1"),
                Some("1"),
            ),
            (
                "123456789012:function:orders",
                "orders",
                None,
                None,
                Some("123456789012"),
            ),
            ("orders", "orders", None, None, None),
            ("orders:7", "orders", Some("7"), None, None),
        ];
        for (text, name, qualifier, region, account) in cases {
            let f = FunctionArn::new(text);
            let p = f.parts();
            assert_eq!(
                (p.name, p.qualifier, p.region, p.account),
                (name, qualifier, region, account),
                "{text}"
            );
        }
    }

    #[test]
    fn integration_uris_unwrap_to_the_function() {
        let wrapped = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:1:function:f/invocations";
        assert_eq!(
            FunctionArn::from_uri(wrapped).unwrap().as_str(),
            "arn:aws:lambda:us-east-1:1:function:f"
        );
        let direct = "arn:aws:lambda:us-east-1:1:function:f";
        assert_eq!(FunctionArn::from_uri(direct).unwrap().name(), "f");
        assert_eq!(
            FunctionArn::from_uri("arn:aws-us-gov:lambda:us-gov-west-1:1:function:g")
                .unwrap()
                .name(),
            "g"
        );
        assert_eq!(FunctionArn::from_uri("https://example.com/functions"), None);
        assert_eq!(FunctionArn::from_uri("https://example.com/x"), None);
        assert_eq!(
            FunctionArn::from_uri("arn:aws:states:us-east-1:1:stateMachine:s"),
            None
        );
        assert_eq!(FunctionArn::from_uri(""), None);
    }

    #[test]
    fn same_function_ignores_spelling_and_qualifier() {
        assert!(FunctionArn::same_function(
            "arn:aws:lambda:us-east-1:1:function:orders:live",
            "orders"
        ));
        assert!(!FunctionArn::same_function("orders", "users"));
    }

    #[test]
    fn stage_variable_uris_are_templated() {
        let f = FunctionArn::from_uri("arn:aws:lambda:us-east-1:1:function:${stageVariables.fn}")
            .unwrap();
        assert!(f.is_templated());
    }
}
