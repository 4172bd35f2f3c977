//! The loop that feeds one target: pick a corpus entry, mutate it, run the
//! target under `catch_unwind`, and watch the clock from another thread.
//!
//! A panic is caught, its input kept (see [`Report::failures`]) and the run
//! goes on. A hang cannot be caught: when one input runs past the time
//! bound, the watchdog prints it, writes it beside the other failures and
//! aborts the process, so a hang is never mistaken for a slow run.
//!
//! There is no coverage instrumentation on the stable toolchain, so the
//! feedback is the target's own outcome: an input whose [`Outcome`] (an
//! error kind, a shape of the result) was not seen before joins the corpus,
//! and later inputs grow from it.

use std::collections::HashSet;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::thread;
use std::time::{Duration, Instant};

use super::mutate::{Mutator, Rng};

pub use super::targets::{Harness, Outcome};

/// How long a run lasts and where it starts.
#[derive(Debug, Clone)]
pub struct Budget {
    /// Inputs to run.
    pub runs: u64,
    /// The random seed; a run is a pure function of it and the corpus.
    pub seed: u64,
    /// One input taking longer than this is a hang.
    pub hang_after: Duration,
    /// Inputs longer than this many bytes are cut.
    pub max_len: usize,
}

/// What a run did.
#[derive(Debug, Default)]
pub struct Report {
    pub runs: u64,
    pub elapsed: Duration,
    /// CPU time the process spent (user + system), where Linux tells it:
    /// on a shared machine the wall time says more about the neighbours.
    pub cpu: Option<Duration>,
    /// The slowest single input.
    pub slowest: Duration,
    /// Inputs that panicked, with the panic message.
    pub failures: Vec<(String, String)>,
    /// Corpus size at the end: seeds plus inputs with a new outcome.
    pub corpus: usize,
    /// Distinct outcomes seen.
    pub outcomes: usize,
}

thread_local! {
    /// Set while a target runs, so the panic hook stays quiet for caught
    /// panics on this thread only (other tests in the binary keep theirs).
    static FUZZING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static LAST_PANIC: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if FUZZING.with(std::cell::Cell::get) {
                let location = info
                    .location()
                    .map(|l| format!(" at {}:{}", l.file(), l.line()))
                    .unwrap_or_default();
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| info.payload().downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                LAST_PANIC.with(|last| *last.borrow_mut() = format!("{message}{location}"));
            } else {
                previous(info);
            }
        }));
    });
}

/// Where failing inputs are written: `fuzz-failures/<target>/` in the
/// temporary directory cargo gives integration tests, inside the target
/// directory.
pub fn failure_dir(target: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("fuzz-failures")
        .join(target)
}

fn save(target: &str, kind: &str, input: &str) -> PathBuf {
    let dir = failure_dir(target);
    let _ = std::fs::create_dir_all(&dir);
    // FNV-1a: a stable name, so the same input is kept once.
    let hash = input.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{hash:016x}.txt"));
    let _ = std::fs::write(&path, input);
    path
}

/// Runs one input as the loop does (quiet hook, caught panic): `Err` holds
/// the panic message. For replaying kept failures.
pub fn run_one(target: Harness, input: &str) -> Result<Outcome, String> {
    run_one_with(|| target(input))
}

/// Runs `f` with the quiet hook; `Err` holds its panic message.
pub fn run_one_with<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_quiet_hook();
    FUZZING.with(|f| f.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    FUZZING.with(|f| f.set(false));
    result.map_err(|_| LAST_PANIC.with(|last| last.borrow().clone()))
}

/// Runs `budget.runs` inputs grown from `seeds` through `target`.
pub fn run(
    name: &str,
    target: Harness,
    seeds: &[String],
    mutator: &Mutator,
    budget: &Budget,
) -> Report {
    install_quiet_hook();
    let mut rng = Rng::new(budget.seed);
    let mut corpus: Vec<String> = seeds.to_vec();
    if corpus.is_empty() {
        corpus.push(String::new());
    }
    let mut seen = HashSet::new();
    let mut report = Report::default();

    // The input being run and when it started, for the watchdog.
    let current: Arc<Mutex<Option<(Instant, String)>>> = Arc::new(Mutex::new(None));
    let done = Arc::new(AtomicBool::new(false));
    let watchdog = {
        let current = Arc::clone(&current);
        let done = Arc::clone(&done);
        let name = name.to_owned();
        let bound = budget.hang_after;
        thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                thread::sleep(Duration::from_millis(50));
                let guard = current.lock().unwrap_or_else(|e| e.into_inner());
                if let Some((started, input)) = guard.as_ref()
                    && started.elapsed() > bound
                {
                    let path = save(&name, "hang", input);
                    eprintln!(
                        "fuzz {name}: HANG: one input ran longer than {bound:?}; kept in {}\n{input:?}",
                        path.display()
                    );
                    std::process::abort();
                }
            }
        })
    };

    let start = Instant::now();
    let cpu_start = cpu_time();
    // Every seed runs once as it is, then mutants.
    let total = budget.runs.max(corpus.len() as u64);
    for i in 0..total {
        let input = if (i as usize) < seeds.len() {
            corpus[i as usize].clone()
        } else {
            let base = &corpus[rng.below(corpus.len())];
            let other = &corpus[rng.below(corpus.len())];
            mutator.mutate(base, other, &mut rng, budget.max_len)
        };
        *current.lock().unwrap_or_else(|e| e.into_inner()) = Some((Instant::now(), input.clone()));
        let started = Instant::now();
        let result = run_one(target, &input);
        report.slowest = report.slowest.max(started.elapsed());
        *current.lock().unwrap_or_else(|e| e.into_inner()) = None;
        match result {
            Ok(outcome) => {
                if seen.insert(outcome) && corpus.len() < 20_000 {
                    corpus.push(input);
                }
            }
            Err(message) => {
                // The first few of each kind are kept and shown; the rest
                // only counted.
                if report.failures.len() < 20 {
                    let path = save(name, "panic", &input);
                    eprintln!(
                        "fuzz {name}: PANIC: {message}\n  input kept in {}: {input:?}",
                        path.display()
                    );
                }
                report.failures.push((input, message));
            }
        }
        report.runs += 1;
    }
    report.elapsed = start.elapsed();
    report.cpu = cpu_time()
        .zip(cpu_start)
        .map(|(end, start)| end.saturating_sub(start));
    done.store(true, Ordering::Relaxed);
    let _ = watchdog.join();
    report.corpus = corpus.len();
    report.outcomes = seen.len();
    report
}

/// Shrinks a failing input: drops lines, then ever smaller runs of
/// characters, as long as the target still panics with the same message
/// (its location included). Greedy, so quick, and good enough to read.
pub fn minimize(target: Harness, input: &str) -> String {
    let Err(wanted) = run_one(target, input) else {
        return input.to_owned();
    };
    let fails =
        |candidate: &str| matches!(run_one(target, candidate), Err(m) if same_failure(&m, &wanted));
    let mut best: Vec<char> = input.chars().collect();
    let mut chunk = best.len().max(1);
    while chunk >= 1 {
        let mut at = 0;
        while at < best.len() {
            let end = (at + chunk).min(best.len());
            let candidate: String = best[..at].iter().chain(&best[end..]).collect();
            if fails(&candidate) {
                best = candidate.chars().collect();
            } else {
                at += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    best.into_iter().collect()
}

/// Two panic messages are one failure when they end at the same place:
/// the first line's ` at file:line` suffix, or the first line itself.
fn same_failure(a: &str, b: &str) -> bool {
    let place = |m: &str| {
        m.rsplit_once(" at ")
            .map_or(m.to_owned(), |(_, p)| p.to_owned())
    };
    place(a) == place(b)
}

/// User + system CPU time of this process, from `/proc/self/stat` (fields
/// 14 and 15, in clock ticks; see proc(5)). Ticks are taken as 100 a
/// second, the value on every Linux build we run on.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it don't.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}
