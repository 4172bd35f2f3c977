//! `--sql` scripts, which need no database, and `--dry-run`, which runs and
//! rolls back where the database allows.

use std::io::Write;
use std::process::{Command, Stdio};

use super::{Backend, DbProject, R, TestDb, per_backend};
use crate::common::{Run, retort};

/// No server listens here; a command that tried to connect would fail.
const NOWHERE: [(&str, &str); 3] = [
    ("sqlite", "sqlite:////nonexistent-dir/never.db"),
    (
        "postgresql",
        "postgresql://user:hunter2@127.0.0.1:1/nowhere",
    ),
    ("mysql", "mysql://user:hunter2@127.0.0.1:1/nowhere"),
];

#[test]
fn sql_scripts_need_no_database() {
    let Some(p) = DbProject::mercury_bank(Backend::Sqlite) else {
        return;
    };
    let run = p.run(&["upgrade", "--sql"]).success();
    assert!(
        run.stdout.contains("CREATE TABLE \"users\""),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("e4a81f6b7d35"), "{}", run.stdout);
    assert!(!p.db.sqlite_path().exists(), "--sql created the database");

    for (_, url) in NOWHERE {
        for (dialect, _) in NOWHERE {
            let mut command = retort();
            command
                .current_dir(p.path())
                .env("DATABASE_URL", url)
                .args(["upgrade", "--sql", "--dialect", dialect]);
            let run = Run::of(command).success();
            assert!(
                run.stdout.contains("CREATE TABLE"),
                "{dialect} with {url}: {}",
                run.stdout
            );
            assert!(!run.stderr.contains("hunter2") && !run.stdout.contains("hunter2"));
        }
    }

    // Offline there is no database to say where a downgrade starts.
    p.run(&["downgrade", "--sql"])
        .code(2)
        .stderr_has(&["head:base"]);
    p.run(&["downgrade", "base", "--sql"])
        .code(2)
        .stderr_has(&["head:base"]);
    let down = p.run(&["downgrade", "head:base", "--sql"]).success();
    assert!(
        down.stdout.contains("DROP TABLE \"users\""),
        "{}",
        down.stdout
    );
    assert!(!p.db.sqlite_path().exists());
}

/// The database's own command-line client, if installed, fed `script`.
pub(super) fn run_client(db: &TestDb, script: &str) -> Option<()> {
    let mut command = match db.backend {
        Backend::Sqlite => {
            let mut c = Command::new("sqlite3");
            c.arg("-bail").arg(db.sqlite_path());
            c
        }
        Backend::Postgres => {
            let mut c = Command::new("psql");
            c.args(["-q", "-v", "ON_ERROR_STOP=1", "-d", &db.url]);
            c
        }
        Backend::Mysql => {
            let url = url::Url::parse(&db.url).expect("the URL parses");
            let mut c = Command::new("mariadb");
            c.arg(format!("--host={}", url.host_str().unwrap_or("127.0.0.1")))
                .arg(format!("--port={}", url.port().unwrap_or(3306)))
                .arg(format!("--user={}", url.username()));
            if let Some(password) = url.password() {
                c.arg(format!("--password={password}"));
            }
            c.arg(&db.name);
            c
        }
    };
    let mut child = match command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        Err(e) => {
            eprintln!("note: {e}");
            crate::skip::skip(&format!("install the {} command-line client", db.backend));
            return None;
        }
    };
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(script.as_bytes())
        .expect("feed the script");
    let output = child.wait_with_output().expect("the client runs");
    assert!(
        output.status.success(),
        "the {} client rejected the script:\n{}\n--- script\n{script}",
        db.backend,
        String::from_utf8_lossy(&output.stderr)
    );
    Some(())
}

/// The offline script, run by the database's own client, leaves what a
/// live run leaves.
fn script_matches_live_run(backend: Backend) {
    let Some(live) = DbProject::mercury_bank(backend) else {
        return;
    };
    let Some(scripted) = TestDb::new(backend) else {
        return;
    };
    let script = live
        .run(&["upgrade", "--sql", "--dialect", &backend.to_string()])
        .success()
        .stdout;
    if run_client(&scripted, &script).is_none() {
        return;
    }
    live.run(&["upgrade"]).success();
    assert_eq!(scripted.tables(), live.db.tables());
    assert_eq!(scripted.versions("retort_version"), live.versions());
    assert_eq!(
        scripted.query("SELECT revision FROM retort_version_log ORDER BY id"),
        live.db
            .query("SELECT revision FROM retort_version_log ORDER BY id")
    );
    if backend == Backend::Sqlite {
        let schema = "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL \
                      AND name NOT LIKE 'retort_version%' ORDER BY name";
        assert_eq!(scripted.query(schema), live.db.query(schema));
    }
}
per_backend!(script_matches_live_run);

fn dry_run(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    p.table_revision(R[0], "");
    p.table_revision(R[1], R[0]);
    let run = p.run(&["upgrade", "--dry-run"]).success();
    if backend == Backend::Mysql {
        assert!(run.stderr.contains("cannot roll it back"), "{}", run.stderr);
        for id in &R[..2] {
            let create = format!("CREATE TABLE `t_{id}`");
            assert!(run.stdout.contains(&create), "{}", run.stdout);
        }
    } else {
        for id in &R[..2] {
            let create = format!("CREATE TABLE \"t_{id}\"");
            assert!(run.stderr.contains(&create), "{}", run.stderr);
        }
        assert!(run.stderr.contains("rolled back"), "{}", run.stderr);
    }
    assert_eq!(
        p.db.tables(),
        Vec::<String>::new(),
        "the dry run left tables"
    );

    // Once retort's tables exist, a dry run still leaves the version where it was.
    p.run(&["upgrade", R[0]]).success();
    p.run(&["upgrade", "--dry-run"]).success();
    assert_eq!(p.versions(), [R[0]]);
    assert_eq!(p.app_tables(), [format!("t_{}", R[0])]);
    assert_eq!(p.log(R[1]), Vec::<String>::new());
}
per_backend!(dry_run);
