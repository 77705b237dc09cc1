//! Lambda lines grouped into invocations, with the two join keys indexed:
//! the Lambda request id, and the API Gateway request id of logged events.

use std::collections::{HashMap, VecDeque};

use crate::domain::{
    AccessLogRecord, LambdaInvocation, LambdaLine, LambdaLineKind, MatchKey, Text,
};

/// Invocations by Lambda request id; grows as lines arrive (live tail).
/// Each request id is stored once: the map key, the invocation and its lines
/// all share one [`Text`]. Invocations sit in first-seen order in a deque
/// (which is also the eviction order) and the map holds their sequence
/// numbers: a hash table of 200-byte invocations would reserve up to twice
/// their room in empty buckets.
#[derive(Debug, Default, Clone)]
pub struct InvocationIndex {
    /// Request id → sequence number (`slots[seq - first]`).
    by_id: HashMap<Text, u64>,
    /// Invocations, oldest first; `None` once taken by a batch correlation.
    slots: VecDeque<Option<LambdaInvocation>>,
    /// Sequence number of `slots[0]`.
    first: u64,
    /// API Gateway request id (a logged event's `requestContext.requestId`)
    /// → Lambda request id of the invocation that logged it.
    by_apigw_id: HashMap<Text, Text>,
    /// Lines that carry no request id and no stream context (bounded).
    unattributed: VecDeque<LambdaLine>,
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
            let Some(old) = self.slots.pop_front() else {
                break;
            };
            self.first += 1;
            let Some(inv) = old else { continue };
            self.by_id.remove(inv.request_id.as_str());
            if let Some(apigw) = inv.event.as_ref().and_then(|e| e.request_id.as_ref()) {
                self.by_apigw_id.remove(apigw.as_str());
            }
        }
        while self.capacity > 0 && self.unattributed.len() > self.capacity {
            self.unattributed.pop_front();
        }
    }

    fn slot(&self, id: &str) -> Option<usize> {
        let seq = *self.by_id.get(id)?;
        usize::try_from(seq.checked_sub(self.first)?).ok()
    }

    /// Add one parsed line.
    pub fn add(&mut self, mut line: LambdaLine) {
        let Some(id) = line.request_id.clone() else {
            self.unattributed.push_back(line);
            self.evict();
            return;
        };
        if !self.by_id.contains_key(id.as_str()) {
            let seq = self.first + self.slots.len() as u64;
            self.by_id.insert(id.clone(), seq);
            self.slots.push_back(Some(LambdaInvocation {
                request_id: id.clone(),
                log_group: line.log_group.clone(),
                ..Default::default()
            }));
            self.evict();
        }
        let Some(inv) = self
            .slot(&id)
            .and_then(|i| self.slots.get_mut(i))
            .and_then(Option::as_mut)
        else {
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
        self.slots.get(self.slot(lambda_request_id)?)?.as_ref()
    }

    /// Remove and return an invocation (batch correlation moves lines out).
    pub fn take(&mut self, lambda_request_id: &str) -> Option<LambdaInvocation> {
        let i = self.slot(lambda_request_id)?;
        self.by_id.remove(lambda_request_id);
        self.slots.get_mut(i)?.take()
    }

    /// The Lambda request id for an access record, and which key found it.
    /// The integration request id wins; a logged event is the fallback for
    /// formats that do not log `$context.integration.requestId`.
    pub fn lambda_id_for(&self, access: &AccessLogRecord) -> Option<(Text, MatchKey)> {
        if let Some(id) = &access.integration_request_id
            && self.get(id).is_some()
        {
            return Some((id.clone(), MatchKey::IntegrationRequestId));
        }
        let apigw = access.request_id.as_ref()?;
        let id = self.by_apigw_id.get(apigw.as_str())?;
        Some((id.clone(), MatchKey::LoggedEvent))
    }

    /// Every invocation, in no particular order.
    pub fn invocations(&self) -> impl Iterator<Item = &LambdaInvocation> {
        self.slots.iter().flatten()
    }

    /// Drain every remaining invocation (the batch's orphans).
    pub fn into_invocations(self) -> Vec<LambdaInvocation> {
        let mut v: Vec<_> = self.slots.into_iter().flatten().collect();
        v.sort_by_key(|i| i.lines.first().map_or(0, |l| l.timestamp_ms));
        v
    }

    pub fn unattributed(&self) -> impl Iterator<Item = &LambdaLine> {
        self.unattributed.iter()
    }
}
