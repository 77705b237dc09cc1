//! `gatescope logs --since/--until` on the demo backend: every accepted form
//! of time range runs, and a bad one is a one-line error (exit 2) before
//! anything is read.

mod support;

use std::process::{Command, Output};

fn logs(args: &[&str]) -> Output {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    Command::new(support::gatescope_bin())
        .args(["demo", "logs", "demohttp01", "--stage", "prod"])
        .args(args)
        .env("GATESCOPE_HOME", home.path())
        .output()
        .expect("gatescope runs")
}

#[test]
fn accepted_ranges_run() {
    for args in [
        &["--since", "-2h..-1h"][..],
        &["--since", "2h", "--until", "-1h"],
        &["--since", "2025-11-25 09:00..2025-11-25T10:00:00Z"],
        &["--since", "1764061200..1764064800", "--output", "json"],
        &["--since", "2025-11-25"],
        &[
            "--since",
            "-30m",
            "--query",
            "fields @timestamp, @logStream",
        ],
    ] {
        let out = logs(args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn bad_ranges_are_one_line_errors() {
    for (args, want) in [
        (&["--since", "-1h..-2h"][..], "does not end after it starts"),
        (&["--since", "soon"], "is not a time"),
        (&["--since", "2999-01-01"], "starts in the future"),
        (&["--since", "2h", "--until", "whenever"], "--until"),
        (&["--since", "-2h..-1h", "--until", "now"], "not both"),
        (
            &["--since", "1h", "--until", "-10m", "--follow"],
            "drop --until",
        ),
    ] {
        let out = logs(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.starts_with("gatescope: "), "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

/// The tail buffer's size: a bad `GATESCOPE_LOGS_BUFFER` or `--buffer` is a
/// one-line error before anything is read (`--follow` would run forever).
#[test]
fn bad_buffer_sizes_are_one_line_errors() {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    let run = |env: Option<&str>, extra: &[&str]| {
        let mut cmd = Command::new(support::gatescope_bin());
        cmd.args(["demo", "logs", "demohttp01", "--stage", "prod", "--follow"])
            .args(extra)
            .env("GATESCOPE_HOME", home.path())
            .env_remove("GATESCOPE_LOGS_BUFFER");
        if let Some(v) = env {
            cmd.env("GATESCOPE_LOGS_BUFFER", v);
        }
        cmd.output().expect("gatescope runs")
    };
    let out = run(Some("lots"), &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("GATESCOPE_LOGS_BUFFER=lots"), "{err}");
    let out = run(None, &["--buffer", "0"]);
    assert_eq!(out.status.code(), Some(2), "clap rejects a zero buffer");
}

#[test]
fn the_only_stage_is_picked_without_stage() {
    let home = tempfile::tempdir().expect("temp GATESCOPE_HOME");
    let run = |api: &str| {
        Command::new(support::gatescope_bin())
            .args(["demo", "logs", api, "--since", "5m"])
            .env("GATESCOPE_HOME", home.path())
            .output()
            .expect("gatescope runs")
    };
    let out = run("demohttp01");
    assert!(
        out.status.success(),
        "one stage: no --stage needed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
