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
