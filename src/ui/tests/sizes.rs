//! The main screens at the four terminal sizes people use (160x45, 100x30,
//! 80x24, 60x20): tables give up their least important columns first and
//! the path / name keeps its text, the help stays inside the window.
//! Each snapshot was reviewed by reading it.

use super::fixtures;
use crate::ui::testing::{Harness, fake_backend, harness};
use crate::ui::views::api_detail::ApiDetailPage;

const SIZES: [(u16, u16); 4] = [(160, 45), (100, 30), (80, 24), (60, 20)];

async fn started() -> Harness {
    let mut h = harness(fake_backend(fixtures::control()));
    h.start().await;
    h
}

/// Every row of the screen fits the width (no line is longer than the
/// terminal) and the screen is not blank.
fn well_formed(screen: &str, w: u16) {
    for line in screen.lines() {
        assert!(line.chars().count() <= w as usize, "wider than {w}: {line}");
    }
    assert!(screen.contains("gatescope"), "{screen}");
}

#[tokio::test]
async fn api_list_at_each_size() {
    let mut h = started().await;
    for (w, ht) in SIZES {
        let screen = h.render(w, ht);
        well_formed(&screen, w);
        // The API's name is the column kept longest.
        assert!(screen.contains("orders-api"), "{w}x{ht}: {screen}");
        insta::assert_snapshot!(format!("api_list_{w}x{ht}"), screen);
    }
}

#[tokio::test]
async fn api_detail_routes_at_each_size() {
    let mut h = started().await;
    h.keys(&["<Enter>"]);
    assert!(h.app.top_as::<ApiDetailPage>().is_some());
    for (w, ht) in SIZES {
        let screen = h.render(w, ht);
        well_formed(&screen, w);
        // The path keeps its full text down to 60 columns.
        assert!(screen.contains("/orders/{id}"), "{w}x{ht}: {screen}");
        insta::assert_snapshot!(format!("api_detail_routes_{w}x{ht}"), screen);
    }
}

#[tokio::test]
async fn help_at_each_size() {
    let mut h = started().await;
    h.keys(&["?"]);
    for (w, ht) in SIZES {
        let screen = h.render(w, ht);
        well_formed(&screen, w);
        assert!(screen.contains("help — Esc closes"), "{w}x{ht}: {screen}");
        insta::assert_snapshot!(format!("help_{w}x{ht}"), screen);
    }
}

/// The demo's first-screen hint and the note naming hidden columns share the
/// bottom border: at every size the hint shortens (or goes) rather than the
/// two titles writing over each other.
#[tokio::test]
async fn the_demo_hint_never_overlaps_the_hidden_columns_note() {
    let mut backend = fake_backend(fixtures::control());
    backend.info.demo = true;
    let mut h = harness(backend);
    h.start().await;
    for (w, ht) in SIZES {
        let screen = h.render(w, ht);
        well_formed(&screen, w);
        let bottom = screen
            .lines()
            .rev()
            .find(|l| l.starts_with('╰'))
            .expect("the list's bottom border");
        // One of the hint's forms, whole; a hidden-columns note, whole, at the right.
        let hints = [
            "New here? :tour (then Enter) shows a guided tour: a 502, a CORS failure, a 401",
            "New here? :tour (then Enter) shows a guided tour",
            "New here? :tour",
        ];
        let hint = hints.iter().find(|h| bottom.contains(*h));
        assert!(hint.is_some(), "{w}x{ht}: {bottom}");
        if let Some(note) = bottom.find(" hidden: ") {
            assert!(bottom[note..].ends_with(" ╯"), "{w}x{ht}: {bottom}");
            assert!(
                bottom.find(hint.unwrap()).unwrap() < note,
                "{w}x{ht}: {bottom}"
            );
        }
    }
}
