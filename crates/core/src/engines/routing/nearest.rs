//! "Did you mean": the routes closest to a path that matched nothing, ranked
//! by a segment-level edit distance (typos in one segment cost less than a
//! missing segment; a method mismatch costs half a segment).

use serde::Serialize;

use super::pattern::{Pattern, Segment, split_path};
use super::{Router, StageSource};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NearRoute {
    pub route_key: String,
    /// 0 = matches; each differing segment costs up to 1.
    pub distance: f64,
    /// Why it does not match (empty when it does).
    pub hint: String,
}

/// Up to `n` routes nearest to `method path` (path as requested; the stage is
/// stripped as [`Router::resolve`] would). `$default` routes are skipped.
pub fn nearest(router: &Router, method: &str, path: &str, n: usize) -> Vec<NearRoute> {
    let res = router.resolve(method, path);
    let stripped = match res.stage_source {
        Some(StageSource::PathPrefix) | Some(StageSource::Assumed) => res.path.clone(),
        _ => res.request_path.clone(),
    };
    let segs = split_path(&stripped);
    let method = method.trim().to_ascii_uppercase();
    let mut out: Vec<NearRoute> = router
        .patterns()
        .iter()
        .filter(|p| !p.is_default())
        .map(|p| {
            let mut d = segment_distance(p, &segs);
            let mut hint = match p.match_path(&segs) {
                Ok(_) => String::new(),
                Err(m) => m.explain(),
            };
            if !p.accepts_method(&method) {
                d += 0.5;
                let m = format!(
                    "method differs: route wants {}",
                    p.method.as_deref().unwrap_or("ANY")
                );
                hint = if hint.is_empty() {
                    m
                } else {
                    format!("{hint}; {m}")
                };
            }
            NearRoute {
                route_key: p.route_key.clone(),
                distance: (d * 100.0).round() / 100.0,
                hint,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        a.distance
            .total_cmp(&b.distance)
            .then_with(|| a.route_key.cmp(&b.route_key))
    });
    out.truncate(n);
    out
}

/// Edit distance over segments; substituting a literal costs its normalised
/// character distance, a variable matches any non-empty segment for free and
/// a greedy variable swallows the rest.
fn segment_distance(p: &Pattern, path: &[&str]) -> f64 {
    let route = &p.segments;
    let (rn, pn) = (route.len(), path.len());
    // dp[i][j]: cost of aligning route[..i] with path[..j].
    let mut dp = vec![vec![0.0f64; pn + 1]; rn + 1];
    for (i, row) in dp.iter_mut().enumerate() {
        row[0] = i as f64;
    }
    for (j, cell) in dp[0].iter_mut().enumerate() {
        *cell = j as f64;
    }
    for i in 1..=rn {
        for j in 1..=pn {
            let sub = match &route[i - 1] {
                Segment::Literal(l) => char_distance(l, path[j - 1]),
                Segment::Param(_) => {
                    if path[j - 1].is_empty() {
                        1.0
                    } else {
                        0.0
                    }
                }
                Segment::Greedy(_) => 0.0,
            };
            let mut best = (dp[i - 1][j - 1] + sub)
                .min(dp[i - 1][j] + 1.0)
                .min(dp[i][j - 1] + 1.0);
            if matches!(route[i - 1], Segment::Greedy(_)) {
                // A greedy variable also absorbs one more segment for free.
                best = best.min(dp[i][j - 1]);
            }
            dp[i][j] = best;
        }
    }
    dp[rn][pn]
}

/// Levenshtein distance divided by the longer length (0.0 equal, 1.0 disjoint).
fn char_distance(a: &str, b: &str) -> f64 {
    if a == b {
        return 0.0;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for i in 1..=a.len() {
        let mut cur = vec![i; b.len() + 1];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j - 1] + cost).min(prev[j] + 1).min(cur[j - 1] + 1);
        }
        prev = cur;
    }
    prev[b.len()] as f64 / a.len().max(b.len()).max(1) as f64
}
