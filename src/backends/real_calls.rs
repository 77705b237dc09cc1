//! Opt-in real calls: requests that make AWS *do* something on the user's
//! behalf rather than read configuration — run a Lambda authorizer
//! (`lambda:Invoke`), simulate a REST authorizer or method through the
//! control plane (`apigateway:TestInvokeAuthorizer` / `TestInvokeMethod`),
//! and read an API key's usage (`apigateway:GetUsage`). They cost money,
//! leave traces in the function's logs and need permissions a read-only
//! identity lacks, so nothing calls them unless the user asked.
//!
//! API key values never cross this trait: a key is named by id, and
//! [`RealCalls::plan_key_for_value`] compares a value the user sent with the
//! plan's keys inside the backend and returns only the matching id and name.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::Serialize;

use super::BackendError;

/// What `lambda:Invoke` (RequestResponse) returned.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FunctionInvocation {
    /// Lambda's own status (200 also when the function threw).
    pub status: u16,
    /// `X-Amz-Function-Error` (`Unhandled` / `Handled`): the function failed
    /// and `payload` is its error object.
    pub function_error: Option<String>,
    /// The function's return value (or error object), as bytes.
    #[serde(skip)]
    pub payload: Vec<u8>,
    /// `X-Amz-Executed-Version`.
    pub executed_version: Option<String>,
}

/// `TestInvokeAuthorizer`'s request: the identity sources go in `headers`
/// (or the query string / stage variables, as the authorizer reads them).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestAuthorizerCall {
    pub rest_api_id: String,
    pub authorizer_id: String,
    pub headers: Vec<(String, String)>,
    pub path_with_query_string: Option<String>,
    pub body: Option<String>,
    pub stage_variables: BTreeMap<String, String>,
}

/// `TestInvokeAuthorizer`'s answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestAuthorizerResult {
    /// 0 when the authorizer allowed, else what the client would get.
    pub client_status: i32,
    pub principal_id: Option<String>,
    /// The policy the authorizer returned (a JSON string, as AWS sends it).
    pub policy: Option<String>,
    /// Context values returned by the authorizer.
    pub authorization: BTreeMap<String, Vec<String>>,
    /// The execution log of this one call (not the CloudWatch format).
    pub log: String,
    pub latency_ms: i64,
}

/// `TestInvokeMethod`'s request: one REST method, by resource id.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TestMethodCall {
    pub rest_api_id: String,
    pub resource_id: String,
    pub http_method: String,
    /// Path (resource path with values) and query string, e.g. `/orders/7?x=1`.
    pub path_with_query_string: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub stage_variables: BTreeMap<String, String>,
}

/// `TestInvokeMethod`'s answer.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TestMethodResult {
    pub status: i32,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    /// The execution log of this request, even when the stage logs nothing.
    pub log: String,
    pub latency_ms: i64,
}

/// An API key of a usage plan, by id and name (never its value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanKey {
    pub plan_id: String,
    pub key_id: String,
    pub name: Option<String>,
}

/// `GetUsage` for one key of one plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyUsage {
    pub plan_id: String,
    pub key_id: String,
    /// `YYYY-MM-DD`, inclusive.
    pub start_date: String,
    pub end_date: String,
    /// One `[used, remaining]` pair per day from `start_date`, as AWS
    /// returns them (`remaining` is left of the plan's quota period).
    pub days: Vec<(i64, i64)>,
}

#[async_trait]
pub trait RealCalls: Send + Sync {
    /// `lambda:Invoke` of `function` (name or ARN) with `payload`, waiting
    /// for the answer. Never retried: a retry would run the function twice.
    async fn invoke_function(
        &self,
        function: &str,
        payload: &[u8],
    ) -> Result<FunctionInvocation, BackendError> {
        let _ = (function, payload);
        Err(BackendError::unsupported("lambda:Invoke"))
    }

    /// `apigateway:TestInvokeAuthorizer` (REST only).
    async fn test_invoke_authorizer(
        &self,
        call: &TestAuthorizerCall,
    ) -> Result<TestAuthorizerResult, BackendError> {
        let _ = call;
        Err(BackendError::unsupported("apigateway:TestInvokeAuthorizer"))
    }

    /// `apigateway:TestInvokeMethod` (REST only).
    async fn test_invoke_method(
        &self,
        call: &TestMethodCall,
    ) -> Result<TestMethodResult, BackendError> {
        let _ = call;
        Err(BackendError::unsupported("apigateway:TestInvokeMethod"))
    }

    /// The key of usage plan `plan_id` whose value is `value`, if any: the
    /// comparison happens in the backend and only the id and name leave it.
    async fn plan_key_for_value(
        &self,
        plan_id: &str,
        value: &str,
    ) -> Result<Option<PlanKey>, BackendError> {
        let _ = (plan_id, value);
        Err(BackendError::unsupported(
            "apigateway:GetUsagePlanKeys (matching the API key you sent)",
        ))
    }

    /// `apigateway:GetUsage` of key `key_id` in plan `plan_id` between two
    /// `YYYY-MM-DD` dates.
    async fn usage(
        &self,
        plan_id: &str,
        key_id: &str,
        start_date: &str,
        end_date: &str,
    ) -> Result<KeyUsage, BackendError> {
        let _ = (plan_id, key_id, start_date, end_date);
        Err(BackendError::unsupported("apigateway:GetUsage"))
    }
}

/// A backend that makes no real calls (each says it is unsupported).
pub struct NoRealCalls;

impl RealCalls for NoRealCalls {}
