//! The application layer: each use case once (send, diagnose, inventory, logs,
//! health...), called alike by the TUI views and the CLI. It returns typed
//! results or streams of typed progress and never touches the terminal.

pub mod authorizer;
pub mod diagnose;
pub mod examples;
pub mod health;
pub mod history;
pub mod inventory;
pub mod logs;
pub mod problems;
pub mod send;
pub mod test_invoke;
pub mod tour;
pub mod usage;

/// The real clock and fresh random bytes, for the engines that take them as
/// inputs (the event builder).
pub fn seed() -> crate::engines::event_build::Seed {
    let mut random = [0u8; 48];
    for chunk in random.chunks_mut(16) {
        chunk.copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    }
    crate::engines::event_build::Seed {
        now_ms: chrono::Utc::now().timestamp_millis(),
        random,
    }
}
