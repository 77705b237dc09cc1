//! `:history`: the current API's sent requests (newest first) and the saved
//! requests of every collection, re-opened in the composer or sent again;
//! `:save NAME` stores the request on screen in a collection.

pub mod commands;
pub mod page;
pub mod rows;

#[cfg(test)]
mod page_tests;
