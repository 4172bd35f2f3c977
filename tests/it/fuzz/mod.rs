//! Fuzzing on the stable toolchain: every parser that reads user input, fed
//! mutated inputs by a small in-repo driver (see `fuzz/README.md` for why
//! this driver and not cargo-fuzz or AFL, and for the campaign figures).
//!
//! - `cargo test --test it fuzz::` runs each target for a short,
//!   fixed-seed run (`FUZZ_RUNS`, default 2,000 inputs), replays every kept
//!   input under `tests/it/fuzz/regressions/`, so the harnesses cannot rot.
//! - A campaign: `FUZZ_TARGET=url FUZZ_RUNS=1000000 cargo test --release
//!   --test it fuzz::campaign -- --ignored --nocapture` (all targets when
//!   `FUZZ_TARGET` is unset; `FUZZ_SEED` repeats a run; without
//!   `FUZZ_RUNS` it does nothing).

mod driver;
mod found;
mod mutate;
mod seeds;
mod selftest;
mod targets;

use std::path::Path;
use std::time::Duration;

use driver::Budget;
use mutate::Mutator;

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name)
        .ok()
        .and_then(|v| v.replace('_', "").parse().ok())
}

fn target_fn(name: &str) -> driver::Harness {
    targets::ALL
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, f)| *f)
        .unwrap_or_else(|| panic!("no fuzz target `{name}`"))
}

/// Runs `name` for `runs` inputs from `seed` and fails on any panic.
fn fuzz(name: &str, runs: u64, seed: u64, hang_after: Duration) -> driver::Report {
    let (seeds, words) = seeds::for_target(name);
    let mutator = Mutator::new(&words);
    let budget = Budget {
        runs,
        seed,
        hang_after,
        // Parsing costs by the byte and portable SQL is parsed six times
        // an input; 1 KiB holds a dozen statements.
        max_len: if name == "portable_sql" { 1024 } else { 4096 },
    };
    let report = driver::run(name, target_fn(name), &seeds, &mutator, &budget);
    let cpu = report
        .cpu
        .map_or_else(|| "?".to_owned(), |cpu| format!("{cpu:.1?}"));
    eprintln!(
        "fuzz {name}: {} inputs in {:.1?} (CPU {cpu}, slowest {:.1?}), seed {seed}, {} panics, \
         0 hangs, corpus {}, outcomes {}",
        report.runs,
        report.elapsed,
        report.slowest,
        report.failures.len(),
        report.corpus,
        report.outcomes
    );
    assert!(
        report.failures.is_empty(),
        "fuzz {name}: {} inputs panicked (kept in {}); the first: {:?}",
        report.failures.len(),
        driver::failure_dir(name).display(),
        report.failures[0]
    );
    report
}

/// The short run `cargo test` does: a fixed seed, so a failure repeats.
fn short(name: &str) {
    let runs = env_u64("FUZZ_RUNS").unwrap_or(2_000);
    // Debug builds on a busy machine: a generous bound still tells a hang
    // (which never ends) from a slow input.
    fuzz(name, runs, 0x5eed, Duration::from_secs(20));
}

#[test]
fn revision_file() {
    short("revision_file");
}

#[test]
fn revision_graph() {
    short("revision_graph");
}

#[test]
fn sql_split() {
    short("sql_split");
}

#[test]
fn portable_sql() {
    short("portable_sql");
}

#[test]
fn url() {
    short("url");
}

#[test]
fn config() {
    short("config");
}

#[test]
fn url_redaction() {
    short("url_redaction");
}

#[test]
fn config_redaction() {
    short("config_redaction");
}

#[test]
fn target() {
    short("target");
}

/// A long run for the campaign figures; see the module doc.
#[test]
#[ignore = "a campaign of 10^6 inputs per target: run it in release, on purpose"]
fn campaign() {
    // `--include-ignored` alone does not start an hour of fuzzing.
    let Some(runs) = env_u64("FUZZ_RUNS") else {
        eprintln!("fuzz campaign: set FUZZ_RUNS (e.g. 1000000) to run one");
        return;
    };
    let seed = env_u64("FUZZ_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_secs())
    });
    let hang_after = Duration::from_millis(env_u64("FUZZ_HANG_MS").unwrap_or(2_000));
    let names: Vec<String> = match std::env::var("FUZZ_TARGET") {
        Ok(name) => vec![name],
        Err(_) => targets::ALL.iter().map(|(n, _)| (*n).to_owned()).collect(),
    };
    for name in names {
        fuzz(&name, runs, seed, hang_after);
    }
}

/// Replays one input from a file and shows what the target does with it,
/// shrunk: `FUZZ_TARGET=sql_split FUZZ_INPUT=path cargo test --test it
/// fuzz::replay -- --ignored --nocapture`.
#[test]
#[ignore = "a tool: needs FUZZ_TARGET and FUZZ_INPUT"]
fn replay() {
    let (Ok(name), Ok(path)) = (std::env::var("FUZZ_TARGET"), std::env::var("FUZZ_INPUT")) else {
        eprintln!("fuzz replay: set FUZZ_TARGET and FUZZ_INPUT");
        return;
    };
    let input = std::fs::read_to_string(&path).expect("the input file");
    let target = target_fn(&name);
    match driver::run_one(target, &input) {
        Ok(outcome) => eprintln!("passes: {outcome}"),
        Err(message) => {
            let small = driver::minimize(target, &input);
            let again = driver::run_one(target, &small).err().unwrap_or_default();
            eprintln!("PANIC: {message}\n--- shrunk to {small:?}\n--- which gives: {again}");
        }
    }
}

/// Every input a campaign found and a fix made pass stays passing: the
/// files under `tests/it/fuzz/regressions/<target>/`.
#[test]
fn kept_inputs_pass() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/it/fuzz/regressions");
    let mut count = 0;
    for (name, target) in targets::ALL {
        let Ok(entries) = std::fs::read_dir(root.join(name)) else {
            continue;
        };
        for entry in entries.flatten() {
            let input = std::fs::read_to_string(entry.path()).expect("a kept input");
            if let Err(message) = driver::run_one(*target, &input) {
                panic!("{}: {message}", entry.path().display());
            }
            count += 1;
        }
    }
    assert!(count > 0, "no kept inputs under {}", root.display());
}
