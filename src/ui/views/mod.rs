//! Pages and widgets drawn by the shell.

pub mod compose;
pub mod doctor;
pub mod logs;
pub mod response;
