//! The `:doctor` lint page in the shell.

use ratatui::Frame;
use ratatui::layout::Rect;

use super::lint_view::LintView;
use crate::app::diagnose;
use crate::ui::action::Action;
use crate::ui::components::styles::BodyStyles;
use crate::ui::page::{Effect, Page, Selection};
use crate::ui::shared::Shared;
use crate::ui::views::response::screen::copy_effect;

crate::ui::verbs::page_verbs! {
    /// The doctor page's own verbs (`[doctor]` in the keymap).
    pub(crate) enum DoctorVerb {
        Copy = "copy",
        CopyAll = "copy_all",
    }
}

pub(crate) struct LintPage {
    pub api_id: String,
    pub stage: Option<String>,
    pub view: LintView,
    /// Inventory and function-cache generations the findings were computed at.
    generation: (u64, u64),
}

impl LintPage {
    pub fn new(
        api_id: String,
        stage: Option<String>,
        subject: String,
        findings: Vec<crate::domain::Finding>,
    ) -> Self {
        LintPage {
            api_id,
            stage,
            view: LintView::new(subject, findings),
            generation: (0, 0),
        }
    }
}

impl Page for LintPage {
    fn title(&self, _shared: &Shared) -> String {
        "doctor".into()
    }

    fn keymap_sections(&self) -> &'static [&'static str] {
        &["doctor", "list"]
    }

    fn filter(&self) -> &str {
        &self.view.filter
    }

    fn selection(&self, _shared: &Shared) -> Selection {
        Selection {
            api_id: Some(self.api_id.clone()),
            route_key: None,
            stage_name: self.stage.clone(),
        }
    }

    fn handle(&mut self, action: &Action, shared: &mut Shared) -> Option<Vec<Effect>> {
        match action {
            Action::Down => self.view.select_next(),
            Action::Up => self.view.select_prev(),
            Action::Top => self.view.select_first(),
            Action::Bottom => self.view.select_last(),
            Action::PageDown => self.view.scroll_detail(true),
            Action::PageUp => self.view.scroll_detail(false),
            Action::SetFilter(f) => self.view.set_filter(f),
            Action::Refresh => {
                // Reload the API and re-read its functions' configuration.
                let api = shared.inventory.api(&self.api_id)?.clone();
                let mut effects =
                    vec![crate::ui::inventory_feed::load_details(shared, api.clone())];
                effects.extend(crate::ui::inventory_feed::fetch_functions(
                    shared, &api, true,
                ));
                return Some(effects);
            }
            Action::Page(v) => {
                return Some(vec![match DoctorVerb::parse(v)? {
                    DoctorVerb::Copy => copy_effect(&self.view.selected_text()?, "the finding"),
                    DoctorVerb::CopyAll => copy_effect(&self.view.all_text(), "all findings"),
                }]);
            }
            _ => return None,
        }
        Some(vec![])
    }

    fn render(&mut self, frame: &mut Frame, area: Rect, shared: &Shared) {
        // Re-lint when the inventory changed (a refresh loaded details) or
        // function timeouts arrived.
        let now = (shared.inventory.generation, shared.functions.generation);
        if now != self.generation {
            self.generation = now;
            if let Some(api) = shared.inventory.api(&self.api_id) {
                let known = shared.functions.known(&shared.backend.info);
                self.view
                    .set_findings(diagnose::lint(api, self.stage.as_deref(), known));
            }
        }
        let styles = BodyStyles::from_theme(&shared.theme);
        self.view.render(frame, area, &styles);
    }
}
