//! gatescope's core: the layers with no I/O.
//!
//! [`domain`] holds plain data shared by every layer; [`engines`] holds pure
//! logic on it (what API Gateway does with a request and with the Lambda's
//! answer, how logs parse and correlate, what the doctor concludes). The
//! clock and randomness come in as inputs. The `gatescope` crate re-exports
//! both modules, so `gatescope::domain` and `gatescope::engines` are these.

pub mod domain;
pub mod engines;
