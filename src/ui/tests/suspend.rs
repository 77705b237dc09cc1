//! Handing the terminal to a blocking job (`Effect::Suspend`): the shell
//! holds one job at a time, applies its result to the page that asked, and
//! drops it if that page was closed meanwhile.

use ratatui::Frame;
use ratatui::layout::Rect;

use crate::ui::action::Action;
use crate::ui::page::{Effect, Page};
use crate::ui::shared::Shared;
use crate::ui::testing::{FakeControl, fake_backend, harness};

/// A page that asks for the terminal on `x` and counts the results.
#[derive(Default)]
struct Asker {
    done: Vec<String>,
}

fn job(tag: &'static str) -> Effect {
    Effect::suspend::<Asker, _, _>(format!("job {tag}"), move || {
        // Runs on a blocking thread: it may block as an editor would.
        std::thread::sleep(std::time::Duration::from_millis(5));
        move |page: &mut Asker, _: &mut Shared| {
            page.done.push(tag.to_string());
            vec![Effect::Info(format!("{tag} done"))]
        }
    })
}

impl Page for Asker {
    fn title(&self, _: &Shared) -> String {
        "asker".into()
    }
    fn render(&mut self, _: &mut Frame, _: Rect, _: &Shared) {}
    fn handle(&mut self, action: &Action, _: &mut Shared) -> Option<Vec<Effect>> {
        match action {
            Action::Page(v) if v == "x" => Some(vec![job("one")]),
            Action::Page(v) if v == "xx" => Some(vec![job("one"), job("two")]),
            _ => None,
        }
    }
}

#[tokio::test]
async fn the_result_reaches_the_page_that_asked() {
    let mut h = harness(fake_backend(FakeControl::default()));
    h.app
        .apply(None, vec![Effect::Push(Box::new(Asker::default()))]);
    h.update(Action::Page("x".into()));
    assert!(h.app.wants_terminal());
    assert!(h.run_suspended().await);
    assert!(!h.app.wants_terminal());
    assert_eq!(h.app.top_as::<Asker>().unwrap().done, ["one"]);
    assert_eq!(h.app.shared.status.info.as_deref(), Some("one done"));
    assert!(!h.run_suspended().await, "nothing left to run");
}

#[tokio::test]
async fn one_job_at_a_time() {
    let mut h = harness(fake_backend(FakeControl::default()));
    h.app
        .apply(None, vec![Effect::Push(Box::new(Asker::default()))]);
    h.update(Action::Page("xx".into()));
    let error = h.app.shared.status.error.clone().unwrap_or_default();
    assert!(
        error.contains("job two: another program is already running"),
        "{error}"
    );
    assert!(h.run_suspended().await);
    assert_eq!(h.app.top_as::<Asker>().unwrap().done, ["one"]);
}

#[tokio::test]
async fn a_closed_page_drops_the_result() {
    let mut h = harness(fake_backend(FakeControl::default()));
    h.app
        .apply(None, vec![Effect::Push(Box::new(Asker::default()))]);
    let depth = h.app.depth();
    h.update(Action::Page("x".into()));
    h.app.apply(None, vec![Effect::Pop]);
    assert!(h.run_suspended().await);
    assert_eq!(h.app.depth(), depth - 1);
    assert!(h.app.shared.status.info.is_none());
}
