//! Lambda's text-format platform lines: `START`, `END`, `REPORT` (any
//! whitespace between fields, as real lines and fixtures differ), and the
//! runtime's `Task timed out after N seconds`.

use crate::domain::{LambdaLineKind, LambdaReport};

/// `START RequestId: <id> Version: $LATEST` and friends → (kind, request id).
pub(crate) fn parse_platform(msg: &str) -> Option<(LambdaLineKind, String)> {
    let (word, rest) = msg.split_once(char::is_whitespace)?;
    let kind_of = match word {
        "START" | "END" | "REPORT" => word,
        _ => return None,
    };
    let rest = rest.trim_start().strip_prefix("RequestId:")?;
    let mut it = rest.split_whitespace();
    let id = it.next()?.to_string();
    let kind = match kind_of {
        "START" => LambdaLineKind::Start {
            version: value_after(rest, "Version:").map(str::to_string),
        },
        "END" => LambdaLineKind::End,
        _ => LambdaLineKind::Report(Box::new(parse_report(rest))),
    };
    Some((kind, id))
}

/// The figures of a REPORT line (after the request id).
pub(crate) fn parse_report(rest: &str) -> LambdaReport {
    let num = |label: &str| value_after(rest, label).and_then(|v| v.parse::<f64>().ok());
    LambdaReport {
        // "Billed Duration:" and "Init Duration:" also contain "Duration:":
        // only a "Duration:" at a field start counts.
        duration_ms: field_start(rest, "Duration:").and_then(|v| first_token(v).parse().ok()),
        billed_ms: num("Billed Duration:"),
        memory_mb: num("Memory Size:").map(|m| m as u64),
        max_memory_mb: num("Max Memory Used:").map(|m| m as u64),
        init_ms: num("Init Duration:"),
        status: value_after(rest, "Status:").map(str::to_string),
    }
}

/// `... Task timed out after 10.00 seconds` → seconds.
pub(crate) fn parse_timeout(msg: &str) -> Option<Option<f64>> {
    let pos = msg.find("Task timed out after")?;
    let after = &msg[pos + "Task timed out after".len()..];
    Some(first_token(after.trim_start()).parse().ok())
}

fn first_token(s: &str) -> &str {
    s.split_whitespace().next().unwrap_or("")
}

/// The token after `label` anywhere in `s`.
fn value_after<'a>(s: &'a str, label: &str) -> Option<&'a str> {
    let pos = s.find(label)?;
    let v = first_token(&s[pos + label.len()..]);
    (!v.is_empty()).then_some(v)
}

/// Text after `label` where `label` starts a field (start of text or after whitespace).
fn field_start<'a>(s: &'a str, label: &str) -> Option<&'a str> {
    let mut from = 0;
    while let Some(p) = s[from..].find(label) {
        let at = from + p;
        if at == 0 || s[..at].ends_with(char::is_whitespace) {
            return Some(s[at + label.len()..].trim_start());
        }
        from = at + label.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_with_tabs_spaces_and_init() {
        for line in [
            "REPORT RequestId: 6b3e\tDuration: 1234.56 ms\tBilled Duration: 1235 ms\tMemory Size: 1024 MB\tMax Memory Used: 123 MB\tInit Duration: 456.78 ms\t",
            "REPORT RequestId: 6b3e  Duration: 1234.56 ms Billed Duration: 1235 ms  Memory Size: 1024 MB Max Memory Used: 123 MB Init Duration: 456.78 ms",
        ] {
            let (kind, id) = parse_platform(line).unwrap();
            assert_eq!(id, "6b3e");
            let LambdaLineKind::Report(r) = kind else {
                panic!("{kind:?}")
            };
            assert_eq!(r.duration_ms, Some(1234.56));
            assert_eq!(r.billed_ms, Some(1235.0));
            assert_eq!(r.memory_mb, Some(1024));
            assert_eq!(r.max_memory_mb, Some(123));
            assert_eq!(r.init_ms, Some(456.78));
        }
    }

    #[test]
    fn report_without_init_and_with_status() {
        let (kind, _) = parse_platform(
            "REPORT RequestId: a Duration: 3000.00 ms Billed Duration: 3000 ms Memory Size: 128 MB Max Memory Used: 50 MB Status: timeout",
        )
        .unwrap();
        let LambdaLineKind::Report(r) = kind else {
            panic!()
        };
        assert_eq!(r.init_ms, None);
        assert_eq!(r.status.as_deref(), Some("timeout"));
        assert_eq!(r.duration_ms, Some(3000.0));
    }

    #[test]
    fn start_end_and_non_platform() {
        let (k, id) = parse_platform("START RequestId: abc Version: $LATEST\n").unwrap();
        assert_eq!(id, "abc");
        assert_eq!(
            k,
            LambdaLineKind::Start {
                version: Some("$LATEST".into())
            }
        );
        assert_eq!(
            parse_platform("END RequestId: abc").unwrap().0,
            LambdaLineKind::End
        );
        assert!(parse_platform("STARTED RequestId: abc").is_none());
        assert!(parse_platform("START nothing").is_none());
        assert!(parse_platform("REPORT").is_none());
    }

    #[test]
    fn timeouts() {
        assert_eq!(
            parse_timeout("2024-01-01T00:00:10.000Z abc Task timed out after 10.00 seconds"),
            Some(Some(10.0))
        );
        assert_eq!(parse_timeout("Task timed out after"), Some(None));
        assert_eq!(parse_timeout("all fine"), None);
    }
}
