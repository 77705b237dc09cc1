//! Log services for the CLI and the TUI, generic over `Arc<dyn LogSource>`:
//! find a stage's log groups ([`discovery`]), tail them live or by polling
//! ([`tail`]), run Logs Insights queries ([`insights`]), and keep what
//! arrived parsed and correlated ([`book`]); gather one request's logs with
//! a bounded wait for the doctor ([`gather`]). Long-running work runs in
//! tokio tasks and reports through channels of events; nothing here draws.

pub mod book;
pub mod dedup;
pub mod discovery;
pub mod feed;
pub mod fetch;
pub mod full_record;
pub mod gather;
pub mod insights;
/// The in-memory `LogSource` test double: test support, not in the library.
#[cfg(test)]
pub mod memory;
pub mod query;
pub mod range;
pub mod report;
pub mod ring;
pub mod tail;

pub use book::{Ingested, LogBook};
pub use discovery::{DiscoverError, LambdaTarget, LogTargets, discover};
pub use insights::{
    InsightsConfig, InsightsEvent, InsightsRunner, NamedQuery, QueryHandle, QueryOutcome,
    default_queries, resolve_query,
};
#[cfg(test)]
pub use memory::MemoryLogSource;
pub use range::{Point, TimeRange};
pub use ring::{CAPACITY_ENV, DEFAULT_CAPACITY, Ring, capacity_from, configured_capacity};
pub use tail::{
    TailCheckpoint, TailConfig, TailEvent, TailHandle, TailMode, TailStatus, spawn_tail,
};
