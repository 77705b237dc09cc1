//! Four `gatescope send` processes at once, 50 sends each, one home and one
//! history: every one of the 200 entries must be there, once (the store
//! locks each append and each compaction of the journal; before the lock,
//! about a quarter were lost).

mod support;

use std::collections::BTreeSet;
use std::process::Command;

use support::fake_http::{Canned, canned, serve_in_thread};

const WRITERS: usize = 4;
const SENDS: usize = 50;

#[test]
fn four_writer_processes_lose_no_history_entry() {
    let addr = serve_in_thread(canned(&[Canned {
        path: "/ok",
        status: 200,
        headers: &[("content-type", "application/json")],
        body: "{\"ok\":true}",
    }]));
    let home = tempfile::tempdir().unwrap();
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let home = home.path().to_path_buf();
            std::thread::spawn(move || {
                for i in 0..SENDS {
                    let url = format!("http://{addr}/ok?w={w}&i={i}");
                    let out = Command::new(support::gatescope_bin())
                        .args(["send", "GET", &url, "--output", "json"])
                        .env("GATESCOPE_HOME", &home)
                        .env("AWS_EC2_METADATA_DISABLED", "true")
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success() && out.stderr.is_empty(),
                        "send {w}/{i}: {:?} {}",
                        out.status,
                        String::from_utf8_lossy(&out.stderr)
                    );
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    // The history is its base file plus its journal (one line per entry
    // appended since the journal was last folded into the base).
    let base = home
        .path()
        .join(format!("data/history/127.0.0.1_{}.json", addr.port()));
    let mut entries: Vec<serde_json::Value> = match std::fs::read(&base) {
        Ok(bytes) => serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()["entries"]
            .as_array()
            .unwrap()
            .clone(),
        Err(_) => Vec::new(),
    };
    if let Ok(text) = std::fs::read_to_string(base.with_extension("jsonl")) {
        for line in text.lines() {
            entries.push(serde_json::from_str(line).expect("every journal line whole"));
        }
    }
    let urls: BTreeSet<String> = entries
        .iter()
        .map(|e| e["request"]["url"].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = (0..WRITERS)
        .flat_map(|w| (0..SENDS).map(move |i| format!("http://{addr}/ok?w={w}&i={i}")))
        .collect();
    let lost: Vec<_> = expected.difference(&urls).collect();
    assert!(
        lost.is_empty(),
        "{} of {} entries lost: {lost:?}",
        lost.len(),
        expected.len()
    );
    assert_eq!(entries.len(), WRITERS * SENDS, "each entry once");
}
