//! A statement that fails, and a run that is killed: PostgreSQL and SQLite
//! keep the database at the previous revision; MariaDB reports what ran and
//! continues with `--resume`.

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::{Backend, DbProject, R, per_backend};

const FAILING: &str = "-- migrate:upgrade\n\
    CREATE TABLE a (id INTEGER);\n\
    CREATE TABLE b (id INTEGER);\n\
    SELECT * FROM no_such_table;\n\n\
    -- migrate:downgrade\n\
    DROP TABLE b;\n\
    DROP TABLE a;\n";

/// `R[0]` creates `t_R0`; `R[1]` is [`FAILING`].
fn failing_project(backend: Backend) -> Option<DbProject> {
    let p = DbProject::new(backend)?;
    p.table_revision(R[0], "");
    p.revision(R[1], R[0], FAILING);
    Some(p)
}

fn atomic_failure(backend: Backend) {
    let Some(p) = failing_project(backend) else {
        return;
    };
    let run = p.run(&["upgrade"]).code(1);
    run.stderr_has(&[R[1], "statement 3 of 3", "no_such_table", "rolled back"]);
    // The first revision committed on its own; the second left nothing behind.
    assert_eq!(p.app_tables(), [format!("t_{}", R[0])]);
    assert_eq!(p.versions(), [R[0]]);
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:0/3"]);
    let status = p.run(&["status"]).success();
    assert!(status.stdout.contains(R[1]), "pending:\n{}", status.stdout);

    // Fixed, it runs from the start.
    p.revision(
        R[1],
        R[0],
        &FAILING.replace("no_such_table", &format!("t_{}", R[0])),
    );
    p.run(&["upgrade"]).success();
    assert_eq!(p.versions(), [R[1]]);
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:0/3", "up:upgrade:ok:3/3"]);
}
per_backend!(atomic_failure: Sqlite sqlite, Postgres postgres);

#[test]
fn mysql_partial_failure_and_resume() {
    let Some(p) = failing_project(Backend::Mysql) else {
        return;
    };
    let run = p.run(&["upgrade"]).code(1);
    run.stderr_has(&[
        R[1],
        "statement 3 of 3",
        "statements 1–2 of 3 ran",
        "--resume",
    ]);
    let mut tables = vec!["a".to_owned(), "b".to_owned(), format!("t_{}", R[0])];
    assert_eq!(p.app_tables(), tables);
    assert_eq!(p.versions(), [R[0]]);
    assert_eq!(p.log(R[1]), ["up:upgrade:failed:2/3"]);
    let status = p.run(&["status"]).success();
    assert!(
        status.stdout.contains("Stopped part way"),
        "{}",
        status.stdout
    );

    // Without --resume, a second run refuses rather than failing on `CREATE TABLE a`.
    p.run(&["upgrade"])
        .code(1)
        .stderr_has(&[R[1], "2 of 3", "--resume"]);
    assert_eq!(p.versions(), [R[0]]);

    p.revision(
        R[1],
        R[0],
        &FAILING.replace("SELECT * FROM no_such_table", "CREATE TABLE c (id INTEGER)"),
    );
    p.run(&["upgrade", "--resume"]).success();
    tables.insert(2, "c".to_owned());
    assert_eq!(p.app_tables(), tables);
    assert_eq!(p.versions(), [R[1]]);
    let log = p.log(R[1]);
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[1].starts_with("up:upgrade:ok:"), "{log:?}");
}

/// The statement that keeps a run busy until it is killed.
fn long_statement(backend: Backend) -> &'static str {
    match backend {
        Backend::Postgres => "SELECT pg_sleep(30)",
        _ => {
            "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500000000) \
             SELECT count(*) FROM c"
        }
    }
}

/// Waits until retort (run with `-v`, which prints each statement before
/// running it) has started `marker`'s statement, and on PostgreSQL until
/// the server shows it running.
pub(super) fn wait_until_busy(p: &DbProject, child: &mut Child, marker: &str) {
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    let marker = marker.to_owned();
    // Reads to the end, so retort never blocks on a full pipe.
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.contains(&marker) {
                let _ = tx.send(());
            }
        }
    });
    rx.recv_timeout(Duration::from_secs(20))
        .expect("retort never reached the long statement");
    if p.db.backend != Backend::Postgres {
        // Give SQLite a moment to be well inside the statement.
        std::thread::sleep(Duration::from_millis(500));
        return;
    }
    let started = Instant::now();
    loop {
        let running = p.db.query(
            "SELECT pid::text FROM pg_stat_activity \
             WHERE query LIKE '%pg_sleep(30)%' AND pid <> pg_backend_pid()",
        );
        if !running.is_empty() {
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the long statement never started"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn killed_run(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.run(&["upgrade"]).success();
    let body = |long: &str| {
        format!(
            "-- migrate:upgrade\nCREATE TABLE k (id INTEGER);\n{long};\n\n\
             -- migrate:downgrade\nDROP TABLE k;\n"
        )
    };
    p.revision(R[1], R[0], &body(long_statement(backend)));
    let mut child = p.spawn(&["-v", "upgrade"]);
    let marker = match backend {
        Backend::Postgres => "pg_sleep",
        _ => "WITH RECURSIVE",
    };
    wait_until_busy(&p, &mut child, marker);
    assert!(
        child.try_wait().expect("poll retort").is_none(),
        "retort finished before it was killed"
    );
    child.kill().expect("SIGKILL retort");
    child.wait().expect("reap retort");

    wait_for_orphaned_sessions(&p);
    assert!(!p.db.has_table("k"), "table k outlived the kill");
    assert_eq!(p.versions(), [R[0]]);

    p.revision(R[1], R[0], &body("SELECT 1"));
    p.run(&["upgrade"]).success();
    assert!(p.db.has_table("k"));
    assert_eq!(p.versions(), [R[1]]);
}
per_backend!(killed_run: Sqlite sqlite, Postgres postgres);

/// On PostgreSQL, waits until the session of a killed run has ended: the
/// server finishes the statement it was running before it notices, and
/// retort sets client_connection_check_interval, so the session (and its
/// advisory lock) ends within about a second. Until then what the test
/// reads may still change.
fn wait_for_orphaned_sessions(p: &DbProject) {
    if p.db.backend != Backend::Postgres {
        return;
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !p
        .db
        .query(
            "SELECT COUNT(*)::text FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()",
        )
        .iter()
        .all(|n| n == "0")
    {
        assert!(
            Instant::now() < deadline,
            "the killed run's session outlived it by 10 s"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Revisions of the kill campaign: `R[i]` creates `k<i>` and fills it with
/// [`KILL_ROWS`] rows, one INSERT each, so that a kill can land between
/// any two statements.
const KILL_REVISIONS: usize = 8;
const KILL_ROWS: usize = 40;

/// Asserts that every revision is applied whole or not at all, agreeing
/// with the version table, and that the log shows it applied once per time
/// it is applied now; returns how many are applied.
fn assert_whole_revisions(p: &DbProject, context: &str) -> usize {
    let versions = p.versions();
    let applied = match versions.as_slice() {
        [] => 0,
        [one] => R.iter().position(|r| r == one).expect("a known revision") + 1,
        more => panic!("{context}: several version rows {more:?}"),
    };
    let tables = p.app_tables();
    // A few queries for all revisions: each opens a connection.
    let logged = |direction: &str, operation: &str| {
        p.db.query(&format!(
            "SELECT revision FROM {}_log WHERE success AND direction = '{direction}' \
             AND operation = '{operation}'",
            p.version_table
        ))
    };
    let (ups, downs) = (logged("up", "upgrade"), logged("down", "downgrade"));
    for (i, id) in R[..KILL_REVISIONS].iter().enumerate() {
        let table = format!("k{i}");
        let is_applied = i < applied;
        assert_eq!(
            tables.contains(&table),
            is_applied,
            "{context}: table {table} vs version {versions:?}"
        );
        let count = |rows: &[String]| rows.iter().filter(|r| r == id).count();
        assert_eq!(
            count(&ups),
            count(&downs) + usize::from(is_applied),
            "{context}: {id} was applied {} and reverted {} times",
            count(&ups),
            count(&downs)
        );
    }
    if applied > 0 {
        let counts = (0..applied)
            .map(|i| format!("SELECT COUNT(*) FROM k{i}"))
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        assert_eq!(
            p.db.query(&counts),
            vec![KILL_ROWS.to_string(); applied],
            "{context}: rows of k0..k{}",
            applied - 1
        );
    }
    applied
}

/// kill -9 at seeded random moments of a long multi-revision upgrade: from
/// before the connection to after the last commit. After every kill each
/// revision is applied whole or not at all, as the version table says;
/// a rerun always completes. `RETORT_KILL_RUNS` sets the number of kills
/// (5 by default, to keep the suite fast), `RETORT_KILL_SEED` the seed.
fn kill_campaign(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    let runs: usize = std::env::var("RETORT_KILL_RUNS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(5);
    let seed: u64 = std::env::var("RETORT_KILL_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x6b69_6c6c);
    for (i, id) in R[..KILL_REVISIONS].iter().enumerate() {
        let inserts: String = (1..=KILL_ROWS)
            .map(|n| format!("INSERT INTO k{i} (n) VALUES ({n});\n"))
            .collect();
        p.revision(
            id,
            if i == 0 { "" } else { R[i - 1] },
            &format!(
                "-- migrate:upgrade\nCREATE TABLE k{i} (n INTEGER);\n{inserts}\n\
                 -- migrate:downgrade\nDROP TABLE k{i};\n"
            ),
        );
    }
    let clock = Instant::now();
    p.run(&["upgrade"]).success();
    let per_revision = clock.elapsed() / KILL_REVISIONS as u32;
    p.run(&["downgrade", "base"]).success();

    // Each kill waits for a random number of revisions to be reported
    // applied (none: it may land before the connection), then a random part
    // of the time one more takes, or a little longer. Waiting on progress
    // rather than a clock alone spreads the kills over every revision
    // however loaded the machine is.
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut reached = [0usize; KILL_REVISIONS + 1];
    let mut finished_first = 0;
    for run in 0..runs {
        let wait_for = rng.usize(0..KILL_REVISIONS);
        let delay = per_revision.mul_f64(rng.f64() * 1.5);
        let context =
            format!("{backend} kill {run} (seed {seed}, after {wait_for} revisions + {delay:?})");
        let mut child = p.spawn(&["upgrade"]);
        let stderr = child.stderr.take().expect("piped stderr");
        let (tx, applied) = mpsc::channel();
        // Reads to the end, so retort never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.starts_with("Applied ") {
                    let _ = tx.send(());
                }
            }
        });
        for _ in 0..wait_for {
            // A closed channel: the run ended (and is then killed as it is).
            if applied.recv_timeout(Duration::from_secs(60)).is_err() {
                break;
            }
        }
        std::thread::sleep(delay);
        if child.try_wait().expect("poll retort").is_some() {
            finished_first += 1;
        }
        let _ = child.kill();
        child.wait().expect("reap retort");
        wait_for_orphaned_sessions(&p);
        reached[assert_whole_revisions(&p, &context)] += 1;

        p.run(&["upgrade"]).success();
        assert_eq!(assert_whole_revisions(&p, &context), KILL_REVISIONS);
        p.run(&["downgrade", "base"]).success();
        assert_eq!(assert_whole_revisions(&p, &context), 0);
    }
    eprintln!(
        "kill campaign, {backend}: {runs} kills (seed {seed}, {per_revision:?} per revision); \
         revisions applied when killed: {reached:?}; {finished_first} runs had finished"
    );
}
per_backend!(kill_campaign: Sqlite sqlite, Postgres postgres);
