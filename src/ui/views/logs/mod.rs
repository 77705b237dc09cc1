//! The logs page: access-log records on the left, and for the selected one
//! the proxy event, the Lambda lines and the doctor's conclusions on the right.

pub mod detail;
pub mod exec;
pub mod filter;
pub mod insights;
pub mod open;
pub mod page;
pub mod screen;
pub mod store;
pub mod table;
pub mod verbs;

#[cfg(test)]
mod app_tests;
#[cfg(test)]
mod exec_tests;
#[cfg(test)]
mod open_row_tests;
#[cfg(test)]
pub(crate) mod page_tests;
