//! The response viewer (its body widgets are in `ui/components`).

pub mod authorizer;
pub mod body;
pub mod headers;
pub mod jq;
pub mod log_confirm;
pub mod page;
pub mod screen;
pub mod sent;
pub mod summary;
pub mod verbs;

#[cfg(test)]
pub(crate) mod test_render {
    use ratatui::{Terminal, backend::TestBackend};

    /// Draw once on a `width` x `height` test terminal and return the screen
    /// as text (styles dropped; colours are asserted in unit tests).
    pub fn render(width: u16, height: u16, draw: impl FnOnce(&mut ratatui::Frame)) -> String {
        let mut t = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
        t.draw(draw).expect("draw");
        t.backend().to_string()
    }
}

#[cfg(test)]
mod page_tests;

#[cfg(test)]
mod confirm_tests;
