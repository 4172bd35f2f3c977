//! Upgrade, downgrade, stamp, current and status: what a user checks after
//! each, read straight from the database.

use std::io::{BufRead, BufReader};
use std::process::Child;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::{Backend, DbProject, R, connect, per_backend};

/// The example's revisions in apply order (Alembic's: walking down from the
/// merge, the branch `sync` goes first), and its head.
const MERCURY: [&str; 7] = [
    "1f0c9a7e3b21",
    "8d4e2b6a90c3",
    "c62b0e8f4a17",
    "3a7f5c1d2e94",
    "5b9d3e7c1f08",
    "e4a81f6b7d35",
    "9c2d7e5a1b60",
];
const MERCURY_HEAD: &str = "9c2d7e5a1b60";
const MERCURY_TABLES: [&str; 4] = ["accounts", "sync_state", "transactions", "users"];

fn strings(value: &Value) -> Vec<&str> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("an array: {value}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("a string: {v}")))
        .collect()
}

/// The `steps` of an `upgrade`/`downgrade --format json` document as
/// `(revision, direction)`, checking each step's fields.
fn steps(doc: &Value) -> Vec<(String, String)> {
    doc["steps"]
        .as_array()
        .unwrap_or_else(|| panic!("`steps` is an array: {doc}"))
        .iter()
        .map(|step| {
            assert!(step["duration_ms"].is_u64(), "duration_ms: {step}");
            (
                step["revision"].as_str().expect("revision").to_owned(),
                step["direction"].as_str().expect("direction").to_owned(),
            )
        })
        .collect()
}

fn mercury_bank(backend: Backend) {
    let Some(p) = DbProject::mercury_bank(backend) else {
        return;
    };
    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(strings(&status["current"]), Vec::<&str>::new());
    assert_eq!(strings(&status["heads"]), [MERCURY_HEAD]);
    assert_eq!(strings(&status["pending"]), MERCURY);

    let run = p.run(&["upgrade"]).success();
    assert!(run.stderr.starts_with("Database: "), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("Applied ").count(),
        MERCURY.len(),
        "one line per revision:\n{}",
        run.stderr
    );
    assert!(run.stderr.contains(" ms)"), "durations:\n{}", run.stderr);
    assert_eq!(p.versions(), [MERCURY_HEAD]);
    assert_eq!(p.app_tables(), MERCURY_TABLES);
    for id in MERCURY {
        let log = p.log(id);
        assert_eq!(log.len(), 1, "{id}: {log:?}");
        let (done, total) = log[0]
            .strip_prefix("up:upgrade:ok:")
            .and_then(|counts| counts.split_once('/'))
            .unwrap_or_else(|| panic!("{id}: {log:?}"));
        assert_eq!(done, total, "{id}: {log:?}");
    }

    let current = p.run(&["current"]).success();
    assert!(current.stdout.contains(MERCURY_HEAD), "{}", current.stdout);
    let current = p.run(&["--format", "json", "current"]).success().json();
    assert_eq!(current["revisions"][0]["revision"], MERCURY_HEAD);
    assert_eq!(current["revisions"].as_array().map(Vec::len), Some(1));

    let status = p.run(&["--format", "json", "status"]).success().json();
    let database = status["database"].as_str().expect("`database` is a string");
    assert!(!database.is_empty());
    assert_eq!(strings(&status["current"]), [MERCURY_HEAD]);
    assert_eq!(strings(&status["heads"]), [MERCURY_HEAD]);
    for empty in ["pending", "modified", "unknown"] {
        assert_eq!(strings(&status[empty]), Vec::<&str>::new(), "{empty}");
    }
    let text = p.run(&["status"]).success();
    assert!(text.stdout.contains("up to date"), "{}", text.stdout);
    if backend == Backend::Postgres {
        // Trust authentication ignores the password, so it is only shown, never needed.
        let mut url = url::Url::parse(&p.db.url).expect("the URL parses");
        url.set_password(Some("hunter2")).expect("a password");
        let run = p
            .run(&["--url", url.as_str(), "--format", "json", "status"])
            .success();
        assert!(
            !run.stdout.contains("hunter2") && !run.stderr.contains("hunter2"),
            "the password leaked:\n{}\n{}",
            run.stdout,
            run.stderr
        );
        let database = run.json()["database"].as_str().map(str::to_owned);
        assert!(
            database.is_some_and(|d| d.contains(":***@")),
            "{}",
            run.stdout
        );
        assert!(run.stderr.starts_with("Database: "), "{}", run.stderr);
    }

    let down = p
        .run(&["--format", "json", "downgrade", "base"])
        .success()
        .json();
    let down = steps(&down);
    assert_eq!(down.len(), MERCURY.len(), "{down:?}");
    assert!(down.iter().all(|(_, d)| d == "down"), "{down:?}");
    assert_eq!(down[0].0, MERCURY_HEAD);
    assert_eq!(down[MERCURY.len() - 1].0, MERCURY[0]);
    assert_eq!(p.app_tables(), Vec::<String>::new());
    assert_eq!(p.versions(), Vec::<String>::new());

    let up = p.run(&["--format", "json", "upgrade"]).success().json();
    let up = steps(&up);
    let expected: Vec<(String, String)> = MERCURY
        .iter()
        .map(|id| (id.to_string(), "up".to_owned()))
        .collect();
    assert_eq!(up, expected);
    assert_eq!(p.versions(), [MERCURY_HEAD]);
    assert_eq!(p.app_tables(), MERCURY_TABLES);

    // Nothing left to do: an empty list, not an error.
    let again = p.run(&["--format", "json", "upgrade"]).success().json();
    assert_eq!(steps(&again), []);
}
per_backend!(mercury_bank);

/// A step back and forth by relative identifiers.
fn relative_steps(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    for (i, id) in R[..3].iter().enumerate() {
        p.table_revision(id, if i == 0 { "" } else { R[i - 1] });
    }
    p.run(&["upgrade", "+2"]).success();
    assert_eq!(p.versions(), [R[1]]);
    p.run(&["downgrade", "-1"]).success();
    assert_eq!(p.versions(), [R[0]]);
    assert_eq!(p.app_tables(), [format!("t_{}", R[0])]);
    p.run(&["upgrade", "-r", "head"]).success();
    assert_eq!(p.versions(), [R[2]]);
    let log: Vec<String> = p.log(R[1]);
    assert_eq!(log.len(), 3, "{log:?}");
    assert!(log[1].starts_with("down:downgrade:ok:"), "{log:?}");
}
per_backend!(relative_steps);

fn stamp(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.table_revision(R[1], R[0]);

    p.run(&["stamp", "head"]).success();
    assert_eq!(p.versions(), [R[1]]);
    assert_eq!(p.app_tables(), Vec::<String>::new(), "stamp runs nothing");
    let current = p.run(&["current"]).success();
    assert!(current.stdout.contains(R[1]), "{}", current.stdout);

    p.run(&["stamp", "base"]).success();
    assert_eq!(p.versions(), Vec::<String>::new());

    // A version no file has: status reports it, stamp needs --purge to replace it.
    p.db.execute(&format!(
        "INSERT INTO {} (version_num) VALUES ('deadbeef0000')",
        p.version_table
    ));
    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(strings(&status["unknown"]), ["deadbeef0000"]);
    p.run(&["stamp", R[0]])
        .code(2)
        .stderr_has(&["deadbeef0000"]);
    assert_eq!(p.versions(), ["deadbeef0000"]);
    p.run(&["stamp", "--purge", R[0]]).success();
    assert_eq!(p.versions(), [R[0]]);
    assert_eq!(p.app_tables(), Vec::<String>::new());

    // From the stamped revision, upgrade runs only what follows it.
    p.run(&["upgrade"]).success();
    assert_eq!(p.versions(), [R[1]]);
    assert_eq!(p.app_tables(), [format!("t_{}", R[1])]);
}
per_backend!(stamp);

fn read_only_commands_create_nothing(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.run(&["current"]).success();
    p.run(&["--format", "json", "current"]).success();
    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(strings(&status["pending"]), [R[0]]);
    p.run(&["status"]).success();
    assert_eq!(p.db.tables(), Vec::<String>::new());
}
per_backend!(read_only_commands_create_nothing);

fn alembic_version_table(backend: Backend) {
    let Some(p) = DbProject::with_version_table(backend, "alembic_version") else {
        return;
    };
    p.table_revision(R[0], "");
    p.run(&["upgrade"]).success();
    assert_eq!(
        p.db.tables(),
        [
            "alembic_version".to_owned(),
            "alembic_version_log".to_owned(),
            format!("t_{}", R[0])
        ]
    );
    assert_eq!(p.db.versions("alembic_version"), [R[0]]);
    assert_eq!(p.log(R[0]).len(), 1);
    let current = p.run(&["current"]).success();
    assert!(current.stdout.contains(R[0]), "{}", current.stdout);
}
per_backend!(alembic_version_table);

/// Containers starting side by side: every run succeeds, each revision is
/// applied once.
fn concurrent_upgrades(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    let ids = &R[..10];
    for (i, id) in ids.iter().enumerate() {
        p.table_revision(id, if i == 0 { "" } else { ids[i - 1] });
    }
    let children: Vec<_> = (0..8).map(|_| p.spawn(&["upgrade"])).collect();
    for child in children {
        let output = child.wait_with_output().expect("wait for retort");
        assert!(
            output.status.success(),
            "a concurrent upgrade failed ({:?}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(p.versions(), [ids[9]]);
    let applied = p.db.query(&format!(
        "SELECT revision FROM {}_log WHERE direction = 'up' AND success ORDER BY revision",
        p.version_table
    ));
    assert_eq!(applied, ids, "one successful `up` row per revision");
    assert_eq!(p.app_tables().len(), 10);
}
per_backend!(concurrent_upgrades);

/// `transaction=false` lets PostgreSQL run `CREATE INDEX CONCURRENTLY`.
#[test]
fn postgres_create_index_concurrently() {
    let Some(p) = DbProject::new(Backend::Postgres) else {
        return;
    };
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE t (c INTEGER);\n\n-- migrate:downgrade\nDROP TABLE t;\n",
    );
    p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade transaction=false\nCREATE INDEX CONCURRENTLY ix ON t (c);\n\n\
         -- migrate:downgrade transaction=false\nDROP INDEX CONCURRENTLY ix;\n",
    );
    p.run(&["upgrade"]).success();
    assert_eq!(p.versions(), [R[1]]);
    let indexes =
        p.db.query("SELECT indexname::text FROM pg_indexes WHERE tablename = 't' ORDER BY 1");
    assert_eq!(indexes, ["ix"]);
    assert_eq!(p.log(R[1]), ["up:upgrade:ok:1/1"]);
    p.run(&["downgrade", "-1"]).success();
    assert_eq!(
        p.db.query("SELECT indexname::text FROM pg_indexes WHERE tablename = 't'"),
        Vec::<String>::new()
    );
}

/// A deploy rolled back after the file that brought a revision is gone:
/// `downgrade` runs the downgrade SQL the log stored when it was applied.
fn stored_downgrade_when_the_file_is_gone(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE a (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE a;\n",
    );
    let second = p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade\nCREATE TABLE b (id INTEGER);\n\n-- migrate:downgrade\nDROP TABLE b;\n",
    );
    p.run(&["upgrade"]).success();
    assert_eq!(p.app_tables(), ["a", "b"]);
    std::fs::remove_file(&second).expect("delete the second revision's file");

    let status = p.run(&["--format", "json", "status"]).success().json();
    assert_eq!(strings(&status["current"]), [R[1]]);
    assert_eq!(strings(&status["unknown"]), [R[1]]);
    assert_eq!(strings(&status["pending"]), Vec::<&str>::new());
    let text = p.run(&["status"]).success();
    assert!(
        text.stdout.contains(&format!(
            "Applied but missing from the revision files: {}",
            R[1]
        )),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("Pending: none"), "{}", text.stdout);

    // Upgrading from a revision no file has is refused, not guessed at.
    p.run(&["upgrade"]).code(2).stderr_has(&[R[1]]);
    assert_eq!(p.versions(), [R[1]]);

    let down = p.run(&["downgrade", "-1"]).success();
    down.stderr_has(&[
        "warning",
        R[1],
        "has no file",
        "downgrade stored in the log",
    ]);
    assert_eq!(p.app_tables(), ["a"]);
    assert_eq!(p.versions(), [R[0]]);
    let log = p.log(R[1]);
    assert_eq!(log.len(), 2, "{log:?}");
    assert!(log[1].starts_with("down:downgrade:ok:"), "{log:?}");
    let current = p.run(&["current"]).success();
    assert!(current.stdout.contains(R[0]), "{}", current.stdout);
    assert!(!current.stdout.contains(R[1]), "{}", current.stdout);
}
per_backend!(stored_downgrade_when_the_file_is_gone);

/// Drains `child`'s stdout and stderr so it never blocks on a full pipe;
/// each stderr line is also sent on the channel as it arrives. The handle
/// returns all of stderr once the child has closed it.
fn drain(child: &mut Child) -> (mpsc::Receiver<String>, JoinHandle<String>) {
    let stdout = child.stdout.take().expect("piped stdout");
    std::thread::spawn(move || std::io::copy(&mut BufReader::new(stdout), &mut std::io::sink()));
    let stderr = child.stderr.take().expect("piped stderr");
    let (tx, rx) = mpsc::channel();
    let all = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            all.push_str(&line);
            all.push('\n');
            let _ = tx.send(line);
        }
        all
    });
    (rx, all)
}

/// The known hazard of advisory locks: one run holds the migration lock
/// while it runs `CREATE INDEX CONCURRENTLY`, and a second run starts and
/// waits for the lock. A blocking `pg_advisory_lock` keeps the waiter's
/// statement — and its snapshot — open, and `CONCURRENTLY` waits for every
/// older snapshot to end: a deadlock, which PostgreSQL breaks by failing one
/// run (`deadlock detected`). retort polls `pg_try_advisory_lock`, so both
/// runs succeed.
#[test]
fn concurrently_does_not_deadlock_the_lock() {
    let Some(p) = DbProject::new(Backend::Postgres) else {
        return;
    };
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE t (id INTEGER, c INTEGER);\n\n\
         -- migrate:downgrade\nDROP TABLE t;\n",
    );
    p.revision(
        R[1],
        R[0],
        "-- migrate:upgrade postgresql\n\
         INSERT INTO t SELECT g, g FROM generate_series(1, 200000) g;\n\n\
         -- migrate:downgrade\nDELETE FROM t;\n",
    );
    p.revision(
        R[2],
        R[1],
        "-- migrate:upgrade transaction=false\nCREATE INDEX CONCURRENTLY ix ON t (c);\n\n\
         -- migrate:downgrade transaction=false\nDROP INDEX CONCURRENTLY ix;\n",
    );

    p.run(&["upgrade", R[1]]).success();

    // A writer's lock the test holds keeps the index build at its first
    // wait until the second run is certainly waiting for the migration lock,
    // however fast or slow the machine. `CONCURRENTLY` later waits for every
    // snapshot older than its own, which a blocking lock wait would hold.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut holder = runtime.block_on(connect(&p.db.url));
    runtime.block_on(async {
        holder.execute("BEGIN").await.expect("BEGIN");
        holder
            .execute("LOCK TABLE t IN ROW EXCLUSIVE MODE")
            .await
            .expect("lock t as a writer would");
    });

    let deadline = Instant::now() + Duration::from_secs(60);
    let mut first = p.spawn(&["upgrade"]);
    let (_, first_stderr) = drain(&mut first);
    let mut second = None;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // The first run holds the lock and its index build is waiting.
        loop {
            let building = p.db.query(
                "SELECT pid::text FROM pg_stat_activity \
                 WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' \
                 AND wait_event = 'virtualxid'",
            );
            if !building.is_empty() {
                break;
            }
            assert!(
                first.try_wait().expect("poll retort").is_none(),
                "the first run finished before its index build began"
            );
            assert!(Instant::now() < deadline, "the index build never started");
            std::thread::sleep(Duration::from_millis(50));
        }
        let child = second.insert(p.spawn(&["upgrade"]));
        let (lines, second_stderr) = drain(child);
        loop {
            let line = lines
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .expect("the second run never waited for the lock");
            if line.contains("waiting for another retort run") {
                break;
            }
        }
        // Let it poll a few times, then let the index build go on.
        std::thread::sleep(Duration::from_millis(500));
        runtime.block_on(async {
            holder.execute("COMMIT").await.expect("COMMIT");
        });

        let mut codes = [None, None];
        while codes.iter().any(Option::is_none) {
            for (code, child) in codes.iter_mut().zip([&mut first, &mut *child]) {
                if code.is_none() {
                    *code = child.try_wait().expect("poll retort");
                }
            }
            assert!(
                Instant::now() < deadline,
                "the runs did not finish within 60 s: the lock and CONCURRENTLY deadlocked"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        (codes, second_stderr)
    }));
    let (codes, second_stderr) = match result {
        Ok(done) => done,
        Err(panic) => {
            // A test must not leave retort running, nor hang.
            for child in std::iter::once(&mut first).chain(second.as_mut()) {
                let _ = child.kill();
                let _ = child.wait();
            }
            std::panic::resume_unwind(panic);
        }
    };
    runtime.block_on(holder.close());
    let first_stderr = first_stderr.join().expect("first stderr");
    let second_stderr = second_stderr.join().expect("second stderr");
    for (code, stderr) in codes.iter().zip([&first_stderr, &second_stderr]) {
        assert!(
            code.is_some_and(|c| c.success()),
            "a run failed ({code:?}):\n{stderr}"
        );
    }
    assert!(
        second_stderr.contains("Nothing to do."),
        "the first run applied everything:\n{second_stderr}"
    );

    assert_eq!(p.versions(), [R[2]]);
    let valid = p.db.query(
        "SELECT indisvalid::text FROM pg_index JOIN pg_class ON pg_class.oid = pg_index.indexrelid \
         WHERE pg_class.relname = 'ix'",
    );
    assert_eq!(valid, ["true"], "the index exists and is valid");
    let applied = p.db.query(&format!(
        "SELECT revision FROM {}_log WHERE direction = 'up' AND success ORDER BY revision",
        p.version_table
    ));
    assert_eq!(applied, &R[..3], "one successful `up` row per revision");
}
