//! Lambda lines grouped into invocations, with the two join keys indexed:
//! the Lambda request id, and the API Gateway request id of logged events.

use std::collections::{HashMap, VecDeque};

use crate::domain::{
    AccessLogRecord, DecodedEvent, LambdaInvocation, LambdaLine, LambdaLineKind, MatchKey, Text,
};
use crate::engines::lambda_log::KeptLine;

/// An invocation as the index keeps it; [`KeptInvocation::open`] rebuilds
/// the [`LambdaInvocation`].
#[derive(Debug, Clone)]
struct KeptInvocation {
    request_id: Text,
    log_group: Text,
    /// In time order.
    lines: Vec<KeptLine>,
    /// The first proxy event logged (its request id is a join key; most
    /// invocations have none).
    event: Option<Box<DecodedEvent>>,
    timed_out: bool,
}

impl KeptInvocation {
    fn open(&self) -> LambdaInvocation {
        let lines: Vec<LambdaLine> = self
            .lines
            .iter()
            .map(|k| k.parse(Some(self.request_id.clone())))
            .collect();
        // The invocation's figures are its REPORT line's (one per invocation;
        // were there two, the later one).
        let report = lines.iter().rev().find_map(|l| match &l.kind {
            LambdaLineKind::Report(r) => Some((**r).clone()),
            _ => None,
        });
        LambdaInvocation {
            request_id: self.request_id.clone(),
            log_group: self.log_group.clone(),
            lines,
            report,
            event: self.event.clone(),
            timed_out: self.timed_out,
        }
    }

    fn first_ms(&self) -> i64 {
        self.lines.first().map_or(0, |l| l.timestamp_ms)
    }
}

/// Looked up for every Lambda line (SipHash showed in the 1 M-line profile);
/// seeded per process, so crafted ids cannot pile into one bucket.
type FastHash = foldhash::fast::RandomState;

/// Invocations by Lambda request id; grows as lines arrive (live tail).
/// Each request id is stored once: the map key, the invocation and its lines
/// all share one [`Text`]. Invocations sit in first-seen order in a deque
/// (which is also the eviction order) and the map holds their sequence
/// numbers: a hash table of 200-byte invocations would reserve up to twice
/// their room in empty buckets. Lines are kept as text and parsed again when
/// their invocation is asked for (a record opened or printed).
#[derive(Debug, Default, Clone)]
pub struct InvocationIndex {
    /// Request id → sequence number (`slots[seq - first]`).
    by_id: HashMap<Text, u64, FastHash>,
    /// Invocations, oldest first; `None` once taken by a batch correlation.
    slots: VecDeque<Option<KeptInvocation>>,
    /// Sequence number of `slots[0]`.
    first: u64,
    /// API Gateway request id (a logged event's `requestContext.requestId`)
    /// → Lambda request id of the invocation that logged it.
    by_apigw_id: HashMap<Text, Text, FastHash>,
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
    pub fn add(&mut self, line: LambdaLine) {
        let Some(id) = line.request_id.clone() else {
            self.unattributed.push_back(line);
            self.evict();
            return;
        };
        if !self.by_id.contains_key(id.as_str()) {
            let seq = self.first + self.slots.len() as u64;
            self.by_id.insert(id.clone(), seq);
            self.slots.push_back(Some(KeptInvocation {
                request_id: id.clone(),
                log_group: line.log_group.clone(),
                lines: Vec::new(),
                event: None,
                timed_out: false,
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
        match &line.kind {
            LambdaLineKind::Report(r) if r.status.as_deref() == Some("timeout") => {
                inv.timed_out = true
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
        inv.lines.insert(pos, KeptLine::from(line));
    }

    fn kept(&self, lambda_request_id: &str) -> Option<&KeptInvocation> {
        self.slots.get(self.slot(lambda_request_id)?)?.as_ref()
    }

    /// Whether an invocation of this request id is kept.
    pub fn contains(&self, lambda_request_id: &str) -> bool {
        self.kept(lambda_request_id).is_some()
    }

    /// The invocation, its lines parsed again.
    pub fn get(&self, lambda_request_id: &str) -> Option<LambdaInvocation> {
        self.kept(lambda_request_id).map(KeptInvocation::open)
    }

    /// Remove and return an invocation (batch correlation moves lines out).
    pub fn take(&mut self, lambda_request_id: &str) -> Option<LambdaInvocation> {
        let i = self.slot(lambda_request_id)?;
        self.by_id.remove(lambda_request_id);
        self.slots.get_mut(i)?.take().map(|k| k.open())
    }

    /// The Lambda request id for an access record, and which key found it.
    /// The integration request id wins; a logged event is the fallback for
    /// formats that do not log `$context.integration.requestId`.
    pub fn lambda_id_for(&self, access: &AccessLogRecord) -> Option<(Text, MatchKey)> {
        if let Some(id) = &access.integration_request_id
            && self.contains(id)
        {
            return Some((id.clone(), MatchKey::IntegrationRequestId));
        }
        let apigw = access.request_id.as_ref()?;
        let id = self.by_apigw_id.get(apigw.as_str())?;
        Some((id.clone(), MatchKey::LoggedEvent))
    }

    /// Request ids of every invocation kept, oldest first.
    pub fn request_ids(&self) -> impl Iterator<Item = &Text> {
        self.slots.iter().flatten().map(|k| &k.request_id)
    }

    /// These invocations, their lines parsed again, oldest first line first.
    pub fn open_all<'a>(
        &'a self,
        ids: impl IntoIterator<Item = &'a Text>,
    ) -> Vec<LambdaInvocation> {
        let mut kept: Vec<&KeptInvocation> =
            ids.into_iter().filter_map(|id| self.kept(id)).collect();
        kept.sort_by_key(|k| k.first_ms());
        kept.into_iter().map(KeptInvocation::open).collect()
    }

    /// Drain every remaining invocation (the batch's orphans), oldest first.
    pub(crate) fn into_invocations(self) -> Vec<LambdaInvocation> {
        let mut v: Vec<_> = self.slots.into_iter().flatten().collect();
        v.sort_by_key(KeptInvocation::first_ms);
        v.iter().map(KeptInvocation::open).collect()
    }

    pub(crate) fn unattributed(&self) -> impl Iterator<Item = &LambdaLine> {
        self.unattributed.iter()
    }
}
