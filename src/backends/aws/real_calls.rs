//! The opt-in real calls on AWS ([`RealCalls`]): `lambda:Invoke`,
//! `apigateway:TestInvokeAuthorizer` / `TestInvokeMethod`, and `GetUsage`
//! with the plan-key lookup behind it.
//!
//! Invoke and the TestInvoke calls are never retried (each try runs the
//! function again); `GetUsage` and `GetUsagePlanKeys` are reads and are
//! retried like the other control-plane reads. Errors name the permission
//! the call needs (the generic classifier speaks of `apigateway:GET`).

use std::sync::Arc;

use async_trait::async_trait;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::control_plane::AwsControlPlane;
use super::errors::{Call, ErrorFacts, HasStatus, classify};
use super::retry::{RetryPolicy, with_retry};
use crate::backends::real_calls::{
    FunctionInvocation, KeyUsage, PlanKey, RealCalls, TestAuthorizerCall, TestAuthorizerResult,
    TestMethodCall, TestMethodResult,
};
use crate::backends::{BackendError, BackendInfo, ErrorKind};
use crate::domain::FunctionArn;

/// Largest page the REST list calls accept.
const PAGE: i32 = 500;

pub(crate) struct AwsRealCalls {
    cp: Arc<AwsControlPlane>,
}

impl AwsRealCalls {
    pub fn new(cp: Arc<AwsControlPlane>) -> Self {
        AwsRealCalls { cp }
    }

    /// One API Gateway call on `resource` (`/restapis/...`): the error
    /// names the permission as `apigateway:{verb}` on the resource's ARN in
    /// the configured region.
    async fn apigateway_call<T, E, R, F, Fut>(
        &self,
        operation: &'static str,
        verb: &str,
        resource: &str,
        retry: bool,
        f: F,
    ) -> Result<T, BackendError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        let region = self.cp.region()?;
        let permission = format!("apigateway:{verb} on arn:aws:apigateway:{region}::{resource}");
        self.call(Call::new(operation, resource), &permission, retry, f)
            .await
    }

    /// One call: `retry` for reads only; a denial names `permission` (the
    /// action and the resource it is needed on).
    async fn call<T, E, R, F, Fut>(
        &self,
        call: Call,
        permission: &str,
        retry: bool,
        f: F,
    ) -> Result<T, BackendError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, SdkError<E, R>>>,
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + HasStatus,
    {
        self.cp.region()?;
        let policy = if retry {
            self.cp.retry
        } else {
            RetryPolicy {
                max_attempts: 1,
                ..self.cp.retry
            }
        };
        with_retry(&policy, &call, f)
            .await
            .map_err(|facts| real_call_error(&call, permission, &facts, &self.cp.info))
    }
}

/// A failed real call in one sentence: denials name the permission (which
/// names its resource: `apigateway:POST on arn:...`), a
/// throttle says it was not retried (or was, for reads), the rest goes to
/// the common classifier.
pub(crate) fn real_call_error(
    call: &Call,
    permission: &str,
    facts: &ErrorFacts,
    info: &BackendInfo,
) -> BackendError {
    let code = facts.code.as_deref().unwrap_or("");
    let credentials_rejected = matches!(
        code,
        "UnrecognizedClientException"
            | "InvalidSignatureException"
            | "InvalidClientTokenId"
            | "ExpiredTokenException"
    );
    let denied = code == "AccessDeniedException"
        || code == "AccessDenied"
        || (facts.status == Some(403) && !credentials_rejected);
    let op = call.operation;
    if denied && !credentials_rejected {
        return BackendError::new(
            ErrorKind::Auth,
            format!("access denied: {op} needs {permission}"),
        )
        .with_fix(format!(
            "allow {permission} for this identity, or use another --profile"
        ));
    }
    if code == "ResourceNotFoundException"
        || code == "NotFoundException"
        || (facts.status == Some(404) && !credentials_rejected)
    {
        let msg = facts.message.as_deref().unwrap_or("not found");
        return BackendError::new(
            ErrorKind::NotFound,
            format!(
                "{op}: {} was not found ({})",
                call.resource,
                first_line(msg)
            ),
        );
    }
    if facts.is_throttling() {
        return BackendError::new(ErrorKind::Throttled, format!("{op} was throttled ({code})"))
            .with_fix("wait a moment and try again");
    }
    classify(call, facts, info)
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("").trim()
}

fn pairs(m: Option<&std::collections::HashMap<String, String>>) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = m
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

#[async_trait]
impl RealCalls for AwsRealCalls {
    async fn invoke_function(
        &self,
        function: &str,
        payload: &[u8],
    ) -> Result<FunctionInvocation, BackendError> {
        let resource = format!("function:{}", FunctionArn::name_of(function));
        let permission = format!("lambda:InvokeFunction on {resource}");
        let out = self
            .call(Call::new("Invoke", resource), &permission, false, || {
                self.cp
                    .lambda
                    .invoke()
                    .function_name(function)
                    .payload(aws_smithy_types::Blob::new(payload.to_vec()))
                    .send()
            })
            .await?;
        Ok(FunctionInvocation {
            status: u16::try_from(out.status_code()).unwrap_or(0),
            function_error: out.function_error().map(str::to_string),
            payload: out
                .payload()
                .map(|b| b.as_ref().to_vec())
                .unwrap_or_default(),
            executed_version: out.executed_version().map(str::to_string),
        })
    }

    async fn test_invoke_authorizer(
        &self,
        c: &TestAuthorizerCall,
    ) -> Result<TestAuthorizerResult, BackendError> {
        let resource = format!(
            "/restapis/{}/authorizers/{}",
            c.rest_api_id, c.authorizer_id
        );
        let out = self
            .apigateway_call("TestInvokeAuthorizer", "POST", &resource, false, || {
                let mut req = self
                    .cp
                    .rest
                    .test_invoke_authorizer()
                    .rest_api_id(&c.rest_api_id)
                    .authorizer_id(&c.authorizer_id)
                    .set_path_with_query_string(c.path_with_query_string.clone())
                    .set_body(c.body.clone());
                for (k, v) in &c.headers {
                    req = req.headers(k, v);
                }
                for (k, v) in &c.stage_variables {
                    req = req.stage_variables(k, v);
                }
                req.send()
            })
            .await?;
        Ok(TestAuthorizerResult {
            client_status: out.client_status(),
            principal_id: out.principal_id().map(str::to_string),
            policy: out.policy().map(str::to_string),
            authorization: out
                .authorization()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
            log: out.log().unwrap_or_default().to_string(),
            latency_ms: out.latency(),
        })
    }

    async fn test_invoke_method(
        &self,
        c: &TestMethodCall,
    ) -> Result<TestMethodResult, BackendError> {
        let resource = format!(
            "/restapis/{}/resources/{}/methods/{}",
            c.rest_api_id, c.resource_id, c.http_method
        );
        let out = self
            .apigateway_call("TestInvokeMethod", "POST", &resource, false, || {
                let mut req = self
                    .cp
                    .rest
                    .test_invoke_method()
                    .rest_api_id(&c.rest_api_id)
                    .resource_id(&c.resource_id)
                    .http_method(&c.http_method)
                    .path_with_query_string(&c.path_with_query_string)
                    .set_body(c.body.clone());
                for (k, v) in &c.headers {
                    req = req.headers(k, v);
                }
                for (k, v) in &c.stage_variables {
                    req = req.stage_variables(k, v);
                }
                req.send()
            })
            .await?;
        Ok(TestMethodResult {
            status: out.status(),
            headers: pairs(out.headers()),
            body: out.body().map(str::to_string),
            log: out.log().unwrap_or_default().to_string(),
            latency_ms: out.latency(),
        })
    }

    async fn plan_key_for_value(
        &self,
        plan_id: &str,
        value: &str,
    ) -> Result<Option<PlanKey>, BackendError> {
        let resource = format!("/usageplans/{plan_id}/keys");
        let mut position: Option<String> = None;
        loop {
            let page = self
                .apigateway_call("GetUsagePlanKeys", "GET", &resource, true, || {
                    self.cp
                        .rest
                        .get_usage_plan_keys()
                        .usage_plan_id(plan_id)
                        .limit(PAGE)
                        .set_position(position.clone())
                        .send()
                })
                .await?;
            // AWS returns every key's value here: compared, then dropped
            // with the page; only the id and name leave.
            if let Some(k) = page.items().iter().find(|k| k.value() == Some(value)) {
                return Ok(Some(PlanKey {
                    plan_id: plan_id.to_string(),
                    key_id: k.id().unwrap_or_default().to_string(),
                    name: k.name().map(str::to_string),
                }));
            }
            match page.position() {
                Some(p) if !p.is_empty() && Some(p) != position.as_deref() => {
                    position = Some(p.to_string())
                }
                _ => return Ok(None),
            }
        }
    }

    async fn usage(
        &self,
        plan_id: &str,
        key_id: &str,
        start_date: &str,
        end_date: &str,
    ) -> Result<KeyUsage, BackendError> {
        let resource = format!("/usageplans/{plan_id}/usage");
        let out = self
            .apigateway_call("GetUsage", "GET", &resource, true, || {
                self.cp
                    .rest
                    .get_usage()
                    .usage_plan_id(plan_id)
                    .key_id(key_id)
                    .start_date(start_date)
                    .end_date(end_date)
                    .limit(PAGE)
                    .send()
            })
            .await?;
        // The map is keyed by API key id (asked for one: at most one entry;
        // AWS's model text speaks of the key "value": never printed here).
        let days = out
            .items()
            .and_then(|m| m.get(key_id).or_else(|| m.values().next()))
            .map(|days| {
                days.iter()
                    .map(|d| {
                        (
                            d.first().copied().unwrap_or(0),
                            d.get(1).copied().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(KeyUsage {
            plan_id: plan_id.to_string(),
            key_id: key_id.to_string(),
            start_date: out.start_date().unwrap_or(start_date).to_string(),
            end_date: out.end_date().unwrap_or(end_date).to_string(),
            days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::aws::errors::Failure;

    fn denied() -> ErrorFacts {
        ErrorFacts {
            failure: Failure::Service,
            code: Some("AccessDeniedException".into()),
            message: Some("not authorized".into()),
            status: Some(403),
            chain: String::new(),
        }
    }

    #[test]
    fn a_denial_names_the_permission_and_its_resource_once() {
        let call = Call::new("TestInvokeMethod", "/restapis/a1/resources/r1/methods/GET");
        let e = real_call_error(
            &call,
            "apigateway:POST on arn:aws:apigateway:eu-west-1::/restapis/a1/resources/r1/methods/GET",
            &denied(),
            &BackendInfo::default(),
        );
        assert_eq!(e.kind, ErrorKind::Auth);
        assert_eq!(
            e.message,
            "access denied: TestInvokeMethod needs apigateway:POST on arn:aws:apigateway:eu-west-1::/restapis/a1/resources/r1/methods/GET"
        );
        assert_eq!(
            e.fix.as_deref(),
            Some(
                "allow apigateway:POST on arn:aws:apigateway:eu-west-1::/restapis/a1/resources/r1/methods/GET for this identity, or use another --profile"
            )
        );
    }

    #[test]
    fn a_missing_resource_is_not_found_with_the_first_line_of_the_message() {
        let call = Call::new("GetUsage", "/usageplans/p1/usage");
        let mut f = denied();
        f.code = Some("NotFoundException".into());
        f.status = Some(404);
        f.message = Some("Invalid Usage Plan ID specified\nmore".into());
        let e = real_call_error(&call, "apigateway:GET on x", &f, &BackendInfo::default());
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(
            e.message,
            "GetUsage: /usageplans/p1/usage was not found (Invalid Usage Plan ID specified)"
        );
    }
}
