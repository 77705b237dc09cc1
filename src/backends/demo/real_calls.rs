//! The demo's opt-in real calls: `lambda:Invoke` runs the demo function
//! (an authorizer's too) as the demo gateway would, logging to its log
//! group. TestInvoke* and GetUsage are AWS control-plane features the demo
//! does not emulate: they say so.

use std::sync::Arc;

use async_trait::async_trait;

use super::lambda::{InvokeResult, LambdaService};
use crate::backends::real_calls::{FunctionInvocation, RealCalls};
use crate::backends::{BackendError, ErrorKind};
use crate::domain::FunctionArn;

pub(crate) struct DemoRealCalls {
    pub(super) lambda: Arc<LambdaService>,
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
}
