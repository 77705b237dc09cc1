//! What gatescope knows about a Lambda function's own configuration (the
//! Lambda API's `GetFunctionConfiguration`, or the demo's definitions). The
//! doctor compares it with the integration in front of the function.

use serde::{Deserialize, Serialize};

/// One function's configuration, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct FunctionConfig {
    /// Function ARN or name, as the integration URI names it.
    pub arn: String,
    pub timeout_s: Option<f64>,
    pub memory_mb: Option<u64>,
    /// Why the configuration could not be read (access denied, not found),
    /// in one sentence; `None` when it was read. Lets the doctor say "not
    /// checked" instead of staying silent or failing the whole lint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unavailable: Option<String>,
}

impl FunctionConfig {
    /// A function whose configuration could not be read, with the reason.
    pub fn unavailable(arn: impl Into<String>, reason: impl Into<String>) -> FunctionConfig {
        FunctionConfig {
            arn: arn.into(),
            unavailable: Some(reason.into()),
            ..Default::default()
        }
    }
}
