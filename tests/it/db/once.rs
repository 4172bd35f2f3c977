//! Applied exactly once: many `retort upgrade` processes (and embedding
//! applications) starting together against one database, reaching it by
//! different spellings of its URL, with transactional and `transaction=false`
//! revisions; and a failed run that must not keep the others out.

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use retort::migrate::connection::Connection;
use retort::migrate::{self, Operation, Settings};
use retort::revision::plan::Purge;
use retort::{DatabaseUrl, RevisionGraph, embed};

use super::{Backend, DbProject, R, block_on, per_backend};

/// One way to reach the test database: a URL, and the environment beside it.
#[derive(Debug, Clone)]
struct Spelling {
    url: String,
    env: Vec<(&'static str, String)>,
}

impl Spelling {
    fn url(url: impl Into<String>) -> Spelling {
        Spelling {
            url: url.into(),
            env: Vec::new(),
        }
    }
}

/// The driver reads these when the URL leaves a part out; a test sets them
/// itself or not at all.
const LIBPQ_ENV: [&str; 4] = ["PGDATABASE", "PGHOST", "PGPORT", "PGUSER"];

/// `retort ARGS` in the project directory with `spelling` as `DATABASE_URL`.
fn spawn(p: &DbProject, spelling: &Spelling, args: &[&str]) -> Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_retort"));
    command
        .current_dir(p.path())
        .env("NO_COLOR", "1")
        .env("DATABASE_URL", &spelling.url)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for name in LIBPQ_ENV {
        command.env_remove(name);
    }
    for (name, value) in &spelling.env {
        command.env(name, value);
    }
    command.spawn().expect("start retort")
}

/// Waits for `child`, killing it after `limit`: a test must not hang.
fn finish(mut child: Child, limit: Duration) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("poll retort").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let output = child.wait_with_output().expect("reap retort");
            panic!(
                "retort still ran after {limit:?}:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("collect retort's output")
}

/// `count` INSERTs of rows tagged `tag` into `once_rows`.
fn inserts(tag: &str, count: usize) -> String {
    (1..=count)
        .map(|n| format!("INSERT INTO once_rows (tag, n) VALUES ('{tag}', {n});\n"))
        .collect()
}

/// The DELETEs that undo [`inserts`], one row each: a downgrade long
/// enough for concurrent runs to overlap.
fn deletes(tag: &str, count: usize) -> String {
    (1..=count)
        .map(|n| format!("DELETE FROM once_rows WHERE tag = '{tag}' AND n = {n};\n"))
        .collect()
}

/// How many rows each revision of [`write_revisions`] inserts.
const ROWS: [(usize, &str, usize); 4] = [
    (1, "r1", 300),
    (2, "r2", 100),
    (3, "r3", 300),
    (4, "r4", 50),
];

/// `R[0]` creates `once_rows`; `R[1]` and `R[3]` insert (and delete on the
/// way down) outside a transaction (`transaction=false`), `R[2]` and
/// `R[4]` inside one.
fn write_revisions(p: &DbProject) {
    p.revision(
        R[0],
        "",
        "-- migrate:upgrade\nCREATE TABLE once_rows (tag VARCHAR(8) NOT NULL, n INTEGER NOT NULL);\n\n\
         -- migrate:downgrade\nDROP TABLE once_rows;\n",
    );
    for (i, tag, count) in ROWS {
        let options = if i % 2 == 1 { " transaction=false" } else { "" };
        p.revision(
            R[i],
            R[i - 1],
            &format!(
                "-- migrate:upgrade{options}\n{}\n-- migrate:downgrade{options}\n{}",
                inserts(tag, count),
                deletes(tag, count)
            ),
        );
    }
}

/// Every revision of [`write_revisions`] applied exactly once.
fn assert_applied_once(p: &DbProject) {
    assert_eq!(p.versions(), [R[4]]);
    for (_, tag, count) in ROWS {
        let rows = p.db.query(&format!(
            "SELECT COUNT(*) FROM once_rows WHERE tag = '{tag}'"
        ));
        assert_eq!(rows, [count.to_string()], "rows of {tag}");
    }
    for id in &R[..5] {
        let log = p.log(id);
        assert!(
            log.len() == 1 && log[0].starts_with("up:upgrade:ok:"),
            "one successful log row for {id}: {log:?}"
        );
    }
}

/// Starts one `retort upgrade` per spelling, all at once, and asserts that
/// each exits 0.
fn upgrade_together(p: &DbProject, spellings: &[Spelling]) {
    let children: Vec<_> = spellings
        .iter()
        .map(|s| (s.clone(), spawn(p, s, &["upgrade"])))
        .collect();
    for (spelling, child) in children {
        let output = finish(child, Duration::from_secs(120));
        assert!(
            output.status.success(),
            "upgrade with {spelling:?} failed ({:?}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

/// The SQLite case: eight runs, a `transaction=false` revision of
/// 300 INSERTs. Without a lock held across the whole run, several runs
/// planned it before the first recorded it, and each inserted its rows.
#[test]
fn sqlite_transaction_false_section_runs_once() {
    let Some(p) = DbProject::new(Backend::Sqlite) else {
        return;
    };
    write_revisions(&p);
    upgrade_together(&p, &vec![Spelling::url(&p.db.url); 8]);
    assert_applied_once(&p);
}

/// The PostgreSQL case: four runs name the database in the URL and
/// four through `PGDATABASE`. A lock key taken from the URL text made them
/// two groups that did not exclude each other.
#[test]
fn postgres_lock_is_the_same_for_pgdatabase() {
    let Some(p) = DbProject::new(Backend::Postgres) else {
        return;
    };
    write_revisions(&p);
    let with_db = Spelling::url(&p.db.url);
    let mut server = url::Url::parse(&p.db.url).expect("the test URL parses");
    server.set_path("");
    let from_env = Spelling {
        url: server.to_string(),
        env: vec![("PGDATABASE", p.db.name.clone())],
    };
    let spellings: Vec<Spelling> = (0..8)
        .map(|i| if i % 2 == 0 { &with_db } else { &from_env }.clone())
        .collect();
    upgrade_together(&p, &spellings);
    assert_applied_once(&p);
}

/// The URL parts of a server test database.
struct Parts {
    user: String,
    password: String,
    host: String,
    port: Option<u16>,
    database: String,
}

impl Parts {
    fn of(p: &DbProject) -> Parts {
        let url = url::Url::parse(&p.db.url).expect("the test URL parses");
        Parts {
            user: url.username().to_owned(),
            password: url
                .password()
                .map(|pw| format!(":{pw}"))
                .unwrap_or_default(),
            host: url.host_str().expect("a host").to_owned(),
            port: url.port(),
            database: p.db.name.clone(),
        }
    }

    /// `scheme://user[:pw]@host[:port]/db?query`, the port left out when it
    /// is the default one.
    fn url(&self, scheme: &str, host: &str, default_port: u16, query: &str) -> String {
        let port = match self.port {
            Some(port) if port != default_port => format!(":{port}"),
            _ => String::new(),
        };
        let Parts {
            user,
            password,
            database,
            ..
        } = self;
        format!("{scheme}://{user}{password}@{host}{port}/{database}{query}")
    }
}

/// Eight ways to write the URL of the test database.
fn spellings(p: &DbProject) -> Vec<Spelling> {
    match p.db.backend {
        Backend::Sqlite => {
            let db = p.db.sqlite_path();
            let dir = db.parent().expect("the database's directory");
            // A symlink to the database's directory, inside the project.
            #[cfg(unix)]
            std::os::unix::fs::symlink(dir, p.path().join("link")).expect("a symlink");
            let relative = relative_to(p.path(), &db);
            vec![
                Spelling::url(&p.db.url),
                Spelling::url(format!("sqlite:////{}", db.display())),
                Spelling::url(format!("sqlite:///{}", relative.display())),
                Spelling::url("sqlite:///link/test.db"),
                Spelling::url("sqlite:///./link/test.db"),
                Spelling::url(format!("sqlite:///{}/./test.db", dir.display())),
                Spelling::url(&p.db.url),
                Spelling::url("sqlite:///link/test.db"),
            ]
        }
        Backend::Postgres => {
            let parts = Parts::of(p);
            let mut no_db = url::Url::parse(&p.db.url).expect("the test URL parses");
            no_db.set_path("");
            let host = &parts.host;
            vec![
                Spelling::url(&p.db.url),
                Spelling::url(parts.url("postgres", host, 5432, "")),
                Spelling::url(parts.url("postgresql+psycopg2", "localhost", 5432, "")),
                Spelling::url(parts.url(
                    "postgresql",
                    host,
                    0,
                    "?application_name=once&connect_timeout=10",
                )),
                Spelling {
                    url: no_db.to_string(),
                    env: vec![("PGDATABASE", parts.database.clone())],
                },
                Spelling::url(parts.url("postgresql", "localhost", 0, "")),
                Spelling {
                    url: no_db.to_string().replace("postgresql://", "postgres://"),
                    env: vec![("PGDATABASE", parts.database.clone())],
                },
                Spelling::url(parts.url("postgresql+asyncpg", host, 5432, "?sslmode=disable")),
            ]
        }
        Backend::Mysql => {
            let parts = Parts::of(p);
            let host = &parts.host;
            vec![
                Spelling::url(&p.db.url),
                Spelling::url(parts.url("mariadb", host, 3306, "")),
                Spelling::url(parts.url("mysql+pymysql", host, 3306, "?charset=utf8mb4")),
                Spelling::url(parts.url("mysql", "localhost", 0, "")),
                Spelling::url(parts.url("mariadb+mariadbconnector", host, 0, "")),
                Spelling::url(parts.url("mysql+mysqldb", host, 3306, "?charset=utf8mb4")),
                Spelling::url(parts.url("mariadb", "localhost", 3306, "?connect_timeout=10")),
                Spelling::url(parts.url("mysql", host, 3306, "")),
            ]
        }
    }
}

/// `target` relative to `from`, both absolute.
fn relative_to(from: &Path, target: &Path) -> std::path::PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = target.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = std::path::PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in &to[common..] {
        path.push(part);
    }
    path
}

/// The campaign: eight `retort upgrade` processes, each with another
/// spelling of the URL, and two embedding applications
/// ([`embed::upgrade_head`]) started alongside, on a chain of transactional
/// and `transaction=false` revisions. Every process exits 0, every
/// revision's rows are there once, with one successful log row.
fn concurrent_spellings(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    write_revisions(&p);
    let files: Vec<(String, String)> = std::fs::read_dir(p.project.versions())
        .expect("read the versions directory")
        .map(|entry| {
            let path = entry.expect("an entry").path();
            let text = std::fs::read_to_string(&path).expect("read a revision file");
            (path.display().to_string(), text)
        })
        .collect();
    let spellings = spellings(&p);
    let embedded = std::thread::scope(|scope| {
        let applications: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let files: Vec<(&str, &str)> = files
                        .iter()
                        .map(|(name, text)| (name.as_str(), text.as_str()))
                        .collect();
                    let graph = embed::graph(&files).unwrap_or_else(|e| panic!("{e}"));
                    let url = DatabaseUrl::parse(&p.db.url).expect("the test URL parses");
                    block_on(embed::upgrade_head(&url, &graph))
                        .unwrap_or_else(|e| panic!("embedded upgrade: {e}"))
                        .len()
                })
            })
            .collect();
        upgrade_together(&p, &spellings);
        applications
            .into_iter()
            .map(|a| a.join().expect("an embedding application"))
            .collect::<Vec<_>>()
    });
    assert_applied_once(&p);
    assert!(embedded.iter().all(|&steps| steps <= 5), "{embedded:?}");
}
per_backend!(concurrent_spellings);

/// Six `downgrade` and two `stamp` runs to one revision, at once, with
/// mixed URL spellings: each revision above it is reverted exactly once —
/// by a downgrade (its rows gone) or by a stamp (its rows kept) — and every
/// run exits 0.
fn downgrade_and_stamp_together(backend: Backend) {
    let Some(p) = DbProject::new(backend) else {
        return;
    };
    write_revisions(&p);
    p.run(&["upgrade"]).success();
    let children: Vec<_> = spellings(&p)
        .into_iter()
        .enumerate()
        .map(|(i, spelling)| {
            let args = if i % 4 == 3 {
                ["stamp", R[2]]
            } else {
                ["downgrade", R[2]]
            };
            let child = spawn(&p, &spelling, &args);
            (args, spelling, child)
        })
        .collect();
    for (args, spelling, child) in children {
        let output = finish(child, Duration::from_secs(120));
        assert!(
            output.status.success(),
            "{args:?} with {spelling:?} failed ({:?}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    assert_eq!(p.versions(), [R[2]]);
    for (i, tag, count) in ROWS {
        let log = p.log(R[i]);
        let downs: Vec<&String> = log.iter().filter(|row| row.starts_with("down:")).collect();
        let rows = p.db.query(&format!(
            "SELECT COUNT(*) FROM once_rows WHERE tag = '{tag}'"
        ));
        if i <= 2 {
            assert!(downs.is_empty(), "{} was not reverted: {log:?}", R[i]);
            assert_eq!(rows, [count.to_string()], "rows of {tag}");
            continue;
        }
        assert_eq!(downs.len(), 1, "{} reverted once: {log:?}", R[i]);
        let kept = if downs[0].starts_with("down:stamp:ok:") {
            count
        } else {
            assert!(downs[0].starts_with("down:downgrade:ok:"), "{log:?}");
            0
        };
        assert_eq!(rows, [kept.to_string()], "rows of {tag}: {log:?}");
    }
}
per_backend!(downgrade_and_stamp_together);

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
