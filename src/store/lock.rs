//! One writer at a time: every read-modify-write of a store file runs while
//! holding an advisory lock on a sidecar `NAME.lock` file (std's
//! `File::lock`, i.e. `flock` on Unix, `LockFileEx` on Windows), so two
//! gatescopes (two TUIs, a TUI and a script, four `send`s in a loop) never
//! drop each other's entries. The lock file stays (deleting it would race
//! with a waiting writer); it is empty.

use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held while it lives; dropping the file releases the lock.
pub struct StoreLock {
    _file: File,
}

fn lock_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.lock"))
}

/// Wait for the exclusive lock of the store file `path` (creating its
/// folder and lock file when needed).
pub fn lock(path: &Path) -> Result<StoreLock, StoreError> {
    let lp = lock_path(path);
    let write_err = |source| StoreError::Write {
        path: lp.clone(),
        source,
    };
    if let Some(parent) = lp.parent() {
        std::fs::create_dir_all(parent).map_err(write_err)?;
    }
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lp)
        .map_err(write_err)?;
    file.lock().map_err(write_err)?;
    Ok(StoreLock { _file: file })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_locker_waits_for_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/h.json");
        let held = lock(&p).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let p2 = p.clone();
        let t = std::thread::spawn(move || {
            let _l = lock(&p2).unwrap();
            tx.send(()).unwrap();
        });
        assert!(
            rx.recv_timeout(std::time::Duration::from_millis(200))
                .is_err(),
            "the second lock was granted while the first was held"
        );
        drop(held);
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("granted once released");
        t.join().unwrap();
        assert!(dir.path().join("sub/h.json.lock").exists());
    }
}
