//! Pure logic on domain data: what API Gateway does with a request and with
//! the Lambda's answer, how logs parse and correlate, and what the doctor
//! concludes. No I/O here: everything is unit tested and fuzzed.

pub mod access_log;
pub mod authz;
pub mod compose;
pub mod correlate;
pub mod cors;
pub mod doctor;
pub mod event_build;
pub mod event_decode;
pub mod exec_log;
pub mod export;
pub mod health;
pub mod jwt;
pub mod jwt_check;
pub mod jwt_keys;
pub mod lambda_log;
pub mod rate_limit;
pub mod redact;
pub mod response;
pub mod routing;
pub mod shell;
pub mod terminal_text;
