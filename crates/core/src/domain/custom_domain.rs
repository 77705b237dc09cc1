//! Custom domain names with their API mappings (apigatewayv2) and base-path
//! mappings (apigateway), reference §14. The same domain can be seen through
//! both APIs; the backend merges them by name.

use serde::{Deserialize, Serialize};

/// One custom domain name with its mappings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct CustomDomain {
    pub domain_name: String,
    /// The DNS target (`d-xxxx.execute-api...` or a CloudFront name).
    pub target_domain_name: Option<String>,
    /// REGIONAL | EDGE | PRIVATE
    pub endpoint_type: Option<String>,
    pub status: Option<String>,
    #[serde(default)]
    pub mappings: Vec<DomainMapping>,
}

/// A base-path mapping (REST) or API mapping (apigatewayv2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct DomainMapping {
    pub api_id: String,
    /// `None`: callers name the stage after the base path (REST `(none)`).
    pub stage: Option<String>,
    /// The mapping key without slashes; empty is the `(none)` catch-all.
    #[serde(default)]
    pub base_path: String,
}

impl DomainMapping {
    /// `https://{domain}/{basePath}` (no trailing slash).
    pub fn url(&self, domain: &str) -> String {
        if self.base_path.is_empty() {
            format!("https://{domain}")
        } else {
            format!("https://{domain}/{}", self.base_path)
        }
    }
}
