//! The running demo's opt-in real calls, for other gatescope processes: the demo
//! serves its [`RealCalls`] on the control port (`/_gatescope/calls/...`) and
//! [`RemoteCalls`] is the client of every process attached to it (the TUI's
//! `gatescope demo` beside a `demo --serve`, `gatescope demo usage ...`), so an
//! authorizer invoked or a key's usage read there is the serving demo's own.
//!
//! A sent API key value crosses only this loopback hop, to be compared inside the
//! demo process; only the matching key's id and name come back.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use axum::Router;
use axum::extract::State;
use axum::routing::post;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};

use super::remote_logs::{Answer, Failed, call_control, control_client, json_post};
use crate::backends::BackendError;
use crate::backends::real_calls::{FunctionInvocation, KeyUsage, PlanKey, RealCalls};

#[derive(Debug, Serialize, Deserialize)]
struct InvokeArgs {
    function: String,
    /// The payload, base64 (any bytes).
    payload: String,
}

/// [`FunctionInvocation`] on the wire (its payload is not part of its JSON form).
#[derive(Debug, Serialize, Deserialize)]
struct WireInvocation {
    status: u16,
    function_error: Option<String>,
    payload: String,
    executed_version: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct PlanKeyArgs {
    plan_id: String,
    value: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct WirePlanKey {
    plan_id: String,
    key_id: String,
    name: Option<String>,
}

#[derive(Debug, Serialize, Deserialize)]
struct UsageArgs {
    plan_id: String,
    key_id: String,
    start_date: String,
    end_date: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct WireUsage {
    days: Vec<(i64, i64)>,
}

/// The control routes of the demo's real calls.
pub fn routes(calls: Arc<dyn RealCalls>) -> Router {
    Router::new()
        .route("/_gatescope/calls/invoke", post(invoke))
        .route("/_gatescope/calls/plan-key", post(plan_key))
        .route("/_gatescope/calls/usage", post(usage))
        .with_state(calls)
}

async fn invoke(
    State(calls): State<Arc<dyn RealCalls>>,
    axum::Json(a): axum::Json<InvokeArgs>,
) -> Answer<WireInvocation> {
    let payload = STANDARD.decode(a.payload.as_bytes()).map_err(|e| {
        Failed(BackendError::new(
            crate::backends::ErrorKind::Config,
            format!("the payload is not base64: {e}"),
        ))
    })?;
    let r = calls
        .invoke_function(&a.function, &payload)
        .await
        .map_err(Failed)?;
    Ok(axum::Json(WireInvocation {
        status: r.status,
        function_error: r.function_error,
        payload: STANDARD.encode(&r.payload),
        executed_version: r.executed_version,
    }))
}

async fn plan_key(
    State(calls): State<Arc<dyn RealCalls>>,
    axum::Json(a): axum::Json<PlanKeyArgs>,
) -> Answer<Option<WirePlanKey>> {
    let k = calls
        .plan_key_for_value(&a.plan_id, &a.value)
        .await
        .map_err(Failed)?;
    Ok(axum::Json(k.map(|k| WirePlanKey {
        plan_id: k.plan_id,
        key_id: k.key_id,
        name: k.name,
    })))
}

async fn usage(
    State(calls): State<Arc<dyn RealCalls>>,
    axum::Json(a): axum::Json<UsageArgs>,
) -> Answer<WireUsage> {
    let u = calls
        .usage(&a.plan_id, &a.key_id, &a.start_date, &a.end_date)
        .await
        .map_err(Failed)?;
    Ok(axum::Json(WireUsage { days: u.days }))
}

/// The [`RealCalls`] of a demo running in another process. TestInvoke* are not
/// carried over (the demo does not emulate them anywhere): the trait's defaults
/// say so.
pub struct RemoteCalls {
    base: String,
    client: reqwest::Client,
}

impl RemoteCalls {
    pub fn new(control_url: &str) -> Result<Self, BackendError> {
        Ok(RemoteCalls {
            base: format!("{}/_gatescope/calls", control_url.trim_end_matches('/')),
            // A function may take its whole timeout (the demo's longest is 30 s).
            client: control_client(Duration::from_secs(60))?,
        })
    }
}

#[async_trait]
impl RealCalls for RemoteCalls {
    async fn invoke_function(
        &self,
        function: &str,
        payload: &[u8],
    ) -> Result<FunctionInvocation, BackendError> {
        let args = InvokeArgs {
            function: function.to_string(),
            payload: STANDARD.encode(payload),
        };
        let w: WireInvocation = call_control(json_post(
            &self.client,
            format!("{}/invoke", self.base),
            &args,
        ))
        .await?;
        let payload = STANDARD.decode(w.payload.as_bytes()).map_err(|e| {
            BackendError::new(
                crate::backends::ErrorKind::Other,
                format!("the running demo answered a payload that is not base64 ({e})"),
            )
        })?;
        Ok(FunctionInvocation {
            status: w.status,
            function_error: w.function_error,
            payload,
            executed_version: w.executed_version,
        })
    }

    async fn plan_key_for_value(
        &self,
        plan_id: &str,
        value: &str,
    ) -> Result<Option<PlanKey>, BackendError> {
        let args = PlanKeyArgs {
            plan_id: plan_id.to_string(),
            value: value.to_string(),
        };
        let k: Option<WirePlanKey> = call_control(json_post(
            &self.client,
            format!("{}/plan-key", self.base),
            &args,
        ))
        .await?;
        Ok(k.map(|k| PlanKey {
            plan_id: k.plan_id,
            key_id: k.key_id,
            name: k.name,
        }))
    }

    async fn usage(
        &self,
        plan_id: &str,
        key_id: &str,
        start_date: &str,
        end_date: &str,
    ) -> Result<KeyUsage, BackendError> {
        let args = UsageArgs {
            plan_id: plan_id.to_string(),
            key_id: key_id.to_string(),
            start_date: start_date.to_string(),
            end_date: end_date.to_string(),
        };
        let w: WireUsage = call_control(json_post(
            &self.client,
            format!("{}/usage", self.base),
            &args,
        ))
        .await?;
        Ok(KeyUsage {
            plan_id: plan_id.to_string(),
            key_id: key_id.to_string(),
            start_date: start_date.to_string(),
            end_date: end_date.to_string(),
            days: w.days,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backends::ErrorKind;

    /// Echoes the payload back and knows one key, as a stand-in for the demo's calls.
    struct Echo;

    #[async_trait]
    impl RealCalls for Echo {
        async fn invoke_function(
            &self,
            function: &str,
            payload: &[u8],
        ) -> Result<FunctionInvocation, BackendError> {
            if function == "missing" {
                return Err(BackendError::new(
                    ErrorKind::NotFound,
                    "no function missing",
                ));
            }
            Ok(FunctionInvocation {
                status: 200,
                function_error: Some("Unhandled".into()),
                payload: payload.to_vec(),
                executed_version: Some("$LATEST".into()),
            })
        }

        async fn plan_key_for_value(
            &self,
            plan_id: &str,
            value: &str,
        ) -> Result<Option<PlanKey>, BackendError> {
            Ok((value == "right").then(|| PlanKey {
                plan_id: plan_id.into(),
                key_id: "k1".into(),
                name: Some("one".into()),
            }))
        }
    }

    /// The client gives what the serving side gives: bytes intact, errors with their
    /// kind, calls the serving side does not make still "unsupported".
    #[tokio::test]
    async fn remote_calls_mirror_the_serving_demo() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, routes(Arc::new(Echo))).await });
        let remote = RemoteCalls::new(&url).unwrap();
        let bytes = [0u8, 159, 146, 150, b'{', b'}'];
        let r = remote.invoke_function("f", &bytes).await.unwrap();
        assert_eq!(r.payload, bytes);
        assert_eq!(r.function_error.as_deref(), Some("Unhandled"));
        let e = remote.invoke_function("missing", b"{}").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::NotFound);
        assert_eq!(
            remote.plan_key_for_value("p1", "right").await.unwrap(),
            Some(PlanKey {
                plan_id: "p1".into(),
                key_id: "k1".into(),
                name: Some("one".into())
            })
        );
        assert_eq!(
            remote.plan_key_for_value("p1", "wrong").await.unwrap(),
            None
        );
        let e = remote
            .usage("p1", "k1", "2026-12-01", "2026-12-05")
            .await
            .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported);
    }
}
