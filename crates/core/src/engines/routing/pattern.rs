//! Route-key patterns: parsing `GET /items/{id}` and matching one path
//! against it, segment by segment, with a reason when it does not match.

use serde::Serialize;

/// One segment of a route path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    /// `{name}`: exactly one non-empty segment.
    Param(String),
    /// `{name+}`: one or more segments; must be the last segment.
    Greedy(String),
}

impl Segment {
    /// Rank used for "most specific wins": literal > `{param}` > `{greedy+}`.
    fn rank(&self) -> u8 {
        match self {
            Segment::Literal(_) => 2,
            Segment::Param(_) => 1,
            Segment::Greedy(_) => 0,
        }
    }

    fn text(&self) -> String {
        match self {
            Segment::Literal(s) => s.clone(),
            Segment::Param(n) => format!("{{{n}}}"),
            Segment::Greedy(n) => format!("{{{n}+}}"),
        }
    }
}

/// A parsed route key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    pub route_key: String,
    /// `None` for the `$default` route.
    pub method: Option<String>,
    pub segments: Vec<Segment>,
    /// Set when the key breaks a rule API Gateway enforces (e.g. a greedy
    /// variable that is not last); such a route never matches.
    pub invalid: Option<String>,
}

/// Why a route did not match a request (machine-readable and explained by
/// [`Mismatch::explain`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Mismatch {
    /// The route's method is neither the request's nor `ANY`.
    MethodDiffers { route: String, request: String },
    /// Segment `index` (1-based) differs: `expected` from the route, `actual` from the path.
    SegmentDiffers {
        index: usize,
        expected: String,
        actual: String,
    },
    /// The path has more segments than the route (and the route has no greedy variable).
    TooManySegments { route: usize, path: usize },
    /// The path has fewer segments than the route needs.
    TooFewSegments { route: usize, path: usize },
    /// A `{param}` cannot match an empty segment (`//` or trailing `/`).
    EmptySegment { index: usize },
    /// A greedy variable needs at least one segment (`/{proxy+}` does not match `/`).
    GreedyNeedsSegment { name: String },
    /// The route key itself breaks a rule (greedy variable not last, bad braces).
    InvalidRouteKey { reason: String },
    /// It would match without the first path segment, which is not a stage name
    /// (or the client forgot the stage / added one).
    StagePrefix { segment: String },
    /// It matches, but a more specific route wins.
    LessSpecific { winner: String },
    /// The `$default` route only catches requests no other route matched.
    DefaultRouteNotNeeded { winner: String },
}

impl Mismatch {
    pub(crate) fn explain(&self) -> String {
        match self {
            Mismatch::MethodDiffers { route, request } => {
                format!("method differs: route wants {route}, request is {request}")
            }
            Mismatch::SegmentDiffers {
                index,
                expected,
                actual,
            } => format!("segment {index} differs: route has `{expected}`, path has `{actual}`"),
            Mismatch::TooManySegments { route, path } => format!(
                "too many segments: route has {route}, path has {path} (only a greedy {{name+}} takes several)"
            ),
            Mismatch::TooFewSegments { route, path } => {
                format!("too few segments: route has {route}, path has {path}")
            }
            Mismatch::EmptySegment { index } => {
                format!("segment {index} is empty; a {{param}} needs a non-empty segment")
            }
            Mismatch::GreedyNeedsSegment { name } => format!(
                "greedy variable {{{name}+}} needs at least one segment; add a separate route for the parent path"
            ),
            Mismatch::InvalidRouteKey { reason } => format!("route key is invalid: {reason}"),
            Mismatch::StagePrefix { segment } => format!(
                "would match without the leading `/{segment}`: it is not a stage name of this API (stage prefix)"
            ),
            Mismatch::LessSpecific { winner } => {
                format!("matches, but the more specific `{winner}` wins")
            }
            Mismatch::DefaultRouteNotNeeded { winner } => {
                format!("$default only catches unmatched requests; `{winner}` matched")
            }
        }
    }
}

/// A successful path match: parameters in route order.
pub type Params = Vec<(String, String)>;

impl Pattern {
    pub fn parse(route_key: &str) -> Pattern {
        let key = route_key.trim();
        if key == "$default" {
            return Pattern {
                route_key: key.to_string(),
                method: None,
                segments: Vec::new(),
                invalid: None,
            };
        }
        let (method, path) = match key.split_once(' ') {
            Some((m, p)) => (m.trim().to_ascii_uppercase(), p.trim()),
            // A bare path (REST resource without a method) matches any method.
            None => ("ANY".to_string(), key),
        };
        let mut invalid = None;
        if !path.starts_with('/') {
            invalid = Some(format!("path `{path}` does not start with /"));
        }
        let segments: Vec<Segment> = split_path(path)
            .into_iter()
            .map(|s| {
                if let Some(inner) = s.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                    match inner.strip_suffix('+') {
                        Some(name) => Segment::Greedy(name.to_string()),
                        None => Segment::Param(inner.to_string()),
                    }
                } else {
                    if (s.contains('{') || s.contains('}')) && invalid.is_none() {
                        invalid = Some(format!(
                            "segment `{s}` mixes text and braces; a path variable must be a whole segment"
                        ));
                    }
                    Segment::Literal(s.to_string())
                }
            })
            .collect();
        if let Some(pos) = segments
            .iter()
            .position(|s| matches!(s, Segment::Greedy(_)))
            && pos + 1 != segments.len()
            && invalid.is_none()
        {
            invalid = Some("a greedy variable {name+} must be the last segment".to_string());
        }
        let mut names: Vec<&str> = Vec::new();
        for s in &segments {
            if let Segment::Param(n) | Segment::Greedy(n) = s {
                if names.contains(&n.as_str()) && invalid.is_none() {
                    invalid = Some(format!("path variable {{{n}}} appears twice"));
                }
                names.push(n);
            }
        }
        Pattern {
            route_key: key.to_string(),
            method: Some(method),
            segments,
            invalid,
        }
    }

    pub(crate) fn is_default(&self) -> bool {
        self.method.is_none()
    }

    pub(crate) fn is_any(&self) -> bool {
        self.method.as_deref() == Some("ANY")
    }

    pub(crate) fn has_greedy(&self) -> bool {
        matches!(self.segments.last(), Some(Segment::Greedy(_)))
    }

    /// The route's path as text (`/` for the root, `None` for `$default`).
    pub(crate) fn path_text(&self) -> Option<String> {
        self.method.as_ref()?;
        Some(format!(
            "/{}",
            self.segments
                .iter()
                .map(Segment::text)
                .collect::<Vec<_>>()
                .join("/")
        ))
    }

    /// Specificity key: compared lexicographically, bigger is more specific.
    /// Segment ranks left to right (literal > param > greedy), then a
    /// non-greedy route over a greedy one, then more segments, then an exact
    /// method over `ANY`. `$default` is below everything.
    pub(crate) fn specificity(&self) -> (u8, Vec<u8>, u8, usize, u8) {
        if self.is_default() {
            return (0, Vec::new(), 0, 0, 0);
        }
        (
            1,
            self.segments.iter().map(Segment::rank).collect(),
            u8::from(!self.has_greedy()),
            self.segments.len(),
            u8::from(!self.is_any()),
        )
    }

    /// Match the path part only (segments of a path already stripped of the stage).
    pub fn match_path(&self, path_segments: &[&str]) -> Result<Params, Mismatch> {
        if let Some(reason) = &self.invalid {
            return Err(Mismatch::InvalidRouteKey {
                reason: reason.clone(),
            });
        }
        let mut params = Params::new();
        for (i, seg) in self.segments.iter().enumerate() {
            match seg {
                Segment::Greedy(name) => {
                    let rest = &path_segments[i.min(path_segments.len())..];
                    if rest.is_empty() || rest.iter().all(|s| s.is_empty()) {
                        return Err(Mismatch::GreedyNeedsSegment { name: name.clone() });
                    }
                    params.push((name.clone(), decode(&rest.join("/"))));
                    return Ok(params);
                }
                _ if i >= path_segments.len() => {
                    return Err(Mismatch::TooFewSegments {
                        route: self.segments.len(),
                        path: path_segments.len(),
                    });
                }
                Segment::Literal(lit) => {
                    if lit != path_segments[i] {
                        return Err(Mismatch::SegmentDiffers {
                            index: i + 1,
                            expected: lit.clone(),
                            actual: path_segments[i].to_string(),
                        });
                    }
                }
                Segment::Param(name) => {
                    if path_segments[i].is_empty() {
                        return Err(Mismatch::EmptySegment { index: i + 1 });
                    }
                    params.push((name.clone(), decode(path_segments[i])));
                }
            }
        }
        if path_segments.len() > self.segments.len() {
            return Err(Mismatch::TooManySegments {
                route: self.segments.len(),
                path: path_segments.len(),
            });
        }
        Ok(params)
    }

    /// Does the method part accept this request method?
    pub(crate) fn accepts_method(&self, method: &str) -> bool {
        match &self.method {
            None => true,
            Some(m) => m == "ANY" || m.eq_ignore_ascii_case(method),
        }
    }
}

/// Path parameter values arrive percent-decoded. [UNVERIFIED] for HTTP APIs
/// (REST decodes); flip here if real events show otherwise.
pub(crate) const DECODE_PATH_PARAMETERS: bool = true;

fn decode(s: &str) -> String {
    if DECODE_PATH_PARAMETERS {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    } else {
        s.to_string()
    }
}

/// A trailing slash (`/items/`) is treated like `/items`. [UNVERIFIED]:
/// flip to make the trailing empty segment significant.
pub(crate) const IGNORE_TRAILING_SLASH: bool = true;

/// Split a path into segments: `/` → `[]`, `/a/b` → `[a, b]`, `/a//b` → `[a, "", b]`.
pub fn split_path(path: &str) -> Vec<&str> {
    let p = path.split(['?', '#']).next().unwrap_or("");
    let p = p.strip_prefix('/').unwrap_or(p);
    if p.is_empty() {
        return Vec::new();
    }
    let mut segs: Vec<&str> = p.split('/').collect();
    if IGNORE_TRAILING_SLASH && segs.len() > 1 && segs.last() == Some(&"") {
        segs.pop();
    }
    if segs == [""] {
        segs.clear();
    }
    segs
}
