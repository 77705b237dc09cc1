//! The closed vocabularies API Gateway answers with: a route's authorization
//! type, an integration's type, an authorizer's type. Parsed once at the
//! backend edge; a value this version does not know is kept verbatim as
//! `Other(..)` (AWS adds types; gatescope must show them, not drop them).
//!
//! Each type serialises as the AWS string (`"AWS_PROXY"`), so the JSON output
//! and the cache keep the shape they had when these were plain strings.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

macro_rules! aws_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $s:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)*
            /// A value this version does not know, exactly as AWS sent it.
            Other(String),
        }

        impl $name {
            /// Every known value, in declaration order.
            #[cfg(test)]
            pub(crate) const KNOWN: &'static [$name] = &[$($name::$variant,)*];

            /// The AWS value (any letter case: AWS sends upper case, hand-written
            /// demo configs and older caches may not); unknown ones are kept verbatim.
            pub fn parse(s: &str) -> Self {
                $(if s.eq_ignore_ascii_case($s) {
                    return $name::$variant;
                })*
                $name::Other(s.to_string())
            }

            /// The AWS string.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $s,)*
                    $name::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                $name::parse(s)
            }
        }

        impl From<String> for $name {
            fn from(s: String) -> Self {
                $name::parse(&s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                String::deserialize(d).map($name::from)
            }
        }
    };
}

aws_enum! {
    /// A route's (HTTP API) or method's (REST) `authorizationType`.
    AuthorizationType {
        None = "NONE",
        AwsIam = "AWS_IAM",
        /// A Lambda authorizer.
        Custom = "CUSTOM",
        Jwt = "JWT",
        CognitoUserPools = "COGNITO_USER_POOLS",
    }
}

impl AuthorizationType {
    /// Anything but `NONE` puts an authorizer (or IAM) in front of the route.
    /// An unknown type is assumed to guard the route: saying "open" about a
    /// route we cannot read would be the worse mistake.
    pub fn guards(&self) -> bool {
        *self != AuthorizationType::None
    }
}

aws_enum! {
    /// An integration's `integrationType` (HTTP API) or `type` (REST).
    IntegrationType {
        AwsProxy = "AWS_PROXY",
        HttpProxy = "HTTP_PROXY",
        Aws = "AWS",
        Http = "HTTP",
        Mock = "MOCK",
    }
}

impl IntegrationType {
    /// A Lambda proxy integration: the function builds the whole response.
    pub fn is_lambda_proxy(&self) -> bool {
        *self == IntegrationType::AwsProxy
    }
}

aws_enum! {
    /// An authorizer's `authorizerType` (HTTP API) or `type` (REST).
    AuthorizerType {
        Jwt = "JWT",
        /// A Lambda authorizer fed from request parameters (both API types).
        Request = "REQUEST",
        /// A REST Lambda authorizer fed from one header.
        Token = "TOKEN",
        CognitoUserPools = "COGNITO_USER_POOLS",
    }
}

/// An authorizer whose type was not reported (a record from before the type
/// was read, or a backend that omits it) is "unknown", never a guessed type.
impl Default for AuthorizerType {
    fn default() -> Self {
        AuthorizerType::Other(String::new())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_round_trip_and_unknown_ones_are_kept() {
        for t in IntegrationType::KNOWN {
            assert_eq!(&IntegrationType::parse(t.as_str()), t);
        }
        for t in AuthorizationType::KNOWN {
            assert_eq!(&AuthorizationType::parse(t.as_str()), t);
        }
        for t in AuthorizerType::KNOWN {
            assert_eq!(&AuthorizerType::parse(t.as_str()), t);
        }
        let odd = IntegrationType::parse("VPC_LINK_PROXY");
        assert_eq!(odd, IntegrationType::Other("VPC_LINK_PROXY".into()));
        assert_eq!(odd.as_str(), "VPC_LINK_PROXY");
        assert_eq!(AuthorizationType::parse("jwt"), AuthorizationType::Jwt);
    }

    #[test]
    fn json_keeps_the_aws_string() {
        let v = serde_json::to_string(&IntegrationType::AwsProxy).unwrap();
        assert_eq!(v, r#""AWS_PROXY""#);
        let back: IntegrationType = serde_json::from_str(r#""SOMETHING_NEW""#).unwrap();
        assert_eq!(back, IntegrationType::Other("SOMETHING_NEW".into()));
        let a: AuthorizerType = serde_json::from_str(r#""TOKEN""#).unwrap();
        assert_eq!(a, AuthorizerType::Token);
    }

    #[test]
    fn unknown_authorization_is_treated_as_guarded() {
        assert!(!AuthorizationType::None.guards());
        assert!(AuthorizationType::Jwt.guards());
        assert!(AuthorizationType::parse("FUTURE").guards());
    }
}
