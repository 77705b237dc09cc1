//! Opening a request again from the history or a collection. What was
//! stored there had its secrets replaced by `<redacted>`; the composer must
//! say which ones to type again, and must not send the placeholders.

use crate::domain::{AuthMode, Field, RequestDraft};
use crate::engines::redact::is_redacted;

use super::page::ComposePage;

/// Where `draft` still holds a `<redacted>` placeholder, e.g.
/// `["auth token", "header x-api-key"]`; empty when it can be sent as is.
pub(crate) fn redacted_places(draft: &RequestDraft) -> Vec<String> {
    let mut places = Vec::new();
    match &draft.auth {
        AuthMode::Jwt { token } if is_redacted(token) => places.push("auth token".to_string()),
        AuthMode::ApiKey { key } if is_redacted(key) => places.push("API key".to_string()),
        _ => {}
    }
    let mut fields = |kind: &str, list: &[Field]| {
        for f in list.iter().filter(|f| f.enabled && is_redacted(&f.value)) {
            places.push(format!("{kind} {}", f.name));
        }
    };
    fields("header", &draft.headers);
    fields("query", &draft.query);
    fields("path parameter", &draft.path_params);
    if is_redacted(&draft.base_url) || is_redacted(&draft.path) {
        places.push("URL".into());
    }
    if String::from_utf8_lossy(&draft.body).contains(crate::engines::redact::REDACTED) {
        places.push("body".into());
    }
    places
}

/// The one-line reminder shown in the composer, if anything is redacted.
pub(crate) fn reenter_message(draft: &RequestDraft) -> Option<String> {
    let places = redacted_places(draft);
    (!places.is_empty()).then(|| {
        format!(
            "secrets were redacted when this request was stored: re-enter {} before sending",
            places.join(", ")
        )
    })
}

/// What to say about a body the history kept only `kept` bytes of.
pub(crate) fn cut_body_message(kept: usize, real: u64) -> String {
    use crate::ui::views::response::summary::human_size;
    format!(
        "the history kept only the first {} of this {} body",
        human_size(kept as u64),
        human_size(real)
    )
}

impl ComposePage {
    /// The history kept only the start of this draft's body (`Some(real
    /// size)`): sending it as it is then takes a second send, and the
    /// composer says so.
    pub(crate) fn set_cut_body(&mut self, real: Option<u64>) {
        self.cut_from = real;
        self.cut_confirmed = false;
        if let Some(real) = real {
            let m = cut_body_message(self.body.bytes().len(), real);
            self.message = Some(match self.message.take() {
                Some(before) => format!("{before} · {m}"),
                None => m,
            });
        }
    }

    /// The cut body was sent knowingly (a second `s` in the history).
    pub(crate) fn confirm_cut_body(&mut self) {
        self.cut_confirmed = true;
    }

    /// A composer on a stored request, saying which secrets to re-enter.
    pub(crate) fn reopen(draft: &RequestDraft) -> ComposePage {
        let mut page = ComposePage::from_draft(draft);
        page.message = reenter_message(draft);
        if matches!(draft.auth, AuthMode::Jwt { .. } | AuthMode::ApiKey { .. })
            && page.message.is_some()
        {
            page.tab = super::page::Tab::Auth;
        }
        page
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engines::compose::draft_from_url;
    use crate::engines::redact::Redactor;

    #[test]
    fn finds_every_redacted_place_of_a_stored_draft() {
        let mut d = draft_from_url("POST", "http://127.0.0.1:1/x?access_token=abc&n=1").unwrap();
        d.auth = AuthMode::Jwt {
            token: "aaaa.bbbb.cccc".into(),
        };
        d.headers.push(Field::new("x-api-key", "k-123456"));
        d.headers.push(Field::new("accept", "*/*"));
        assert!(redacted_places(&d).is_empty());
        let stored = Redactor::for_auth(&d.auth).draft(&d);
        assert_eq!(
            redacted_places(&stored),
            ["auth token", "header x-api-key", "query access_token"]
        );
        let msg = reenter_message(&stored).unwrap();
        assert!(
            msg.contains("re-enter auth token, header x-api-key"),
            "{msg}"
        );
        let page = ComposePage::reopen(&stored);
        assert_eq!(page.message.as_deref(), Some(msg.as_str()));
    }
}
