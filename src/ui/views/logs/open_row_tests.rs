//! Opening an Insights result row in the running app (demo backend): a
//! query that selects no `@message` gives rows; Enter on one fetches its
//! full record by `@ptr` (GetLogRecord) in the background and shows it as
//! a correlated record.

use super::app_tests::{WAIT, demo_app, send};
use super::page::{Connection, LogsPage};
use crate::app::logs::insights::field;
use crate::ui::action::Action;

#[tokio::test]
async fn enter_on_a_row_without_message_fetches_its_record_by_ptr() {
    let (mut h, gw) = demo_app().await;
    h.update(Action::Command("logs".into()));
    let (_, first, _) = send(&gw, "/orders").await;
    let (_, second, _) = send(&gw, "/orders").await;
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.store.total() == 2 && p.targets.is_some())
    })
    .await;
    // Replace the first line of the default query with one without @message.
    h.keys(&["i"]);
    let first_line = "fields @timestamp, @message, @log, @logStream";
    h.keys(&vec!["<Del>"; first_line.len()]);
    h.type_text("fields @timestamp, @logStream");
    h.keys(&["<F5>"]);
    // Done (the query handle is gone), not just the last Progress.
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>().is_some_and(|p| {
            p.query.is_none()
                && p.insights
                    .progress
                    .as_ref()
                    .is_some_and(|p| p.status == "Complete")
        })
    })
    .await;
    let p = h.app.top_as::<LogsPage>().unwrap();
    assert!(!p.showing_query, "rows without @message are not records");
    assert_eq!(p.insights.rows.len(), 2, "{:?}", p.insights.rows);
    assert!(
        p.insights
            .rows
            .iter()
            .all(|r| field(r, "@message").is_none() && field(r, "@ptr").is_some())
    );

    // Tab to the rows, Enter on the first (the newest: sorted desc).
    h.keys(&["<Tab>", "<Enter>"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.showing_query && p.store.total() == 1)
    })
    .await;
    let p = h.app.top_as::<LogsPage>().unwrap();
    assert_eq!(p.tail.connection, Connection::Query);
    assert!(p.paused, "the tail pauses while a row's record is shown");
    let row = &p.insights.rows[0];
    let message = field(row, "@message").expect("the record's @message joined the row");
    assert!(message.contains(&second), "{message}");
    let (_, rec) = p.selected_record().expect("the opened record is selected");
    assert_eq!(rec.access.request_id.as_deref(), Some(second.as_str()));
    assert!(!rec.unmatched, "correlated with its Lambda lines");

    // The next row adds its record beside the first.
    h.keys(&["<Down>", "<Enter>"]);
    h.pump_until(WAIT, |app| {
        app.top_as::<LogsPage>()
            .is_some_and(|p| p.store.total() == 2)
    })
    .await;
    let p = h.app.top_as::<LogsPage>().unwrap();
    let (_, rec) = p.selected_record().unwrap();
    assert_eq!(rec.access.request_id.as_deref(), Some(first.as_str()));
    let screen = h.render(160, 34);
    assert!(screen.contains("Enter open its full record"), "{screen}");
}
