//! Plain data shared by every layer: no I/O, no terminal.
//!
//! Each file holds one family of types. The JSON shapes of these types are the
//! CLI's `--output json` contract, so field names are camelCase and named after
//! the AWS fields they come from.

pub mod api;
pub mod custom_domain;
pub mod draft;
pub mod event;
pub mod exec_log;
pub mod fields;
pub mod finding;
pub mod finding_code;
pub mod function;
pub mod function_arn;
pub mod gateway_response;
pub mod health;
pub mod kinds;
pub mod lambda_authorizer;
pub mod logs;
pub mod request;
pub mod response;
pub mod text;
pub mod usage_plan;

pub use api::*;
pub use custom_domain::*;
pub use draft::*;
pub use event::*;
pub use exec_log::*;
pub use finding::*;
pub use finding_code::FindingCode;
pub use function::*;
pub use function_arn::FunctionArn;
pub use gateway_response::*;
pub use kinds::{AuthorizationType, AuthorizerType, IntegrationType};
pub use lambda_authorizer::*;
pub use logs::*;
pub use request::*;
pub use response::*;
pub use text::Text;
pub(crate) use text::intern;
pub use usage_plan::*;
