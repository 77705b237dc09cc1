//! The demo's opt-in real calls: `lambda:Invoke` runs the demo function
//! (an authorizer's too) as the demo gateway would, logging to its log
//! group; `GetUsage` reads the counts the demo's usage plans keep, and the
//! sent-key match compares with the demo's keys inside the backend, as on AWS.
//! TestInvoke* are AWS control-plane features the demo does not emulate: they
//! say so.

use std::sync::Arc;

use async_trait::async_trait;

use super::lambda::{InvokeResult, LambdaService};
use super::usage_plans::UsagePlanState;
use crate::backends::real_calls::{FunctionInvocation, KeyUsage, PlanKey, RealCalls};
use crate::backends::{BackendError, ErrorKind};
use crate::domain::FunctionArn;

pub(crate) struct DemoRealCalls {
    pub(super) lambda: Arc<LambdaService>,
    pub(super) plans: Arc<UsagePlanState>,
}

#[async_trait]
impl RealCalls for DemoRealCalls {
    async fn invoke_function(
        &self,
        function: &str,
        payload: &[u8],
    ) -> Result<FunctionInvocation, BackendError> {
        let name = FunctionArn::name_of(function);
        let event: serde_json::Value = serde_json::from_slice(payload).map_err(|e| {
            BackendError::new(ErrorKind::Other, format!("the payload is not JSON: {e}"))
        })?;
        let Some((_, running)) = self.lambda.invoke(name, event) else {
            return Err(BackendError::new(
                ErrorKind::NotFound,
                format!("Invoke: the demo has no function {name}"),
            ));
        };
        let result = running.await.map_err(|e| {
            BackendError::new(
                ErrorKind::Other,
                format!("the demo function {name} stopped: {e}"),
            )
        })?;
        let (function_error, payload) = match result {
            InvokeResult::Returned(bytes) => (None, bytes),
            InvokeResult::FunctionError(err) => {
                (Some("Unhandled".to_string()), err.to_string().into_bytes())
            }
        };
        Ok(FunctionInvocation {
            status: 200,
            function_error,
            payload,
            executed_version: Some("$LATEST".into()),
        })
    }

    async fn plan_key_for_value(
        &self,
        plan_id: &str,
        value: &str,
    ) -> Result<Option<PlanKey>, BackendError> {
        let plan = self.plan(plan_id)?;
        // As GetUsagePlanKeys does: disabled keys are listed too.
        Ok(self
            .plans
            .account
            .keys
            .iter()
            .find(|k| k.value == value && plan.keys.iter().any(|p| p.id == k.id))
            .map(|k| PlanKey {
                plan_id: plan_id.to_string(),
                key_id: k.id.clone(),
                name: Some(k.name.clone()),
            }))
    }

    async fn usage(
        &self,
        plan_id: &str,
        key_id: &str,
        start_date: &str,
        end_date: &str,
    ) -> Result<KeyUsage, BackendError> {
        let plan = self.plan(plan_id)?;
        if !plan.keys.iter().any(|k| k.id == key_id) {
            return Err(BackendError::new(
                ErrorKind::NotFound,
                format!("GetUsage: API key {key_id} is not in usage plan {plan_id}"),
            ));
        }
        let date = |s: &str| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
                BackendError::new(
                    ErrorKind::Config,
                    format!("GetUsage: {s:?} is not a YYYY-MM-DD date"),
                )
            })
        };
        let (start, end) = (date(start_date)?, date(end_date)?);
        // The demo answers at most 90 days at a time (its answer stays bounded).
        if end < start || (end - start).num_days() > 90 {
            return Err(BackendError::new(
                ErrorKind::Config,
                format!(
                    "GetUsage: {start_date}..{end_date} is not a range of at most 90 days (the demo's limit)"
                ),
            ));
        }
        let days = self
            .plans
            .usage(plan_id, key_id, start, end)
            .unwrap_or_default();
        Ok(KeyUsage {
            plan_id: plan_id.to_string(),
            key_id: key_id.to_string(),
            start_date: start_date.to_string(),
            end_date: end_date.to_string(),
            days,
        })
    }
}

impl DemoRealCalls {
    fn plan(&self, plan_id: &str) -> Result<&crate::domain::UsagePlan, BackendError> {
        self.plans
            .account
            .resources
            .usage_plans
            .plans
            .iter()
            .find(|p| p.id == plan_id)
            .ok_or_else(|| {
                BackendError::new(
                    ErrorKind::NotFound,
                    format!("the demo has no usage plan {plan_id}"),
                )
            })
    }
}
