//! The guided tour, read from the README's ```` ```tour ```` block: the one place the
//! tour's keys, the screen text each step promises and its shell version are written.
//! The TUI's `:tour` shows it and the end-to-end tests type it, so the README cannot
//! drift from what gatescope does.
//!
//! Block format, one step after another:
//! ```text
//! 1. Title of the step
//!    keys: /demo-orders-rest Enter Enter ":send --origin https://x.example" Enter Ctrl-S
//!    see: 502 Bad Gateway | MALFORMED_PROXY_RESPONSE
//!    keys: L
//!    see: REPORT RequestId
//!    cli: gatescope demo send GET /dev/report
//!    prints: HTTP 502 Bad Gateway
//! ```
//! `keys` are split like a shell line: `Enter`, `Esc`, `Tab`, `Ctrl-S`... are keys,
//! anything else is typed as text; `see` is what the screen shows after them. `cli` is a
//! shell command and `prints` what its output holds. `see` and `prints` list texts
//! separated by ` | `.

/// The README, embedded: the tour block is read from it.
pub const README: &str = include_str!("../../README.md");

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TourStep {
    pub title: String,
    /// What to press, each followed by what the screen then shows.
    pub actions: Vec<TourAction>,
    /// The shell version of the step, command by command.
    pub commands: Vec<TourCommand>,
}

/// Keys, then the screen.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TourAction {
    /// Key presses and typed texts, in order.
    pub keys: Vec<String>,
    /// Texts the screen shows after the keys.
    pub see: Vec<String>,
}

/// A shell command, then what it prints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TourCommand {
    pub line: String,
    /// Texts its standard output holds.
    pub prints: Vec<String>,
}

/// Names `keys` gives to keys that are not typed text.
pub const NAMED_KEYS: &[&str] = &[
    "Enter", "Esc", "Tab", "BackTab", "Up", "Down", "Ctrl-S", "Ctrl-C",
];

/// The steps of the first ```` ```tour ```` block of `text`.
pub fn steps(text: &str) -> Result<Vec<TourStep>, String> {
    let block = text
        .split("```tour\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .ok_or("no ```tour block")?;
    let mut out: Vec<TourStep> = Vec::new();
    for (n, line) in block.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if let Some((num, title)) = line.split_once(". ")
            && num.chars().all(|c| c.is_ascii_digit())
        {
            out.push(TourStep {
                title: title.trim().to_string(),
                ..Default::default()
            });
            continue;
        }
        let (field, value) = line
            .split_once(':')
            .ok_or_else(|| format!("tour line {}: `field: value` expected: {line}", n + 1))?;
        let step = out
            .last_mut()
            .ok_or_else(|| format!("tour line {}: before the first step", n + 1))?;
        let value = value.trim();
        let list = || value.split(" | ").map(|s| s.trim().to_string());
        let orphan = |what: &str| format!("tour line {}: `{what}` before its command", n + 1);
        match field {
            "keys" => step.actions.push(TourAction {
                keys: shlex::split(value)
                    .ok_or_else(|| format!("tour line {}: unbalanced quotes", n + 1))?,
                see: Vec::new(),
            }),
            "see" => step
                .actions
                .last_mut()
                .ok_or_else(|| orphan("see"))?
                .see
                .extend(list()),
            "cli" => step.commands.push(TourCommand {
                line: value.to_string(),
                prints: Vec::new(),
            }),
            "prints" => step
                .commands
                .last_mut()
                .ok_or_else(|| orphan("prints"))?
                .prints
                .extend(list()),
            other => return Err(format!("tour line {}: unknown field `{other}`", n + 1)),
        }
    }
    if out.is_empty() {
        return Err("the ```tour block has no steps".into());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_tour_parses_and_every_step_has_keys_screen_text_and_a_shell_version() {
        let steps = steps(README).unwrap();
        assert!(steps.len() >= 4, "{steps:?}");
        for s in &steps {
            assert!(!s.actions.is_empty(), "{}: no keys", s.title);
            assert!(
                s.actions
                    .iter()
                    .all(|a| !a.keys.is_empty() && !a.see.is_empty()),
                "{}: keys without screen text",
                s.title
            );
            assert!(!s.commands.is_empty(), "{}: no shell version", s.title);
            assert!(
                s.commands
                    .iter()
                    .all(|c| c.line.starts_with("gatescope demo ") && !c.prints.is_empty()),
                "{}: {:?}",
                s.title,
                s.commands
            );
        }
    }

    #[test]
    fn keys_split_like_a_shell_line_and_bad_lines_are_errors() {
        let text = "```tour\n1. One\n   keys: /x Enter \":send --origin https://a.b\" Ctrl-S\n   see: A | B\n   cli: gatescope demo apis\n```\n";
        let s = &steps(text).unwrap()[0];
        let a = &s.actions[0];
        assert_eq!(
            a.keys,
            ["/x", "Enter", ":send --origin https://a.b", "Ctrl-S"]
        );
        assert_eq!(a.see, ["A", "B"]);
        assert_eq!(s.commands[0].line, "gatescope demo apis");
        assert!(
            steps("```tour\n1. A\nsee: x\n```")
                .unwrap_err()
                .contains("before its command")
        );
        assert!(
            steps("```tour\nkeys: x\n```")
                .unwrap_err()
                .contains("before the first step")
        );
        assert!(
            steps("```tour\n1. A\nwat: x\n```")
                .unwrap_err()
                .contains("unknown field")
        );
        assert!(steps("nothing").is_err());
    }
}
