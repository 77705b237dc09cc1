//! Selection, scrolling and `/` fuzzy filtering for any list or table.
//!
//! The list does not own the items: a view calls [`FilterList::sync`] with
//! the items' search text (only when the data or the filter changed) and then
//! maps visible rows back to item indices.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher, Utf32Str};
use ratatui::layout::Rect;
use ratatui::widgets::TableState;

use crate::ui::action::Action;

#[derive(Debug, Default)]
pub(crate) struct FilterList {
    filter: String,
    /// Item indices shown, best match first when filtering.
    visible: Vec<usize>,
    pub state: TableState,
    /// `(data generation, filter)` the visible rows were computed for.
    synced: Option<(u64, String)>,
    /// Rows of the last render (for page up/down and clicks).
    pub viewport: Rect,
    /// Rows above the first item (header, border) in `viewport`.
    pub header_rows: u16,
}

impl FilterList {
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// Recompute the visible rows if `generation` or the filter changed.
    /// `haystacks` yields each item's search text, in item order.
    pub fn sync<I, S>(&mut self, generation: u64, haystacks: impl FnOnce() -> I)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let key = (generation, self.filter.clone());
        if self.synced.as_ref() == Some(&key) {
            return;
        }
        let previous = self.selected();
        self.visible = fuzzy_filter(&self.filter, haystacks());
        self.synced = Some(key);
        // Keep the same item selected when it is still visible.
        let pos = previous
            .and_then(|p| self.visible.iter().position(|&i| i == p))
            .or(if self.visible.is_empty() {
                None
            } else {
                Some(0)
            });
        self.state.select(pos);
    }

    pub(crate) fn visible(&self) -> &[usize] {
        &self.visible
    }

    /// The selected item's index in the underlying data.
    pub fn selected(&self) -> Option<usize> {
        self.state
            .selected()
            .and_then(|i| self.visible.get(i).copied())
    }

    pub fn set_filter(&mut self, filter: &str) {
        if self.filter != filter {
            self.filter = filter.to_string();
            self.synced = None;
            self.state.select(Some(0));
        }
    }

    /// Move the selection. Returns true if the action was a list motion.
    pub fn handle(&mut self, action: &Action) -> bool {
        let len = self.visible.len();
        let page = self
            .viewport
            .height
            .saturating_sub(self.header_rows + 1)
            .max(1) as usize;
        let cur = self.state.selected().unwrap_or(0);
        let last = len.saturating_sub(1);
        let next = match action {
            Action::Down => (cur + 1).min(last),
            Action::Up => cur.saturating_sub(1),
            Action::PageDown => (cur + page).min(last),
            Action::PageUp => cur.saturating_sub(page),
            Action::Top => 0,
            Action::Bottom => last,
            Action::SetFilter(f) => {
                self.set_filter(f);
                return true;
            }
            Action::Click { column, row } => return self.click(*column, *row),
            _ => return false,
        };
        if len > 0 {
            self.state.select(Some(next));
        }
        true
    }

    /// Select the row under a click; true if it hit a row.
    pub(crate) fn click(&mut self, column: u16, row: u16) -> bool {
        let v = self.viewport;
        let top = v.y + self.header_rows;
        if column < v.x || column >= v.x + v.width || row < top || row >= v.y + v.height {
            return false;
        }
        let idx = self.state.offset() + (row - top) as usize;
        if idx < self.visible.len() {
            self.state.select(Some(idx));
            true
        } else {
            false
        }
    }
}

/// Indices of `items` matching `filter` (fuzzy, smart case), best first;
/// all indices in order when the filter is empty.
pub(crate) fn fuzzy_filter<I, S>(filter: &str, items: I) -> Vec<usize>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    if filter.trim().is_empty() {
        return items.into_iter().enumerate().map(|(i, _)| i).collect();
    }
    let pattern = Pattern::parse(filter, CaseMatching::Smart, Normalization::Smart);
    let mut matcher = Matcher::new(Config::DEFAULT);
    let mut buf = Vec::new();
    let mut scored: Vec<(u32, usize)> = items
        .into_iter()
        .enumerate()
        .filter_map(|(i, s)| {
            pattern
                .score(Utf32Str::new(s.as_ref(), &mut buf), &mut matcher)
                .map(|score| (score, i))
        })
        .collect();
    // Stable: equal scores keep the data order.
    scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    scored.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzzy_filter_ranks_and_keeps_order_without_filter() {
        let items = ["orders-api", "payments", "orders-admin", "legacy-rest"];
        assert_eq!(fuzzy_filter("", items), vec![0, 1, 2, 3]);
        let hits = fuzzy_filter("ordad", items);
        assert_eq!(hits, vec![2]);
        let hits = fuzzy_filter("orders", items);
        assert_eq!(hits.len(), 2);
        assert!(fuzzy_filter("zzz", items).is_empty());
    }

    #[test]
    fn selection_follows_the_item_across_filters() {
        let items = ["a-one", "b-two", "c-three"];
        let mut l = FilterList::default();
        l.sync(1, || items);
        l.handle(&Action::Down);
        l.handle(&Action::Down);
        assert_eq!(l.selected(), Some(2));
        l.set_filter("thr");
        l.sync(1, || items);
        assert_eq!(l.selected(), Some(2));
        l.handle(&Action::Bottom);
        l.set_filter("");
        l.sync(1, || items);
        assert_eq!(l.visible().len(), 3);
    }
}
