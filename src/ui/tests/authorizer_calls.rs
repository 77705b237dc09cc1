//! The authorizer detail page's REAL CALLs on the demo backend, whose
//! `lambda:Invoke` runs the demo's own TOKEN authorizer function: armed by
//! the first `i`, run by the second (or `y`), Esc disarms or cancels, the
//! answer evaluated (allow with the cache pitfall, explicit deny, the 401
//! of a thrown `Unauthorized`), and the calls the demo does not serve fail
//! in one line. Every snapshot was reviewed by reading it.

use std::time::Duration;

use crate::app::authorizer::RealCall;
use crate::backends::demo;
use crate::domain::Field;
use crate::engines::compose;
use crate::engines::event_build::Seed;
use crate::ui::page::Effect;
use crate::ui::testing::{Harness, harness};
use crate::ui::views::api_detail::ApiDetailPage;
use crate::ui::views::authorizer_call::CallState;
use crate::ui::views::authorizer_detail::AuthorizerDetailPage;

const API: &str = "demorest01";
const AUTHORIZER: &str = "lambdaauth01";
const SEED: Seed = Seed {
    now_ms: 1_764_892_800_000,
    random: [0x5a; 48],
};

/// The demo app on the authorizer's detail page, its event seeded.
async fn on_authorizer() -> Harness {
    let (backend, _gw) = demo::start(None).await.expect("demo gateway");
    let mut h = harness(backend);
    h.start().await;
    h.app
        .apply(None, vec![Effect::Push(Box::new(ApiDetailPage::new(API)))]);
    h.pump_until(Duration::from_secs(15), |app| {
        app.shared
            .inventory
            .api(API)
            .is_some_and(|a| a.details_loaded)
    })
    .await;
    let mut page = AuthorizerDetailPage::new(API, AUTHORIZER);
    page.seed = SEED;
    h.app.apply(None, vec![Effect::Push(Box::new(page))]);
    h
}

/// Compose `GET /me` with this Authorization header (what the composer
/// keeps for the route, and the detail page builds the event from).
fn set_token(h: &mut Harness, token: &str) {
    let api = h.app.shared.inventory.api(API).expect("demo API").clone();
    let route = api.route("GET /me").expect("GET /me");
    let mut draft = compose::draft_for_route(&api, route, api.stages.first());
    draft.headers.push(Field::new("Authorization", token));
    h.app
        .shared
        .drafts
        .insert((API.to_string(), "GET /me".to_string()), draft);
}

fn page(h: &Harness) -> &AuthorizerDetailPage {
    h.app
        .top_as::<AuthorizerDetailPage>()
        .expect("authorizer page")
}

/// The screen with the demo's port masked (it changes from run to run).
fn screen(h: &mut Harness, w: u16, ht: u16) -> String {
    let s = h.render(w, ht);
    for line in s.lines() {
        assert!(line.chars().count() <= w as usize, "wider than {w}: {line}");
    }
    let re = regex::Regex::new(r"127\.0\.0\.1:\d+").expect("mask");
    re.replace_all(&s, |c: &regex::Captures| {
        format!("{:<w$}", "127.0.0.1:<port>", w = c[0].len())
    })
    .into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_is_armed_confirmed_and_evaluated_with_the_cache_pitfall() {
    let mut h = on_authorizer().await;
    // No Authorization header: API Gateway would not invoke it, and neither
    // does gatescope (one line, nothing armed).
    h.keys(&["i"]);
    assert!(matches!(page(&h).call, CallState::Idle));
    let s = screen(&mut h, 160, 45);
    assert!(
        s.contains("no real call: API Gateway answers 401 without invoking it (method.request.header.Authorization is missing)"),
        "{s}"
    );

    set_token(&mut h, "Bearer allow-alice");
    // The first press arms; Esc disarms and stays on the page.
    h.keys(&["i"]);
    assert!(page(&h).call.is_armed(RealCall::Invoke, "GET /me"));
    let s = screen(&mut h, 160, 45);
    insta::assert_snapshot!("authorizer_invoke_armed_160x45", s);
    assert!(s.contains("REAL CALL lambda:Invoke?"), "{s}");
    assert!(s.contains("press i again or y to run it"), "{s}");
    h.keys(&["<Esc>"]);
    assert!(matches!(page(&h).call, CallState::Idle), "Esc disarms");

    // i, i: the demo runs its authorizer with the event shown.
    h.keys(&["i", "i"]);
    assert!(page(&h).call.is_running());
    h.settle().await;
    let CallState::Done { outcome, .. } = &page(&h).call else {
        panic!("the call finished: {:?}", page(&h).call);
    };
    let answer = outcome.as_ref().expect("the demo answers Invoke");
    let e = answer.evaluation().expect("evaluated");
    assert_eq!(
        e.verdict.outcome,
        crate::engines::authz::answer::Outcome::Allow
    );
    let codes: Vec<&str> = e.findings.iter().map(|f| f.code.as_str()).collect();
    assert!(
        codes.contains(&"AUTHORIZER_CACHED_POLICY_TOO_NARROW"),
        "{codes:?}"
    );
    let s = screen(&mut h, 160, 45);
    insta::assert_snapshot!("authorizer_invoke_allow_160x45", s);
    for t in [
        "function:demo-authorizer → Lambda status 200",
        "ALLOW: the request reaches the integration",
        "principalId",
        "tier = \"gold\"",
        "context roles does not reach the integration",
        "AUTHORIZER_CACHED_POLICY_TOO_NARROW",
    ] {
        assert!(s.contains(t), "lacks {t:?}:\n{s}");
    }
    // The narrow window wraps the block instead of cutting it sideways.
    screen(&mut h, 80, 24);
    // Another route starts over: the answer was about GET /me's event.
    h.keys(&["n"]);
    assert!(matches!(page(&h).call, CallState::Idle));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deny_unauthorized_cancel_and_an_unsupported_call() {
    let mut h = on_authorizer().await;
    // y confirms an armed call; an explicit Deny is the 403.
    set_token(&mut h, "Bearer deny-bob");
    h.keys(&["i", "y"]);
    h.settle().await;
    let s = screen(&mut h, 160, 45);
    insta::assert_snapshot!("authorizer_invoke_deny_160x45", s);
    assert!(
        s.contains("DENY (explicit Deny) → API Gateway answers 403"),
        "{s}"
    );
    assert!(s.contains("AUTHORIZER_DENIED"), "{s}");

    // A token the function does not know: it throws Unauthorized (401).
    set_token(&mut h, "Bearer nobody");
    h.keys(&["i", "i"]);
    h.settle().await;
    let s = screen(&mut h, 160, 45);
    assert!(s.contains("function error Unhandled"), "{s}");
    assert!(s.contains("API Gateway answers 401"), "{s}");

    // Esc while it runs: cancelled at once, the late answer dropped.
    set_token(&mut h, "Bearer allow-alice");
    h.keys(&["i", "i", "<Esc>"]);
    assert!(
        h.app.top_as::<AuthorizerDetailPage>().is_some(),
        "Esc cancels, it does not leave the page"
    );
    h.settle().await;
    let s = screen(&mut h, 160, 45);
    assert!(
        s.contains("REAL CALL lambda:Invoke failed: cancelled: the answer was dropped"),
        "{s}"
    );
    assert!(!s.contains("ALLOW:"), "the late answer is dropped:\n{s}");

    // TestInvokeAuthorizer is AWS's: the demo says so, in one line.
    h.keys(&["T", "T"]);
    h.settle().await;
    let s = screen(&mut h, 160, 45);
    let line = s
        .lines()
        .find(|l| l.contains("REAL CALL apigateway:TestInvokeAuthorizer failed"))
        .unwrap_or_else(|| panic!("no failure line:\n{s}"));
    assert!(line.contains("TestInvokeAuthorizer"), "{line}");
}

/// Send `GET /me` from the composer with `headers`; the response page.
async fn send_me(h: &mut Harness, headers: &[(&str, &str)]) {
    use crate::ui::views::compose::page::ComposePage;
    use crate::ui::views::response::page::ResponsePage;
    let api = h.app.shared.inventory.api(API).expect("demo API").clone();
    let route = api.route("GET /me").expect("GET /me");
    let mut draft = compose::draft_for_route(&api, route, api.stages.first());
    for (k, v) in headers {
        draft.headers.push(Field::new(*k, *v));
    }
    let mut composer = ComposePage::from_draft(&draft);
    composer.record_history = false;
    h.app.apply(None, vec![Effect::Push(Box::new(composer))]);
    h.keys(&["<C-s>"]);
    h.pump_until(Duration::from_secs(15), |app| {
        app.top_as::<ResponsePage>().is_some()
    })
    .await;
}

/// The response page shows the event API Gateway built for the route's
/// Lambda authorizer beside the response (below the doctor when wide, its
/// own pane on Tab when narrow), the token masked like the sent headers;
/// and without the identity source, the 401 without invocation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_response_page_shows_the_authorizer_event_beside_the_response() {
    use crate::ui::views::response::page::{Focus, ResponsePage};
    let mut h = on_authorizer().await;
    send_me(&mut h, &[("Authorization", "Bearer deny-bob")]).await;
    let page = h.app.top_as::<ResponsePage>().expect("response page");
    assert_eq!(page.response.status, 403);
    assert!(page.authorizer.is_some(), "GET /me has a Lambda authorizer");
    let wide = screen(&mut h, 160, 45);
    for t in [
        "Authorizer event · demo-users",
        "methodArn      arn:aws:execute-api:us-east-1:123456789012:demo",
        "\"authorizationToken\": \"<redacted>\"",
        "\"type\": \"TOKEN\"",
        "Doctor",
    ] {
        assert!(wide.contains(t), "lacks {t:?}:\n{wide}");
    }
    assert!(!wide.contains("deny-bob"), "the token is masked:\n{wide}");
    // Narrow: Tab goes body → doctor → authorizer → headers.
    h.keys(&["<Tab>", "<Tab>"]);
    let page = h.app.top_as::<ResponsePage>().unwrap();
    assert_eq!(page.focus, Focus::Authorizer);
    let narrow = screen(&mut h, 80, 24);
    // The summary line (size, timings, request id) changes from run to run.
    let narrow: String = narrow
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 1 {
                "<summary>\n".to_string()
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    insta::assert_snapshot!("response_authorizer_pane_80x24", narrow);
    assert!(
        narrow.contains("▶ Authorizer event · demo-users"),
        "{narrow}"
    );
    h.keys(&["<Tab>"]);
    assert_eq!(
        h.app.top_as::<ResponsePage>().unwrap().focus,
        Focus::Headers
    );

    // No Authorization header: 401, and the pane says the authorizer was
    // not invoked.
    h.keys(&["<Esc>", "<Esc>"]);
    send_me(&mut h, &[]).await;
    let page = h.app.top_as::<ResponsePage>().expect("response page");
    assert_eq!(page.response.status, 401);
    let wide = screen(&mut h, 160, 45);
    assert!(
        wide.contains("Authorizer · demo-users: 401, not invoked"),
        "{wide}"
    );
    // The pane's lines, whole (the pane cuts them at its width; h/l scroll).
    let text: Vec<String> = h
        .app
        .top_as::<ResponsePage>()
        .unwrap()
        .authorizer_lines
        .iter()
        .map(|l| l.to_string())
        .collect();
    let text = text.join("\n");
    assert!(
        text.contains("identity source method.request.header.Authorization is missing"),
        "{text}"
    );
    assert!(text.contains("401 without invocation"), "{text}");
}
