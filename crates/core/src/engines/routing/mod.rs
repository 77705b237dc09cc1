//! Route matching as API Gateway does it (reference §7.4): pick the stage from
//! the first path segment (HTTP APIs fall back to `$default`), then the most
//! specific route: exact segments over `{param}` over greedy `{proxy+}`, an
//! exact method over `ANY`, and the `$default` route last. REST resource trees
//! use the same matching, but a miss is `403 Missing Authentication Token`.
//!
//! Besides the winner, [`Resolution::others`] says for every other route why
//! it lost, which is what explains a 404 or a "wrong function" bug.

mod nearest;
mod pattern;

pub use nearest::nearest;
pub(crate) use pattern::Mismatch;
pub use pattern::{Params, Pattern, split_path};

use serde::Serialize;

use crate::domain::{Api, ApiType};

/// Name of the stage served without a path prefix (HTTP APIs only).
pub const DEFAULT_STAGE: &str = "$default";

/// A set of routes and stages to match requests against.
#[derive(Debug, Clone)]
pub struct Router {
    pub api_type: ApiType,
    patterns: Vec<Pattern>,
    /// Known stage names; empty means "unknown" (see [`Router::resolve`]).
    stages: Vec<String>,
}

/// How the stage was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum StageSource {
    /// The first path segment named a stage; it was stripped.
    PathPrefix,
    /// No segment named a stage: the `$default` stage serves the whole path.
    DefaultStage,
    /// No stages were known; the stage was assumed (`$default` for HTTP
    /// APIs, the first segment for REST).
    Assumed,
}

/// What API Gateway answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    Matched,
    /// No stage took the request (HTTP: no `$default` stage; REST: no stage segment).
    NoStage,
    /// A stage took it but no route matched.
    NoRoute,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteMatch {
    pub route_key: String,
    /// Path variables in route order; greedy values keep their `/`.
    pub path_parameters: Params,
    /// Matched through `ANY` rather than the exact method.
    pub via_any: bool,
    pub greedy: bool,
    pub is_default_route: bool,
    /// The route path as a REST `resource` (`/items/{id}`; `None` for `$default`).
    pub resource_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteRejection {
    pub route_key: String,
    pub reason: Mismatch,
    /// `reason` as one sentence.
    pub explanation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    pub api_type: ApiType,
    pub method: String,
    /// The path as requested (stage prefix included).
    pub request_path: String,
    pub stage: Option<String>,
    pub stage_source: Option<StageSource>,
    /// The path with the stage prefix stripped (`/` at least).
    pub path: String,
    pub outcome: Outcome,
    pub matched: Option<RouteMatch>,
    /// Every other route, with the reason it did not win.
    pub others: Vec<RouteRejection>,
}

impl Resolution {
    /// Status and body API Gateway answers itself when nothing matched.
    pub fn miss_response(&self) -> Option<(u16, &'static str)> {
        match (self.outcome, self.api_type) {
            (Outcome::Matched, _) => None,
            (_, ApiType::Http) => Some((404, r#"{"message":"Not Found"}"#)),
            // [UNVERIFIED] for an unknown REST stage: observed as the same 403.
            (_, ApiType::Rest) => Some((403, r#"{"message":"Missing Authentication Token"}"#)),
        }
    }

    /// One line a person can read: what matched or why nothing did.
    pub fn summary(&self) -> String {
        let stage = self.stage.as_deref().unwrap_or("(none)");
        match (&self.matched, self.outcome) {
            (Some(m), _) => format!(
                "{} {} → stage {stage}, route `{}`{}",
                self.method,
                self.request_path,
                m.route_key,
                params_text(&m.path_parameters)
            ),
            (None, Outcome::NoStage) => format!(
                "{} {} → no stage: the first segment names no stage and there is no $default stage",
                self.method, self.request_path
            ),
            (None, _) => format!(
                "{} {} → stage {stage}, no route matches {}",
                self.method, self.request_path, self.path
            ),
        }
    }
}

fn params_text(p: &Params) -> String {
    if p.is_empty() {
        return String::new();
    }
    let inner: Vec<String> = p.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!(" ({})", inner.join(", "))
}

impl Router {
    pub fn new<R, S>(api_type: ApiType, route_keys: R, stages: S) -> Router
    where
        R: IntoIterator,
        R::Item: AsRef<str>,
        S: IntoIterator,
        S::Item: AsRef<str>,
    {
        Router {
            api_type,
            patterns: route_keys
                .into_iter()
                .map(|k| Pattern::parse(k.as_ref()))
                .collect(),
            stages: stages.into_iter().map(|s| s.as_ref().to_string()).collect(),
        }
    }

    /// Routes and stages of an inventory API.
    pub fn from_api(api: &Api) -> Router {
        Router::new(
            api.protocol().into(),
            api.routes.iter().map(|r| r.route_key.as_str()),
            api.stages.iter().map(|s| s.stage_name.as_str()),
        )
    }

    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// Choose the stage: `(stage, source, path without the stage prefix)`.
    fn select_stage(&self, segments: &[&str]) -> Option<(String, StageSource, usize)> {
        let first = segments.first().copied();
        if self.stages.is_empty() {
            return match self.api_type {
                ApiType::Http => Some((DEFAULT_STAGE.to_string(), StageSource::Assumed, 0)),
                ApiType::Rest => first.map(|s| (s.to_string(), StageSource::Assumed, 1)),
            };
        }
        if let Some(f) = first
            && f != DEFAULT_STAGE
            && self.stages.iter().any(|s| s == f)
        {
            return Some((f.to_string(), StageSource::PathPrefix, 1));
        }
        if self.api_type == ApiType::Http && self.stages.iter().any(|s| s == DEFAULT_STAGE) {
            return Some((DEFAULT_STAGE.to_string(), StageSource::DefaultStage, 0));
        }
        None
    }

    /// Resolve `method path` (path as requested, query string allowed).
    pub fn resolve(&self, method: &str, request_path: &str) -> Resolution {
        let method = method.trim().to_ascii_uppercase();
        let all: Vec<&str> = split_path(request_path);
        let stage = self.select_stage(&all);
        let (stage_name, stage_source, skip) = match &stage {
            Some((n, s, k)) => (Some(n.clone()), Some(*s), *k),
            None => (None, None, 0),
        };
        let segs = &all[skip.min(all.len())..];
        let path = format!("/{}", segs.join("/"));
        let request_path = request_path
            .split(['?', '#'])
            .next()
            .unwrap_or("")
            .to_string();

        let mut res = Resolution {
            api_type: self.api_type,
            method: method.clone(),
            request_path,
            stage: stage_name,
            stage_source,
            path,
            outcome: Outcome::NoRoute,
            matched: None,
            others: Vec::new(),
        };
        if stage.is_none() {
            res.outcome = Outcome::NoStage;
        }

        // First pass: which routes match at all.
        let mut candidates: Vec<(usize, Params)> = Vec::new();
        let mut reasons: Vec<Option<Mismatch>> = vec![None; self.patterns.len()];
        for (i, p) in self.patterns.iter().enumerate() {
            if p.is_default() {
                if self.api_type == ApiType::Rest {
                    reasons[i] = Some(Mismatch::InvalidRouteKey {
                        reason: "REST APIs have no $default route".into(),
                    });
                }
                continue;
            }
            if stage.is_none() {
                reasons[i] = Some(self.stage_miss_reason(&all));
                continue;
            }
            match p.match_path(segs) {
                Ok(params) if p.accepts_method(&method) => candidates.push((i, params)),
                Ok(_) => {
                    reasons[i] = Some(Mismatch::MethodDiffers {
                        route: p.method.clone().unwrap_or_default(),
                        request: method.clone(),
                    })
                }
                Err(m) => {
                    reasons[i] = Some(self.maybe_stage_prefix(p, &method, segs, skip, m));
                }
            }
        }

        // Most specific wins (ties: first defined).
        let winner = candidates
            .iter()
            .enumerate()
            .max_by(|(ai, (a, _)), (bi, (b, _))| {
                self.patterns[*a]
                    .specificity()
                    .cmp(&self.patterns[*b].specificity())
                    .then(bi.cmp(ai))
            })
            .map(|(_, c)| c.clone());
        let default_idx = (self.api_type == ApiType::Http && stage.is_some())
            .then(|| self.patterns.iter().position(Pattern::is_default))
            .flatten();

        match (&winner, default_idx) {
            (Some((wi, params)), _) => {
                let p = &self.patterns[*wi];
                res.matched = Some(route_match(p, params.clone()));
                res.outcome = Outcome::Matched;
                for (ci, _) in &candidates {
                    if ci != wi {
                        reasons[*ci] = Some(Mismatch::LessSpecific {
                            winner: p.route_key.clone(),
                        });
                    }
                }
                if let Some(d) = default_idx {
                    reasons[d] = Some(Mismatch::DefaultRouteNotNeeded {
                        winner: p.route_key.clone(),
                    });
                }
            }
            (None, Some(d)) => {
                res.matched = Some(route_match(&self.patterns[d], Params::new()));
                res.outcome = Outcome::Matched;
            }
            (None, None) => {}
        }
        if stage.is_none() {
            for (i, p) in self.patterns.iter().enumerate() {
                if p.is_default() && reasons[i].is_none() {
                    reasons[i] = Some(self.stage_miss_reason(&all));
                }
            }
        }
        let matched_key = res.matched.as_ref().map(|m| m.route_key.clone());
        for (i, p) in self.patterns.iter().enumerate() {
            if Some(&p.route_key) == matched_key.as_ref() && reasons[i].is_none() {
                continue;
            }
            if let Some(reason) = reasons[i].take() {
                res.others.push(RouteRejection {
                    route_key: p.route_key.clone(),
                    explanation: reason.explain(),
                    reason,
                });
            }
        }
        res
    }

    fn stage_miss_reason(&self, all: &[&str]) -> Mismatch {
        Mismatch::StagePrefix {
            segment: all.first().copied().unwrap_or("").to_string(),
        }
    }

    /// A path mismatch becomes a stage-prefix mismatch when dropping the
    /// first segment (not stripped as a stage) would make the route match.
    fn maybe_stage_prefix(
        &self,
        p: &Pattern,
        method: &str,
        segs: &[&str],
        skip: usize,
        original: Mismatch,
    ) -> Mismatch {
        if skip == 0
            && segs.len() > 1
            && p.accepts_method(method)
            && p.match_path(&segs[1..]).is_ok()
        {
            return Mismatch::StagePrefix {
                segment: segs[0].to_string(),
            };
        }
        original
    }
}

fn route_match(p: &Pattern, params: Params) -> RouteMatch {
    RouteMatch {
        route_key: p.route_key.clone(),
        path_parameters: params,
        via_any: p.is_any(),
        greedy: p.has_greedy(),
        is_default_route: p.is_default(),
        resource_path: p.path_text(),
    }
}

#[cfg(test)]
mod tests;
