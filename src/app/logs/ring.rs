//! A bounded ring buffer: the newest `capacity` items, oldest dropped first,
//! with a running count of what was dropped (shown as "N older records
//! dropped").

use std::collections::VecDeque;

/// Default size for tail buffers (records).
pub(crate) const DEFAULT_CAPACITY: usize = 100_000;

/// The environment variable that sizes the tail buffers (records).
pub(crate) const CAPACITY_ENV: &str = "GATESCOPE_LOGS_BUFFER";

/// The configured tail-buffer size: `GATESCOPE_LOGS_BUFFER` when it holds a
/// positive whole number, else [`DEFAULT_CAPACITY`] (a bad value is reported
/// by [`capacity_from`] and ignored here, so the TUI still starts).
pub(crate) fn configured_capacity() -> usize {
    capacity_from(std::env::var(CAPACITY_ENV).ok().as_deref()).unwrap_or_else(|e| {
        tracing::warn!("{e}");
        DEFAULT_CAPACITY
    })
}

/// Parse a buffer size as the variable would hold it; `None` is the default.
pub(crate) fn capacity_from(value: Option<&str>) -> Result<usize, String> {
    match value.map(str::trim) {
        None | Some("") => Ok(DEFAULT_CAPACITY),
        Some(v) => v
            .replace('_', "")
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{CAPACITY_ENV}={v} is not a positive number of records")),
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Ring<T> {
    items: VecDeque<T>,
    capacity: usize,
    dropped: u64,
}

impl<T> Ring<T> {
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Ring {
            items: VecDeque::with_capacity(capacity.min(4096)),
            capacity,
            dropped: 0,
        }
    }

    /// Append; returns the evicted oldest item when full.
    pub fn push(&mut self, item: T) -> Option<T> {
        let evicted = if self.items.len() == self.capacity {
            self.dropped += 1;
            self.items.pop_front()
        } else {
            None
        };
        self.items.push_back(item);
        evicted
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// How many items were evicted since creation.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        self.items.get(i)
    }

    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &T> + ExactSizeIterator {
        self.items.iter()
    }
}

impl<T> Default for Ring<T> {
    fn default() -> Self {
        Ring::new(DEFAULT_CAPACITY)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffer_size_from_the_environment_value() {
        assert_eq!(capacity_from(None), Ok(DEFAULT_CAPACITY));
        assert_eq!(capacity_from(Some(" ")), Ok(DEFAULT_CAPACITY));
        assert_eq!(capacity_from(Some("250_000")), Ok(250_000));
        assert!(
            capacity_from(Some("0"))
                .unwrap_err()
                .contains("GATESCOPE_LOGS_BUFFER=0")
        );
        assert!(capacity_from(Some("lots")).is_err());
    }

    #[test]
    fn keeps_the_newest_and_counts_drops() {
        let mut r = Ring::new(3);
        for i in 0..5 {
            r.push(i);
        }
        assert_eq!(r.iter().copied().collect::<Vec<_>>(), vec![2, 3, 4]);
        assert_eq!(r.dropped(), 2);
        assert_eq!(r.push(5), Some(2));
        assert_eq!(r.len(), 3);
        assert_eq!(Ring::<u8>::new(0).capacity(), 1);
    }
}
