//! The response page's Authorizer pane: after a send to a route guarded by
//! a Lambda authorizer, the event API Gateway built for that authorizer
//! from this request (or the 401 without invocation when an identity
//! source is missing), beside the response and the doctor. Built once when
//! the page is made (its request ids and time stay put); drawn with the
//! same lines as the authorizer detail page and the composer's tab, with
//! the request's secrets masked as the page's "sent" headers are.

use ratatui::text::{Line, Span};

use crate::app::authorizer::{self, AuthorizerQuery, Call, Prepared};
use crate::domain::{Api, LambdaAuthorizerKind, RequestDraft};
use crate::engines::redact::Redactor;
use crate::ui::components::text_view::Scroll;
use crate::ui::theme::Theme;
use crate::ui::views::authorizer_event;

#[derive(Debug, Clone)]
pub struct AuthorizerPane {
    prepared: Result<Prepared, String>,
    redactor: Redactor,
    pub scroll: Scroll,
}

// Two panes are the same when they show the same event.
impl PartialEq for AuthorizerPane {
    fn eq(&self, other: &Self) -> bool {
        let key = |p: &Result<Prepared, String>| match p {
            Ok(p) => Ok((
                p.route_key.clone(),
                match &p.call {
                    Call::Invoke { event, .. } => event.to_string(),
                    Call::NotInvoked { missing } => missing.clone(),
                },
            )),
            Err(e) => Err(e.clone()),
        };
        key(&self.prepared) == key(&other.prepared)
    }
}

impl AuthorizerPane {
    /// The pane for a request sent from `draft`, when its route is guarded
    /// by a Lambda authorizer (`None` otherwise: no pane).
    pub fn for_draft(
        api: Option<&Api>,
        draft: &RequestDraft,
        region: Option<&str>,
    ) -> Option<AuthorizerPane> {
        let api = api?;
        let route = api.route(draft.target.route_key.as_deref()?)?;
        let a = api.authorizer(route.authorizer_id.as_deref()?)?;
        LambdaAuthorizerKind::of(api.protocol(), a)?;
        let prepared = match authorizer::request_for_draft(draft) {
            Ok(req) => authorizer::prepare_with(
                api,
                &AuthorizerQuery::local(&req),
                region,
                crate::app::seed(),
            ),
            Err(e) => Err(format!("the request cannot be built: {e}")),
        };
        // The token or key in the event is masked like the sent headers.
        let mut redactor = Redactor::for_auth(&draft.auth);
        for h in draft.headers.iter().filter(|h| h.enabled) {
            if redactor.header(&h.name, &h.value) != h.value {
                redactor.add_known_secret(&h.value);
            }
        }
        Some(AuthorizerPane {
            prepared,
            redactor,
            scroll: Scroll::default(),
        })
    }

    /// One line for the title: what API Gateway did with the authorizer.
    pub fn title(&self) -> String {
        match &self.prepared {
            Ok(p) => match &p.call {
                Call::Invoke { .. } => format!("Authorizer event · {}", p.authorizer.name),
                Call::NotInvoked { .. } => {
                    format!("Authorizer · {}: 401, not invoked", p.authorizer.name)
                }
            },
            Err(_) => "Authorizer event".to_string(),
        }
    }

    pub fn lines(&self, theme: &Theme) -> Vec<Line<'static>> {
        let mut out = vec![Line::styled(
            "What API Gateway built for the Lambda authorizer from this request (the authorizer page's i invokes it: REAL CALL)",
            theme.get("dim"),
        )];
        out.extend(authorizer_event::lines(&self.prepared, theme));
        out.into_iter()
            .map(|l| {
                let spans: Vec<Span<'static>> = l
                    .spans
                    .into_iter()
                    .map(|s| Span::styled(self.redactor.text(&s.content), s.style))
                    .collect();
                Line::from(spans).style(l.style)
            })
            .collect()
    }
}
