//! Property tests for route matching (reference §7.4): for generated route
//! sets and paths, the chosen route matches (checked by an independent
//! regex oracle), no matching route is more specific, `$default` only takes
//! what nothing else matched, every route is accounted for, and nothing panics.

use std::cmp::Ordering;

use gatescope::domain::ApiType;
use gatescope::engines::routing::{Outcome, Router, nearest};
use proptest::prelude::*;
use regex::Regex;

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["a", "b", "items", "c"]).prop_map(str::to_string),
        2 => Just("{param}".to_string()),
    ]
}

fn route() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["GET", "POST", "ANY"]),
        prop::collection::vec(segment(), 0..4),
        prop::bool::weighted(0.25),
    )
        .prop_map(|(m, segs, greedy)| {
            // Variable names are unique within a route key (API Gateway rejects repeats).
            let mut segs: Vec<String> = segs
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    if s == "{param}" {
                        format!("{{p{i}}}")
                    } else {
                        s
                    }
                })
                .collect();
            if greedy {
                segs.push("{proxy+}".into());
            }
            format!("{m} /{}", segs.join("/"))
        })
}

fn path() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop::sample::select(vec!["a", "b", "items", "c", "x", "42"]),
        0..5,
    )
    .prop_map(|s| format!("/{}", s.join("/")))
}

/// Independent matcher: route key → anchored regex.
fn oracle_matches(route_key: &str, method: &str, path: &str) -> bool {
    let (m, p) = route_key.split_once(' ').unwrap();
    if m != "ANY" && m != method {
        return false;
    }
    let mut re = String::from("^");
    let segs: Vec<&str> = p
        .trim_start_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    for s in &segs {
        re.push('/');
        if s.ends_with("+}") {
            re.push_str(".+");
        } else if s.starts_with('{') {
            re.push_str("[^/]+");
        } else {
            re.push_str(&regex::escape(s));
        }
    }
    if segs.is_empty() {
        re.push('/');
    }
    re.push('$');
    Regex::new(&re).unwrap().is_match(path)
}

/// Left to right: literal > {param} > {greedy+}; then no greedy over greedy,
/// longer over shorter, exact method over ANY.
fn oracle_cmp(a: &str, b: &str) -> Ordering {
    let rank = |s: &str| {
        if s.ends_with("+}") {
            0
        } else if s.starts_with('{') {
            1
        } else {
            2
        }
    };
    let segs = |k: &str| -> Vec<String> {
        k.split_once(' ')
            .unwrap()
            .1
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let (sa, sb) = (segs(a), segs(b));
    let ra: Vec<u8> = sa.iter().map(|s| rank(s)).collect();
    let rb: Vec<u8> = sb.iter().map(|s| rank(s)).collect();
    let greedy = |s: &[String]| s.last().is_some_and(|x| x.ends_with("+}"));
    ra.cmp(&rb)
        .then((!greedy(&sa)).cmp(&!greedy(&sb)))
        .then(sa.len().cmp(&sb.len()))
        .then((!a.starts_with("ANY ")).cmp(&!b.starts_with("ANY ")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn most_specific_matching_route_wins(
        routes in prop::collection::vec(route(), 1..8),
        with_default in any::<bool>(),
        method in prop::sample::select(vec!["GET", "POST", "DELETE"]),
        path in path(),
    ) {
        let mut keys = routes.clone();
        keys.dedup();
        if with_default {
            keys.push("$default".into());
        }
        let router = Router::new(ApiType::Http, &keys, ["$default"]);
        let res = router.resolve(method, &path);
        let matching: Vec<&String> = routes.iter().filter(|r| oracle_matches(r, method, &path)).collect();
        match (&res.matched, matching.is_empty()) {
            (Some(m), false) => {
                prop_assert!(matching.contains(&&m.route_key), "{} chosen but the oracle says it does not match", m.route_key);
                for other in &matching {
                    prop_assert!(oracle_cmp(other, &m.route_key) != Ordering::Greater,
                        "{other} is more specific than the chosen {}", m.route_key);
                }
                // Parameters put back into the route give the path again.
                let rebuilt: Vec<String> = m.route_key.split_once(' ').unwrap().1.split('/').filter(|s| !s.is_empty()).map(|s| {
                    let name = s.trim_start_matches('{').trim_end_matches('}').trim_end_matches('+');
                    if s.starts_with('{') {
                        m.path_parameters.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
                    } else { s.to_string() }
                }).collect();
                prop_assert_eq!(format!("/{}", rebuilt.join("/")), path.clone());
            }
            (Some(m), true) => prop_assert!(with_default && m.is_default_route, "{} matched but the oracle matches nothing", m.route_key),
            (None, false) => prop_assert!(false, "oracle matches {matching:?} but nothing was chosen"),
            (None, true) => {
                prop_assert!(!with_default);
                prop_assert_eq!(res.outcome, Outcome::NoRoute);
            }
        }
        // Every route is either the match or explained.
        let explained = res.others.len() + usize::from(res.matched.is_some());
        prop_assert!(explained >= keys.len().min(keys.iter().collect::<std::collections::BTreeSet<_>>().len()));
        for o in &res.others {
            prop_assert!(!o.explanation.is_empty());
        }
    }

    #[test]
    fn never_panics_on_arbitrary_input(
        keys in prop::collection::vec("\\PC{0,30}", 0..6),
        stages in prop::collection::vec("\\PC{0,8}", 0..3),
        method in "\\PC{0,8}",
        path in "\\PC{0,60}",
        rest in any::<bool>(),
    ) {
        let api = if rest { ApiType::Rest } else { ApiType::Http };
        let router = Router::new(api, &keys, &stages);
        let res = router.resolve(&method, &path);
        let _ = res.summary();
        let _ = res.miss_response();
        let near = nearest(&router, &method, &path, 3);
        prop_assert!(near.len() <= 3);
        prop_assert!(near.windows(2).all(|w| w[0].distance <= w[1].distance));
    }
}
