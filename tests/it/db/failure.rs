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

    if backend == Backend::Postgres {
        // retort sets client_connection_check_interval, so the server ends the
        // orphaned session (and its advisory lock) within about a second.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
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
                std::time::Instant::now() < deadline,
                "the killed run's session outlived it by 10 s"
            );
            std::thread::sleep(std::time::Duration::from_millis(200));
        }
    }
    assert!(!p.db.has_table("k"), "table k outlived the kill");
    assert_eq!(p.versions(), [R[0]]);

    p.revision(R[1], R[0], &body("SELECT 1"));
    p.run(&["upgrade"]).success();
    assert!(p.db.has_table("k"));
    assert_eq!(p.versions(), [R[1]]);
}
per_backend!(killed_run: Sqlite sqlite, Postgres postgres);
