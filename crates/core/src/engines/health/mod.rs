//! Triage (`gatescope health`, the Health page): which CloudWatch metrics to
//! ask for and in how many calls ([`plan`]), series math ([`series`]), the
//! top error causes from the stage's access log ([`causes`]), a function's
//! invocation health from its log lines ([`invocations`]) and the report
//! ([`assemble`]). Pure: the app layer does the calls.

pub mod assemble;
pub mod causes;
pub mod invocations;
pub mod plan;
pub mod series;
#[cfg(test)]
mod tests;
