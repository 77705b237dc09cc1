//! The layering rules of the README's Design section, checked on the source:
//! - `domain` and `engines` live in their own crate (`crates/core`), whose
//!   manifest lists no runtime, terminal, HTTP or AWS SDK crate (so the
//!   compiler refuses a `use tokio::...` there), and they read neither the
//!   clock nor fresh randomness (they take them as inputs);
//! - no file under `src/ui/views/` calls `tokio::spawn` (workers live in
//!   `src/app/` and report through the shell's effects) or names
//!   `backends::` (views reach I/O through `app::` and draw `app`/`domain`
//!   types); there is no allow-list.
//!
//! Test files (`*_tests.rs`, `tests.rs`, `tests/`) are exempt: they start
//! fixture servers and build fake backends.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("source dir") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "tests") {
                rust_files(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "rs") {
            let name = path.file_name().unwrap().to_string_lossy();
            if !(name.ends_with("_tests.rs") || name == "tests.rs" || name == "test_support.rs") {
                out.push(path);
            }
        }
    }
}

/// The file's code lines: comments dropped, and everything from a
/// `#[cfg(test)]` module on (tests sit at the end of a file here).
fn code(path: &Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(path).expect("readable source");
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if t.starts_with("#[cfg(test)]") {
            break;
        }
        if t.starts_with("//") {
            continue;
        }
        let code = match line.find("//") {
            // A `//` inside a string (a URL) is not a comment: keep those lines whole.
            Some(at) if !line[..at].contains('"') => &line[..at],
            _ => line,
        };
        out.push((i + 1, code.to_string()));
    }
    out
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root())
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// `needle` used as a path or import: `needle::` or `use needle`.
fn names(line: &str, krate: &str) -> bool {
    line.match_indices(krate).any(|(at, _)| {
        let before = line[..at].chars().last();
        let starts_word = !before.is_some_and(|c| c.is_alphanumeric() || c == '_');
        let rest = &line[at + krate.len()..];
        starts_word && (rest.starts_with("::") || rest.starts_with(';') || rest.starts_with(" as"))
    })
}

/// Crates the core may never depend on: I/O lives in `backends`, terminal
/// code in `ui`. A dependency line in `crates/core/Cargo.toml` starting
/// with one of these fails the test.
const FORBIDDEN_IN_CORE: &[&str] = &[
    "tokio",
    "ratatui",
    "crossterm",
    "reqwest",
    "hyper",
    "axum",
    "futures",
    "aws-config",
    "aws-sdk-",
    "aws-smithy-",
    "aws-sigv4",
    "directories",
];

#[test]
fn the_core_crate_depends_on_no_runtime_terminal_http_or_aws_sdk_crate() {
    let manifest = std::fs::read_to_string(root().join("crates/core/Cargo.toml"))
        .expect("crates/core/Cargo.toml");
    let deps: Vec<&str> = manifest
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#') && !l.starts_with('[') && l.contains('='))
        .filter_map(|l| l.split('=').next())
        .map(str::trim)
        .collect();
    assert!(
        deps.contains(&"serde_json"),
        "the manifest walk found the dependencies"
    );
    let bad: Vec<&&str> = deps
        .iter()
        .filter(|d| FORBIDDEN_IN_CORE.iter().any(|f| d.starts_with(f)))
        .collect();
    assert!(bad.is_empty(), "crates/core depends on {bad:?}");
}

#[test]
fn the_core_names_no_runtime_terminal_or_http_crate_and_reads_no_clock() {
    let mut files = Vec::new();
    rust_files(&root().join("crates/core/src/domain"), &mut files);
    rust_files(&root().join("crates/core/src/engines"), &mut files);
    assert!(files.len() > 30, "the walk found the core's files");
    let mut bad = Vec::new();
    for f in &files {
        for (n, line) in code(f) {
            for krate in ["tokio", "ratatui", "crossterm", "reqwest"] {
                if names(&line, krate) {
                    bad.push(format!(
                        "{}:{n}: names {krate}: {}",
                        relative(f),
                        line.trim()
                    ));
                }
            }
            for clock in [
                "Utc::now",
                "SystemTime::now",
                "Instant::now",
                "Uuid::new_v4",
            ] {
                if line.contains(clock) {
                    bad.push(format!(
                        "{}:{n}: reads {clock} (take it as an input): {}",
                        relative(f),
                        line.trim()
                    ));
                }
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn views_spawn_nothing_and_reach_backends_only_through_the_app_layer() {
    let mut files = Vec::new();
    rust_files(&root().join("src/ui/views"), &mut files);
    assert!(files.len() > 30, "the walk found the views");
    let mut bad = Vec::new();
    for f in &files {
        let rel = relative(f);
        for (n, line) in code(f) {
            if line.contains("tokio::spawn") || line.contains("tokio::task::spawn(") {
                bad.push(format!("{rel}:{n}: spawns a task: {}", line.trim()));
            }
            if names(&line, "backends") {
                bad.push(format!(
                    "{rel}:{n}: names backends:: (go through app::): {}",
                    line.trim()
                ));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[test]
fn the_checker_sees_what_it_looks_for() {
    assert!(names("use tokio::sync::mpsc;", "tokio"));
    assert!(names("    crossterm::execute!(", "crossterm"));
    assert!(names("use crate::backends::Backend;", "backends"));
    assert!(!names("let tokio_like = 1;", "tokio"));
    assert!(!names("use tokio_stream::wrappers;", "tokio"));
    assert!(!names("my_backends::x", "backends"));
}
