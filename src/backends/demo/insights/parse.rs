//! Parser for the subset of CloudWatch Logs Insights QL the demo evaluates locally:
//! `fields`, `display`, `filter`, `sort`, `limit`, `stats ... by ...`, `#` comments.

use regex::Regex;

#[derive(Debug, Clone)]
pub enum Command {
    /// `fields a, b as c` (projection; `display` behaves the same at the end).
    Fields(Vec<(String, String)>),
    Filter(Expr),
    /// `(field, descending)` keys.
    Sort(Vec<(String, bool)>),
    Limit(usize),
    Stats {
        aggs: Vec<Agg>,
        by: Vec<String>,
    },
}

#[derive(Debug, Clone)]
pub struct Agg {
    pub func: AggFunc,
    /// `None` for `count(*)` / `count()`.
    pub field: Option<String>,
    /// Output column name (`as` alias or the call as written).
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AggFunc {
    Count,
    Sum,
    Avg,
    Min,
    Max,
}

#[derive(Debug, Clone)]
pub enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, CmpOp, Operand),
    Like(Operand, Pattern),
    In(Operand, Vec<Operand>),
    /// A bare field: true when present and not empty.
    Present(Operand),
}

#[derive(Debug, Clone)]
pub enum Pattern {
    Substring(String),
    Regex(Regex),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Field(String),
    Str(String),
    Num(f64),
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Regex(String),
    Num(f64),
    Sym(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            // A comment runs to the end of the line.
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '"' || c == '\'' || c == '`' {
            let mut j = i + 1;
            let mut text = String::new();
            while j < chars.len() && chars[j] != c {
                if chars[j] == '\\' && j + 1 < chars.len() {
                    j += 1;
                }
                text.push(chars[j]);
                j += 1;
            }
            if j >= chars.len() {
                return Err(format!("unterminated {c} quote"));
            }
            out.push(if c == '`' {
                Tok::Ident(text)
            } else {
                Tok::Str(text)
            });
            i = j + 1;
            continue;
        }
        if c == '/' {
            let mut j = i + 1;
            let mut text = String::new();
            while j < chars.len() && chars[j] != '/' {
                if chars[j] == '\\' && chars.get(j + 1) == Some(&'/') {
                    j += 1;
                }
                text.push(chars[j]);
                j += 1;
            }
            if j >= chars.len() {
                return Err("unterminated /regex/".into());
            }
            out.push(Tok::Regex(text));
            i = j + 1;
            continue;
        }
        let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
        if let Some(sym) = ["!=", "<=", ">=", "=~", "=="].iter().find(|s| **s == two) {
            out.push(Tok::Sym(sym));
            i += 2;
            continue;
        }
        if let Some(sym) = ["|", ",", "(", ")", "[", "]", "=", "<", ">", "*"]
            .iter()
            .find(|s| s.starts_with(c))
        {
            out.push(Tok::Sym(sym));
            i += 1;
            continue;
        }
        if c.is_ascii_digit() || (c == '-' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let mut j = i + 1;
            while j < chars.len() && (chars[j].is_ascii_digit() || chars[j] == '.') {
                j += 1;
            }
            let text: String = chars[i..j].iter().collect();
            out.push(Tok::Num(
                text.parse().map_err(|_| format!("bad number {text}"))?,
            ));
            i = j;
            continue;
        }
        if c.is_alphanumeric() || c == '@' || c == '_' || c == '$' {
            let mut j = i;
            while j < chars.len()
                && (chars[j].is_alphanumeric() || matches!(chars[j], '@' | '_' | '.' | '$' | '-'))
            {
                j += 1;
            }
            out.push(Tok::Ident(chars[i..j].iter().collect()));
            i = j;
            continue;
        }
        return Err(format!("unexpected character {c:?}"));
    }
    Ok(out)
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.pos).cloned();
        self.pos += 1;
        t
    }
    fn eat_sym(&mut self, s: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Sym(x)) if *x == s) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn eat_kw(&mut self, kw: &str) -> bool {
        if matches!(self.peek(), Some(Tok::Ident(x)) if x.eq_ignore_ascii_case(kw)) {
            self.pos += 1;
            true
        } else {
            false
        }
    }
    fn ident(&mut self, what: &str) -> Result<String, String> {
        match self.next() {
            Some(Tok::Ident(s)) => Ok(s),
            other => Err(format!("expected {what}, found {}", show(other.as_ref()))),
        }
    }
    fn at_end_of_command(&self) -> bool {
        matches!(self.peek(), None | Some(Tok::Sym("|")))
    }

    fn command(&mut self) -> Result<Command, String> {
        let name = self.ident("a command")?.to_ascii_lowercase();
        match name.as_str() {
            "fields" | "display" => {
                let mut out = Vec::new();
                loop {
                    let f = self.ident("a field name")?;
                    let alias = if self.eat_kw("as") {
                        self.ident("an alias")?
                    } else {
                        f.clone()
                    };
                    out.push((f, alias));
                    if !self.eat_sym(",") {
                        break;
                    }
                }
                Ok(Command::Fields(out))
            }
            "filter" => Ok(Command::Filter(self.or_expr()?)),
            "sort" => {
                let mut keys = Vec::new();
                loop {
                    let f = self.ident("a field to sort by")?;
                    let desc = if self.eat_kw("desc") {
                        true
                    } else {
                        self.eat_kw("asc");
                        false
                    };
                    keys.push((f, desc));
                    if !self.eat_sym(",") {
                        break;
                    }
                }
                Ok(Command::Sort(keys))
            }
            "limit" => match self.next() {
                Some(Tok::Num(n)) if n >= 1.0 => Ok(Command::Limit(n as usize)),
                other => Err(format!(
                    "limit needs a positive number, found {}",
                    show(other.as_ref())
                )),
            },
            "stats" => self.stats(),
            other => Err(format!(
                "the demo's local Logs Insights does not support the command {other:?} \
                 (supported: fields, display, filter, sort, limit, stats)"
            )),
        }
    }

    fn stats(&mut self) -> Result<Command, String> {
        let mut aggs = Vec::new();
        loop {
            let fname = self.ident("an aggregation such as count()")?;
            let func = match fname.to_ascii_lowercase().as_str() {
                "count" => AggFunc::Count,
                "sum" => AggFunc::Sum,
                "avg" => AggFunc::Avg,
                "min" => AggFunc::Min,
                "max" => AggFunc::Max,
                other => return Err(format!("unsupported aggregation {other}()")),
            };
            if !self.eat_sym("(") {
                return Err(format!("expected ( after {fname}"));
            }
            let field = if self.eat_sym(")") {
                None
            } else if self.eat_sym("*") {
                self.expect_close()?;
                None
            } else {
                let f = self.ident("a field")?;
                self.expect_close()?;
                Some(f)
            };
            if field.is_none() && func != AggFunc::Count {
                return Err(format!("{fname}() needs a field"));
            }
            let written = match (&field, self.toks.get(self.pos - 2)) {
                (Some(f), _) => format!("{fname}({f})"),
                (None, Some(Tok::Sym("*"))) => format!("{fname}(*)"),
                (None, _) => format!("{fname}()"),
            };
            let name = if self.eat_kw("as") {
                self.ident("an alias")?
            } else {
                written
            };
            aggs.push(Agg { func, field, name });
            if !self.eat_sym(",") {
                break;
            }
        }
        let mut by = Vec::new();
        if self.eat_kw("by") {
            loop {
                by.push(self.ident("a field to group by")?);
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        Ok(Command::Stats { aggs, by })
    }

    fn expect_close(&mut self) -> Result<(), String> {
        if self.eat_sym(")") {
            Ok(())
        } else {
            Err(format!("expected ), found {}", show(self.peek())))
        }
    }

    fn or_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.and_expr()?;
        while self.eat_kw("or") {
            left = Expr::Or(Box::new(left), Box::new(self.and_expr()?));
        }
        Ok(left)
    }

    fn and_expr(&mut self) -> Result<Expr, String> {
        let mut left = self.not_expr()?;
        while self.eat_kw("and") {
            left = Expr::And(Box::new(left), Box::new(self.not_expr()?));
        }
        Ok(left)
    }

    fn not_expr(&mut self) -> Result<Expr, String> {
        if self.eat_kw("not") {
            return Ok(Expr::Not(Box::new(self.not_expr()?)));
        }
        if self.eat_sym("(") {
            let e = self.or_expr()?;
            self.expect_close()?;
            return Ok(e);
        }
        // `ispresent(field)`, which gatescope's `slowest` query uses.
        if matches!(self.peek(), Some(Tok::Ident(x)) if x.eq_ignore_ascii_case("ispresent"))
            && matches!(self.toks.get(self.pos + 1), Some(Tok::Sym("(")))
        {
            self.pos += 2;
            let field = self.operand()?;
            self.expect_close()?;
            return Ok(Expr::Present(field));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.operand()?;
        let negate_like = self.eat_kw("not");
        if self.eat_kw("like") {
            let like = Expr::Like(left.clone(), self.pattern()?);
            return Ok(if negate_like {
                // A missing field matches neither `like` nor `not like`.
                Expr::And(
                    Box::new(Expr::Present(left)),
                    Box::new(Expr::Not(Box::new(like))),
                )
            } else {
                like
            });
        }
        if negate_like {
            return Err("expected like after not".into());
        }
        if self.eat_sym("=~") {
            return Ok(Expr::Like(left, self.pattern()?));
        }
        if self.eat_kw("in") {
            if !self.eat_sym("[") {
                return Err("expected [ after in".into());
            }
            let mut items = Vec::new();
            while !self.eat_sym("]") {
                items.push(self.operand()?);
                self.eat_sym(",");
                if self.peek().is_none() {
                    return Err("unterminated [ list".into());
                }
            }
            return Ok(Expr::In(left, items));
        }
        let op = match self.peek() {
            Some(Tok::Sym("=")) | Some(Tok::Sym("==")) => CmpOp::Eq,
            Some(Tok::Sym("!=")) => CmpOp::Ne,
            Some(Tok::Sym("<")) => CmpOp::Lt,
            Some(Tok::Sym("<=")) => CmpOp::Le,
            Some(Tok::Sym(">")) => CmpOp::Gt,
            Some(Tok::Sym(">=")) => CmpOp::Ge,
            _ => return Ok(Expr::Present(left)),
        };
        self.pos += 1;
        Ok(Expr::Cmp(left, op, self.operand()?))
    }

    fn pattern(&mut self) -> Result<Pattern, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Pattern::Substring(s)),
            Some(Tok::Regex(r)) => Regex::new(&r)
                .map(Pattern::Regex)
                .map_err(|e| format!("invalid regex /{r}/: {e}")),
            other => Err(format!(
                "expected \"text\" or /regex/, found {}",
                show(other.as_ref())
            )),
        }
    }

    fn operand(&mut self) -> Result<Operand, String> {
        match self.next() {
            Some(Tok::Ident(s)) => Ok(Operand::Field(s)),
            Some(Tok::Str(s)) => Ok(Operand::Str(s)),
            Some(Tok::Num(n)) => Ok(Operand::Num(n)),
            other => Err(format!(
                "expected a field or a value, found {}",
                show(other.as_ref())
            )),
        }
    }
}

fn show(t: Option<&Tok>) -> String {
    match t {
        None => "the end of the query".into(),
        Some(Tok::Ident(s)) => s.clone(),
        Some(Tok::Str(s)) => format!("\"{s}\""),
        Some(Tok::Regex(s)) => format!("/{s}/"),
        Some(Tok::Num(n)) => n.to_string(),
        Some(Tok::Sym(s)) => (*s).to_string(),
    }
}

/// Parse a whole query into its piped commands.
pub fn parse(query: &str) -> Result<Vec<Command>, String> {
    let mut p = Parser {
        toks: tokenize(query)?,
        pos: 0,
    };
    let mut commands = Vec::new();
    while p.peek().is_some() {
        commands.push(p.command()?);
        if !p.at_end_of_command() {
            return Err(format!("unexpected {} in the query", show(p.peek())));
        }
        p.eat_sym("|");
    }
    Ok(commands)
}
