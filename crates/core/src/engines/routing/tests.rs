//! Unit tests for route matching (reference §7.4). The property tests live in
//! `tests/routing_props.rs`.

use super::*;

fn http(routes: &[&str], stages: &[&str]) -> Router {
    Router::new(ApiType::Http, routes, stages)
}

fn key(r: &Resolution) -> Option<&str> {
    r.matched.as_ref().map(|m| m.route_key.as_str())
}

fn reason<'a>(r: &'a Resolution, route: &str) -> &'a Mismatch {
    &r.others
        .iter()
        .find(|o| o.route_key == route)
        .unwrap_or_else(|| panic!("no rejection for {route}: {r:#?}"))
        .reason
}

#[test]
fn exact_beats_param_beats_greedy_beats_default() {
    let r = http(
        &[
            "$default",
            "ANY /{proxy+}",
            "GET /items/{id}",
            "GET /items/special",
        ],
        &["$default"],
    );
    assert_eq!(
        key(&r.resolve("GET", "/items/special")),
        Some("GET /items/special")
    );
    let res = r.resolve("GET", "/items/42");
    assert_eq!(key(&res), Some("GET /items/{id}"));
    assert_eq!(
        res.matched.as_ref().unwrap().path_parameters,
        vec![("id".to_string(), "42".to_string())]
    );
    assert!(matches!(
        reason(&res, "ANY /{proxy+}"),
        Mismatch::LessSpecific { .. }
    ));
    assert!(matches!(
        reason(&res, "$default"),
        Mismatch::DefaultRouteNotNeeded { .. }
    ));
    let res = r.resolve("POST", "/items/42/x");
    assert_eq!(key(&res), Some("ANY /{proxy+}"));
    assert_eq!(
        res.matched.unwrap().path_parameters,
        vec![("proxy".to_string(), "items/42/x".to_string())]
    );
    // Root: the greedy variable needs a segment, so $default catches it.
    let res = r.resolve("GET", "/");
    assert_eq!(key(&res), Some("$default"));
    assert!(matches!(
        reason(&res, "ANY /{proxy+}"),
        Mismatch::GreedyNeedsSegment { .. }
    ));
}

#[test]
fn exact_method_beats_any_on_the_same_path() {
    let r = http(&["ANY /items", "POST /items"], &["$default"]);
    assert_eq!(key(&r.resolve("POST", "/items")), Some("POST /items"));
    let res = r.resolve("GET", "/items");
    assert_eq!(key(&res), Some("ANY /items"));
    assert!(res.matched.as_ref().unwrap().via_any);
    assert!(matches!(
        reason(&res, "POST /items"),
        Mismatch::MethodDiffers { .. }
    ));
}

#[test]
fn named_stage_is_stripped_and_default_stage_takes_the_rest() {
    let r = http(&["GET /items"], &["$default", "prod"]);
    let res = r.resolve("GET", "/prod/items?x=1");
    assert_eq!(res.stage.as_deref(), Some("prod"));
    assert_eq!(res.stage_source, Some(StageSource::PathPrefix));
    assert_eq!(res.path, "/items");
    assert_eq!(res.request_path, "/prod/items");
    assert_eq!(key(&res), Some("GET /items"));

    let res = r.resolve("GET", "/items");
    assert_eq!(res.stage.as_deref(), Some("$default"));
    assert_eq!(key(&res), Some("GET /items"));

    // An unknown first segment goes to $default and explains itself.
    let res = r.resolve("GET", "/dev/items");
    assert_eq!(res.outcome, Outcome::NoRoute);
    assert_eq!(res.miss_response().unwrap().0, 404);
    assert_eq!(
        reason(&res, "GET /items"),
        &Mismatch::StagePrefix {
            segment: "dev".into()
        }
    );
}

#[test]
fn no_default_stage_means_404_without_a_stage_prefix() {
    let r = http(&["GET /items"], &["prod"]);
    let res = r.resolve("GET", "/items");
    assert_eq!(res.outcome, Outcome::NoStage);
    assert_eq!(
        res.miss_response(),
        Some((404, r#"{"message":"Not Found"}"#))
    );
    assert!(res.summary().contains("no stage"));
}

#[test]
fn segment_reasons_name_the_segment() {
    let r = http(&["GET /items/{id}", "GET /users"], &["$default"]);
    let res = r.resolve("GET", "/items/1/extra");
    assert_eq!(res.outcome, Outcome::NoRoute);
    assert_eq!(
        reason(&res, "GET /items/{id}"),
        &Mismatch::TooManySegments { route: 2, path: 3 }
    );
    assert_eq!(
        reason(&res, "GET /users"),
        &Mismatch::SegmentDiffers {
            index: 1,
            expected: "users".into(),
            actual: "items".into()
        }
    );
    let res = r.resolve("GET", "/items");
    assert_eq!(
        reason(&res, "GET /items/{id}"),
        &Mismatch::TooFewSegments { route: 2, path: 1 }
    );
}

#[test]
fn greedy_not_last_is_invalid_and_never_matches() {
    let r = http(&["GET /{proxy+}/x"], &["$default"]);
    let res = r.resolve("GET", "/a/x");
    assert!(res.matched.is_none());
    assert!(matches!(
        reason(&res, "GET /{proxy+}/x"),
        Mismatch::InvalidRouteKey { .. }
    ));
}

#[test]
fn rest_miss_is_missing_authentication_token() {
    let r = Router::new(ApiType::Rest, ["GET /pets", "GET /pets/{petId}"], ["prod"]);
    let res = r.resolve("GET", "/prod/pets/7");
    assert_eq!(key(&res), Some("GET /pets/{petId}"));
    assert_eq!(
        res.matched.unwrap().resource_path.as_deref(),
        Some("/pets/{petId}")
    );
    let res = r.resolve("DELETE", "/prod/pets/7");
    assert_eq!(
        res.miss_response(),
        Some((403, r#"{"message":"Missing Authentication Token"}"#))
    );
    let res = r.resolve("GET", "/pets");
    assert_eq!(res.outcome, Outcome::NoStage);
    assert_eq!(res.miss_response().unwrap().0, 403);
}

#[test]
fn unknown_stages_are_assumed() {
    let r = Router::new(ApiType::Rest, ["GET /a"], Vec::<String>::new());
    let res = r.resolve("GET", "/anything/a");
    assert_eq!(res.stage.as_deref(), Some("anything"));
    assert_eq!(res.stage_source, Some(StageSource::Assumed));
    assert_eq!(key(&res), Some("GET /a"));
    let r = http(&["GET /a"], &[]);
    assert_eq!(r.resolve("GET", "/a").stage.as_deref(), Some("$default"));
}

#[test]
fn params_are_percent_decoded_and_trailing_slash_ignored() {
    let r = http(&["GET /files/{name}"], &["$default"]);
    let res = r.resolve("GET", "/files/a%20b/");
    assert_eq!(
        res.matched.unwrap().path_parameters,
        vec![("name".to_string(), "a b".to_string())]
    );
}

#[test]
fn nearest_ranks_typos_first() {
    let r = http(
        &[
            "GET /items/{id}",
            "GET /users/{id}",
            "POST /orders",
            "$default",
        ],
        &["$default"],
    );
    let near = nearest(&r, "GET", "/itemz/4", 2);
    assert_eq!(near[0].route_key, "GET /items/{id}");
    assert!(near[0].distance < near[1].distance);
    assert!(near[0].hint.contains("segment 1"));
    let near = nearest(&r, "GET", "/orders", 3);
    assert_eq!(near[0].route_key, "POST /orders");
    assert!(near[0].hint.contains("method"));
    assert!(near.iter().all(|n| n.route_key != "$default"));
}

#[test]
fn repeated_variable_names_are_invalid() {
    let r = http(&["GET /{id}/{id}"], &["$default"]);
    let res = r.resolve("GET", "/a/b");
    assert!(res.matched.is_none());
    assert_eq!(
        reason(&res, "GET /{id}/{id}"),
        &Mismatch::InvalidRouteKey {
            reason: "path variable {id} appears twice".into()
        }
    );
}
