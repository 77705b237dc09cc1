//! Lambda line parser (text, JSON, platform lines, embedded events), with
//! and without stream context. Must never panic.
#![no_main]

use gatescope_core::domain::RawLogEvent;
use gatescope_core::engines::lambda_log::{LambdaLogParser, parse_line};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = parse_line("/aws/lambda/f", 0, s);
    let mut p = LambdaLogParser::new();
    for line in s.lines() {
        let _ = p.parse(&RawLogEvent {
            log_group: "/aws/lambda/f".into(),
            log_stream: Some("s".into()),
            message: line.to_string(),
            ..Default::default()
        });
    }
});
