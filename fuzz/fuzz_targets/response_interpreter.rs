//! Any bytes as a Lambda's output, for every API type and payload format:
//! the interpreter must answer (never panic), and its verdict must be
//! consistent: a failure is 502 (REST) / 500 (HTTP) with an error finding.
#![no_main]

use gatescope_core::domain::{ApiType, PayloadFormat, Severity};
use gatescope_core::engines::response::{ResponseContext, interpret};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The first byte picks the context; the rest is the output.
    let (sel, output) = match data.split_first() {
        Some((s, rest)) => (*s, rest),
        None => (0, data),
    };
    let api = if sel & 1 == 0 { ApiType::Http } else { ApiType::Rest };
    let payload = if sel & 2 == 0 { PayloadFormat::V2 } else { PayloadFormat::V1 };
    let mut ctx = ResponseContext::new(api, payload);
    if sel & 4 != 0 {
        ctx.binary_media_types = vec!["*/*".into()];
    }
    ctx.function_error = match sel >> 3 & 3 {
        1 => Some(true),
        2 => Some(false),
        _ => None,
    };
    let v = interpret(output, &ctx);
    if !v.ok {
        assert!(v.findings.iter().any(|f| f.severity == Severity::Error));
        assert_eq!(v.client_status, if api == ApiType::Rest { 502 } else { 500 });
    }
});
