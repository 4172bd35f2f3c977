//! Tests that skip say so where it shows (and the servers the tests found
//! by themselves are named, see `note`).
//!
//! libtest counts a test that returns early as passed and captures what it
//! prints (`eprintln!` included), so a skip would be invisible. Each skip is
//! counted here under its reason, and when the test binary exits a summary
//! goes straight to the process's stderr, after libtest's `test result:` line:
//!
//! ```text
//! note: 93 tests were skipped (libtest counts them as passed):
//!   62 × set RETORT_TEST_MYSQL_URL (nothing answered at mysql://root@127.0.0.1:3306/test)
//! ```
//!
//! The summary runs from `atexit`: libtest ends the process either by
//! returning from `main` or by `process::exit` when a test failed, and both
//! run `atexit` handlers, whereas Rust runs no destructor of a `static`.
//! Writing through `io::stderr()` rather than `eprintln!` bypasses the
//! capture (libtest only captures the print macros).

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::sync::{Mutex, Once};

/// How many tests skipped for each reason.
static SKIPPED: Mutex<BTreeMap<String, u32>> = Mutex::new(BTreeMap::new());
/// Other things worth a line at the end, once each.
static NOTES: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
static REPORT_AT_EXIT: Once = Once::new();

/// A line for the end of the run, printed once however many tests say it
/// (`RETORT_TEST_POSTGRES_URL is not set; the tests used …`).
pub fn note(line: &str) {
    let mut notes = NOTES.lock().unwrap_or_else(|e| e.into_inner());
    notes.insert(line.to_owned());
    drop(notes);
    report_at_exit();
}

/// Records that the calling test skips: `reason` says how to make it run
/// (`set RETORT_TEST_MYSQL_URL …`). Returns nothing; the caller returns early.
pub fn skip(reason: &str) {
    // Shown with `--nocapture` beside the test's name.
    eprintln!("note: skipping: {reason}");
    let mut skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    *skipped.entry(reason.to_owned()).or_default() += 1;
    drop(skipped);
    report_at_exit();
}

fn report_at_exit() {
    REPORT_AT_EXIT.call_once(|| {
        // SAFETY: `report` is an `extern "C" fn()` that neither unwinds nor
        // calls `exit`; registering it has no other precondition.
        let registered = unsafe { libc::atexit(report) };
        if registered != 0 {
            eprintln!("note: cannot register the skip summary (atexit failed)");
        }
    });
}

/// The lines of the summary, or none when nothing skipped.
fn summary(skipped: &BTreeMap<String, u32>) -> String {
    let total: u32 = skipped.values().sum();
    if total == 0 {
        return String::new();
    }
    let mut text = format!(
        "note: {total} test{} skipped (libtest counts {} as passed); README.md, \"The two commands\", says how to run {}:\n",
        if total == 1 { " was" } else { "s were" },
        if total == 1 { "it" } else { "them" },
        if total == 1 { "it" } else { "them" },
    );
    for (reason, count) in skipped {
        text.push_str(&format!("  {count} × {reason}\n"));
    }
    text
}

extern "C" fn report() {
    let notes = NOTES.lock().unwrap_or_else(|e| e.into_inner());
    let skipped = SKIPPED.lock().unwrap_or_else(|e| e.into_inner());
    let mut text: String = notes.iter().map(|n| format!("note: {n}\n")).collect();
    text.push_str(&summary(&skipped));
    // Nothing useful can be done about a failed write at exit.
    let _ = std::io::stderr().write_all(text.as_bytes());
}

#[test]
fn the_summary_counts_each_reason() {
    let skipped = BTreeMap::from([
        ("set RETORT_TEST_MYSQL_URL".to_owned(), 3),
        ("set RETORT_TEST_ALEMBIC_PYTHON".to_owned(), 1),
    ]);
    assert_eq!(
        summary(&skipped),
        "note: 4 tests were skipped (libtest counts them as passed); README.md, \"The two commands\", says how to run them:\n  \
         1 × set RETORT_TEST_ALEMBIC_PYTHON\n  3 × set RETORT_TEST_MYSQL_URL\n"
    );
    assert_eq!(summary(&BTreeMap::new()), "");
}
