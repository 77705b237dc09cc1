//! The example body a route's composer opens with (see [`crate::app::examples`]).

use crate::domain::RequestDraft;
use crate::ui::page::Effect;
use crate::ui::shared::Shared;

use super::page::ComposePage;

/// The demo scenario's body for this route, if one sends a body.
pub(crate) fn demo_body(draft: &RequestDraft) -> Option<String> {
    crate::app::examples::demo_body(draft)
}

/// Read the last body sent to this route in the background; it lands in
/// the composer only if the body is still empty.
pub(crate) fn last_sent_body(draft: &RequestDraft) -> Effect {
    let draft = draft.clone();
    Effect::task::<ComposePage, _, _>("reading history", async move {
        let body = crate::app::examples::read_last_sent_body(draft).await;
        move |page: &mut ComposePage, _shared: &mut Shared| {
            if let Some(b) = body {
                page.offer_example_body(&b);
            }
            vec![]
        }
    })
}
