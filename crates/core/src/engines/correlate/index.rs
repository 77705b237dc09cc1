//! Lambda lines grouped into invocations, with the two join keys indexed:
//! the Lambda request id, and the API Gateway request id of logged events.

use std::collections::{HashMap, VecDeque};

use crate::domain::{
    AccessLogRecord, LambdaInvocation, LambdaLine, LambdaLineKind, MatchKey, Text,
};

/// Invocations by Lambda request id; grows as lines arrive (live tail).
/// Each request id is stored once: the map key, the eviction order, the
/// invocation and its lines all share one [`Text`].
#[derive(Debug, Default, Clone)]
pub struct InvocationIndex {
    by_id: HashMap<Text, LambdaInvocation>,
    /// API Gateway request id (a logged event's `requestContext.requestId`)
    /// → Lambda request id of the invocation that logged it.
    by_apigw_id: HashMap<Text, Text>,
    /// Lines that carry no request id and no stream context (bounded).
    unattributed: VecDeque<LambdaLine>,
    /// Request ids in first-seen order, for eviction.
    order: VecDeque<Text>,
    /// Most invocations kept (`0` = unbounded).
    capacity: usize,
}

impl InvocationIndex {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.by_id.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_id.is_empty()
    }

    /// Keep at most `max` invocations, evicting the oldest first (`0` = no limit).
    pub fn set_capacity(&mut self, max: usize) {
        self.capacity = max;
    }

    fn evict(&mut self) {
        while self.capacity > 0 && self.by_id.len() > self.capacity {
            let Some(old) = self.order.pop_front() else {
                break;
            };
            if let Some(inv) = self.by_id.remove(old.as_str())
                && let Some(apigw) = inv.event.as_ref().and_then(|e| e.request_id.as_ref())
            {
                self.by_apigw_id.remove(apigw.as_str());
            }
        }
        while self.capacity > 0 && self.unattributed.len() > self.capacity {
            self.unattributed.pop_front();
        }
    }

    /// Add one parsed line.
    pub fn add(&mut self, mut line: LambdaLine) {
        let Some(id) = line.request_id.clone() else {
            self.unattributed.push_back(line);
            self.evict();
            return;
        };
        if !self.by_id.contains_key(id.as_str()) {
            self.order.push_back(id.clone());
            self.by_id.insert(
                id.clone(),
                LambdaInvocation {
                    request_id: id.clone(),
                    log_group: line.log_group.clone(),
                    ..Default::default()
                },
            );
            self.evict();
        }
        let Some(inv) = self.by_id.get_mut(id.as_str()) else {
            return;
        };
        line.request_id = Some(inv.request_id.clone());
        match &line.kind {
            LambdaLineKind::Report(r) => {
                if r.status.as_deref() == Some("timeout") {
                    inv.timed_out = true;
                }
                inv.report = Some((**r).clone());
            }
            LambdaLineKind::Timeout { .. } => inv.timed_out = true,
            LambdaLineKind::Event => {
                if let Some(ev) = &line.event {
                    if let Some(apigw) = &ev.request_id {
                        self.by_apigw_id
                            .insert(Text::new(apigw), inv.request_id.clone());
                    }
                    if inv.event.is_none() {
                        inv.event = Some(ev.clone());
                    }
                }
            }
            _ => {}
        }
        // Keep lines in time order even when pages arrive out of order.
        let pos = inv
            .lines
            .iter()
            .rposition(|l| l.timestamp_ms <= line.timestamp_ms)
            .map_or(0, |p| p + 1);
        inv.lines.insert(pos, line);
    }

    pub fn get(&self, lambda_request_id: &str) -> Option<&LambdaInvocation> {
        self.by_id.get(lambda_request_id)
    }

    /// Remove and return an invocation (batch correlation moves lines out).
    pub fn take(&mut self, lambda_request_id: &str) -> Option<LambdaInvocation> {
        self.by_id.remove(lambda_request_id)
    }

    /// The Lambda request id for an access record, and which key found it.
    /// The integration request id wins; a logged event is the fallback for
    /// formats that do not log `$context.integration.requestId`.
    pub fn lambda_id_for(&self, access: &AccessLogRecord) -> Option<(Text, MatchKey)> {
        if let Some(id) = &access.integration_request_id
            && self.by_id.contains_key(id.as_str())
        {
            return Some((id.clone(), MatchKey::IntegrationRequestId));
        }
        let apigw = access.request_id.as_ref()?;
        let id = self.by_apigw_id.get(apigw.as_str())?;
        Some((id.clone(), MatchKey::LoggedEvent))
    }

    /// Every invocation, in no particular order.
    pub fn invocations(&self) -> impl Iterator<Item = &LambdaInvocation> {
        self.by_id.values()
    }

    /// Drain every remaining invocation (the batch's orphans).
    pub fn into_invocations(self) -> Vec<LambdaInvocation> {
        let mut v: Vec<_> = self.by_id.into_values().collect();
        v.sort_by_key(|i| i.lines.first().map_or(0, |l| l.timestamp_ms));
        v
    }

    pub fn unattributed(&self) -> impl Iterator<Item = &LambdaLine> {
        self.unattributed.iter()
    }
}
