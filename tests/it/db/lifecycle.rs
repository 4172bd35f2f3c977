//! Upgrade, downgrade, stamp, current and status: what a user checks after
//! each, read straight from the database.

use serde_json::Value;

use super::{Backend, DbProject, R, per_backend};

/// The example's revisions in apply order, and its head.
const MERCURY: [&str; 7] = [
    "1f0c9a7e3b21",
    "8d4e2b6a90c3",
    "3a7f5c1d2e94",
    "c62b0e8f4a17",
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
