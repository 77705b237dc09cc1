//! Any text as a token: the JWT decoder must never panic.
#![no_main]

use gatescope_core::engines::jwt::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(jwt) = decode(&text) {
        assert!(!jwt.signing_input.is_empty());
    }
});
