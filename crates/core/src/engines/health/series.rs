//! Series math: CloudWatch points onto the window's periods, totals, rates,
//! percentiles of raw samples, and the integer scale a sparkline draws.

use crate::domain::health::{Series, Window};

/// Put `(epoch s, value)` points into the window's periods. Two points in
/// one period are added (a count split across a boundary); points outside
/// the window are dropped.
pub(crate) fn align(points: &[(i64, f64)], window: &Window) -> Series {
    let mut out: Series = vec![None; window.buckets()];
    for (t, v) in points {
        if !v.is_finite() {
            continue;
        }
        if let Some(slot) = window.bucket_of(*t).and_then(|b| out.get_mut(b)) {
            *slot = Some(slot.unwrap_or(0.0) + v);
        }
    }
    out
}

/// Like [`align`] for a statistic that cannot be added (a percentile, a
/// maximum): the larger value wins.
pub(crate) fn align_max(points: &[(i64, f64)], window: &Window) -> Series {
    let mut out: Series = vec![None; window.buckets()];
    for (t, v) in points {
        if !v.is_finite() {
            continue;
        }
        if let Some(slot) = window.bucket_of(*t).and_then(|b| out.get_mut(b)) {
            *slot = Some(slot.map_or(*v, |o| o.max(*v)));
        }
    }
    out
}

/// Add two series period by period (`None` + `None` stays `None`).
pub fn add(a: &Series, b: &Series) -> Series {
    let n = a.len().max(b.len());
    (0..n)
        .map(|i| {
            let x = a.get(i).copied().flatten();
            let y = b.get(i).copied().flatten();
            match (x, y) {
                (None, None) => None,
                (x, y) => Some(x.unwrap_or(0.0) + y.unwrap_or(0.0)),
            }
        })
        .collect()
}

/// Sum of the known values.
pub fn total(s: &Series) -> f64 {
    // A fold from +0.0: `sum()` of nothing is -0.0, printed "-0".
    s.iter().flatten().fold(0.0, |a, b| a + b)
}

/// The largest known value.
pub fn max(s: &Series) -> Option<f64> {
    s.iter().flatten().copied().reduce(f64::max)
}

/// `num / den` period by period, where `den` is positive.
pub fn rate(num: &Series, den: &Series) -> Series {
    num.iter()
        .zip(den)
        .map(|(n, d)| match (n, d) {
            (Some(n), Some(d)) if *d > 0.0 => Some(n / d),
            (None, Some(d)) if *d > 0.0 => Some(0.0),
            _ => None,
        })
        .collect()
}

/// The `p`-th percentile (0..=100) of samples, nearest-rank (what
/// CloudWatch's `pNN` means for a set of raw values).
pub fn percentile(samples: &[f64], p: f64) -> Option<f64> {
    let mut v: Vec<f64> = samples.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

/// Values for a sparkline: missing periods draw as 0, fractions are scaled
/// so that the largest value keeps its shape (a 5xx rate of 0.02 vs 0.5).
pub fn spark(s: &Series) -> Vec<u64> {
    let top = max(s).unwrap_or(0.0);
    let scale = if top > 0.0 && top < 100.0 {
        100.0 / top
    } else {
        1.0
    };
    s.iter()
        .map(|v| v.map_or(0, |x| (x.max(0.0) * scale).round() as u64))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w() -> Window {
        Window {
            start_s: 600,
            end_s: 900,
            period_s: 60,
        }
    }

    #[test]
    fn points_land_in_their_period_and_outsiders_are_dropped() {
        let s = align(
            &[
                (600, 1.0),
                (659, 2.0),
                (720, 5.0),
                (899, 7.0),
                (900, 9.0),
                (10, 1.0),
            ],
            &w(),
        );
        assert_eq!(s, vec![Some(3.0), None, Some(5.0), None, Some(7.0)]);
        assert_eq!(total(&s), 15.0);
        assert_eq!(max(&s), Some(7.0));
        let m = align_max(&[(600, 10.0), (610, 30.0), (610, f64::NAN)], &w());
        assert_eq!(m[0], Some(30.0));
    }

    #[test]
    fn rates_need_requests_and_missing_errors_count_as_zero() {
        let req = vec![Some(10.0), Some(0.0), None, Some(4.0)];
        let err = vec![Some(5.0), Some(1.0), Some(1.0), None];
        assert_eq!(rate(&err, &req), vec![Some(0.5), None, None, Some(0.0)]);
        assert_eq!(
            add(&req, &err),
            vec![Some(15.0), Some(1.0), Some(1.0), Some(4.0)]
        );
    }

    #[test]
    fn percentiles_are_nearest_rank() {
        let v: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(50.0));
        assert_eq!(percentile(&v, 99.0), Some(99.0));
        assert_eq!(percentile(&[3.0], 99.0), Some(3.0));
        assert_eq!(percentile(&[], 50.0), None);
        assert_eq!(percentile(&[5.0, 1.0, 9.0], 50.0), Some(5.0));
    }

    #[test]
    fn sparklines_keep_the_shape_of_small_rates() {
        assert_eq!(spark(&vec![Some(0.01), None, Some(0.02)]), vec![50, 0, 100]);
        assert_eq!(spark(&vec![Some(300.0), Some(150.0)]), vec![300, 150]);
        assert_eq!(spark(&vec![None, None]), vec![0, 0]);
    }
}

/// `s` summed into `n` cells of equal length, the last cell ending with the
/// last period (leftover periods at the start are dropped): an hour of
/// minutes as twelve 5-minute cells for a table. A cell with no datapoint
/// at all stays `None`.
pub fn rebucket(s: &Series, n: usize) -> Series {
    if n == 0 || s.is_empty() {
        return Vec::new();
    }
    let per = (s.len() / n).max(1);
    let used = &s[s.len() - (per * n).min(s.len())..];
    used.chunks(per)
        .map(|c| c.iter().flatten().copied().reduce(|a, b| a + b))
        .collect()
}

/// A text sparkline (`▁▂▃▅█`, blank for zero), one character a period, the
/// last `width` periods: for tables, where a widget cannot go.
pub fn bars(s: &Series, width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let v = spark(s);
    let v = &v[v.len().saturating_sub(width)..];
    let top = v.iter().copied().max().unwrap_or(0);
    v.iter()
        .map(|x| {
            if top == 0 || *x == 0 {
                ' '
            } else {
                BARS[((*x * 7) / top) as usize]
            }
        })
        .collect()
}

/// The last `n` values as numbers (`-` where there is none): the Health
/// page's "numbers on demand".
pub fn last_values(s: &Series, n: usize) -> String {
    s[s.len().saturating_sub(n)..]
        .iter()
        .map(|v| v.map_or("-".to_string(), |x| format!("{}", x.round() as i64)))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod text_tests {
    use super::*;

    #[test]
    fn text_sparklines_and_numbers() {
        let s = vec![Some(0.0), Some(1.0), None, Some(4.0)];
        assert_eq!(bars(&s, 10), " ▂ █");
        assert_eq!(bars(&s, 2), " █");
        assert_eq!(bars(&vec![None, None], 5), "  ");
        assert_eq!(last_values(&s, 3), "1 - 4");
        // Six periods in three cells; a cell with no datapoint stays empty.
        let s = vec![Some(1.0), Some(2.0), None, None, Some(0.0), Some(5.0)];
        assert_eq!(rebucket(&s, 3), vec![Some(3.0), None, Some(5.0)]);
        // Seven periods in three cells: the oldest period is dropped.
        let s = vec![
            Some(9.0),
            Some(1.0),
            Some(1.0),
            Some(1.0),
            None,
            None,
            Some(2.0),
        ];
        assert_eq!(rebucket(&s, 3), vec![Some(2.0), Some(1.0), Some(2.0)]);
        // More cells than periods: one period a cell.
        assert_eq!(rebucket(&vec![Some(1.0)], 12), vec![Some(1.0)]);
        assert!(rebucket(&vec![], 12).is_empty());
    }
}
