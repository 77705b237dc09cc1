//! Access-log parser: the first line of the input is the stage's format
//! string, the rest a logged line; also every console preset on the whole
//! input. Must never panic.
#![no_main]

use std::sync::LazyLock;

use gatescope_core::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP, RECOMMENDED_REST, presets};
use libfuzzer_sys::fuzz_target;

/// Built once: compiling a preset's matcher costs far more than parsing a
/// line, and rebuilding eight of them per input starved the fuzzer (3 execs/s).
static PRESETS: LazyLock<Vec<AccessLogFormat>> = LazyLock::new(|| {
    [
        RECOMMENDED_HTTP, RECOMMENDED_REST, presets::HTTP_CLF, presets::HTTP_JSON, presets::HTTP_XML,
        presets::HTTP_CSV, presets::REST_CLF, presets::REST_CSV,
    ]
    .into_iter()
    .map(AccessLogFormat::new)
    .collect()
});

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    match s.split_once('\n') {
        Some((fmt, line)) => {
            let _ = AccessLogFormat::new(fmt).parse(line, 0);
        }
        None => {
            let _ = PRESETS[0].parse(s, 0);
        }
    }
    for p in PRESETS.iter() {
        let _ = p.parse_lenient(s, 0);
    }
});
