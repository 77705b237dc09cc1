//! [`KeptLine`]: a Lambda line kept as its time, group and text, parsed again
//! when it is asked for. [`parse_line`] is a function of these three, and
//! the request id is the invocation's, so nothing is lost: 56 bytes instead
//! of a parsed line's 144 plus its boxed REPORT figures. The log book's
//! invocation index and the logs page's rows both keep lines this way.

use super::parse_line;
use crate::domain::{LambdaLine, Text};

#[derive(Debug, Clone, PartialEq)]
pub struct KeptLine {
    pub timestamp_ms: i64,
    pub log_group: Text,
    /// The line as logged (shared, never copied).
    pub raw: Text,
}

impl KeptLine {
    /// What to keep of `line` (its texts shared).
    pub fn of(line: &LambdaLine) -> KeptLine {
        KeptLine {
            timestamp_ms: line.timestamp_ms,
            log_group: line.log_group.clone(),
            raw: line.raw.clone(),
        }
    }

    /// The line parsed again, sharing the kept text; `request_id` is its
    /// invocation's.
    pub fn parse(&self, request_id: Option<Text>) -> LambdaLine {
        let mut line = parse_line(&self.log_group, self.timestamp_ms, &self.raw);
        if line.message.as_str() == self.raw.as_str() {
            line.message = self.raw.clone();
        }
        line.raw = self.raw.clone();
        line.request_id = request_id;
        line
    }
}

impl From<LambdaLine> for KeptLine {
    fn from(line: LambdaLine) -> KeptLine {
        KeptLine {
            timestamp_ms: line.timestamp_ms,
            log_group: line.log_group,
            raw: line.raw,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_line_parses_back_to_the_line_that_arrived() {
        for raw in [
            "START RequestId: 8f5a Version: $LATEST",
            "2026-11-25T09:41:05.000Z\t8f5a\tINFO\tfetched pet 7",
            "REPORT RequestId: 8f5a\tDuration: 2.13 ms\tBilled Duration: 3 ms\tMemory Size: 128 MB\tMax Memory Used: 67 MB\t",
        ] {
            let line = parse_line("/aws/lambda/f", 42, raw);
            let kept = KeptLine::of(&line);
            assert_eq!(kept.parse(line.request_id.clone()), line, "{raw}");
            assert!(kept.parse(None).raw.ptr_eq(&kept.raw) || kept.raw.len() <= 22);
            assert_eq!(KeptLine::from(line.clone()), kept);
        }
    }
}
