//! The hint line at the bottom of a page: the keys that matter there, most
//! important first, as many whole hints as fit (a hint is never cut in the
//! middle, as `r rese` was on a narrow response page).

/// Joins `hints` with ` · ` up to `width` columns, dropping the hints that
/// do not fit whole (the list is ordered most important first).
pub fn fit(hints: &[&str], width: usize) -> String {
    let mut out = String::new();
    for item in hints {
        let sep = if out.is_empty() { "" } else { " · " };
        if out.chars().count() + sep.chars().count() + item.chars().count() > width {
            break;
        }
        out.push_str(sep);
        out.push_str(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fit;

    #[test]
    fn whole_hints_only_most_important_first() {
        let h = ["Tab focus", "r resend", "e edit"];
        assert_eq!(fit(&h, 80), "Tab focus · r resend · e edit");
        assert_eq!(fit(&h, 21), "Tab focus · r resend");
        assert_eq!(fit(&h, 20), "Tab focus · r resend");
        assert_eq!(fit(&h, 19), "Tab focus");
        assert_eq!(fit(&h, 3), "");
    }
}
