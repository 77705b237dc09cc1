//! Route keys, stages and a request line from arbitrary text: matching and
//! "nearest routes" must never panic.
#![no_main]

use gatescope_core::domain::ApiType;
use gatescope_core::engines::routing::{Router, nearest};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Lines: route keys until an empty line, then `METHOD PATH`.
    let mut parts = text.splitn(2, "\n\n");
    let keys: Vec<&str> = parts.next().unwrap_or("").lines().collect();
    let request = parts.next().unwrap_or("GET /");
    let (method, path) = request.split_once(' ').unwrap_or(("GET", request));
    for api in [ApiType::Http, ApiType::Rest] {
        let router = Router::new(api, &keys, ["$default", "prod"]);
        let res = router.resolve(method, path);
        let _ = res.summary();
        let _ = nearest(&router, method, path, 3);
    }
});
