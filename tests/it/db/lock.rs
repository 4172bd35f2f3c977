//! The migration lock: released when a run fails, named in a timeout with a
//! way to find its holder, and on SQLite a lock file that must be usable
//! (and shareable between users).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use retort::connection::Connection;
use retort::migrate::{self, Operation, Settings};
use retort::revision::plan::Purge;
use retort::{DatabaseUrl, RevisionGraph};

use super::once::{Spelling, finish, spawn};
use super::{Backend, DbProject, R, per_backend};

/// A run that fails with a transaction open (here a stamp refused by a
/// trigger on the version table) must end that transaction and release
/// the migration lock, though the caller keeps the connection: another
/// run then goes ahead at once instead of waiting out `lock_timeout` (or,
/// on MySQL and SQLite, the row and write locks of the open transaction).
fn a_failed_run_releases_the_lock(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    std::fs::write(
        p.path().join("retort.toml"),
        "[retort]\nscript_location = \"migrations\"\nurl = \"sqlite:///unused.db\"\nlock_timeout = 5\n",
    )
    .expect("write retort.toml");
    for (i, id) in R[..3].iter().enumerate() {
        p.table_revision(id, if i == 0 { "" } else { R[i - 1] });
    }
    p.run(&["upgrade", R[0]]).success();
    let refused = R[2];
    p.db.execute(&match backend {
        Backend::Postgres => format!(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.version_num = '{refused}' THEN RAISE EXCEPTION 'refused'; END IF; \
             RETURN NEW; END $$"
        ),
        Backend::Mysql => format!(
            "CREATE TRIGGER refuse BEFORE UPDATE ON retort_version FOR EACH ROW BEGIN \
             IF NEW.version_num = '{refused}' THEN \
             SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'; END IF; END"
        ),
        Backend::Sqlite => format!(
            "CREATE TRIGGER refuse BEFORE UPDATE ON retort_version \
             WHEN NEW.version_num = '{refused}' BEGIN SELECT RAISE(ABORT, 'refused'); END"
        ),
    });
    if backend == Backend::Postgres {
        p.db.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE ON retort_version \
             FOR EACH ROW EXECUTE FUNCTION refuse()",
        );
    }

    let graph = RevisionGraph::load(&p.project.versions()).unwrap_or_else(|e| panic!("{e}"));
    let settings = Settings {
        version_table: p.version_table.clone(),
        transaction_per_migration: true,
        lock_timeout: Duration::from_secs(5),
        accept: Vec::new(),
        resume: false,
        dry_run: false,
    };
    let url = DatabaseUrl::parse(&p.db.url).expect("the test URL parses");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let mut kept: Connection = runtime
        .block_on(Connection::connect(&url, Duration::from_secs(5)))
        .expect("connect");
    let stamp = Operation::Stamp(refused.parse().expect("an id"), Purge::No);
    let error = runtime
        .block_on(migrate::migrate(
            &mut kept,
            &graph,
            &settings,
            &stamp,
            &mut |_| {},
        ))
        .expect_err("the trigger refuses the stamp");
    assert!(error.to_string().contains("refused"), "{error}");

    // The failed run's connection is still open.
    let started = Instant::now();
    let output = finish(
        spawn(&p, &Spelling::url(&p.db.url), &["upgrade", R[1]]),
        Duration::from_secs(60),
    );
    assert!(
        output.status.success(),
        "the next run was kept out ({:?}, after {:?}):\n{}",
        output.status,
        started.elapsed(),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(p.versions(), [R[1]]);
    // And the kept connection is usable.
    let versions = runtime
        .block_on(kept.versions("retort_version"))
        .expect("the kept connection still answers");
    assert_eq!(versions, [R[1]]);
    runtime.block_on(kept.close());
}
per_backend!(a_failed_run_releases_the_lock);

/// A SQLite lock file that cannot be opened stops the run before anything
/// changed, naming the file, with exit 2 like a database that cannot be
/// opened.
#[test]
fn an_unusable_sqlite_lock_file_is_named() {
    let Some(p) = DbProject::new(Backend::Sqlite) else {
        return;
    };
    p.table_revision(R[0], "");
    let mut lock = p.db.sqlite_path().into_os_string();
    lock.push("-retort-lock");
    // A directory where the lock file goes: refused even to root.
    std::fs::create_dir(&lock).expect("create a directory");
    p.run(&["upgrade"])
        .code(2)
        .stderr_has(&["cannot lock", "test.db-retort-lock", "writable"]);
    assert!(p.app_tables().is_empty(), "{:?}", p.app_tables());
}

/// A run that waits out `lock_timeout` says how to find the run that holds
/// the lock, and that way does find it: the session on PostgreSQL and
/// MySQL, the lock file on SQLite.
fn a_stuck_run_names_the_holder(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    std::fs::write(
        p.path().join("retort.toml"),
        "[retort]\nscript_location = \"migrations\"\nurl = \"sqlite:///unused.db\"\nlock_timeout = 1\n",
    )
    .expect("write retort.toml");
    p.table_revision(R[0], "");
    let url = DatabaseUrl::parse(&p.db.url).expect("the test URL parses");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let connect = || {
        runtime
            .block_on(Connection::connect(&url, Duration::from_secs(5)))
            .expect("connect")
    };
    let mut holder = connect();
    let held = runtime
        .block_on(migrate::lock::acquire(
            &mut holder,
            "retort_version",
            Duration::from_secs(5),
            &mut |_| {},
        ))
        .expect("take the migration lock");

    let run = p.run(&["upgrade"]).code(1);
    let run = run.stderr_has(&["held the migration lock for 1 s"]);
    assert!(p.app_tables().is_empty(), "{:?}", p.app_tables());
    let key = held.key().clone();
    match key.holder_query() {
        Some(query) => {
            run.stderr_has(&[&query]);
            // MySQL's ids are BIGINT UNSIGNED, which the test reads as text.
            let (session, found) = match backend {
                Backend::Postgres => ("SELECT pg_backend_pid()".to_owned(), query.clone()),
                _ => (
                    "SELECT CAST(CONNECTION_ID() AS CHAR)".to_owned(),
                    format!("SELECT CAST(({query}) AS CHAR)"),
                ),
            };
            let holder_id = runtime.block_on(holder.strings(&session)).expect("its id");
            let mut other = connect();
            let found = runtime.block_on(other.strings(&found)).expect(&found);
            assert_eq!(found, holder_id, "{query}");
            runtime.block_on(other.close());
        }
        None => {
            let retort::migrate::lock::Key::File(path) = &key else {
                panic!("a file lock on SQLite: {key:?}");
            };
            // The path itself may be wrapped anywhere in the help text.
            assert!(path.ends_with("test.db-retort-lock"), "{}", path.display());
            run.stderr_has(&["test.db-retort-lock open holds it", "fuser"]);
        }
    }
    runtime.block_on(held.release(&mut holder));
    runtime.block_on(holder.close());
    p.run(&["upgrade"]).success();
}
per_backend!(a_stuck_run_names_the_holder);

/// Two users share a SQLite database (both may write it and its
/// directory); the lock file one user's run left behind is not writable by
/// the other, whose run must still take the lock and migrate. Needs root,
/// to run retort as `nobody` (setpriv); skipped otherwise.
#[cfg(unix)]
#[test]
fn another_users_sqlite_lock_file_still_locks() {
    use std::os::unix::fs::PermissionsExt;
    let Some(p) = DbProject::new(Backend::Sqlite) else {
        return;
    };
    let setpriv = Path::new("/usr/bin/setpriv");
    let is_root = Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0");
    if !is_root || !setpriv.exists() {
        eprintln!("note: needs root and setpriv to run retort as another user; skipped");
        return;
    }
    p.table_revision(R[0], "");
    p.table_revision(R[1], R[0]);
    p.run(&["upgrade", R[0]]).success();
    let db = p.db.sqlite_path();
    let mut lock = db.clone().into_os_string();
    lock.push("-retort-lock");
    let mode = |path: &Path, mode: u32| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("chmod {}: {e}", path.display()))
    };
    mode(Path::new(&lock), 0o644);
    mode(&db, 0o666);
    mode(db.parent().expect("a directory"), 0o777);
    for dir in [
        p.path(),
        &p.path().join("migrations"),
        &p.project.versions(),
    ] {
        mode(dir, 0o755);
    }
    let output = Command::new(setpriv)
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(env!("CARGO_BIN_EXE_retort"))
        .arg("upgrade")
        .current_dir(p.path())
        .env("NO_COLOR", "1")
        .env("DATABASE_URL", &p.db.url)
        .output()
        .expect("run retort as nobody");
    assert!(
        output.status.success(),
        "retort as nobody ({:?}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(p.versions(), [R[1]]);
}
