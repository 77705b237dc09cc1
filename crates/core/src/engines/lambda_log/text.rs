//! Runtime prefixes of plain-text function log lines:
//! Node `2024-01-01T00:00:00.000Z\t<uuid>\tINFO\tmsg`, Python logging
//! `[INFO]\t2024-01-01T00:00:00.000Z\t<uuid>\tmsg`, the timeout line
//! `<ts> <uuid> Task timed out ...` and similar.

/// What a text prefix said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Prefix<'a> {
    pub request_id: Option<&'a str>,
    pub level: Option<String>,
    /// The rest of the line after the prefix.
    pub message: &'a str,
}

const LEVELS: &[&str] = &[
    "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL",
];

/// Split a runtime prefix off a line. A prefix counts only when it holds a
/// request id (a UUID); otherwise the whole line is the message.
pub(crate) fn split_prefix(line: &str) -> Prefix<'_> {
    let mut rest = line;
    let mut out = Prefix {
        message: line,
        ..Default::default()
    };
    for _ in 0..4 {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        let end = trimmed.find([' ', '\t']).unwrap_or(trimmed.len());
        let tok = &trimmed[..end];
        if tok.is_empty() {
            break;
        }
        if is_uuid(tok) && out.request_id.is_none() {
            out.request_id = Some(tok);
        } else if let Some(l) = level_token(tok) {
            if out.level.is_some() {
                break;
            }
            out.level = Some(l);
        } else if !is_timestamp(tok) {
            break;
        }
        rest = &trimmed[end..];
    }
    if out.request_id.is_none() {
        return Prefix {
            message: line,
            ..Default::default()
        };
    }
    // Exactly one separator belongs to the prefix; keep the message's own indent.
    out.message = rest
        .strip_prefix('\t')
        .or_else(|| rest.strip_prefix(' '))
        .unwrap_or(rest);
    out
}

fn level_token(tok: &str) -> Option<String> {
    let t = tok.trim_start_matches('[').trim_end_matches(']');
    LEVELS.contains(&t).then(|| match t {
        "WARNING" => "WARN".to_string(),
        "CRITICAL" => "FATAL".to_string(),
        _ => t.to_string(),
    })
}

fn is_timestamp(tok: &str) -> bool {
    let b = tok.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-'
}

/// `8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b` (hex, dashes at 8, 13, 18, 23).
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "8f5e2c1a-6b4d-4e0f-9a1b-2c3d4e5f6a7b";

    #[test]
    fn node_python_and_timeout_prefixes() {
        let l = format!("2024-01-01T00:00:00.000Z\t{ID}\tINFO\thello world");
        let p = split_prefix(&l);
        assert_eq!(p.request_id, Some(ID));
        assert_eq!(p.level.as_deref(), Some("INFO"));
        assert_eq!(p.message, "hello world");

        let l = format!("[WARNING]\t2024-01-01T00:00:00.000Z\t{ID}\tcareful");
        let p = split_prefix(&l);
        assert_eq!(p.level.as_deref(), Some("WARN"));
        assert_eq!(p.message, "careful");

        let l = format!("2024-01-01T00:00:10.000Z {ID} Task timed out after 3.00 seconds");
        let p = split_prefix(&l);
        assert_eq!(p.request_id, Some(ID));
        assert_eq!(p.message, "Task timed out after 3.00 seconds");
    }

    #[test]
    fn lines_without_an_id_are_left_whole() {
        for l in [
            "INFO something",
            "just text",
            "",
            "2024-01-01T00:00:00Z no id here",
        ] {
            let p = split_prefix(l);
            assert_eq!(p.request_id, None);
            assert_eq!(p.message, l);
        }
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid(ID));
        assert!(!is_uuid("LV7fzho-PHcEJPw="));
        assert!(!is_uuid(&ID.replace('-', "x")));
    }
}
