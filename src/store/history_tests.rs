//! Tests of [`super`]: the history and its journal.

use super::*;
use crate::domain::{AuthMode, Field};
use crate::engines::compose::draft_from_url;

/// Record `entry` as a send does (one line appended under the lock), then
/// read the history again; the entry as stored.
fn record_in(
    h: &mut History,
    options: StoreOptions,
    entry: HistoryEntry,
    redactor: &Redactor,
) -> Result<HistoryEntry, StoreError> {
    let dir = h.path().parent().unwrap().to_path_buf();
    let stem = h.path().file_stem().unwrap().to_string_lossy().into_owned();
    History::append_in(&dir, &stem, options, entry, redactor)?;
    *h = History::open_in(&dir, &stem)?.with_limit(h.limit);
    Ok(h.entries()[0].clone())
}

fn record(h: &mut History, entry: HistoryEntry, r: &Redactor) -> Result<HistoryEntry, StoreError> {
    record_in(h, StoreOptions::default(), entry, r)
}

/// Record a plain `GET http://x/` of [`draft`] with no outcome.
fn record_plain(h: &mut History) -> Result<HistoryEntry, StoreError> {
    let entry = HistoryEntry::new(
        &draft(),
        &HttpRequest::new("GET", "http://x/"),
        Outcome::default(),
    );
    record(h, entry, &Redactor::new())
}

/// Everything the history wrote: the base file and the journal.
fn stored_text(h: &History) -> String {
    [h.path().to_path_buf(), journal_path(h.path())]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn draft() -> RequestDraft {
    let mut d = draft_from_url(
        "GET",
        "https://abc.execute-api.us-east-1.amazonaws.com/p?x=1",
    )
    .unwrap();
    d.headers.push(Field::new("x-api-key", "supersecretkey"));
    d.auth = AuthMode::Jwt {
        token: "tok.tok.tok".into(),
    };
    d
}

#[test]
fn newest_first_bounded_and_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let d = draft();
    assert_eq!(History::key_for(&d), "abc");
    let mut h = History::open_in(dir.path(), "abc").unwrap().with_limit(3);
    let r = Redactor::for_auth(&d.auth);
    let mut sent = HttpRequest::new(
        "GET",
        "https://abc.execute-api.us-east-1.amazonaws.com/p?x=1",
    );
    sent.headers
        .push(("x-api-key".into(), "supersecretkey".into()));
    for i in 0..5 {
        let mut o = Outcome::from_error("x");
        o.status = Some(200 + i);
        record(&mut h, HistoryEntry::new(&d, &sent, o), &r).unwrap();
    }
    assert_eq!(h.entries().len(), 3);
    assert_eq!(h.entries()[0].outcome.status, Some(204));
    let text = stored_text(&h);
    assert!(text.contains("\"status\":204"), "{text}");
    assert!(
        !text.contains("supersecretkey") && !text.contains("tok.tok.tok"),
        "{text}"
    );
    let again = History::open_in(dir.path(), "abc").unwrap().with_limit(3);
    assert_eq!(again.entries(), h.entries());
    let id = again.entries()[1].id.clone();
    assert!(again.get(&id).unwrap().redacted);
}

#[test]
fn two_gatescopes_keep_each_others_entries() {
    let dir = tempfile::tempdir().unwrap();
    let d = draft();
    let r = Redactor::for_auth(&d.auth);
    let sent = HttpRequest::new("GET", "https://abc.execute-api.us-east-1.amazonaws.com/p");
    let entry = |status| {
        let mut o = Outcome::from_error("x");
        o.status = Some(status);
        HistoryEntry::new(&d, &sent, o)
    };
    let mut a = History::open_in(dir.path(), "abc").unwrap();
    let mut b = History::open_in(dir.path(), "abc").unwrap();
    record(&mut a, entry(201), &r).unwrap();
    record(&mut b, entry(202), &r).unwrap();
    // `b` appended since `a` last read: `a`'s next send keeps it.
    record(&mut a, entry(203), &r).unwrap();
    let statuses: Vec<_> = a.entries().iter().map(|e| e.outcome.status).collect();
    assert_eq!(statuses, [Some(203), Some(202), Some(201)]);
    let reopened = History::open_in(dir.path(), "abc").unwrap();
    assert_eq!(reopened.entries(), a.entries());
}

#[test]
fn secrets_are_kept_only_when_asked() {
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions {
        store_secrets: true,
    };
    let mut h = History::open_in(dir.path(), "k").unwrap();
    let d = draft();
    record_in(
        &mut h,
        opts,
        HistoryEntry::new(
            &d,
            &HttpRequest::new("GET", "http://x/"),
            Outcome::default(),
        ),
        &Redactor::new(),
    )
    .unwrap();
    let text = stored_text(&h);
    assert!(text.contains("supersecretkey"));
    assert!(!h.entries()[0].redacted);
}

#[test]
fn a_corrupt_history_is_kept_aside_and_recording_continues() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("k.json"), "not json").unwrap();
    let mut h = History::open_in(dir.path(), "k").unwrap();
    assert!(h.warning.as_deref().unwrap().contains("a copy was kept"));
    record_plain(&mut h).unwrap();
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        names.iter().any(|n| n.starts_with("k.json.corrupt-")),
        "{names:?}"
    );
    assert_eq!(h.entries().len(), 1);
}

#[test]
fn a_50_mb_body_is_stored_once_capped_and_marked() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = draft_from_url("POST", "http://127.0.0.1:9/big").unwrap();
    d.body = vec![b'a'; 50 * 1024 * 1024];
    let mut sent = HttpRequest::new("POST", "http://127.0.0.1:9/big");
    sent.body = d.body.clone();
    let mut h = History::open_in(dir.path(), "k").unwrap();
    let e = record(
        &mut h,
        HistoryEntry::new(&d, &sent, Outcome::default()),
        &Redactor::new(),
    )
    .unwrap();
    assert_eq!(e.body_truncated_from, Some(50 * 1024 * 1024));
    assert_eq!(e.request_body().len(), BODY_CAP);
    let size = std::fs::metadata(journal_path(h.path())).unwrap().len() as usize;
    // Stored once: one capped body plus a little JSON, not two.
    assert!(size > BODY_CAP && size < BODY_CAP + 4096, "{size}");
    let again = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(again.entries()[0].request_body(), &d.body[..BODY_CAP]);
    assert_eq!(again.entries()[0].draft.body.len(), BODY_CAP);
}

#[test]
fn a_different_request_body_is_kept_separately() {
    let dir = tempfile::tempdir().unwrap();
    let mut d = draft_from_url("POST", "http://127.0.0.1:9/x").unwrap();
    d.body = b"draft".to_vec();
    let mut sent = HttpRequest::new("POST", "http://127.0.0.1:9/x");
    sent.body = b"sent".to_vec();
    let mut h = History::open_in(dir.path(), "k").unwrap();
    record(
        &mut h,
        HistoryEntry::new(&d, &sent, Outcome::default()),
        &Redactor::new(),
    )
    .unwrap();
    let again = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(again.entries()[0].request_body(), b"sent");
    assert_eq!(again.entries()[0].draft.body, b"draft");
    assert_eq!(again.entries()[0].body_truncated_from, None);
}

#[test]
fn a_file_from_a_newer_version_is_read_but_never_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("k.json");
    let mut h = History::open_in(dir.path(), "k").unwrap();
    record_plain(&mut h).unwrap();
    // The entry is a journal line: make it a base file of version 1.
    let line = std::fs::read_to_string(journal_path(&p)).unwrap();
    std::fs::remove_file(journal_path(&p)).unwrap();
    let v1 = format!("{{\"version\":1,\"entries\":[{}]}}\n", line.trim_end());
    std::fs::write(&p, &v1).unwrap();
    let v99 = v1
        .replacen("\"version\":1", "\"version\":99,\"future\":{\"x\":1}", 1)
        .replacen(
            "\"redacted\":true",
            "\"redacted\":true,\"newField\":[1,2]",
            1,
        );
    assert_ne!(v1, v99);
    std::fs::write(&p, &v99).unwrap();
    let mut h = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(h.entries().len(), 1, "what can be read is read");
    assert!(h.warning.as_deref().unwrap().contains("newer gatescope"));
    let e = record_plain(&mut h).unwrap_err();
    assert!(e.to_string().contains("version 99"), "{e}");
    let id = h.entries()[0].id.clone();
    assert!(h.remove(&id).is_err());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), v99, "byte for byte");
    // Also when the newer gatescope wrote after this one opened the file.
    std::fs::write(&p, &v1).unwrap();
    let mut h = History::open_in(dir.path(), "k").unwrap();
    std::fs::write(&p, &v99).unwrap();
    assert!(record_plain(&mut h).is_err());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), v99);
    // Nor does a send that appends without reading the history.
    let e = History::append_in(
        dir.path(),
        "k",
        StoreOptions::default(),
        HistoryEntry::new(
            &draft(),
            &HttpRequest::new("GET", "http://x/"),
            Outcome::default(),
        ),
        &Redactor::new(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("version 99"), "{e}");
    assert!(!journal_path(&p).exists());
    assert_eq!(std::fs::read_to_string(&p).unwrap(), v99);
}

fn entry_with(request_id: &str) -> HistoryEntry {
    let o = Outcome {
        request_id: Some(request_id.into()),
        ..Default::default()
    };
    HistoryEntry::new(&draft(), &HttpRequest::new("GET", "http://x/"), o)
}

fn ids(h: &History) -> Vec<String> {
    h.entries()
        .iter()
        .map(|e| e.outcome.request_id.clone().unwrap())
        .collect()
}

#[test]
fn appends_go_to_the_journal_and_are_folded_in_every_few_dozen() {
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions::default();
    let base = dir.path().join("k.json");
    for i in 0..COMPACT_AFTER - 1 {
        let notes = History::append_in(
            dir.path(),
            "k",
            opts,
            entry_with(&i.to_string()),
            &Redactor::new(),
        )
        .unwrap();
        assert!(notes.is_empty(), "{notes:?}");
    }
    assert!(!base.exists(), "no rewrite before the journal is due");
    let h = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(h.entries().len(), COMPACT_AFTER - 1);
    assert_eq!(ids(&h)[0], (COMPACT_AFTER - 2).to_string(), "newest first");
    // The one that makes the journal due folds it into the base.
    History::append_in(dir.path(), "k", opts, entry_with("last"), &Redactor::new()).unwrap();
    assert!(base.exists() && !journal_path(&base).exists());
    let after = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(after.entries().len(), COMPACT_AFTER);
    assert_eq!(ids(&after)[0], "last");
    assert_eq!(&ids(&after)[1..], &ids(&h)[..]);
    // A History held open (the history page) picks up what was appended
    // meanwhile before it removes an entry, and keeps it.
    let mut held = History::open_in(dir.path(), "k").unwrap();
    let last = held.entries()[0].id.clone();
    for id in ["other", "mine"] {
        History::append_in(dir.path(), "k", opts, entry_with(id), &Redactor::new()).unwrap();
    }
    assert!(held.remove("x").is_ok_and(|gone| !gone));
    assert_eq!(&ids(&held)[..3], ["mine", "other", "last"]);
    // Removing an entry that is only in the journal, then one in the base.
    let other = held.entries()[1].id.clone();
    assert!(held.remove(&other).unwrap());
    assert!(held.remove(&last).unwrap());
    assert!(
        !journal_path(&base).exists(),
        "a removal folds the journal in"
    );
    let reopened = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(
        &ids(&reopened)[..2],
        ["mine", &(COMPACT_AFTER - 2).to_string()]
    );
    assert_eq!(reopened.entries().len(), COMPACT_AFTER);
}

#[test]
fn a_torn_journal_line_loses_nothing_else_and_a_compaction_twice_counts_once() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let opts = StoreOptions::default();
    let journal = journal_path(&dir.path().join("k.json"));
    History::append_in(dir.path(), "k", opts, entry_with("a"), &Redactor::new()).unwrap();
    // A send killed in the middle of its append.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&journal)
        .unwrap();
    f.write_all(b"{\"id\":\"torn").unwrap();
    let h = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(ids(&h), ["a"]);
    assert!(
        h.warning.is_none(),
        "an unfinished last line is not an error"
    );
    History::append_in(dir.path(), "k", opts, entry_with("b"), &Redactor::new()).unwrap();
    let mut h = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(ids(&h), ["b", "a"]);
    assert!(h.warning.as_deref().unwrap().contains("1 line(s)"));
    // A compaction interrupted after writing the base, before removing
    // the journal: the entries in both are read once.
    let kept = std::fs::read(&journal).unwrap();
    let a = h.entries()[1].id.clone();
    h.remove(&a).unwrap();
    let aside: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("k.jsonl.corrupt-"))
        .collect();
    assert_eq!(aside.len(), 1, "the unreadable line is kept aside");
    std::fs::write(&journal, kept).unwrap();
    let h = History::open_in(dir.path(), "k").unwrap();
    assert_eq!(ids(&h), ["b", "a"], "b once; a is back from the journal");
}

#[test]
fn threads_recording_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let path = path.clone();
            std::thread::spawn(move || {
                for i in 0..25 {
                    // A fresh History per send, like separate processes.
                    let mut h = History::open_in(&path, "k").unwrap();
                    let o = Outcome {
                        request_id: Some(format!("{w}-{i}")),
                        ..Default::default()
                    };
                    record(
                        &mut h,
                        HistoryEntry::new(&draft(), &HttpRequest::new("GET", "http://x/"), o),
                        &Redactor::new(),
                    )
                    .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    let h = History::open_in(&path, "k").unwrap();
    let mut ids: Vec<_> = h
        .entries()
        .iter()
        .map(|e| e.outcome.request_id.clone().unwrap())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 100);
}

#[test]
fn free_urls_are_keyed_by_host_and_port() {
    let d = draft_from_url("GET", "http://127.0.0.1:8080/x").unwrap();
    assert_eq!(History::key_for(&d), "127.0.0.1_8080");
    assert_eq!(file_stem("../../etc/passwd"), "_.._etc_passwd");
}

/// A reader never fails and never sees the history shrink while another
/// gatescope appends and folds the journal into the base file (the journal
/// vanishing between its check and its read was an error; reading the base
/// before the journal could miss the lines just folded).
#[test]
fn reading_while_the_journal_is_folded_sees_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_path_buf();
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (path, done) = (path.clone(), done.clone());
        std::thread::spawn(move || {
            for i in 0..(COMPACT_AFTER * 4 + 5) {
                let o = Outcome {
                    request_id: Some(format!("w-{i}")),
                    ..Default::default()
                };
                let entry = HistoryEntry::new(&draft(), &HttpRequest::new("GET", "http://x/"), o);
                History::append_in(&path, "k", StoreOptions::default(), entry, &Redactor::new())
                    .unwrap();
            }
            done.store(true, std::sync::atomic::Ordering::SeqCst);
        })
    };
    let mut seen = 0;
    let mut reads = 0;
    while !done.load(std::sync::atomic::Ordering::SeqCst) {
        let h = History::open_in(&path, "k").unwrap();
        assert!(
            h.entries().len() >= seen,
            "{} after {seen}",
            h.entries().len()
        );
        seen = h.entries().len();
        reads += 1;
    }
    writer.join().unwrap();
    assert_eq!(
        History::open_in(&path, "k").unwrap().entries().len(),
        COMPACT_AFTER * 4 + 5
    );
    assert!(reads > 0);
}
