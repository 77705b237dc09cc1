//! REST execution-log lines (CloudWatch events and TestInvokeMethod logs),
//! grouped and summarised. Must never panic.
#![no_main]

use gatescope_core::engines::exec_log::{group_by_request, parse_exec_line, parse_test_invoke_log};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = parse_test_invoke_log(s);
    let lines: Vec<_> = s
        .split('\u{1e}')
        .enumerate()
        .map(|(i, m)| parse_exec_line(i as i64, m))
        .collect();
    let _ = group_by_request(lines);
});
