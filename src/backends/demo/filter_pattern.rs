//! CloudWatch Logs filter patterns, the subset `FilterLogEvents` users type most:
//! terms (`ERROR timeout`: all must appear), quoted phrases, `?a ?b` (any), `-term`
//! (exclude), and JSON selectors `{ $.status = "5*" && $.routeKey != "GET /health" }`
//! with `=`, `!=`, `<`, `<=`, `>`, `>=`, `&&`, `||` and `*` wildcards in strings.

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum FilterPattern {
    All,
    Terms {
        all: Vec<String>,
        any: Vec<String>,
        none: Vec<String>,
    },
    /// Disjunction of conjunctions of comparisons.
    Json(Vec<Vec<JsonCmp>>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct JsonCmp {
    path: Vec<String>,
    op: String,
    value: JsonValue,
}

#[derive(Debug, Clone, PartialEq)]
enum JsonValue {
    Text(String),
    Num(f64),
}

impl FilterPattern {
    pub fn parse(pattern: &str) -> Result<Self, String> {
        let p = pattern.trim();
        if p.is_empty() || p == "\"\"" {
            return Ok(FilterPattern::All);
        }
        if let Some(inner) = p.strip_prefix('{') {
            let inner = inner
                .strip_suffix('}')
                .ok_or("a JSON filter pattern must end with }")?;
            let mut ors = Vec::new();
            for alt in inner.split("||") {
                let mut ands = Vec::new();
                for c in alt.split("&&") {
                    ands.push(parse_cmp(c.trim().trim_matches(['(', ')']).trim())?);
                }
                ors.push(ands);
            }
            return Ok(FilterPattern::Json(ors));
        }
        let (mut all, mut any, mut none) = (Vec::new(), Vec::new(), Vec::new());
        for term in split_terms(p) {
            if let Some(t) = term.strip_prefix('?') {
                any.push(unquote(t));
            } else if let Some(t) = term.strip_prefix('-') {
                none.push(unquote(t));
            } else {
                all.push(unquote(&term));
            }
        }
        Ok(FilterPattern::Terms { all, any, none })
    }

    pub fn matches(&self, message: &str) -> bool {
        match self {
            FilterPattern::All => true,
            FilterPattern::Terms { all, any, none } => {
                all.iter().all(|t| message.contains(t.as_str()))
                    && (any.is_empty() || any.iter().any(|t| message.contains(t.as_str())))
                    && !none.iter().any(|t| message.contains(t.as_str()))
            }
            FilterPattern::Json(ors) => {
                let Some(start) = message.find('{') else {
                    return false;
                };
                let Ok(v) = serde_json::from_str::<serde_json::Value>(&message[start..]) else {
                    return false;
                };
                ors.iter().any(|ands| ands.iter().all(|c| c.matches(&v)))
            }
        }
    }
}

fn split_terms(p: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in p.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                cur.push(c);
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

fn unquote(s: &str) -> String {
    s.strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s)
        .to_string()
}

fn parse_cmp(c: &str) -> Result<JsonCmp, String> {
    let rest = c
        .strip_prefix("$.")
        .ok_or_else(|| format!("expected a selector such as $.status, found {c:?}"))?;
    let op_at = rest
        .find(['=', '!', '<', '>'])
        .ok_or_else(|| format!("no comparison operator in {c:?}"))?;
    let path = rest[..op_at].trim();
    let after = &rest[op_at..];
    let op = ["!=", "<=", ">=", "=", "<", ">"]
        .into_iter()
        .find(|o| after.starts_with(o))
        .ok_or_else(|| format!("bad operator in {c:?}"))?;
    let raw = after[op.len()..].trim();
    let value = if raw.starts_with('"') {
        JsonValue::Text(unquote(raw))
    } else if let Ok(n) = raw.parse::<f64>() {
        JsonValue::Num(n)
    } else {
        JsonValue::Text(raw.to_string())
    };
    if matches!(value, JsonValue::Text(_)) && !matches!(op, "=" | "!=") {
        return Err(format!("{op} needs a number in {c:?}"));
    }
    Ok(JsonCmp {
        path: path.split('.').map(String::from).collect(),
        op: op.to_string(),
        value,
    })
}

impl JsonCmp {
    fn matches(&self, root: &serde_json::Value) -> bool {
        let mut v = root;
        for p in &self.path {
            match v.get(p) {
                Some(x) => v = x,
                None => return false,
            }
        }
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match &self.value {
            JsonValue::Text(want) => {
                let eq = wildcard(want, &text);
                if self.op == "=" { eq } else { !eq }
            }
            JsonValue::Num(want) => {
                let Ok(have) = text.parse::<f64>() else {
                    return false;
                };
                match self.op.as_str() {
                    "=" => have == *want,
                    "!=" => have != *want,
                    "<" => have < *want,
                    "<=" => have <= *want,
                    ">" => have > *want,
                    _ => have >= *want,
                }
            }
        }
    }
}

/// `*` matches any run of characters.
fn wildcard(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(p: &str, msg: &str) -> bool {
        FilterPattern::parse(p).unwrap().matches(msg)
    }

    #[test]
    fn terms() {
        assert!(m("", "anything"));
        assert!(m("ERROR timeout", "ERROR: a timeout"));
        assert!(!m("ERROR timeout", "ERROR: ok"));
        assert!(m(
            "\"Task timed out\"",
            "x Task timed out after 3.00 seconds"
        ));
        assert!(!m("\"Task timed out\"", "Task was timed out"));
        assert!(m("?START ?END", "END RequestId: 1"));
        assert!(!m("?START ?END", "REPORT RequestId: 1"));
        assert!(!m("RequestId -REPORT", "REPORT RequestId: 1"));
    }

    #[test]
    fn json_selectors() {
        let line =
            r#"{"status":"502","routeKey":"GET /crash","latency":"31","ctx":{"stage":"prod"}}"#;
        assert!(m(r#"{ $.status = "502" }"#, line));
        assert!(m(r#"{ $.status = "5*" }"#, line));
        assert!(m("{ $.status = 502 }", line));
        assert!(m("{ $.latency > 30 && $.ctx.stage = prod }", line));
        assert!(!m("{ $.latency > 31 }", line));
        assert!(m(r#"{ $.status = "200" || $.routeKey = "GET /c*" }"#, line));
        assert!(m(r#"{ $.status != "200" }"#, line));
        assert!(!m(r#"{ $.missing = "x" }"#, line));
        assert!(!m(r#"{ $.status = "502" }"#, "START RequestId: 1"));
    }

    #[test]
    fn bad_patterns_say_why() {
        assert!(
            FilterPattern::parse("{ $.a = 1")
                .unwrap_err()
                .contains("end with }")
        );
        assert!(
            FilterPattern::parse("{ a = 1 }")
                .unwrap_err()
                .contains("selector")
        );
        assert!(
            FilterPattern::parse("{ $.a > x }")
                .unwrap_err()
                .contains("needs a number")
        );
    }
}
