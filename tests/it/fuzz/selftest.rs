//! The driver itself: a panic is caught, kept and counted, and a hang ends
//! the run with the input shown — so a clean campaign means something.

use std::process::Command;
use std::time::Duration;

use super::driver::{self, Budget};
use super::mutate::Mutator;

fn budget(runs: u64, hang_after: Duration) -> Budget {
    Budget {
        runs,
        seed: 1,
        hang_after,
        max_len: 256,
    }
}

fn panics_on_bang(input: &str) -> String {
    assert!(!input.contains('!'), "found a bang");
    String::new()
}

#[test]
fn a_panic_is_caught_and_kept() {
    let seeds = vec!["abc".to_owned()];
    let mutator = Mutator::new(&["!"]);
    let report = driver::run(
        "selftest",
        panics_on_bang,
        &seeds,
        &mutator,
        &budget(500, Duration::from_secs(20)),
    );
    assert_eq!(report.runs, 500);
    assert!(!report.failures.is_empty(), "no input with a `!` in 500");
    let (input, message) = &report.failures[0];
    assert!(
        input.contains('!') && message.contains("found a bang"),
        "{input:?}: {message}"
    );
    // The shrinker brings it down to the one character that matters.
    assert_eq!(driver::minimize(panics_on_bang, input), "!");
}

fn hangs(_: &str) -> String {
    loop {
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Run only in the child process of [`a_hang_aborts_the_run`].
#[test]
#[ignore = "a probe that hangs on purpose; run by a_hang_aborts_the_run"]
fn hang_probe() {
    // Under `--include-ignored` without the parent, do nothing.
    if std::env::var_os("FUZZ_HANG_PROBE").is_none() {
        return;
    }
    let seeds = vec!["stuck".to_owned()];
    driver::run(
        "selftest",
        hangs,
        &seeds,
        &Mutator::new(&[]),
        &budget(1, Duration::from_millis(200)),
    );
}

#[test]
fn a_hang_aborts_the_run() {
    let output = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "fuzz::selftest::hang_probe",
            "--exact",
            "--ignored",
            "--nocapture",
        ])
        .env("FUZZ_HANG_PROBE", "1")
        .output()
        .expect("running the probe");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        !output.status.success(),
        "the probe finished: {stdout}{stderr}"
    );
    assert!(
        stderr.contains("HANG") && stderr.contains("\"stuck\""),
        "{stderr}"
    );
}
