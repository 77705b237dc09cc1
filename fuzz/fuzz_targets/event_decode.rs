//! Any text as a logged event or a log line: decoding and the embedded-event
//! finder must never panic, and a found event's byte range lies in the text.
#![no_main]

use gatescope_core::engines::event_decode::{decode_str, find_event, find_event_after};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = decode_str(&text);
    if let Some(e) = find_event(&text) {
        assert!(e.start < e.end && e.end <= text.len());
    }
    let _ = find_event_after(&text, "Event:");
});
