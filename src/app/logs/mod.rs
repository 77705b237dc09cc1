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
pub mod kept;
/// The in-memory `LogSource` test double: test support, not in the library.
#[cfg(test)]
pub mod memory;
pub mod query;
pub mod range;
pub mod report;
pub mod ring;
pub mod row;
pub mod tail;

pub use book::LogBook;
pub use discovery::{LogTargets, discover};
pub(crate) use insights::QueryHandle;
pub(crate) use insights::default_queries;
pub use insights::{InsightsConfig, InsightsEvent, InsightsRunner};
#[cfg(test)]
pub(crate) use memory::MemoryLogSource;

pub use range::Point;
pub(crate) use range::TimeRange;
pub(crate) use ring::CAPACITY_ENV;
pub(crate) use ring::capacity_from;
pub(crate) use ring::configured_capacity;

pub(crate) use tail::TailStatus;
pub use tail::{TailConfig, TailEvent, TailMode, spawn_tail};
