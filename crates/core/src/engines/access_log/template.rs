//! A stage's access-log format string read as a template: literal text and
//! `$context.*` variables. Any format (CLF, XML, CSV, custom, and JSON when
//! `serde_json` gives up) is matched by a regex built from that template.

use regex::Regex;

use super::vars::is_single_token;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Token {
    Lit(String),
    /// Variable name without `$context.`.
    Var(String),
}

/// Split a format string into literals and `$context.` variables.
pub fn tokenize(format: &str) -> Vec<Token> {
    const PREFIX: &str = "$context.";
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut rest = format;
    while let Some(pos) = rest.find(PREFIX) {
        lit.push_str(&rest[..pos]);
        let after = &rest[pos + PREFIX.len()..];
        let len = after
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-'))
            .map_or(after.len(), |(i, _)| i);
        // A trailing dot belongs to the text (`... $context.status.`).
        let name = after[..len].trim_end_matches('.');
        if name.is_empty() {
            lit.push_str(PREFIX);
            rest = after;
            continue;
        }
        if !lit.is_empty() {
            out.push(Token::Lit(std::mem::take(&mut lit)));
        }
        out.push(Token::Var(name.to_string()));
        rest = &after[name.len()..];
    }
    lit.push_str(rest);
    if !lit.is_empty() {
        out.push(Token::Lit(lit));
    }
    out
}

/// The template compiled to one anchored regex; group `i + 1` is `vars[i]`.
#[derive(Debug, Clone)]
pub(crate) struct TemplateMatcher {
    regex: Regex,
    pub vars: Vec<String>,
}

impl TemplateMatcher {
    /// `json` relaxes whitespace around structure (`{ "a": ...}` vs `{"a":...}`).
    pub fn new(tokens: &[Token], json: bool) -> Option<TemplateMatcher> {
        let mut pattern = String::from(r"(?s)^\s*");
        let mut vars = Vec::new();
        for t in tokens {
            match t {
                Token::Lit(l) => push_literal(&mut pattern, l, json),
                Token::Var(v) => {
                    // Single-token variables never span whitespace; the rest
                    // take as little as the following literal allows.
                    pattern.push_str(if is_single_token(v) {
                        r"(\S*?)"
                    } else {
                        r"(.*?)"
                    });
                    vars.push(v.clone());
                }
            }
        }
        pattern.push_str(r"\s*$");
        Regex::new(&pattern)
            .ok()
            .map(|regex| TemplateMatcher { regex, vars })
    }

    /// `(variable, value)` pairs, or `None` when the line does not fit.
    pub fn captures<'a>(&'a self, line: &'a str) -> Option<Vec<(&'a str, &'a str)>> {
        let caps = self.regex.captures(line)?;
        Some(
            self.vars
                .iter()
                .enumerate()
                .filter_map(|(i, v)| caps.get(i + 1).map(|m| (v.as_str(), m.as_str())))
                .collect(),
        )
    }
}

fn push_literal(pattern: &mut String, lit: &str, json: bool) {
    let mut in_ws = false;
    for c in lit.chars() {
        if c.is_whitespace() {
            if !in_ws {
                pattern.push_str(if json { r"\s*" } else { r"\s+" });
            }
            in_ws = true;
            continue;
        }
        in_ws = false;
        // JSON output may or may not put spaces around `:` and `,`.
        if json && matches!(c, ':' | ',' | '{' | '}' | '[' | ']') {
            pattern.push_str(r"\s*");
            pattern.push_str(&regex::escape(&c.to_string()));
            pattern.push_str(r"\s*");
        } else {
            pattern.push_str(&regex::escape(&c.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokenizes_variables_and_literals() {
        let t = tokenize("[$context.requestTime] \"$context.httpMethod\" $context.status.");
        assert_eq!(
            t,
            vec![
                Token::Lit("[".into()),
                Token::Var("requestTime".into()),
                Token::Lit("] \"".into()),
                Token::Var("httpMethod".into()),
                Token::Lit("\" ".into()),
                Token::Var("status".into()),
                Token::Lit(".".into()),
            ]
        );
        assert_eq!(tokenize("$context."), vec![Token::Lit("$context.".into())]);
    }

    #[test]
    fn route_key_with_a_space_splits_right() {
        let t =
            tokenize("\"$context.httpMethod $context.routeKey $context.protocol\" $context.status");
        let m = TemplateMatcher::new(&t, false).unwrap();
        let c = m.captures("\"GET GET /pets/{id} HTTP/1.1\" 200").unwrap();
        assert_eq!(
            c,
            vec![
                ("httpMethod", "GET"),
                ("routeKey", "GET /pets/{id}"),
                ("protocol", "HTTP/1.1"),
                ("status", "200")
            ]
        );
    }
}
