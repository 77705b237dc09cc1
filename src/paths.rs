//! Where gatescope keeps its files (XDG on Linux, the platform's dirs elsewhere).
//!
//! `GATESCOPE_HOME` overrides everything (tests use it to keep files in a temp dir):
//! config, data, cache and logs then live in sub-folders of it.

use std::path::PathBuf;

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", "gatescope")
}

fn dir(sub: &str, pick: fn(&directories::ProjectDirs) -> PathBuf) -> PathBuf {
    if let Some(home) = home_override(std::env::var_os("GATESCOPE_HOME")) {
        return home.join(sub);
    }
    project_dirs()
        .map(|d| pick(&d))
        .unwrap_or_else(|| std::env::temp_dir().join("gatescope").join(sub))
}

/// `GATESCOPE_HOME` when it names a folder; set but empty (or blank) counts
/// as unset, so `GATESCOPE_HOME= gatescope` does not write into `./data`.
fn home_override(value: Option<std::ffi::OsString>) -> Option<PathBuf> {
    value
        .filter(|v| !v.to_string_lossy().trim().is_empty())
        .map(PathBuf::from)
}

/// User overrides: `keymap.toml`, `theme.toml`.
pub(crate) fn config_dir() -> PathBuf {
    dir("config", |d| d.config_dir().to_path_buf())
}

/// History and saved collections.
pub(crate) fn data_dir() -> PathBuf {
    dir("data", |d| d.data_dir().to_path_buf())
}

/// The inventory cache.
pub fn cache_dir() -> PathBuf {
    dir("cache", |d| d.cache_dir().to_path_buf())
}

/// gatescope's own log file (tracing); never the terminal.
pub(crate) fn log_dir() -> PathBuf {
    dir("logs", |d| d.data_local_dir().join("logs"))
}

/// Write `bytes` to `path` atomically: a temp file in the same folder, then rename.
pub(crate) fn write_atomic(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let parent = path.parent().unwrap_or_else(|| std::path::Path::new("."));
    std::fs::create_dir_all(parent)?;
    let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_home_is_no_home() {
        assert_eq!(home_override(None), None);
        assert_eq!(home_override(Some("".into())), None);
        assert_eq!(home_override(Some("  ".into())), None);
        assert_eq!(
            home_override(Some("/tmp/g".into())),
            Some(PathBuf::from("/tmp/g"))
        );
    }
}
