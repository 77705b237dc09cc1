//! Table columns that give up width by priority on a narrow terminal.
//!
//! ratatui's `Fill`/`Length` constraints share a short row evenly, so at 80
//! columns a route table cut `PATH` to `/orders/{` while an empty `FLAGS`
//! column kept its 14 cells. Here each column says how much it matters:
//! a column with nothing in it collapses first, then the least important
//! columns shrink to their minimum, then they are hidden, and the most
//! important column (`PATH`, `NAME`) keeps its full content longest.

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row};

use crate::ui::theme::Theme;

/// Cells left for columns in a bordered table with a `› ` highlight symbol.
pub(crate) fn table_width(area: Rect) -> u16 {
    area.width.saturating_sub(2 + 2)
}

/// Names the columns a narrow terminal hid, at the bottom right of the
/// table's border, so a user knows a wider window shows more.
pub(crate) fn hidden_columns_note<'a>(
    block: Block<'a>,
    hidden: &[&str],
    theme: &Theme,
) -> Block<'a> {
    if hidden.is_empty() {
        return block;
    }
    block.title_bottom(
        Line::styled(format!(" hidden: {} ", hidden.join(", ")), theme.get("dim")).right_aligned(),
    )
}

/// `text` in at most `width` characters, cut with `…` when longer (for a
/// note beside [`hidden_columns_note`] on the same border).
pub fn cut(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut out: String = text.chars().take(width.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// One column: its header and how it behaves when the row is too short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub header: &'static str,
    /// Narrowest useful width (content is cut with `…` below its natural
    /// width, never below this).
    pub min: u16,
    /// Widest it ever gets, however long its content.
    pub max: u16,
    /// Higher keeps its width longer; the highest is never hidden.
    pub priority: u8,
    /// Hidden before the most important column gives up any width (FLAGS,
    /// PAYLOAD); otherwise it is hidden only once that column is at its
    /// minimum (METHOD next to PATH).
    pub optional: bool,
}

impl Column {
    /// A column that stays until the most important one is at its minimum.
    pub const fn new(header: &'static str, min: u16, max: u16, priority: u8) -> Column {
        Column {
            header,
            min,
            max,
            priority,
            optional: false,
        }
    }

    /// A column hidden before the most important one shrinks.
    pub(crate) const fn optional(self) -> Column {
        Column {
            optional: true,
            ..self
        }
    }
}

/// A table's columns and rows (in data order), before fitting to a width.
#[derive(Debug, Clone, Default)]
pub struct TableSpec {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Span<'static>>>,
}

/// A [`TableSpec`] fitted to a width: what ratatui's `Table` takes.
pub struct Fitted {
    pub header: Row<'static>,
    pub widths: Vec<Constraint>,
    pub rows: Vec<Row<'static>>,
    /// Headers of the columns hidden at this width (shown in a title so the
    /// user knows a wider terminal shows more).
    pub hidden: Vec<&'static str>,
}

impl TableSpec {
    /// Fits the table into `width` cells (the table's inner width, after
    /// the highlight symbol), one cell between columns.
    pub fn fit(&self, width: u16) -> Fitted {
        let natural: Vec<u16> = (0..self.columns.len())
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|s| s.width())
                    .max()
                    .unwrap_or(0)
                    .min(u16::MAX as usize) as u16
            })
            .collect();
        let widths = fit_widths(&self.columns, &natural, width, 1);
        let shown: Vec<usize> = (0..self.columns.len())
            .filter(|&c| widths[c].is_some())
            .collect();
        let hidden = (0..self.columns.len())
            .filter(|&c| widths[c].is_none() && natural[c] > 0)
            .map(|c| self.columns[c].header)
            .collect();
        let header = Row::new(shown.iter().map(|&c| Cell::from(self.columns[c].header)));
        let rows = self
            .rows
            .iter()
            .map(|r| {
                Row::new(
                    shown
                        .iter()
                        .map(|&c| Cell::from(r.get(c).cloned().unwrap_or_default())),
                )
            })
            .collect();
        Fitted {
            header,
            widths: shown
                .iter()
                .map(|&c| Constraint::Length(widths[c].unwrap_or(0)))
                .collect(),
            rows,
            hidden,
        }
    }
}

/// Width of each column (`None`: hidden) for contents of `natural` width
/// in `available` cells with `spacing` between shown columns.
pub(crate) fn fit_widths(
    columns: &[Column],
    natural: &[u16],
    available: u16,
    spacing: u16,
) -> Vec<Option<u16>> {
    let n = columns.len();
    // What each column would like: its content (or header), within bounds.
    let want: Vec<u16> = (0..n)
        .map(|c| {
            let content = natural.get(c).copied().unwrap_or(0);
            let header = columns[c].header.chars().count() as u16;
            content
                .max(header)
                .clamp(columns[c].min, columns[c].max.max(columns[c].min))
        })
        .collect();
    // A column with no content at all takes no room.
    let mut width: Vec<Option<u16>> = (0..n)
        .map(|c| (natural.get(c).copied().unwrap_or(0) > 0).then_some(want[c]))
        .collect();
    let available = u32::from(available);
    let over = |w: &[Option<u16>]| -> u32 {
        let shown = w.iter().flatten().count() as u32;
        let used = w.iter().flatten().map(|&x| u32::from(x)).sum::<u32>()
            + u32::from(spacing) * shown.saturating_sub(1);
        used.saturating_sub(available)
    };
    let shrink = |w: &mut Vec<Option<u16>>, c: usize, floor: u16| {
        let excess = over(w);
        if let Some(x) = w[c] {
            let give = u32::from(x.saturating_sub(floor)).min(excess) as u16;
            w[c] = Some(x - give);
        }
    };
    // Least important first; among equals, the rightmost first.
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&c| (columns[c].priority, std::cmp::Reverse(c)));
    let Some(&top) = order.last() else {
        return width;
    };
    let rest = &order[..order.len() - 1];
    // 1. The others shrink to their minimum; optional ones then go.
    for &c in rest {
        shrink(&mut width, c, columns[c].min);
        if over(&width) > 0 && columns[c].optional {
            width[c] = None;
        }
    }
    // 2. The most important column gives up width down to its minimum.
    shrink(&mut width, top, columns[top].min);
    // 3. Then the remaining others go, least important first.
    for &c in rest {
        if over(&width) == 0 {
            break;
        }
        width[c] = None;
    }
    // 4. Room freed by hiding goes back to the most important column (up to
    //    what it wants); if it alone is still too wide, it takes what there is.
    if let Some(x) = width[top] {
        let shown = width.iter().flatten().count() as u32;
        let others = width
            .iter()
            .enumerate()
            .filter(|&(c, _)| c != top)
            .filter_map(|(_, w)| *w)
            .map(u32::from)
            .sum::<u32>()
            + u32::from(spacing) * shown.saturating_sub(1);
        let room = available.saturating_sub(others);
        width[top] = Some(room.min(u32::from(want[top].max(x))) as u16);
    }
    width
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: [Column; 4] = [
        Column::new("METHOD", 6, 7, 8),
        Column::new("PATH", 8, 60, 9),
        Column::new("AUTH", 4, 20, 5),
        Column::new("FLAGS", 5, 16, 2).optional(),
    ];

    #[test]
    fn everything_fits_at_natural_width() {
        let w = fit_widths(&COLS, &[6, 20, 10, 14], 80, 1);
        assert_eq!(w, vec![Some(6), Some(20), Some(10), Some(14)]);
    }

    #[test]
    fn an_empty_column_collapses_and_gives_its_room_away() {
        let w = fit_widths(&COLS, &[6, 30, 10, 0], 50, 1);
        assert_eq!(w, vec![Some(6), Some(30), Some(10), None]);
    }

    #[test]
    fn the_least_important_shrinks_first_and_the_path_keeps_its_text() {
        // 6 + 30 + 10 + 14 + 3 spaces = 63 in 55: FLAGS gives 8 (to 6).
        let w = fit_widths(&COLS, &[6, 30, 10, 14], 55, 1);
        assert_eq!(w, vec![Some(6), Some(30), Some(10), Some(6)]);
        // In 45: FLAGS (optional) shrinks, then goes; AUTH gives 3.
        let w = fit_widths(&COLS, &[6, 30, 10, 14], 45, 1);
        assert_eq!(w, vec![Some(6), Some(30), Some(7), None]);
        // In 25: AUTH at its minimum, then PATH shrinks; METHOD stays.
        let w = fit_widths(&COLS, &[6, 30, 10, 14], 25, 1);
        assert_eq!(w, vec![Some(6), Some(13), Some(4), None]);
    }

    #[test]
    fn the_top_column_stays_and_takes_what_is_left() {
        // PATH at its minimum (8) is not enough: AUTH, then METHOD go, and
        // PATH gets the freed room back.
        let w = fit_widths(&COLS, &[6, 30, 10, 14], 12, 1);
        assert_eq!(w, vec![None, Some(12), None, None]);
        let w = fit_widths(&COLS, &[6, 30, 10, 14], 16, 1);
        assert_eq!(w, vec![Some(6), Some(9), None, None]);
    }

    #[test]
    fn the_result_never_exceeds_the_width() {
        for avail in 0..120u16 {
            let w = fit_widths(&COLS, &[6, 45, 18, 14], avail, 1);
            let shown = w.iter().flatten().count() as u16;
            let used: u16 = w.iter().flatten().sum::<u16>() + shown.saturating_sub(1);
            assert!(used <= avail, "{avail}: {w:?} uses {used}");
            assert!(w[1].is_some(), "PATH always shown at {avail}");
        }
    }

    #[test]
    fn fitted_rows_drop_the_hidden_cells_and_name_them() {
        let spec = TableSpec {
            columns: COLS.to_vec(),
            rows: vec![vec![
                Span::raw("GET"),
                Span::raw("/orders/{id}/items"),
                Span::raw("jwt"),
                Span::raw("no integration"),
            ]],
        };
        let f = spec.fit(30);
        assert_eq!(f.widths.len(), 3);
        assert_eq!(f.hidden, vec!["FLAGS"]);
    }
}
