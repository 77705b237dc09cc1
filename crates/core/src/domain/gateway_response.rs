//! REST gateway responses (`GetGatewayResponses`): customised statuses and
//! bodies for errors API Gateway answers itself. HTTP APIs have none.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A REST gateway response: what API Gateway sends for one error type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct GatewayResponse {
    /// `ACCESS_DENIED`, `INVALID_API_KEY`, `QUOTA_EXCEEDED`, `THROTTLED`,
    /// `MISSING_AUTHENTICATION_TOKEN`, `DEFAULT_4XX` ...
    pub response_type: String,
    /// The status it answers with, when customised.
    pub status_code: Option<String>,
    /// Body templates by content type.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_templates: BTreeMap<String, String>,
    /// `gatewayresponse.header.X` → value expression.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub response_parameters: BTreeMap<String, String>,
    /// True for AWS's untouched default.
    #[serde(default)]
    pub default_response: bool,
}
