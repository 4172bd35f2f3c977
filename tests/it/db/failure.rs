//! A statement that fails, and a run that is killed: PostgreSQL and SQLite
//! keep the database at the previous revision; MariaDB reports what ran and
//! continues with `--resume`. The kill -9 campaign is in `kill.rs`.

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
    let json = p.run(&["status", "--format", "json"]).success().json();
    let stopped = &json["stopped"];
    assert_eq!(stopped["revision"], R[1], "{json}");
    assert_eq!(stopped["state"], "failed", "{json}");
    assert_eq!(stopped["statements_applied"], 2, "{json}");
    assert_eq!(stopped["statements_total"], 3, "{json}");
    assert!(stopped["uncertain_statement"].is_null(), "{json}");
    assert!(
        stopped["error"]
            .as_str()
            .is_some_and(|e| e.contains("no_such_table")),
        "{json}"
    );
    assert_eq!(stopped["resume_at"], 3, "{json}");

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

/// A downgrade killed part way on MySQL/MariaDB leaves its revision current:
/// `status` still reports it as stopped, and the help on the refusal
/// names `downgrade --resume`, not `upgrade`.
#[test]
fn mysql_killed_downgrade() {
    let Some(p) = DbProject::new(Backend::Mysql) else {
        return;
    };
    p.table_revision(R[0], "");
    p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade\nCREATE TABLE k (n INTEGER);\nINSERT INTO k (n) VALUES (1);\n\n\
         -- migrate:downgrade\nDELETE FROM k;\nSELECT SLEEP(2);\nDROP TABLE k;\n",
    );
    p.run(&["upgrade"]).success();
    let mut child = p.spawn(&["-v", "downgrade", R[0]]);
    wait_until_busy(&p, &mut child, "SLEEP(2)");
    child.kill().expect("SIGKILL retort");
    child.wait().expect("reap retort");
    wait_for_orphaned_sessions(&p);
    assert_eq!(p.versions(), [R[1]]);
    assert!(p.db.has_table("k"));

    let status = p.run(&["status"]).success().stdout;
    for part in [
        "Stopped part way",
        R[1],
        "statement 2 of 3 was running",
        "downgrade",
    ] {
        assert!(status.contains(part), "no `{part}` in\n{status}");
    }
    let json = p.run(&["status", "--format", "json"]).success().json();
    assert_eq!(json["stopped"]["revision"], R[1], "{json}");
    assert_eq!(json["stopped"]["direction"], "down", "{json}");
    assert_eq!(json["stopped"]["uncertain_statement"], 2, "{json}");

    let refused = p.run(&["downgrade", R[0]]).code(1);
    assert!(
        !refused.stderr_flat().contains("upgrade --resume"),
        "{}",
        refused.stderr
    );
    refused.stderr_has(&[R[1], "interrupted", "downgrade", "--resume"]);
    p.run(&["downgrade", R[0], "--resume"]).success();
    assert_eq!(p.versions(), [R[0]]);
    assert!(!p.db.has_table("k"));
    let status = p.run(&["status"]).success().stdout;
    assert!(!status.contains("Stopped part way"), "{status}");
}

/// On a branched graph the revision interrupted on MySQL/MariaDB need not
/// come first in the next plan: `status` still reports it, and `upgrade
/// heads` refuses before running anything rather than running the other
/// branch and then the interrupted revision from its top; `--resume` then
/// skips the statements that ran.
#[test]
fn mysql_interrupted_on_a_later_branch() {
    let Some(p) = DbProject::new(Backend::Mysql) else {
        return;
    };
    let plain = "-- migrate:upgrade\nSELECT 1;\n\n-- migrate:downgrade\nSELECT 1;\n";
    p.table_revision(R[0], "");
    p.revision(R[1], R[0], plain);
    p.revision(R[2], R[0], plain);
    p.run(&["upgrade", R[0]]).success();
    let pending = p.run(&["status", "--format", "json"]).success().json()["pending"].clone();
    // The branch the plan reaches second is the one to interrupt.
    let (other, second) = match (pending[0].as_str(), pending[1].as_str()) {
        (Some(a), Some(b)) => (a.to_owned(), b.to_owned()),
        _ => panic!("two pending revisions: {pending}"),
    };
    p.revision(
        &second,
        R[0],
        "-- migrate:upgrade\nCREATE TABLE k (n INTEGER);\nINSERT INTO k (n) VALUES (1);\n\
         SELECT SLEEP(2);\nINSERT INTO k (n) VALUES (2);\n\n\
         -- migrate:downgrade\nDROP TABLE k;\n",
    );
    let mut child = p.spawn(&["-v", "upgrade", &second]);
    wait_until_busy(&p, &mut child, "SLEEP(2)");
    child.kill().expect("SIGKILL retort");
    child.wait().expect("reap retort");
    wait_for_orphaned_sessions(&p);

    let status = p.run(&["status"]).success().stdout;
    for part in ["Stopped part way", &second, "statement 3 of 4 was running"] {
        assert!(status.contains(part), "no `{part}` in\n{status}");
    }
    p.run(&["upgrade", "heads"])
        .code(1)
        .stderr_has(&[&second, "interrupted", "--resume"]);
    assert_eq!(p.versions(), [R[0]], "the refused run applied {other}");
    assert_eq!(p.db.query("SELECT n FROM k ORDER BY n"), ["1"]);

    p.run(&["upgrade", "heads", "--resume"]).success();
    let mut heads = vec![other, second];
    heads.sort();
    assert_eq!(p.versions(), heads);
    assert_eq!(p.db.query("SELECT n FROM k ORDER BY n"), ["1", "2"]);
}

/// Waits until the session of a killed run has ended. PostgreSQL finishes
/// the statement it was running before it notices, and retort sets
/// client_connection_check_interval, so the session (and its advisory lock)
/// ends within about a second; PostgreSQL 13 has no such setting and, like
/// MySQL/MariaDB, ends it once the statement that was running returns
/// (the tests' long statements take 30 s). Until then what the test reads
/// may still change.
pub(super) fn wait_for_orphaned_sessions(p: &DbProject) {
    let others = match p.db.backend {
        Backend::Sqlite => return,
        Backend::Postgres => {
            "SELECT COUNT(*)::text FROM pg_stat_activity \
             WHERE datname = current_database() AND pid <> pg_backend_pid()"
        }
        Backend::Mysql => {
            "SELECT CAST(COUNT(*) AS CHAR) FROM information_schema.processlist \
             WHERE db = DATABASE() AND id <> CONNECTION_ID()"
        }
    };
    let checks_clients = p.db.backend != Backend::Postgres
        || p.db.query("SHOW server_version_num")[0]
            .parse::<u32>()
            .unwrap()
            >= 140000;
    let limit = Duration::from_secs(if checks_clients { 10 } else { 40 });
    let deadline = Instant::now() + limit;
    while !p.db.query(others).iter().all(|n| n == "0") {
        assert!(
            Instant::now() < deadline,
            "the killed run's session outlived it by {limit:?}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}
