//! libFuzzer entry for the `config` target of the stable harness
//! (`tests/it/fuzz/targets/`, included as it is, so both check the same
//! properties). Run with `cargo +nightly fuzz run config`; see
//! `fuzz/README.md`.

#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/it/fuzz/targets/mod.rs"]
#[allow(dead_code)]
mod targets;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = targets::config_file(&text);
});
