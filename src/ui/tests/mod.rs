//! UI tests: drive the app with actions and keys against a fake control
//! plane, assert state, and snapshot TestBackend frames with insta.

mod authorizer_calls;
mod cors_tour;
pub(crate) mod fixtures;
mod inventory;
mod no_colour;
mod parity;
mod rest_fixtures;
mod rest_views;
mod shell;
mod sizes;
mod suspend;
