//! The binary starts and answers --help / --version without any set-up.

mod support;

use std::process::Command;

#[test]
fn help_lists_every_subcommand() {
    let out = Command::new(support::gatescope_bin())
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in [
        "apis",
        "inspect",
        "event",
        "check-response",
        "cors",
        "jwt",
        "send",
        "logs",
        "doctor",
        "demo",
    ] {
        assert!(text.contains(cmd), "--help lacks {cmd}: {text}");
    }
}

#[test]
fn version_prints_the_crate_version() {
    let out = Command::new(support::gatescope_bin())
        .arg("--version")
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn completions_print_a_script_for_every_shell() {
    for (shell, marker) in [
        ("bash", "_gatescope()"),
        ("zsh", "#compdef gatescope"),
        ("fish", "complete -c gatescope"),
        ("elvish", "edit:completion:arg-completer[gatescope]"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = Command::new(support::gatescope_bin())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(marker), "{shell}: {text}");
        assert!(text.contains("inspect"), "{shell} completes subcommands");
    }
    let out = Command::new(support::gatescope_bin())
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

/// Without a terminal the TUI (and the demo's TUI) says so in one line,
/// exits 2, and writes no escape sequence to the pipe.
#[test]
fn the_tui_without_a_terminal_is_a_one_line_error() {
    let home = tempfile::tempdir().unwrap();
    for args in [&[][..], &["demo"][..]] {
        let out = Command::new(support::gatescope_bin())
            .args(args)
            .env("GATESCOPE_HOME", home.path())
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: {:?}", out.stdout);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains('\u{1b}'), "{args:?}: {err:?}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("needs a terminal"), "{args:?}: {err}");
    }
}

/// A malformed `--region` is named in the error, not reported as "no
/// region configured".
#[test]
fn a_malformed_region_is_named() {
    let out = Command::new(support::gatescope_bin())
        .args(["--region", "bad region!!", "apis"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("`bad region!!` is not a region name"), "{err}");
}
