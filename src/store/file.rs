//! Load and save one JSON document without ever losing what was in it.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot read {}: {source} (nothing was changed)", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot keep a copy of the unreadable {}: {source} (nothing was changed)", path.display())]
    Backup {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{} was written by a newer gatescope (format version {found}, this one writes {supported}); it is read but never rewritten",
        path.display()
    )]
    NewerVersion {
        path: PathBuf,
        found: u32,
        supported: u32,
    },
}

/// The largest store file read (history, collections): far above what the
/// body caps let gatescope write, low enough that a stray huge file cannot
/// exhaust memory.
pub(crate) const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The error for a file written by a newer gatescope (`found` above
/// `supported`): history and collections read it but never rewrite it.
pub(crate) fn newer_version_error(
    path: &Path,
    found: Option<u32>,
    supported: u32,
) -> Option<StoreError> {
    found.map(|found| StoreError::NewerVersion {
        path: path.to_path_buf(),
        found,
        supported,
    })
}

/// The bytes of the store file `path`, `None` when it does not exist.
/// Anything but a regular file (a FIFO, a device, a folder) is refused
/// without opening it, so it cannot hang or stream forever; so is a file
/// over [`MAX_FILE_BYTES`].
pub(crate) fn read_file(path: &Path) -> Result<Option<Vec<u8>>, StoreError> {
    use std::io::Read;
    let err = |source| StoreError::Read {
        path: path.to_path_buf(),
        source,
    };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    if !meta.is_file() {
        return Err(err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "not a regular file",
        )));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(err(too_big()));
    }
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        // Removed since `metadata` (a journal folded away by another
        // gatescope): as absent as if it had never been there.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(err(e)),
    };
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(err(too_big()));
    }
    Ok(Some(bytes))
}

fn too_big() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::FileTooLarge,
        format!(
            "larger than the {} MiB limit for a store file",
            MAX_FILE_BYTES / (1024 * 1024)
        ),
    )
}

/// A loaded document and, when the file was unreadable, what happened to it.
#[derive(Debug)]
pub(crate) struct Loaded<T> {
    pub value: T,
    /// "… could not be parsed (…); a copy was kept at …": show it once.
    pub warning: Option<String>,
}

/// Load `path`; a missing file is the default value. A file that does not
/// parse is copied to `path.corrupt-TIMESTAMP` first, then treated as empty,
/// so the next save cannot destroy the only copy. A file that cannot be read
/// at all is an error: writing over it could lose data.
pub(crate) fn load_json<T: DeserializeOwned + Default>(
    path: &Path,
) -> Result<Loaded<T>, StoreError> {
    let Some(bytes) = read_file(path)? else {
        return Ok(Loaded {
            value: T::default(),
            warning: None,
        });
    };
    match serde_json::from_slice::<T>(&bytes) {
        Ok(value) => Ok(Loaded {
            value,
            warning: None,
        }),
        Err(parse) => {
            let backup = backup_path(path);
            std::fs::copy(path, &backup).map_err(|source| StoreError::Backup {
                path: path.to_path_buf(),
                source,
            })?;
            Ok(Loaded {
                value: T::default(),
                warning: Some(format!(
                    "{} could not be parsed ({parse}); a copy was kept at {}; starting empty",
                    path.display(),
                    backup.display()
                )),
            })
        }
    }
}

/// The parsed file, or `None` when it is missing or does not parse; no side
/// effects (used to merge what another process saved before writing).
pub(crate) fn peek_json<T: DeserializeOwned>(path: &Path) -> Option<T> {
    serde_json::from_slice(&read_file(path).ok()??).ok()
}

/// Write `value` as pretty JSON, atomically.
pub(crate) fn save_json<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    write_json(path, serde_json::to_vec_pretty(value))
}

/// Write `value` as compact JSON, atomically (files rewritten often).
pub(crate) fn save_json_compact<T: Serialize>(path: &Path, value: &T) -> Result<(), StoreError> {
    write_json(path, serde_json::to_vec(value))
}

fn write_json(path: &Path, bytes: serde_json::Result<Vec<u8>>) -> Result<(), StoreError> {
    let mut bytes = bytes.map_err(|e| StoreError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e),
    })?;
    bytes.push(b'\n');
    crate::paths::write_atomic(path, &bytes).map_err(|source| StoreError::Write {
        path: path.to_path_buf(),
        source,
    })
}

fn backup_path(path: &Path) -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!("{name}.corrupt-{stamp}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Doc {
        items: Vec<String>,
    }

    #[test]
    fn missing_is_empty_and_saved_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/doc.json");
        let l: Loaded<Doc> = load_json(&p).unwrap();
        assert_eq!(l.value, Doc::default());
        assert!(l.warning.is_none());
        let d = Doc {
            items: vec!["a".into()],
        };
        save_json(&p, &d).unwrap();
        assert_eq!(load_json::<Doc>(&p).unwrap().value, d);
    }

    #[test]
    fn corrupt_files_are_copied_aside_before_anything_else() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.json");
        std::fs::write(&p, b"{\"items\": [\"precious\"").unwrap();
        let l: Loaded<Doc> = load_json(&p).unwrap();
        assert_eq!(l.value, Doc::default());
        let w = l.warning.unwrap();
        assert!(
            w.contains("could not be parsed") && w.contains("a copy was kept at"),
            "{w}"
        );
        let copies: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".corrupt-"))
            .collect();
        assert_eq!(copies.len(), 1);
        assert_eq!(
            std::fs::read(&copies[0]).unwrap(),
            b"{\"items\": [\"precious\""
        );
    }

    #[test]
    fn unreadable_files_are_errors_not_empty() {
        let dir = tempfile::tempdir().unwrap();
        // A directory where the file should be: read fails with something other than NotFound.
        let p = dir.path().join("doc.json");
        std::fs::create_dir(&p).unwrap();
        let e = load_json::<Doc>(&p).unwrap_err();
        assert!(e.to_string().contains("nothing was changed"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("doc.json");
        let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        // Opening a FIFO for reading with no writer would block forever.
        let e = load_json::<Doc>(&p).unwrap_err();
        assert!(e.to_string().contains("not a regular file"), "{e}");
        assert!(peek_json::<Doc>(&p).is_none());
    }
}
