//! Access-log parser: the first line of the input is the stage's format
//! string, the rest a logged line; also every console preset on the whole
//! input. Must never panic.
#![no_main]

use gatescope::engines::access_log::{AccessLogFormat, RECOMMENDED_HTTP, RECOMMENDED_REST, presets};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let (fmt, line) = s.split_once('\n').unwrap_or((RECOMMENDED_HTTP, s));
    let _ = AccessLogFormat::new(fmt).parse(line, 0);
    for p in [
        RECOMMENDED_HTTP, RECOMMENDED_REST, presets::HTTP_CLF, presets::HTTP_JSON, presets::HTTP_XML,
        presets::HTTP_CSV, presets::REST_CLF, presets::REST_CSV,
    ] {
        let _ = AccessLogFormat::new(p).parse_lenient(s, 0);
    }
});
