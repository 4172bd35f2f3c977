//! Feeds arbitrary bytes to the revision file parser: it must return an
//! error, never panic. Run with `cargo +nightly fuzz run revision_file`.

#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    if let Ok(revision) = retort::revision::file::parse(Path::new("fuzz.sql"), &text) {
        // Exercise the derived values too.
        let _ = revision.checksum();
        let _ = revision.is_merge();
    }
});
