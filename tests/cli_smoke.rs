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
