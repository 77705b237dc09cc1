//! A small local Logs Insights: field discovery on raw log events (`@timestamp`,
//! `@message`, JSON keys in dot notation, Lambda `@requestId`/`@type`/`@duration`...)
//! and evaluation of the parsed query. Pure: events in, rows out.

mod parse;

use std::cmp::Ordering;
use std::collections::BTreeMap;

use parse::{AggFunc, CmpOp, Expr, Operand, Pattern};
pub use parse::{Command, parse};

use crate::domain::RawLogEvent;

/// One log event's fields, as Insights discovers them.
pub(crate) type Record = BTreeMap<String, String>;

/// Default row cap when the query has no `limit` (the API's default).
pub(crate) const DEFAULT_LIMIT: usize = 1000;

/// Insights' `@timestamp` rendering (`2026-11-25 09:38:01.123`).
pub(crate) fn format_timestamp(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%d %H:%M:%S%.3f")
        .to_string()
}

/// Discover the fields of one event. `ptr` becomes `@ptr`.
pub fn discover(ev: &RawLogEvent, account: &str, ptr: &str) -> Record {
    let mut r = Record::new();
    r.insert("@timestamp".into(), format_timestamp(ev.timestamp_ms));
    r.insert("@message".into(), ev.message.clone());
    r.insert("@log".into(), format!("{account}:{}", ev.log_group));
    if let Some(s) = &ev.log_stream {
        r.insert("@logStream".into(), s.clone());
    }
    if let Some(i) = ev.ingestion_ms {
        r.insert("@ingestionTime".into(), i.to_string());
    }
    r.insert("@ptr".into(), ptr.to_string());
    let msg = ev.message.trim();
    // JSON fields are discovered for the first JSON fragment of a line.
    if let Some(start) = msg.find('{')
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&msg[start..])
    {
        flatten("", &v, &mut r);
    }
    discover_lambda(msg, &mut r);
    r
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Record) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) if !prefix.is_empty() => {
            out.insert(prefix.to_string(), s.clone());
        }
        other if !prefix.is_empty() => {
            out.insert(prefix.to_string(), other.to_string());
        }
        _ => {}
    }
}

/// Lambda platform lines and `ts<TAB>requestId<TAB>LEVEL<TAB>text` function lines.
fn discover_lambda(msg: &str, r: &mut Record) {
    for kind in ["START", "END", "REPORT"] {
        if let Some(rest) = msg
            .strip_prefix(kind)
            .and_then(|m| m.strip_prefix(" RequestId: "))
        {
            r.insert("@type".into(), kind.into());
            let id = rest.split_whitespace().next().unwrap_or("");
            r.insert("@requestId".into(), id.into());
            if kind == "REPORT" {
                for (label, field) in [
                    ("Duration:", "@duration"),
                    ("Billed Duration:", "@billedDuration"),
                    ("Memory Size:", "@memorySize"),
                    ("Max Memory Used:", "@maxMemoryUsed"),
                    ("Init Duration:", "@initDuration"),
                ] {
                    if let Some(v) = rest
                        .split('\t')
                        .find_map(|p| p.trim().strip_prefix(label))
                        .and_then(|v| v.split_whitespace().next())
                    {
                        r.insert(field.into(), v.into());
                    }
                }
            }
            return;
        }
    }
    let mut parts = msg.splitn(4, '\t');
    if let (Some(ts), Some(id), Some(_)) = (parts.next(), parts.next(), parts.next())
        && ts.len() >= 20
        && ts.as_bytes()[4] == b'-'
        && id.len() == 36
    {
        r.insert("@requestId".into(), id.into());
    }
}

/// Evaluate parsed commands over records in order; returns the output rows
/// (`@ptr` kept as the last column of non-aggregated rows).
pub fn evaluate(
    commands: &[Command],
    mut records: Vec<Record>,
    limit: Option<usize>,
) -> Vec<Vec<(String, String)>> {
    let mut projection: Option<Vec<(String, String)>> = None;
    let mut aggregated = false;
    let mut limit_cmd = None;
    let mut sorted = false;
    for c in commands {
        match c {
            Command::Fields(f) => {
                for r in &mut records {
                    for (src, alias) in f {
                        if src != alias
                            && let Some(v) = r.get(src).cloned()
                        {
                            r.insert(alias.clone(), v);
                        }
                    }
                }
                projection = Some(f.clone());
            }
            Command::Filter(e) => records.retain(|r| truthy(e, r)),
            Command::Sort(keys) => {
                records.sort_by(|a, b| {
                    keys.iter()
                        .map(|(k, desc)| {
                            let o = compare_opt(a.get(k), b.get(k));
                            if *desc { o.reverse() } else { o }
                        })
                        .find(|o| *o != Ordering::Equal)
                        .unwrap_or(Ordering::Equal)
                });
                sorted = true;
            }
            Command::Limit(n) => {
                records.truncate(*n);
                limit_cmd = Some(*n);
            }
            Command::Stats { aggs, by } => {
                records = stats(&records, aggs, by);
                let mut cols: Vec<(String, String)> =
                    by.iter().map(|b| (b.clone(), b.clone())).collect();
                cols.extend(aggs.iter().map(|a| (a.name.clone(), a.name.clone())));
                projection = Some(cols);
                aggregated = true;
            }
        }
    }
    if !sorted && !aggregated {
        records.sort_by(|a, b| compare_opt(b.get("@timestamp"), a.get("@timestamp")));
    }
    records.truncate(limit_cmd.or(limit).unwrap_or(DEFAULT_LIMIT));
    let cols = projection.unwrap_or_else(|| {
        vec![
            ("@timestamp".into(), "@timestamp".into()),
            ("@message".into(), "@message".into()),
        ]
    });
    records
        .into_iter()
        .map(|r| {
            let mut row: Vec<(String, String)> = cols
                .iter()
                .filter_map(|(_, alias)| r.get(alias).map(|v| (alias.clone(), v.clone())))
                .collect();
            if !aggregated && let Some(p) = r.get("@ptr") {
                row.push(("@ptr".into(), p.clone()));
            }
            row
        })
        .collect()
}

fn stats(records: &[Record], aggs: &[parse::Agg], by: &[String]) -> Vec<Record> {
    let mut groups: BTreeMap<Vec<String>, Vec<&Record>> = BTreeMap::new();
    for r in records {
        let key = by
            .iter()
            .map(|b| r.get(b).cloned().unwrap_or_default())
            .collect();
        groups.entry(key).or_default().push(r);
    }
    groups
        .into_iter()
        .map(|(key, rs)| {
            let mut out: Record = by.iter().cloned().zip(key).collect();
            for a in aggs {
                let nums = || {
                    rs.iter().filter_map(|r| {
                        a.field
                            .as_ref()
                            .and_then(|f| r.get(f))
                            .and_then(|v| v.parse::<f64>().ok())
                    })
                };
                let value = match a.func {
                    AggFunc::Count => match &a.field {
                        None => rs.len() as f64,
                        Some(f) => rs.iter().filter(|r| r.contains_key(f)).count() as f64,
                    },
                    AggFunc::Sum => nums().sum(),
                    AggFunc::Avg => {
                        let v: Vec<f64> = nums().collect();
                        if v.is_empty() {
                            continue;
                        }
                        v.iter().sum::<f64>() / v.len() as f64
                    }
                    AggFunc::Min => match nums().reduce(f64::min) {
                        Some(v) => v,
                        None => continue,
                    },
                    AggFunc::Max => match nums().reduce(f64::max) {
                        Some(v) => v,
                        None => continue,
                    },
                };
                out.insert(a.name.clone(), format_number(value));
            }
            out
        })
        .collect()
}

fn format_number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.3}")
    }
}

fn value<'a>(o: &'a Operand, r: &'a Record) -> Option<std::borrow::Cow<'a, str>> {
    match o {
        Operand::Field(f) => r.get(f).map(|s| s.as_str().into()),
        Operand::Str(s) => Some(s.as_str().into()),
        Operand::Num(n) => Some(format_number(*n).into()),
    }
}

/// Numbers compare numerically when both sides parse, text otherwise.
fn compare(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

fn compare_opt(a: Option<&String>, b: Option<&String>) -> Ordering {
    match (a, b) {
        (Some(a), Some(b)) => compare(a, b),
        (Some(_), None) => Ordering::Greater,
        (None, Some(_)) => Ordering::Less,
        (None, None) => Ordering::Equal,
    }
}

fn truthy(e: &Expr, r: &Record) -> bool {
    match e {
        Expr::And(a, b) => truthy(a, r) && truthy(b, r),
        Expr::Or(a, b) => truthy(a, r) || truthy(b, r),
        Expr::Not(a) => !truthy(a, r),
        Expr::Present(o) => value(o, r).is_some_and(|v| !v.is_empty()),
        Expr::Cmp(a, op, b) => {
            // A missing field never matches, not even `!=`.
            let (Some(x), Some(y)) = (value(a, r), value(b, r)) else {
                return false;
            };
            let o = compare(&x, &y);
            match op {
                CmpOp::Eq => o == Ordering::Equal,
                CmpOp::Ne => o != Ordering::Equal,
                CmpOp::Lt => o == Ordering::Less,
                CmpOp::Le => o != Ordering::Greater,
                CmpOp::Gt => o == Ordering::Greater,
                CmpOp::Ge => o != Ordering::Less,
            }
        }
        Expr::Like(a, p) => value(a, r).is_some_and(|v| match p {
            Pattern::Substring(s) => v.contains(s.as_str()),
            Pattern::Regex(re) => re.is_match(&v),
        }),
        Expr::In(a, items) => value(a, r).is_some_and(|v| {
            items
                .iter()
                .filter_map(|i| value(i, r))
                .any(|i| compare(&v, &i) == Ordering::Equal)
        }),
    }
}

#[cfg(test)]
mod tests;
