//! Under `NO_COLOR` every page still shows where the focus is: by reversed
//! video (the selected row, the active tab) or by shape (`▶`, thick borders),
//! never by colour alone — and no cell carries a colour at all.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

use super::fixtures;
use crate::ui::testing::{Harness, fake_backend, harness};
use crate::ui::theme::Theme;

fn frame(h: &mut Harness) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(120, 30)).expect("test terminal");
    terminal.draw(|f| h.app.render(f)).expect("draw");
    terminal.backend().buffer().clone()
}

/// What marks the focus on this frame (reversed cells, a `▶`), or a failure
/// naming the page when nothing does or a colour slipped through.
fn assert_focus_without_colour(page: &str, buf: &Buffer) {
    assert_no_colour(page, buf);
    // The page body only: the status line is reversed on every page.
    let area = buf.area;
    let body = (area.y + 1..area.bottom() - 1)
        .flat_map(|y| (area.x..area.right()).map(move |x| (x, y)))
        .map(|p| &buf[p]);
    let (mut reversed, mut marker) = (false, false);
    for c in body {
        reversed |= c.modifier.contains(Modifier::REVERSED) && !c.symbol().trim().is_empty();
        marker |= c.symbol() == "▶";
    }
    assert!(
        reversed || marker,
        "{page}: nothing marks the focus without colour"
    );
}

fn assert_no_colour(page: &str, buf: &Buffer) {
    let coloured = |c: Option<Color>| c.is_some_and(|c| c != Color::Reset);
    for cell in buf.content.iter() {
        assert!(
            !coloured(Some(cell.fg)) && !coloured(Some(cell.bg)),
            "{page}: a cell is coloured under NO_COLOR: {cell:?}"
        );
    }
}

#[tokio::test]
async fn every_page_marks_its_focus_without_colour() {
    let mut h = harness(fake_backend(fixtures::control()));
    h.app.shared.theme = Theme::defaults().without_colour();
    h.start().await;
    assert_focus_without_colour("API list", &frame(&mut h));

    h.keys(&["<Enter>"]);
    h.settle().await;
    for tab in ["routes", "integrations", "authorizers", "stages", "cors"] {
        assert_focus_without_colour(&format!("API detail, {tab} tab"), &frame(&mut h));
        h.keys(&["<Tab>"]);
    }

    h.keys(&["<Enter>"]);
    h.settle().await;
    // One scrolling text, nothing to focus: colourless is all it owes.
    assert_no_colour("route detail", &frame(&mut h));
    h.keys(&["<Esc>"]);

    h.keys(&[":"]);
    h.type_text("send");
    h.keys(&["<Enter>"]);
    assert_focus_without_colour("composer", &frame(&mut h));
    h.keys(&["<Tab>"]);
    assert_focus_without_colour("composer, next tab", &frame(&mut h));
    h.keys(&["<Esc>"]);

    h.keys(&["?"]);
    assert_no_colour("help", &frame(&mut h)); // a scrolling text: no focus
}

/// The response page draws with the body view's styles: under NO_COLOR those
/// lose their JSON and status colours too, and the focused pane keeps its `▶`.
#[test]
fn the_response_page_has_no_colour_and_marks_its_pane() {
    use crate::domain::{HttpRequest, HttpResponse, Timing};
    use crate::ui::components::styles::BodyStyles;
    use crate::ui::views::response::page::ResponsePage;
    let styles = BodyStyles::from_theme(&Theme::defaults().without_colour());
    let body = br#"{"message":"Internal server error","n":1,"ok":false}"#;
    let mut page = ResponsePage::new(
        Some(HttpRequest::new(
            "GET",
            "https://abc.execute-api.eu-west-1.amazonaws.com/prod/x",
        )),
        HttpResponse {
            status: 502,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.to_vec(),
            body_size: body.len() as u64,
            truncated: false,
            timing: Timing::default(),
        },
    );
    for (w, h) in [(120, 30), (80, 24)] {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("test terminal");
        terminal
            .draw(|f| page.render(f, f.area(), &styles))
            .expect("draw");
        let buf = terminal.backend().buffer();
        assert_no_colour(&format!("response {w}x{h}"), buf);
        assert!(
            buf.content.iter().any(|c| c.symbol() == "▶"),
            "response {w}x{h}: no focus marker"
        );
    }
}
