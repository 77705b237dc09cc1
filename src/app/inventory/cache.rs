//! The last inventory per profile + region (+ endpoint), on disk, so the UI
//! can show it instantly (marked stale) while it refreshes.
//!
//! Writes are atomic (temp file + rename, so a crash never leaves half a
//! file); a file that cannot be read or parsed is ignored with a warning in
//! the log: the cache is only ever a head start, never a source of errors.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::backends::BackendInfo;
use crate::domain::Inventory;

/// Bumped when the stored shape changes incompatibly; other versions are ignored.
const FORMAT_VERSION: u32 = 1;

#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CacheFile {
    version: u32,
    profile: Option<String>,
    region: Option<String>,
    endpoint: Option<String>,
    inventory: Inventory,
}

/// An inventory read from the cache: always stale until refreshed.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedInventory {
    pub inventory: Inventory,
    /// How long ago it was fetched.
    pub age: Duration,
}

#[derive(Debug, Clone)]
pub struct InventoryCache {
    path: PathBuf,
    info: BackendInfo,
}

impl InventoryCache {
    /// The cache file of this backend under [`crate::paths::cache_dir`].
    pub(crate) fn for_backend(info: &BackendInfo) -> Self {
        Self::in_dir(&crate::paths::cache_dir().join("inventory"), info)
    }

    pub fn in_dir(dir: &Path, info: &BackendInfo) -> Self {
        InventoryCache {
            path: dir.join(file_name(info)),
            info: info.clone(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cached inventory, or `None` when there is none or it is unusable.
    pub fn load(&self) -> Option<CachedInventory> {
        let bytes = match std::fs::read(&self.path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(path = %self.path.display(), "ignoring the inventory cache: {e}");
                return None;
            }
        };
        let file: CacheFile = match serde_json::from_slice(&bytes) {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(path = %self.path.display(), "ignoring a corrupt inventory cache: {e}");
                return None;
            }
        };
        if file.version != FORMAT_VERSION {
            tracing::warn!(path = %self.path.display(), version = file.version, "ignoring an inventory cache of another version");
            return None;
        }
        let age_ms =
            (crate::app::inventory::loader::now_ms() - file.inventory.fetched_at_ms).max(0);
        Some(CachedInventory {
            inventory: file.inventory,
            age: Duration::from_millis(age_ms as u64),
        })
    }

    /// Store `inventory` (atomically; the file is private to the user).
    pub fn save(&self, inventory: &Inventory) -> std::io::Result<()> {
        let file = CacheFile {
            version: FORMAT_VERSION,
            profile: self.info.profile.clone(),
            region: self.info.region.clone(),
            endpoint: self.info.endpoint.clone(),
            inventory: inventory.clone(),
        };
        let bytes = serde_json::to_vec(&file).map_err(std::io::Error::other)?;
        crate::paths::write_atomic(&self.path, &bytes)?;
        if self.info.demo {
            self.remove_per_port_demo_files();
        }
        Ok(())
    }

    /// Earlier versions kept one demo cache per loopback port (`demo@REGION@http___127...`),
    /// one more file per demo run; the demo's single file replaces them all.
    fn remove_per_port_demo_files(&self) {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_stem()) else {
            return;
        };
        // Only loopback endpoints: an AWS profile named `demo` keeps its files.
        let prefix = format!("{}@http___127.0.0.1_", name.to_string_lossy());
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) && n.ends_with(".json") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// `{profile}@{region}[@{endpoint}].json`, with anything but `[A-Za-z0-9._-]` replaced.
fn file_name(info: &BackendInfo) -> String {
    let profile = if info.demo {
        "demo"
    } else {
        info.profile.as_deref().unwrap_or("default")
    };
    let mut name = format!(
        "{}@{}",
        sanitize(profile),
        sanitize(info.region.as_deref().unwrap_or("no-region"))
    );
    // The demo is one API Gateway whatever loopback ports a run gets: one file.
    if let Some(e) = info.endpoint.as_ref().filter(|_| !info.demo) {
        name.push('@');
        name.push_str(&sanitize(e));
    }
    name.push_str(".json");
    name
}

fn sanitize(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Api;

    fn info(profile: &str, endpoint: Option<&str>) -> BackendInfo {
        BackendInfo {
            profile: Some(profile.into()),
            region: Some("eu-west-1".into()),
            endpoint: endpoint.map(str::to_string),
            demo: false,
        }
    }

    fn inventory() -> Inventory {
        Inventory {
            apis: vec![Api {
                id: "a1".into(),
                name: "orders".into(),
                ..Api::default()
            }],
            fetched_at_ms: crate::app::inventory::loader::now_ms() - 5_000,
        }
    }

    #[test]
    fn round_trips_and_reports_age() {
        let dir = tempfile::tempdir().unwrap();
        let cache = InventoryCache::in_dir(dir.path(), &info("dev", None));
        assert!(cache.load().is_none(), "no file yet");
        let inv = inventory();
        cache.save(&inv).unwrap();
        let got = cache.load().unwrap();
        assert_eq!(got.inventory, inv);
        assert!(got.age >= Duration::from_secs(5) && got.age < Duration::from_secs(60));
    }

    #[test]
    fn profiles_regions_and_endpoints_do_not_share_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = InventoryCache::in_dir(dir.path(), &info("dev", None));
        let b = InventoryCache::in_dir(dir.path(), &info("prod", None));
        let c = InventoryCache::in_dir(dir.path(), &info("dev", Some("http://127.0.0.1:5000")));
        assert_ne!(a.path(), b.path());
        assert_ne!(a.path(), c.path());
        assert_eq!(
            c.path().file_name().unwrap().to_str().unwrap(),
            "dev@eu-west-1@http___127.0.0.1_5000.json"
        );
        a.save(&inventory()).unwrap();
        assert!(b.load().is_none());
    }

    #[test]
    fn the_demo_keeps_one_file_whatever_its_ports() {
        let dir = tempfile::tempdir().unwrap();
        let demo = |port: u16| BackendInfo {
            profile: None,
            region: Some("us-east-1".into()),
            endpoint: Some(format!("http://127.0.0.1:{port}")),
            demo: true,
        };
        let old = dir
            .path()
            .join("demo@us-east-1@http___127.0.0.1_40001.json");
        std::fs::write(&old, b"{}").unwrap();
        let other = InventoryCache::in_dir(dir.path(), &info("dev", None));
        other.save(&inventory()).unwrap();
        let a = InventoryCache::in_dir(dir.path(), &demo(40001));
        let b = InventoryCache::in_dir(dir.path(), &demo(40002));
        assert_eq!(a.path(), b.path());
        assert_eq!(
            a.path().file_name().unwrap().to_str().unwrap(),
            "demo@us-east-1.json"
        );
        a.save(&inventory()).unwrap();
        assert!(b.load().is_some());
        assert!(
            !old.exists(),
            "the per-port file of an earlier version is gone"
        );
        assert!(other.load().is_some(), "other profiles' files stay");
    }

    #[test]
    fn corrupt_or_foreign_files_are_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let cache = InventoryCache::in_dir(dir.path(), &info("dev", None));
        std::fs::write(cache.path(), b"{ not json").unwrap();
        assert!(cache.load().is_none());
        std::fs::write(
            cache.path(),
            br#"{"version":99,"inventory":{"apis":[],"fetchedAtMs":0}}"#,
        )
        .unwrap();
        assert!(cache.load().is_none());
        // A good save replaces the corrupt file.
        cache.save(&inventory()).unwrap();
        assert_eq!(cache.load().unwrap().inventory.apis.len(), 1);
    }
}
