//! Turn the object literals functions print instead of JSON into JSON:
//! Python's `print(event)` (`{'version': '2.0', 'isBase64Encoded': False}`)
//! and Node's `console.log(event)` (`{ version: '2.0', headers: [Object] }`).
//! A small tokenizer, not an evaluator: it only re-quotes strings and keys
//! and maps `True/False/None/undefined` and `[Object]` placeholders.

/// Convert the literal starting at `text[0] == '{'` to JSON text; returns the
/// JSON and how many bytes of `text` it consumed. `None` when it is not a
/// balanced literal.
pub(crate) fn relaxed_to_json(text: &str) -> Option<(String, usize)> {
    let bytes = text.as_bytes();
    if bytes.first() != Some(&b'{') {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    let mut i = 0usize;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'{' | b'[' => {
                // Node's depth-limited placeholders: `[Object]`, `[Array]`, `[Function: x]`.
                if c == b'['
                    && let Some(end) = placeholder_end(&text[i..])
                {
                    out.push_str("null");
                    i += end;
                    continue;
                }
                depth += 1;
                out.push(c as char);
                i += 1;
            }
            b'}' | b']' => {
                // Drop a trailing comma.
                if out.ends_with(',') {
                    out.pop();
                }
                depth = depth.checked_sub(1)?;
                out.push(c as char);
                i += 1;
                if depth == 0 {
                    return Some((out, i));
                }
            }
            b':' | b',' => {
                out.push(c as char);
                i += 1;
            }
            b'\'' | b'"' => {
                let (s, used) = read_string(&text[i..], c)?;
                out.push_str(&serde_json::to_string(&s).ok()?);
                i += used;
            }
            b'b' if matches!(bytes.get(i + 1), Some(b'\'') | Some(b'"')) => {
                let (s, used) = read_string(&text[i + 1..], bytes[i + 1])?;
                out.push_str(&serde_json::to_string(&s).ok()?);
                i += used + 1;
            }
            c if c.is_ascii_whitespace() => i += 1,
            c if c == b'-' || c == b'+' || c.is_ascii_digit() => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'.' | b'-' | b'+'))
                {
                    i += 1;
                }
                let num = &text[start..i];
                if num.parse::<f64>().is_ok() {
                    out.push_str(num.trim_start_matches('+'));
                } else {
                    out.push_str(&serde_json::to_string(num).ok()?);
                }
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || matches!(bytes[i], b'_' | b'$' | b'-'))
                {
                    i += 1;
                }
                let word = &text[start..i];
                let next = text[i..].trim_start().chars().next();
                if next == Some(':') {
                    out.push_str(&serde_json::to_string(word).ok()?);
                } else {
                    out.push_str(match word {
                        "True" | "true" => "true",
                        "False" | "false" => "false",
                        "None" | "null" | "undefined" | "NaN" | "Infinity" => "null",
                        _ => return None,
                    });
                }
            }
            _ => return None,
        }
    }
    None
}

/// Length of `[Object]`, `[Array]`, `[Function: name]`, `[Circular *1]`... at the start.
fn placeholder_end(s: &str) -> Option<usize> {
    let inner_end = s.find(']')?;
    let inner = &s[1..inner_end];
    let word = inner.split([':', ' ']).next()?;
    matches!(
        word,
        "Object" | "Array" | "Function" | "Circular" | "Getter" | "Setter" | "AsyncFunction"
    )
    .then_some(inner_end + 1)
}

/// Read a quoted string with backslash escapes; returns the value and the
/// bytes consumed including both quotes.
fn read_string(s: &str, quote: u8) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c as u32 == quote as u32 {
            return Some((out, i + 1));
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let (_, e) = chars.next()?;
        match e {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'x' => {
                let h: String = (0..2)
                    .filter_map(|_| chars.next().map(|(_, c)| c))
                    .collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?)?);
            }
            'u' => {
                let h: String = (0..4)
                    .filter_map(|_| chars.next().map(|(_, c)| c))
                    .collect();
                out.push(char::from_u32(u32::from_str_radix(&h, 16).ok()?).unwrap_or('\u{fffd}'));
            }
            other => out.push(other),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_repr() {
        let text = "{'version': '2.0', 'isBase64Encoded': False, 'body': None, 'n': -1.5, 'q': \"it's\"} tail";
        let (j, n) = relaxed_to_json(text).unwrap();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["isBase64Encoded"], false);
        assert!(v["body"].is_null());
        assert_eq!(v["n"], -1.5);
        assert_eq!(v["q"], "it's");
        assert_eq!(n, text.find(" tail").unwrap());
    }

    #[test]
    fn node_inspect() {
        let (j, _) = relaxed_to_json(
            "{\n  version: '2.0',\n  headers: { 'content-type': 'a\\'b' },\n  requestContext: [Object],\n  cookies: [ 'a=1', ],\n}",
        )
        .unwrap();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["headers"]["content-type"], "a'b");
        assert!(v["requestContext"].is_null());
        assert_eq!(v["cookies"][0], "a=1");
    }

    #[test]
    fn garbage_is_none() {
        for s in ["{", "{'a': }", "{a b}", "x", "{'a': 'unterminated}", "}"] {
            if let Some((j, _)) = relaxed_to_json(s) {
                assert!(
                    serde_json::from_str::<serde_json::Value>(&j).is_err(),
                    "{s}"
                );
            }
        }
    }
}
