//! The append-only side of a store file: `NAME.jsonl` beside `NAME.json`,
//! one compact JSON value per line, oldest first.
//!
//! Recording a sent request used to rewrite the whole history file (read 200
//! entries, prepend, write a temp file, fsync, rename): most of what a
//! one-shot `gatescope send` spent beyond the request itself. Now a record is
//! one `write` of one line at the end of the journal, under the store lock;
//! the base file is rewritten only when the journal is compacted into it
//! (every [`COMPACT_AFTER`] lines) or an entry is removed.
//!
//! Crash safety: older entries are never rewritten by an append, so an
//! interrupted append can only leave a partial last line. A reader ignores a
//! last line without its newline, and the next append ends it first so the
//! new line stays whole. Appends are not fsynced (a process crash loses
//! nothing the kernel got; a machine crash may lose the newest lines only).
//! Compaction writes the base atomically (temp file, fsync, rename) and only
//! then removes the journal; an entry found in both after a crash in between
//! is read once (readers merge by id).

use std::fs::OpenOptions;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::StoreError;
use super::file::read_file;

/// Journal lines after which the next record compacts them into the base.
pub const COMPACT_AFTER: usize = 32;

/// `dir/NAME.jsonl` for the base `dir/NAME.json`.
pub fn journal_path(base: &Path) -> PathBuf {
    base.with_extension("jsonl")
}

/// A journal as read: its complete lines that parse, oldest first.
#[derive(Debug)]
pub struct Journal<T> {
    pub values: Vec<T>,
    /// Complete lines that did not parse (kept aside before compaction).
    pub bad_lines: usize,
    /// Complete lines in the file (parsed or not).
    pub lines: usize,
}

impl<T> Default for Journal<T> {
    fn default() -> Self {
        Journal {
            values: Vec::new(),
            bad_lines: 0,
            lines: 0,
        }
    }
}

/// Read the journal at `path` (missing: empty). A last line without its
/// newline is a write that did not finish: ignored.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<Journal<T>, StoreError> {
    let Some(bytes) = read_file(path)? else {
        return Ok(Journal::default());
    };
    Ok(parse(&bytes))
}

fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Journal<T> {
    let mut out = Journal::default();
    // Everything after the last '\n' is an unfinished write.
    let complete = match bytes.iter().rposition(|&b| b == b'\n') {
        Some(end) => &bytes[..end],
        None => return out,
    };
    for line in complete.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        out.lines += 1;
        match serde_json::from_slice(line) {
            Ok(v) => out.values.push(v),
            Err(_) => out.bad_lines += 1,
        }
    }
    out
}

/// Append `value` as one line (the caller holds the store lock). A partial
/// last line left by an interrupted append is ended first, so it stays the
/// only line lost.
pub fn append<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    let err = |source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    };
    let mut line = serde_json::to_vec(value).map_err(|e| err(std::io::Error::other(e)))?;
    line.push(b'\n');
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(err)?;
    }
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)
        .map_err(err)?;
    let len = file.metadata().map_err(err)?.len();
    if len > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::Start(len - 1)).map_err(err)?;
        file.read_exact(&mut last).map_err(err)?;
        if last[0] != b'\n' {
            line.insert(0, b'\n');
        }
    }
    // One write: a concurrent reader sees the whole line or none of it
    // (or a prefix without its newline, which it ignores).
    file.write_all(&line).map_err(err)
}

/// Newline-terminated lines of the journal at `path`, without parsing them
/// (is a compaction due?).
pub fn count_lines(path: &Path) -> Result<usize, StoreError> {
    Ok(read_file(path)?.map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_append_read_back_and_a_torn_tail_is_ignored_then_ended() {
        let dir = tempfile::tempdir().unwrap();
        let p = journal_path(&dir.path().join("sub/k.json"));
        assert_eq!(p.file_name().unwrap(), "k.jsonl");
        assert!(read::<u32>(&p).unwrap().values.is_empty());
        append(&p, &1u32).unwrap();
        append(&p, &2u32).unwrap();
        assert_eq!(read::<u32>(&p).unwrap().values, [1, 2]);
        // A crash in the middle of an append: "[3" without its newline.
        let mut f = OpenOptions::new().append(true).open(&p).unwrap();
        f.write_all(b"[3").unwrap();
        let j = read::<u32>(&p).unwrap();
        assert_eq!((j.values, j.lines, j.bad_lines), (vec![1, 2], 2, 0));
        // The next append ends the torn line: it is one bad line, the new
        // value is whole, and nothing before it is lost.
        append(&p, &4u32).unwrap();
        let j = read::<u32>(&p).unwrap();
        assert_eq!((j.values, j.lines, j.bad_lines), (vec![1, 2, 4], 4, 1));
        assert_eq!(count_lines(&p).unwrap(), 4);
    }

    #[test]
    fn garbage_lines_are_counted_not_fatal() {
        let j: Journal<u32> = parse(b"1\n{not json\n\n2\n");
        assert_eq!((j.values, j.lines, j.bad_lines), (vec![1, 2], 3, 1));
        let j: Journal<u32> = parse(b"12");
        assert_eq!((j.values.len(), j.lines), (0, 0));
    }
}
