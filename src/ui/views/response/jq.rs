//! jq-style filters over JSON bodies, with jaq.
//!
//! Filters run on a worker thread (see [`spawn_filter`]): jq programs can
//! loop forever (`repeat(.)`), so the UI never waits on one and the number
//! of outputs kept is capped.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

/// At most this many outputs are kept; a note says when more were dropped.
pub(crate) const MAX_OUTPUTS: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FilterOutput {
    /// Each output value, pretty-printed.
    pub text: String,
    pub count: usize,
    pub capped: bool,
}

/// Run `code` over `input` (JSON text). Errors are one readable line.
pub(crate) fn run_filter(code: &str, input: &[u8]) -> Result<FilterOutput, String> {
    let input =
        jaq_json::read::parse_single(input).map_err(|e| format!("body is not JSON: {e}"))?;
    let program = File { code, path: () };
    let defs = jaq_core::defs()
        .chain(jaq_std::defs())
        .chain(jaq_json::defs());
    let funs = jaq_core::funs()
        .chain(jaq_std::funs())
        .chain(jaq_json::funs());
    let loader = Loader::new(defs);
    let arena = Arena::default();
    let modules = loader.load(&arena, program).map_err(|errs| {
        let mut msgs = Vec::new();
        for (_, err) in errs {
            match err {
                jaq_core::load::Error::Io(v) => msgs.extend(v.into_iter().map(|(_, m)| m)),
                jaq_core::load::Error::Lex(v) => msgs.extend(
                    v.into_iter()
                        .map(|(exp, at)| format!("expected {} at `{}`", exp.as_str(), short(at))),
                ),
                jaq_core::load::Error::Parse(v) => msgs.extend(
                    v.into_iter()
                        .map(|(exp, at)| format!("expected {} at `{}`", exp.as_str(), short(at))),
                ),
            }
        }
        format!("jq: {}", msgs.join("; "))
    })?;
    let filter = Compiler::default()
        .with_funs(funs)
        .compile(modules)
        .map_err(|errs| {
            let msgs: Vec<String> = errs
                .into_iter()
                .flat_map(|(_, v)| v)
                .map(|(name, undef)| format!("undefined {} `{name}`", undef.as_str()))
                .collect();
            format!("jq: {}", msgs.join("; "))
        })?;
    let ctx = Ctx::<data::JustLut<Val>>::new(&filter.lut, Vars::new([]));
    let mut text = String::new();
    let mut count = 0;
    let mut outputs = filter.id.run((ctx, input)).map(unwrap_valr);
    for out in outputs.by_ref().take(MAX_OUTPUTS) {
        let v = out.map_err(|e| format!("jq: {e}"))?;
        if count > 0 {
            text.push('\n');
        }
        text.push_str(&pretty_val(&v));
        count += 1;
    }
    let capped = count == MAX_OUTPUTS && outputs.next().is_some();
    Ok(FilterOutput {
        text,
        count,
        capped,
    })
}

/// jaq prints compact JSON; re-indent through serde_json when it parses
/// (it does not for byte strings or non-string keys, then keep jaq's text).
fn pretty_val(v: &Val) -> String {
    let compact = v.to_string();
    serde_json::from_str::<serde_json::Value>(&compact)
        .ok()
        .and_then(|j| serde_json::to_string_pretty(&j).ok())
        .unwrap_or(compact)
}

fn short(s: &str) -> &str {
    crate::ui::components::json::cap(s.lines().next().unwrap_or(""), 20)
}

/// Run a filter on a worker thread; the result arrives on the returned
/// channel. Dropping the receiver abandons it.
#[cfg(test)]
pub(crate) fn spawn_filter(
    code: String,
    input: std::sync::Arc<Vec<u8>>,
) -> std::sync::mpsc::Receiver<Result<FilterOutput, String>> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(run_filter(&code, &input));
    });
    rx
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_and_pretty_prints() {
        let out = run_filter(".items[] | {id}", br#"{"items":[{"id":1,"x":2},{"id":2}]}"#).unwrap();
        assert_eq!(out.count, 2);
        assert_eq!(out.text, "{\n  \"id\": 1\n}\n{\n  \"id\": 2\n}");
        assert!(!out.capped);
    }

    #[test]
    fn std_functions_are_available() {
        let out = run_filter("keys | length", br#"{"a":1,"b":2}"#).unwrap();
        assert_eq!(out.text, "2");
    }

    #[test]
    fn errors_are_one_line() {
        let e = run_filter(".a |", b"{}").unwrap_err();
        assert!(e.starts_with("jq: expected"), "{e}");
        let e = run_filter("nosuchfn", b"{}").unwrap_err();
        assert!(e.contains("undefined") && e.contains("nosuchfn"), "{e}");
        let e = run_filter(".a.b", br#"{"a":1}"#).unwrap_err();
        assert!(e.starts_with("jq: "), "{e}");
        assert!(run_filter(".", b"<html>").unwrap_err().contains("not JSON"));
        assert!(!e.contains('\n'));
    }

    #[test]
    fn endless_outputs_are_capped() {
        let out = run_filter("repeat(1)", b"0").unwrap();
        assert_eq!(out.count, MAX_OUTPUTS);
        assert!(out.capped);
    }

    #[test]
    fn worker_thread_reports_back() {
        let rx = spawn_filter(".a".into(), std::sync::Arc::new(br#"{"a":[1]}"#.to_vec()));
        let out = rx.recv().unwrap().unwrap();
        assert_eq!(out.text, "[\n  1\n]");
    }
}
