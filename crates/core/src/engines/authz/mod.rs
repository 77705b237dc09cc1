//! Authorization as API Gateway performs it, evaluated locally: Lambda
//! authorizer events ([`event`]), their answers ([`answer`]), IAM policy
//! documents ([`policy`], [`condition`]) for authorizer policies and REST
//! resource policies ([`resource_policy`]), and the authorizer cache pitfall
//! ([`cache`]).
//!
//! ```
//! use gatescope_core::engines::authz::{arn::MethodArn, condition::CallFacts, policy::*};
//! let doc = PolicyDocument::parse_text(r#"{"Statement":{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:*:*:api1/prod/GET/*"}}"#).unwrap();
//! let arn = MethodArn::parse("arn:aws:execute-api:eu-west-1:123456789012:api1/prod/GET/pets/7").unwrap();
//! assert!(doc.evaluate(INVOKE, &arn, &CallFacts::default()).is_allow());
//! ```

pub mod answer;
pub mod arn;
pub mod cache;
pub mod condition;
pub mod event;
pub mod identity;
pub mod policy;
pub mod resource_policy;

#[cfg(test)]
mod tests;
