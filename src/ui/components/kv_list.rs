//! An editable list of key/value rows (query parameters, headers, path
//! parameters): add, edit, delete, enable/disable without losing the row.

use crossterm::event::{KeyCode, KeyEvent};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::line_input::{InputOutcome, LineInput};
use crate::ui::components::styles::BodyStyles;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KvRow {
    pub key: String,
    pub value: String,
    pub enabled: bool,
}

impl KvRow {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        KvRow {
            key: key.into(),
            value: value.into(),
            enabled: true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cell {
    Key,
    Value,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Edit {
    cell: Cell,
    input: LineInput,
    /// The row was added by this edit: cancelling removes it.
    is_new: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KvList {
    pub rows: Vec<KvRow>,
    pub selected: usize,
    /// Keys are fixed (path parameters): only values can be edited.
    pub fixed_keys: bool,
    edit: Option<Edit>,
}

impl KvList {
    pub fn new(rows: Vec<KvRow>) -> Self {
        KvList {
            rows,
            ..Default::default()
        }
    }

    pub fn fixed(rows: Vec<KvRow>) -> Self {
        KvList {
            rows,
            fixed_keys: true,
            ..Default::default()
        }
    }

    pub(crate) fn is_editing(&self) -> bool {
        self.edit.is_some()
    }

    /// Which cell is being edited, if any.
    pub(crate) fn editing_cell(&self) -> Option<Cell> {
        self.edit.as_ref().map(|e| e.cell)
    }

    /// Enabled rows with a non-empty key, in order.
    #[cfg(test)]
    pub(crate) fn enabled_pairs(&self) -> Vec<(String, String)> {
        self.rows
            .iter()
            .filter(|r| r.enabled && !r.key.trim().is_empty())
            .map(|r| (r.key.trim().to_string(), r.value.clone()))
            .collect()
    }

    pub(crate) fn select_next(&mut self) {
        if self.selected + 1 < self.rows.len() {
            self.selected += 1;
        }
    }

    pub(crate) fn select_prev(&mut self) {
        self.selected = self.selected.saturating_sub(1);
    }

    /// Append an empty row and start editing its key.
    pub fn add(&mut self) {
        if self.fixed_keys {
            return;
        }
        self.rows.push(KvRow::new("", ""));
        self.selected = self.rows.len() - 1;
        self.edit = Some(Edit {
            cell: Cell::Key,
            input: LineInput::default(),
            is_new: true,
        });
    }

    /// Start editing the selected row (the value when keys are fixed).
    pub(crate) fn edit_selected(&mut self, cell: Cell) {
        let cell = if self.fixed_keys { Cell::Value } else { cell };
        let Some(row) = self.rows.get(self.selected) else {
            return;
        };
        let text = match cell {
            Cell::Key => &row.key,
            Cell::Value => &row.value,
        };
        self.edit = Some(Edit {
            cell,
            input: LineInput::new(text.clone()),
            is_new: false,
        });
    }

    pub(crate) fn delete_selected(&mut self) {
        if self.fixed_keys || self.selected >= self.rows.len() {
            return;
        }
        self.rows.remove(self.selected);
        self.selected = self.selected.min(self.rows.len().saturating_sub(1));
    }

    pub(crate) fn toggle_selected(&mut self) {
        if let Some(r) = self.rows.get_mut(self.selected) {
            r.enabled = !r.enabled;
        }
    }

    fn store(&mut self) {
        if let Some(edit) = &self.edit
            && let Some(row) = self.rows.get_mut(self.selected)
        {
            let text = edit.input.text().to_string();
            match edit.cell {
                Cell::Key => row.key = text,
                Cell::Value => row.value = text,
            }
        }
    }

    /// Keys while editing: Enter commits (from a key, moves on to the
    /// value), Tab switches cell, Esc cancels. Returns false when the list
    /// is not editing (the caller handles the key).
    pub fn handle_key(&mut self, key: KeyEvent) -> bool {
        let Some(edit) = self.edit.as_mut() else {
            return false;
        };
        if edit.input.handle_key(key) != InputOutcome::Ignored {
            return true;
        }
        match key.code {
            KeyCode::Enter | KeyCode::Tab | KeyCode::BackTab => {
                let from = edit.cell;
                let is_new = edit.is_new;
                self.store();
                self.edit = None;
                let go_to_value = from == Cell::Key && !self.fixed_keys;
                if key.code == KeyCode::Enter && !go_to_value {
                    return true;
                }
                let next = if from == Cell::Key {
                    Cell::Value
                } else {
                    Cell::Key
                };
                self.edit_selected(next);
                if let Some(e) = self.edit.as_mut() {
                    e.is_new = is_new;
                }
            }
            KeyCode::Esc => {
                let is_new = edit.is_new;
                self.edit = None;
                if is_new
                    && self
                        .rows
                        .get(self.selected)
                        .is_some_and(|r| r.key.is_empty() && r.value.is_empty())
                {
                    self.rows.remove(self.selected);
                    self.selected = self.selected.min(self.rows.len().saturating_sub(1));
                }
            }
            _ => {}
        }
        true
    }
}

/// Renders a [`KvList`]; `focused` shows the selection.
pub(crate) struct KvListView<'a> {
    pub list: &'a KvList,
    pub focused: bool,
    pub styles: &'a BodyStyles,
    /// Shown when the list is empty.
    pub empty_hint: &'a str,
}

impl Widget for KvListView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let list = self.list;
        if list.rows.is_empty() {
            Line::styled(self.empty_hint.to_string(), self.styles.dim).render(area, buf);
            return;
        }
        let key_width = list
            .rows
            .iter()
            .map(|r| r.key.chars().count())
            .max()
            .unwrap_or(0)
            .clamp(8, (area.width as usize / 3).max(8)) as u16;
        // Column labels, so a user knows which cell is the name.
        let header = Rect::new(area.x, area.y, area.width, 1.min(area.height));
        let label = if list.fixed_keys { "PARAMETER" } else { "NAME" };
        Line::styled(
            format!(
                "{:<4}{label:<width$} VALUE",
                "ON",
                width = key_width as usize + 1
            ),
            self.styles.dim,
        )
        .render(header, buf);
        let area = Rect::new(
            area.x,
            area.y.saturating_add(1),
            area.width,
            area.height.saturating_sub(1),
        );
        let height = area.height as usize;
        let first = list.selected.saturating_sub(height.saturating_sub(1));
        for (row_no, (i, row)) in list
            .rows
            .iter()
            .enumerate()
            .skip(first)
            .take(height)
            .enumerate()
        {
            let y = area.y + row_no as u16;
            let line_area = Rect::new(area.x, y, area.width, 1);
            let [mark, key, value] = Layout::horizontal([
                Constraint::Length(4),
                Constraint::Length(key_width + 1),
                Constraint::Fill(1),
            ])
            .areas(line_area);
            let is_sel = self.focused && i == list.selected;
            let base = if row.enabled {
                ratatui::style::Style::default()
            } else {
                self.styles.dim
            };
            let check = if row.enabled { "[x] " } else { "[ ] " };
            Span::styled(check, if is_sel { self.styles.selected } else { base }).render(mark, buf);
            let editing = list.edit.as_ref().filter(|_| is_sel || i == list.selected);
            let cell_line = |cell: Cell, text: &str, width: u16| -> Line<'static> {
                match editing {
                    Some(e) if e.cell == cell => e.input.spans(true, width as usize, base),
                    _ => Line::styled(text.to_string(), base),
                }
            };
            cell_line(Cell::Key, &row.key, key.width)
                .style(self.styles.key.patch(base))
                .render(key, buf);
            cell_line(Cell::Value, &row.value, value.width).render(value, buf);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::KeyModifiers;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn typed(list: &mut KvList, s: &str) {
        for c in s.chars() {
            assert!(list.handle_key(k(KeyCode::Char(c))));
        }
    }

    #[test]
    fn add_a_row_key_then_value() {
        let mut l = KvList::default();
        l.add();
        typed(&mut l, "x-debug");
        l.handle_key(k(KeyCode::Enter));
        assert!(l.is_editing(), "Enter on the key moves to the value");
        typed(&mut l, "1");
        l.handle_key(k(KeyCode::Enter));
        assert!(!l.is_editing());
        assert_eq!(l.rows, vec![KvRow::new("x-debug", "1")]);
    }

    #[test]
    fn cancelling_a_new_empty_row_removes_it() {
        let mut l = KvList::new(vec![KvRow::new("a", "1")]);
        l.add();
        l.handle_key(k(KeyCode::Esc));
        assert_eq!(l.rows.len(), 1);
        assert_eq!(l.selected, 0);
    }

    #[test]
    fn edit_toggle_delete() {
        let mut l = KvList::new(vec![KvRow::new("a", "1"), KvRow::new("b", "2")]);
        l.select_next();
        l.edit_selected(Cell::Value);
        l.handle_key(k(KeyCode::Backspace));
        typed(&mut l, "two");
        l.handle_key(k(KeyCode::Enter));
        assert_eq!(l.rows[1].value, "two");
        l.toggle_selected();
        assert_eq!(l.enabled_pairs(), vec![("a".into(), "1".into())]);
        l.delete_selected();
        assert_eq!(l.rows.len(), 1);
        assert_eq!(l.selected, 0);
        assert!(!l.handle_key(k(KeyCode::Char('x'))), "not editing");
    }

    #[test]
    fn fixed_keys_only_edit_values() {
        let mut l = KvList::fixed(vec![KvRow::new("id", "")]);
        l.add();
        l.delete_selected();
        assert_eq!(l.rows.len(), 1);
        l.edit_selected(Cell::Key);
        typed(&mut l, "42");
        l.handle_key(k(KeyCode::Enter));
        assert_eq!(l.rows[0], KvRow::new("id", "42"));
    }
}
